"""Visale's logic that no criterion type covers: the lease not signed yet, the confirmed CDI, and the
couple's rules (the household's resources added up, the students' rent rules for one or two holders).

The rest of Visale's rules (ages, caps per zone, each holder's routes) is declared in
knowledge/eligibilite/visale.yml.
"""

from typing import Mapping

from bot.rules.criteria import ZONE_FACT, zones
from bot.rules.formatting import percent
from bot.rules.logic import Check, Condition, Context, Criterion, result, unknown

STUDENTS = ("etudiant", "alternant")
RENT, HOLDERS, SIGNED = "loyer_charges_comprises", "nb_titulaires_bail", "bail_signe"
MOVED_IN = "mois_depuis_entree_logement"
INCOME, PARTNER_INCOME = "revenu_mensuel_net", "revenu_mensuel_net_conjoint"
SOLVENCY_FACTS = (RENT, INCOME, HOLDERS, PARTNER_INCOME)
PARTNER = "_conjoint"


def before_signing(key: str, explains: bool, parameters: Mapping[str, str]) -> Criterion:
    """The visa is asked for before the lease is signed; someone who has moved in has signed."""
    def test(context: Context) -> Check:
        signed, moved_in = context.fact(SIGNED), context.fact(MOVED_IN)
        if signed is None and moved_in is not None and moved_in > 0:
            signed = True
        if signed is None:
            return unknown(SIGNED)
        return result(not signed, signed)
    return Criterion(key, test, facts=(SIGNED, MOVED_IN), explains=explains)


def not_confirmed_permanent(key: str, explains: bool, parameters: Mapping[str, str],
                            titulaire: str = "") -> Criterion:
    """Not a confirmed permanent contract: a CDI counts only during its trial period."""
    suffix = PARTNER if titulaire == "conjoint" else ""
    contract_fact, trial_fact = "type_contrat" + suffix, "periode_essai" + suffix

    def test(context: Context) -> Check:
        contract, trial = context.fact(contract_fact), context.fact(trial_fact)
        shown = context.label(contract_fact)
        if contract is None:
            return unknown(contract_fact)
        if contract != "cdi":
            return result(True, contract, shown)
        if trial is None:
            return unknown(trial_fact, value=contract, shown=shown)
        return result(bool(trial), contract, f"{shown}, {'en' if trial else 'après la'} période d'essai")
    return Criterion(key, test, facts=(contract_fact, trial_fact), explains=explains)


def _resources(context: Context):
    """(lowest, highest) possible total resources of the holders, and the facts that would fix it."""
    income, holders, partner = context.fact(INCOME), context.fact(HOLDERS), context.fact(PARTNER_INCOME)
    missing = [INCOME] if income is None else []
    if holders is None:
        missing.append(HOLDERS)
    elif holders >= 2 and partner is None:
        missing.append(PARTNER_INCOME)
    counted_partner = partner if holders is not None and holders >= 2 and partner is not None else 0
    lowest = (income or 0) + counted_partner
    highest = lowest if not missing else float("inf")
    return lowest, highest, tuple(missing)


def _known(context: Context, lowest):
    """The resources to show: what is known so far (a lower bound while a partner's is missing)."""
    return None if context.fact(INCOME) is None else lowest


def effort_rate(key: str, explains: bool, parameters: Mapping[str, str]) -> Criterion:
    """Rent at most a share of the holders' resources; decided early when the known part already suffices."""
    rate_name = parameters["taux"]

    def test(context: Context) -> Check:
        rate, rent = context.param(rate_name), context.fact(RENT)
        lowest, highest, missing = _resources(context)
        data = {"taux": percent(rate), "ressources": _known(context, lowest)}
        if rent is None:
            return unknown(RENT, *missing, **data)
        if rent <= rate * lowest:
            return result(True, rent, **data)
        if rent > rate * highest:
            return result(False, rent, **data)
        return unknown(*missing, value=rent, **data)
    return Criterion(key, test, facts=SOLVENCY_FACTS, parameters=(rate_name,), rule_placeholders=frozenset({"taux"}),
                     value_placeholders=frozenset({"ressources"}), explains=explains)


def student_resources(key: str, explains: bool, parameters: Mapping[str, str]) -> Criterion:
    """Above the flat rent, a student household needs resources over the zone's threshold."""
    names = {zone: f"{parameters['seuil']}.{zone}" for zone in zones()}

    def test(context: Context) -> Check:
        thresholds = {zone: context.param(name) for zone, name in names.items()}
        lowest, highest, missing = _resources(context)
        data = {**{f"seuil_{zone}": value for zone, value in thresholds.items()}, "ressources": _known(context, lowest)}
        zone = context.fact(ZONE_FACT)
        candidates = [thresholds[zone]] if zone is not None else list(thresholds.values())
        if lowest > max(candidates):
            return result(True, lowest, **data)
        if highest <= min(candidates):
            return result(False, lowest, **data)
        return unknown(*(missing + ((ZONE_FACT,) if zone is None else ())), value=None if missing else lowest, **data)
    return Criterion(key, test, facts=SOLVENCY_FACTS + (ZONE_FACT,), parameters=tuple(names.values()),
                     rule_placeholders=frozenset(f"seuil_{zone}" for zone in names),
                     value_placeholders=frozenset({"ressources"}), explains=explains)


def young_student_household(parameters: Mapping[str, str]) -> Condition:
    """Condition of the students' rent rules: one of the holders is a student or apprentice aged 30 or less."""
    age_max = parameters["age_maximum"]

    def young_student(context: Context, suffix: str):
        age, situation = context.fact("age" + suffix), context.fact("situation_pro" + suffix)
        if (age is not None and age > context.param(age_max)) or (situation is not None and situation not in STUDENTS):
            return False, ()
        missing = tuple(name for name, value in (("age" + suffix, age), ("situation_pro" + suffix, situation))
                        if value is None)
        return (None, missing) if missing else (True, ())

    def test(context: Context) -> Check:
        applicant, missing = young_student(context, "")
        if applicant:
            return result(True)
        holders = context.fact(HOLDERS)
        partner, partner_missing = (False, ()) if holders == 1 else young_student(context, PARTNER)
        if partner and holders is not None:
            return result(True)
        if applicant is False and (partner is False):
            return result(False)
        return unknown(*(missing + ((HOLDERS,) if holders is None else ()) + partner_missing))
    return Condition("étudiant ou alternant de 30 ans au plus", test,
                     facts=("age", "situation_pro", HOLDERS, "age_conjoint", "situation_pro_conjoint"),
                     parameters=(age_max,))
