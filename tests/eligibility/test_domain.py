"""domain.yml stays in step with the facts catalogue and the actions package."""

import yaml

from bot.rules import load_rules


def test_the_situation_and_the_check_are_two_slots_and_no_fact_is_a_slot():
    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    slots = domain["slots"]
    assert {"aide", "situation", "verification"} <= set(slots)
    assert not set(load_rules().facts.names()) & set(slots)  # adding a fact needs no domain change


def test_every_action_in_the_package_is_in_the_domain():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    assert set(executor.actions) == set(domain["actions"])
