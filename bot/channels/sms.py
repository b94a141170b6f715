"""SMS wording of the bot's texts: GSM-7 characters, one short source link, a budget of segments (no Rasa import).

An SMS segment holds 160 GSM-7 characters (153 in a message of several segments), but only 70 (67) as
soon as one character is outside GSM-7 (UCS-2): a single « — » or « ô » doubles the price of an answer.
So the SMS text of an answer is:

- the entry's short `sms` text when it has one (knowledge/faq/*.yml), else the answer itself;
- its « Source : … » paragraph reduced to one short link (the first source's site) and the review date;
- when it is still longer than `SMS_BUDGET_SEGMENTS` (with its numbered choices), cut after the last line
  that fits, its source paragraph becoming the `sms_more` link (« Suite et source : www.visale.fr ») with the
  review date; a text without a source line is never cut (a distress reply is sent whole);
- typographic characters replaced by their GSM-7 equivalent when that keeps the meaning (« » → ",
  — → -, ô → o, œ → oe…), pictograms removed; anything else stays, and the message is then UCS-2.

Segments are counted as the handset and Twilio count them, with the GSM 03.38 codec of `gsm0338`.
"""

import math
import re
import unicodedata
from typing import Any, Dict, List, Mapping, Optional, Sequence
from urllib.parse import urlsplit

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

from bot.channels.markup import numbered_choices, to_plain
from bot.nlu.normalize import strip_accents

GSM_CODEC = "gsm03.38"
SMS_BUDGET_SEGMENTS = 3  # what an answer should cost (issue 17: 90 % of answers)
SMS_MAX_SEGMENTS = 6  # what no answer may cost
DEFAULT_MORE = "Suite et source : {lien}"

# Characters outside GSM-7 and what an SMS reader understands instead.
_TRANSLITERATION = {
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "′": "'",
    "—": "-", "–": "-", "‑": "-", "−": "-", "…": "...", "•": "-", "·": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": "",
    "œ": "oe", "Œ": "OE", "æ": "ae", "°": "o", "×": "x", "≤": "<=", "≥": ">=", "→": "->",
}
_SOURCE = "(?P<label>{label}s?) : (?P<body>.*?)(?: \\((?P<reviewed>[^()]*)\\))?\\s*$"  # (vérifié le …) last
_URL = re.compile(r"https?://[^\s<>()]+")


def is_gsm(text: str) -> bool:
    try:
        text.encode(GSM_CODEC)
    except UnicodeEncodeError:
        return False
    return True


def segments(text: str) -> int:
    """How many SMS segments `text` costs (0 for an empty text)."""
    if not text:
        return 0
    if is_gsm(text):
        septets = len(text.encode(GSM_CODEC))  # characters of the extension table take two
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


def to_gsm(text: str) -> str:
    """`text` with every character outside GSM-7 replaced by its GSM-7 equivalent (accents dropped, « » as
    quotes), pictograms removed; a character without an equivalent is kept."""
    text = re.sub(r"«[\s\u00a0\u202f]*", "«", re.sub(r"[\s\u00a0\u202f]*»", "»", text))
    out = []
    for char in text:
        if char in _TRANSLITERATION:
            out.append(_TRANSLITERATION[char])
        elif is_gsm(char):
            out.append(char)
        elif unicodedata.category(char) in ("So", "Sk", "Mn", "Cf"):  # 👍, variation selectors, joiners
            continue
        else:
            plain = strip_accents(unicodedata.normalize("NFKC", char))  # « ﬁ » -> « fi », « ō » -> « o »
            out.append(plain if plain and is_gsm(plain) else char)
    return re.sub(r"[ \t]+(?=\n)|(?<=\n)[ \t]+|(?<=\S)[ \t]{2,}", lambda m: "" if "\n" in m.group(0) or
                  m.start() == 0 else " ", "".join(out)).strip()


def short_link(url: str) -> str:
    """A site's address as people type it: « www.visale.fr », « actionlogement.fr »."""
    return urlsplit(url).hostname or url


def compact_sources(text: str, source_label: str) -> str:
    """The « Source : A <url> ; B <url> (vérifié le …) » paragraph as « Source : site (vérifié le …) »."""
    pattern = re.compile(_SOURCE.format(label=re.escape(source_label)), re.DOTALL)
    paragraphs = text.strip().split("\n\n")
    for index, paragraph in enumerate(paragraphs):
        match = pattern.match(paragraph)
        if not match:
            continue
        urls = _URL.findall(match.group("body"))
        first = " ".join(re.sub(r"[«»\"]", " ", match.group("body").split(" ; ")[0]).split())
        site = short_link(urls[0]) if urls else re.split(r" [—:(]", first)[0].strip()
        reviewed = f" ({match.group('reviewed')})" if match.group("reviewed") else ""
        paragraphs[index] = f"{source_label} : {site}{reviewed}"
    return "\n\n".join(paragraphs)


def _source_paragraph(text: str, source_label: str) -> Optional[str]:
    last = text.strip().split("\n\n")[-1]
    return last if last.startswith(f"{source_label} : ") else None


def fit(text: str, source_label: str, more: str = DEFAULT_MORE, budget: int = SMS_BUDGET_SEGMENTS,
        after: str = "") -> str:
    """A GSM text ending with its source paragraph, cut after the last line that keeps it (and `after`, the
    numbered choices) within `budget` segments; its source paragraph then becomes the `more` link (the
    source's site) with the review date. Texts without a source, or that fit, are returned unchanged."""
    source = _source_paragraph(text, source_label)
    if source is None or segments(_joined(text, after)) <= budget:
        return text
    body_lines = text.strip()[:-len(source)].strip().split("\n")
    site = _URL.search(source)
    site = short_link(site.group(0)) if site else source.split(" : ", 1)[1].split(" (")[0]
    reviewed = re.search(r" \([^()]*\)$", source)
    tail = to_gsm(more.replace("{lien}", site)) + (reviewed.group(0) if reviewed else "")
    kept = []
    for line in body_lines:
        if kept and segments(_joined("\n".join(kept + [line, tail]), after)) > budget:
            break
        kept.append(line)
    while len(kept) > 1 and kept[-1].rstrip().endswith(":"):  # an introduction whose list was cut
        kept.pop()
    return "\n".join(kept + [tail])


def _joined(text: str, after: str) -> str:
    return f"{text}\n\n{after}" if after else text


def sms_text(text: str, buttons: Sequence[Dict[str, str]] = (), *, short: Optional[str] = None,
             source_label: str = "Source", choices_intro: str = "", more: str = DEFAULT_MORE) -> str:
    """The SMS of one bot message: short text if any, markdown removed, one source link, GSM-7 characters,
    within the budget when it has a source, then its buttons as numbered choices."""
    choices = ""
    if buttons:
        choices = to_gsm(numbered_choices(buttons, choices_intro) if choices_intro else numbered_choices(buttons))
    body = compact_sources(short or text, source_label)
    return _joined(fit(to_gsm(to_plain(body)), to_gsm(source_label), more, after=choices), choices)


def turn_text(messages: Sequence[Mapping[str, Any]], *, sms: bool, short_key: str = "sms",
              source_label: str = "Source", choices_intro: str = "", more: str = DEFAULT_MORE) -> str:
    """The bot's messages of one turn as one text (one message: the handset puts its segments back in order,
    separate messages may arrive in any order). Only the last message's buttons are numbered: a reply « 2 »
    picks among them (bot/channels/common.py `buttons_of_last_turn`). `sms`: the SMS wording above; else
    (WhatsApp) the whole plain text."""
    with_buttons = [i for i, m in enumerate(messages) if m.get("buttons")]
    last = with_buttons[-1] if with_buttons else None
    pieces: List[str] = []
    for index, message in enumerate(messages):
        buttons = message.get("buttons") if index == last else ()
        text = str(message.get("text") or "")
        if sms:
            piece = sms_text(text, buttons or (), short=message.get(short_key) or None, source_label=source_label,
                             choices_intro=choices_intro, more=more)
        else:
            choices = numbered_choices(buttons, choices_intro) if buttons and choices_intro else (
                numbered_choices(buttons) if buttons else "")
            piece = _joined(to_plain(text), choices) if text.strip() else choices
        if piece.strip():
            pieces.append(piece.strip())
    return "\n\n".join(pieces)
