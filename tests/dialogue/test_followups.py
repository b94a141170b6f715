"""Follow-ups: the context ranking, typed choices and the multi-turn scorer (pure parts)."""

import pytest

from bot.dialogue.answers import elliptical_question, option_chosen, payload_parts
from bot.evaluation.followups import FollowUp, LastTurn, judge, read_followups, summary
from bot.eligibility.aids import SCREENING
from bot.knowledge import load_knowledge
from bot.knowledge.catch_all import catch_all_entries
from bot.nlu.context import check_topic, combine, context_of, previous_question, topic, topic_context
from bot.rules import AIDS

KNOWLEDGE = load_knowledge("knowledge")
OFFERED = [("Vérifier mon éligibilité", '/eligibilite{"aide": "visale"}'),
           ("Qui a droit à Visale ?", '/faq{"answer_id": "visale_eligibilite"}'),
           ("👍 Oui", '/feedback{"note":"+","cible":"visale_couple"}'),
           ("👎 Non", '/feedback{"note":"-","cible":"visale_couple"}')]


def test_context_ranking_lets_the_reading_after_the_previous_question_win_when_the_message_alone_hesitates():
    alone = [("hors_sujet/hs_general", 0.4), ("faq/loca_pass", 0.1)]
    in_context = [("faq/loca_pass", 0.9), ("hors_sujet/hs_general", 0.05)]
    ranked = combine(alone, in_context, 10, labels=58)
    assert [label for label, _ in ranked] == ["faq/loca_pass", "hors_sujet/hs_general"]
    assert ranked[0][1] > 0.5 > ranked[1][1]


def test_context_ranking_keeps_a_self_contained_question():
    alone = [("faq/alin_presentation", 0.95), ("faq/visale_presentation", 0.02)]
    in_context = [("faq/visale_presentation", 0.55), ("faq/alin_presentation", 0.4)]
    assert combine(alone, in_context, 10, labels=58)[0][0] == "faq/alin_presentation"


def test_context_ranking_does_not_give_the_entry_just_answered_again_to_an_elliptical_follow_up():
    # « et ça coûte combien ? » after « qui a droit à Visale ? »: the previous question's words pull the
    # reading in context to the entry already answered
    alone = [("faq/visale_presentation", 0.3), ("faq/visale_eligibilite", 0.1), ("hors_sujet/hs_general", 0.3)]
    in_context = [("faq/visale_eligibilite", 0.6), ("faq/visale_presentation", 0.35)]
    assert combine(alone, in_context, 10, labels=58)[0][0] == "faq/visale_eligibilite"
    ranked = combine(alone, in_context, 10, labels=58, answered="visale_eligibilite")
    assert ranked[0][0] == "faq/visale_presentation"


def test_context_ranking_still_answers_the_same_entry_when_the_message_alone_asks_it_again():
    alone = [("faq/visale_eligibilite", 0.9), ("faq/visale_presentation", 0.05)]
    in_context = [("faq/visale_eligibilite", 0.95)]
    ranked = combine(alone, in_context, 10, labels=58, answered="visale_eligibilite")
    assert ranked[0][0] == "faq/visale_eligibilite" and ranked[0][1] > 0.5


def test_the_general_out_of_scope_answer_keeps_its_lower_score_after_an_answer():
    # « c'est gratuit ? » after Visale: alone it looks like nothing in particular (the catch-all entry)
    alone = [("hors_sujet/hs_general", 0.76), ("faq/visale_presentation", 0.04)]
    in_context = [("faq/visale_presentation", 0.76), ("hors_sujet/hs_general", 0.04)]
    assert combine(alone, in_context, 10, labels=58, answered="visale_presentation")[0][0] == "hors_sujet/hs_general"
    ranked = combine(alone, in_context, 10, labels=58, answered="visale_presentation", catch_all={"hs_general"})
    assert [label for label, _ in ranked] == ["faq/visale_presentation", "hors_sujet/hs_general"]
    # out of scope in context too (« et la météo demain ? »): still out of scope
    weather = [("hors_sujet/hs_general", 0.8), ("faq/visale_presentation", 0.05)]
    ranked = combine(weather, [("hors_sujet/hs_general", 0.6), ("faq/visale_presentation", 0.3)], 10, labels=58,
                     answered="visale_presentation", catch_all={"hs_general"})
    assert ranked[0][0] == "hors_sujet/hs_general"


def test_the_catch_all_entries_are_read_from_knowledge_and_follow_an_edit(tmp_path):
    assert catch_all_entries() == frozenset({"hs_general"})
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "a.yml").write_text("entries:\n  - id: autres\n    counted_as: sans_reponse\n  - id: b\n", encoding="utf-8")
    assert catch_all_entries(tmp_path) == frozenset({"autres"})
    (faq / "a.yml").write_text("entries:\n  - id: autres\n  - id: b\n    counted_as: sans_reponse\n", encoding="utf-8")
    assert catch_all_entries(tmp_path) == frozenset({"b"})
    (faq / "a.yml").write_text("entries: [oops", encoding="utf-8")
    assert catch_all_entries(tmp_path) == frozenset()


def test_a_follow_up_is_read_after_the_aid_label_or_the_question_answered():
    labels = {"visale": "Garantie Visale"}
    assert topic_context(topic("visale_presentation", "visale", "c'est quoi exactement visale"), labels) == \
        "Garantie Visale"
    assert topic_context(topic("contact_mel", None, "contact pour lille ?"), labels) == "contact pour lille ?"
    assert topic_context(None, labels) is None


def test_the_context_of_a_check_is_the_aid_label_not_the_message_that_started_it():
    labels = {"visale": "Garantie Visale", "mobili_jeune": "Mobili-Jeune"}
    assert [check_topic(aid, labels) for aid in ("visale", "mobili_jeune", "loca_pass", SCREENING, None, "")] == [
        "Garantie Visale", "Mobili-Jeune", "loca pass", None, None, None]


def test_topic_slot_round_trip():
    value = topic("loca_pass", "loca_pass", "c'est quoi l'avance loca-pass ?")
    assert previous_question(value) == "c'est quoi l'avance loca-pass ?"
    assert previous_question(None) is None and previous_question({"question": " "}) is None
    assert context_of(value, True) == {"entree": "loca_pass", "aide": "loca_pass", "change": True}


@pytest.mark.parametrize("typed, payload", [
    ("1", OFFERED[0][1]), ("le deuxième", OFFERED[1][1]), ("Qui a droit à Visale ?", OFFERED[1][1]),
    ("oui", OFFERED[2][1]), ("non", OFFERED[3][1]), ("nan", OFFERED[3][1]), ("ok", OFFERED[2][1]),
    ("5", None), ("non, 1300", None), ("non je voulais savoir autre chose", None)])
def test_typed_choices_pick_the_offered_button(typed, payload):
    assert option_chosen(typed, OFFERED) == payload


def test_payload_parts():
    assert payload_parts('/faq{"answer_id": "alin_nud"}') == ("faq", {"answer_id": "alin_nud"})
    assert payload_parts("/saisine") == ("saisine", {})
    assert payload_parts("/faq{oups") is None and payload_parts("bonjour") is None and payload_parts(None) is None


def test_judge_needs_the_entry_for_the_audience_and_the_check_pending():
    followup = FollowUp("x", "check_question", "public", ["suis-je éligible à visale ?", "c'est gratuit ?"],
                        "visale_presentation", "visale")
    answer = KNOWLEDGE.answer_text("visale_presentation", "tous")
    assert judge(followup, LastTurn([answer, "Quel âge avez-vous ?"], "visale", "age"), KNOWLEDGE).right
    assert not judge(followup, LastTurn([answer], None, None), KNOWLEDGE).right
    assert not judge(followup, LastTurn(["Quel âge avez-vous ?"], "visale", "age"), KNOWLEDGE).right
    clarified = judge(followup, LastTurn([KNOWLEDGE.messages.clarify], None, None), KNOWLEDGE)
    figures = summary([clarified])
    assert figures["toutes"] == {"n": 1, "right": 0.0, "clarify": 1.0}
    assert figures["check_question"] == figures["toutes"] and figures["canal public"] == figures["toutes"]


def test_a_malformed_conversation_is_refused_with_its_id(tmp_path):
    path = tmp_path / "set.yml"
    path.write_text('conversations:\n  - id: z1\n    kind: ellipsis\n    channel: public\n    turns: ["une"]\n'
                    '    expect: {entry: nulle_part}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="z1.*2 ou 3 tours.*fiche inconnue"):
        read_followups(path, list(KNOWLEDGE.entries))


def test_the_sets_are_well_formed():
    for name in ("tests/nlu/followups_dev.yml", "tests/nlu/followups.yml"):
        conversations = read_followups(name, list(KNOWLEDGE.entries), list(AIDS) + [SCREENING])
        assert len(conversations) >= 70


@pytest.mark.parametrize("text, expected", [
    ("Et pour une personne en CDD ?", True),
    ("et un retraité ?", True),
    ("mais pour un apprenti ?", True),
    ("et j'y ai droit ?", False),                       # a request for the check
    ("et je peux l'avoir ?", False),
    ("je suis en cdd, 31 ans, c possible ?", False),    # a situation, not leaning on the answer
    ("et si je gagne plus que le smic mais que mon conjoint est au chomage ?", False),  # too long to lean on it
])
def test_an_elliptical_question_leans_on_the_previous_answer(text, expected):
    assert elliptical_question(text) is expected
