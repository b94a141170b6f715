"""A noisy copy of a test message, reproducible: SMS abbreviations, accents removed, typos.

`noisy()` is a pure function: the same text, seed and rates always give the same result, whatever the
process (the random generator is seeded with a string, which Python hashes with SHA-512, not with the
salted `hash()`). The abbreviation table is written here on purpose, independently of
knowledge/lexique.yml: the project's normaliser is not told which abbreviations the test uses.
"""

import random
import re
from dataclasses import dataclass
from typing import List, Sequence, Tuple

from bot.nlu.normalize import strip_accents

# Standard French -> SMS spelling, matched on whole words of the accent-free, lower-case text.
SMS_ABBREVIATIONS = {
    "s'il vous plait": "svp",
    "s'il te plait": "stp",
    "est-ce que": "esk",
    "est ce que": "esk",
    "parce que": "pcq",
    "je ne sais pas": "jsp",
    "je suis": "jsuis",
    "il y a": "ya",
    "c'est": "c",
    "j'ai": "jai",
    "je peux": "jpeux",
    "aujourd'hui": "ajd",
    "quelqu'un": "qqn",
    "quelque chose": "qqch",
    "pourquoi": "pq",
    "comment": "cmt",
    "combien": "cb",
    "quand": "qd",
    "quoi": "koi",
    "pour": "pr",
    "avec": "avc",
    "beaucoup": "bcp",
    "toujours": "tjrs",
    "bonjour": "bjr",
    "salut": "slt",
    "merci": "mci",
    "rendez-vous": "rdv",
    "dans": "ds",
    "tout": "tt",
    "vous": "vs",
    "nous": "ns",
    "que": "ke",
    "qui": "ki",
    "appartement": "appart",
    "proprietaire": "proprio",
    "peut-etre": "ptet",
    "d'accord": "dac",
    "message": "msg",
    "meme": "mm",
}

# Neighbours on a French AZERTY keyboard, for substitution typos.
AZERTY_NEIGHBOURS = {
    "a": "zqs", "z": "aes", "e": "zrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok",
    "o": "ipl", "p": "om", "q": "asw", "s": "qdz", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy",
    "j": "hku", "k": "jli", "l": "kmo", "m": "lp", "w": "xq", "x": "wc", "c": "xv", "v": "cb",
    "b": "vn", "n": "b",
}

_WORD = re.compile(r"[A-Za-zÀ-ÿ]{4,}")


@dataclass(frozen=True)
class NoiseRates:
    accents: float = 0.8  # probability that a message loses all its accents
    sms: float = 0.7  # probability that each matching phrase is abbreviated
    typo: float = 0.12  # probability of one typo in each word of 4 letters or more
    lower: float = 0.7  # probability that the message is lower-cased


_SMS_PATTERN = re.compile(
    r"(?<![\w'-])(" + "|".join(re.escape(k) for k in sorted(SMS_ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w'-])", re.IGNORECASE)


def _abbreviate(text: str, rng: random.Random, rate: float) -> str:
    """Abbreviate each known phrase with probability `rate`; matching ignores accents and case."""
    if rate <= 0:
        return text
    folded = strip_accents(text).replace("’", "'")
    if len(folded) != len(text):  # decomposed input: work on the accent-free text
        text = folded
    pieces, last = [], 0
    for match in _SMS_PATTERN.finditer(folded):
        if rng.random() < rate:
            pieces += [text[last:match.start()], SMS_ABBREVIATIONS[match.group(0).lower()]]
            last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)  # keep the first letter: people rarely mistype it
    kind = rng.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    neighbours = AZERTY_NEIGHBOURS.get(word[i].lower())
    return word[:i] + rng.choice(neighbours) + word[i + 1:] if neighbours else word


def noisy(text: str, seed: int = 0, rates: NoiseRates = NoiseRates()) -> str:
    """A degraded copy of `text`, the same for the same (text, seed, rates)."""
    rng = random.Random(f"{seed}|{text}")
    out = _abbreviate(text, rng, rates.sms)
    if rng.random() < rates.accents:
        out = strip_accents(out)
    if rng.random() < rates.lower:
        out = out.lower()
    if rates.typo > 0:
        out = _WORD.sub(lambda m: _typo(m.group(0), rng) if rng.random() < rates.typo else m.group(0), out)
    return out


def noisy_copy(examples: Sequence[Tuple[str, str]], seed: int = 0,
               rates: NoiseRates = NoiseRates()) -> List[Tuple[str, str]]:
    """(noisy text, label) for each (text, label)."""
    return [(noisy(text, seed, rates), label) for text, label in examples]
