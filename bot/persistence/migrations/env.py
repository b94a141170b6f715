"""Alembic environment of the bot's own tables: a connection handed over by bot.persistence.migrate,
or the URL of the environment (BOT_DATABASE_URL / TRACKER_URL) when run from the alembic command."""

from alembic import context

from bot.persistence.config import bot_database_url
from bot.persistence.db import create_engine
from bot.persistence.models import metadata

VERSION_TABLE = "bot_alembic_version"  # not "alembic_version": the database may be shared


def include_object(obj, name, type_, reflected, compare_to):
    # Only the bot's tables: Rasa's `events` and any other application's tables are never touched.
    return type_ != "table" or name.startswith("bot_")


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE,
                      include_object=include_object, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if context.is_offline_mode():
    context.configure(url=bot_database_url(), target_metadata=metadata, version_table=VERSION_TABLE,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or bot_database_url())
    with engine.connect() as connection:
        run(connection)
    engine.dispose()
