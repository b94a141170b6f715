"""The action server reply check with a validator built once: same verdicts and errors as Rasa's."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.rasa_components.__main__ as rasa_command
from bot.rasa_components.action_reply_check import validate_action_result

REPLIES = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "aide", "value": "visale"}],
     "responses": [{"text": "Bonjour", "buttons": [{"title": "Oui", "payload": "/affirm"}]}]},
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": [{"template": "utter_x"}]},
    {"events": "pas une liste"},
    {"events": [{"event": "inconnu"}]},
    {"events": [{"name": "sans type"}]},
    {"responses": ["texte au lieu d'un objet"]},
    {"events": [{"event": "slot", "name": 3}]},
]


def rasa_original(result):
    """What Rasa 3.6 does (rasa/core/actions/action.py), without the patch."""
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    return True


def rasa_check(self, result):
    return True


def test_importing_the_components_changes_nothing_in_rasa():
    """Rasa imports them while training or loading a model: no side effect (issue 18). In a fresh
    interpreter, since this one may have installed the check already."""
    import subprocess
    import sys

    code = ("import bot.rasa_components, bot.rasa_components.distress_guard, bot.rasa_components.text_normalizer, "
            "bot.rasa_components.linear_response_selector, bot.rasa_components.situation_router\n"
            "from rasa.core.actions.action import RemoteAction\n"
            "print(RemoteAction._validate_action_result.__module__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout.strip().splitlines()[-1:]) == (0, ["rasa.core.actions.action"]), done.stderr


def test_the_rasa_command_installs_the_check_then_runs_rasa_with_its_arguments(monkeypatch):
    import sys
    import rasa.__main__

    seen = []
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_check)
    monkeypatch.setattr(rasa.__main__, "main", lambda: seen.append((RemoteAction._validate_action_result, sys.argv)))
    monkeypatch.setattr(sys, "argv", sys.argv)
    rasa_command.main(["run", "--model", "models/assistant.tar.gz"])
    assert seen == [(validate_action_result, ["rasa", "run", "--model", "models/assistant.tar.gz"])]


@pytest.mark.parametrize("reply", REPLIES, ids=range(len(REPLIES)))
def test_same_verdict_and_error_as_rasa(reply):
    try:
        expected = rasa_original(reply), None
    except jsonschema.ValidationError as error:
        expected = None, (error.message, list(error.path), error.validator)
    try:
        got = validate_action_result(RemoteAction("action_x", None), reply), None
    except jsonschema.ValidationError as error:
        assert error.message.startswith(expected[1][0] + ". Failed to validate Action server response")
        got = None, (expected[1][0], list(error.path), error.validator)
    assert got == expected
    if expected[1] is None:
        assert got[0] is True


def test_invalid_replies_are_rejected():
    invalid = [r for r in REPLIES if _fails(r)]
    assert len(invalid) >= 4
    for reply in invalid:
        with pytest.raises(jsonschema.ValidationError, match="custom-actions"):
            validate_action_result(RemoteAction("action_x", None), reply)


def _fails(reply) -> bool:
    try:
        rasa_original(reply)
    except jsonschema.ValidationError:
        return True
    return False
