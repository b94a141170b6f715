"""What every channel checks before a message reaches Rasa (no Rasa import): clean text, bounded
length, no payload of Rasa's built-in intents, well-formed sender ids, and a per-sender rate limit.

- `clean_text` removes what must never reach the NLU pipeline or the tracker store: lone
  surrogates (a JSON body may carry "\\ud800"; they cannot be encoded, spaCy fails on them and the
  SQL tracker store used to stop the whole server on them), control and invisible format characters
  (NUL, bidi overrides, zero-width spaces). Tabs and line breaks become spaces / line breaks.
- `MAX_MESSAGE_LENGTH` (environment, default 2,000 characters after cleaning): a longer message is
  not processed; the channel answers with `messages.too_long` (knowledge/dialogue.yml).
- `RateLimiter`: at most `limit` messages per `window` seconds per key, as a GCRA (a token bucket
  holding one float per key): a burst of the whole allowance, then one message every window/limit
  seconds. `ChannelLimits` (`rate_limiter()`) combines three of them, all per `RATE_LIMIT_WINDOW`
  seconds (default 60; each limit 0 disables it):
  - per sender, `RATE_LIMIT_MESSAGES` (30): the channel's own id (REST sender id, Telegram chat,
    phone number, staff agent), normalised (`limiter_key`: case and punctuation do not make a new
    bucket);
  - per client address, `RATE_LIMIT_ADDRESS_MESSAGES` (120): REST and staff (Telegram and Twilio
    requests come from the provider's servers, authenticated); behind a reverse proxy set
    `SANIC_PROXIES_COUNT=1` (or `SANIC_REAL_IP_HEADER`) so that the address is the client's;
  - overall, `RATE_LIMIT_TOTAL_MESSAGES` (1,200): every channel together, the server's last defence
    against a flood from many addresses.
  They live in the memory of one Rasa process: with several replicas each counts its own share
  (docs/channels.md), and the reverse proxy's per-address `limit_req` stays the first barrier.
- Sender ids are validated with `re.fullmatch` (a `$` with `re.match` lets a trailing newline through).
"""

import math
import os
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

DEFAULT_MAX_MESSAGE_LENGTH = 2000
DEFAULT_RATE_LIMIT_MESSAGES = 30
DEFAULT_RATE_LIMIT_WINDOW = 60.0

DEFAULT_ADDRESS_LIMIT = 120
DEFAULT_TOTAL_LIMIT = 1200

# Public REST sender ids: what clients use (uuid, e-mail, phone, "session-42", base64 with its "="
# padding), nothing else: a letter or digit first (after a "+") and last (a trailing "." or "-" is refused), always
# checked with fullmatch (`rest_sender_ok`).
REST_SENDER_ID = re.compile(r"\+?[A-Za-z0-9](?:[A-Za-z0-9._@:+=-]{0,125}[A-Za-z0-9=])?")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def rest_sender_ok(sender: object) -> bool:
    return isinstance(sender, str) and REST_SENDER_ID.fullmatch(sender) is not None


def limiter_key(channel: str, sender: str) -> str:
    """The rate-limit bucket of a sender: case and punctuation folded away ("Ab.c-", "abc" and "a.b.c"
    share one), so that variants of one id never give a fresh allowance."""
    folded = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", sender).casefold())
    return f"{channel}:{folded or sender}"
_KEEP = {"\n", "\t"}


def env_number(name: str, default: float, minimum: float = 0) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} : nombre attendu (reçu « {raw} »)") from None
    if value < minimum or math.isnan(value) or math.isinf(value):
        raise ValueError(f"{name} : nombre ≥ {minimum} attendu (reçu « {raw} »)")
    return value


def max_message_length() -> int:
    return int(env_number("MAX_MESSAGE_LENGTH", DEFAULT_MAX_MESSAGE_LENGTH, minimum=1))


def clean_text(text: str) -> str:
    """`text` without lone surrogates, control or invisible format characters; NFC; trimmed."""
    if not any(ord(c) < 32 or 127 <= ord(c) < 160 or unicodedata.category(c) in ("Cs", "Cf", "Zl", "Zp")
               for c in text):
        return unicodedata.normalize("NFC", text).strip()
    kept: List[str] = []
    for char in text:
        if char in _KEEP:
            kept.append(" " if char == "\t" else char)
        elif char == "\r":
            continue
        elif unicodedata.category(char) in ("Zl", "Zp"):
            kept.append("\n")
        elif unicodedata.category(char) not in ("Cc", "Cs", "Cf"):
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).strip()


EMPTY, TOO_LONG = "empty", "too_long"
# "/restart", "/session_start"… would run Rasa's built-in actions (reset the conversation, with no
# reply; "/out_of_scope" makes the policies loop): only the bot's own buttons may send "/intent"
# payloads, and none of them is a built-in intent. Such a text is read as words instead.
RASA_BUILT_IN_PAYLOAD = re.compile(r"^\s*/+\s*(?=(?:restart|back|out_of_scope|session_start|nlu_fallback)\b)",
                                   re.IGNORECASE)


def clean_incoming_text(raw: str, maximum: int) -> Tuple[str, Optional[str]]:
    """(clean text, None) or ("", EMPTY / TOO_LONG). Far too long texts are refused before cleaning."""
    if len(raw) > 2 * maximum:
        return "", TOO_LONG
    text = RASA_BUILT_IN_PAYLOAD.sub("", clean_text(raw))
    if not text:
        return "", EMPTY
    if len(text) > maximum:
        return "", TOO_LONG
    return text, None


def is_clean(text: str) -> bool:
    """True when an identifier sent by a client has no surrogate, control or invisible character."""
    return not any(unicodedata.category(c) in ("Cc", "Cs", "Cf", "Zl", "Zp") for c in text)


def fill_max(template: str, maximum: int) -> str:
    """The `too_long` message with its {max} (never str.format: an editor's stray brace must not crash)."""
    return template.replace("{max}", f"{maximum:,}".replace(",", "\u202f"))


@dataclass
class Admission:
    """Whether one message may go on now (RateLimiter.check, ChannelLimits.check)."""

    allowed: bool
    retry_after: float = 0.0  # seconds until the next message is accepted
    notify: bool = False  # first refusal since the sender was last allowed: tell them (once)


class RateLimiter:
    """At most `limit` messages per `window` seconds per key (GCRA), thread-safe, in memory."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self.limit = int(limit)
        self.window = float(window)
        self.max_keys = max_keys
        self._interval = self.window / self.limit if self.limit > 0 else 0.0
        self._tolerance = self.window - self._interval
        self._state: Dict[str, List[float]] = {}  # key -> [theoretical arrival time, notified until]
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls) -> "RateLimiter":
        return cls(int(env_number("RATE_LIMIT_MESSAGES", DEFAULT_RATE_LIMIT_MESSAGES)),
                   env_number("RATE_LIMIT_WINDOW", DEFAULT_RATE_LIMIT_WINDOW, minimum=0.001))

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def check(self, key: str, now: Optional[float] = None) -> Admission:
        if not self.enabled:
            return Admission(True)
        now = time.monotonic() if now is None else now
        with self._lock:
            state = self._state.get(key)
            if state is None:
                if len(self._state) >= self.max_keys:
                    self._forget(now)
                state = self._state[key] = [now, 0.0]
            arrival = max(state[0], now)
            if arrival - now > self._tolerance + 1e-9:
                retry_after = arrival - now - self._tolerance
                notify = now >= state[1]
                if notify:
                    state[1] = now + retry_after
                return Admission(False, retry_after, notify)
            state[0] = arrival + self._interval
            state[1] = 0.0
            return Admission(True)

    def _forget(self, now: float) -> None:
        """Drop the senders back to their full allowance (they are indistinguishable from new ones);
        if that is not enough (many new ids at once), the longest known ones: memory stays bounded."""
        for key in [k for k, (arrival, _) in self._state.items() if arrival <= now]:
            del self._state[key]
        while len(self._state) >= self.max_keys:
            del self._state[next(iter(self._state))]

    def __len__(self) -> int:
        return len(self._state)


class ChannelLimits:
    """Per-sender, per-address and overall limits (module docstring); one per process."""

    def __init__(self, per_sender: RateLimiter, per_address: RateLimiter, overall: RateLimiter) -> None:
        self.per_sender = per_sender
        self.per_address = per_address
        self.overall = overall

    @classmethod
    def from_env(cls) -> "ChannelLimits":
        window = env_number("RATE_LIMIT_WINDOW", DEFAULT_RATE_LIMIT_WINDOW, minimum=0.001)
        return cls(RateLimiter(int(env_number("RATE_LIMIT_MESSAGES", DEFAULT_RATE_LIMIT_MESSAGES)), window),
                   RateLimiter(int(env_number("RATE_LIMIT_ADDRESS_MESSAGES", DEFAULT_ADDRESS_LIMIT)), window),
                   RateLimiter(int(env_number("RATE_LIMIT_TOTAL_MESSAGES", DEFAULT_TOTAL_LIMIT)), window, max_keys=1))

    def check(self, sender_key: str, address: Optional[str] = None, now: Optional[float] = None) -> Admission:
        """Allowed only if the address, the sender and the whole server are all under their limits.
        `sender_key` comes from `limiter_key`; `address` is None for the providers' webhooks."""
        now = time.monotonic() if now is None else now
        if address is not None:
            decision = self.per_address.check(address, now)
            if not decision.allowed:
                return decision
        decision = self.per_sender.check(sender_key, now)
        if not decision.allowed:
            return decision
        return self.overall.check("*", now)


_limiter: Optional[ChannelLimits] = None
_limiter_lock = threading.Lock()


def rate_limiter() -> ChannelLimits:
    """The process's limits, shared by every channel (their keys carry the channel's name)."""
    global _limiter
    with _limiter_lock:
        if _limiter is None:
            _limiter = ChannelLimits.from_env()
        return _limiter


def client_address(request) -> str:
    """The client's address: Sanic's `remote_addr` (from the proxy's headers when SANIC_PROXIES_COUNT /
    SANIC_REAL_IP_HEADER are set), else the peer's address."""
    return getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "unknown"
