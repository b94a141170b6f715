"""Eligibility requests that are plain questions (bot/answering/routing.py)."""

from types import SimpleNamespace

import pytest

from bot.answering.routing import firm_faq_question

THRESHOLDS = SimpleNamespace(answer=0.2, margin=0.15, clarify=0.12, suggestion=0.05, alternative_margin=0.3,
                             question_over_check=0.6)
INTENTS = {"parler_conseiller": "faq", "alin_eligibilite": "faq", "merci": "chitchat", "hs_general": "hors_sujet"}
CHECKS = {"alin_eligibilite": "alin"}


def parse(*ranking):
    return {"intent": {"name": "eligibilite", "confidence": 0.5},
            "response_selector": {"default": {"ranking": [{"intent_response_key": k, "confidence": c}
                                                          for k, c in ranking]}}}


@pytest.mark.parametrize("ranking, expected", [
    ((("faq/parler_conseiller", 0.92), ("hors_sujet/hs_general", 0.03)), True),
    ((("faq/parler_conseiller", 0.6), ("faq/alin_eligibilite", 0.2)), True),       # at the threshold
    ((("faq/parler_conseiller", 0.59), ("faq/alin_eligibilite", 0.2)), False),     # just below
    ((("faq/alin_eligibilite", 0.95),), False),     # an entry with a check: the check is what was asked
    ((("chitchat/merci", 0.95),), False),           # not a FAQ entry
    ((("hors_sujet/hs_general", 0.95),), False),
    ((("faq/parler_conseiller", 0.7), ("faq/alin_eligibilite", 0.6)), False),      # no margin: not firm
    ((), False),
])
def test_firm_faq_question(ranking, expected):
    assert firm_faq_question(parse(*ranking), THRESHOLDS, INTENTS, CHECKS) is expected
