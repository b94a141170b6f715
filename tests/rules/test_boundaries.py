"""Boundary cases generated from the parameters themselves: value − 1, value, value + 1 at each date.

For each threshold a profile that passes every other criterion is checked on the first day of each
dated value of its parameter; the expected status comes from the comparison the official rule states
(≤, <, ≥ or >), so a changed ceiling (Visale 2026) is tested at its own date without editing a test.
"""

import datetime as dt

import pytest

from bot.rules import RulesNotAvailable, load_rules

RULES = load_rules()
PRIVATE_CDI = {"situation_pro": "salarie", "secteur_employeur": "prive", "type_contrat": "cdi", "periode_essai": False}
VISALE_OVER_30 = {"bail_signe": False, "age": 40, **PRIVATE_CDI, "anciennete_emploi_mois": 60, "mutation_recente": False,
                  "promesse_embauche": False, "nb_titulaires_bail": 1, "loyer_charges_comprises": 500}
VISALE_YOUNG = {"bail_signe": False, "situation_pro": "salarie", "secteur_employeur": "prive", "nb_titulaires_bail": 1,
                "revenu_mensuel_net": 5000, "loyer_charges_comprises": 500}
# parameter -> (aid, fact varied, other facts, comparison that passes, extra facts per date)
THRESHOLDS = {
    "visale.plus_de_30_ans.salaire_net_maximum": ("visale", "revenu_mensuel_net", VISALE_OVER_30, "<="),
    "visale.age.maximum": ("visale", "age", VISALE_YOUNG, "<="),
    "visale.plafond_loyer.ile_de_france": ("visale", "loyer_charges_comprises",
                                           {**VISALE_YOUNG, "age": 25, "zone_logement": "ile_de_france"}, "<="),
    "visale.plafond_loyer.grande_agglomeration": ("visale", "loyer_charges_comprises",
                                                  {**VISALE_YOUNG, "age": 25, "zone_logement": "grande_agglomeration"},
                                                  "<="),
    "visale.plafond_loyer.autre_commune": ("visale", "loyer_charges_comprises",
                                           {**VISALE_YOUNG, "age": 25, "zone_logement": "autre_commune"}, "<="),
    "alin.effectif_minimum.non_agricole": ("alin", "taille_entreprise", {**PRIVATE_CDI, "a_nud": True}, ">="),
    "alin.effectif_minimum.agricole": ("alin", "taille_entreprise",
                                       {**PRIVATE_CDI, "secteur_employeur": "agricole", "a_nud": True}, ">="),
    "accompagnement.effectif_minimum.non_agricole": ("accompagnement", "taille_entreprise",
                                                     {**PRIVATE_CDI, "evenement_difficulte": True, "urgence": False},
                                                     ">="),
    "loca_pass.delai_entree_logement_maximum_mois": ("loca_pass", "mois_depuis_entree_logement", PRIVATE_CDI, "<="),
    "mobili_jeune.age_inferieur_a": ("mobili_jeune", "age",
                                     {"situation_pro": "alternant", "secteur_employeur": "prive",
                                      "salaire_brut_mensuel": 900, "distance_km": 200, "ecart_bail_contrat_mois": 1,
                                      "loyer_charges_comprises": 400, "apl_mensuelle": 100}, "<"),
}
PASSES = {"<=": lambda v, t: v <= t, "<": lambda v, t: v < t, ">=": lambda v, t: v >= t}


def cases():
    for name, (aid, fact, profile, comparison) in THRESHOLDS.items():
        for since, value in RULES.parameters.get(name).history:
            if value is None:
                continue
            try:
                RULES.evaluate(aid, profile, since)
            except RulesNotAvailable:  # a date before the other rules of the aid are known
                continue
            step = 1
            for candidate in (value - step, value, value + step):
                yield pytest.param(aid, since, {**profile, fact: candidate}, PASSES[comparison](candidate, value),
                                   id=f"{name}@{since}:{candidate}")


@pytest.mark.parametrize("aid, day, facts, passes", list(cases()))
def test_threshold_at_each_date(aid, day, facts, passes):
    decision = RULES.evaluate(aid, facts, day)
    assert decision.status == ("eligible" if passes else "non_eligible"), (decision.summary_fr, decision.missing)


def test_the_2026_visale_ceilings_apply_from_6_january_2026():
    over_30 = {**VISALE_OVER_30, "revenu_mensuel_net": 1600}
    assert RULES.evaluate("visale", over_30, dt.date(2026, 1, 5)).status == "non_eligible"
    assert RULES.evaluate("visale", over_30, dt.date(2026, 1, 6)).status == "eligible"
