"""AL'in, Action Logement's social-housing platform: who may apply to its offers.

An employee of a private company (seed webinar 20/10/2023: "plus de 10 salariés", whether or not
the company contributes to Action Logement; agricultural companies: at least 50 employees, per
actionlogement.fr), with a social-housing demand number (NUD/NUR). The minimum sizes are
parameters (knowledge/parametres/alin/effectif_minimum.yml): official pages say "au moins 10",
the webinar "plus de 10"; the choice is documented in docs/rules.md.
"""

from bot.rules.aid import AidRules
from bot.rules.employment import AGRICULTURAL, NON_AGRICULTURAL, PRIVATE, company_size, employee_of, employer_in
from bot.rules.logic import AllOf, Check, Context, Criterion, OnlyIf, result, unknown

MINIMUM_SIZE = {
    NON_AGRICULTURAL: "alin.effectif_minimum.non_agricole",
    AGRICULTURAL: "alin.effectif_minimum.agricole",
}


def _demand_number(context: Context) -> Check:
    has_number = context.fact("a_nud")
    return unknown("a_nud") if has_number is None else result(has_number, has_number)


TREE = AllOf(
    employee_of(PRIVATE, "salarie_entreprise_privee"),
    OnlyIf(employer_in(PRIVATE), company_size(MINIMUM_SIZE, "effectif_entreprise", explains=True)),
    Criterion("numero_unique", _demand_number, facts=("a_nud",)),
)

RULES = AidRules(aid="alin", tree=TREE)
