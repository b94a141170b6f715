"""What the channels check before Rasa (bot/channels/limits.py) and the « never silent » rule
(bot/channels/common.py: deliver), without servers: properties over generated inputs."""

import asyncio
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.core.channels.channel import CollectingOutputChannel

from bot.channels.common import FALLBACK_MESSAGES, deliver
from bot.channels.limits import (EMPTY, RASA_BUILT_IN_PAYLOAD, REST_SENDER_ID, TOO_LONG, RateLimiter, clean_text, fill_max, is_clean,
                                 clean_incoming_text)
from tests.reliability.hostile import fuzz_settings, hostile_sender, hostile_text
from tests.reliability.soak import run_coroutine

pytestmark = pytest.mark.fuzz
FORBIDDEN = ("Cc", "Cs", "Cf")


@fuzz_settings(1500)
@given(raw=hostile_text, maximum=st.sampled_from([1, 70, 2000]))
def test_read_message_gives_storable_bounded_text_or_a_reason(tally, raw, maximum):
    tally["channel text checks"] += 1
    text, problem = clean_incoming_text(raw, maximum)
    if problem is None:
        assert 0 < len(text) <= maximum and text == text.strip()
        assert not any(unicodedata.category(c) in FORBIDDEN and c not in "\n" for c in text)
        text.encode("utf-8")  # what spaCy and the tracker store need
        assert clean_incoming_text(text, maximum) == (text, None)  # cleaning is done once and for all
        assert not RASA_BUILT_IN_PAYLOAD.match(text)  # "/restart"… never reaches Rasa as a payload
    else:
        assert text == "" and problem in (EMPTY, TOO_LONG)
        if problem == EMPTY:
            assert not clean_text(raw)


def test_clean_text_keeps_what_people_write():
    assert clean_text("  Visale pour un couple ?\r\n  ") == "Visale pour un couple ?"
    assert clean_text("l'éligibilité « AL'in » 😀 👍🏽") == "l'éligibilité « AL'in » 😀 👍🏽"
    assert clean_text("ligne 1\nligne 2\tfin") == "ligne 1\nligne 2 fin"
    assert clean_text("e\u0301") == "é"  # NFC
    assert clean_text("bon\x00jour\u202e\u200b \ud800!") == "bonjour !"


@given(sender=hostile_sender)
@fuzz_settings(300)
def test_rest_sender_ids_accepted_are_plain(tally, sender):
    tally["sender id checks"] += 1
    if isinstance(sender, str) and REST_SENDER_ID.fullmatch(sender):
        assert is_clean(sender) and len(sender) <= 128 and sender.isascii() and " " not in sender


def test_fill_max_never_formats():
    assert fill_max("au plus {max} caractères", 2000) == "au plus 2\u202f000 caractères"
    assert fill_max("accolade { seule } et {autre}", 5) == "accolade { seule } et {autre}"


# --- rate limiter -----------------------------------------------------------------------------

arrivals = st.lists(st.floats(0, 0.5, allow_nan=False), min_size=1, max_size=120).map(
    lambda gaps: [sum(gaps[:i + 1]) for i in range(len(gaps))])


@fuzz_settings(400)
@given(limit=st.integers(1, 20), window=st.floats(0.5, 30), times=arrivals)
def test_rate_limit_burst_then_steady_rate(tally, limit, window, times):
    """At most `limit` at once, then one per window/limit seconds; a refusal never costs allowance;
    the notice comes once per refusal streak."""
    tally["rate limiter"] += 1
    limiter = RateLimiter(limit, window)
    decisions = [limiter.check("a", now=t) for t in times]
    allowed = [t for t, d in zip(times, decisions) if d.allowed]
    interval = window / limit
    assert len(allowed) <= limit + (times[-1] - times[0]) / interval + 1e-6
    for i, start in enumerate(allowed):
        within = [t for t in allowed[i:] if t - start <= window]
        assert len(within) <= limit + (window / interval) + 1e-6
    assert decisions[0].allowed
    for previous, decision in zip(decisions, decisions[1:]):
        if not decision.allowed:
            assert decision.retry_after > 0
            assert decision.notify == previous.allowed
    assert limiter.check("b", now=times[-1]).allowed  # senders are independent


def test_a_sender_at_the_steady_rate_is_never_refused():
    limiter = RateLimiter(30, 60)
    assert all(limiter.check("x", now=i * 2.0).allowed for i in range(1000))


def test_limit_and_retry_after():
    limiter = RateLimiter(3, 60)
    assert [limiter.check("a", now=0).allowed for _ in range(4)] == [True, True, True, False]
    refused = limiter.check("a", now=1)
    assert not refused.allowed and not refused.notify and refused.retry_after == pytest.approx(19)
    assert limiter.check("a", now=20).allowed


def test_memory_stays_bounded_with_many_senders():
    limiter = RateLimiter(5, 60, max_keys=1000)
    for i in range(20_000):
        limiter.check(f"s{i}", now=i * 0.001)
    assert len(limiter) <= 1000


def test_disabled_and_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_MESSAGES", "0")
    assert all(RateLimiter.from_env().check("a", now=0).allowed for _ in range(1000))
    monkeypatch.setenv("RATE_LIMIT_MESSAGES", "2")
    monkeypatch.setenv("RATE_LIMIT_WINDOW", "10")
    limiter = RateLimiter.from_env()
    assert (limiter.limit, limiter.window) == (2, 10)
    monkeypatch.setenv("RATE_LIMIT_WINDOW", "dix")
    with pytest.raises(ValueError, match="RATE_LIMIT_WINDOW"):
        RateLimiter.from_env()


# --- never silent -----------------------------------------------------------------------------

def _run(handler):
    collector = CollectingOutputChannel()
    sent = run_coroutine(deliver(handler, "bonjour", collector, "s1", "rest"))
    return sent, [m.get("text") for m in collector.messages]


async def _answers(message):
    await message.output_channel.send_response(message.sender_id, {"text": "Bonjour !"})
    assert message.input_channel == "rest" and message.metadata is None
    assert message.output_channel.name() == "collector"


async def _silent(message):
    return None


async def _raises(message):
    raise RuntimeError("tracker store unreachable")


async def _cancelled(message):
    raise asyncio.CancelledError()


@pytest.mark.parametrize("handler, expected", [
    (_answers, (1, ["Bonjour !"])),
    (_silent, (0, [FALLBACK_MESSAGES.unavailable])),  # the action server is down: Rasa says nothing
    (_raises, (0, [FALLBACK_MESSAGES.unavailable])),
    (_cancelled, (0, [FALLBACK_MESSAGES.unavailable])),
])
def test_a_turn_without_reply_gets_the_unavailable_message(monkeypatch, handler, expected):
    monkeypatch.setattr("bot.channels.common.dialogue_messages", lambda: FALLBACK_MESSAGES)
    assert _run(handler) == expected
