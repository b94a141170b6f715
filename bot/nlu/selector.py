"""Choose the knowledge entry a message asks about: TF-IDF (characters + words) and logistic regression.

On this project's data a linear model over character n-grams (robust to typos and missing accents)
and word n-grams beats Rasa's neural ResponseSelector by several points of held-out accuracy
(see docs/quality.md), trains in seconds and predicts in about a millisecond.

One message at a time (the Rasa server), `rank` skips the scikit-learn pipeline's checks and its dense
product: the message's sparse TF-IDF row picks the columns of the coefficients it uses (a few hundred of
tens of thousands), then the same softmax as `LogisticRegression.predict_proba` (same scores, to rounding
of the last bits; tests/unit/test_selector.py compares them).
"""

from typing import List, Optional, Sequence, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union


class LinearSelector:
    """Probabilistic classifier of texts into labels (here `faq/<id>`, `chitchat/<id>`, `hors_sujet/<id>`)."""

    def __init__(self, c: float = 10.0, char_ngrams: Tuple[int, int] = (2, 5), word_ngrams: Tuple[int, int] = (1, 2),
                 class_weight: Optional[str] = None):
        self.model = make_pipeline(
            make_union(
                TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, strip_accents="unicode",
                                sublinear_tf=True),
                TfidfVectorizer(analyzer="word", ngram_range=word_ngrams, strip_accents="unicode",
                                sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
            ),
            LogisticRegression(C=c, max_iter=5000, class_weight=class_weight),
        )

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "LinearSelector":
        if len(set(labels)) < 2:
            raise ValueError("at least two different labels are needed to train the selector")
        self.model.fit(list(texts), list(labels))
        return self

    @property
    def labels(self) -> List[str]:
        return list(self.model.classes_)

    def rank(self, text: str, top: int = 10) -> List[Tuple[str, float]]:
        """Labels with their probability, best first."""
        probabilities = self.probabilities(text)
        order = probabilities.argsort()[::-1][:top]
        return [(self.model.classes_[i], float(probabilities[i])) for i in order]

    def probabilities(self, text: str) -> np.ndarray:
        """The probability of each label (in the order of `labels`) for one text: what
        `model.predict_proba([text])[0]` gives, as one sparse row times the coefficients it uses."""
        union, classifier = self.model.steps[0][1], self.model.steps[-1][1]
        if not _multinomial(classifier) or union.transformer_weights:
            return self.model.predict_proba([text])[0]
        row = sparse.hstack([vectorizer.transform([text]) for _, vectorizer in union.transformer_list]).tocsr()
        scores = classifier.coef_[:, row.indices] @ row.data + classifier.intercept_
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()


def _multinomial(classifier: LogisticRegression) -> bool:
    """Whether `predict_proba` is the softmax of the scores (scikit-learn 1.1's rule), not one-vs-rest."""
    if classifier.multi_class == "multinomial":
        return True
    return (classifier.multi_class == "auto" and classifier.classes_.size > 2
            and classifier.solver != "liblinear")
