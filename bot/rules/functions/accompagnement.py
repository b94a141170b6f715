"""The social support service's logic that no criterion type covers: the work contract, and the lead
time (rules: knowledge/eligibilite/accompagnement.yml).

A permanent contract whatever the seniority, or a fixed-term or temp contract of at least a minimum
duration. Lead time (webinar 20/10/2023): 48 hours when urgent, otherwise one to two months — it
refines the answer without changing the verdict.
"""

from typing import Mapping

from bot.rules.aid import AidExtras, Extras, Info
from bot.rules.decision import NOT_ELIGIBLE, Quantity
from bot.rules.logic import Check, Context, Criterion, result, unknown

PERMANENT = ("cdi",)
FIXED_TERM = ("cdd", "interim")


def contract(key: str, explains: bool, parameters: Mapping[str, str]) -> Criterion:
    months_name = parameters["mois"]

    def test(context: Context) -> Check:
        minimum = context.param(months_name)
        kind, months = context.fact("type_contrat"), context.fact("duree_contrat_mois")
        shown = context.label("type_contrat")
        data = {"mois": minimum, "duree": months}
        if kind is None:
            return unknown("type_contrat", **data)
        if kind in PERMANENT:
            return result(True, kind, shown, **data)
        if kind not in FIXED_TERM:
            return result(False, kind, shown, **data)
        if months is None:
            return unknown("duree_contrat_mois", value=kind, shown=shown, **data)
        return result(months >= minimum, kind, shown, **data)
    return Criterion(key, test, facts=("type_contrat", "duree_contrat_mois"), parameters=(months_name,),
                     rule_placeholders=frozenset({"mois"}), value_placeholders=frozenset({"duree"}), explains=explains)


def lead_time(parameters: Mapping[str, str]) -> AidExtras:
    """48 h when urgent, one to two months otherwise; asked once the verdict is not negative."""
    urgent_hours, usual_min, usual_max = (parameters["urgent"], parameters["classique_minimum"],
                                          parameters["classique_maximum"])

    def compute(context: Context, status: str, info: Info) -> Extras:
        if status == NOT_ELIGIBLE:
            return Extras()
        urgent = context.fact("urgence")
        if urgent is None:
            return Extras(refining=("urgence",))
        if urgent:
            hours = context.param(urgent_hours)
            return Extras(lead_time=Quantity(hours, hours, "heures", info("delai_urgent", heures=hours), value=hours))
        low, high = context.param(usual_min), context.param(usual_max)
        return Extras(lead_time=Quantity(low, high, "mois", info("delai_classique", minimum=low, maximum=high)))
    return AidExtras(compute, infos={"delai_urgent": frozenset({"heures"}),
                                     "delai_classique": frozenset({"minimum", "maximum"})},
                     facts=("urgence",), parameters=(urgent_hours, usual_min, usual_max))
