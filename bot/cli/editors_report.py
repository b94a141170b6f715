"""`make report`: the editors' report (HTML and CSV) from the bot's tables and knowledge/."""

import argparse
import sys
from pathlib import Path

from bot.knowledge import KnowledgeErrors, load_knowledge
from bot.persistence.config import PROJECT_ROOT, bot_database_url, retention_days
from bot.editorial.editors_report import DEFAULT_DISTANCE, build_report, write_report
from bot.persistence.repository import Repository, describe_url
from bot.rules.parameters import load_parameters


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Rapport pour les rédacteurs (HTML et CSV).")
    parser.add_argument("--url", default=None, help="base de données (défaut : BOT_DATABASE_URL, TRACKER_URL)")
    parser.add_argument("--knowledge", type=Path, default=PROJECT_ROOT / "knowledge")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "report")
    parser.add_argument("--distance", type=float, default=DEFAULT_DISTANCE,
                        help="distance cosinus maximale dans un groupe de questions (0 à 1)")
    args = parser.parse_args(argv)
    url = args.url or bot_database_url()
    try:
        base = load_knowledge(args.knowledge)
    except KnowledgeErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    try:
        parameters = load_parameters(args.knowledge)
    except KnowledgeErrors as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    repository = Repository.from_url(url)
    report = build_report(repository, base, distance=args.distance, retention_days=retention_days(),
                          parameters=parameters)
    paths = write_report(report, args.out)
    repository.engine.dispose()
    print(f"Base : {describe_url(url)}")
    print(f"{report.questions} question(s) sans réponse en {len(report.groups)} groupe(s), "
          f"{sum(l.total for l in report.feedback)} avis, {len(report.stale)} fiche(s) à relire, "
          f"{len(report.parameters)} paramètre(s) à confirmer.")
    for name, path in paths.items():
        print(f"  {name:<10} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
