"""The bot's own tables on SQLite and PostgreSQL: Alembic migrations, writes, counts, health."""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from bot.persistence import migrate
from bot.persistence.db import create_engine
from bot.persistence.repository import Repository

TABLES = {"bot_unanswered_questions", "bot_unanswered_daily", "bot_feedback", "bot_eligibility_checks",
          "bot_referrals", "bot_purge_runs", "bot_alembic_version"}


def tables(engine) -> set:
    return {name for name in sa.inspect(engine).get_table_names() if name.startswith("bot_")}


def test_migrations_upgrade_and_downgrade(database_url):
    engine = create_engine(database_url)
    migrate.upgrade(engine)
    assert tables(engine) == TABLES
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.upgrade(engine)  # idempotent (several action servers start together)
    migrate.downgrade(engine, "base")
    assert tables(engine) == {"bot_alembic_version"}
    migrate.upgrade(engine)
    assert tables(engine) == TABLES
    engine.dispose()


def test_the_migration_matches_the_models(database_url):
    """`alembic revision --autogenerate` would find nothing to do: models.py and the migration agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.persistence.models import metadata
    engine = create_engine(database_url)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": lambda obj, name, type_, *_: type_ != "table" or name.startswith("bot_")})
        differences = [d for d in compare_metadata(context, metadata) if d[0] != "remove_table"]
    assert differences == []
    engine.dispose()


def test_writes_redact_and_count(database_url):
    repository = Repository.from_url(database_url)
    repository.record_unanswered("mon mail est jean@x.fr, le fsl ?", "fallback", 0.12, "rest", ["glossaire_fsl"])
    repository.record_unanswered("visale ou loca pass ?", "clarify", 0.31, "staff", ["visale_presentation", "loca_pass"])
    (first, second) = repository.unanswered()
    assert first["text"] == "mon mail est [courriel], le fsl ?" and first["candidates"] == "glossaire_fsl"
    assert second["decision"] == "clarify" and second["created_at"].tzinfo is not None
    down = repository.record_feedback("visale_couple", -1, "rest")
    repository.record_feedback("visale_couple", 1, "staff")
    assert repository.set_feedback_reason(down, "visale_couple", "incomplete")
    assert not repository.set_feedback_reason(down, "visale_couple", "erronee")  # only once
    assert not repository.set_feedback_reason(down, "autre_fiche", "erronee")  # only for its answer
    assert [(r["rating"], r["reason"]) for r in repository.feedback_rows()] == [(-1, "incomplete"), (1, None)]
    for _ in range(3):
        repository.count_eligibility_check("visale", "eligible", "rest")
    repository.count_eligibility_check("visale", "non_eligible", "rest")
    assert repository.eligibility_counts() == [{"aid": "visale", "outcome": "eligible", "count": 3},
                                               {"aid": "visale", "outcome": "non_eligible", "count": 1}]
    repository.record_referral("detresse", "sans_abri", "telegram")
    repository.record_referral("conseiller", "visale_couple", "rest")
    assert {(r["reason"], r["topic"], r["count"]) for r in repository.referral_counts()} == {
        ("detresse", "sans_abri", 1), ("conseiller", "visale_couple", 1)}
    with repository.engine.connect() as connection:
        daily = connection.execute(sa.text("SELECT decision, count FROM bot_unanswered_daily ORDER BY decision")).all()
    assert [tuple(r) for r in daily] == [("clarify", 1), ("fallback", 1)]
    with pytest.raises(ValueError):
        repository.record_feedback("x", 5, "rest")
    repository.engine.dispose()


def test_concurrent_counts_are_not_lost(database_url):
    """Two action servers counting the same aid and outcome at once: INSERT … ON CONFLICT."""
    repositories = [Repository.from_url(database_url) for _ in range(4)]
    repositories[0].ensure_schema()
    day = dt.date(2024, 5, 1)

    def count(repository):
        for _ in range(25):
            repository.count_eligibility_check("alin", "eligible", "rest", day=day)

    threads = [threading.Thread(target=count, args=(r,)) for r in repositories]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert repositories[0].eligibility_counts() == [{"aid": "alin", "outcome": "eligible", "count": 100}]
    for repository in repositories:
        repository.engine.dispose()


def test_health_reports_revision_and_errors(database_url):
    repository = Repository.from_url(database_url)
    report = repository.health()
    assert report["ok"] and report["revision"] == migrate.head_revision() and report["last_purge"] is None
    broken = Repository.from_url("postgresql://nobody@127.0.0.1:9/none")
    report = broken.health()
    assert not report["ok"] and "OperationalError" in report["error"]
    repository.engine.dispose()
