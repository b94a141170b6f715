"""action_distress: the situation's numbers first, the staff complement only on the staff channel.

Each test compares the whole list of events and of messages (texts from knowledge/detresse.yml)."""

from actions.distress_actions import ActionDistress
from bot.answering.render import referral_button
from bot.knowledge import load_knowledge
from bot.safety.reply import distress_reply
from tests.actions.conftest import load_tracker, said

KNOWLEDGE = load_knowledge("knowledge")
SITUATION = KNOWLEDGE.situation("sans_abri")
STOP_THE_CHECK = [{"event": "active_loop", "name": None, "timestamp": None},
                  {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None}]


def replied(audience):
    reply = distress_reply(KNOWLEDGE, "sans_abri", audience)
    return reply.text, reply.buttons


async def test_applicant_gets_the_emergency_numbers_first_and_is_not_kept_nor_offered_a_referral(dispatcher, domain):
    events = await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "rest"), domain)
    assert events == STOP_THE_CHECK
    assert said(dispatcher) == [replied("tous")] and replied("tous")[1] == []
    text = dispatcher.messages[0]["text"]
    assert text.startswith(SITUATION.answer.strip()) and SITUATION.staff_answer.strip() not in text


async def test_staff_get_the_support_service_and_the_distress_is_kept_for_the_referral(dispatcher, domain):
    events = await ActionDistress().run(dispatcher, load_tracker("distress_sans_abri", "staff"), domain)
    assert events == [{"event": "slot", "name": "detresse_signalee", "value": "sans_abri", "timestamp": None},
                      *STOP_THE_CHECK]
    assert said(dispatcher) == [replied("professionnels")]
    assert replied("professionnels")[1] == [referral_button(KNOWLEDGE)]
    assert dispatcher.messages[0]["text"].startswith(SITUATION.staff_answer.strip())
