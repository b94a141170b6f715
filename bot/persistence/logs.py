"""Structured log lines without personal data: `event=<name> key=value …` (logfmt).

Callers pass only non-personal fields (counts, ids of knowledge entries, channel names, error
classes, `conversation=` references from `config.log_reference`). Values are quoted when needed and
cut to 200 characters; a database error's message is reduced to its class and first line, which
never contains user text (SQL parameters are not included: `hide_parameters=True` on every engine).
"""

import logging
from typing import Any

MAX_VALUE = 200


def _format(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(value).replace("\n", " ")[:MAX_VALUE]
    if not text or any(c in text for c in ' "=\t'):
        return '"' + text.replace('"', "'") + '"'
    return text


def log_event(logger: logging.Logger, level: int, name: str, **fields: Any) -> None:
    if not logger.isEnabledFor(level):
        return
    parts = [f"event={name}"] + [f"{key}={_format(value)}" for key, value in fields.items()]
    logger.log(level, " ".join(parts))


def error_summary(error: BaseException) -> str:
    """`ClassName: first line` of an exception (SQLAlchemy errors without their SQL or parameters)."""
    original = getattr(error, "orig", None) or error
    message = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"{type(original).__name__}: {message}"[:MAX_VALUE]
