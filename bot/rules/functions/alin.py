"""AL'in: what completes a verdict (rules: knowledge/eligibilite/alin.yml).

The social-housing demand number (NUD/NUR) is needed to connect to AL'in: it is not a condition of
eligibility but the first step for someone who has none, so it refines the next steps (`a_nud`,
asked after the verdict). At exactly the minimum size the sources disagree (official pages « au
moins 10 », webinar « plus de 10 »): the verdict says so.
"""

from typing import Mapping

from bot.rules.aid import AidExtras, Extras, Info
from bot.rules.decision import NOT_ELIGIBLE
from bot.rules.employment import employer_sector
from bot.rules.logic import Context


def demand_number(parameters: Mapping[str, str]) -> AidExtras:
    minimum_size = dict(parameters)  # sector → minimum size parameter

    def compute(context: Context, status: str, info: Info) -> Extras:
        if status == NOT_ELIGIBLE:
            return Extras()
        has_number = context.fact("a_nud")
        notes = []
        size, sector = context.fact("taille_entreprise"), employer_sector(context)[0]
        if size is not None and sector in minimum_size and size == context.param(minimum_size[sector]):
            notes.append(info("frontiere_discutee", minimum=size))
        if has_number is None:
            return Extras(refining=("a_nud",), notes=tuple(notes))
        notes.append(info("avec_nud" if has_number else "sans_nud"))
        return Extras(notes=tuple(notes))
    return AidExtras(compute, infos={"avec_nud": frozenset(), "sans_nud": frozenset(),
                                     "frontiere_discutee": frozenset({"minimum"})},
                     facts=("a_nud", "taille_entreprise", "situation_pro", "secteur_employeur"),
                     parameters=tuple(minimum_size.values()))
