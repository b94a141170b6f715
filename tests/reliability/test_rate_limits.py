"""Issue 15, item 6: rate limiting that a new id, a trailing "." or a trailing newline got around.

Before: one bucket per raw sender id, checked with `re.match(r"^…$")` (which accepts a trailing
newline), so "abc", "abc." and "abc\\n" were three allowances and a new id each message was unlimited;
the staff channel had no limit at all. After: ids strictly validated (fullmatch, a letter or digit
first and last), buckets on the normalised id, and limits per client address and overall, on every
channel. In process: the channels' handlers are called directly (no server)."""

import json
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels import limits
from bot.channels.limits import ChannelLimits, RateLimiter, limiter_key, rest_sender_ok
from bot.channels.public_rest import PublicRestInput
from bot.channels.staff import StaffInput, mint_token
from tests.reliability.hostile import fuzz_settings

SECRET = "s" * 48


@pytest.mark.parametrize("sender", ["abc\n", "abc.", "abc-", ".abc", "abc\r\n", "abc\x00", "a" * 129, "", "ab c"])
def test_variants_of_an_id_are_refused(sender):
    assert not rest_sender_ok(sender)


@pytest.mark.parametrize("sender", ["a", "session-42", "c9f1e2d3-4b5a-6978-8a9b-0c1d2e3f4a5b", "jean@x.fr",
                                    "+33612345678", "YWJj=="])
def test_ordinary_ids_are_accepted(sender):
    assert rest_sender_ok(sender)


@fuzz_settings(300)
@given(sender=st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9._@:+=-]{0,60}[A-Za-z0-9])?", fullmatch=True),
       suffix=st.sampled_from(["\n", ".", "..", "-", "_", "\r\n", " ", "\t"]))
def test_no_variant_of_an_id_gets_a_bucket_of_its_own(tally, sender, suffix):
    tally["rate-limit key checks"] += 1
    assert not rest_sender_ok(sender + suffix)  # refused before any bucket
    base = limiter_key("rest", sender)
    assert limiter_key("rest", sender.upper()) == base == limiter_key("rest", sender.replace("-", "."))


def test_new_ids_from_one_address_meet_the_address_limit():
    channel = ChannelLimits(RateLimiter(3, 60), RateLimiter(10, 60), RateLimiter(1000, 60, max_keys=1))
    allowed = [channel.check(limiter_key("rest", f"id-{n}"), "203.0.113.7", now=0).allowed for n in range(30)]
    assert allowed == [True] * 10 + [False] * 20
    assert channel.check(limiter_key("rest", "id-x"), "198.51.100.1", now=0).allowed  # another address


def test_many_addresses_meet_the_overall_limit():
    channel = ChannelLimits(RateLimiter(3, 60), RateLimiter(10, 60), RateLimiter(50, 60, max_keys=1))
    allowed = [channel.check(limiter_key("rest", f"id-{n}"), f"10.0.{n // 250}.{n % 250}", now=0).allowed
               for n in range(80)]
    assert allowed == [True] * 50 + [False] * 30
    assert not channel.check(limiter_key("telegram", "telegram:1"), None, now=0).allowed  # every channel


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_ADDRESS_MESSAGES", "7")
    monkeypatch.setenv("RATE_LIMIT_TOTAL_MESSAGES", "0")
    channel = ChannelLimits.from_env()
    assert channel.per_address.limit == 7 and not channel.overall.enabled and channel.per_sender.limit == 30
    monkeypatch.delenv("RATE_LIMIT_ADDRESS_MESSAGES")
    monkeypatch.delenv("RATE_LIMIT_TOTAL_MESSAGES")
    defaults = ChannelLimits.from_env()
    assert defaults.per_address.limit == 120 and defaults.overall.limit == 1200


# --- the channels, in process ------------------------------------------------------------------

class FakeRequest(SimpleNamespace):
    def __init__(self, body, address="203.0.113.7", headers=None):
        super().__init__(json=body, remote_addr="", ip=address, headers=headers or {}, app=None)


async def answer(message):
    await message.output_channel.send_text_message(message.sender_id, "réponse")


def handler(channel, uri="/webhook"):
    blueprint = channel.blueprint(answer)
    return next(route.handler for route in blueprint._future_routes if route.uri == uri)


@pytest.fixture
def tight_limits(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_MESSAGES", "3")
    monkeypatch.setenv("RATE_LIMIT_ADDRESS_MESSAGES", "10")
    monkeypatch.setenv("RATE_LIMIT_TOTAL_MESSAGES", "1000")
    monkeypatch.setattr(limits, "_limiter", None)
    yield
    limits._limiter = None


async def test_rest_a_new_id_or_a_trailing_newline_each_message_is_limited(tight_limits):
    receive = handler(PublicRestInput())
    statuses = [(await receive(FakeRequest({"sender": "abc", "message": "bonjour"}))).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    for variant in ("abc\n", "abc.", "ABC"):
        status = (await receive(FakeRequest({"sender": variant, "message": "bonjour"}))).status
        assert status in (400, 429), variant  # refused, or the same bucket: never a new allowance
    statuses = [(await receive(FakeRequest({"sender": f"new-{n}", "message": "bonjour"}))).status for n in range(12)]
    assert 429 in statuses and statuses.count(200) <= 10 - 4  # the address's allowance, already used
    reply = await receive(FakeRequest({"sender": "other", "message": "bonjour"}))
    assert reply.status == 429 and int(reply.headers["Retry-After"]) >= 1
    assert (await receive(FakeRequest({"sender": "other", "message": "bonjour"}, address="198.51.100.1"))).status == 200


async def test_the_staff_channel_is_limited_too(tight_limits):
    receive = handler(StaffInput(SECRET))
    token = {"Authorization": "Bearer " + mint_token(SECRET, "agent@ccas.fr", 10)}
    statuses = [(await receive(FakeRequest({"sender": "c1", "message": "bonjour"}, headers=token))).status
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    statuses = [(await receive(FakeRequest({"sender": f"c{n + 2}", "message": "bonjour"}, headers=token))).status
                for n in range(10)]
    assert statuses.count(200) == 6 and statuses[-1] == 429  # a new conversation each time: the address limit
    refused = await receive(FakeRequest({"sender": "c99", "message": "bonjour"}, headers=token))
    assert refused.status == 429 and "error" in json.loads(refused.body) and refused.headers["Retry-After"]
