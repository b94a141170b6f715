"""Mobili-Jeune, a monthly help with the rent for young apprentices: who, and how much.

Three periods, all driven by dated parameters (knowledge/parametres/mobili_jeune/):
- until 14 December 2023: under 30, apprentice or professionalisation contract in a private
  non-agricultural company, gross salary at most 100 % of the SMIC;
- 15 December 2023 to 14 February 2024: requests suspended;
- since 15 February 2024: the same, with the salary at most 80 % of the SMIC, and two new
  criteria that exist only from that date (their parameters start then): having moved more than
  70 km or 40 minutes away, and a lease starting within 3 months of the contract.
Amount: rent charges included minus housing benefit (APL/ALS), between 10 and 100 € a month;
nothing when that remainder is under 10 €.
"""

from bot.rules.aid import AidRules, Extras, Info
from bot.rules.decision import ELIGIBLE, NOT_ELIGIBLE, Quantity
from bot.rules.employment import situation_shown
from bot.rules.formatting import percent
from bot.rules.logic import (AllOf, Check, Context, Criterion, OnlyIf, Requires, parameter_in_force, result,
                             unknown)
from bot.rules.opening import aid_open

OPEN = "mobili_jeune.distribuee"
AGE_LIMIT = "mobili_jeune.age_inferieur_a"
SALARY_RATIO = "mobili_jeune.plafond_salaire_taux_smic"
SMIC = "smic.brut_mensuel"
DISTANCE = "mobili_jeune.mobilite.distance_km_superieure_a"
TRAVEL_TIME = "mobili_jeune.mobilite.duree_trajet_min_superieure_a"
LEASE_GAP = "mobili_jeune.ecart_bail_contrat_maximum_mois"
MONTHLY_MIN = "mobili_jeune.montant.minimum_mensuel"
MONTHLY_MAX = "mobili_jeune.montant.maximum_mensuel"
YEARLY_MAX = "mobili_jeune.montant.maximum_annuel"
RENT, BENEFIT = "loyer_charges_comprises", "apl_mensuelle"


def _age(context: Context) -> Check:
    limit, age = context.param(AGE_LIMIT), context.fact("age")
    return unknown("age", age_limite=limit) if age is None else result(age < limit, age, age_limite=limit)


def _private_apprentice(context: Context) -> Check:
    situation = context.fact("situation_pro")
    if situation is None:
        return unknown("situation_pro")
    if situation != "alternant":
        return result(False, situation, context.label("situation_pro"))
    sector = context.fact("secteur_employeur")
    if sector is None:
        return unknown("secteur_employeur", value=situation, shown=context.label("situation_pro"))
    return result(sector == "prive", sector, situation_shown(context))


def _salary(context: Context) -> Check:
    ratio, smic = context.param(SALARY_RATIO), context.param(SMIC)
    ceiling = round(ratio * smic, 2)
    data = {"taux": percent(ratio), "smic": smic, "plafond": ceiling}
    salary = context.fact("salaire_brut_mensuel")
    if salary is None:
        return unknown("salaire_brut_mensuel", **data)
    return result(salary <= ceiling, salary, **data)


def _moved_far(context: Context) -> Check:
    min_km, min_minutes = context.param(DISTANCE), context.param(TRAVEL_TIME)
    km, minutes = context.fact("distance_km"), context.fact("duree_trajet_min")
    data = {"distance": min_km, "duree": min_minutes, "km": km, "minutes": minutes}
    if (km is not None and km > min_km) or (minutes is not None and minutes > min_minutes):
        return result(True, km, **data)
    if km is None:
        return unknown("distance_km", **data)
    if minutes is None:
        return unknown("duree_trajet_min", value=km, **data)
    return result(False, km, **data)


def _lease_timing(context: Context) -> Check:
    maximum, gap = context.param(LEASE_GAP), context.fact("ecart_bail_contrat_mois")
    if gap is None:
        return unknown("ecart_bail_contrat_mois", mois=maximum)
    return result(gap <= maximum, gap, mois=maximum)


def _remainder(context: Context) -> Check:
    minimum, rent, benefit = context.param(MONTHLY_MIN), context.fact(RENT), context.fact(BENEFIT)
    data = {"minimum": minimum, "loyer": rent, "apl": benefit}
    if rent is None:
        return unknown(RENT, **data)
    if rent < minimum:
        return result(False, rent, **data)
    if benefit is None:
        return unknown(BENEFIT, value=rent, **data)
    return result(rent - benefit >= minimum, round(rent - benefit, 2), **data)


TREE = Requires(
    aid_open(OPEN),
    AllOf(
        Criterion("age", _age, facts=("age",), parameters=(AGE_LIMIT,), rule_placeholders=frozenset({"age_limite"})),
        Criterion("alternant_entreprise_privee", _private_apprentice, facts=("situation_pro", "secteur_employeur"),
                  explains=True),
        Criterion("salaire_plafond", _salary, facts=("salaire_brut_mensuel",), parameters=(SALARY_RATIO, SMIC),
                  rule_placeholders=frozenset({"taux", "smic", "plafond"})),
        OnlyIf(parameter_in_force(DISTANCE),
               Criterion("mobilite", _moved_far, facts=("distance_km", "duree_trajet_min"),
                         parameters=(DISTANCE, TRAVEL_TIME), rule_placeholders=frozenset({"distance", "duree"}),
                         value_placeholders=frozenset({"km", "minutes"}))),
        OnlyIf(parameter_in_force(LEASE_GAP),
               Criterion("delai_bail_contrat", _lease_timing, facts=("ecart_bail_contrat_mois",),
                         parameters=(LEASE_GAP,), rule_placeholders=frozenset({"mois"}))),
        Criterion("reste_a_charge_minimum", _remainder, facts=(RENT, BENEFIT), parameters=(MONTHLY_MIN,),
                  rule_placeholders=frozenset({"minimum"}), value_placeholders=frozenset({"loyer", "apl"})),
    ),
)


def _amount(context: Context, status: str, info: Info) -> Extras:
    """The monthly amount when eligible (rent minus benefit, capped), else the range."""
    if status == NOT_ELIGIBLE:
        return Extras()
    minimum, maximum = context.param(MONTHLY_MIN), context.param(MONTHLY_MAX)
    yearly = context.param(YEARLY_MAX) if context.in_force(YEARLY_MAX) else None
    yearly_text = info("plafond_annuel", maximum_annuel=yearly) if yearly else ""
    if status == ELIGIBLE:
        monthly = min(maximum, round(context.fact(RENT) - context.fact(BENEFIT), 2))
        text = info("montant", montant=monthly, minimum=minimum, maximum=maximum)
        return Extras(amount=Quantity(minimum, maximum, "€/mois", _join(text, yearly_text), value=monthly))
    text = info("montant_fourchette", minimum=minimum, maximum=maximum)
    return Extras(amount=Quantity(minimum, maximum, "€/mois", _join(text, yearly_text)))


def _join(*texts: str) -> str:
    return " ".join(text for text in texts if text)


RULES = AidRules(
    aid="mobili_jeune",
    tree=TREE,
    infos={
        "montant": frozenset({"montant", "minimum", "maximum"}),
        "montant_fourchette": frozenset({"minimum", "maximum"}),
        "plafond_annuel": frozenset({"maximum_annuel"}),
    },
    extras=_amount,
    extra_facts=(RENT, BENEFIT),
    extra_parameters=(MONTHLY_MIN, MONTHLY_MAX, YEARLY_MAX),
)
