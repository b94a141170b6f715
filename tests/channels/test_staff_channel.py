"""The authenticated staff channel against the running server: JWT checks, conversations tied to the
token, professional audience, widget assets and the demo page."""

import base64
import json
import re
import sqlite3
import time

import jwt
import pytest
import requests

from bot.knowledge import load_knowledge
from bot.persistence.config import stored_sender_id
from tests.channels import fake_provider as fake
from tests.channels.helpers import reserved_content, staff_post, staff_text, staff_token

pytestmark = pytest.mark.e2e
QUESTION = "adresse mail du service accompagnement logement"


@pytest.fixture(scope="module")
def reserved(stack):
    return reserved_content(load_knowledge(stack.knowledge_dir))


def b64(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forged_tokens():
    now = int(time.time())
    valid = staff_token()
    header, payload, signature = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return {
        "expired": staff_token(minutes=-5),
        "wrong secret": staff_token(secret="pas-le-bon-secret-" + "z" * 32),
        "tampered sub": f"{header}.{b64({**claims, 'sub': 'directeur@ccas.fr'})}.{signature}",
        "tampered exp": f"{header}.{b64({**claims, 'exp': now + 10 ** 6})}.{signature}",
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({'sub': 'x', 'exp': now + 600})}.",
        "alg none, real payload": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "RS256 header, HMAC body": f"{b64({'alg': 'RS256', 'typ': 'JWT'})}.{payload}.{signature}",
        "no exp": jwt.encode({"sub": "x"}, fake.STAFF_SECRET, algorithm="HS256"),
        "no sub": jwt.encode({"exp": now + 600}, fake.STAFF_SECRET, algorithm="HS256"),
        "garbage": "abc.def.ghi",
    }


@pytest.mark.parametrize("case", list(forged_tokens()))
def test_bad_tokens_get_401_and_no_answer(stack, case):
    response = staff_post(stack, QUESTION, token=forged_tokens()[case])
    assert response.status_code == 401, case
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "accompagnementthdf" not in response.text


@pytest.mark.parametrize("headers", [{}, {"Authorization": ""}, {"Authorization": "Basic YTpi"},
                                     {"Authorization": "Bearer "}, {"X-Token": "x"}])
def test_missing_token_gets_401(stack, headers):
    assert staff_post(stack, QUESTION, headers=headers).status_code == 401


def test_valid_token_gets_professional_content(stack, reserved):
    text = staff_text(stack, QUESTION)
    assert "accompagnementthdf.als@actionlogement.fr" in text
    assert reserved.leaks(text)


def test_bad_requests_get_400(stack):
    token = staff_token()
    assert staff_post(stack, QUESTION, sender="a:b", token=token).status_code == 400
    assert staff_post(stack, QUESTION, sender="x" * 65, token=token).status_code == 400
    assert staff_post(stack, "", token=token).status_code == 400
    assert staff_post(stack, "x" * 2001, token=token).status_code == 400


def test_conversation_is_tied_to_the_token_subject(stack):
    conversation = "meme-id-de-conversation"
    staff_text(stack, "bonjour", sender=conversation, sub="alice@ccas.fr")
    staff_text(stack, "merci", sender=conversation, sub="bob@ccas.fr")
    database = stack.tracker_url[len("sqlite:///"):]
    with sqlite3.connect(database) as db:
        # Stored under a pseudonym of the sender id (bot/persistence/config.py), never the e-mail.
        ids = {stored_sender_id(f"staff:{sub}:{conversation}"): sub for sub in ("alice@ccas.fr", "bob@ccas.fr")}
        rows = db.execute(f"select sender_id, count(*) from events where type_name = 'user' and sender_id in "
                          f"({','.join('?' * len(ids))}) group by sender_id", list(ids)).fetchall()
    assert {ids[sender]: count for sender, count in rows} == {"alice@ccas.fr": 1, "bob@ccas.fr": 1}


def test_client_input_channel_and_metadata_are_ignored(stack):
    response = staff_post(stack, QUESTION, token=staff_token(), input_channel="rest",
                          metadata={"audience": "tous"})
    assert "accompagnementthdf" in response.text
    sender = "meta-" + str(int(time.time()))
    staff_post(stack, "bonjour", sender=sender, token=staff_token(), metadata={"x": "y"})
    with sqlite3.connect(stack.tracker_url[len("sqlite:///"):]) as db:
        row = db.execute("select data from events where type_name = 'user' and sender_id = ?",
                         (stored_sender_id(f"staff:agent@ccas.fr:{sender}"),)).fetchone()
    event = json.loads(row[0])
    assert event["input_channel"] == "staff" and not event.get("metadata", {}).get("x")


def test_rest_cannot_write_into_other_channels_conversations(stack):
    for sender in ("staff:agent@ccas.fr:c1", "telegram:42", "twilio:+33612345678"):
        response = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": "bonjour"}, timeout=30)
        assert response.status_code == 400, sender


def test_widget_assets_intro_and_demo(stack):
    base = f"{stack.rasa_url}/webhooks/staff"
    script = requests.get(f"{base}/widget.js", timeout=10)
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("application/javascript")
    assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    assert set(re.findall(r"https?://[\w.-]+", script.text)) <= {"https://bot.example"}  # only the doc example
    css = requests.get(f"{base}/widget.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "@import" not in css.text and "url(" not in css.text
    intro = requests.get(f"{base}/intro", timeout=10).json()
    messages = load_knowledge(stack.knowledge_dir).messages
    assert intro == {"welcome": messages.welcome, "privacy": messages.staff_privacy,  # written for agents
                     "unavailable": messages.unavailable, "source": messages.source}
    demo = requests.get(f"{base}/demo", timeout=10)
    assert demo.status_code == 200 and 'lang="fr"' in demo.text
    assert "default-src 'self'" in demo.headers["Content-Security-Policy"]
    token = requests.post(f"{base}/demo/token", headers={"Origin": stack.rasa_url}, timeout=10).json()["token"]
    claims = jwt.decode(token, fake.STAFF_SECRET, algorithms=["HS256"])
    assert claims["exp"] - time.time() <= 15 * 60 + 5
