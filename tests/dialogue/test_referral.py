"""The referral to the support service drafted for a CCAS agent (bot/dialogue/referral.py).

Expectations are read from knowledge/ (labels, texts, parameters) and verdicts are fixed from the
official rules (shared/reference/domain_facts.md), not from the bot's output.
"""

import datetime as dt
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from bot.dialogue.referral import WRITTEN, checked_aids, draft_referral, referral_custom, referral_reply, stated_facts
from bot.knowledge import load_knowledge
from bot.rules import AIDS, load_rules
from bot.situation.model import ANSWERED, CONFIRMED, DERIVED, Situation
from bot.situation.vocabulary import CONJOINT, MENAGE, PERSONNE, UNKNOWN

BASE = load_knowledge("knowledge")
RULES = load_rules()
TEXTS = BASE.dialogue.saisine
DAY = dt.date(2026, 12, 2)


def label(name: str) -> str:
    return RULES.facts[name].short_name


def choice(name: str, key: str) -> str:
    return dict(RULES.facts[name].choices)[key]


def agent_described() -> Situation:
    """An agent's description: a 34-year-old private-sector employee on a CDI, rent arrears, urgent."""
    return (Situation(third_person=True)
            .with_fact("age", 34)
            .with_fact("situation_pro", "salarie", ANSWERED)
            .with_fact("secteur_employeur", "prive", CONFIRMED)
            .with_fact("type_contrat", "cdi")
            .with_fact("revenu_mensuel_net", 1400)
            .with_fact("taille_entreprise", 50, ANSWERED)
            .with_fact("evenement_difficulte", True, ANSWERED)
            .with_fact("urgence", True, ANSWERED)
            .with_fact("revenu_mensuel_net_conjoint", 1200)
            .with_fact("nb_titulaires_bail", 2)
            .with_fact("loyer_charges_comprises", 600)
            .with_fact("commune", "Lille")
            .with_fact("bail_signe", False, ANSWERED)
            .with_fact("zone_logement", "grande_agglomeration", DERIVED)          # deduced: not the agent's words
            .with_fact("apl_mensuelle", 150, confidence=0.6)                       # read with doubt, not confirmed
            .with_fact("anciennete_emploi_mois", UNKNOWN))                         # « je ne sais pas »


def section(body: str, heading: str) -> list:
    part = body.split(heading, 1)[1].split("\n\n", 1)[0]
    return [line for line in part.split("\n") if line.strip()]


def test_the_facts_are_those_the_agent_gave_grouped_by_whose_they_are():
    assert stated_facts(agent_described(), RULES.facts) == {
        PERSONNE: [f"{label('age')} : 34 ans",
                   f"{label('situation_pro')} : {choice('situation_pro', 'salarie')}",
                   f"{label('secteur_employeur')} : {choice('secteur_employeur', 'prive')}",
                   f"{label('type_contrat')} : {choice('type_contrat', 'cdi')}",
                   f"{label('anciennete_emploi_mois')} : {WRITTEN.unknown_button}",
                   f"{label('revenu_mensuel_net')} : 1 400 €",
                   f"{label('taille_entreprise')} : 50 salariés",
                   f"{label('evenement_difficulte')} : {WRITTEN.yes.lower()}",
                   f"{label('urgence')} : {WRITTEN.yes.lower()}"],
        CONJOINT: [f"{label('revenu_mensuel_net_conjoint')} : 1 200 €"],
        MENAGE: [f"{label('nb_titulaires_bail')} : 2 personne(s)",
                 f"{label('loyer_charges_comprises')} : 600 €",
                 f"{label('commune')} : Lille",
                 f"{label('bail_signe')} : {WRITTEN.no.lower()}"],
    }


def test_an_urgent_situation_gives_the_urgent_subject_and_the_lead_time_in_force():
    referral = draft_referral(agent_described(), [], None, BASE, RULES, DAY)
    hours = RULES.parameters.at("accompagnement.delai_prise_en_charge.urgent_heures", DAY).value
    assert referral.subject == TEXTS.objet_urgent
    urgency = [line for line in referral.body.split("\n") if line.startswith("Urgence")]
    assert urgency == [RULES.render(TEXTS.urgence_oui, DAY).replace("{motif}", TEXTS.urgence_dite)]
    assert f"{hours} heures" in urgency[0]


def test_a_distress_described_names_the_situation():
    situation = Situation(third_person=True).with_fact("age", 40)
    referral = draft_referral(situation, [], "expulsion_coupure", BASE, RULES, DAY)
    title = BASE.situation("expulsion_coupure").title
    assert referral.subject == TEXTS.objet_urgent
    assert f"({title[0].lower()}{title[1:]})" in referral.body


def test_without_urgency_the_usual_lead_time_and_no_urgent_subject():
    situation = agent_described().without("urgence")
    referral = draft_referral(situation, [], None, BASE, RULES, DAY)
    low = RULES.parameters.at("accompagnement.delai_prise_en_charge.classique_mois_minimum", DAY).value
    high = RULES.parameters.at("accompagnement.delai_prise_en_charge.classique_mois_maximum", DAY).value
    assert referral.subject == TEXTS.objet
    assert RULES.render(TEXTS.urgence_non, DAY) in referral.body.split("\n")
    assert f"{low} à {high} mois" in referral.body


def test_the_aids_checked_carry_the_verdict_of_the_official_rules():
    # Support service: private employer of 50 (≥ 10), CDI, an unforeseen event → possible.
    # Visale: 34 years old, private-sector employee earning 1 400 € net ≤ 1 710 € (2026), rent 600 € for two
    # holders, lease not signed → possible. Mobili-Pass: not distributed since 1 July 2023 → not possible.
    # AL'in (screening): private employer of 50 → possible (the NUD is a step, not a condition).
    referral = draft_referral(agent_described(), ["accompagnement", "visale", "toutes"], None, BASE, RULES, DAY)
    lines = section(referral.body, TEXTS.aides)
    names = BASE.dialogue.eligibilite.aids
    by_aid = {aid: next(line for line in lines if line.startswith(f"- {names[aid]} : ")) for aid in AIDS}
    assert len(lines) == len(AIDS)
    for aid in ("accompagnement", "visale", "alin"):
        assert by_aid[aid].startswith(f"- {names[aid]} : {TEXTS.aide_possible} — "), by_aid[aid]
    assert by_aid["mobili_pass"].startswith(f"- {names['mobili_pass']} : {TEXTS.aide_impossible} — ")
    assert [line.split(" : ")[0] for line in lines] == [f"- {names[aid]}" for aid in
                                                         ("accompagnement", "visale", "alin", "mobili_jeune",
                                                          "mobili_pass", "loca_pass")]


def test_an_undecided_aid_says_what_is_missing():
    situation = Situation(third_person=True).with_fact("age", 45)
    referral = draft_referral(situation, ["accompagnement"], None, BASE, RULES, DAY)
    [line] = section(referral.body, TEXTS.aides)
    assert line.startswith(f"- {BASE.dialogue.eligibilite.aids['accompagnement']} : {TEXTS.aide_incertaine} (")
    assert label("situation_pro") in line


def test_nothing_said_leaves_the_situation_to_describe_and_no_aid():
    referral = draft_referral(Situation(), [], None, BASE, RULES, DAY)
    assert section(referral.body, TEXTS.situation) == [TEXTS.rien_dit]
    assert TEXTS.aides not in referral.body
    assert referral.subject == TEXTS.objet


def test_what_the_bot_must_not_guess_stays_in_brackets():
    body = draft_referral(agent_described(), ["visale"], None, BASE, RULES, DAY).body
    brackets = set(re.findall(r"\[[^\]]+\]", body))
    allowed = set(re.findall(r"\[[^\]]+\]", TEXTS.coordonnees + TEXTS.signature + TEXTS.attente + TEXTS.rien_dit))
    assert brackets == allowed - set(re.findall(r"\[[^\]]+\]", TEXTS.rien_dit))
    assert "[nom et prénom]" in body and "[votre nom]" in body and "[votre CCAS]" in body


def test_the_mailto_link_carries_address_subject_and_body_exactly():
    referral = draft_referral(agent_described(), ["visale"], "sans_abri", BASE, RULES, DAY)
    parts = urlsplit(referral.mailto)
    assert parts.scheme == "mailto" and unquote(parts.path) == TEXTS.adresse
    query = parse_qs(parts.query, keep_blank_values=True)
    assert query["subject"] == [referral.subject]
    assert query["body"] == [referral.body.replace("\n", "\r\n")]
    assert " " not in referral.mailto and ")" not in referral.mailto  # survives markdown [label](href)


def test_the_reply_and_the_widget_payload_hold_the_same_draft():
    referral = draft_referral(agent_described(), ["visale"], None, BASE, RULES, DAY)
    reply = referral_reply(referral, BASE)
    assert reply.text.split("\n\n") == [TEXTS.intro, f"**Objet :** {referral.subject}", *referral.body.split("\n\n"),
                                        TEXTS.rappel, f"[{TEXTS.lien}]({referral.mailto}) — {TEXTS.adresse}"]
    assert referral_custom(referral, BASE) == {"saisine": {
        "objet": referral.subject, "texte": referral.body, "mailto": referral.mailto, "adresse": TEXTS.adresse,
        "copier": TEXTS.copier, "copie": TEXTS.copie, "lien": TEXTS.lien}}


@pytest.mark.parametrize("given, aids", [
    ([], []),
    (None, []),
    (["visale", "visale"], ["visale"]),
    (["loca_pass", "toutes"], ["loca_pass", "visale", "alin", "mobili_jeune", "mobili_pass", "accompagnement"]),
    (["inconnue", 3, None, "alin"], ["alin"]),
])
def test_checked_aids_are_each_aid_once_and_only_known_ones(given, aids):
    assert checked_aids(given) == aids
