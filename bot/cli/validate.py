"""`make validate`: check every knowledge file and print French errors with file, line and field."""

import argparse
import datetime as dt
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
    referral = check_referral(base, args.root)
    return check_parameter_references(base, args.root) or referral


def check_referral(base, root: Path) -> int:
    """dialogue.yml `saisine`: its entry gives the same professional address, to professionals only."""
    texts = base.dialogue.saisine
    entry = base.entries.get(texts.entree)
    where = f"{root.name}/dialogue.yml : saisine"
    if entry is None:
        problem = f"« entree » : « {texts.entree} » n'est pas une fiche connue"
    elif entry.audience != "professionnels":
        problem = f"la fiche « {entry.id} » doit être réservée aux professionnels (audience: professionnels)"
    elif texts.adresse not in (entry.text_on(dt.date.today(), "professionnels") or ""):
        problem = f"l'adresse « {texts.adresse} » ne figure pas dans la réponse de la fiche « {entry.id} »"
    else:
        return 0
    print(f"{where} : {problem}", file=sys.stderr)
    return 1


def check_parameter_references(base, root: Path) -> int:
    """Each parameter in force says when it was last confirmed; answers may write {parameter.name}: the
    parameter must exist; a value written by hand is warned."""
    from bot.rules.formatting import parameter_references
    from bot.rules.freshness import confirmation_problems
    from bot.rules.literals import aid_text_fields, hand_written
    from bot.rules.ruleset import RuleSet
    try:
        rules = RuleSet.load(root)
    except KnowledgeErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    problems = confirmation_problems(rules.parameters)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    texts = []
    for entry in base.entries.values():
        for field in ("answer", "public_answer"):
            value = getattr(entry, field)
            versions = [value] if isinstance(value, str) else [v.text for v in value or []]
            texts += [(f"{root.name}/faq : fiche « {entry.id} » ({field})", text) for text in versions]
    unknown = [f"{where} : paramètre inconnu « {{{name}}} »" for where, text in texts
               for name in sorted(parameter_references(text)) if name not in rules.parameters]
    if unknown:
        print("\n".join(unknown), file=sys.stderr)
        return 1
    texts += [(f"{root.name}/eligibilite/faits.yml : « {fact.name} »", text) for fact in rules.facts
              for text in (fact.question, fact.why)]
    texts += [(f"{root.name}/eligibilite/{aid}.yml : {where}", text) for aid, aid_texts in rules.texts.items()
              for where, text in aid_text_fields(aid_texts.content)]
    for warning in hand_written(texts, rules.parameters, dt.date.today()):
        print(f"Attention : {warning}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
