"""Rasa's check of each action server reply, with the JSON schema validator built once.

Rasa 3.6 checks every reply of the action server with `jsonschema.validate(reply, schema)`, which
first validates the schema itself against the Draft 2020-12 meta-schema and builds a new validator:
about 19 ms of CPU per custom action call, a third of the Rasa server's time per message
(docs/benchmarks.md). This check is the same (same schema, same `best_match` error, same message
added), with the schema checked and the validator built on first use only. Installed at start-up
by `python -m bot.rasa_components run` (`bot.rasa_components.install`), never on import.
"""

from functools import lru_cache
from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Drop-in for `RemoteAction._validate_action_result`."""
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
