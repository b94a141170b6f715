"""AL'in, Action Logement's social-housing platform: who may apply to its offers.

An employee of a private company of at least 10 employees (official pages; the webinar of
20/10/2023 says "plus de 10"), whether or not the company contributes to Action Logement, or of an
agricultural company of at least 50. The minimum sizes are parameters
(knowledge/parametres/alin/effectif_minimum.yml); at exactly the minimum the verdict says that the
sources disagree.

The social-housing demand number (NUD/NUR) is needed to connect to AL'in: it is not a condition of
eligibility but the first step for someone who has none, so it refines the next steps
(`a_nud`, asked after the verdict) without changing the verdict.
"""

from bot.rules.aid import AidRules, Extras, Info
from bot.rules.decision import NOT_ELIGIBLE
from bot.rules.employment import (AGRICULTURAL, NON_AGRICULTURAL, PRIVATE, company_size, employee_of, employer_in,
                                  employer_sector)
from bot.rules.logic import AllOf, Context, OnlyIf

MINIMUM_SIZE = {
    NON_AGRICULTURAL: "alin.effectif_minimum.non_agricole",
    AGRICULTURAL: "alin.effectif_minimum.agricole",
}


TREE = AllOf(
    employee_of(PRIVATE, "salarie_entreprise_privee"),
    OnlyIf(employer_in(PRIVATE), company_size(MINIMUM_SIZE, "effectif_entreprise", explains=True)),
)


def _demand_number(context: Context, status: str, info: Info) -> Extras:
    """Whether the person already has the demand number decides the first step, not the verdict."""
    if status == NOT_ELIGIBLE:
        return Extras()
    has_number = context.fact("a_nud")
    notes = []
    size, sector = context.fact("taille_entreprise"), employer_sector(context)[0]
    if size is not None and sector in MINIMUM_SIZE and size == context.param(MINIMUM_SIZE[sector]):
        notes.append(info("frontiere_discutee", minimum=size))
    if has_number is None:
        return Extras(refining=("a_nud",), notes=tuple(notes))
    notes.append(info("avec_nud" if has_number else "sans_nud"))
    return Extras(notes=tuple(notes))


RULES = AidRules(
    aid="alin",
    tree=TREE,
    infos={"avec_nud": frozenset(), "sans_nud": frozenset(), "frontiere_discutee": frozenset({"minimum"})},
    extras=_demand_number,
    extra_facts=("a_nud", "taille_entreprise", "situation_pro", "secteur_employeur"),
    extra_parameters=tuple(MINIMUM_SIZE.values()),
)
