"""Eligibility conversations over REST against the running servers: facts up front, step by step,
correction, out-of-range values, why, cancel, FAQ digression, distress mid-form and resume."""

import pytest

from bot.knowledge import load_knowledge
from bot.rules import fact
from tests.conftest import Conversation, flat

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge("knowledge")
MESSAGES = KNOWLEDGE.dialogue.eligibilite


def question(name: str) -> str:
    return flat(fact(name).question)


def test_facts_given_up_front_are_used(conversation):
    text = conversation.text("suis-je éligible à visale ? on est deux, j'ai 24 ans, on gagne 3000 et 1200")
    assert question("age") not in text and question("nb_titulaires_bail") not in text
    assert question("loyer_charges_comprises") in text
    verdict = conversation.text("650 €")
    assert "garantie Visale" in verdict and "remplissez les conditions" in verdict
    assert "indicatif" in verdict


def test_step_by_step_with_buttons_and_a_negative_verdict(conversation):
    reply = conversation.send("ma boite a 8 salariés, alin c'est possible ?")
    assert flat(reply[-1]["text"]) == question("situation_pro")
    assert len(reply[-1]["buttons"]) == len(fact("situation_pro").choices)
    verdict = conversation.text(reply[-1]["buttons"][0]["payload"])  # "Salarié(e) d'une entreprise privée"
    assert "ne semble pas accessible" in verdict and "8 salariés" in verdict  # the deciding criterion and value
    assert "demande de logement social" in verdict  # an alternative is offered


def test_out_of_range_value_is_asked_again(conversation):
    assert question("age") in conversation.text("j'ai droit à mobili jeune ?")
    text = conversation.text("250")
    assert "250" in text and question("age") in text
    assert question("age") not in conversation.text("23 ans")


def test_correction_why_and_digression(conversation):
    conversation.send("je peux avoir mobili jeune ? j'ai 23 ans en alternance")
    assert question("salaire_brut_mensuel") in conversation.text("entreprise privée")
    conversation.send("1200 brut")
    corrected = conversation.text("non, 1100")
    assert flat(MESSAGES.noted.format(valeur="1 100 €")) in corrected
    why = conversation.text("pourquoi vous me demandez ça ?")
    assert MESSAGES.why_prefix in why
    faq = conversation.text("c'est quoi le dépôt de garantie loca pass ?")
    assert flat(KNOWLEDGE.answer_text("loca_pass", "tous"))[:50] in faq
    pending = conversation.send("ok")  # the form is still there: the same question comes back
    assert pending and conversation.text("annuler") == flat(MESSAGES.cancelled)


def test_distress_mid_form_interrupts_and_offers_to_resume(conversation):
    assert question("nb_titulaires_bail") in conversation.text("suis-je éligible à visale ? j'ai 35 ans")
    reply = conversation.send("on dort dans la voiture depuis hier")
    assert "115" in reply[0]["text"]
    resume = [b for m in reply for b in m.get("buttons", [])]
    assert resume and resume[0]["title"] == KNOWLEDGE.distress.messages.resume_form
    assert question("nb_titulaires_bail") in conversation.text(resume[0]["payload"])


def test_staff_style_on_behalf_and_mobili_pass_ended(conversation):
    text = conversation.text("la personne que j'accompagne a un nouveau poste à 150 km, mobili-pass ?")
    assert "1er juillet 2023" in text and "indicatif" in text


def test_restart_forgets_the_facts(conversation):
    conversation.send("suis-je éligible à visale ? j'ai 24 ans")
    conversation.send("annuler")
    assert flat(MESSAGES.restarted) in conversation.text("nouvelle simulation")
    assert question("age") in conversation.text('/eligibilite{"aide": "visale"}')  # the age was forgotten
