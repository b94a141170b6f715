"""The action server reply check with a validator built once: same verdicts and errors as Rasa's."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.rasa_components  # noqa: F401  (installs the check, as when Rasa loads config.yml)
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


def test_installed_when_the_components_are_imported():
    assert RemoteAction._validate_action_result is validate_action_result


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
