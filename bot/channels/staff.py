"""The authenticated staff channel (/webhooks/staff/…): CCAS staff, professional audience.

- POST /webhooks/staff/webhook: same JSON as the REST channel (`sender`, `message`), with an
  `Authorization: Bearer <JWT>` header. The intranet signs the token (HS256, secret shared through
  the environment variable STAFF_JWT_SECRET, claims `sub`, `exp` and `iat` required). A missing,
  expired, tampered or otherwise-signed token (`alg` "none", RS256…) gets 401, and so does a token
  without `iat` or valid for longer than STAFF_JWT_MAX_LIFETIME_MINUTES (`exp` − `iat`, default 720:
  12 h; `jwt_max_lifetime_minutes` in credentials.yml), or issued in the future: a token that leaks
  (a log, a shared screen) is of use for a bounded time.
- Optional `message_id` (`[A-Za-z0-9_-]{8,64}`): the widget's id of the message, the same on its
  automatic re-sends after a timeout. A repeat of an id already received in that conversation is not
  processed again: it gets the first delivery's reply (waiting for it if it is still running) while
  that reply is kept (the last 1,000 for 10 min, per process), an empty list `[]` after that (the id
  itself is remembered 24 h, bot/channels/dedup.py). A malformed id gets 400.
- Rate limited like the applicant channels (bot/channels/limits.py): per conversation, per client
  address and overall; 429 `{"error": …}` with `Retry-After`.
- The conversation is `staff:<sub>:<sender>`: the token decides whose conversation it is, the
  client only chooses which of its own conversations. `input_channel` and metadata sent by the
  client are ignored; the channel name "staff" is what gives the professional audience
  (bot/answering/audience.py).
- GET widget.js, widget.css: the embeddable chat widget (bot/channels/widget/), GET intro: its
  opening texts (from knowledge/dialogue.yml). GET demo and POST demo/token: a demonstration
  intranet page and a short-lived development token, only when STAFF_DEMO=1 (set by `make run`),
  only for clients on this machine, and the token only for a same-origin POST (the demo page's own
  request: another web page open in the same browser gets 403, and no CORS header lets it read the
  answer). A real intranet mints the token server-side (docs/channels.md).
"""

import asyncio
import hashlib
import ipaddress
import logging
import math
import os
import re
import time
from pathlib import Path
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

import jwt
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import STAFF_PREFIX, deliver, dialogue_messages
from bot.channels.dedup import RecentIds
from bot.channels.limits import (EMPTY, client_address, is_clean, limiter_key, max_message_length, rate_limiter,
                                 clean_incoming_text)
from bot.channels.public_rest import json_object

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"
MIN_SECRET_LENGTH = 32  # 256 bits, the size of an HS256 key
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
KEPT_REPLIES = 1_000
KEPT_REPLIES_SECONDS = 600
DEMO_SUBJECT = "demo@intranet.local"
DEMO_TOKEN_MINUTES = 15
DEFAULT_MAX_LIFETIME_MINUTES = 12 * 60  # the longest token accepted, `exp` − `iat`
WIDGET_DIR = Path(__file__).resolve().parent / "widget"
ASSETS = {
    "widget.js": "application/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
}
DEMO_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class TokenError(Exception):
    """Why a request is not authenticated (French, returned to the client)."""


def max_lifetime_minutes(configured: Any = None) -> float:
    """The longest token lifetime accepted: `configured` (credentials.yml), else
    STAFF_JWT_MAX_LIFETIME_MINUTES, else 12 h. A value that is not a positive number stops the server."""
    value = configured if configured not in (None, "") else os.environ.get("STAFF_JWT_MAX_LIFETIME_MINUTES")
    if value in (None, ""):
        return float(DEFAULT_MAX_LIFETIME_MINUTES)
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        minutes = math.nan
    if not math.isfinite(minutes) or minutes <= 0:
        raise ValueError(f"STAFF_JWT_MAX_LIFETIME_MINUTES : nombre de minutes positif attendu, reçu « {value} »")
    return minutes


def mint_token(secret: str, subject: str, minutes: float, now: Optional[float] = None, **claims: Any) -> str:
    """A staff token as the intranet would issue it (used by `make token` and the demo page)."""
    issued = int(now if now is not None else time.time())
    payload = {"sub": subject, "iat": issued, "exp": issued + int(minutes * 60), **claims}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def verify_token(authorization: Optional[str], secret: str, leeway: float = 30,
                 audience: Optional[str] = None, issuer: Optional[str] = None,
                 max_lifetime: Optional[float] = None) -> Dict[str, Any]:
    """The claims of a valid `Authorization: Bearer …` header, or TokenError. `max_lifetime`: the
    longest `exp` − `iat` accepted, in minutes (default: `max_lifetime_minutes()`)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("jeton d'authentification manquant")
    try:
        claims = jwt.decode(
            token.strip(), secret, algorithms=[ALGORITHM], leeway=leeway, audience=audience, issuer=issuer,
            options={"require": ["exp", "sub", "iat"], "verify_signature": True, "verify_exp": True,
                     "verify_iat": True},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("jeton expiré") from exc
    except jwt.MissingRequiredClaimError as exc:
        missing_iat = exc.claim == "iat"
        raise TokenError("jeton invalide : date d'émission (iat) absente" if missing_iat else "jeton invalide") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenError("jeton invalide") from exc
    limit = max_lifetime_minutes() if max_lifetime is None else max_lifetime
    if int(claims["exp"]) - int(claims["iat"]) > limit * 60:  # PyJWT checked that both convert
        raise TokenError(f"jeton invalide : durée de validité supérieure à {lifetime_text(limit)}")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 200 or not is_clean(subject):
        raise TokenError("jeton invalide")
    return claims


def lifetime_text(minutes: float) -> str:
    """« 12 h », « 90 min » (messages)."""
    return f"{minutes / 60:g} h" if minutes >= 60 and minutes % 60 == 0 else f"{minutes:g} min"


def staff_sender_id(subject: str, conversation: str) -> str:
    """One conversation of one staff member; the conversation id has no ':' so this is unambiguous."""
    return f"{STAFF_PREFIX}{subject}:{conversation}"


def _is_loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def same_origin(request: Any) -> bool:
    """A browser request from a page of this server: its `Origin` (sent by browsers with every POST)
    is this server's own, and `Sec-Fetch-Site`, when sent, says "same-origin". A page of another
    origin cannot forge either; a cross-origin form or fetch is refused."""
    origin = (request.headers.get("Origin") or "").strip().rstrip("/")
    if not origin or origin == "null":
        return False
    own = f"{request.scheme}://{request.host}"
    if origin.lower() != own.lower():
        return False
    site = request.headers.get("Sec-Fetch-Site")
    return site is None or site == "same-origin"


def _unauthorized(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=401,
                         headers={"WWW-Authenticate": 'Bearer realm="staff", error="invalid_token"'})


class RecentReplies:
    """The replies of the last messages with a client id (at most `size`, for `seconds`): a repeat
    gets the first delivery's reply, also while it is still running (it waits for it)."""

    def __init__(self, size: int = KEPT_REPLIES, seconds: float = KEPT_REPLIES_SECONDS) -> None:
        self.size, self.seconds = size, seconds
        self._replies: "OrderedDict[str, Tuple[float, asyncio.Future]]" = OrderedDict()

    def get(self, key: str) -> Optional[asyncio.Future]:
        now = time.monotonic()
        while self._replies:
            oldest, (at, _) = next(iter(self._replies.items()))
            if now - at <= self.seconds and len(self._replies) <= self.size:
                break
            self._replies.popitem(last=False)
        kept = self._replies.get(key)
        return kept[1] if kept else None

    def start(self, key: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self._replies[key] = (time.monotonic(), future)
        return future


class StaffInput(InputChannel):
    """REST-like channel for CCAS staff, authenticated by an intranet-issued JWT."""

    @classmethod
    def name(cls) -> Text:
        return "staff"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            jwt_secret=str(credentials.get("jwt_secret") or ""),
            audience=credentials.get("jwt_audience") or os.environ.get("STAFF_JWT_AUDIENCE") or None,
            issuer=credentials.get("jwt_issuer") or os.environ.get("STAFF_JWT_ISSUER") or None,
            leeway=float(credentials.get("jwt_leeway", 30)),
            demo=os.environ.get("STAFF_DEMO") == "1",
            max_lifetime=max_lifetime_minutes(credentials.get("jwt_max_lifetime_minutes")),
        )

    def __init__(self, jwt_secret: str, audience: Optional[str] = None, issuer: Optional[str] = None,
                 leeway: float = 30, demo: bool = False, max_lifetime: Optional[float] = None) -> None:
        if len(jwt_secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"STAFF_JWT_SECRET doit compter au moins {MIN_SECRET_LENGTH} caractères "
                             "(par exemple : python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        self.jwt_secret = jwt_secret
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway
        self.demo = demo
        self.max_lifetime = max_lifetime_minutes() if max_lifetime is None else max_lifetime
        self.max_length = max_message_length()
        self.limiter = rate_limiter()
        self.recent = RecentIds()  # client message ids received (with their conversation)
        self.replies = RecentReplies()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        staff = Blueprint("staff_webhook", __name__)

        @staff.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @staff.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                claims = verify_token(request.headers.get("Authorization"), self.jwt_secret, self.leeway,
                                      self.audience, self.issuer, self.max_lifetime)
            except TokenError as exc:
                return _unauthorized(str(exc))
            body = json_object(request) or {}
            conversation, text = body.get("sender"), body.get("message")
            if not isinstance(conversation, str) or not CONVERSATION_ID.fullmatch(conversation):
                return response.json({"error": "« sender » : identifiant de conversation attendu "
                                               "(lettres, chiffres, - et _, 64 caractères au plus)"}, status=400)
            # Per conversation, per address and overall; after the token, so that a stranger cannot
            # use up an agent's allowance (a new conversation id for each message meets the address limit).
            sender_id = staff_sender_id(claims["sub"], conversation)
            decision = self.limiter.check(limiter_key(self.name(), sender_id), client_address(request))
            if not decision.allowed:
                return response.json({"error": dialogue_messages().rate_limited}, status=429,
                                     headers={"Retry-After": str(max(1, math.ceil(decision.retry_after)))})
            text, problem = clean_incoming_text(text, self.max_length) if isinstance(text, str) else ("", EMPTY)
            if problem:
                return response.json({"error": f"« message » : texte de 1 à {self.max_length} caractères attendu"},
                                     status=400)
            message_id = body.get("message_id")
            if message_id is not None and not (isinstance(message_id, str) and MESSAGE_ID.fullmatch(message_id)):
                return response.json({"error": "« message_id » : identifiant attendu (lettres, chiffres, - et _, "
                                               "8 à 64 caractères)"}, status=400)
            # Per conversation, and hashed: nothing personal in memory (the sender id holds an e-mail).
            key = hashlib.sha256(f"{sender_id}\n{message_id}".encode("utf-8")).hexdigest()
            if message_id is not None and self.recent.seen(key):
                logger.info("event=staff.repeat_not_processed")  # the widget's re-send after a timeout
                earlier = self.replies.get(key)
                if earlier is None:
                    return response.json([])
                return response.json(await asyncio.shield(earlier))
            reply = self.replies.start(key) if message_id is not None else None
            collector = CollectingOutputChannel()
            try:
                await deliver(on_new_message, text, collector, sender_id, self.name())
            finally:
                if reply is not None and not reply.done():
                    reply.set_result(list(collector.messages))
            return response.json(collector.messages)

        @staff.route("/intro", methods=["GET"])
        async def intro(_: Request) -> HTTPResponse:
            messages = dialogue_messages()
            return response.json({"welcome": messages.welcome,
                                  "privacy": getattr(messages, "staff_privacy", None) or messages.privacy,
                                  "unavailable": messages.unavailable,
                                  "source": getattr(messages, "source", "Source")})

        async def asset(name: str) -> HTTPResponse:
            return await response.file(WIDGET_DIR / name, mime_type=ASSETS[name],
                                       headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})

        @staff.route("/widget.js", methods=["GET"])
        async def widget_js(_: Request) -> HTTPResponse:
            return await asset("widget.js")

        @staff.route("/widget.css", methods=["GET"])
        async def widget_css(_: Request) -> HTTPResponse:
            return await asset("widget.css")

        if self.demo:
            @staff.route("/demo", methods=["GET"])
            async def demo(request: Request) -> HTTPResponse:
                if not _is_loopback(request.ip):
                    return response.text("Not Found", status=404)
                return await response.file(WIDGET_DIR / "demo.html", mime_type="text/html; charset=utf-8",
                                           headers={"Content-Security-Policy": DEMO_CSP, "Cache-Control": "no-store"})

            @staff.route("/demo.css", methods=["GET"])
            async def demo_css(request: Request) -> HTTPResponse:
                return await response.file(WIDGET_DIR / "demo.css", mime_type="text/css; charset=utf-8")

            @staff.route("/demo/token", methods=["POST"])
            async def demo_token(request: Request) -> HTTPResponse:
                if not _is_loopback(request.ip):
                    return response.text("Not Found", status=404)
                if not same_origin(request):  # another web page open in the developer's browser
                    return response.json({"error": "jeton de démonstration : requête de la page de démonstration "
                                                   "seulement"}, status=403)
                token = mint_token(self.jwt_secret, DEMO_SUBJECT, DEMO_TOKEN_MINUTES,
                                   **{k: v for k, v in (("aud", self.audience), ("iss", self.issuer)) if v})
                return response.json({"token": token, "expires_in": DEMO_TOKEN_MINUTES * 60},
                                     headers={"Cache-Control": "no-store"})

        return staff
