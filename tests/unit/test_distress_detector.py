"""Strong-cue distress detection: whole words, accents and case ignored, « A + B » needs both parts."""

from bot.knowledge import load_knowledge
from bot.safety.distress import DistressDetector
from bot.safety.reply import distress_reply

DETECTOR = DistressDetector({
    "sans_abri": ["dormir dehors", "à la rue"],
    "expulsion_coupure": ["expulsion + demain", "coupé l'électricité"],
})


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


def test_project_cues_never_fire_on_faq_phrasings():
    base = load_knowledge("knowledge")
    detector = DistressDetector.from_situations(base.distress.situations)
    fired = [(e.id, q) for e in base.entries.values() for q in e.questions if detector.detect(q)]
    assert fired == []


def test_reply_gives_numbers_and_staff_gets_more():
    base = load_knowledge("knowledge")
    public = distress_reply(base, "sans_abri", "tous").text
    staff = distress_reply(base, "sans_abri", "professionnels").text
    assert "115" in public and "48 heures" not in public
    assert public.split("\n\n")[0] in staff and "48 heures" in staff
    assert "3114" in distress_reply(base, None, "tous").text  # unclear situation: the most serious one


def test_not_if_phrases_cancel_a_situation_cues():
    detector = DistressDetector({"sans_abri": ["à la rue"]}, {"sans_abri": ["à la rue de", "rue + agence"]})
    assert detector.detect("je suis à la rue depuis hier").situation == "sans_abri"
    assert detector.detect("j'habite à la rue de la Paix") is None
    assert detector.detect("à la rue, où est votre agence ?") is None
