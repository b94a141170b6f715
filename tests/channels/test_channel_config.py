"""Channel configuration without servers: credentials from the environment, JWT checks, channel
construction (no network at start-up), audience of each channel."""

import base64
import json
import re
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.answering.audience import PROFESSIONALS, audience_for_channel
from bot.channels.public_rest import PublicRestInput
from bot.channels.staff import StaffInput, TokenError, mint_token, staff_sender_id, verify_token
from bot.channels.telegram import TelegramInput
from bot.channels.twilio import TwilioInput
from bot.cli.serve import CREDENTIALS, write_run_credentials
from tests.channels import fake_provider as fake

SECRET = fake.STAFF_SECRET


def b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def bearer(token: str) -> str:
    return f"Bearer {token}"


# --- credentials ------------------------------------------------------------------------------

def test_credentials_file_holds_no_secret():
    text = CREDENTIALS.read_text(encoding="utf-8")
    for line in text.splitlines():
        if ":" in line and not line.lstrip().startswith("#") and line.startswith("  "):
            value = line.split(":", 1)[1].strip()
            assert re.fullmatch(r"\$\{[A-Z_]+\}", value), line


def test_only_configured_channels_are_enabled(tmp_path):
    out = tmp_path / "credentials.run.yml"
    enabled, disabled = write_run_credentials(CREDENTIALS, {}, out)
    assert enabled == ["bot.channels.public_rest.PublicRestInput", "bot.channels.health.HealthInput"]
    assert disabled["bot.channels.staff.StaffInput"] == ["STAFF_JWT_SECRET"]
    assert "TELEGRAM_TOKEN" in disabled["bot.channels.telegram.TelegramInput"]
    assert "TWILIO_AUTH_TOKEN" in disabled["bot.channels.twilio.TwilioInput"]

    env = fake.channel_env("http://127.0.0.1:9")
    enabled, disabled = write_run_credentials(CREDENTIALS, env, out)
    assert len(enabled) == 5 and not disabled
    written = out.read_text(encoding="utf-8")
    assert fake.STAFF_SECRET not in written and fake.TWILIO_AUTH_TOKEN not in written
    assert "${STAFF_JWT_SECRET}" in written  # Rasa expands it when it reads the file


def test_partially_configured_channel_is_left_out(tmp_path):
    env = {"TELEGRAM_TOKEN": fake.TELEGRAM_TOKEN}
    enabled, disabled = write_run_credentials(CREDENTIALS, env, tmp_path / "c.yml")
    assert "bot.channels.telegram.TelegramInput" not in enabled
    assert disabled["bot.channels.telegram.TelegramInput"] == ["TELEGRAM_SECRET_TOKEN"]


# --- JWT --------------------------------------------------------------------------------------

def test_valid_token_gives_its_claims():
    claims = verify_token(bearer(mint_token(SECRET, "agent@ccas.fr", 5)), SECRET)
    assert claims["sub"] == "agent@ccas.fr"


@pytest.mark.parametrize("header, reason", [
    (None, "manquant"),
    ("", "manquant"),
    ("Bearer", "manquant"),
    ("Basic YWdlbnQ6cGFzcw==", "manquant"),
    ("Bearer pas-un-jwt", "invalide"),
])
def test_missing_or_malformed_token(header, reason):
    with pytest.raises(TokenError, match=reason):
        verify_token(header, SECRET)


def test_expired_token():
    token = mint_token(SECRET, "agent@ccas.fr", 1, now=time.time() - 3600)
    with pytest.raises(TokenError, match="expiré"):
        verify_token(bearer(token), SECRET)


def test_token_signed_with_another_secret():
    with pytest.raises(TokenError, match="invalide"):
        verify_token(bearer(mint_token("un-autre-secret-" + "y" * 32, "agent@ccas.fr", 5)), SECRET)


def test_tampered_payload():
    header, payload, signature = mint_token(SECRET, "agent@ccas.fr", 5).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "directeur@ccas.fr"
    with pytest.raises(TokenError, match="invalide"):
        verify_token(bearer(f"{header}.{b64(claims)}.{signature}"), SECRET)


def test_alg_none_is_refused():
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({'sub': 'x', 'exp': int(time.time()) + 600})}."
    with pytest.raises(TokenError, match="invalide"):
        verify_token(bearer(token), SECRET)


def test_rs256_token_is_refused():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode({"sub": "x", "exp": int(time.time()) + 600}, key, algorithm="RS256")
    with pytest.raises(TokenError, match="invalide"):
        verify_token(bearer(token), SECRET)


def test_hs512_token_is_refused_even_with_the_right_secret():
    token = jwt.encode({"sub": "x", "exp": int(time.time()) + 600}, SECRET * 2, algorithm="HS512")
    with pytest.raises(TokenError, match="invalide"):
        verify_token(bearer(token), SECRET * 2)


@pytest.mark.parametrize("claims", [{"sub": "x"}, {"exp": 4102444800}, {"sub": "", "exp": 4102444800},
                                    {"sub": 42, "exp": 4102444800}])
def test_sub_and_exp_are_required(claims):
    with pytest.raises(TokenError):
        verify_token(bearer(jwt.encode(claims, SECRET, algorithm="HS256")), SECRET)


def test_audience_and_issuer_when_configured():
    good = mint_token(SECRET, "a@b.fr", 5, aud="assistant", iss="intranet")
    assert verify_token(bearer(good), SECRET, audience="assistant", issuer="intranet")["sub"] == "a@b.fr"
    with pytest.raises(TokenError):
        verify_token(bearer(mint_token(SECRET, "a@b.fr", 5, aud="autre", iss="intranet")), SECRET,
                     audience="assistant", issuer="intranet")


def test_staff_conversations_belong_to_the_token_subject():
    assert staff_sender_id("a@ccas.fr", "c1") == "staff:a@ccas.fr:c1"
    assert staff_sender_id("a@ccas.fr", "c1") != staff_sender_id("b@ccas.fr", "c1")
    # the conversation id has no ':' (checked by the channel), so subject and id cannot be confused
    assert staff_sender_id("a:b", "c") == "staff:a:b:c" and staff_sender_id("a", "b:c") == "staff:a:b:c"


# --- channels ---------------------------------------------------------------------------------

def _routes(blueprint):
    return {route.uri for route in blueprint._future_routes}


async def _noop(_message):
    return None


def test_staff_secret_must_be_long_enough():
    with pytest.raises(ValueError, match="32"):
        StaffInput.from_credentials({"jwt_secret": "court"})


def test_demo_page_and_token_only_with_staff_demo(monkeypatch):
    monkeypatch.delenv("STAFF_DEMO", raising=False)
    routes = _routes(StaffInput.from_credentials({"jwt_secret": SECRET}).blueprint(_noop))
    assert "/webhook" in routes and "/widget.js" in routes and "/widget.css" in routes
    assert not any("demo" in route for route in routes)
    monkeypatch.setenv("STAFF_DEMO", "1")
    routes = _routes(StaffInput.from_credentials({"jwt_secret": SECRET}).blueprint(_noop))
    assert {"/demo", "/demo/token"} <= routes


def test_telegram_channel_builds_without_network_and_needs_a_secret_token(monkeypatch):
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    channel = TelegramInput.from_credentials({"access_token": fake.TELEGRAM_TOKEN,
                                              "secret_token": fake.TELEGRAM_SECRET})
    assert channel.get_output_channel().server.api_url(fake.TELEGRAM_TOKEN, "sendMessage") == \
        f"http://127.0.0.1:9/bot{fake.TELEGRAM_TOKEN}/sendMessage"
    assert "/webhook" in _routes(channel.blueprint(_noop))
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput.from_credentials({"access_token": fake.TELEGRAM_TOKEN, "secret_token": ""})


def test_twilio_channel_needs_the_public_url_to_check_signatures(monkeypatch):
    monkeypatch.delenv("TWILIO_WEBHOOK_URL", raising=False)
    credentials = {"account_sid": fake.TWILIO_ACCOUNT_SID, "auth_token": fake.TWILIO_AUTH_TOKEN,
                   "twilio_number": fake.TWILIO_NUMBER}
    with pytest.raises(ValueError, match="TWILIO_WEBHOOK_URL"):
        TwilioInput.from_credentials(credentials)
    channel = TwilioInput.from_credentials({**credentials, "webhook_url": fake.TWILIO_PUBLIC_URL})
    assert channel.get_output_channel()._sender_for("whatsapp:+33612345678") == "whatsapp:" + fake.TWILIO_NUMBER


def test_only_the_staff_channel_is_the_professional_audience():
    assert audience_for_channel(StaffInput.name()) == PROFESSIONALS
    for channel in (PublicRestInput, TelegramInput, TwilioInput):
        assert audience_for_channel(channel.name()) != PROFESSIONALS, channel


def test_make_run_prints_the_widget_address_and_disabled_channels():
    from bot.cli.serve import Stack, ready_message
    stack = Stack(rasa_port=5005)
    stack.channels = ["bot.channels.public_rest.PublicRestInput", "bot.channels.staff.StaffInput"]
    stack.disabled_channels = {"bot.channels.telegram.TelegramInput": ["TELEGRAM_SECRET_TOKEN", "TELEGRAM_TOKEN"]}
    message = ready_message(stack, demo=True)
    assert "http://127.0.0.1:5005/webhooks/staff/demo" in message
    assert "make token" in message
    assert "Telegram (variables absentes : TELEGRAM_SECRET_TOKEN, TELEGRAM_TOKEN)" in message
    assert "/webhooks/staff/demo" not in ready_message(stack, demo=False)


@pytest.fixture
def own_provider_api():
    api = fake.FakeProviderAPI().start()
    yield api
    api.stop()


def test_telegram_webhook_registration_sends_the_secret_token(own_provider_api):
    """With TELEGRAM_SET_WEBHOOK=1 the channel calls setWebhook once the server runs (never at import
    or construction time); an unreachable API is only logged."""
    import asyncio

    provider_api = own_provider_api
    channel = TelegramInput(fake.TELEGRAM_TOKEN, fake.TELEGRAM_SECRET, api_url=provider_api.url,
                            webhook_url="https://bot.example/webhooks/telegram/webhook", set_webhook_on_start=True)

    async def register(out):
        await channel._register_webhook(out)
        await out.session.close()

    asyncio.run(register(channel.get_output_channel()))
    calls = provider_api.calls_where(lambda c: c.method == "setWebhook")
    assert len(calls) == 1
    assert calls[0].params["secret_token"] == fake.TELEGRAM_SECRET
    assert calls[0].params["url"] == "https://bot.example/webhooks/telegram/webhook"
    offline = TelegramInput(fake.TELEGRAM_TOKEN, fake.TELEGRAM_SECRET, webhook_url="https://x",
                            api_url="http://127.0.0.1:9")
    async def register_offline(out):
        await offline._register_webhook(out)  # logged, no exception
        await out.session.close()

    asyncio.run(register_offline(offline.get_output_channel()))
