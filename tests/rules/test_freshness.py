"""Parameters record when their value was last confirmed; the report lists those older than 6 months."""

import datetime as dt

from bot.editorial.editors_report import EditorsReport, render_html
from bot.rules import load_rules
from bot.rules.freshness import confirmation_problems, months_before, unconfirmed
from bot.rules.parameters import parse_parameter_files


def parameters(confirmed=None, values=("2020-01-01: {value: 10}",)):
    line = f'\n  last_value_still_valid_on: "{confirmed}"' if confirmed else ""
    references = "".join(f"    {value.split(':')[0]}: [{{title: Source, href: 'https://example.org'}}]\n" for value in values)
    raw = (f"description: Plafond essai\nvalues:\n  " + "\n  ".join(values) + f"\nmetadata:\n  unit: currency{line}\n"
           "  reference:\n" + references)
    return parse_parameter_files({"parametres/essai/plafond.yml": raw.encode()})


def test_every_parameter_in_force_of_the_knowledge_says_when_it_was_confirmed():
    assert confirmation_problems(load_rules().parameters, dt.date(2026, 12, 3)) == []


def test_a_missing_or_future_confirmation_is_refused_but_an_ended_parameter_needs_none():
    today = dt.date(2026, 12, 3)
    assert confirmation_problems(parameters(), today) == [
        "knowledge/parametres/essai/plafond.yml : « essai.plafond » n'a pas de « last_value_still_valid_on » "
        "(date où une source lue confirmait encore la valeur ; metadata)"]
    assert confirmation_problems(parameters("2027-01-01"), today) == [
        "knowledge/parametres/essai/plafond.yml : « essai.plafond » : « last_value_still_valid_on » 2027-01-01 est dans le futur"]
    ended = parameters(values=("2020-01-01: {value: 10}", "2023-07-01: {value: null}"))
    assert confirmation_problems(ended, today) == [] and unconfirmed(ended, today) == []


def test_parameters_not_confirmed_for_more_than_six_months_are_listed_with_their_age():
    today = dt.date(2026, 12, 3)
    assert months_before(today, 6) == dt.date(2026, 6, 3) and months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert unconfirmed(parameters("2026-06-03"), today) == []
    [late] = unconfirmed(parameters("2026-06-02"), today)
    assert (late.name, late.value, late.confirmed_on, late.age_days, late.file) == (
        "essai.plafond", 10, dt.date(2026, 6, 2), 184, "knowledge/parametres/essai/plafond.yml")
    [never] = unconfirmed(parameters(), today)  # no confirmation: its last change is the last known day
    assert never.confirmed_on == dt.date(2020, 1, 1)


def test_the_report_shows_the_parameters_to_confirm():
    report = EditorsReport(generated_at=dt.datetime(2026, 12, 3), groups=[], feedback=[], stale=[], eligibility=[], referrals=[],
                    questions=0, retention_days=30, parameters=unconfirmed(parameters("2026-01-01"), dt.date(2026, 12, 3)))
    html = render_html(report)
    assert "Plafond essai <small>(essai.plafond, knowledge/parametres/essai/plafond.yml)</small>" in html
    assert "<td>01/01/2026</td>" in html
