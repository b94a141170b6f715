"""Issue 15, item 10: GET / showed the Rasa version (« Hello from Rasa: 3.6.21 »).

After: the health channel (always enabled) makes GET / answer a plain `ok`; no header names the
server's software or version either. Checked on the running server and in process."""

import urllib.request
from types import SimpleNamespace

import rasa
from sanic import response

from bot.channels.health import ROOT_TEXT, hide_server_version


def test_get_root_does_not_reveal_the_rasa_version(stack):
    with urllib.request.urlopen(f"{stack.rasa_url}/", timeout=10) as answer:
        body = answer.read().decode("utf-8", errors="replace")
        headers = {name.lower(): value for name, value in answer.headers.items()}
        assert answer.status == 200  # `make run` and the tests still wait on GET /
    assert body == ROOT_TEXT
    assert "rasa" not in body.lower() and rasa.__version__ not in body
    assert rasa.__version__ not in " ".join(headers.values())
    assert "server" not in headers or "rasa" not in headers["server"].lower()


async def test_only_the_root_greeting_is_replaced():
    root = SimpleNamespace(path="/")
    greeting = response.text("Hello from Rasa: " + rasa.__version__)
    replaced = await hide_server_version(root, greeting)
    assert replaced.body.decode() == ROOT_TEXT and replaced.status == 200
    other = SimpleNamespace(path="/webhooks/health")
    assert await hide_server_version(other, response.json({"status": "ok"})) is None
    assert await hide_server_version(root, response.text("introuvable", status=404)) is None
