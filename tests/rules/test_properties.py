"""Properties of the rules over generated situations (hypothesis), built from the catalogue's valid ranges."""

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rules import AIDS, RulesNotAvailable
from bot.rules.ruleset import RuleSet

RULES = RuleSet.load(Path(__file__).resolve().parents[2] / "knowledge")
FACTS = {fact.name: fact for fact in RULES.facts}
FIRST_DAY = {"visale": dt.date(2018, 6, 19), "alin": dt.date(2020, 7, 15), "mobili_jeune": dt.date(2023, 1, 1),
             "mobili_pass": dt.date(2019, 1, 1), "loca_pass": dt.date(2021, 1, 1),
             "accompagnement": dt.date(2023, 10, 20)}
LAST_DAY = dt.date(2027, 12, 31)
# Values next to the thresholds of the rules, so that boundaries are tried often.
NEAR_THRESHOLDS = [0, 1, 2, 2.5, 3, 3.5, 6, 7, 9, 10, 11, 17, 18, 29, 30, 31, 40, 41, 49, 50, 70, 71, 74, 75, 76, 100,
                   220, 245, 250, 350, 600, 601, 680, 681, 800, 801, 840, 841, 1000, 1001, 1200, 1201, 1300, 1301, 1365, 1366,
                   1441.44, 1442.44, 1458.42, 1493.62, 1500, 1501, 1575, 1576, 1600, 1601, 1710, 1711, 1747.2, 1800,
                   1940, 1941, 3000]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def value_of(fact):
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "choice":
        return st.sampled_from([key for key, _ in fact.choices])
    if fact.type == "text":
        return st.sampled_from(["Lille", "Aurillac", "Paris"])
    near = [v for v in NEAR_THRESHOLDS if fact.minimum <= v <= fact.maximum]
    if fact.type == "int":
        near = [int(v) for v in near if float(v).is_integer()]
        anywhere = st.integers(int(fact.minimum), int(fact.maximum))
    else:
        anywhere = st.floats(fact.minimum, fact.maximum, allow_nan=False).map(lambda x: round(x, 2))
    return st.one_of(st.sampled_from(near), anywhere) if near else anywhere


PROFILES = st.fixed_dictionaries({name: value_of(fact) for name, fact in FACTS.items()})


@st.composite
def situations(draw, aids=AIDS):
    """(aid, date, full profile, a part of it)."""
    aid = draw(st.sampled_from(aids))
    day = draw(st.dates(FIRST_DAY[aid], LAST_DAY))
    profile = draw(PROFILES)
    kept = draw(st.lists(st.booleans(), min_size=len(profile), max_size=len(profile)))
    part = {name: value for (name, value), keep in zip(sorted(profile.items()), kept) if keep}
    return aid, day, profile, part


def check_consistent(decision, given_facts):
    assert decision.status in ("eligible", "non_eligible", "indetermine")
    assert set(decision.missing) <= set(FACTS) and set(decision.refining) <= set(FACTS)
    assert not set(decision.missing) & set(given_facts) and not set(decision.refining) & set(given_facts)
    assert decision.indicative and decision.summary_fr.endswith(decision.disclaimer_fr)
    texts = [decision.summary_fr, *decision.next_steps_fr, *decision.alternatives_fr]
    texts += [c.rule_fr for c in decision.criteria] + [c.value_fr for c in decision.criteria if c.value_fr]
    assert not any("{" in text or "}" in text for text in texts)
    if decision.status == "indetermine":
        assert decision.missing and decision.deciding is None and not decision.failing
    else:
        assert not decision.missing and decision.deciding is not None
    if decision.status == "non_eligible":
        assert decision.failing and decision.deciding.key in decision.failing
        assert all(c.passed is False for c in decision.criteria if c.key in decision.failing)
    if decision.status == "eligible":
        assert not decision.failing and decision.deciding.passed is True
        assert all(c.passed is not False for c in decision.criteria)


@SETTINGS
@given(situations())
def test_evaluation_never_raises_and_is_consistent(situation):
    aid, day, _, part = situation
    check_consistent(RULES.evaluate(aid, part, day), part)


@SETTINGS
@given(situations())
def test_adding_facts_never_undoes_a_decided_verdict(situation):
    aid, day, profile, part = situation
    partial = RULES.evaluate(aid, part, day)
    if partial.status != "indetermine":
        assert RULES.evaluate(aid, profile, day).status == partial.status


@SETTINGS
@given(situations())
def test_a_full_profile_is_always_decided(situation):
    aid, day, profile, _ = situation
    decision = RULES.evaluate(aid, profile, day)
    assert decision.status != "indetermine" and decision.next_fact is None


@SETTINGS
@given(situations())
def test_following_next_fact_reaches_the_verdict_of_the_full_profile(situation):
    aid, day, profile, _ = situation
    known = {}
    for _ in range(len(FACTS) + 1):
        name = RULES.next_fact(aid, known, day)
        if name is None:
            break
        assert name in FACTS and name not in known
        known[name] = profile[name]
    assert RULES.next_fact(aid, known, day) is None
    assert RULES.evaluate(aid, known, day).status == RULES.evaluate(aid, profile, day).status


INCOME_CEILINGS = [("visale", "salaire_plafond", "revenu_mensuel_net"),
                   ("visale", "salaire_plafond_conjoint", "revenu_mensuel_net_conjoint"),
                   ("mobili_jeune", "salaire_plafond", "salaire_brut_mensuel")]


@SETTINGS
@given(situations(aids=("visale", "mobili_jeune")), st.floats(0, 50000, allow_nan=False),
       st.sampled_from(INCOME_CEILINGS))
def test_raising_an_income_never_turns_not_eligible_by_income_into_eligible(situation, raise_by, ceiling):
    aid, day, profile, part = situation
    ceiling_aid, criterion, income = ceiling
    if aid != ceiling_aid:
        return
    for facts in (profile, part):
        before = RULES.evaluate(aid, facts, day)
        if before.status != "non_eligible" or criterion not in before.failing:
            continue
        richer = dict(facts, **{income: min(FACTS[income].maximum, facts[income] + raise_by)})
        assert RULES.evaluate(aid, richer, day).status != "eligible"


@SETTINGS
@given(situations(aids=("visale", "loca_pass", "mobili_jeune")), st.integers(0, 60))
def test_being_younger_never_hurts(situation, years):
    aid, day, profile, _ = situation
    younger = dict(profile, age=max(18, profile["age"] - years))
    if younger["age"] > profile["age"]:
        return
    if RULES.evaluate(aid, profile, day).status == "eligible":
        assert RULES.evaluate(aid, younger, day).status == "eligible"


@SETTINGS
@given(situations(aids=("mobili_jeune",)), st.integers(0, 60))
def test_too_old_stays_too_old(situation, years):
    aid, day, profile, _ = situation
    decision = RULES.evaluate(aid, profile, day)
    if "age" in decision.failing:
        older = dict(profile, age=min(120, profile["age"] + years))
        assert "age" in RULES.evaluate(aid, older, day).failing


@SETTINGS
@given(situations(aids=("visale",)), st.floats(0, 1, allow_nan=False))
def test_a_lower_rent_never_hurts_visale(situation, share):
    aid, day, profile, _ = situation
    cheaper = dict(profile, loyer_charges_comprises=round(profile["loyer_charges_comprises"] * share, 2))
    if RULES.evaluate(aid, profile, day).status == "eligible":
        assert RULES.evaluate(aid, cheaper, day).status == "eligible"


@SETTINGS
@given(situations(aids=("mobili_jeune",)))
def test_mobili_jeune_amount_stays_between_its_limits(situation):
    aid, day, profile, _ = situation
    decision = RULES.evaluate(aid, profile, day)
    if decision.status == "eligible":
        assert 10 <= decision.amount.value <= 100
        remainder = round(profile["loyer_charges_comprises"] - profile["apl_mensuelle"], 2)
        assert decision.amount.value == min(100, remainder)


@SETTINGS
@given(st.sampled_from(AIDS), st.dates(dt.date(2000, 1, 1), LAST_DAY), PROFILES)
def test_any_date_gives_a_decision_or_says_the_rules_are_unknown(aid, day, profile):
    try:
        decision = RULES.evaluate(aid, profile, day)
    except RulesNotAvailable:
        assert day < FIRST_DAY[aid]
    else:
        assert day >= FIRST_DAY[aid] and decision.on == day


@SETTINGS
@given(st.dates(dt.date(2023, 7, 1), LAST_DAY), PROFILES)
def test_mobili_pass_is_never_granted_after_its_end(day, profile):
    decision = RULES.evaluate("mobili_pass", profile, day)
    assert decision.status == "non_eligible" and decision.failing == ["aide_ouverte"]
