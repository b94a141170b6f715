"""Decide between answering, asking « Vouliez-vous dire… ? » and admitting not understanding.

Guards against the known ResponseSelector trap (Rasa issues #9751, #9723): the retrieval intent
can be confident while the selected answer is not, so the answer's own confidence and its margin
over the runner-up are checked here, not only the intent's.
"""

from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Tuple

RETRIEVAL_INTENTS = ("faq", "chitchat", "hors_sujet")
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "hors_sujet"
CHOICE_ENTITY = "answer_id"
NONE_OF_THESE = "_aucune"


@dataclass(frozen=True)
class AnswerChoice:
    kind: str  # "answer", "clarify" or "fallback"
    entry_ids: List[str] = field(default_factory=list)
    confidence: float = 0.0
    alternatives: List[str] = field(default_factory=list)  # close runner-ups offered after an answer

    @property
    def entry_id(self) -> Optional[str]:
        return self.entry_ids[0] if self.entry_ids else None


def selector_ranking(parse: dict) -> List[Tuple[str, str, float]]:
    """(retrieval intent, entry id, confidence) from the ResponseSelector output, best first."""
    selectors = (parse or {}).get("response_selector") or {}
    ranking = []
    for key, output in selectors.items():
        if key == "all_retrieval_intents" or not isinstance(output, dict):
            continue
        for item in output.get("ranking") or []:
            name = item.get("intent_response_key") or ""
            if "/" in name:
                intent, entry_id = name.split("/", 1)
                ranking.append((intent, entry_id, float(item.get("confidence") or 0.0)))
    ranking.sort(key=lambda item: -item[2])
    return ranking


def chosen_entry(parse: dict) -> Optional[str]:
    """The entry picked with a button (`/faq{"answer_id": "..."}`), if any."""
    for entity in (parse or {}).get("entities") or []:
        if entity.get("entity") == CHOICE_ENTITY and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def decide(parse: dict, thresholds, known_ids: Iterable[str]) -> AnswerChoice:
    """Pick what to do with one parsed user message."""
    known = set(known_ids)
    choice = chosen_entry(parse)
    if choice is not None:
        if choice in known:
            return AnswerChoice("answer", [choice], 1.0)
        return AnswerChoice("fallback")

    intent = ((parse or {}).get("intent") or {}).get("name")
    if intent not in RETRIEVAL_INTENTS and intent != FALLBACK_INTENT:
        return AnswerChoice("fallback")
    # The selector ranks every entry of every retrieval intent with calibrated probabilities; it, not
    # the intent classifier, decides between a FAQ entry, a politeness one and an out-of-scope one.
    candidates = [(i, e, c) for i, e, c in selector_ranking(parse) if e in known]
    if not candidates:
        return AnswerChoice("fallback")

    out_of_scope = [c for c in candidates if c[0] == OUT_OF_SCOPE_INTENT]
    in_scope = [c for c in candidates if c[0] != OUT_OF_SCOPE_INTENT]
    out_of_scope_mass = sum(c for _, _, c in out_of_scope)
    if out_of_scope and out_of_scope_mass > (in_scope[0][2] if in_scope else 0.0):
        # Out of scope, weighed as a whole (one redirection is as good as another): more likely
        # than any single in-scope entry, so never « Vouliez-vous dire » between in-scope entries.
        candidates = out_of_scope + in_scope
        top, runner_up = out_of_scope_mass, (in_scope[0][2] if in_scope else 0.0)
        if intent in RETRIEVAL_INTENTS and top >= thresholds.answer and top - runner_up >= thresholds.margin:
            return AnswerChoice("answer", [candidates[0][1]], top)
        return AnswerChoice("fallback", [], top)
    candidates = in_scope
    top = candidates[0][2]
    runner_up = candidates[1][2] if len(candidates) > 1 else 0.0
    if intent in RETRIEVAL_INTENTS and top >= thresholds.answer and top - runner_up >= thresholds.margin:
        alternatives = []
        if runner_up >= thresholds.suggestion and top - runner_up < thresholds.alternative_margin:
            alternatives.append(candidates[1][1])
        return AnswerChoice("answer", [candidates[0][1]], top, alternatives)
    if top >= thresholds.clarify:
        ids = [candidates[0][1]]
        if len(candidates) > 1 and runner_up >= thresholds.suggestion:
            ids.append(candidates[1][1])
        return AnswerChoice("clarify", ids, top)
    return AnswerChoice("fallback", [], top)
