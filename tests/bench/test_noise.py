"""The noisy copy of the held-out set (tools/bench/noise.py): reproducible, and noisy in the three ways said."""

import unicodedata

from hypothesis import given, strategies as st

from tools.bench.noise import SMS_ABBREVIATIONS, NoiseRates, noisy, noisy_copy, strip_accents

SENTENCE = "Bonjour, est-ce que je peux avoir la garantie Visale pour mon appartement ? C'est pour quand ?"
ONLY_SMS = NoiseRates(accents=0, sms=1, typo=0, lower=0)
NOTHING = NoiseRates(accents=0, sms=0, typo=0, lower=0)


def has_accents(text: str) -> bool:
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))


def test_same_input_same_output_and_seed_matters():
    assert noisy(SENTENCE, seed=3) == noisy(SENTENCE, seed=3)
    assert len({noisy(SENTENCE, seed=s) for s in range(10)}) > 1
    assert noisy_copy([(SENTENCE, "faq/visale")], seed=3) == [(noisy(SENTENCE, seed=3), "faq/visale")]


def test_sms_abbreviations_on_whole_words_only():
    out = noisy(SENTENCE, rates=ONLY_SMS)
    assert out == "bjr, esk jpeux avoir la garantie Visale pr mon appart ? c pr qd ?"
    assert noisy("pourtant quoique", rates=ONLY_SMS) == "pourtant quoique"  # "pour", "quoi" inside words


def test_accents_removed_and_lower_case():
    out = noisy("Quelles sont les conditions d'éligibilité à Visale ?", rates=NoiseRates(accents=1, sms=0, typo=0,
                                                                                        lower=1))
    assert out == "quelles sont les conditions d'eligibilite a visale ?"


def test_typos_change_long_words_but_keep_their_first_letter():
    text = "garantie logement appartement proprietaire"
    out = noisy(text, rates=NoiseRates(accents=0, sms=0, typo=1, lower=0))
    words, noisy_words = text.split(), out.split()
    assert len(noisy_words) == len(words)
    assert all(a != b and a[0] == b[0] and abs(len(a) - len(b)) <= 1 for a, b in zip(words, noisy_words))


def test_default_rates_give_a_visibly_noisier_set():
    texts = [SENTENCE, "Quelles sont les conditions d'éligibilité à la garantie Visale ?",
             "Combien de temps dure une offre de logement sur AL'in ?"] * 5
    outs = [noisy(t, seed=i) for i, t in enumerate(texts)]
    assert sum(o != t for o, t in zip(outs, texts)) >= 0.8 * len(texts)
    assert sum(has_accents(o) for o in outs) < sum(has_accents(t) for t in texts)


def test_abbreviation_table_keys_are_accent_free_lower_case():
    assert all(k == strip_accents(k).lower() for k in SMS_ABBREVIATIONS)


@given(st.text(max_size=60))
def test_no_noise_is_identity(text):
    assert noisy(text, rates=NOTHING) == text
