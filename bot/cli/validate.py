"""`make validate`: check every knowledge file and print French errors with file, line and field."""

import argparse
import sys
from pathlib import Path

from bot.knowledge import KnowledgeErrors, load_knowledge


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Vérifie les fichiers de contenus (knowledge/).")
    parser.add_argument("root", nargs="?", default="knowledge", type=Path)
    args = parser.parse_args(argv)
    try:
        base = load_knowledge(args.root)
    except KnowledgeErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    by_intent = {}
    for entry in base.entries.values():
        by_intent[entry.intent] = by_intent.get(entry.intent, 0) + 1
    questions = sum(len(entry.questions) for entry in base.entries.values())
    detail = ", ".join(f"{count} {intent}" for intent, count in sorted(by_intent.items()))
    print(f"Contenus valides : {len(base.entries)} fiches ({detail}), {questions} formulations.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
