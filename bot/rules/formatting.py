"""Fill the French text templates of knowledge/eligibilite/ with numbers, dates and yes/no.

Templates use `{name}` placeholders only (no format spec, no attribute or index access), so that
an editor's typo is caught when the files are loaded rather than when a user gets an answer.
"""

import datetime as dt
import re
import string
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, Set

PLACEHOLDER_NAME = set(string.ascii_lowercase + string.digits + "_")
# A parameter in force, written in any text with its dotted name: {visale.plus_de_30_ans.salaire_net_maximum}.
PARAMETER_REFERENCE = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\}")


def parameter_references(template: str) -> Set[str]:
    return set(PARAMETER_REFERENCE.findall(template or ""))


def fill_parameters(template: str, value_of) -> str:
    """The template with every {parameter.name} replaced by `value_of(name)` in French (50 % for 0.5)."""
    def shown(match) -> str:
        value, unit = value_of(match.group(1))
        if isinstance(value, bool):
            return "oui" if value else "non"
        return french_number(percent(value) if unit == "/1" else value)
    return PARAMETER_REFERENCE.sub(shown, template or "")


class TemplateError(ValueError):
    """A template that cannot be used (bad braces, or a placeholder written with a format spec)."""


def placeholders(template: str) -> Set[str]:
    """Names used by a template; raise TemplateError (in French) when it is malformed."""
    names = set()
    template = PARAMETER_REFERENCE.sub("", template)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        raise TemplateError("accolades mal appariées : écrivez {nom} pour une valeur, {{ ou }} pour une accolade")
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or set(name) - PLACEHOLDER_NAME or spec or conversion:
            raise TemplateError(f"« {{{name}{':' + spec if spec else ''}}} » n'est pas une valeur possible : "
                                "écrivez seulement {nom}")
        names.add(name)
    return names


def percent(ratio: float) -> float:
    """0.8 → 80, for texts that speak in percent (an integer when it is one)."""
    value = ratio * 100
    return int(round(value)) if abs(value - round(value)) < 1e-9 else value


def unknown_placeholders_message(unknown: Set[str], allowed: Set[str]) -> str:
    """French message for placeholders a template may not use here."""
    possible = ", ".join("{" + name + "}" for name in sorted(allowed)) or "aucune"
    return ("valeur inconnue " + ", ".join("{" + name + "}" for name in sorted(unknown))
            + f" (valeurs possibles ici : {possible})")


def french_number(number: float) -> str:
    """1500 → '1 500', 1413.544 → '1 413,54', 0.5 → '0,5'."""
    if isinstance(number, float) and not number.is_integer():
        text = f"{number:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(number):,}"
    return text.replace(",", " ").replace(".", ",")


@dataclass(frozen=True)
class Wording:
    """The few words a template filler needs, read from knowledge/eligibilite/commun.yml."""

    yes: str
    no: str
    months: Sequence[str]
    first_of_month: str

    def date(self, day: dt.date) -> str:
        number = self.first_of_month if day.day == 1 else str(day.day)
        return f"{number} {self.months[day.month - 1]} {day.year}"

    def show(self, value: Any) -> str:
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, (int, float)):
            return french_number(value)
        if isinstance(value, dt.date):
            return self.date(value)
        return str(value)

    def fill(self, template: str, values: Mapping[str, Any]) -> str:
        """The template with its placeholders replaced; KeyError if one has no value (or None).

        {parameter.name} references are left as they are (see `fill_parameters`)."""
        shown = {name: self.show(value) for name, value in values.items() if value is not None}
        protected = PARAMETER_REFERENCE.sub(lambda m: "{{" + m.group(1) + "}}", template)
        return protected.format_map(_Strict(shown))


class _Strict(dict):
    def __missing__(self, key):
        raise KeyError(key)
