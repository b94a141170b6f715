"""Word the reply to a distress situation: calm, short, concrete numbers first."""

from typing import Optional

from bot.answering.audience import PROFESSIONALS
from bot.answering.render import Reply, source_line
from bot.knowledge.base import KnowledgeBase

DEFAULT_SITUATION = "suicide"  # when a distress signal has no clear situation, the most serious one


RESUME_PAYLOAD = "/eligibilite"


def distress_reply(base: KnowledgeBase, situation_id: Optional[str], audience: str, offer_resume: bool = False) -> Reply:
    situation = base.situation(situation_id or "") or base.situation(DEFAULT_SITUATION) or base.distress.situations[0]
    parts = [situation.answer.strip()]
    if audience == PROFESSIONALS:
        parts.append(situation.staff_answer.strip())
    parts.append(base.distress.messages.follow_up.strip())
    parts.append(source_line(situation, base))
    buttons = [{"title": base.distress.messages.resume_form, "payload": RESUME_PAYLOAD}] if offer_resume else []
    return Reply("\n\n".join(part for part in parts if part), buttons)
