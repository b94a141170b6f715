"""Bring the bot's tables to the latest Alembic revision (`make migrate`, and the action server at
start-up). Several action servers may start together: on PostgreSQL an advisory lock makes them
migrate one after the other (the later ones find the schema up to date)."""

import argparse
import logging
import threading
from pathlib import Path
from typing import Optional

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from bot.persistence.config import bot_database_url
from bot.persistence.db import create_engine

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
ADVISORY_LOCK = 5_570_131  # any constant shared by every instance of this application

logger = logging.getLogger(__name__)
_ALEMBIC = threading.Lock()  # Alembic's command API keeps module-level state: one at a time per process


def alembic_config() -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> Optional[str]:
    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": "bot_alembic_version"}) \
            .get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with _ALEMBIC, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    config = alembic_config()
    with _ALEMBIC, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Met à jour les tables de l'assistant (Alembic).")
    parser.add_argument("--url", default=None, help="base de données (défaut : BOT_DATABASE_URL, TRACKER_URL)")
    args = parser.parse_args(argv)
    engine = create_engine(args.url or bot_database_url())
    upgrade(engine)
    print(f"Tables de l'assistant à jour (révision {current_revision(engine)}).")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
