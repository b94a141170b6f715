"""Word the reply to a distress situation: calm, short, concrete numbers first; then the question, if any.

Applicants get the situation's `answer` (addressed to the person at risk); CCAS staff get its
`staff_answer` (addressed to the agent: what to do for the person, which numbers to give). A message
that carries both a danger and a question about the aids (« il m'a frappée hier, ça rend ma demande
AL'in prioritaire ? ») gets the emergency reply first, then the answer to its question.
"""

import re
from typing import Optional

from bot.answering.audience import PROFESSIONALS
from bot.answering.answer_choice import decide, selector_ranking
from bot.answering.render import Reply, referral_button, source_line
from bot.knowledge.base import KnowledgeBase
from bot.nlu.training_data import DISTRESS_INTENT

DEFAULT_SITUATION = "suicide"  # when a distress signal has no clear situation, the most serious one
RESUME_PAYLOAD = "/eligibilite"
QUESTION = re.compile(r"\?|\b(?:est-ce|est ce|comment|combien|quel(?:le)?s?|quand|pourquoi|peut-on|puis-je|"
                      r"ai-je|suis-je|dois-je|a-t-on|y a-t-il|c'est quoi|qu'est-ce)\b", re.I)


def distress_reply(base: KnowledgeBase, situation_id: Optional[str], audience: str, offer_resume: bool = False) -> Reply:
    situation = base.situation(situation_id or "") or base.situation(DEFAULT_SITUATION) or base.distress.situations[0]
    answer = situation.staff_answer if audience == PROFESSIONALS else situation.answer
    parts = [answer.strip(), base.distress.messages.follow_up.strip(), source_line(situation, base)]
    buttons = [{"title": base.distress.messages.resume_form, "payload": RESUME_PAYLOAD}] if offer_resume else []
    if audience == PROFESSIONALS:
        buttons.append(referral_button(base))
    return Reply("\n\n".join(part for part in parts if part), buttons)


def continues_check(base: KnowledgeBase, situation_id: Optional[str]) -> bool:
    """Whether a check in progress goes on after this situation's reply (`reprise: continuer`)."""
    situation = base.situation(situation_id or "")
    return situation is not None and situation.reprise == "continuer"


def question_alongside(parse: dict, base: KnowledgeBase) -> Optional[str]:
    """The FAQ entry a distress message also asks about, or None.

    The entry selector's ranking without the distress situations (renormalised) goes through the
    usual decision; only a clear answer of a `faq` entry to a message phrased as a question counts.
    """
    text = (parse or {}).get("text") or ""
    if not QUESTION.search(text):
        return None
    ranking = selector_ranking(parse)
    ordinary = [(intent, entry, confidence) for intent, entry, confidence in ranking if intent != DISTRESS_INTENT]
    mass = sum(confidence for _, _, confidence in ordinary)
    if not ordinary or mass <= 0:
        return None
    renormalised = {"default": {"ranking": [
        {"intent_response_key": f"{intent}/{entry}", "confidence": confidence / mass}
        for intent, entry, confidence in ordinary]}}
    decision = decide({"text": text, "intent": {"name": "faq", "confidence": 1.0},
                       "response_selector": renormalised}, base.thresholds, base.entries.keys())
    entry = base.entries.get(decision.entry_id or "") if decision.kind == "answer" else None
    return entry.id if entry is not None and entry.intent == "faq" else None
