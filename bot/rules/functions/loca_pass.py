"""Loca-Pass's logic that no criterion type covers: the eligible profiles, and the amount
(rules: knowledge/eligibilite/loca_pass.yml).

Who (service-public F18490): an employee of a private non-agricultural company, whatever their
age, contract or company size; under the age limit: an apprentice, a job seeker, or a non-tenured
public employee (contractuel, vacataire); a student who holds a State grant or has worked 3 months
(or has a 3-month internship agreement). Agricultural employees have Agri-Loca-Pass instead.
"""

from typing import Mapping

from bot.rules.aid import AidExtras, Extras, Info
from bot.rules.decision import NOT_ELIGIBLE, Quantity
from bot.rules.employment import situation_shown
from bot.rules.logic import Check, Context, Criterion, result, unknown

NEVER = ("independant", "retraite", "autre")
PROFILE_FACTS = ("situation_pro", "age", "secteur_employeur", "etudiant_boursier", "etudiant_salarie",
                 "agent_contractuel")


def profile(key: str, explains: bool, parameters: Mapping[str, str]) -> Criterion:
    """Whether the user's situation is one of the eligible profiles (asking only what it needs)."""
    age_limit = parameters["age_limite"]

    def test(context: Context) -> Check:
        limit = context.param(age_limit)
        situation, age = context.fact("situation_pro"), context.fact("age")
        shown = situation_shown(context)
        data = {"age_limite": limit}
        if situation is None:
            return unknown("situation_pro", **data)
        young = None if age is None else age < limit
        if situation in NEVER:
            return result(False, situation, shown, **data)
        if situation == "salarie":
            return _employee(context, young, shown, data)
        if situation == "etudiant":
            return _student(context, shown, data)
        if situation == "alternant":
            return _apprentice(context, young, shown, data)
        if young is None:
            return unknown("age", value=situation, shown=shown, **data)
        return result(young, situation, shown, **data)
    return Criterion(key, test, facts=PROFILE_FACTS, parameters=(age_limit,),
                     rule_placeholders=frozenset({"age_limite"}), explains=explains)


def _employee(context: Context, young, shown, data) -> Check:
    """A private non-agricultural employee, any age; a public employee under the age limit if not tenured;
    an agricultural employee has Agri-Loca-Pass instead."""
    sector = context.fact("secteur_employeur")
    if sector is None:
        return unknown("secteur_employeur", value="salarie", shown=shown, **data)
    if sector == "prive":
        return result(True, "salarie", shown, **data)
    if sector == "agricole":
        return result(False, "salarie", shown, **data)
    return _public_employee(context, young, shown, data)


def _student(context: Context, shown, data) -> Check:
    grant, worked = context.fact("etudiant_boursier"), context.fact("etudiant_salarie")
    if grant or worked:
        return result(True, "etudiant", shown, **data)
    if grant is False and worked is False:
        return result(False, "etudiant", shown, **data)
    missing = [name for name, value in (("etudiant_boursier", grant), ("etudiant_salarie", worked)) if value is None]
    return unknown(*missing, value="etudiant", shown=shown, **data)


def _apprentice(context: Context, young, shown, data) -> Check:
    if young:
        return result(True, "alternant", shown, **data)
    sector = context.fact("secteur_employeur")
    if sector == "prive":
        return result(True, "alternant", shown, **data)
    if young is False and sector is not None:
        return result(False, "alternant", shown, **data)
    missing = [name for name, value in (("age", young), ("secteur_employeur", sector)) if value is None]
    return unknown(*missing, value="alternant", shown=shown, **data)


def _public_employee(context: Context, young, shown, data) -> Check:
    contractual = context.fact("agent_contractuel")
    if young is False or contractual is False:
        return result(False, "salarie", shown, **data)
    if young and contractual:
        return result(True, "salarie", shown, **data)
    missing = [name for name, value in (("age", young), ("agent_contractuel", contractual)) if value is None]
    return unknown(*missing, value="salarie", shown=shown, **data)


def amount(parameters: Mapping[str, str]) -> AidExtras:
    def compute(context: Context, status: str, info: Info) -> Extras:
        if status == NOT_ELIGIBLE:
            return Extras()
        maximum = context.param(parameters["maximum"])
        text = info("montant", maximum=maximum, duree=context.param(parameters["duree"]),
                    mensualite=context.param(parameters["mensualite"]))
        return Extras(amount=Quantity(None, maximum, "€", text))
    return AidExtras(compute, infos={"montant": frozenset({"maximum", "duree", "mensualite"})},
                     parameters=tuple(parameters[role] for role in ("maximum", "duree", "mensualite")))
