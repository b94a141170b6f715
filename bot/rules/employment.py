"""Shared reading of the employment facts: which kind of employer, and how large it is.

Several aids are reserved to employees of a private company, with a minimum size that differs for
agricultural companies. An apprentice (`alternant`) is an employee of their company: the sector
then comes from `secteur_employeur`.
"""

from typing import Mapping, Optional, Tuple

from bot.rules.logic import Check, Condition, Context, Criterion, result, unknown

NON_AGRICULTURAL, AGRICULTURAL, PUBLIC, NOT_EMPLOYED = "non_agricole", "agricole", "public", "aucun"
PRIVATE = (NON_AGRICULTURAL, AGRICULTURAL)
SECTOR_OF_APPRENTICE = {"prive": NON_AGRICULTURAL, "agricole": AGRICULTURAL, "public": PUBLIC}
EMPLOYER_FACTS = ("situation_pro", "secteur_employeur")


def employer_sector(context: Context) -> Tuple[Optional[str], Tuple[str, ...]]:
    """(sector, ()) when known, else (None, facts to ask): one of NON_AGRICULTURAL, AGRICULTURAL,
    PUBLIC or NOT_EMPLOYED."""
    situation = context.fact("situation_pro")
    if situation is None:
        return None, ("situation_pro",)
    if situation == "salarie_prive":
        return NON_AGRICULTURAL, ()
    if situation == "salarie_agricole":
        return AGRICULTURAL, ()
    if situation == "agent_public":
        return PUBLIC, ()
    if situation == "alternant":
        sector = context.fact("secteur_employeur")
        return (SECTOR_OF_APPRENTICE[sector], ()) if sector else (None, ("secteur_employeur",))
    return NOT_EMPLOYED, ()


def employee_of(sectors: Tuple[str, ...], key: str, explains: bool = False) -> Criterion:
    """Criterion: the user is an employee of a company of one of `sectors`."""
    def test(context: Context) -> Check:
        sector, missing = employer_sector(context)
        shown = situation_shown(context)
        if sector is None:
            return unknown(*missing, value=context.fact("situation_pro"), shown=shown)
        return result(sector in sectors, value=context.fact("situation_pro"), shown=shown)
    return Criterion(key, test, facts=EMPLOYER_FACTS, explains=explains)


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


def situation_shown(context: Context):
    """The user's situation as shown to them; for an apprentice, with the employer's sector."""
    situation = context.label("situation_pro")
    sector = context.label("secteur_employeur")
    if context.fact("situation_pro") == "alternant" and sector is not None:
        return f"{situation}, {sector}"
    return situation
