"""Figures of the benchmark from (expected, predicted) pairs, and the load client's helpers: pure functions."""

import pytest

from tools.bench.load import next_text, percentile, reply_kind
from tools.bench.scores import score


def near(value):
    return pytest.approx(value, abs=1e-4)  # figures are rounded to 4 decimals

PAIRS = [
    ("faq/a", "faq/a"), ("faq/a", "faq/b"), ("faq/b", "faq/b"), ("faq/b", "clarify"),
    ("chitchat/merci", "chitchat/merci"),
    ("hors_sujet/x", "fallback"), ("hors_sujet/x", "hors_sujet/y"), ("hors_sujet/y", "faq/a"),
]


def test_accuracy_macro_f1_and_out_of_scope():
    s = score(PAIRS)
    assert s["n"] == 8 and s["in_scope"] == 5
    assert s["accuracy"] == near(3 / 5)
    # faq/a: P 1/2 R 1/2; faq/b: P 1/2 R 1/2; merci: 1; hs x: 0; hs y: P 0 R 0
    assert s["per_label"]["faq/a"] == {"n": 2, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert s["macro_f1"] == near((0.5 + 0.5 + 1 + 0 + 0) / 5)
    assert s["oos_recall"] == near(2 / 3)  # fallback and another hors_sujet entry count as found
    assert s["oos_precision"] == near(1.0)
    assert s["per_family"]["hors_sujet"]["family_accuracy"] == near(2 / 3)
    assert s["per_family"]["faq"]["accuracy"] == near(2 / 4)
    assert ["faq/a", "faq/b", 1] in s["confusions"]


def test_empty_input():
    assert score([])["n"] == 0


def test_percentile_interpolates_like_numpy():
    assert percentile([], 50) is None
    assert percentile([10.0], 99) == 10.0
    assert percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert percentile(list(range(101)), 95) == pytest.approx(95)


def test_scripted_turns_follow_whatever_the_bot_replied():
    buttons = [{"text": "Vous êtes :", "buttons": [{"title": "Salarié", "payload": "/inform{\"x\": 1}"},
                                                   {"title": "Étudiant", "payload": "/inform{\"x\": 2}"}]}]
    assert next_text("j'ai 27 ans", buttons) == "j'ai 27 ans"
    assert next_text({"button": 2, "else": "non"}, buttons) == "/inform{\"x\": 2}"
    assert next_text({"button": 1, "else": "oui"}, [{"text": "Quel âge avez-vous ?"}]) == "oui"
    assert reply_kind([]) == "empty" and reply_kind(buttons) == "buttons" and reply_kind([{"text": "a"}]) == "text"


def test_a_started_eligibility_check_serves_an_entry_that_offers_it():
    from tools.bench.quality import served

    checks = {"visale_eligibilite": "visale"}
    assert served("faq/visale_eligibilite", "eligibilite", checks) == "faq/visale_eligibilite"
    assert served("faq/visale_couple", "eligibilite", checks) == "eligibilite"
    assert served("faq/visale_eligibilite", "faq/visale_couple", checks) == "faq/visale_couple"
