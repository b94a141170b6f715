"""Texts that write a parameter's value by hand instead of referring to it: a change of ceiling would miss them.

`make validate` warns (it does not refuse) when an answer, a question or a verdict text holds, as a
number, the value in force of a parameter in euros, and suggests the {parameter.name} reference.
"""

import datetime as dt
import re
from typing import Dict, Iterable, List, Tuple

from bot.rules.formatting import PARAMETER_REFERENCE, french_number

# Amounts so common that they would only give noise (1 € steps, small counts).
IGNORED_BELOW = 100
NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:[\s\u00a0\u202f]\d{3})+|\d+)(?:,\d+)?\s*(?:€|euros?)")


def euro_parameters(parameters, day: dt.date) -> Dict[float, List[str]]:
    values: Dict[float, List[str]] = {}
    for parameter in parameters:
        if parameter.unit != "currency":
            continue
        try:
            value = parameter.at(day).value
        except LookupError:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= IGNORED_BELOW:
            values.setdefault(float(value), []).append(parameter.name)
    return values


def aid_text_fields(content) -> List[Tuple[str, str]]:
    """(where, text) for every text of an aid's file: verdicts, criteria, steps, alternatives, infos."""
    fields: List[Tuple[str, str]] = []
    for group in ("verdicts", "verdicts_tiers"):
        verdicts = getattr(content, group)
        if verdicts is not None:
            fields += [(f"{group} > {status}", getattr(verdicts, status)) for status in ("eligible", "non_eligible",
                                                                                        "indetermine")]
    for key, texts in content.criteres.items():
        fields += [(f"criteres > {key} > {name}", value) for name, value in
                   (("regle", texts.regle), ("valeur", texts.valeur), ("valeur_ok", texts.valeur_ok),
                    ("valeur_echec", texts.valeur_echec)) if value]
    for status in ("eligible", "non_eligible", "indetermine"):
        fields += [(f"demarches > {status}", text) for text in getattr(content.demarches, status)]
    fields += [("alternatives", alternative.texte) for alternative in content.alternatives]
    fields += [(f"infos > {key}", text) for key, text in content.infos.items()]
    return fields


def hand_written(texts: Iterable[Tuple[str, str]], parameters, day: dt.date) -> List[str]:
    """« where: 1 710 € is visale.plus_de_30_ans.salaire_net_maximum » warnings for (where, text) pairs."""
    by_value = euro_parameters(parameters, day)
    warnings = []
    for where, text in texts:
        plain = PARAMETER_REFERENCE.sub("", text or "")
        for match in NUMBER.finditer(plain):
            value = float(re.sub(r"[\s\u00a0\u202f]", "", match.group(1)))
            names = by_value.get(value)
            if names:
                warnings.append(f"{where} : « {french_number(value)} € » est la valeur de "
                                + " ou ".join("{" + n + "}" for n in names)
                                + " : écrivez la référence pour que le texte suive les changements")
    return warnings
