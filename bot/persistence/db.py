"""SQLAlchemy engines for SQLite (default) and PostgreSQL, with timeouts and without leaking data.

- SQLite: WAL journal (readers never block the writer: Rasa, the action server and `make purge` share
  the file), busy timeout, `secure_delete` (purged rows are overwritten, not left in free pages).
- PostgreSQL: connect timeout and statement timeout, so that a database that hangs fails fast
  instead of blocking the Sanic event loop (SQLAlchemy is synchronous); `pool_pre_ping` replaces
  connections killed by a database restart.
- `hide_parameters=True`: error messages never contain the values of a statement (user text).
"""

from pathlib import Path
from typing import Any, Dict, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot.persistence.config import db_timeout_seconds


def normalise_url(url: str) -> str:
    """`postgres://` (Heroku style) is accepted as `postgresql://`."""
    return "postgresql://" + url[len("postgres://"):] if url.startswith("postgres://") else url


def dialect_of(url: str) -> str:
    return make_url(normalise_url(url)).get_backend_name()


def sqlite_path(url: str) -> Optional[Path]:
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def create_engine(url: str, timeout: Optional[float] = None, pool_size: Optional[int] = None) -> Engine:
    url = normalise_url(url)
    timeout = db_timeout_seconds() if timeout is None else timeout
    kwargs: Dict[str, Any] = {"hide_parameters": True, "future": False}
    backend = dialect_of(url)
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": timeout, "check_same_thread": False}
        engine = sa.create_engine(url, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            if path is not None:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    if backend == "postgresql":
        options = f"-c statement_timeout={int(timeout * 1000)} -c lock_timeout={int(timeout * 1000)}"
        existing = make_url(url).query.get("options")
        if existing:
            options = f"{existing} {options}"
        kwargs["connect_args"] = {"connect_timeout": max(1, int(round(timeout))), "options": options,
                                  "application_name": "assistant-logement"}
        kwargs["pool_pre_ping"] = True
        if pool_size:
            kwargs["pool_size"] = pool_size
        # `options` from the URL are merged above, the URL's own copy would override them.
        parsed = make_url(url)
        if "options" in parsed.query:
            parsed = parsed.difference_update_query(["options"])
        return sa.create_engine(parsed, **kwargs)
    return sa.create_engine(url, **kwargs)
