"""`make calibrate`: choose the answer/clarify thresholds by cross-validation on knowledge/ phrasings.

Utility of a threshold pair = right answers − penalty × wrong answers (a wrong answer costs more than a
« Vouliez-vous dire… ? », which still shows the right entry as a button), on out-of-fold predictions. Prints the best pairs; the chosen values go
into knowledge/dialogue.yml.
"""

import argparse
import itertools
import sys
from pathlib import Path
from types import SimpleNamespace

from bot.answering.answer_choice import decide
from bot.evaluation.cross_validation import out_of_fold_rankings
from bot.knowledge import load_knowledge



def parse_of(ranking):
    return {"intent": {"name": "faq"},
            "response_selector": {"default": {"ranking": [
                {"intent_response_key": label, "confidence": p} for label, p in ranking]}}}


def score(results, thresholds, known):
    right = wrong = 0
    for _, gold, ranking in results:
        decision = decide(parse_of(ranking), thresholds, known)
        if decision.kind == "answer":
            if decision.entry_id == gold.split("/", 1)[1]:
                right += 1
            else:
                wrong += 1
    return right, wrong


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Calibre les seuils de décision par validation croisée.")
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--penalty", type=float, default=2.0, help="cost of a wrong answer, in right answers")
    parser.add_argument("--c", type=float, default=10.0, help="inverse regularisation of the selector (config.yml C)")
    args = parser.parse_args(argv)
    base = load_knowledge(args.knowledge)
    results = out_of_fold_rankings(base, folds=args.folds, c=args.c)
    top1 = sum(1 for _, gold, ranking in results if ranking[0][0] == gold) / len(results)
    print(f"{len(results)} phrasings, {args.folds}-fold top-1 accuracy {top1:.3f}")
    known = set(base.entries)
    rows = []
    for answer, margin in itertools.product([0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4], [0.0, 0.05, 0.1, 0.15, 0.2]):
        thresholds = SimpleNamespace(answer=answer, margin=margin, clarify=min(answer, 0.12), suggestion=0.05,
                                     alternative_margin=0.3)
        right, wrong = score(results, thresholds, known)
        rows.append((right - args.penalty * wrong, answer, margin, right / len(results), wrong / len(results)))
    rows.sort(reverse=True)
    print("utility  answer margin  answered-right  wrong")
    for utility, answer, margin, right, wrong in rows[:8]:
        print(f"{utility:7.0f}  {answer:6.2f} {margin:6.2f}  {right:14.3f}  {wrong:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
