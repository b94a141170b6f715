"""Settings of the persistence layer, all from the environment (documented in docs/deployment.md).

| Variable | Default | What |
|---|---|---|
| `TRACKER_URL` | `sqlite:///var/tracker.db` | conversations (Rasa tracker store) |
| `BOT_DATABASE_URL` | `TRACKER_URL` | the bot's own tables (Alembic) |
| `RETENTION_DAYS` | 30 | conversations and personal-data rows older than this are purged |
| `PURGE_INTERVAL_SECONDS` | 21600 (6 h) | how often the action server purges (0: never) |
| `TRACKER_SENDER_KEY` | `var/tracker-sender-key` (generated) | HMAC key of the stored conversation ids |
| `TRACKER_SENDER_KEY_PREVIOUS` | (none) | the key used before a change: `--forget` also finds rows stored under it |
| `DB_TIMEOUT_SECONDS` | 5 | connect and statement timeout (PostgreSQL), busy timeout (SQLite) |
"""

import hashlib
import hmac
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Dict, List, Optional, Tuple

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRACKER_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
DEFAULT_RETENTION_DAYS = 30
DEFAULT_PURGE_INTERVAL = 6 * 3600
# Sender ids of these channels carry a person's identifier (staff e-mail, Telegram user, phone number).
# Only the channels themselves build such ids (the public REST channel refuses them, see
# bot/channels/common.py RESERVED_SENDER_PREFIXES); any other id is a REST client's.
PSEUDONYMISED_PREFIXES = ("staff:", "telegram:", "twilio:")
REST_CHANNEL = "rest"
PSEUDONYM_PREFIX = "p:"
# The development key, generated on first use (like var/dev-jwt-secret); production sets TRACKER_SENDER_KEY.
DEFAULT_SENDER_KEY_FILE = PROJECT_ROOT / "var" / "tracker-sender-key"
_DOMAIN = b"assistant-conversation-v2"

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


def sender_key_file() -> Path:
    return Path(os.environ.get("TRACKER_SENDER_KEY_FILE") or DEFAULT_SENDER_KEY_FILE)


_file_keys: Dict[Path, bytes] = {}
_file_keys_lock = threading.Lock()


def dev_sender_key(path: Optional[Path] = None) -> str:
    """The key kept in var/tracker-sender-key (created, readable by its owner only, if missing).

    Created complete or not at all (written to a temporary file, then linked): several processes
    starting together (the Rasa server, the action server, `make purge`) all read the same key."""
    path = Path(path or sender_key_file())
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            try:
                os.link(temporary, path)
                logger.warning("event=config.sender_key_generated path=%s (production: set TRACKER_SENDER_KEY)", path)
            except FileExistsError:
                pass  # another process was first: its key is the one
        finally:
            os.unlink(temporary)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ValueError(f"{path} : clé vide (supprimez le fichier pour en générer une, ou définissez TRACKER_SENDER_KEY)")
    return key


def sender_key() -> bytes:
    """The HMAC key of the stored conversation ids: TRACKER_SENDER_KEY, else the generated key in var/."""
    key = os.environ.get("TRACKER_SENDER_KEY")
    if key:
        return key.encode("utf-8")
    path = sender_key_file()
    with _file_keys_lock:
        if path not in _file_keys:
            _file_keys[path] = dev_sender_key(path).encode("utf-8")
        return _file_keys[path]


def previous_sender_keys() -> List[bytes]:
    """TRACKER_SENDER_KEY_PREVIOUS: the key in use before the current one (for `--forget`)."""
    key = os.environ.get("TRACKER_SENDER_KEY_PREVIOUS")
    return [key.encode("utf-8")] if key else []


def channel_of(sender_id: str) -> Tuple[str, str]:
    """(channel, the channel's own id) of a sender id as the channels hand it to Rasa: "twilio:+336…"
    is ("twilio", "+336…"); an id without a channel prefix is a public REST client's."""
    for prefix in PSEUDONYMISED_PREFIXES:
        if sender_id.startswith(prefix):
            return prefix[:-1], sender_id[len(prefix):]
    return REST_CHANNEL, sender_id


def conversation_key(channel: str, sender: str, key: Optional[bytes] = None) -> str:
    """The stored id of one channel's conversation: "p:<channel>:" and an HMAC-SHA256 of (channel,
    sender). Computed by the server only; the channel is part of the HMAC, so no id sent on one
    channel can give another channel's stored id (and a stored id sent as a sender id is hashed again)."""
    key = key if key is not None else sender_key()
    message = b"\x00".join((_DOMAIN, channel.encode("utf-8"), sender.encode("utf-8")))
    return f"{PSEUDONYM_PREFIX}{channel}:{hmac.new(key, message, hashlib.sha256).hexdigest()[:40]}"


def stored_sender_id(sender_id: str, key: Optional[bytes] = None) -> str:
    """The id under which a conversation is stored and locked (tracker store, lock store).

    Every sender id, whatever its channel, is replaced by `conversation_key(channel, sender)`: never a
    phone number, a chat id or an e-mail address in the database, and never an id a client chose.
    The mapping is deterministic (same key on every replica), so every replica finds the same
    conversation. Not idempotent on purpose: an id that looks stored is hashed like any other."""
    channel, sender = channel_of(sender_id)
    return conversation_key(channel, sender, key)


def legacy_stored_sender_ids(sender_id: str, keys: List[Optional[bytes]]) -> List[str]:
    """The ids a conversation was stored under before issue 15 (for `--forget`): the sender id itself
    (REST), and "p:<channel>:" + HMAC (or plain SHA-256 without a key) of the whole sender id."""
    from bot.persistence.redaction import contains_contact

    ids = [sender_id]
    if sender_id.startswith(PSEUDONYMISED_PREFIXES) or contains_contact(sender_id):
        data = sender_id.encode("utf-8")
        channel = sender_id.split(":", 1)[0] if sender_id.startswith(PSEUDONYMISED_PREFIXES) else "id"
        for key in keys:
            digest = hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()
            ids.append(f"{PSEUDONYM_PREFIX}{channel}:{digest[:40]}")
    return ids


def all_stored_ids(sender_id: str) -> List[str]:
    """Every id the conversation of `sender_id` may be stored under: current key, previous key, and
    the forms used before issue 15 (with either key, or none)."""
    keys = [sender_key(), *previous_sender_keys()]
    ids = [stored_sender_id(sender_id, key) for key in keys]
    ids += legacy_stored_sender_ids(sender_id, [*keys, None])
    return list(dict.fromkeys(ids))


def stored_reference(stored: str) -> str:
    """`log_reference` of an id already stored."""
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:12]


def log_reference(sender_id: str) -> str:
    """A short, non-reversible reference to a conversation for logs (never the sender id itself)."""
    return stored_reference(stored_sender_id(sender_id))
