"""Figures of one system on one test set, from (gold label, predicted label) pairs. Pure functions.

Labels are `faq/<id>`, `chitchat/<id>`, `hors_sujet/<id>`, another intent (`detresse`), or what the bot
does instead of answering: `fallback` (help message), `clarify` (« Vouliez-vous dire… ? ») or
`nlu_fallback`. Out of scope counts as found when the prediction is any `hors_sujet/*` entry or a fallback.
"""

from collections import Counter, defaultdict
from typing import Dict, List, Sequence, Tuple

OUT_OF_SCOPE = "hors_sujet"
FALLBACKS = ("fallback", "nlu_fallback")


def family(label: str) -> str:
    return label.split("/", 1)[0]


def is_out_of_scope(label: str) -> bool:
    return family(label) == OUT_OF_SCOPE or label in FALLBACKS


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def per_label(pairs: Sequence[Tuple[str, str]]) -> Dict[str, Dict[str, float]]:
    """Precision, recall and F1 of each gold label."""
    gold_count = Counter(g for g, _ in pairs)
    predicted_count = Counter(p for _, p in pairs)
    right = Counter(g for g, p in pairs if g == p)
    table = {}
    for label in sorted(gold_count):
        precision = _ratio(right[label], predicted_count[label])
        recall = _ratio(right[label], gold_count[label])
        table[label] = {"n": gold_count[label], "precision": round(precision, 4), "recall": round(recall, 4),
                        "f1": round(_ratio(2 * precision * recall, precision + recall), 4)}
    return table


def score(pairs: Sequence[Tuple[str, str]], top_confusions: int = 10) -> dict:
    """Every figure of the report for one list of (gold, predicted)."""
    pairs = list(pairs)
    labels = per_label(pairs)
    in_scope = [(g, p) for g, p in pairs if family(g) != OUT_OF_SCOPE]
    oos_gold = [(g, p) for g, p in pairs if family(g) == OUT_OF_SCOPE]
    oos_predicted = [(g, p) for g, p in pairs if is_out_of_scope(p)]
    families: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
    for g, p in pairs:
        families[family(g)].append((g, p))
    per_family = {}
    for name, members in sorted(families.items()):
        f1s = [row["f1"] for label, row in labels.items() if family(label) == name]
        found = (lambda p: is_out_of_scope(p)) if name == OUT_OF_SCOPE else (lambda p, n=name: family(p) == n)
        per_family[name] = {
            "n": len(members),
            "accuracy": round(_ratio(sum(g == p for g, p in members), len(members)), 4),
            "macro_f1": round(_ratio(sum(f1s), len(f1s)), 4),
            "family_accuracy": round(_ratio(sum(found(p) for _, p in members), len(members)), 4),
        }
    confusions = Counter((g, p) for g, p in pairs if g != p)
    return {
        "n": len(pairs),
        "in_scope": len(in_scope),
        "accuracy": round(_ratio(sum(g == p for g, p in in_scope), len(in_scope)), 4),
        "accuracy_all": round(_ratio(sum(g == p for g, p in pairs), len(pairs)), 4),
        "macro_f1": round(_ratio(sum(row["f1"] for row in labels.values()), len(labels)), 4),
        "oos_precision": round(_ratio(sum(family(g) == OUT_OF_SCOPE for g, _ in oos_predicted),
                                      len(oos_predicted)), 4),
        "oos_recall": round(_ratio(sum(is_out_of_scope(p) for _, p in oos_gold), len(oos_gold)), 4),
        "per_family": per_family,
        "per_label": labels,
        "confusions": [[g, p, n] for (g, p), n in confusions.most_common(top_confusions)],
    }
