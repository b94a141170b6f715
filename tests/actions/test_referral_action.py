"""action_prepare_referral: the draft for CCAS agents, the public path on every applicant channel."""

import datetime as dt

import pytest

import actions.referral_actions as referral_actions
from actions.referral_actions import ActionPrepareReferral
from bot.answering.render import render_entry
from bot.dialogue.referral import draft_referral, referral_custom, referral_reply
from bot.knowledge import load_knowledge
from bot.rules import load_rules
from bot.situation.model import Situation
from tests.actions.conftest import load_tracker

KNOWLEDGE = load_knowledge("knowledge")
ADDRESS = KNOWLEDGE.dialogue.saisine.adresse


@pytest.fixture
def counted(monkeypatch):
    calls = []

    async def record(tracker, topic):
        calls.append((tracker.get_latest_input_channel(), topic))
    monkeypatch.setattr(referral_actions.recording, "after_referral_drafted", record)
    return calls


async def test_staff_gets_the_draft_with_its_link_and_copy_payload(dispatcher, domain, counted):
    tracker = load_tracker("referral_after_check")
    events = await ActionPrepareReferral().run(dispatcher, tracker, domain)
    expected = draft_referral(Situation.from_dict(tracker.get_slot("situation")), ["accompagnement"], None,
                              KNOWLEDGE, load_rules(), dt.date.today())
    assert events == []
    assert [(m["text"], m["custom"], m["buttons"]) for m in dispatcher.messages] == [
        (referral_reply(expected, KNOWLEDGE).text, referral_custom(expected, KNOWLEDGE), [])]
    assert counted == [("staff", "verification")]


@pytest.mark.parametrize("channel", ["rest", "telegram", "twilio"])
async def test_applicants_get_the_public_path_never_the_address(dispatcher, domain, counted, channel):
    events = await ActionPrepareReferral().run(dispatcher, load_tracker("referral_after_check", channel), domain)
    public = render_entry(KNOWLEDGE.entries[KNOWLEDGE.dialogue.saisine.entree], KNOWLEDGE, "tous")
    assert events == []
    assert [(m["text"], m["custom"]) for m in dispatcher.messages] == [(public.text, {})]
    assert ADDRESS not in str(dispatcher.messages)
    assert counted == []
