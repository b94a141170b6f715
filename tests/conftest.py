"""Session fixtures: one real stack (action server + Rasa server on localhost) for all end-to-end tests."""

import os
import shutil
import uuid
from pathlib import Path

import pytest
import requests

from bot.cli.serve import DEFAULT_MODEL, Stack, free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Per-sender rate limit of the test stack: a burst far above what any test sends in one conversation
# (the adversarial tests send about 170 messages in one), then one message every 12 s; reached on
# purpose by tests/reliability/test_security.py with cheap refused requests, which count too.
# Every test client is 127.0.0.1: the per-address and overall limits (issue 15) are tested in process
# (tests/reliability/test_rate_limits.py), and set out of reach here.
RATE_LIMIT = {"RATE_LIMIT_MESSAGES": "300", "RATE_LIMIT_WINDOW": "3600",
              "RATE_LIMIT_ADDRESS_MESSAGES": "1000000", "RATE_LIMIT_TOTAL_MESSAGES": "1000000"}
# The action server's retention purge runs every few seconds (tests/persistence/test_e2e_stack.py
# waits for it); it only deletes what is older than RETENTION_DAYS (30), so no test data goes.
PURGE_SCHEDULE = {"PURGE_INTERVAL_SECONDS": "3"}


@pytest.fixture(scope="session", autouse=True)
def bot_database_for_in_process_tests(tmp_path_factory):
    """The actions record into the bot's tables (bot/persistence/): for the tests that run them in
    this process, a temporary SQLite file, never var/. The stacks set their own (Stack.env)."""
    from bot.persistence.repository import reset_default_repository
    previous = os.environ.get("BOT_DATABASE_URL")
    os.environ["BOT_DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('bot-db') / 'bot.db'}"
    reset_default_repository()
    yield
    reset_default_repository()
    if previous is None:
        os.environ.pop("BOT_DATABASE_URL", None)
    else:
        os.environ["BOT_DATABASE_URL"] = previous


@pytest.fixture(scope="session")
def provider_api():
    """Local fake of the Telegram and Twilio APIs, recording what the bot sends (tests/channels/)."""
    from tests.channels.fake_provider import FakeProviderAPI  # aiohttp: only for the tests that start it
    api = FakeProviderAPI().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, provider_api):
    """Both servers, started once per session, with their own copy of knowledge/ and SQLite tracker.
    Every channel of credentials.yml is enabled: staff (test secret, demo page), and Telegram and
    Twilio with fake credentials, sending to `provider_api`."""
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run the tests with `make test` (it trains first).")
    home = tmp_path_factory.mktemp("stack")
    knowledge = home / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    stack = Stack(
        rasa_port=free_port(), action_port=free_port(),
        tracker_url=f"sqlite:///{home / 'tracker.db'}",
        knowledge_dir=knowledge, log_dir=home / "log",
        extra_env={"KNOWLEDGE_SNAPSHOT": str(home / "knowledge-last-valid.json"), **provider_api.env(), **RATE_LIMIT,
                   **PURGE_SCHEDULE},
    )
    try:
        stack.start()
    except Exception as exc:
        logs = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in (home / "log").glob("*.log"))
        pytest.fail(f"stack did not start: {exc}\n{logs}")
    yield stack
    stack.stop()


class Conversation:
    """A REST conversation with the running bot."""

    def __init__(self, stack: Stack, sender: str = None):
        self.stack = stack
        self.sender = sender or f"test-{uuid.uuid4().hex[:12]}"

    def send(self, message: str, **extra):
        response = requests.post(f"{self.stack.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": self.sender, "message": message, **extra}, timeout=60)
        response.raise_for_status()
        return without_privacy_notice(response.json())

    def text(self, message: str, **extra) -> str:
        """All bot texts of the reply, whitespace-normalised (Rasa splits paragraphs into messages)."""
        return flat(" ".join(m.get("text", "") for m in self.send(message, **extra)))


def without_privacy_notice(messages):
    """The bot's messages without the privacy notice that opens a sender's first REST reply
    (bot/channels/public_rest.py, tested in tests/reliability/test_rest_privacy_notice.py): the
    tests index the answer's messages."""
    if messages and isinstance(messages[0], dict) and messages[0].get("notice") == "privacy":
        return messages[1:]
    return messages


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def conversation(stack):
    return Conversation(stack)
