"""Distress detection: strong cues, a trained classifier, and the framing that tells a danger now from a word.

- A **cue** (knowledge/detresse.yml `cues`) is a word or phrase matched as whole words, case- and
  accent-insensitive ("dormir dehors"), or several parts joined by " + " that must all appear
  ("expulsion + demain"); a situation's `not_if` phrases cancel its cues ("à la rue de la Paix").
- The **classifier** (bot/safety/classifier.py) gives the probability that a message is one of the
  distress situations rather than any ordinary message the bot knows (every FAQ and eligibility
  phrasing, and the `ordinaires` of detresse.yml).
- The **framing** (`cadrage`) of a message can show that no one is in danger now: laughter or an
  idiom (`figure`), a situation that is over (`passe`) or a case asked about or feared for later
  (`hypothese`: « que se passe-t-il si je suis expulsé un jour ? »), unless `present` shows a danger now.

`DistressDetector.detect()` fires on a cue or a classifier score over the threshold, never on a
message whose framing rules a present danger out.
"""

import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.nlu.normalize import fold

MIN_WORDS = 4
# A case asked about or feared for later (framing `hypothese`) rules out only these: a danger to a person
# (suicide, violence, a child) is answered even when the message is worded as a condition.
HOUSING_EMERGENCIES = ("expulsion_coupure", "sans_abri")
Scorer = Callable[[str], Tuple[float, Optional[str]]]  # text -> (probability of distress, situation)


@dataclass(frozen=True)
class DistressMatch:
    situation: str
    cue: str            # the cue that matched, or "" when the classifier decided
    by: str = "cue"     # "cue" or "modele"
    score: float = 1.0


def _plain(text: str) -> str:
    return fold(text or "").replace("’", "'")


QUESTION = re.compile(r"\?|\b(?:est[\s-]ce|comment|combien|quel(?:le)?s?|quand|peut[\s-]on|puis[\s-]je|ai[\s-]je|"
                      r"suis[\s-]je|dois[\s-]je|c'est quoi|qu'est[\s-]ce)\b")
# « …, mais mon dossier AL'in expire quand ? »: what comes before « mais » is told beside the question.
BUT = re.compile(r",?\s+mais\s+", re.I)
SENTENCE_END = re.compile(r"(?<=[.;!?:])\s+|(?<=[;!?:])(?=\S)")  # each sentence keeps its « ? »


# Emoji of laughter, a wink or an eye-roll say the words are not meant literally (« je vais le tuer 😂 »);
# crying or fear emoji say nothing of the kind.
LAUGHTER = re.compile("[\U0001F602\U0001F923\U0001F605\U0001F606\U0001F644\U0001F639\U0001F61C\U0001F61D\U0001F61B\U0001F609]")


def _word_count(text: str) -> int:
    return len(re.findall(r"[\w']+", text))


# `*` stands for any one word, `<annee>` for a year written in digits (1990, 2021…).
WILDCARDS = {"*": r"[\w']+", "<annee>": r"(?:19|20)\d\d"}


SEPARATOR = r"[\s\-']*"
# An adverb may sit between the words of a cue (« je pense sérieusement à me tuer », « il m'a encore
# frappée »); a negation never does (« je vais pas me tuer » is not « vais me tuer »).
ADVERBS = ("serieusement", "vraiment", "encore", "deja", "souvent", "tellement", "juste", "aussi", "parfois",
           "toujours", "presque", "carrement", "meme", "bien", "fort", "trop", "limite", "direct", "grave")
GAP = r"(?:(?<=[\s\-'])(?:" + "|".join(ADVERBS) + r")[\s\-']+)?"


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = re.findall(r"<annee>|[\w']+|\*", _plain(phrase))
    parts = [WILDCARDS.get(word) or re.escape(word) for word in words]
    return re.compile(r"(?<![\w])" + (SEPARATOR + GAP).join(parts) + r"(?![\w])")


def cue_patterns(cue: str) -> List[re.Pattern]:
    """The patterns of one cue: every part of « A + B » must match."""
    return [_phrase_pattern(part) for part in (p.strip() for p in cue.split("+")) if part]


def cue_words(cue: str) -> Tuple[str, ...]:
    """The literal words of a cue's patterns: each one is in any text the cue matches (a quick test
    that rules most cues out before their patterns are tried)."""
    return tuple(word for part in cue.split("+") for word in re.findall(r"<annee>|[\w']+|\*", _plain(part.strip()))
                 if word not in WILDCARDS)


def _matches(patterns: Sequence[re.Pattern], folded: str, words: Sequence[str] = ()) -> bool:
    return (bool(patterns) and all(word in folded for word in words)
            and all(pattern.search(folded) for pattern in patterns))


class Framing:
    """Whether a message's own words rule out a danger now (knowledge/detresse.yml `cadrage`)."""

    def __init__(self, figure: Iterable[str] = (), past: Iterable[str] = (), present: Iterable[str] = (),
                 aid_words: Iterable[str] = (), hypothesis: Iterable[str] = ()):
        self._figure = [cue_patterns(p) for p in figure]
        self._past = [cue_patterns(p) for p in past]
        self._hypothesis = [cue_patterns(p) for p in hypothesis]
        self._present = [cue_patterns(p) for p in present]
        self._aid_words = [cue_patterns(p) for p in aid_words]

    @classmethod
    def from_file(cls, cadrage) -> "Framing":
        if cadrage is None:
            return cls()
        return cls(cadrage.figure, cadrage.passe, cadrage.present, cadrage.aides, cadrage.hypothese)

    def names_the_aids(self, text: str) -> bool:
        """The text names an aid or one of its rules (knowledge/detresse.yml `cadrage.aides`)."""
        folded = _plain(text)
        return any(_matches(p, folded) for p in self._aid_words)

    def asks_about_the_aids(self, text: str) -> bool:
        """A question (« ? », « est-ce », « comment »…) that names an aid or one of its rules."""
        folded = _plain(text)
        return bool(QUESTION.search(folded)) and any(_matches(p, folded) for p in self._aid_words)

    def reason_no_danger(self, text: str) -> Optional[str]:
        """"figure", "passe" or "hypothese" when the message speaks of no present danger, else None."""
        folded = _plain(text)
        if LAUGHTER.search(text or "") or any(_matches(p, folded) for p in self._figure):
            return "figure"
        if any(_matches(p, folded) for p in self._present):
            return None
        if any(_matches(p, folded) for p in self._past):
            return "passe"
        if any(_matches(p, folded) for p in self._hypothesis):
            return "hypothese"
        return None


class DistressDetector:
    """Cues (first situation in file order wins), then the classifier, both subject to the framing."""

    def __init__(self, cues_by_situation: Dict[str, Iterable[str]],
                 not_if_by_situation: Optional[Dict[str, Iterable[str]]] = None,
                 framing: Optional[Framing] = None):
        not_if_by_situation = not_if_by_situation or {}
        self.framing = framing or Framing()
        self._rules: List[Tuple[str, str, List[re.Pattern], Tuple[str, ...]]] = []
        self._exceptions: Dict[str, List[List[re.Pattern]]] = {}
        for situation, cues in cues_by_situation.items():
            for cue in cues:
                patterns = cue_patterns(cue)
                if patterns:
                    self._rules.append((situation, cue, patterns, cue_words(cue)))
            self._exceptions[situation] = [p for p in map(cue_patterns, not_if_by_situation.get(situation, ())) if p]

    @classmethod
    def from_file(cls, distress_file) -> "DistressDetector":
        situations = distress_file.situations
        return cls({s.id: s.cues for s in situations}, {s.id: s.not_if for s in situations},
                   Framing.from_file(getattr(distress_file, "cadrage", None)))

    def cue(self, text: str) -> Optional[DistressMatch]:
        """The first cue found (not cancelled by its situation's `not_if`), framing not applied."""
        folded = _plain(text)
        for situation, cue, patterns, words in self._rules:
            if _matches(patterns, folded, words) and not any(_matches(e, folded) for e in self._exceptions[situation]):
                return DistressMatch(situation, cue)
        return None

    def cancelled(self, situation: str, text: str) -> bool:
        """True when one of the situation's `not_if` phrases is in the message."""
        folded = _plain(text)
        return any(_matches(e, folded) for e in self._exceptions.get(situation, ()))

    def detect(self, text: str, scorer: Optional[Scorer] = None, threshold: float = 0.5,
               question_confidence: float = 0.0, question_veto: float = 1.0,
               sure: float = 1.0, told: float = 1.0) -> Optional[DistressMatch]:
        """The distress situation of a message, or None (ordinary message, or no danger now).

        Without a cue, the classifier decides when its score reaches `threshold`, unless the message
        is an ordinary question: the entry selector firmly reads it as one (`question_confidence` ≥
        `question_veto`), or it asks about the aids or their rules, and then only a score of `sure`
        or more counts, or a score of `told` for what the message tells beside its question.
        """
        reason = self.framing.reason_no_danger(text)
        if reason and reason != "hypothese":
            return None
        match = self._detect(text, scorer, threshold, question_confidence, question_veto, sure, told)
        if match and reason == "hypothese" and match.situation in HOUSING_EMERGENCIES:
            return None
        return match

    def _detect(self, text, scorer, threshold, question_confidence, question_veto, sure, told):
        match = self.cue(text)
        if match:
            return match
        if scorer is None:
            return None
        if question_confidence >= question_veto:
            # read firmly as an ordinary question: only what the message tells apart from its sentences on
            # the aids can still be a danger (« j'ai préparé les comprimés. Mon dossier Visale sera annulé ? »)
            return self._told_apart_from_the_aids(text, scorer, told)
        score, situation = scorer(text)
        # A question about the aids, or a short reply (« depuis 2 ans », the answer to a question of a
        # check), needs a sure classifier: few words give it too little to go on.
        short = _word_count(text) < MIN_WORDS
        asks = self.framing.asks_about_the_aids(text)
        needed = max(threshold, sure) if short or asks else threshold
        if situation and score >= needed and not self.cancelled(situation, text):
            return DistressMatch(situation, "", by="modele", score=score)
        if asks and not short:
            return self._told_beside_the_question(text, scorer, told)
        return None

    def _told_apart_from_the_aids(self, text: str, scorer: Scorer, threshold: float) -> Optional[DistressMatch]:
        """The sentences that name no aid nor rule, scored alone (none when every sentence names one)."""
        sentences = [part for sentence in SENTENCE_END.split(text) for part in BUT.split(sentence) if part.strip()]
        told = " ".join(s for s in sentences if not self.framing.names_the_aids(s))
        if _word_count(told) < MIN_WORDS or told.strip() == text.strip():
            return None
        score, situation = scorer(told)
        if situation and score >= threshold and not self.cancelled(situation, text):
            return DistressMatch(situation, "", by="modele", score=score)
        return None

    def _told_beside_the_question(self, text: str, scorer: Scorer, threshold: float) -> Optional[DistressMatch]:
        """What the message tells besides its question about the aids, scored alone (« il me frappe, ce
        soir je pars. Visale peut-il… ? »): the question's words no longer drown the danger."""
        parts = [part for sentence in SENTENCE_END.split(text) for part in (
            BUT.split(sentence) if self.framing.asks_about_the_aids(sentence) else [sentence])]
        told = " ".join(s for s in parts if s.strip() and not self.framing.asks_about_the_aids(s))
        if _word_count(told) < MIN_WORDS or told.strip() == text.strip():
            return None
        score, situation = scorer(told)
        if situation and score >= threshold and not self.cancelled(situation, text):
            return DistressMatch(situation, "", by="modele", score=score)
        return None
