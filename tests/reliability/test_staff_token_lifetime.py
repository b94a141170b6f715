"""Issue 15, item 10: staff tokens had no maximum lifetime.

Before: any token with `sub` and `exp` was accepted, without `iat` and valid for years (a token
copied from a log or a shared screen stayed usable). After: `iat` is required and `exp` − `iat` may
not exceed STAFF_JWT_MAX_LIFETIME_MINUTES (12 h by default); `make token` refuses to mint a longer one."""

import time

import jwt
import pytest

from bot.channels.staff import (DEFAULT_MAX_LIFETIME_MINUTES, StaffInput, TokenError, max_lifetime_minutes,
                                mint_token, verify_token)
from bot.cli import token as token_cli
from tests.channels import fake_provider as fake
from tests.channels.helpers import staff_post

SECRET = "s" * 48


def bearer(token: str) -> str:
    return f"Bearer {token}"


def test_a_token_without_iat_is_refused():
    token = jwt.encode({"sub": "agent@ccas.fr", "exp": int(time.time()) + 600}, SECRET, algorithm="HS256")
    with pytest.raises(TokenError, match="iat"):
        verify_token(bearer(token), SECRET)


@pytest.mark.parametrize("minutes", [12 * 60 + 1, 24 * 60, 365 * 24 * 60, 100 * 365 * 24 * 60])
def test_a_token_valid_for_longer_than_12_hours_is_refused(minutes):
    with pytest.raises(TokenError, match="12 h"):
        verify_token(bearer(mint_token(SECRET, "agent@ccas.fr", minutes)), SECRET)


def test_a_token_issued_long_ago_with_a_late_expiry_is_refused():
    now = int(time.time())
    token = jwt.encode({"sub": "agent@ccas.fr", "iat": now - 30 * 24 * 3600, "exp": now + 600}, SECRET,
                       algorithm="HS256")
    with pytest.raises(TokenError):
        verify_token(bearer(token), SECRET)


def test_a_token_issued_in_the_future_is_refused():
    token = mint_token(SECRET, "agent@ccas.fr", 60, now=time.time() + 3600)
    with pytest.raises(TokenError):
        verify_token(bearer(token), SECRET)


@pytest.mark.parametrize("minutes", [5, 15, 60, DEFAULT_MAX_LIFETIME_MINUTES])
def test_tokens_up_to_the_maximum_are_accepted(minutes):
    assert verify_token(bearer(mint_token(SECRET, "agent@ccas.fr", minutes)), SECRET)["sub"] == "agent@ccas.fr"


def test_the_maximum_is_configurable(monkeypatch):
    monkeypatch.setenv("STAFF_JWT_MAX_LIFETIME_MINUTES", "30")
    assert max_lifetime_minutes() == 30
    assert StaffInput.from_credentials({"jwt_secret": SECRET}).max_lifetime == 30
    with pytest.raises(TokenError, match="30 min"):
        verify_token(bearer(mint_token(SECRET, "agent@ccas.fr", 60)), SECRET)
    assert verify_token(bearer(mint_token(SECRET, "agent@ccas.fr", 30)), SECRET)
    channel = StaffInput.from_credentials({"jwt_secret": SECRET, "jwt_max_lifetime_minutes": 120})
    assert channel.max_lifetime == 120
    for wrong in ("0", "-5", "douze", "nan", "inf"):
        monkeypatch.setenv("STAFF_JWT_MAX_LIFETIME_MINUTES", wrong)
        with pytest.raises(ValueError, match="STAFF_JWT_MAX_LIFETIME_MINUTES"):
            max_lifetime_minutes()


def test_make_token_stays_within_the_maximum(monkeypatch, capsys):
    monkeypatch.setenv("STAFF_JWT_SECRET", SECRET)
    monkeypatch.delenv("STAFF_JWT_MAX_LIFETIME_MINUTES", raising=False)
    assert token_cli.main(["--sub", "agent@ccas.fr"]) == 0  # `make token`: MINUTES=60 by default
    token = capsys.readouterr().out.strip()
    claims = verify_token(bearer(token), SECRET)
    assert claims["exp"] - claims["iat"] == 3600
    assert token_cli.main(["--minutes", str(DEFAULT_MAX_LIFETIME_MINUTES)]) == 0
    capsys.readouterr()
    assert token_cli.main(["--minutes", "1440"]) == 2
    assert "12 h" in capsys.readouterr().err


def test_the_running_staff_channel_refuses_a_long_lived_token(stack):
    long_lived = mint_token(fake.STAFF_SECRET, "agent@ccas.fr", 7 * 24 * 60)
    refused = staff_post(stack, "visale pour un couple ?", token=long_lived)
    assert refused.status_code == 401 and "12 h" in refused.json()["error"]
    no_iat = jwt.encode({"sub": "agent@ccas.fr", "exp": int(time.time()) + 600}, fake.STAFF_SECRET, algorithm="HS256")
    assert staff_post(stack, "visale pour un couple ?", token=no_iat).status_code == 401
    assert staff_post(stack, "visale pour un couple ?", token=mint_token(fake.STAFF_SECRET, "agent@ccas.fr", 10)).ok
