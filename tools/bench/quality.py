"""Part 1: understanding quality of the three systems, on the same data in the same run.

For each system: k-fold cross-validation over the knowledge phrasings (same folds for every system),
then a model trained on all phrasings, run on the held-out set and on its noisy copy. Each message is
scored twice: the system's first choice before thresholds (`top1`), and what the user gets after the
project's `decide()` with the thresholds of knowledge/dialogue.yml (`answer`).
"""

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from tools.bench.data import Example, folds
from tools.bench.noise import NoiseRates, noisy_copy
from tools.bench.scores import score
from tools.bench.systems import Predictor, RasaPredictor, System, decision_label, top_label
from bot.cli.evaluate import as_the_bot_reads_it


@dataclass
class QualitySettings:
    folds: int = 5  # the split; every system uses the same folds
    folds_run: Dict[str, int] = field(default_factory=dict)  # system name -> folds evaluated (default all)
    seed: int = 0


ELIGIBILITY_INTENT = "eligibilite"


def served(gold: str, predicted: str, entry_checks: Dict[str, str]) -> str:
    """As `make quality` (bot/evaluation/metrics.py, `check_started`): a question whose expected entry
    offers a personal eligibility check is served right when that check starts."""
    if predicted == ELIGIBILITY_INTENT and entry_checks.get(gold.split("/", 1)[-1]):
        return gold
    return predicted


def _evaluate(predictor: Predictor, texts: Sequence[str], gold: Sequence[str], thresholds,
              entry_intents: Dict[str, str], entry_checks: Dict[str, str]
              ) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]], float]:
    start = time.perf_counter()
    parses = predictor.parse(list(texts))
    seconds = time.perf_counter() - start
    parses = [as_the_bot_reads_it(parse, text, thresholds, entry_intents, entry_checks)
              for parse, text in zip(parses, texts)]
    top = [(g, served(g, top_label(p), entry_checks)) for g, p in zip(gold, parses)]
    answers = [(g, served(g, decision_label(p, thresholds, entry_intents), entry_checks))
               for g, p in zip(gold, parses)]
    return top, answers, seconds


def run_quality(systems: Sequence[System], examples: Sequence[Example], heldout: Sequence[Tuple[str, str]],
                thresholds, entry_intents: Dict[str, str], workdir: Path, settings: QualitySettings,
                project_model: Optional[Path] = None, log=print,
                entry_checks: Optional[Dict[str, str]] = None) -> dict:
    entry_checks = entry_checks or {}
    noisy = noisy_copy(heldout, seed=settings.seed)
    test_sets = {"heldout": list(heldout), "noisy": noisy}
    split = folds(examples, settings.folds, settings.seed)
    results = {"settings": {"folds": settings.folds, "seed": settings.seed, "phrasings": len(examples),
                            "heldout": len(heldout), "noise": NoiseRates().__dict__,
                            "noisy_examples": [[a, b] for (a, _), (b, _) in zip(heldout[:8], noisy[:8])]},
               "systems": {}}
    per_fold: Dict[str, list] = {}
    for system in systems:
        entry = {"title": system.title, "description": system.description, "train_seconds": {}, "parse_ms": {}}
        # Cross-validation.
        run = min(settings.folds_run.get(system.name, settings.folds), settings.folds)
        fold_pairs, train_times = [], []
        for index, (train, test) in enumerate(split[:run]):
            log(f"  {system.name}: fold {index + 1}/{run} of {settings.folds}")
            predictor, seconds = system.train([examples[i] for i in train], workdir / system.name / f"fold{index}")
            train_times.append(seconds)
            top, answers, _ = _evaluate(predictor, [examples[i].text for i in test], [examples[i].label for i in test],
                                        thresholds, entry_intents, entry_checks)
            predictor.close()
            fold_pairs.append((top, answers))
        per_fold[system.name] = fold_pairs
        entry["cv_folds_run"] = run
        entry["train_seconds"]["cv_mean"] = round(sum(train_times) / len(train_times), 1) if train_times else None
        entry["cv"] = _cv_scores(fold_pairs)
        # Held-out and noisy held-out, with a model trained on every phrasing.
        if system.name == "project" and project_model is not None:
            log(f"  {system.name}: held-out with the model of the training measurement")
            predictor, seconds = RasaPredictor(project_model), None
        else:
            log(f"  {system.name}: training on all phrasings")
            predictor, seconds = system.train(list(examples), workdir / system.name / "all")
        entry["train_seconds"]["all"] = round(seconds, 1) if seconds is not None else None
        for set_name, pairs in test_sets.items():
            top, answers, parse_seconds = _evaluate(predictor, [t for t, _ in pairs], [g for _, g in pairs],
                                                    thresholds, entry_intents, entry_checks)
            entry[set_name] = {"top1": score(top), "answer": score(answers)}
            entry["parse_ms"][set_name] = round(1000 * parse_seconds / max(1, len(pairs)), 2)
        predictor.close()
        results["systems"][system.name] = entry
        log(f"  {system.name}: held-out answer accuracy {entry['heldout']['answer']['accuracy']:.3f}, "
            f"noisy {entry['noisy']['answer']['accuracy']:.3f}, "
            f"CV top-1 {entry['cv']['top1']['accuracy'] if entry['cv'] else '–'}")
    # The same folds for everyone, when some systems ran fewer folds (the costly Rasa pipelines).
    common = min((len(pairs) for pairs in per_fold.values()), default=0)
    results["cv_common_folds"] = common
    for name, pairs in per_fold.items():
        if len(pairs) != common:  # otherwise the same as "cv"
            results["systems"][name]["cv_common"] = _cv_scores(pairs[:common])
    return results


def _cv_scores(fold_pairs) -> Optional[dict]:
    if not fold_pairs:
        return None
    return {"top1": score([pair for top, _ in fold_pairs for pair in top]),
            "answer": score([pair for _, answers in fold_pairs for pair in answers])}
