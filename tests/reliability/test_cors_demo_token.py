"""Issue 15, item 2: any web page could read professional answers from a machine running `make run`.

Before: `RASA_CORS` defaulted to `*` (Rasa answers it with credentials allowed), and GET
/webhooks/staff/demo/token gave a staff token to any loopback request, so a page of another origin
open in the developer's browser fetched a token, then the staff webhook. After: no CORS unless
RASA_CORS lists explicit origins (`*` refused), and the demo token only for a same-origin POST (still
only with STAFF_DEMO=1 and from this machine). The handlers are called in process."""

import json
from types import SimpleNamespace

import jwt
import pytest

from bot.cli.serve import Stack, cors_arguments
from bot.channels.staff import DEMO_SUBJECT, StaffInput

SECRET = "s" * 48
OWN = "http://127.0.0.1:5005"


def test_no_cors_by_default(monkeypatch):
    monkeypatch.delenv("RASA_CORS", raising=False)
    assert cors_arguments(Stack().cors) == []  # `rasa run` without --cors: no Access-Control-* header


@pytest.mark.parametrize("value", ["*", "https://intranet.example, *", "intranet.example", "https://x.fr/path",
                                   "javascript:alert(1)", "null"])
def test_only_explicit_origins(value):
    with pytest.raises(ValueError, match="RASA_CORS"):
        cors_arguments(value)


def test_explicit_origins_are_passed():
    assert cors_arguments("https://intranet.ccas.example, https://autre.example:8443/") == [
        "--cors", "https://intranet.ccas.example", "https://autre.example:8443"]


class FakeRequest(SimpleNamespace):
    def __init__(self, headers, ip="127.0.0.1"):
        super().__init__(headers=headers, ip=ip, scheme="http", host="127.0.0.1:5005", json=None)


def demo_routes(monkeypatch):
    monkeypatch.setenv("STAFF_DEMO", "1")
    blueprint = StaffInput.from_credentials({"jwt_secret": SECRET}).blueprint(lambda message: None)
    return {(route.uri, method): route.handler for route in blueprint._future_routes for method in route.methods}


def test_the_demo_token_is_not_served_on_get(monkeypatch):
    routes = demo_routes(monkeypatch)
    assert ("/demo/token", "GET") not in routes and ("/demo/token", "POST") in routes


@pytest.mark.parametrize("headers", [
    {},  # no Origin: not the demo page's fetch
    {"Origin": "https://evil.example"},
    {"Origin": "null"},  # a sandboxed frame or a file:// page
    {"Origin": "http://127.0.0.1:8000"},  # another local server (another origin)
    {"Origin": OWN, "Sec-Fetch-Site": "cross-site"},
])
async def test_a_demo_token_only_for_a_same_origin_post(monkeypatch, headers):
    mint = demo_routes(monkeypatch)[("/demo/token", "POST")]
    refused = await mint(FakeRequest(headers))
    assert refused.status == 403 and "token" not in json.loads(refused.body)


async def test_the_demo_page_gets_its_token(monkeypatch):
    mint = demo_routes(monkeypatch)[("/demo/token", "POST")]
    for headers in ({"Origin": OWN}, {"Origin": OWN, "Sec-Fetch-Site": "same-origin"}):
        answer = await mint(FakeRequest(headers))
        assert answer.status == 200
        assert jwt.decode(json.loads(answer.body)["token"], SECRET, algorithms=["HS256"])["sub"] == DEMO_SUBJECT
    assert (await mint(FakeRequest({"Origin": OWN}, ip="192.0.2.1"))).status == 404  # still this machine only


def test_the_widget_asks_for_its_token_with_a_post():
    from pathlib import Path
    script = (Path(__file__).resolve().parents[2] / "bot" / "channels" / "widget" / "widget.js").read_text()
    assert 'fetch(config.tokenUrl, { method: "POST", credentials: "same-origin"' in script
