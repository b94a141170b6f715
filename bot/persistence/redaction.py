"""Redaction of personal identifiers in stored text (pure, no I/O, no Rasa import).

What is replaced, in this order (each by a bracketed French marker, so that a reader of the stored
text or of the editors' report sees that something was there):

- IBANs (two letters, two check digits, 11 to 30 letters or digits, spaces allowed): `[iban]`;
- French social-security numbers (NIR: sex 1/2/3/4/7/8, year, month, department incl. 2A/2B,
  commune, order, optional key; spaces, dots or dashes allowed): `[n° sécurité sociale]`;
- social-housing application numbers (NUD / NUR / numéro unique): any identifier of 8+ characters
  with 6+ digits that follows the words NUD, NUR, « numéro unique », « n° unique », « numéro de
  demande »: `[n° unique]`;
- e-mail addresses (also written with « arobase » or « (at) »): `[courriel]`;
- phone numbers: French national (0X XX XX XX XX with spaces, dots or dashes, or none) and
  international (+33 / 0033, with or without the (0), and other +CC numbers): `[téléphone]`;
- any other long number or code (11+ digits in a row, or a 10+ character code mixing 8+ digits
  and letters): `[numéro]`.

Amounts, ages, durations and dates as written in the eligibility questions ("24 ans", "1 300 €",
"3000 et 1200", "12/05/2024") are kept: only the stored copy is redacted, the live conversation
always works with the original text.
"""

import re
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple

EMAIL = "[courriel]"
PHONE = "[téléphone]"
IBAN = "[iban]"
NIR = "[n° sécurité sociale]"
UNIQUE_NUMBER = "[n° unique]"
NUMBER = "[numéro]"
MARKERS = (EMAIL, PHONE, IBAN, NIR, UNIQUE_NUMBER, NUMBER)

_SEP = r"[ .\-]?"  # one optional separator between digit groups

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")
_NIR = re.compile(
    r"(?<![\w])[1-478]" + _SEP + r"\d{2}" + _SEP + r"(?:0[1-9]|1[0-2]|[2-9]\d)" + _SEP
    + r"(?:\d{2}|2[AaBb])" + _SEP + r"\d{3}" + _SEP + r"\d{3}(?:" + _SEP + r"\d{2})?(?![\w])")
_UNIQUE_KEYWORDS = (r"(?:\bNUD\b|\bNUR\b|\bnum[ée]ro\s+(?:unique|de\s+(?:la\s+)?demande)"
                    r"(?:\s+(?:d[ée]partemental|r[ée]gional|national|d'enregistrement))?|\bn[°o]\s*unique)")
_UNIQUE = re.compile(_UNIQUE_KEYWORDS + r"(?P<glue>[\s:=#°n.]*(?:est|c'est)?[\s:=#°]*)"
                     r"(?P<id>[0-9A-Za-z][0-9A-Za-z \-/.]{6,30}[0-9A-Za-z])", re.IGNORECASE)
_EMAIL = re.compile(
    r"[A-Za-z0-9_.+\-]+(?:@|\s*\(at\)\s*|\s*\[at\]\s*|\s+arobase\s+)[A-Za-z0-9\-]+"
    r"(?:(?:\.|\s+point\s+)[A-Za-z0-9\-]+)*(?:\.|\s+point\s+)[A-Za-z]{2,}", re.IGNORECASE)
_PHONE_FR = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?33" + _SEP + r"(?:\(0\)" + _SEP + r")?|0)[1-9](?:" + _SEP + r"\d{2}){4}(?!\w)")
_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)\s?[1-9]\d{0,2}(?:" + _SEP + r"\d){7,13}(?!\w)")
_LONG_DIGITS = re.compile(r"(?<![\w])\d{11,}(?![\w])")
_CODE = re.compile(r"(?<![\w])(?=[A-Za-z0-9]*\d)(?=(?:[A-Za-z]*\d){8})[A-Za-z0-9]{10,}(?![\w])")


def _iban(match: re.Match) -> str:
    text = match.group(0)
    return IBAN if sum(c.isdigit() for c in text) >= 10 else text


def _unique(match: re.Match) -> str:
    identifier = match.group("id")
    # Keep the trailing words that are not part of the identifier ("NUD 0751912345678 depuis mars").
    parts = identifier.split(" ")
    kept: List[str] = []
    for part in parts:
        if kept and not any(c.isdigit() for c in part) and len(part) > 2:
            break
        kept.append(part)
    token = " ".join(kept)
    if sum(c.isdigit() for c in token) < 6:
        return match.group(0)
    rest = identifier[len(token):]
    return match.group(0)[:match.start("id") - match.start(0)] + UNIQUE_NUMBER + rest


_RULES: Tuple[Tuple[Pattern, Callable[[re.Match], str]], ...] = (
    (_IBAN, _iban),
    (_NIR, lambda m: NIR),
    (_UNIQUE, _unique),
    (_EMAIL, lambda m: EMAIL),
    (_PHONE_FR, lambda m: PHONE),
    (_PHONE_INTL, lambda m: PHONE),
    (_LONG_DIGITS, lambda m: NUMBER),
    (_CODE, lambda m: NUMBER),
)


def redact(text: Optional[str]) -> Optional[str]:
    """`text` with personal identifiers replaced by markers (None and "" are returned as is)."""
    if not text or not isinstance(text, str):
        return text
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)
    return text


def contains_identifier(text: Optional[str]) -> bool:
    return bool(text) and redact(text) != text


def contains_contact(text: Optional[str]) -> bool:
    """True when `text` holds an e-mail address or a phone number (not merely a long code)."""
    return bool(text) and any(p.search(text) for p in (_EMAIL, _PHONE_FR, _PHONE_INTL))


def redact_value(value: Any) -> Any:
    """Strings redacted, lists and dicts walked (keys kept), anything else unchanged."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    return value


def redact_event(event: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of a serialised Rasa event (`Event.as_dict()`) fit for storage.

    User events: the text, the parse data's text, entity values and the metadata are redacted
    (intents, confidences and the response selector's ranking are kept: they are not personal and
    the editors' report needs them). Slot events: string values are redacted. Bot messages are
    kept: they come from knowledge/ (their phone numbers are public services' ones).
    """
    kind = event.get("event")
    if kind == "user":
        stored = dict(event)
        stored["text"] = redact(event.get("text"))
        parse = event.get("parse_data")
        if isinstance(parse, dict):
            parse = dict(parse)
            parse["text"] = redact(parse.get("text"))
            if isinstance(parse.get("entities"), list):
                parse["entities"] = [_redact_entity(e) for e in parse["entities"]]
            stored["parse_data"] = parse
        if event.get("metadata"):
            stored["metadata"] = redact_value(event["metadata"])
        return stored
    if kind == "slot" and isinstance(event.get("value"), (str, list, dict)):
        stored = dict(event)
        stored["value"] = redact_value(event["value"])
        return stored
    if kind == "entities" and isinstance(event.get("entities"), list):
        stored = dict(event)
        stored["entities"] = [_redact_entity(e) for e in event["entities"]]
        return stored
    return event


def _redact_entity(entity: Any) -> Any:
    if not isinstance(entity, dict):
        return entity
    stored = dict(entity)
    if "value" in stored:
        stored["value"] = redact_value(stored["value"])
    if isinstance(stored.get("text"), str):
        stored["text"] = redact(stored["text"])
    return stored
