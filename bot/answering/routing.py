"""Messages the intent classifier sent to the eligibility check that are really plain questions.

Outside a check, the action server answers them as FAQ questions instead of starting a check;
`make quality` and `make bench` read them the same way, so their figures are what users get.
"""

from typing import Mapping

from bot.answering.decision import decide

QUESTION_INTENT = {"name": "faq", "confidence": 1.0}


def as_question(parse: dict) -> dict:
    return dict(parse, intent=dict(QUESTION_INTENT))


def firm_faq_question(parse: dict, thresholds, entry_intents: Mapping[str, str],
                      entry_checks: Mapping[str, str]) -> bool:
    """An `eligibilite` message (no aid, no fact) that the answer selector ties firmly to a FAQ entry
    offering no eligibility check: « passez-moi un conseiller » is a request to talk to someone, not
    an eligibility check, even when the classifier hesitates because of the word « conseiller »."""
    decision = decide(as_question(parse), thresholds, entry_intents.keys())
    entry_id = decision.entry_id or ""
    return (decision.kind == "answer" and entry_intents.get(entry_id) == "faq" and not entry_checks.get(entry_id)
            and decision.confidence >= thresholds.question_over_check)
