"""Boundary cases generated from the parameters themselves: value − 1, value, value + 1 at each date.

For each threshold a profile that passes every other criterion is checked on the first day of each
dated value of its parameter (or, when the aid's other rules start later, the first day they are
known; days the aid is not distributed are left out); the expected status comes from the comparison
the official rule states (≤, <, ≥ or >), so a changed ceiling (Visale 2026) is tested at its own date
without editing a test. A threshold made of two parameters (80 % of the SMIC) is tested at each date
either changes. Every parameter file's parameter is either such a threshold or says where else its
values are tested (NOT_A_THRESHOLD), so a new parameter cannot go untested.
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
MOBILI_JEUNE = {"situation_pro": "alternant", "secteur_employeur": "prive", "age": 22, "salaire_brut_mensuel": 900,
                "distance_km": 200, "ecart_bail_contrat_mois": 1, "loyer_charges_comprises": 400, "apl_mensuelle": 100}
MOBILI_PASS = {"situation_pro": "salarie", "secteur_employeur": "prive", "taille_entreprise": 50,
               "nouvel_emploi_ou_mutation": True, "distance_km": 200}
SUPPORT = {**PRIVATE_CDI, "evenement_difficulte": True, "urgence": False}
STUDENT = {"bail_signe": False, "age": 22, "situation_pro": "etudiant", "nb_titulaires_bail": 1, "revenu_mensuel_net": 0}
# parameter -> (aid, fact varied, other facts, comparison that passes)
THRESHOLDS = {
    "visale.plus_de_30_ans.salaire_net_maximum": ("visale", "revenu_mensuel_net", VISALE_OVER_30, "<="),
    "visale.plus_de_30_ans.anciennete_emploi_maximum_mois": (
        "visale", "anciennete_emploi_mois", {**VISALE_OVER_30, "type_contrat": "cdd", "revenu_mensuel_net": 5000}, "<="),
    "visale.age.maximum": ("visale", "age", {**VISALE_OVER_30, "revenu_mensuel_net": 5000}, "<="),
    "visale.age.minimum": ("visale", "age", {**VISALE_YOUNG, "age": 25}, ">="),
    "visale.plafond_loyer.ile_de_france": ("visale", "loyer_charges_comprises",
                                           {**VISALE_YOUNG, "age": 25, "zone_logement": "ile_de_france"}, "<="),
    "visale.plafond_loyer.grande_agglomeration": ("visale", "loyer_charges_comprises",
                                                  {**VISALE_YOUNG, "age": 25, "zone_logement": "grande_agglomeration"},
                                                  "<="),
    "visale.plafond_loyer.autre_commune": ("visale", "loyer_charges_comprises",
                                           {**VISALE_YOUNG, "age": 25, "zone_logement": "autre_commune"}, "<="),
    **{f"visale.etudiant.loyer_sans_condition_de_ressources.{zone}": (
        "visale", "loyer_charges_comprises", {**STUDENT, "zone_logement": zone}, "<=")
       for zone in ("ile_de_france", "grande_agglomeration", "autre_commune")},
    "alin.effectif_minimum.non_agricole": ("alin", "taille_entreprise", {**PRIVATE_CDI, "a_nud": True}, ">="),
    "alin.effectif_minimum.agricole": ("alin", "taille_entreprise",
                                       {**PRIVATE_CDI, "secteur_employeur": "agricole", "a_nud": True}, ">="),
    "accompagnement.effectif_minimum.non_agricole": ("accompagnement", "taille_entreprise", SUPPORT, ">="),
    "accompagnement.effectif_minimum.agricole": ("accompagnement", "taille_entreprise",
                                                 {**SUPPORT, "secteur_employeur": "agricole"}, ">="),
    "accompagnement.duree_contrat_minimum_mois": ("accompagnement", "duree_contrat_mois",
                                                  {**SUPPORT, "type_contrat": "cdd", "taille_entreprise": 20}, ">="),
    "loca_pass.delai_entree_logement_maximum_mois": ("loca_pass", "mois_depuis_entree_logement", PRIVATE_CDI, "<="),
    "loca_pass.jeunes_age_inferieur_a": ("loca_pass", "age", {"situation_pro": "demandeur_emploi",
                                                              "mois_depuis_entree_logement": 1}, "<"),
    "mobili_jeune.age_inferieur_a": ("mobili_jeune", "age", MOBILI_JEUNE, "<"),
    "mobili_jeune.ecart_bail_contrat_maximum_mois": ("mobili_jeune", "ecart_bail_contrat_mois", MOBILI_JEUNE, "<="),
    "mobili_jeune.mobilite.distance_km_superieure_a": ("mobili_jeune", "distance_km",
                                                        {**MOBILI_JEUNE, "duree_trajet_min": 10}, ">"),
    "mobili_jeune.mobilite.duree_trajet_min_superieure_a": ("mobili_jeune", "duree_trajet_min",
                                                             {**MOBILI_JEUNE, "distance_km": 10}, ">"),
    "mobili_pass.effectif_minimum": ("mobili_pass", "taille_entreprise", MOBILI_PASS, ">="),
    "mobili_pass.mobilite.distance_km_superieure_a": ("mobili_pass", "distance_km",
                                                       {**MOBILI_PASS, "duree_trajet_min": 10}, ">"),
    "mobili_pass.mobilite.duree_trajet_min_au_moins": ("mobili_pass", "duree_trajet_min",
                                                        {**MOBILI_PASS, "distance_km": 10}, ">="),
}
# Thresholds that are a product of two parameters: (ratio, base) -> (aid, fact, facts, comparison).
PRODUCTS = {
    ("mobili_jeune.plafond_salaire_taux_smic", "smic.brut_mensuel"): ("mobili_jeune", "salaire_brut_mensuel",
                                                                      MOBILI_JEUNE, "<="),
}
# Parameters that are no threshold on one fact, and where their values are tested instead.
NOT_A_THRESHOLD = {
    "accompagnement.delai_prise_en_charge.classique_mois_maximum": "lead time (cases: accompagnement.yml)",
    "accompagnement.delai_prise_en_charge.classique_mois_minimum": "lead time (cases: accompagnement.yml)",
    "accompagnement.delai_prise_en_charge.urgent_heures": "lead time (cases: accompagnement.yml)",
    "loca_pass.montant_maximum": "amount (cases: loca_pass.yml)",
    "loca_pass.remboursement.duree_maximum_mois": "repayment shown in texts (test_rule_texts.py)",
    "loca_pass.remboursement.mensualite_minimum": "repayment shown in texts (test_rule_texts.py)",
    "mobili_jeune.distribuee": "opening dates (cases: mobili_jeune.yml, suspension and reopening)",
    "mobili_pass.distribuee": "end date (cases: mobili_pass.yml)",
    "mobili_jeune.montant.maximum_annuel": "amount shown in texts",
    "mobili_jeune.montant.maximum_mensuel": "amount (cases: mobili_jeune.yml)",
    "mobili_jeune.montant.minimum_mensuel": "amount (cases: mobili_jeune.yml)",
    **{f"mobili_pass.montant_maximum.{name}": "amount shown in texts"
       for name in ("subvention_zones_a_abis_b1", "subvention_zones_b2_c", "total_zones_a_abis_b1", "total_zones_b2_c")},
    "mon_job_mon_logement.distribuee": "an ended aid the assistant does not evaluate (knowledge/parametres/)",
    "mon_job_mon_logement.montant": "an ended aid the assistant does not evaluate (make check-rules compares it)",
    "agri_mobili_jeune.montant_maximum_mensuel": "an aid cited, not evaluated (make check-rules compares it)",
    "saisonniers_agricoles.aide_logement.montant_mensuel": "an aid cited, not evaluated",
    "saisonniers_agricoles.aide_logement.duree_maximum_mois": "an aid cited, not evaluated",
    "visale.nombre_titulaires_maximum": "a count of holders that changes the questions (cases: visale.yml)",
    "visale.taux_effort_maximum": "a ratio of two facts (cases: visale.yml)",
    **{f"visale.etudiant.ressources_au_dela_du_loyer_sans_condition.{zone}": (
        "twice the student rent cap, so at its boundary the 50 % rule decides as well (cases: visale.yml)")
       for zone in ("ile_de_france", "grande_agglomeration", "autre_commune")},
}
PASSES = {"<=": lambda v, t: v <= t, "<": lambda v, t: v < t, ">=": lambda v, t: v >= t, ">": lambda v, t: v > t}


def value_periods(history):
    """(since, until, value) of each dated value that is not an end (null); until None for the last."""
    for index, (since, value) in enumerate(history):
        if value is not None:
            yield since, history[index + 1][0] if index + 1 < len(history) else None, value


def dated_thresholds():
    """(name, aid, fact, facts, comparison, since, until, threshold) for each dated value of a threshold."""
    for name, (aid, fact, profile, comparison) in THRESHOLDS.items():
        for since, until, value in value_periods(RULES.parameters.get(name).history):
            yield name, aid, fact, profile, comparison, since, until, value
    for (ratio, base), (aid, fact, profile, comparison) in PRODUCTS.items():
        dates = sorted({since for name in (ratio, base) for since, _ in RULES.parameters.get(name).history})
        for index, since in enumerate(dates):
            try:
                value = round(RULES.parameters.at(ratio, since).value * RULES.parameters.at(base, since).value, 2)
            except LookupError:
                continue
            until = dates[index + 1] if index + 1 < len(dates) else None
            yield f"{ratio}×{base}", aid, fact, profile, comparison, since, until, value


CHANGE_DATES = sorted({since for parameter in RULES.parameters for since, _ in parameter.history})


def first_day_in_force(aid, profile, since, until):
    """The value's first day, or, when the aid's other rules start later, the first day they are known."""
    for day in [since] + [d for d in CHANGE_DATES if since < d and (until is None or d < until)]:
        try:
            decision = RULES.evaluate(aid, profile, day)
        except RulesNotAvailable:
            continue
        return None if "aide_ouverte" in decision.failing else day  # None: not distributed that day
    return None


def cases():
    for name, aid, fact, profile, comparison, since, until, value in dated_thresholds():
        day = first_day_in_force(aid, profile, since, until)
        if day is None:
            continue
        for candidate in (value - 1, value, value + 1):
            yield pytest.param(aid, day, {**profile, fact: candidate}, PASSES[comparison](candidate, value),
                               id=f"{name}@{day}:{candidate}")


CASES = list(cases())


@pytest.mark.parametrize("aid, day, facts, passes", CASES)
def test_threshold_at_each_date(aid, day, facts, passes):
    decision = RULES.evaluate(aid, facts, day)
    assert decision.status == ("eligible" if passes else "non_eligible"), (decision.summary_fr, decision.missing)


def test_the_2026_visale_ceilings_apply_from_6_january_2026():
    over_30 = {**VISALE_OVER_30, "revenu_mensuel_net": 1600}
    assert RULES.evaluate("visale", over_30, dt.date(2026, 1, 5)).status == "non_eligible"
    assert RULES.evaluate("visale", over_30, dt.date(2026, 1, 6)).status == "eligible"


@pytest.mark.parametrize("name", [parameter.name for parameter in RULES.parameters])
def test_every_parameter_has_generated_boundaries_or_says_where_it_is_tested(name):
    covered = set(THRESHOLDS) | {part for pair in PRODUCTS for part in pair}
    assert (name in covered) != (name in NOT_A_THRESHOLD), (
        f"{name}: add it to THRESHOLDS (boundaries generated at each of its dates) or to NOT_A_THRESHOLD with a reason")


def test_every_threshold_is_tested_on_at_least_one_date():
    tested = {case.id.split("@")[0] for case in CASES}
    assert tested == set(THRESHOLDS) | {f"{ratio}×{base}" for ratio, base in PRODUCTS}
