"""Shared reading of the employment facts: which kind of employer, and how large it is.

Several aids are reserved to employees of a private company, with a minimum size that differs for
agricultural companies. An employee (`salarie`) or an apprentice (`alternant`) works for an employer
whose sector is `secteur_employeur` (private, agricultural or public); the contract alone says
nothing about it, so it is asked when it matters.
"""

from typing import Mapping, Optional, Tuple

from bot.rules.logic import Check, Condition, Context, Criterion, result, unknown

NON_AGRICULTURAL, AGRICULTURAL, PUBLIC, NOT_EMPLOYED = "non_agricole", "agricole", "public", "aucun"
PRIVATE = (NON_AGRICULTURAL, AGRICULTURAL)
SECTOR_OF = {"prive": NON_AGRICULTURAL, "agricole": AGRICULTURAL, "public": PUBLIC}
WORKING = ("salarie", "alternant")


def employer_facts(suffix: str = "") -> Tuple[str, str]:
    return "situation_pro" + suffix, "secteur_employeur" + suffix


EMPLOYER_FACTS = employer_facts()


def employer_sector(context: Context, suffix: str = "") -> Tuple[Optional[str], Tuple[str, ...]]:
    """(sector, ()) when known, else (None, facts to ask): NON_AGRICULTURAL, AGRICULTURAL, PUBLIC or NOT_EMPLOYED."""
    situation_fact, sector_fact = employer_facts(suffix)
    situation, sector = context.fact(situation_fact), context.fact(sector_fact)
    if situation is not None and situation not in WORKING:
        return NOT_EMPLOYED, ()
    if situation is None and sector is None:
        return None, (situation_fact,)
    if situation is None:
        return None, (situation_fact,)
    return (SECTOR_OF[sector], ()) if sector else (None, (sector_fact,))


def employee_of(sectors: Tuple[str, ...], key: str, explains: bool = False, suffix: str = "") -> Criterion:
    """Criterion: the person (or the other lease holder, `suffix`) works for an employer of one of `sectors`."""
    situation_fact, sector_fact = employer_facts(suffix)

    def test(context: Context) -> Check:
        sector, missing = employer_sector(context, suffix)
        shown = situation_shown(context, suffix)
        if sector is None:
            return unknown(*missing, value=context.fact(situation_fact), shown=shown)
        return result(sector in sectors, value=context.fact(situation_fact), shown=shown)
    return Criterion(key, test, facts=(situation_fact, sector_fact), explains=explains)


def employer_in(sectors: Tuple[str, ...]) -> Condition:
    """Condition: the employer is in one of `sectors` (for criteria that only make sense then)."""
    def test(context: Context) -> Check:
        sector, missing = employer_sector(context)
        return unknown(*missing) if sector is None else result(sector in sectors)
    return Condition("employeur : " + ", ".join(sectors), test, facts=EMPLOYER_FACTS)


def company_size(minimum_by_sector: Mapping[str, str], key: str, explains: bool = False) -> Criterion:
    """Criterion: `taille_entreprise` ≥ the minimum parameter of the employer's sector.

    Use it under `OnlyIf(employer_in(...))`: the sector is then known and private.
    """
    parameters = tuple(minimum_by_sector.values())

    def test(context: Context) -> Check:
        minimums = {sector: context.param(name) for sector, name in minimum_by_sector.items()}
        sector, missing = employer_sector(context)
        size = context.fact("taille_entreprise")
        data = {f"minimum_{sector}": value for sector, value in minimums.items()}
        if size is None:
            return unknown("taille_entreprise", **data)
        return result(size >= minimums[sector], value=size, **data)
    placeholders = frozenset(f"minimum_{sector}" for sector in minimum_by_sector)
    return Criterion(key, test, facts=EMPLOYER_FACTS + ("taille_entreprise",), parameters=parameters,
                     rule_placeholders=placeholders, explains=explains)


def situation_shown(context: Context, suffix: str = ""):
    """The situation as shown to the user, with the employer's sector when known."""
    situation_fact, sector_fact = employer_facts(suffix)
    situation = context.label(situation_fact)
    sector = context.label(sector_fact)
    if context.fact(situation_fact) in WORKING and sector is not None:
        return f"{situation}, {sector}"
    return situation
