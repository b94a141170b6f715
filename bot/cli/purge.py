"""`make purge`: delete conversations and personal-data rows older than RETENTION_DAYS (default 30).

`--forget SENDER` deletes one conversation at once (right to erasure), given as the channel's sender
id (e.g. "twilio:+33612345678", "telegram:123456789", "staff:agent@ccas.fr:dossier-42" or a REST sender
id), with the same TRACKER_SENDER_KEY as the server; after a key change, set TRACKER_SENDER_KEY_PREVIOUS
to the old key so that the rows stored under it are found too."""

import argparse
import json
import sys

from bot.persistence.config import bot_database_url, retention_days, tracker_url
from bot.persistence.db import create_engine
from bot.persistence.repository import Repository, describe_url
from bot.persistence.retention import forget, purge


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Purge des données anciennes (conservation limitée).")
    parser.add_argument("--days", type=int, default=None, help="durée de conservation (défaut : RETENTION_DAYS ou 30)")
    parser.add_argument("--tracker-url", default=None, help="conversations (défaut : TRACKER_URL)")
    parser.add_argument("--url", default=None, help="tables de l'assistant (défaut : BOT_DATABASE_URL)")
    parser.add_argument("--forget", metavar="SENDER", help="efface une conversation, quel que soit son âge")
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else retention_days()
    if days < 1:
        parser.error("--days : au moins 1 jour")
    tracker = create_engine(args.tracker_url or tracker_url())
    if args.forget:
        deleted = forget(tracker, args.forget)
        print(f"Conversation effacée : {deleted} événement(s).")
        return 0
    repository = Repository.from_url(args.url or bot_database_url())
    result = purge(tracker, repository, days)
    print(f"Conversations : {describe_url(args.tracker_url or tracker_url())} ; "
          f"conservation : {days} jours (avant le {result.cutoff[:10]}).")
    print(json.dumps(result.as_dict(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
