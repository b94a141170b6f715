"""K-fold cross-validation of the entry selector on the knowledge phrasings (no Rasa needed).

Runs the same path as the NLU pipeline for choosing an entry (lexicon normaliser, then
`LinearSelector`) and returns out-of-fold rankings, used to pick the decision thresholds
without looking at the held-out test set.
"""

from typing import List, Tuple

from sklearn.model_selection import StratifiedKFold

from bot.knowledge.base import KnowledgeBase
from bot.nlu.normalize import TextNormalizer
from bot.nlu.selector import LinearSelector


def labelled_phrasings(base: KnowledgeBase) -> Tuple[List[str], List[str]]:
    normalizer = TextNormalizer.from_lexicon(base.lexicon)
    texts, labels = [], []
    for entry in base.entries.values():
        for question in entry.questions:
            texts.append(normalizer.normalize(question))
            labels.append(f"{entry.intent}/{entry.id}")
    return texts, labels


def out_of_fold_rankings(base: KnowledgeBase, folds: int = 5, seed: int = 0, c: float = 10.0):
    """[(text, gold label, [(label, probability), ...])] for every phrasing, each predicted by a
    model that never saw it."""
    texts, labels = labelled_phrasings(base)
    results = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(texts, labels):
        selector = LinearSelector(c=c).fit([texts[i] for i in train], [labels[i] for i in train])
        for i in test:
            results.append((texts[i], labels[i], selector.rank(texts[i], top=5)))
    return results
