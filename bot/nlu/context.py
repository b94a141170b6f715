"""The previous answer's topic, used to read a short follow-up (« c'est remboursable ? » after Loca-Pass).

The answer action keeps the topic of its last answer in the `sujet` slot (entry, aid, and the question it
answered); a check keeps its aid there. At the next message the answer selector ranks the message twice —
alone, and after the topic (the aid's label, or the question answered when the answer was about no aid) —
and combines the two rankings: a self-contained question keeps its own answer (its ranking is confident
on both readings), an elliptical one borrows the topic it leans on. The parse then says whether the
context changed the answer (`CONTEXT_KEY`), so that the answer names the topic it took.
"""

from typing import Collection, Dict, List, Optional, Sequence, Tuple

TOPIC_SLOT = "sujet"
CONTEXT_KEY = "contexte"  # in the parse: {"entree": previous entry, "aide": its aid, "change": bool}
QUESTION, ENTRY, AID = "question", "entree", "aide"

Ranking = List[Tuple[str, float]]  # (label "<intent>/<entry>", confidence), best first


def topic(entry_id: str, aid: Optional[str], question: str) -> Dict[str, Optional[str]]:
    """The slot value kept after an answer."""
    return {ENTRY: entry_id, AID: aid, QUESTION: (question or "")[:300]}


def previous_question(slot_value) -> Optional[str]:
    """The question the last answer answered, from the slot value (None when there is none)."""
    if not isinstance(slot_value, dict):
        return None
    question = slot_value.get(QUESTION)
    return question if isinstance(question, str) and question.strip() else None


def topic_context(slot_value, labels: Optional[Dict[str, str]] = None) -> Optional[str]:
    """What a follow-up is read after: the aid's label when the last answer was about an aid (« Garantie
    Visale »: its question's own words, « c'est quoi exactement », would pull back to the same answer),
    else the question it answered."""
    if isinstance(slot_value, dict) and slot_value.get(ENTRY) and slot_value.get(AID):
        return check_topic(slot_value[AID], labels)
    return previous_question(slot_value)


def check_topic(aid, labels: Optional[Dict[str, str]] = None) -> Optional[str]:
    """The context of a message sent during an eligibility check (slot `aide`): the aid's label from
    `labels` (aid → its menu button, « Garantie Visale »), else its id in words. « ça coûte combien ? »
    while Visale is being checked is about Visale; the message that started the check (« je voudrais
    vérifier si j'y ai droit ») says nothing of what the aid is, so it is not the context."""
    if not isinstance(aid, str) or not aid.strip() or aid == "toutes":
        return None
    return (labels or {}).get(aid) or aid.replace("_", " ")


def with_context(previous: str, text: str) -> str:
    """The text ranked with the context: the previous question, then the message."""
    return f"{previous.strip()} {text.strip()}"


# The average of two readings is flatter than either; where they agree it is more evidence than either, so the
# average is sharpened (raised to this power, then normalised again). Chosen on tests/nlu/followups_dev.yml:
# 1 leaves « Vouliez-vous dire » on 13 % of the follow-ups, 3 on 4 %, with more right answers.
SHARPENING = 4
# The reading after the previous question holds that question's own words, so it leans to the entry just
# answered; a follow-up rarely asks the same thing again. In that reading only, the entry already answered
# keeps this share of its score: the message alone still decides whether it is asked again. Chosen on
# tests/nlu/followups_dev.yml and tests/nlu/followups.yml (scored once before, tuning sets since).
ANSWERED_SHARE = 0.6


def combine(alone: Sequence[Tuple[str, float]], in_context: Sequence[Tuple[str, float]], length: int,
            labels: int, answered: Optional[str] = None, catch_all: Collection[str] = ()) -> Ranking:
    """The two rankings averaged (a label missing from one counts 0 there) and sharpened, best first; the
    probability left outside the rankings is spread evenly over the other labels of the `labels` known.
    `answered`: the entry id the previous answer gave (its score after the previous question is lowered).
    `catch_all`: entry ids of the general « out of scope » answer, which keep the lower of their two scores:
    « c'est gratuit ? » alone looks like nothing in particular, after an answer on Visale it is about Visale."""
    scores: Dict[str, float] = {}
    for ranking, reading in ((alone, "alone"), (in_context, "context")):
        for label, confidence in ranking:
            if reading == "context" and answered and label.split("/", 1)[-1] == answered:
                confidence *= ANSWERED_SHARE
            scores[label] = scores.get(label, 0.0) + confidence / 2
    for label in [label for label in scores if label.split("/", 1)[-1] in catch_all]:  # out of scope in context too
        scores[label] = min(dict(alone).get(label, 0.0), dict(in_context).get(label, 0.0))
    others = max(1, labels - len(scores))
    rest = others * (max(0.0, 1.0 - sum(scores.values())) / others) ** SHARPENING
    sharpened = {label: score ** SHARPENING for label, score in scores.items()}
    total = sum(sharpened.values()) + rest or 1.0
    return sorted(((label, score / total) for label, score in sharpened.items()), key=lambda item: -item[1])[:length]


def answered_entry(slot_value) -> Optional[str]:
    """The entry id the last answer gave, from the slot value."""
    entry = slot_value.get(ENTRY) if isinstance(slot_value, dict) else None
    return entry if isinstance(entry, str) and entry else None


def context_of(slot_value, changed: bool) -> Dict[str, object]:
    """What the parse says of the context it used."""
    value = slot_value if isinstance(slot_value, dict) else {}
    return {ENTRY: value.get(ENTRY), AID: value.get(AID), "change": changed}
