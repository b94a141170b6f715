"""Distress detection: cues (whole words, « A + B »), framing (idiom, past), the classifier's part, replies."""

import pytest

from bot.knowledge import load_knowledge
from bot.safety.distress import DistressDetector, Framing
from bot.safety.reply import continues_check, distress_reply, question_alongside

DETECTOR = DistressDetector({
    "sans_abri": ["dormir dehors", "suis à la rue"],
    "expulsion_coupure": ["expulsion + demain", "coupé l'électricité"],
}, framing=Framing(figure=["mdr", "de rire"], past=["il y a * ans", "c'est du passé"], present=["ce soir"]))
BASE = load_knowledge("knowledge")


def test_cue_matches_whole_words_without_accents_or_case():
    assert DETECTOR.detect("On va DORMIR DEHORS ce soir").situation == "sans_abri"
    assert DETECTOR.detect("je suis a la rue").situation == "sans_abri"
    assert DETECTOR.detect("ils ont coupe l’electricite").situation == "expulsion_coupure"


def test_combined_cue_needs_every_part():
    assert DETECTOR.detect("l'expulsion c'est demain matin").cue == "expulsion + demain"
    assert DETECTOR.detect("risque d'expulsion dans quelques mois") is None


def test_no_partial_word_match():
    assert DETECTOR.detect("j'aime dormir dehorsss") is None
    assert DETECTOR.detect("") is None and DETECTOR.detect(None) is None


def test_framing_idiom_and_past_rule_out_a_present_danger():
    assert DETECTOR.detect("je suis à la rue niveau thunes mdr") is None
    assert DETECTOR.detect("il y a 5 ans j'ai dû dormir dehors, c'est du passé") is None
    # a past marker does not hide a danger now
    assert DETECTOR.detect("il y a 2 ans déjà, et ce soir encore je vais dormir dehors").situation == "sans_abri"


def test_the_classifier_decides_alone_only_over_its_threshold_and_without_a_firm_question():
    scorer = lambda text: (0.8, "sans_abri")  # noqa: E731
    assert DETECTOR.detect("on passe la nuit dans le hall", scorer, threshold=0.5).by == "modele"
    assert DETECTOR.detect("on passe la nuit dans le hall", scorer, threshold=0.9) is None
    assert DETECTOR.detect("on passe la nuit dans le hall", scorer, 0.5, question_confidence=0.7,
                           question_veto=0.5) is None
    # a cue is not vetoed by the question reading
    assert DETECTOR.detect("je vais dormir dehors", scorer, 0.5, question_confidence=0.9,
                           question_veto=0.5).by == "cue"


def test_not_if_phrases_cancel_a_situation_cues_and_model():
    detector = DistressDetector({"sans_abri": ["à la rue"]}, {"sans_abri": ["à la rue de", "rue + agence"]})
    assert detector.detect("je suis à la rue depuis hier").situation == "sans_abri"
    assert detector.detect("j'habite à la rue de la Paix") is None
    assert detector.detect("à la rue, où est votre agence ?") is None
    assert detector.detect("on est à la rue de la Paix", lambda t: (0.9, "sans_abri")) is None


def test_project_cues_never_fire_on_faq_or_ordinary_phrasings():
    detector = DistressDetector.from_file(BASE.distress)
    fired = [(e.id, q) for e in BASE.entries.values() for q in e.questions if detector.detect(q)]
    fired += [("ordinaires", q) for q in BASE.distress.ordinaires if detector.detect(q)]
    assert fired == []


@pytest.mark.parametrize("text", [
    "je veux vérifier si je suis éligible", "je veux vérifier", "je veux partir de chez mes parents",
    "je veux mourir de rire", "je suis à la rue niveau thunes ce mois-ci mdr",
])
def test_the_requests_of_the_issue_match_no_cue(text):
    assert DistressDetector.from_file(BASE.distress).detect(text) is None


def test_applicants_get_the_situation_answer_and_staff_the_staff_answer():
    situation = BASE.situation("sans_abri")
    public = distress_reply(BASE, "sans_abri", "tous").text
    staff = distress_reply(BASE, "sans_abri", "professionnels").text
    assert public.startswith(situation.answer.strip()) and situation.staff_answer.strip() not in public
    assert staff.startswith(situation.staff_answer.strip()) and situation.answer.strip() not in staff
    assert "3114" in distress_reply(BASE, None, "tous").text  # unclear situation: the most serious one


def test_staff_answers_never_send_the_agent_to_their_own_ccas():
    for situation in BASE.distress.situations:
        assert "votre ccas" not in situation.staff_answer.lower(), situation.id


def test_eviction_reply_names_action_logement_urgent_support_for_applicants():
    text = distress_reply(BASE, "expulsion_coupure", "tous").text
    assert "48 heures" in text and "accompagnement social" in text


def test_housing_emergencies_continue_a_check_other_situations_pause_it():
    assert continues_check(BASE, "expulsion_coupure") and continues_check(BASE, "sans_abri")
    assert not continues_check(BASE, "suicide") and not continues_check(BASE, None)


def _parse(text, ranking):
    return {"text": text, "intent": {"name": "detresse", "confidence": 1.0},
            "response_selector": {"default": {"ranking": [
                {"intent_response_key": key, "confidence": c} for key, c in ranking]}}}


def test_a_question_in_a_distress_message_is_found_once_distress_is_set_aside():
    parse = _parse("on est expulsés jeudi, l'accompagnement social peut agir en 48 h ?",
                   [("detresse/expulsion_coupure", 0.6), ("faq/accompagnement_delais", 0.35),
                    ("faq/accompagnement_presentation", 0.05)])
    assert question_alongside(parse, BASE) == "accompagnement_delais"


def test_no_question_no_extra_answer():
    parse = _parse("on est expulsés jeudi", [("detresse/expulsion_coupure", 0.6), ("faq/accompagnement_delais", 0.4)])
    assert question_alongside(parse, BASE) is None


def test_without_a_cue_a_question_about_the_aids_needs_a_sure_classifier():
    detector = DistressDetector({}, framing=Framing(aid_words=["mutation", "visale"]))
    scorer = lambda text: (0.7, "enfant_danger")  # noqa: E731
    assert detector.detect("le bébé du voisin pleure la nuit, mutation possible ?", scorer, 0.5, sure=0.85) is None
    assert detector.detect("le bébé est seul depuis hier soir", scorer, 0.5, sure=0.85).by == "modele"
    assert detector.detect("bébé seul, visale possible ?", lambda t: (0.9, "enfant_danger"), 0.5,
                           sure=0.85).by == "modele"


def test_a_cue_may_hold_an_adverb_but_never_a_negation():
    detector = DistressDetector({"suicide": ["pense à me tuer", "vais me tuer"]})
    assert detector.detect("je pense sérieusement à me tuer").situation == "suicide"
    assert detector.detect("je vais pas me tuer pour ce dossier") is None


def test_what_a_message_tells_beside_its_question_about_the_aids_is_scored_alone():
    detector = DistressDetector({}, framing=Framing(aid_words=["visale"]))
    danger = "il me frappe tous les soirs et je dois partir ce soir avec les petits"

    def scorer(text):  # the danger alone is clear; the question's words drown it
        return (0.9, "violences") if text.strip(" .") == danger else (0.6, "violences")

    message = f"{danger}. Visale peut-il garantir un studio vite ?"
    found = detector.detect(message, scorer, 0.5, sure=0.85, told=0.8)
    assert (found.situation, found.by, found.score) == ("violences", "modele", 0.9)
    assert detector.detect(message, scorer, 0.5, sure=0.85, told=0.95) is None
    assert detector.detect("Visale peut-il garantir un studio vite ?", scorer, 0.5, sure=0.85, told=0.8) is None


def test_what_comes_before_mais_is_told_beside_the_question():
    detector = DistressDetector({}, framing=Framing(aid_words=["dossier"]))
    danger = "je ne tiendrai plus longtemps de toute façon"

    def scorer(text):
        return (0.9, "suicide") if text.strip(" ,") == danger else (0.6, "suicide")

    found = detector.detect(f"{danger}, mais mon dossier est complet ?", scorer, 0.5, sure=0.85, told=0.8)
    assert (found.situation, found.by, found.score) == ("suicide", "modele", 0.9)


def test_a_case_asked_about_rules_out_housing_emergencies_only():
    detector = DistressDetector({
        "expulsion_coupure": ["être expulsé"], "sans_abri": ["à la rue"], "violences": ["me frappe"],
    }, framing=Framing(hypothesis=["que se passe-t-il si", "peur de me retrouver + si"], present=["demain"]))
    assert detector.detect("que se passe-t-il si je finis par être expulsé ?") is None
    assert detector.detect("j'ai peur de me retrouver à la rue si mon CDD s'arrête") is None
    # a danger now, or a danger to a person, is never set aside by a condition
    assert detector.detect("que se passe-t-il si je vais être expulsé demain ?").situation == "expulsion_coupure"
    assert detector.detect("que se passe-t-il si je pars, il me frappe").situation == "violences"


@pytest.mark.parametrize("text, situation", [
    ("mon oncle dort sous un pont depuis samedi, il a 62 ans", "sans_abri"),
    ("un monsieur dort dans la rue en bas, il grelotte et ne répond plus quand je lui parle", "sans_abri"),
    ("ma sœur s'est fait virer par son copain ce soir, elle est sur le trottoir", "sans_abri"),
    ("coupure de courant en cours chez nous, la petite a 3 semaines", "expulsion_coupure"),
    ("le technicien est devant le compteur pour couper, j'ai un bébé de 2 mois", "expulsion_coupure"),
    ("j'ai pris ma décision, ce soir c'est fini pour moi", "suicide"),
])
def test_project_cues_for_a_danger_now(text, situation):
    assert DistressDetector.from_file(BASE.distress).detect(text).situation == situation


@pytest.mark.parametrize("text", [
    "le voisin frappe au mur dès que je passe l'aspirateur",
    "ma fille pleure la nuit, elle fait ses dents",
    "le technicien passe jeudi relever le compteur",
    "ma famille a été expulsée de son logement dans les années 90, ça compte encore pour une demande ?",
])
def test_project_cues_rule_out_ordinary_words(text):
    assert DistressDetector.from_file(BASE.distress).detect(text) is None


def test_the_quick_word_test_never_rules_out_a_cue_that_matches():
    """`cue_words` is only a shortcut: with it and without it, every project cue matches the same texts
    (its own wording, with an adverb inside, a year and a word for the wildcards)."""
    from bot.nlu.normalize import fold
    from bot.safety.distress import _matches, cue_patterns, cue_words
    cues = [cue for situation in BASE.distress.situations for cue in (*situation.cues, *situation.not_if)]
    assert len(cues) > 100
    for cue in cues:
        patterns, words = cue_patterns(cue), cue_words(cue)
        for text in (cue.replace(" + ", " puis "), cue.replace(" ", " vraiment ", 1).replace(" + ", " et ")):
            text = fold(text.replace("*", "truc").replace("<annee>", "2021")).replace("’", "'")
            assert _matches(patterns, text, words) == _matches(patterns, text), (cue, text)
        assert _matches(patterns, "rien a voir", words) == _matches(patterns, "rien a voir")
