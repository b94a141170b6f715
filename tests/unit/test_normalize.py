"""Lexicon normalisation: whole words, case- and accent-insensitive, longest variant first."""

from hypothesis import given, strategies as st

from bot.knowledge import load_knowledge
from bot.nlu.normalize import TextNormalizer, fold

N = TextNormalizer(
    {"cb": "combien", "pr": "pour", "c": "c'est", "koi": "quoi", "jai": "j'ai"},
    {"Visale": ["visal", "vizale"], "AL'in": ["alin", "al in"], "Mobili-Jeune": ["mobili jeune"]},
)


def test_abbreviations_and_variants():
    assert N.normalize("c koi visal") == "c'est quoi Visale"
    assert N.normalize("C'est cb pr ALIN ?") == "C'est combien pour AL'in ?"
    assert N.normalize("al  in et mobili jeune") == "AL'in et Mobili-Jeune"


def test_words_inside_other_words_are_left_alone():
    assert N.normalize("c'est prêt, calin, visales") == "c'est prêt, calin, visales"
    assert N.normalize("jai 24 ans") == "j'ai 24 ans"


def test_fold_keeps_length():
    assert fold("Éligibilité À") == "eligibilite a"


@given(st.text(max_size=80))
def test_text_without_known_words_is_unchanged(text):
    normalizer = TextNormalizer({"zzqx": "quoi"}, {})
    if "zzqx" not in fold(text):
        assert normalizer.normalize(text) == text


def test_project_lexicon_never_maps_numbers_or_common_words():
    lexicon = load_knowledge("knowledge").lexicon
    normalizer = TextNormalizer.from_lexicon(lexicon)
    for word in ["le", "la", "de", "un", "une", "et", "est", "a", "en", "pour", "que", "qui", "2", "10", "sa", "mais"]:
        assert word not in normalizer.table, word


def test_word_after_an_elided_article_is_normalised():
    assert N.normalize("l'alin et d'vizale") == "l'AL'in et d'Visale"


def _fold_reference(text):
    """fold() as first written: each character folded on its own, every time."""
    from bot.nlu.normalize import strip_accents
    out = []
    for char in text:
        lowered = (strip_accents(char) or char).lower()
        out.append(lowered if len(lowered) == 1 else char)
    return "".join(out)


def test_fold_with_its_cache_is_the_per_character_definition():
    every_char = "".join(chr(code) for code in range(0x20, 0x3000) if not 0xD800 <= code <= 0xDFFF)
    assert fold(every_char) == _fold_reference(every_char)
    assert fold(every_char) == _fold_reference(every_char)  # second time from the cache
    assert fold("İstanbul ŒUVRE ß ﬁ Æ") == _fold_reference("İstanbul ŒUVRE ß ﬁ Æ")


@given(st.text(max_size=80))
def test_fold_is_the_per_character_definition_on_any_text(text):
    assert fold(text) == _fold_reference(text)
