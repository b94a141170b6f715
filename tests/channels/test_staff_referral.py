"""The referral to the support service, end to end: drafted for an agent in the middle of a check (the pending
question comes back), never offered nor drafted on an applicant channel (tests/personas check the drafts of every
staff persona against its facts; test_audience_channels.py sends the request on Telegram and Twilio)."""

import pytest

from bot.answering.render import REFERRAL_PAYLOAD
from bot.knowledge import load_knowledge
from tests.channels.helpers import staff_post, staff_token
from tests.conftest import Conversation

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge("knowledge")
TEXTS = KNOWLEDGE.dialogue.saisine


def test_an_agent_gets_the_draft_in_the_middle_of_a_check_then_the_pending_question(stack):
    token = staff_token()
    first = staff_post(stack, "la personne que j'accompagne a 52 ans, en CDI dans une boulangerie, visale ?",
                       "referral-mid-check", token).json()
    pending = first[-1]["text"]
    replies = staff_post(stack, REFERRAL_PAYLOAD, "referral-mid-check", token).json()
    drafts = [r["custom"]["saisine"] for r in replies if "saisine" in (r.get("custom") or {})]
    assert len(drafts) == 1 and "52 ans" in drafts[0]["texte"] and TEXTS.aides not in drafts[0]["texte"]
    assert replies[-1]["text"] == pending  # the check goes on where it was


def test_typed_request_after_a_verdict_offers_and_drafts(stack):
    token = staff_token()
    verdict = staff_post(stack, "la personne que j'accompagne a 45 ans, elle est retraitée : mobili-jeune ?",
                         "referral-typed", token).json()
    assert {"title": TEXTS.bouton, "payload": REFERRAL_PAYLOAD} in [b for r in verdict for b in r.get("buttons") or []]
    replies = staff_post(stack, "tu peux me préparer le mail pour le service d'accompagnement ?", "referral-typed",
                         token).json()
    [draft] = [r["custom"]["saisine"] for r in replies if "saisine" in (r.get("custom") or {})]
    assert f"- {KNOWLEDGE.dialogue.eligibilite.aids['mobili_jeune']} : {TEXTS.aide_impossible}" in draft["texte"]


@pytest.mark.parametrize("message", [REFERRAL_PAYLOAD, "prépare la saisine du service d'accompagnement"])
def test_an_applicant_gets_the_public_path_never_the_address_nor_a_draft(stack, message):
    conversation = Conversation(stack)
    verdict = conversation.send("j'ai 45 ans, je suis retraitée : mobili-jeune ?")
    assert TEXTS.bouton not in [b["title"] for r in verdict for b in r.get("buttons") or []]
    replies = conversation.send(message)
    text = " ".join(r.get("text") or "" for r in replies)
    assert TEXTS.adresse not in str(replies) and not any(r.get("custom") for r in replies)
    public = KNOWLEDGE.entries[TEXTS.entree].public_answer
    assert public.split("\n")[0][:60] in text
