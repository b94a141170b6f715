"""`python -m bot.rules [knowledge]`: check the rules files (parameters, facts, texts) and summarise them."""

import argparse
import sys
from pathlib import Path

from bot.knowledge.errors import KnowledgeErrors
from bot.rules.ruleset import RuleSet


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Vérifie les règles d'éligibilité (knowledge/parametres, "
                                                 "knowledge/eligibilite).")
    parser.add_argument("root", nargs="?", default="knowledge", type=Path)
    args = parser.parse_args(argv)
    try:
        rules = RuleSet.load(args.root)
    except KnowledgeErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    criteria = sum(len(aid.criteria()) for aid in rules.rules.values())
    print(f"Règles valides : {len(rules.rules)} aides ({', '.join(rules.aids)}), {criteria} critères, {len(rules.parameters)} paramètres datés, "
          f"{len(rules.facts.names())} faits.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
