"""Databases for the persistence tests: a SQLite file per test, and PostgreSQL and Redis on localhost
(database `test`, as on the CI machine; TEST_POSTGRES_URL and TEST_REDIS_URL override them).

Each PostgreSQL test gets its own schema (dropped afterwards), each Redis test its own key prefix
(keys deleted afterwards), so that nothing is left behind and nothing else is touched."""

import os
import uuid

import pytest
import sqlalchemy as sa

from bot.persistence import repository as repository_module

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def postgres_admin() -> sa.engine.Engine:
    engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is needed on {POSTGRES_URL} (TEST_POSTGRES_URL): {exc.orig}")
    return engine


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture
def postgres_schema():
    """(url, schema): a fresh schema of the `test` database, dropped after the test."""
    admin = postgres_admin()
    schema = f"assistant_test_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(POSTGRES_URL, schema), schema
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'assistant.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each test using it runs on SQLite (the default) and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'assistant.db'}"
    else:
        yield request.getfixturevalue("postgres_schema")[0]


@pytest.fixture
def redis_prefix():
    """(url, prefix): a unique alphanumeric key prefix; every key under it is deleted afterwards."""
    import redis
    client = redis.StrictRedis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.fail(f"Redis is needed on {REDIS_URL} (TEST_REDIS_URL): {exc}")
    prefix = f"assistanttest{uuid.uuid4().hex[:10]}"
    try:
        yield REDIS_URL, prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def bot_database(monkeypatch, sqlite_url):
    """The actions' default repository on a fresh SQLite file."""
    monkeypatch.setenv("BOT_DATABASE_URL", sqlite_url)
    repository_module.reset_default_repository()
    yield repository_module.default_repository()
    repository_module.reset_default_repository()
