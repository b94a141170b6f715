"""Redaction of personal identifiers in stored text (pure, no I/O, no Rasa import).

What is replaced, in this order (each by a bracketed French marker, so that a reader of the stored
text or of the editors' report sees that something was there):

- IBANs (two letters, two check digits, 11 to 30 letters or digits, spaces, dots or dashes allowed):
  `[iban]`;
- French social-security numbers (NIR: sex 1/2/3/4/7/8, year, month, department incl. 2A/2B,
  commune, order, optional key; spaces, dots or dashes allowed): `[n° sécurité sociale]`;
- payment-card numbers (13 to 19 digits, the first 2 to 6, passing the Luhn check; glued, or in
  groups of 4 — or 4-6-5 / 4-6-4 — separated by spaces or dashes): `[n° de carte]`;
- social-housing application numbers (NUD / NUR / numéro unique): any identifier of 8+ characters
  with 6+ digits that follows the words NUD, NUR, « numéro unique », « n° unique », « numéro de
  demande »; without those words, the shape of one: a department (`059`, `02A`, `974`) then 9 to 14
  digits in separated groups (`059-110-22-00012`, `075 19 12 34567 A`): `[n° unique]`;
- French passport numbers (2 digits, 2 letters, 5 digits: `12AB34567`, `12 AB 34567`):
  `[n° de passeport]`;
- e-mail addresses (also with spaces around `@`, with « arobase », `(at)`, `[at]`, `(a)`, `[a]`, « point »
  for the dots, and accented letters): `[courriel]`;
- phone numbers: French national (0X XX XX XX XX with spaces, dots, dashes or slashes, or none) and
  international (+33 / 0033, with or without the (0), and other +CC numbers), and French numbers
  written in words (« zéro six douze trente-quatre… », « zéro six un deux… », words and digits
  mixed): `[téléphone]`;
- any other long number or code (11+ digits in a row, or a 10+ character code mixing 8+ digits
  and letters): `[numéro]`.

Amounts, ages, durations, dates, rents, postcodes and flat types as written in the eligibility
questions ("24 ans", "1 300 €", "3000 et 1200", "12/05/2024", "T2 à 620", "75002") are kept: only the
stored copy is redacted, the live conversation always works with the original text.
"""

import re
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple

EMAIL = "[courriel]"
PHONE = "[téléphone]"
IBAN = "[iban]"
NIR = "[n° sécurité sociale]"
UNIQUE_NUMBER = "[n° unique]"
CARD = "[n° de carte]"
PASSPORT = "[n° de passeport]"
NUMBER = "[numéro]"
MARKERS = (EMAIL, PHONE, IBAN, NIR, UNIQUE_NUMBER, CARD, PASSPORT, NUMBER)

_SEP = r"[ .\-]?"  # one optional separator between digit groups

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ .\-]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")
_NIR = re.compile(
    r"(?<![\w])[1-478]" + _SEP + r"\d{2}" + _SEP + r"(?:0[1-9]|1[0-2]|[2-9]\d)" + _SEP
    + r"(?:\d{2}|2[AaBb])" + _SEP + r"\d{3}" + _SEP + r"\d{3}(?:" + _SEP + r"\d{2})?(?![\w])")
_UNIQUE_KEYWORDS = (r"(?:\bNUD\b|\bNUR\b|\bnum[ée]ro\s+(?:unique|de\s+(?:la\s+)?demande)"
                    r"(?:\s+(?:d[ée]partemental|r[ée]gional|national|d'enregistrement))?|\bn[°o]\s*unique)")
_UNIQUE = re.compile(_UNIQUE_KEYWORDS + r"(?P<glue>[\s:=#°n.]*(?:est|c'est)?[\s:=#°]*)"
                     r"(?P<id>[0-9A-Za-z][0-9A-Za-z \-/.]{6,30}[0-9A-Za-z])", re.IGNORECASE)
_AT = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|a)\s*[)\]}]\s*|\s+arobase\s+)"
_DOT = r"(?:\.|\s+\.\s+|\s+point\s+|\s*[(\[]\s*(?:dot|point)\s*[)\]]\s*)"
_EMAIL = re.compile(
    r"[^\W_][\w.+\-]*" + _AT + r"[^\W_][\w\-]*(?:" + _DOT + r"[^\W_][\w\-]*)*" + _DOT + r"[^\W\d_]{2,}(?![\w])",
    re.IGNORECASE)
_PHONE_FR = re.compile(
    r"(?<![\w+])(?<!\d[.\-/])(?:(?:\+|00)\s?33" + _SEP + r"(?:\(0\)" + _SEP + r")?|0)[1-9]"
    r"(?:(?:" + _SEP + r"\d{2}){4}|(?:\s?/\s?\d{2}){4})(?!\w)")  # slashes: all four (a date has two)
_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)\s?[1-9]\d{0,2}(?:" + _SEP + r"\d){7,13}(?!\w)")
_LONG_DIGITS = re.compile(r"(?<![\w])\d{11,}(?![\w])")
_CODE = re.compile(r"(?<![\w])(?=[A-Za-z0-9]*\d)(?=(?:[A-Za-z]*\d){8})[A-Za-z0-9]{10,}(?![\w])")
_CARD = re.compile(
    r"(?<![\w\-])(?=[2-6])(?:\d{13,19}|\d{4}(?P<s>[ \-])\d{4}(?:(?P=s)\d{4}){1,2}(?:(?P=s)\d{1,4})?"
    r"|\d{4}(?P<t>[ \-])\d{6}(?P=t)\d{4,5})(?![\w\-])")  # issuers' first digits: 2 to 6
_NUD_SHAPE = re.compile(
    r"(?<![\w\-/.])(?:0\d{2}|02[AaBb]|97\d)(?P<n>[ \-/.])\d{1,5}(?:(?P=n)\d{1,5}){1,5}(?:(?P=n)?[A-Za-z])?"
    r"(?![\w\-/])")
_PASSPORT = re.compile(r"(?<![\w\-])(?:\d{2}[A-Za-z]{2}\d{5}|\d{2}[ \-][A-Z]{2}[ \-]\d{5})(?![\w\-])")


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


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card(match: re.Match) -> str:
    """A Luhn-valid number, or its first groups when a last short group is another number (« … 0006 24 »)."""
    text = match.group(0)
    separator = match.group("s") or match.group("t")
    parts = text.split(separator) if separator else [text]
    for end in range(len(parts), 0, -1):
        digits = "".join(parts[:end])
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return CARD + text[len(separator.join(parts[:end]) if separator else text):]
    return text


def _nud_shape(match: re.Match) -> str:
    """A department and 9 to 14 more digits; trailing groups beyond that are other numbers (« … 1300 »)."""
    parts = match.group(0).split(match.group("n"))
    while parts and sum(c.isdigit() for c in "".join(parts)) > 16:
        parts.pop()
    kept = match.group("n").join(parts)
    if sum(c.isdigit() for c in kept) < 11:
        return match.group(0)
    return UNIQUE_NUMBER + match.group(0)[len(kept):]


# --- phone numbers written in words ---------------------------------------------------------

_UNITS = {"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
          "huit": 8, "neuf": 9}
_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
_TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
         "septante": 70, "huitante": 80, "octante": 80, "nonante": 90}
_NUMBER_WORDS = set(_UNITS) | set(_TEENS) | set(_TENS) | {"et"}
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_GAP = re.compile(r"[\s,.;:/\-]*")
_ACCENTS = str.maketrans("éèêë", "eeee")


def _word(token: str) -> str:
    return token.lower().translate(_ACCENTS)


def _teen_at(words: List[str], i: int) -> Tuple[Optional[int], int]:
    """10–19 at words[i] ("dix", "onze"… "dix sept"), and the number of words read."""
    if i < len(words) and words[i] in _TEENS:
        if words[i] == "dix" and i + 1 < len(words) and words[i + 1] in ("sept", "huit", "neuf"):
            return 10 + _UNITS[words[i + 1]], 2
        return _TEENS[words[i]], 1
    return None, 0


def _number_at(words: List[str], i: int) -> Tuple[Optional[int], int]:
    """A number from 0 to 99 written in words from words[i] (greedy), and the number of words read."""
    word = words[i]
    tens, used = None, 0
    if word == "quatre" and i + 1 < len(words) and words[i + 1] in ("vingt", "vingts"):
        tens, used = 80, 2
    elif word in _TENS:
        tens, used = _TENS[word], 1
    if tens is None:
        teen, read = _teen_at(words, i)
        if teen is not None:
            return teen, read
        return (_UNITS[word], 1) if word in _UNITS else (None, 0)
    j = i + used
    if j < len(words) and words[j] == "et":
        j += 1
    if tens in (60, 80):
        teen, read = _teen_at(words, j)
        if teen is not None:
            return tens + teen, j + read - i
    if j < len(words) and words[j] in _UNITS and words[j] != "zero":
        return tens + _UNITS[words[j]], j + 1 - i
    return tens, used


def _spoken_digits(tokens: List[str]) -> List[Tuple[str, int]]:
    """The digits each group of a run of number tokens stands for, with the index of its last token."""
    words = [_word(t) for t in tokens]
    groups: List[Tuple[str, int]] = []
    i = 0
    while i < len(words):
        if words[i].isdigit():
            groups.append((words[i], i))
            i += 1
            continue
        value, read = _number_at(words, i)
        if value is None:  # a stray « et »
            i += 1
            continue
        groups.append((str(value), i + read - 1))
        i += read
    return groups


def _phone_in_words(text: str) -> str:
    tokens = list(_TOKEN.finditer(text))
    runs: List[List[re.Match]] = []
    for token in tokens:
        word = _word(token.group(0))
        if not (word.isdigit() and len(word) <= 2) and word not in _NUMBER_WORDS:
            runs.append([])
            continue
        if runs and runs[-1] and _GAP.fullmatch(text, runs[-1][-1].end(), token.start()):
            runs[-1].append(token)
        else:
            runs.append([token])
    spans = []
    for run in runs:
        if len(run) < 5 or all(t.group(0).isdigit() for t in run):
            continue
        groups = _spoken_digits([t.group(0) for t in run])
        for first, (digits, _) in enumerate(groups):
            if digits != "0" and not (digits.startswith("0") and len(digits) == 2):
                continue
            number = "".join(d for d, _ in groups[first:])
            if len(number) >= 8:  # 10 digits; « sept quatre vingt » may be read 7-80 instead of 7-4-20
                start_token = run[groups[first - 1][1] + 1 if first else 0]
                spans.append((start_token.start(), run[groups[-1][1]].end()))
            break
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    return text


_RULES: Tuple[Tuple[Pattern, Callable[[re.Match], str]], ...] = (
    (_IBAN, _iban),
    (_NIR, lambda m: NIR),
    (_CARD, _card),
    (_UNIQUE, _unique),
    (_NUD_SHAPE, _nud_shape),
    (_PASSPORT, lambda m: PASSPORT),
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
    return _phone_in_words(text)


def contains_contact(text: Optional[str]) -> bool:
    """True when `text` holds an e-mail address or a phone number (not merely a long code)."""
    return bool(text) and (any(p.search(text) for p in (_EMAIL, _PHONE_FR, _PHONE_INTL))
                           or PHONE in _phone_in_words(text))


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
