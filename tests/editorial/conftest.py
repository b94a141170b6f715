"""The editors' report reads the bot's tables: a SQLite file per test."""

import pytest


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'assistant.db'}"
