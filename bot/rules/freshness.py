"""Is each parameter's value still confirmed? `last_value_still_valid_on`, as in OpenFisca.

Every parameter still in force records the last day a source was read that states its value. An
ended parameter (its last value null, or false for « distribuée ») needs none: an end is final.
`make validate` refuses a missing or future date; the editors' report lists the parameters not
confirmed for more than CONFIRM_EVERY_MONTHS months.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, List, Optional

CONFIRM_EVERY_MONTHS = 6


@dataclass(frozen=True)
class Unconfirmed:
    """A parameter whose value was last confirmed too long ago."""

    name: str
    description: str
    value: object
    confirmed_on: dt.date
    age_days: int
    file: str


def needs_confirmation(parameter) -> bool:
    """True while the parameter is in force (its last value is neither null nor false)."""
    return parameter.history[-1][1] not in (None, False)


def confirmation_problems(parameters: Iterable, today: Optional[dt.date] = None) -> List[str]:
    """French messages for a parameter in force without `last_value_still_valid_on`, or with a future one."""
    today = today or dt.date.today()
    problems = []
    for parameter in parameters:
        if not needs_confirmation(parameter):
            continue
        if parameter.confirmed_on is None:
            problems.append(f"{parameter.file} : « {parameter.name} » n'a pas de « last_value_still_valid_on » "
                            "(date où une source lue confirmait encore la valeur ; metadata)")
        elif parameter.confirmed_on > today:
            problems.append(f"{parameter.file} : « {parameter.name} » : « last_value_still_valid_on » "
                            f"{parameter.confirmed_on.isoformat()} est dans le futur")
    return problems


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for candidate_day in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def unconfirmed(parameters: Iterable, today: Optional[dt.date] = None,
                months: int = CONFIRM_EVERY_MONTHS) -> List[Unconfirmed]:
    """Parameters in force whose value was confirmed before `months` months ago, oldest first."""
    today = today or dt.date.today()
    limit = months_before(today, months)
    found = []
    for parameter in parameters:
        if not needs_confirmation(parameter):
            continue
        confirmed = parameter.last_confirmed()
        if confirmed < limit:
            found.append(Unconfirmed(parameter.name, parameter.description, parameter.history[-1][1], confirmed,
                                     (today - confirmed).days, parameter.file))
    return sorted(found, key=lambda item: (item.confirmed_on, item.name))
