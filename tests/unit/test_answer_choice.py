"""The answer decision: answer, « Vouliez-vous dire… ? » or fallback, from intent and selector confidences."""

from types import SimpleNamespace

import pytest

from bot.answering.answer_choice import NONE_OF_THESE, decide, selector_ranking

THRESHOLDS = SimpleNamespace(answer=0.6, margin=0.2, clarify=0.2, suggestion=0.1, alternative_margin=0.3)
KNOWN = {"visale_couple", "visale_demande", "bonjour", "hs_general"}


def parse(intent, ranking, entities=()):
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": list(entities),
        "response_selector": {
            "all_retrieval_intents": ["faq", "chitchat", "hors_sujet"],
            "default": {"ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranking]},
        },
    }


def test_confident_answer_is_given():
    d = decide(parse("faq", [("faq/visale_couple", 0.9), ("faq/visale_demande", 0.05)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == ("answer", ["visale_couple"])


def test_confident_intent_but_unsure_answer_asks_which_one():
    """The ResponseSelector trap: `faq` at 0.99 but the selected answer only at 0.45."""
    d = decide(parse("faq", [("faq/visale_couple", 0.45), ("faq/visale_demande", 0.40)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == ("clarify", ["visale_couple", "visale_demande"])


def test_close_runner_up_asks_even_when_top_is_high():
    d = decide(parse("faq", [("faq/visale_couple", 0.62), ("faq/visale_demande", 0.45)]), THRESHOLDS, KNOWN)
    assert d.kind == "clarify"


def test_weak_runner_up_is_not_proposed():
    d = decide(parse("faq", [("faq/visale_couple", 0.5), ("faq/visale_demande", 0.05)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == ("clarify", ["visale_couple"])


def test_nothing_plausible_falls_back():
    d = decide(parse("faq", [("faq/visale_couple", 0.15), ("faq/visale_demande", 0.1)]), THRESHOLDS, KNOWN)
    assert d.kind == "fallback"


def test_nlu_fallback_never_answers_directly():
    d = decide(parse("nlu_fallback", [("faq/visale_couple", 0.95)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == ("clarify", ["visale_couple"])


def test_the_selector_decides_between_retrieval_intents():
    d = decide(parse("chitchat", [("faq/visale_couple", 0.8), ("chitchat/bonjour", 0.19)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == ("answer", ["visale_couple"])


def test_out_of_scope_gets_its_redirection():
    d = decide(parse("hors_sujet", [("hors_sujet/hs_general", 0.97)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == ("answer", ["hs_general"])


def test_unknown_entry_from_an_old_model_is_skipped():
    d = decide(parse("faq", [("faq/supprimee", 0.6), ("faq/visale_demande", 0.35)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == ("clarify", ["visale_demande"])


@pytest.mark.parametrize("value, expected", [("visale_demande", ("answer", ["visale_demande"])),
                                             (NONE_OF_THESE, ("fallback", [])),
                                             ("inconnue", ("fallback", []))])
def test_button_choice_wins(value, expected):
    d = decide(parse("faq", [], [{"entity": "answer_id", "value": value}]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids) == expected


def test_other_intents_fall_back_and_missing_parse_is_safe():
    assert decide(parse("affirm", [("faq/visale_couple", 0.9)]), THRESHOLDS, KNOWN).kind == "fallback"
    assert decide({}, THRESHOLDS, KNOWN).kind == "fallback"
    assert selector_ranking(None) == []


def test_close_runner_up_is_offered_after_the_answer():
    d = decide(parse("faq", [("faq/visale_couple", 0.62), ("faq/visale_demande", 0.38)]), THRESHOLDS, KNOWN)
    assert (d.kind, d.entry_ids, d.alternatives) == ("answer", ["visale_couple"], ["visale_demande"])
    d = decide(parse("faq", [("faq/visale_couple", 0.9), ("faq/visale_demande", 0.05)]), THRESHOLDS, KNOWN)
    assert d.alternatives == []


def test_out_of_scope_is_weighed_as_a_whole():
    ranking = [("hors_sujet/hs_general", 0.35), ("hors_sujet/hs_apl", 0.3), ("faq/visale_couple", 0.1)]
    d = decide(parse("hors_sujet", ranking), THRESHOLDS, KNOWN | {"hs_apl"})
    assert (d.kind, d.entry_ids) == ("answer", ["hs_general"])


def test_out_of_scope_as_a_whole_beats_a_weak_in_scope_entry():
    ranking = [("faq/visale_couple", 0.25), ("hors_sujet/hs_general", 0.2), ("hors_sujet/hs_apl", 0.15),
               ("faq/visale_demande", 0.1)]
    d = decide(parse("faq", ranking), THRESHOLDS, KNOWN | {"hs_apl"})
    assert d.kind == "fallback"  # out of scope (0.35) wins, but not clearly enough to pick a redirection
    strong = [("hors_sujet/hs_general", 0.5), ("hors_sujet/hs_apl", 0.3), ("faq/visale_couple", 0.1)]
    assert decide(parse("faq", strong), THRESHOLDS, KNOWN | {"hs_apl"}).entry_ids == ["hs_general"]
