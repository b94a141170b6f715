"""Settings of the persistence layer, all from the environment (documented in docs/deployment.md).

| Variable | Default | What |
|---|---|---|
| `TRACKER_URL` | `sqlite:///var/tracker.db` | conversations (Rasa tracker store) |
| `BOT_DATABASE_URL` | `TRACKER_URL` | the bot's own tables (Alembic) |
| `RETENTION_DAYS` | 30 | conversations and personal-data rows older than this are purged |
| `PURGE_INTERVAL_SECONDS` | 21600 (6 h) | how often the action server purges (0: never) |
| `TRACKER_SENDER_KEY` | (none) | HMAC key pseudonymising channel sender ids in the tracker store |
| `DB_TIMEOUT_SECONDS` | 5 | connect and statement timeout (PostgreSQL), busy timeout (SQLite) |
"""

import hashlib
import hmac
import logging
import os
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRACKER_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
DEFAULT_RETENTION_DAYS = 30
DEFAULT_PURGE_INTERVAL = 6 * 3600
# Sender ids of these channels carry a person's identifier (staff e-mail, Telegram user, phone number).
PSEUDONYMISED_PREFIXES = ("staff:", "telegram:", "twilio:")
PSEUDONYM_PREFIX = "p:"

logger = logging.getLogger(__name__)


def tracker_url() -> str:
    return os.environ.get("TRACKER_URL") or DEFAULT_TRACKER_URL


def bot_database_url() -> str:
    return os.environ.get("BOT_DATABASE_URL") or tracker_url()


def retention_days() -> int:
    value = int(os.environ.get("RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    if value < 1:
        raise ValueError("RETENTION_DAYS : un nombre de jours supérieur ou égal à 1 est attendu")
    return value


def purge_interval_seconds() -> float:
    return float(os.environ.get("PURGE_INTERVAL_SECONDS") or DEFAULT_PURGE_INTERVAL)


def db_timeout_seconds() -> float:
    return float(os.environ.get("DB_TIMEOUT_SECONDS") or 5)


def sender_key() -> Optional[bytes]:
    key = os.environ.get("TRACKER_SENDER_KEY")
    return key.encode("utf-8") if key else None


def stored_sender_id(sender_id: str, key: Optional[bytes] = None) -> str:
    """The id under which a conversation is stored.

    Sender ids that carry a person's identifier (the staff, Telegram and Twilio channels, or any id
    containing an e-mail address or a phone number; random REST ids are kept) are replaced by a keyed hash (HMAC-SHA256 with
    TRACKER_SENDER_KEY; without a key, a plain SHA-256, which only hides them from a casual look).
    The mapping is deterministic, so every replica finds the same conversation.
    """
    from bot.persistence.redaction import contains_contact

    if sender_id.startswith(PSEUDONYM_PREFIX):
        return sender_id
    if not (sender_id.startswith(PSEUDONYMISED_PREFIXES) or contains_contact(sender_id)):
        return sender_id
    key = key if key is not None else sender_key()
    data = sender_id.encode("utf-8")
    digest = hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()
    channel = sender_id.split(":", 1)[0] if sender_id.startswith(PSEUDONYMISED_PREFIXES) else "id"
    return f"{PSEUDONYM_PREFIX}{channel}:{digest[:40]}"


def log_reference(sender_id: str) -> str:
    """A short, non-reversible reference to a conversation for logs (never the sender id itself)."""
    return hashlib.sha256(stored_sender_id(sender_id).encode("utf-8")).hexdigest()[:12]
