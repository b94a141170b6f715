"""A local fake of the Telegram Bot API and of Twilio's REST API that records every call.

The Rasa server of the test session is configured (TELEGRAM_API_URL, TWILIO_API_URL) to send there
instead of api.telegram.org / api.twilio.com. It answers like the real APIs would, enough for
aiogram and the twilio client to be satisfied, and keeps the calls for the tests to assert on.
"""

import asyncio
import base64
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web

from bot.cli.serve import free_port

TELEGRAM_TOKEN = "123456789:AAE-fake-token_for-tests"
TELEGRAM_SECRET = "telegram-webhook-secret_for-tests"
TWILIO_ACCOUNT_SID = "AC" + "0" * 32
TWILIO_AUTH_TOKEN = "f" * 32
TWILIO_NUMBER = "+33700000000"
TWILIO_PUBLIC_URL = "https://assistant.example.org/webhooks/twilio/webhook"
STAFF_SECRET = "staff-secret-for-tests-" + "x" * 24
TWILIO_MAX_LENGTH = 320


def channel_env(api_url: str) -> Dict[str, str]:
    """Environment enabling every channel: staff (with its demo page), and Telegram and Twilio with
    fake credentials, sending to the fake API at `api_url`."""
    return {
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": api_url,
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_PUBLIC_URL,
        "TWILIO_API_URL": api_url,
        "TWILIO_MAX_LENGTH": str(TWILIO_MAX_LENGTH),
        "STAFF_JWT_SECRET": STAFF_SECRET,
        "STAFF_DEMO": "1",
    }


@dataclass
class Call:
    provider: str  # "telegram" or "twilio"
    method: str  # Telegram method (sendMessage…) or Twilio resource (Messages)
    path: str
    params: Dict[str, Any]
    auth: Optional[str] = None
    at: float = field(default_factory=time.time)


class FakeProviderAPI:
    def __init__(self) -> None:
        self.port = free_port()
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._message_id = 1000

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> Dict[str, str]:
        return channel_env(self.url)

    # --- recording ----------------------------------------------------------------------------

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def calls_where(self, predicate: Callable[[Call], bool]) -> List[Call]:
        with self._lock:
            return [c for c in self.calls if predicate(c)]

    def telegram_messages(self, chat_id: Any) -> List[Call]:
        return self.calls_where(lambda c: c.provider == "telegram" and c.method == "sendMessage"
                                and str(c.params.get("chat_id")) == str(chat_id))

    def twilio_messages(self, to: str) -> List[Call]:
        return self.calls_where(lambda c: c.provider == "twilio" and c.params.get("To") == to)

    # --- the fake APIs ------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> Dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        return {key: (value if isinstance(value, str) else value.file.read().decode()) for key, value in form.items()}

    async def _telegram(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        token = request.match_info["token"]
        if token != TELEGRAM_TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        self._record(Call("telegram", method, request.path, params))
        if method == "sendMessage":
            text = params.get("text", "")
            if len(text) > 4096:
                return web.json_response({"ok": False, "error_code": 400,
                                          "description": "Bad Request: message is too long"}, status=400)
            markup = params.get("reply_markup")
            if markup:
                for row in json.loads(markup).get("inline_keyboard", []):
                    for button in row:
                        if len(button.get("callback_data", "").encode()) > 64:
                            return web.json_response({"ok": False, "error_code": 400,
                                                      "description": "Bad Request: BUTTON_DATA_INVALID"}, status=400)
            self._message_id += 1
            chat_id = int(params["chat_id"])
            return web.json_response({"ok": True, "result": {
                "message_id": self._message_id, "date": int(time.time()), "text": text,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": int(TELEGRAM_TOKEN.split(":")[0]), "is_bot": True, "first_name": "Assistant"},
            }})
        if method == "getMe":
            return web.json_response({"ok": True, "result": {"id": 123456789, "is_bot": True,
                                                             "first_name": "Assistant", "username": "assistant_bot"}})
        return web.json_response({"ok": True, "result": True})

    async def _twilio(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{TWILIO_ACCOUNT_SID}:{TWILIO_AUTH_TOKEN}".encode()).decode()
        self._record(Call("twilio", "Messages", request.path, params, auth=auth))
        if auth != expected or request.match_info["sid"] != TWILIO_ACCOUNT_SID:
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        if len(params.get("Body", "")) > 1600:
            return web.json_response({"code": 21617, "message": "The concatenated message body exceeds the "
                                      "1600 character limit", "status": 400}, status=400)
        self._message_id += 1
        now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        return web.json_response({
            "sid": f"SM{self._message_id:032d}", "account_sid": TWILIO_ACCOUNT_SID, "body": params.get("Body"),
            "to": params.get("To"), "from": params.get("From"), "status": "queued", "direction": "outbound-api",
            "date_created": now, "date_updated": now, "date_sent": None, "num_segments": "1", "num_media": "0",
            "price": None, "price_unit": "EUR", "api_version": "2010-04-01", "error_code": None,
            "error_message": None, "messaging_service_sid": None, "subresource_uris": {},
            "uri": f"/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages/SM{self._message_id:032d}.json",
        }, status=201)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> "FakeProviderAPI":
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._telegram)
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._twilio)
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-provider-api", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake provider API did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
