"""Mobili-Pass's former amounts, shown for a date when it was distributed (rules: knowledge/eligibilite/mobili_pass.yml)."""

from typing import Mapping

from bot.rules.aid import AidExtras, Extras, Info
from bot.rules.decision import ELIGIBLE, Quantity
from bot.rules.logic import Context


def amount(parameters: Mapping[str, str]) -> AidExtras:
    def compute(context: Context, status: str, info: Info) -> Extras:
        if status != ELIGIBLE:
            return Extras()
        grant_a, grant_b = context.param(parameters["subvention_a"]), context.param(parameters["subvention_b"])
        text = info("montant", subvention_a=grant_a, subvention_b=grant_b, total_a=context.param(parameters["total_a"]),
                    total_b=context.param(parameters["total_b"]))
        return Extras(amount=Quantity(None, grant_a, "€", text))
    return AidExtras(compute, infos={"montant": frozenset({"subvention_a", "subvention_b", "total_a", "total_b"})},
                     parameters=tuple(parameters[role] for role in ("subvention_a", "subvention_b", "total_a",
                                                                     "total_b")))
