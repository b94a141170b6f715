"""action_distress: the situation's numbers first, the staff complement only on the staff channel."""

from actions.distress_actions import ActionDistress
from bot.answering.render import referral_button
from bot.knowledge import load_knowledge
from tests.actions.conftest import load_tracker

KNOWLEDGE = load_knowledge("knowledge")


async def test_applicant_gets_the_115_first(dispatcher, domain):
    await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "rest"), domain)
    text = dispatcher.messages[0]["text"]
    assert text.startswith(KNOWLEDGE.situation("sans_abri").answer.strip()[:60])
    assert "115" in text and KNOWLEDGE.situation("sans_abri").staff_answer.strip()[:40] not in text


async def test_staff_also_gets_the_support_service_lead_time(dispatcher, domain):
    await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "staff"), domain)
    assert KNOWLEDGE.situation("sans_abri").staff_answer.strip()[:40] in dispatcher.messages[0]["text"]


async def test_staff_distress_is_kept_for_the_referral_and_offers_it(dispatcher, domain):
    events = await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "staff"), domain)
    assert events == [{"event": "slot", "name": "detresse_signalee", "value": "sans_abri", "timestamp": None},
                      {"event": "active_loop", "name": None, "timestamp": None},
                      {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None}]
    assert dispatcher.messages[0]["buttons"] == [referral_button(KNOWLEDGE)]


async def test_applicant_distress_is_not_kept_and_offers_no_referral(dispatcher, domain):
    events = await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "rest"), domain)
    assert events == [{"event": "active_loop", "name": None, "timestamp": None},
                      {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None}]
    assert dispatcher.messages[0]["buttons"] == []
