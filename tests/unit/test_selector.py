"""`LinearSelector.probabilities` (one sparse row times the coefficients it uses) gives the scores of
the scikit-learn pipeline's `predict_proba`, for the multinomial model the bot trains and for the
two-label (one-vs-rest) case it hands back to scikit-learn."""

import numpy as np
import pytest

from bot.evaluation.dataset import read_examples
from bot.nlu.selector import LinearSelector

HELDOUT = read_examples("tests/nlu/heldout.yml")
PROBES = [text for text, _ in HELDOUT[::12]] + ["", "zzz", "/nlu_fallback", "VISALE!!!", "c koi visale"]


def training_pairs(labels_wanted: int):
    """The held-out set's first messages of `labels_wanted` labels (a few seconds' training)."""
    labels = list(dict.fromkeys(label for _, label in HELDOUT))[:labels_wanted]
    return [(text, label) for text, label in HELDOUT if label in labels]


@pytest.fixture(scope="module")
def multinomial():
    pairs = training_pairs(12)
    return LinearSelector().fit([t for t, _ in pairs], [label for _, label in pairs])


def test_probabilities_equal_the_pipeline_for_every_label(multinomial):
    for text in PROBES:
        expected = multinomial.model.predict_proba([text])[0]
        got = multinomial.probabilities(text)
        assert got.shape == expected.shape == (12,)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_rank_orders_labels_as_the_pipeline(multinomial):
    for text in PROBES:
        expected = multinomial.model.predict_proba([text])[0]
        order = np.argsort(-expected, kind="stable")[:5]
        ranked = multinomial.rank(text, top=5)
        assert [label for label, _ in ranked] == [multinomial.labels[i] for i in order]
        np.testing.assert_allclose([p for _, p in ranked], expected[order], rtol=1e-12, atol=1e-15)


def test_two_labels_use_scikit_learn_one_vs_rest():
    pairs = training_pairs(2)
    selector = LinearSelector().fit([t for t, _ in pairs], [label for _, label in pairs])
    for text in PROBES:
        np.testing.assert_array_equal(selector.probabilities(text), selector.model.predict_proba([text])[0])
