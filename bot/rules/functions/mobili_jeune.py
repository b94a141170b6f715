"""Mobili-Jeune's logic that no criterion type covers: the salary ceiling as a share of the SMIC, the
rent left to pay after the housing benefit, and the monthly amount (rules: knowledge/eligibilite/mobili_jeune.yml)."""

from typing import Mapping

from bot.rules.aid import AidExtras, Extras, Info
from bot.rules.decision import ELIGIBLE, NOT_ELIGIBLE, Quantity
from bot.rules.formatting import percent
from bot.rules.logic import Check, Context, Criterion, result, unknown

RENT, BENEFIT, SALARY = "loyer_charges_comprises", "apl_mensuelle", "salaire_brut_mensuel"


def salary(key: str, explains: bool, parameters: Mapping[str, str]) -> Criterion:
    """Gross salary at most a share (`taux`) of the SMIC (`smic`): the ceiling is their product."""
    ratio_name, smic_name = parameters["taux"], parameters["smic"]

    def test(context: Context) -> Check:
        ratio, smic = context.param(ratio_name), context.param(smic_name)
        ceiling = round(ratio * smic, 2)
        data = {"taux": percent(ratio), "smic": smic, "plafond": ceiling}
        value = context.fact(SALARY)
        if value is None:
            return unknown(SALARY, **data)
        return result(value <= ceiling, value, **data)
    return Criterion(key, test, facts=(SALARY,), parameters=(ratio_name, smic_name),
                     rule_placeholders=frozenset({"taux", "smic", "plafond"}), explains=explains)


def remainder(key: str, explains: bool, parameters: Mapping[str, str]) -> Criterion:
    """Rent minus housing benefit at least the minimum monthly amount."""
    minimum_name = parameters["minimum"]

    def test(context: Context) -> Check:
        minimum, rent, benefit = context.param(minimum_name), context.fact(RENT), context.fact(BENEFIT)
        data = {"minimum": minimum, "loyer": rent, "apl": benefit}
        if rent is None:
            return unknown(RENT, **data)
        if rent < minimum:
            return result(False, rent, **data)
        if benefit is None:
            return unknown(BENEFIT, value=rent, **data)
        return result(rent - benefit >= minimum, round(rent - benefit, 2), **data)
    return Criterion(key, test, facts=(RENT, BENEFIT), parameters=(minimum_name,),
                     rule_placeholders=frozenset({"minimum"}), value_placeholders=frozenset({"loyer", "apl"}),
                     explains=explains)


def amount(parameters: Mapping[str, str]) -> AidExtras:
    """The monthly amount when eligible (rent minus benefit, capped), else the range."""
    monthly_min, monthly_max, yearly_max = parameters["minimum"], parameters["maximum"], parameters["maximum_annuel"]

    def compute(context: Context, status: str, info: Info) -> Extras:
        if status == NOT_ELIGIBLE:
            return Extras()
        minimum, maximum = context.param(monthly_min), context.param(monthly_max)
        yearly = context.param(yearly_max) if context.in_force(yearly_max) else None
        yearly_text = info("plafond_annuel", maximum_annuel=yearly) if yearly else ""
        if status == ELIGIBLE:
            monthly = min(maximum, round(context.fact(RENT) - context.fact(BENEFIT), 2))
            text = info("montant", montant=monthly, minimum=minimum, maximum=maximum)
            return Extras(amount=Quantity(minimum, maximum, "€/mois", _join(text, yearly_text), value=monthly))
        text = info("montant_fourchette", minimum=minimum, maximum=maximum)
        return Extras(amount=Quantity(minimum, maximum, "€/mois", _join(text, yearly_text)))
    return AidExtras(compute, infos={"montant": frozenset({"montant", "minimum", "maximum"}),
                                     "montant_fourchette": frozenset({"minimum", "maximum"}),
                                     "plafond_annuel": frozenset({"maximum_annuel"})},
                     facts=(RENT, BENEFIT), parameters=(monthly_min, monthly_max, yearly_max))


def _join(*texts: str) -> str:
    return " ".join(text for text in texts if text)
