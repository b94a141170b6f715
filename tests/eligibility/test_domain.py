"""domain.yml stays in step with the facts catalogue and the actions package."""

import yaml

from bot.rules import load_rules


def test_every_fact_has_a_slot_filled_by_the_form():
    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    slots = domain["slots"]
    for name in load_rules().facts.names():
        assert name in slots, name
        assert slots[name]["mappings"] == [{"type": "custom"}]


def test_every_action_in_the_package_is_in_the_domain():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load(open("domain.yml", encoding="utf-8"))
    assert set(executor.actions) == set(domain["actions"])
