"""Health of the Rasa server: GET /webhooks/health (a channel without messages, always enabled).

Enabling this channel (credentials.yml) also installs, when the server starts, the reply guard
(bot/channels/reply_guard.py: no silent turn, FAQ and distress answers without the action server)
and the tracker store's fail-fast hook (bot/persistence/tracker_store.py).

200 when everything needed to answer is there, 503 otherwise, with a JSON body (no personal data):

    {"status": "ok" | "degraded",
     "model": {"loaded": true},
     "tracker_store": {"status": "ok", "dialect": "postgresql", "pending_events": 0, "last_error": …},
     "lock_store": {"type": "redis", "status": "ok"},
     "action_server": {"status": "ok", "url": "http://…/health"},
     "knowledge": {"source": "files", "entries": 61, "valid": true, …},
     "reply_guard": {"silent_turns": {"knowledge": 2, "unavailable": 1}, "last_silent_at": …}}

"degraded" when the tracker store cannot reach or write its database, the lock
store's Redis does not answer, the action server does not answer, no model is loaded, or no valid
knowledge has ever been loaded. A load balancer should take a replica out of rotation on 503; the
body says why. GET /webhooks/health/live only says the process answers (liveness).

Enabling it also reads changed knowledge/ files off the event loop before each webhook request
(`fresh_knowledge`, bot/knowledge/store.py).

Enabling it also makes GET / (Rasa's « Hello from Rasa: 3.6.21 ») answer a plain `ok`: the server
does not tell which Rasa version it runs (issue 15). `make run` still waits on GET / (any 2xx).
"""

import asyncio
import logging
from typing import Any, Dict, Optional, Text
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import reply_guard
from bot.channels.common import _knowledge_store

logger = logging.getLogger(__name__)
ACTION_TIMEOUT = 2.0
ROOT_TEXT = "ok"  # what GET / answers instead of Rasa's greeting with its version


async def fresh_knowledge(request: Request) -> None:
    """App-wide request middleware: changed knowledge/ files are read and validated off the event
    loop (bot/knowledge/store.py `refresh`) before a webhook uses them (issue 15)."""
    if request.path.startswith("/webhooks/"):
        await _knowledge_store().refresh()


async def hide_server_version(request: Request, answer: HTTPResponse) -> Optional[HTTPResponse]:
    """App-wide response middleware: GET / says `ok`, not « Hello from Rasa: <version> »."""
    if request.path == "/" and answer is not None and answer.status == 200:
        return response.text(ROOT_TEXT)
    return None


def action_health_url(webhook_url: Optional[str]) -> Optional[str]:
    if not webhook_url:
        return None
    parts = urlsplit(webhook_url)
    path = parts.path[: -len("/webhook")] if parts.path.endswith("/webhook") else parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path + "/health", "", ""))


async def _action_server(agent: Any) -> Dict[str, Any]:
    endpoint = getattr(agent, "action_endpoint", None)
    url = action_health_url(getattr(endpoint, "url", None))
    if url is None:
        return {"status": "not_configured"}
    try:
        timeout = aiohttp.ClientTimeout(total=ACTION_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as answer:
                return {"status": "ok" if answer.status == 200 else f"http_{answer.status}", "url": url}
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        return {"status": "down", "url": url, "error": type(exc).__name__}


async def _tracker_store(app: Any) -> Dict[str, Any]:
    from bot.persistence.tracker_store import find_store
    store = find_store(app)
    if store is None:
        agent_store = getattr(getattr(getattr(app, "ctx", None), "agent", None), "tracker_store", None)
        return {"status": "unknown", "type": type(getattr(agent_store, "_tracker_store", agent_store)).__name__}
    reply_guard.install(app)
    await asyncio.get_running_loop().run_in_executor(None, store.probe)
    report = store.health()
    if report["pending_events"]:
        report["status"] = "degraded"
    return report


async def health_report(app: Any) -> Dict[str, Any]:
    from bot.persistence.lock_store import lock_store_health
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    report: Dict[str, Any] = {
        "model": {"loaded": bool(agent is not None and agent.is_ready())},
        "tracker_store": await _tracker_store(app),
        "lock_store": await asyncio.get_running_loop().run_in_executor(
            None, lock_store_health, getattr(agent, "lock_store", None)),
        "action_server": await _action_server(agent),
        "knowledge": _knowledge_store().status_report(),
        "reply_guard": reply_guard.stats(),
    }
    healthy = (report["model"]["loaded"] and report["tracker_store"]["status"] == "ok"
               and report["lock_store"]["status"] == "ok"
               and report["action_server"]["status"] in ("ok", "not_configured")
               and report["knowledge"]["entries"] > 0)
    report["status"] = "ok" if healthy else "degraded"
    return report


class HealthInput(InputChannel):
    """Not a conversation channel: the health routes of the Rasa server."""

    @classmethod
    def name(cls) -> Text:
        return "health"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message) -> Blueprint:
        health = Blueprint("health_routes", __name__)

        @health.listener("before_server_start")
        async def _hide_version(app, _loop) -> None:
            # App-wide, so that it also covers Rasa's own root route (a blueprint's middleware would
            # only cover the blueprint's routes). Sanic reads the list at each request.
            app.register_middleware(hide_server_version, "response")
            app.register_middleware(fresh_knowledge, "request")

        @health.listener("after_server_start")
        async def _install(app, _loop) -> None:
            # The agent is loaded (before_server_start): guard its replies, let the store fail fast.
            reply_guard.install(app)

        @health.route("/", methods=["GET"])
        async def status(request: Request) -> HTTPResponse:
            report = await health_report(request.app)
            return response.json(report, status=200 if report["status"] == "ok" else 503)

        @health.route("/live", methods=["GET"])
        async def live(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        return health
