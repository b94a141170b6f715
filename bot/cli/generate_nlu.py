"""`make train` step 1: write the FAQ part of data/nlu/ from the phrasings in knowledge/.

The output is rewritten only when its content changes, so `make` retrains only when a phrasing
(or the lexicon) changed, never when only an answer did.
"""

import argparse
import sys
from pathlib import Path

from bot.knowledge import KnowledgeErrors, load_knowledge
from bot.nlu.training_data import render_nlu


def write_if_changed(path: Path, content: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Génère data/nlu/ depuis knowledge/.")
    parser.add_argument("--knowledge", default="knowledge", type=Path)
    parser.add_argument("--out", default="data/nlu/generated_knowledge.yml", type=Path)
    args = parser.parse_args(argv)
    try:
        base = load_knowledge(args.knowledge)
    except KnowledgeErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    changed = write_if_changed(args.out, render_nlu(base))
    print(f"{args.out} {'mis à jour' if changed else 'inchangé'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
