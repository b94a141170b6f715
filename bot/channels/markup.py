"""Per-channel formatting of the bot's markdown-lite texts (no Rasa import).

Knowledge answers use a small markdown subset: `**bold**` (and `*italic*`), lines starting with "- " (lists),
`<https://…>` links and `[text](https://…)` links. Each channel shows them its own way:

- SMS / WhatsApp (Twilio): plain text, links written out, split under the provider's length limit
  on paragraph then sentence boundaries, buttons as numbered choices (the user answers "1", "2"…).
- Telegram: HTML parse mode (bold, real links, every other character escaped), buttons as an inline
  keyboard whose callback data fits Telegram's 64-byte limit.
- The web widget renders the same subset itself (bot/channels/widget/widget.js), building DOM nodes.
"""

import hashlib
import html
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

# Twilio refuses a message body longer than 1,600 characters (the handset reassembles the SMS
# segments of one message; separate messages may arrive out of order, so fewer is better).
TWILIO_MAX_LENGTH = 1600
# Telegram's limit for one message is 4,096 characters after entity parsing.
TELEGRAM_MAX_LENGTH = 4096
# Telegram's limit for an inline button's callback_data.
TELEGRAM_CALLBACK_MAX_BYTES = 64

DEFAULT_CHOICES_INTRO = "Répondez par le numéro de votre choix :"

Node = Union[Tuple[str, str], Tuple[str, list], Tuple[str, str, str]]

_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|(?<![*\w])\*(?P<italic>[^*\s](?:[^*\n]*[^*\s])?)\*(?![*\w])"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>(?:https?://|mailto:)[^)\s]+)\)"
    r"|<(?P<auto>(?:https?://|mailto:)[^>\s]+)>"
)
_LIST_ITEM = re.compile(r"^\s*[-*•]\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE_ENDS = (re.compile(r"(?<=;)\s+"), re.compile(r"(?<=,)\s+"))
_CHOICE_REPLY = re.compile(r"^\s*(?:n°|no\.?|num[ée]ro|choix|option)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)


# --- inline markdown-lite -------------------------------------------------------------------

def parse_inline(text: str) -> List[Node]:
    """Split a line into ("text", s), ("bold", children), ("italic", children) and
    ("link", label, url) nodes.

    Anything that is not one of the three constructs stays literal text (HTML included)."""
    nodes: List[Node] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            nodes.append(("text", text[position:match.start()]))
        if match.group("bold") is not None:
            nodes.append(("bold", parse_inline(match.group("bold"))))
        elif match.group("italic") is not None:
            nodes.append(("italic", parse_inline(match.group("italic"))))
        elif match.group("url") is not None:
            nodes.append(("link", match.group("label"), match.group("url")))
        else:
            url = match.group("auto")
            nodes.append(("link", display_url(url), url))
        position = match.end()
    if position < len(text):
        nodes.append(("text", text[position:]))
    return nodes


def display_url(url: str) -> str:
    return url[len("mailto:"):] if url.lower().startswith("mailto:") else url


def _inline_plain(nodes: Iterable[Node]) -> str:
    out = []
    for node in nodes:
        if node[0] == "text":
            out.append(node[1])
        elif node[0] in ("bold", "italic"):
            out.append(_inline_plain(node[1]))
        else:
            label, url = node[1], display_url(node[2])
            out.append(url if label.strip() == url else f"{label} ({url})")
    return "".join(out)


def _inline_html(nodes: Iterable[Node]) -> str:
    out = []
    for node in nodes:
        if node[0] == "text":
            out.append(html.escape(node[1], quote=False))
        elif node[0] == "bold":
            out.append(f"<b>{_inline_html(node[1])}</b>")
        elif node[0] == "italic":
            out.append(f"<i>{_inline_html(node[1])}</i>")
        else:
            out.append(f'<a href="{html.escape(node[2], quote=True)}">{html.escape(node[1], quote=False)}</a>')
    return "".join(out)


def _lines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return _PARAGRAPH_BREAK.sub("\n\n", text)


def to_plain(text: str) -> str:
    """SMS text: markdown marks removed, links written out, list items kept as "- "."""
    lines = []
    for line in _lines(text).split("\n"):
        item = _LIST_ITEM.match(line)
        if item:
            lines.append("- " + _inline_plain(parse_inline(line[item.end():])).strip())
        else:
            lines.append(_inline_plain(parse_inline(line)).rstrip())
    return "\n".join(lines).strip()


def to_telegram_html(text: str) -> str:
    """Telegram `parse_mode=HTML` text: <b>, <a href>, everything else escaped."""
    lines = []
    for line in _lines(text).split("\n"):
        item = _LIST_ITEM.match(line)
        if item:
            lines.append("• " + _inline_html(parse_inline(line[item.end():])).strip())
        else:
            lines.append(_inline_html(parse_inline(line)).rstrip())
    return "\n".join(lines).strip()


# --- splitting under a length limit ----------------------------------------------------------

def _units(text: str, budget: int) -> List[Tuple[str, str]]:
    """(separator before, piece) pieces of at most `budget` characters: whole paragraphs when they
    fit, else lines, else sentences, else words, else hard cuts (a link longer than a message)."""
    units: List[Tuple[str, str]] = []
    for p_index, paragraph in enumerate(text.split("\n\n")):
        sep = "\n\n" if p_index else ""
        if len(paragraph) <= budget:
            units.append((sep, paragraph))
            continue
        for l_index, line in enumerate(paragraph.split("\n")):
            if l_index:
                sep = "\n"
            for s_index, sentence in enumerate(s for s in _SENTENCE_END.split(line) if s):
                if s_index:
                    sep = " "
                for c_index, (cut_sep, piece) in enumerate(_cut(sentence, budget)):
                    units.append((sep if c_index == 0 else cut_sep, piece))
    return units


def _cut(sentence: str, budget: int, level: int = 0) -> List[Tuple[str, str]]:
    """A sentence as (separator, piece) pieces of at most `budget` characters: after ";" when
    possible, else after ",", else on spaces."""
    if len(sentence) <= budget:
        return [("", sentence)]
    while level < len(_CLAUSE_ENDS):
        clauses = _CLAUSE_ENDS[level].split(sentence)
        level += 1
        if len(clauses) > 1:
            deeper = level
            return _merge([("" if i == 0 else " ", clause) for i, clause in enumerate(clauses)], budget,
                          lambda clause: _cut(clause, budget, deeper))
    pieces: List[Tuple[str, str]] = []
    sep = ""
    for word in sentence.split(" "):
        while len(word) > budget:
            pieces.append((sep, word[:budget]))
            word, sep = word[budget:], ""
        pieces.append((sep, word))
        sep = " "
    return _merge(pieces, budget)


def _merge(pieces: List[Tuple[str, str]], budget: int, split_long=None) -> List[Tuple[str, str]]:
    """Join consecutive pieces as long as they fit in `budget` (a piece too long is split first)."""
    merged: List[Tuple[str, str]] = []
    for piece_sep, piece in pieces:
        if split_long is not None and len(piece) > budget:
            parts = split_long(piece)
            parts = [(piece_sep if i == 0 else sep, p) for i, (sep, p) in enumerate(parts)]
        else:
            parts = [(piece_sep, piece)]
        for sep, part in parts:
            if merged and len(merged[-1][1]) + len(sep) + len(part) <= budget:
                merged[-1] = (merged[-1][0], merged[-1][1] + sep + part)
            else:
                merged.append((sep, part))
    return merged


def split_message(text: str, limit: int, number_parts: bool = True) -> List[str]:
    """Split `text` into messages of at most `limit` characters, on paragraph boundaries when
    possible, then sentences, then words. With `number_parts`, each part starts with "(i/n) " so
    that SMS arriving out of order can be put back in order."""
    text = text.strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    marker = len("(99/99) ") if number_parts else 0
    budget = max(limit - marker, 1)
    parts: List[str] = []
    current = ""
    for sep, unit in _units(text, budget):
        if not current:
            current = unit
        elif len(current) + len(sep) + len(unit) <= budget:
            current = current + sep + unit
        else:
            parts.append(current)
            current = unit
    if current:
        parts.append(current)
    parts = [part.strip() for part in parts if part.strip()]
    if number_parts and len(parts) > 1:
        return [f"({index}/{len(parts)}) {part}" for index, part in enumerate(parts, 1)]
    return parts


# --- buttons ----------------------------------------------------------------------------------

def numbered_choices(buttons: Sequence[Dict[str, str]], intro: str = DEFAULT_CHOICES_INTRO) -> str:
    """Buttons as a numbered list, for channels without buttons (SMS, WhatsApp via Twilio)."""
    lines = [intro.strip()] if intro and intro.strip() else []
    lines += [f"{index}. {to_plain(button.get('title', ''))}" for index, button in enumerate(buttons, 1)]
    return "\n".join(lines)


def choice_from_reply(text: str, buttons: Sequence[Dict[str, str]]) -> Optional[str]:
    """The payload of the button whose number the user typed ("2", "2.", "n°2"), or None."""
    if not buttons or text is None:
        return None
    match = _CHOICE_REPLY.match(text)
    if not match:
        return None
    index = int(match.group(1))
    if 1 <= index <= len(buttons):
        return buttons[index - 1].get("payload")
    return None


def telegram_callback_data(payload: str) -> str:
    """Callback data for an inline button: the payload itself when it fits in 64 bytes, otherwise
    "#" and a digest of it, resolved back from the conversation's buttons (`payload_from_callback`)."""
    if len(payload.encode("utf-8")) <= TELEGRAM_CALLBACK_MAX_BYTES and not payload.startswith("#"):
        return payload
    return _digest(payload)


def _digest(payload: str) -> str:
    return "#" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def payload_from_callback(data: str, buttons: Iterable[Dict[str, str]]) -> Optional[str]:
    """The payload behind callback data; None when a digest matches no known button."""
    if not data.startswith("#"):
        return data
    for button in buttons:
        payload = button.get("payload") or ""
        if _digest(payload) == data:
            return payload
    return None


# --- checks used by the tests and by anyone comparing texts across channels -------------------

def comparable(text: str) -> str:
    """Channel-independent form of a bot text (markdown, Telegram HTML or SMS parts): links written
    out as in SMS, marks and SMS part markers removed, characters as in an SMS (GSM-7), whitespace
    collapsed, lower case."""
    from bot.channels.sms import to_gsm  # sms builds on this module
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"[{m.group(2)}]({m.group(1)})", text)
    text = re.sub(r"</?(?:b|i|strong|em)>", "", text)
    text = html.unescape(text)
    text = re.sub(r"(?m)^\(\d{1,2}/\d{1,2}\) ", "", text)
    text = to_plain(text)
    text = re.sub(r"(?m)^[-•]\s+", "", to_gsm(text))
    return " ".join(text.split()).lower()
