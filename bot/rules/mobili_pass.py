"""Mobili-Pass, a former help to move for a new job: ended on 1 July 2023.

For any date from 1 July 2023 the aid is refused because it no longer exists (its parameters end
with `value: null` on that date). For an earlier date the former rules answer: an employee of a
private non-agricultural company of at least 10 employees, moving because of a hiring, a transfer
or a relocation of the company, to more than 70 km or at least 1 h 15 away (both as parameters).
"""

from bot.rules.aid import AidRules, Extras, Info
from bot.rules.decision import ELIGIBLE, Quantity
from bot.rules.employment import NON_AGRICULTURAL, company_size, employee_of, employer_in
from bot.rules.logic import AllOf, Check, Context, Criterion, OnlyIf, Requires, result, unknown
from bot.rules.opening import aid_open

OPEN = "mobili_pass.distribuee"
MINIMUM_SIZE = {NON_AGRICULTURAL: "mobili_pass.effectif_minimum"}
DISTANCE = "mobili_pass.mobilite.distance_km_superieure_a"
TRAVEL_TIME = "mobili_pass.mobilite.duree_trajet_min_au_moins"
GRANT_A = "mobili_pass.montant_maximum.subvention_zones_a_abis_b1"
GRANT_B = "mobili_pass.montant_maximum.subvention_zones_b2_c"
TOTAL_A = "mobili_pass.montant_maximum.total_zones_a_abis_b1"
TOTAL_B = "mobili_pass.montant_maximum.total_zones_b2_c"


def _professional_reason(context: Context) -> Check:
    reason = context.fact("nouvel_emploi_ou_mutation")
    return unknown("nouvel_emploi_ou_mutation") if reason is None else result(reason, reason)


def _moved_far(context: Context) -> Check:
    min_km, min_minutes = context.param(DISTANCE), context.param(TRAVEL_TIME)
    km, minutes = context.fact("distance_km"), context.fact("duree_trajet_min")
    data = {"distance": min_km, "duree": min_minutes, "km": km, "minutes": minutes}
    if (km is not None and km > min_km) or (minutes is not None and minutes >= min_minutes):
        return result(True, km, **data)
    if km is None:
        return unknown("distance_km", **data)
    if minutes is None:
        return unknown("duree_trajet_min", value=km, **data)
    return result(False, km, **data)


TREE = Requires(
    aid_open(OPEN),
    AllOf(
        employee_of((NON_AGRICULTURAL,), "salarie_entreprise_privee_non_agricole"),
        OnlyIf(employer_in((NON_AGRICULTURAL,)), company_size(MINIMUM_SIZE, "effectif_entreprise")),
        Criterion("motif_professionnel", _professional_reason, facts=("nouvel_emploi_ou_mutation",)),
        Criterion("mobilite", _moved_far, facts=("distance_km", "duree_trajet_min"), parameters=(DISTANCE, TRAVEL_TIME),
                  rule_placeholders=frozenset({"distance", "duree"}), value_placeholders=frozenset({"km", "minutes"}),
                  explains=True),
    ),
)


def _amount(context: Context, status: str, info: Info) -> Extras:
    """The former maximum amounts, for a date when the aid was distributed."""
    if status != ELIGIBLE:
        return Extras()
    grant_a, grant_b = context.param(GRANT_A), context.param(GRANT_B)
    text = info("montant", subvention_a=grant_a, subvention_b=grant_b, total_a=context.param(TOTAL_A),
                total_b=context.param(TOTAL_B))
    return Extras(amount=Quantity(None, grant_a, "€", text))


RULES = AidRules(
    aid="mobili_pass",
    tree=TREE,
    infos={"montant": frozenset({"subvention_a", "subvention_b", "total_a", "total_b"})},
    extras=_amount,
    extra_parameters=(GRANT_A, GRANT_B, TOTAL_A, TOTAL_B),
)
