"""Security checks against the running stack and the repository: staff tokens (what
tests/channels/test_staff_channel.py does not already send), servers bound to localhost, Rasa's HTTP
API absent, no secret in the files git would commit, per-sender rate limiting on the applicant
channels with the polite message."""

import base64
import hashlib
import hmac
import json
import socket
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.knowledge import load_knowledge
from tests.channels import fake_provider as fake
from tests.channels.helpers import (new_chat_id, new_phone, staff_post, staff_token, telegram_post, telegram_update,
                                    twilio_form, twilio_post)
from tests.conftest import RATE_LIMIT, flat
from tests.reliability import secrets_scan
from tests.reliability.conftest import assert_alive

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUESTION = "adresse mail du service accompagnement logement"
RESERVED = "accompagnementthdf"


def b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hs(claims, header=None, secret=fake.STAFF_SECRET, digest=hashlib.sha256) -> str:
    """A token signed by hand, with any header (PyJWT would fix some of them)."""
    signing_input = f"{b64(header or {'alg': 'HS256', 'typ': 'JWT'})}.{b64(claims)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64(signature)}"


def later(seconds: float = 600) -> int:
    return int(time.time() + seconds)


def _rsa_token() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode({"sub": "x", "exp": later()}, key, algorithm="RS256")


def _rsa_public_key_as_hmac_secret() -> str:
    """Algorithm confusion: HS256 signed with a public key the attacker knows."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hs({"sub": "x", "exp": later()}, secret=pem.decode())


# --- staff channel tokens (beyond tests/channels/test_staff_channel.py) -----------------------------

REFUSED_TOKENS = {
    "HS384 with the right secret": lambda: jwt.encode({"sub": "x", "exp": later()}, fake.STAFF_SECRET, algorithm="HS384"),
    "HS512 with the right secret": lambda: jwt.encode({"sub": "x", "exp": later()}, fake.STAFF_SECRET, algorithm="HS512"),
    "HS256 header, HS512 signature": lambda: hs({"sub": "x", "exp": later()}, digest=hashlib.sha512),
    "RS256 with its own key": _rsa_token,
    "HS256 signed with an RSA public key": _rsa_public_key_as_hmac_secret,
    "alg NONE (upper case)": lambda: f"{b64({'alg': 'NONE'})}.{b64({'sub': 'x', 'exp': later()})}.",
    "alg missing": lambda: hs({"sub": "x", "exp": later()}, header={"typ": "JWT"}),
    "jku header to another key": lambda: hs({"sub": "x", "exp": later()}, secret="attacker-" + "k" * 40,
                                            header={"alg": "HS256", "jku": "https://evil.example/jwks.json"}),
    "kid path traversal": lambda: hs({"sub": "x", "exp": later()}, secret="",
                                     header={"alg": "HS256", "kid": "../../../../dev/null"}),
    "empty secret": lambda: hs({"sub": "x", "exp": later()}, secret=""),
    "expired beyond the 30 s leeway": lambda: staff_token(minutes=-2),
    "not valid before in an hour": lambda: hs({"sub": "x", "exp": later(7200), "nbf": later(3600)}),
    "sub with a control character": lambda: hs({"sub": "agent\u0000@ccas.fr", "exp": later()}),
    "sub with a lone surrogate": lambda: hs({"sub": "agent\ud800", "exp": later()}),
    "sub too long": lambda: hs({"sub": "a" * 201, "exp": later()}),
    "sub not a string": lambda: hs({"sub": ["agent"], "exp": later()}),
    "exp not a number": lambda: hs({"sub": "x", "exp": "demain"}),
    "signature of another token": lambda: staff_token().rsplit(".", 1)[0] + "." + staff_token("autre").rsplit(".", 1)[1],
    "two tokens glued": lambda: staff_token() + "." + staff_token(),
    "token with spaces inside": lambda: staff_token().replace(".", ". ", 1),
}


@pytest.mark.e2e
@pytest.mark.filterwarnings("ignore:The HMAC key is")  # PyJWT's advice on HS384/HS512 key sizes
@pytest.mark.parametrize("case", list(REFUSED_TOKENS))
def test_staff_channel_refuses_wrong_algorithms_signatures_and_claims(stack, case):
    response = staff_post(stack, QUESTION, token=REFUSED_TOKENS[case]())
    assert response.status_code == 401, (case, response.status_code, response.text[:200])
    assert RESERVED not in response.text


@pytest.mark.e2e
def test_staff_token_only_in_the_authorization_header(stack):
    token = staff_token()
    url = f"{stack.rasa_url}/webhooks/staff/webhook"
    body = {"sender": "c1", "message": QUESTION}
    for kwargs in ({"params": {"token": token}}, {"cookies": {"token": token}},
                   {"json": {**body, "token": token, "Authorization": f"Bearer {token}"}},
                   {"headers": {"X-Authorization": f"Bearer {token}"}}):
        response = requests.post(url, **{"json": body, **kwargs}, timeout=30)
        assert response.status_code == 401, kwargs
    assert staff_post(stack, QUESTION, token=token).status_code == 200  # the same token, where it belongs


@pytest.mark.e2e
def test_staff_clock_leeway_is_30_seconds(stack):
    assert staff_post(stack, "bonjour", token=staff_token(minutes=-0.25)).status_code == 200  # expired 15 s ago
    assert staff_post(stack, "bonjour", token=staff_token(minutes=-1)).status_code == 401


@pytest.mark.e2e
def test_huge_authorization_header_is_a_4xx(stack):
    response = staff_post(stack, QUESTION, headers={"Authorization": "Bearer " + "a" * 100_000})
    assert 400 <= response.status_code < 500
    assert_alive(stack)


# --- what listens, and where ------------------------------------------------------------------

def listening_addresses(port: int):
    """(address, port) of the LISTEN sockets of this machine on `port`, from /proc/net/tcp{,6}."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


def outside_address():
    """An address of this machine that is not loopback (None when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.mark.e2e
def test_servers_listen_on_localhost_only(stack):
    assert "ACTION_SERVER_HOST" not in stack.env()  # the action server's own default is what runs
    assert "--enable-api" not in stack.named["rasa"].args
    for port in (stack.action_port, stack.rasa_port):
        addresses = listening_addresses(port)
        assert addresses and set(addresses) == {"0100007F"}, (port, addresses)  # 127.0.0.1, no IPv6, no 0.0.0.0
    address = outside_address()
    if address is not None:
        for port in (stack.action_port, stack.rasa_port):
            with socket.socket() as client:
                client.settimeout(3)
                assert client.connect_ex((address, port)) != 0, f"{address}:{port} answers"


@pytest.mark.e2e
@pytest.mark.parametrize("method, path", [
    ("POST", "/model/parse"), ("GET", "/conversations/x/tracker"), ("POST", "/conversations/x/messages"),
    ("POST", "/conversations/x/trigger_intent"), ("PUT", "/conversations/x/tracker/events"),
    ("GET", "/conversations/x/story"), ("PUT", "/model"), ("POST", "/model/train"), ("GET", "/status"),
    ("GET", "/domain"), ("POST", "/model/test/intents"), ("DELETE", "/model"),
])
def test_rasa_http_api_is_not_exposed(stack, method, path):
    for query in ("", "?token=", "?token=secret"):
        response = requests.request(method, f"{stack.rasa_url}{path}{query}", json={"text": "bonjour"}, timeout=10)
        assert response.status_code in (401, 403, 404, 405), (method, path, response.status_code)


# --- secrets ----------------------------------------------------------------------------------

def test_no_secret_in_the_files_git_would_commit():
    findings = secrets_scan.scan()
    assert not findings, "\n".join(map(str, findings))


def test_the_secret_scanner_finds_what_it_looks_for():
    # Built here so that this file holds none of them.
    samples = {
        "-----BEGIN " + "RSA PRIVATE KEY-----": "private key",
        "-----BEGIN " + "OPENSSH PRIVATE KEY-----": "private key",
        "aws = 'AKIA" + "Q" * 16 + "'": "AWS access key",
        "TELEGRAM_TOKEN=1234567890:AA" + "b1C2d3E4f5G6h7I8j9K0l1M2n3O4p5Q6r": "Telegram bot token",
        "sid = 'AC" + "0123456789abcdef" * 2 + "'": "Twilio SID",
        "url: postgresql://assistant:" + "S3cr3t-Pa55" + "@db.internal:5432/assistant": "URL with a password",
        "token = '" + "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiJhZ2VudCJ9" + ".c2lnbmF0dXJlLXNpZ25hdHVyZQ'": "signed JWT",
        "STAFF_JWT_SECRET = '" + "q8Zr-T2vLk9Xw_Bn4Hs7Pd1Ym6Ja3Fe0" + "'": "random-looking value",
    }
    for line, kind in samples.items():
        found = list(secrets_scan.scan_text("sample", line))
        assert found and found[0].kind.startswith(kind), (line, found)
    for harmless in ("token = staff_token()", "password: ${POSTGRES_PASSWORD}", "STAFF_JWT_SECRET: ${STAFF_JWT_SECRET}",
                     "url: postgresql://postgres@127.0.0.1:5432/test", "secret = os.environ['STAFF_JWT_SECRET']",
                     "postgresql://user:password@host/db", "token: 'xxxxxxxxxxxxxxxxxxxxxxxx'"):
        assert not list(secrets_scan.scan_text("sample", harmless)), harmless


def test_local_secret_files_are_ignored_by_git():
    for path in ("var/dev-jwt-secret", "var/tracker-sender-key", "var/tracker.db", "var/credentials.run.yml", "var/knowledge-last-valid.json",
                 ".env"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=PROJECT_ROOT).returncode == 0
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", path], cwd=PROJECT_ROOT,
                                 capture_output=True).returncode == 0
        assert not tracked, path
        assert ignored or path == ".env", path  # .env is not used; var/ must be ignored
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    assert not [p for p in tracked if p.endswith((".pem", ".key", ".p12", ".pfx", ".db", ".sqlite", ".env"))]


# --- rate limiting ----------------------------------------------------------------------------

LIMIT = int(RATE_LIMIT["RATE_LIMIT_MESSAGES"])


def burn(send, count: int = LIMIT + 20):
    """Use up a sender's allowance with cheap requests (they count as messages too)."""
    with ThreadPoolExecutor(8) as pool:
        return [response.status_code for response in pool.map(lambda _: send(), range(count))]


@pytest.fixture(scope="module")
def polite(stack):
    return flat(load_knowledge(stack.knowledge_dir).messages.rate_limited)


@pytest.mark.e2e
def test_rest_rate_limit_gives_429_with_the_polite_message(stack, polite):
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    statuses = burn(lambda: requests.post(url, json={"sender": sender, "message": ""}, timeout=30))
    assert statuses.count(400) >= LIMIT - 5 and 429 in statuses
    response = requests.post(url, json={"sender": sender, "message": "visale pour un couple ?"}, timeout=30)
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert retry_after in range(1, 3600 // LIMIT + 2)
    assert [flat(m["text"]) for m in response.json()] == [polite] and response.json()[0]["recipient_id"] == sender
    other = requests.post(url, json={"sender": f"calm-{uuid.uuid4().hex[:8]}", "message": "bonjour"}, timeout=30)
    assert other.status_code == 200 and polite not in flat(other.text)  # only that sender is limited


@pytest.mark.e2e
def test_telegram_rate_limit_says_so_once(stack, provider_api, polite):
    chat_id = new_chat_id()

    def sticker():
        update = telegram_update(chat_id, "x")
        del update["message"]["text"]
        update["message"]["sticker"] = {"file_id": "f", "file_unique_id": "u"}
        return telegram_post(stack, update)

    assert set(burn(sticker)) == {200}  # Telegram must never retry: always 200
    before = len(provider_api.telegram_messages(chat_id))
    for _ in range(3):
        assert telegram_post(stack, telegram_update(chat_id, "visale pour un couple ?")).status_code == 200
    new = [flat(c.params["text"]) for c in provider_api.telegram_messages(chat_id)[before:]]
    assert new == [] or new == [polite], new  # told once (or already told during the burn), then quiet
    assert polite in [flat(c.params["text"]) for c in provider_api.telegram_messages(chat_id)]


@pytest.mark.e2e
def test_twilio_rate_limit_says_so_once(stack, provider_api, polite):
    phone = new_phone()
    assert set(burn(lambda: twilio_post(stack, {**twilio_form(phone, ""), "NumMedia": "1"}))) == {200}
    before = len(provider_api.twilio_messages(phone))
    for _ in range(3):
        assert twilio_post(stack, twilio_form(phone, "visale pour un couple ?")).status_code == 200
    new = [flat(c.params["Body"]) for c in provider_api.twilio_messages(phone)[before:]]
    assert new == [] or new == [polite], new  # every SMS costs: one notice, not one per message
    assert polite in [flat(c.params["Body"]) for c in provider_api.twilio_messages(phone)]
