"""Action Logement's social support service: who can use it, and how soon it takes a case.

Who (actionlogement.fr FAQ): an employee of a private company — non-agricultural with at least
10 employees, agricultural with at least 50 — on a permanent contract whatever the seniority, or
on a fixed-term or temp contract of at least 3 months; facing an unforeseen event that threatens
access to or keeping of their home (unpaid rent, eviction risk, separation, job loss, illness…).
Looking for a home is not enough. Lead time (webinar 20/10/2023): 48 hours when urgent,
otherwise one to two months — it refines the answer without changing the verdict.
"""

from bot.rules.aid import AidRules, Extras, Info
from bot.rules.decision import NOT_ELIGIBLE, Quantity
from bot.rules.employment import AGRICULTURAL, NON_AGRICULTURAL, PRIVATE, company_size, employee_of, employer_in
from bot.rules.logic import AllOf, Check, Context, Criterion, OnlyIf, result, unknown

MINIMUM_SIZE = {
    NON_AGRICULTURAL: "accompagnement.effectif_minimum.non_agricole",
    AGRICULTURAL: "accompagnement.effectif_minimum.agricole",
}
CONTRACT_MONTHS = "accompagnement.duree_contrat_minimum_mois"
URGENT_HOURS = "accompagnement.delai_prise_en_charge.urgent_heures"
USUAL_MIN = "accompagnement.delai_prise_en_charge.classique_mois_minimum"
USUAL_MAX = "accompagnement.delai_prise_en_charge.classique_mois_maximum"
PERMANENT = ("cdi",)
FIXED_TERM = ("cdd", "interim")


def _contract(context: Context) -> Check:
    minimum = context.param(CONTRACT_MONTHS)
    contract, months = context.fact("type_contrat"), context.fact("duree_contrat_mois")
    shown = context.label("type_contrat")
    data = {"mois": minimum, "duree": months}
    if contract is None:
        return unknown("type_contrat", **data)
    if contract in PERMANENT:
        return result(True, contract, shown, **data)
    if contract not in FIXED_TERM:
        return result(False, contract, shown, **data)
    if months is None:
        return unknown("duree_contrat_mois", value=contract, shown=shown, **data)
    return result(months >= minimum, contract, shown, **data)


def _unforeseen_event(context: Context) -> Check:
    event = context.fact("evenement_difficulte")
    return unknown("evenement_difficulte") if event is None else result(event, event)


TREE = AllOf(
    employee_of(PRIVATE, "salarie_entreprise_privee"),
    OnlyIf(employer_in(PRIVATE), company_size(MINIMUM_SIZE, "effectif_entreprise")),
    Criterion("contrat_travail", _contract, facts=("type_contrat", "duree_contrat_mois"),
              parameters=(CONTRACT_MONTHS,), rule_placeholders=frozenset({"mois"}),
              value_placeholders=frozenset({"duree"})),
    Criterion("evenement_difficulte", _unforeseen_event, facts=("evenement_difficulte",), explains=True),
)


def _lead_time(context: Context, status: str, info: Info) -> Extras:
    """48 h when urgent, one to two months otherwise; asked once the verdict is not negative."""
    if status == NOT_ELIGIBLE:
        return Extras()
    urgent = context.fact("urgence")
    if urgent is None:
        return Extras(refining=("urgence",))
    if urgent:
        hours = context.param(URGENT_HOURS)
        return Extras(lead_time=Quantity(hours, hours, "heures", info("delai_urgent", heures=hours), value=hours))
    low, high = context.param(USUAL_MIN), context.param(USUAL_MAX)
    return Extras(lead_time=Quantity(low, high, "mois", info("delai_classique", minimum=low, maximum=high)))


RULES = AidRules(
    aid="accompagnement",
    tree=TREE,
    infos={"delai_urgent": frozenset({"heures"}), "delai_classique": frozenset({"minimum", "maximum"})},
    extras=_lead_time,
    extra_facts=("urgence",),
    extra_parameters=(URGENT_HOURS, USUAL_MIN, USUAL_MAX),
)
