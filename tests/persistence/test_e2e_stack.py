"""Persistence and privacy against the session's real stack (SQLite, the default): redaction in the
tracker store, feedback, unanswered questions, eligibility counts, referrals, health endpoints, the
scheduled purge, `make report` on the live database, and logs without personal data."""

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest
import requests

from bot.knowledge import load_knowledge
from bot.dialogue import feedback
from bot.persistence.config import PROJECT_ROOT, stored_sender_id
from tests.conftest import Conversation, flat

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge(PROJECT_ROOT / "knowledge")
AVIS = KNOWLEDGE.dialogue.avis
# Personal identifiers sent in this module; none may reach the database or the logs.
EMAIL = "camille.martin.e2e@exemple.fr"
PHONE = "06 98 76 54 32"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
SECRETS = (EMAIL, PHONE, "0698765432", "3000 6000 0112", "camille.martin")


def database(stack):
    return sqlite3.connect(stack.tracker_url[len("sqlite:///"):])


def stored_events(stack, sender):
    with database(stack) as db:
        rows = db.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id",
                          (stored_sender_id(sender),)).fetchall()
    return [(kind, json.loads(data)) for kind, data in rows]


def wait_for(check, timeout=20.0, interval=0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def test_stored_text_is_redacted_while_the_live_turn_uses_the_original(conversation, stack):
    reply = conversation.send(f"visale pour un couple ? mon mail est {EMAIL}, tel {PHONE}")
    texts = flat(" ".join(m.get("text", "") for m in reply))
    assert flat(KNOWLEDGE.answer_text("visale_couple", "tous"))[:80] in texts  # understood as usual
    (user,) = [data for kind, data in stored_events(stack, conversation.sender) if kind == "user"]
    assert user["text"] == "visale pour un couple ? mon mail est [courriel], tel [téléphone]"
    assert user["parse_data"]["text"] == user["text"]
    assert user["parse_data"]["intent"]["name"] == "faq"  # what is not personal is kept
    with database(stack) as db:
        dump = "\n".join(row[0] for row in db.execute("SELECT data FROM events"))
    assert not any(secret in dump for secret in SECRETS)


def test_a_distress_turn_follows_the_same_rules_and_is_a_referral(conversation, stack):
    reply = conversation.send(f"on dort dans la voiture ce soir, rappelez moi au {PHONE} ou {EMAIL}")
    assert "115" in reply[0]["text"]
    (user,) = [data for kind, data in stored_events(stack, conversation.sender) if kind == "user"]
    assert user["parse_data"]["intent"]["name"] == "detresse"
    assert "[téléphone]" in user["text"] and "[courriel]" in user["text"] and PHONE not in user["text"]
    with database(stack) as db:
        referrals = db.execute("SELECT reason, topic, channel FROM bot_referrals").fetchall()
    assert ("detresse", "sans_abri", "rest") in referrals


def test_asking_for_a_person_is_a_referral_with_the_previous_topic(conversation, stack):
    conversation.send("c'est quoi le loca pass ?")
    conversation.send("je voudrais parler à un conseiller")
    with database(stack) as db:
        referrals = db.execute("SELECT reason, topic FROM bot_referrals WHERE reason = 'conseiller'").fetchall()
    assert ("conseiller", "loca_pass") in referrals


def test_feedback_buttons_after_an_answer_are_recorded_with_a_reason(conversation, stack):
    reply = conversation.send("c'est quoi le loca pass ?")
    offer = reply[-1]
    assert offer["text"] == AVIS.question and [b["title"] for b in offer["buttons"]] == [AVIS.up, AVIS.down]
    assert flat(KNOWLEDGE.answer_text("loca_pass", "tous"))[:60] in flat(reply[0]["text"])  # answer unchanged
    ask = conversation.send(offer["buttons"][1]["payload"])  # 👎
    assert ask[0]["text"] == AVIS.ask_reason
    reason = next(b for b in ask[0]["buttons"] if '"raison":"erronee"' in b["payload"])
    assert conversation.send(reason["payload"])[0]["text"] == AVIS.thanks_reason
    with database(stack) as db:
        rows = db.execute("SELECT target, rating, reason, channel FROM bot_feedback WHERE target = 'loca_pass'"
                          ).fetchall()
    assert ("loca_pass", -1, "erronee", "rest") in rows


def test_a_verdict_is_counted_and_offers_feedback(conversation, stack):
    with database(stack) as db:
        before = db.execute("SELECT COALESCE(SUM(count), 0) FROM bot_eligibility_checks WHERE aid = 'visale'"
                            ).fetchone()[0]
    conversation.send("suis-je éligible à visale ? on est deux, j'ai 24 ans, on gagne 3000 et 1200")
    conversation.send("oui")  # the two lease holders, confirmed
    conversation.send("non")  # the lease is not signed yet
    verdict = conversation.send("650 €")
    assert "indicatif" in flat(" ".join(m.get("text", "") for m in verdict))
    assert verdict[-1]["text"] == AVIS.question
    assert verdict[-1]["buttons"][0]["payload"] == feedback.payload("+", "eligibilite:visale")
    assert conversation.send(verdict[-1]["buttons"][0]["payload"])[0]["text"] == AVIS.thanks
    with database(stack) as db:
        after = db.execute("SELECT COALESCE(SUM(count), 0) FROM bot_eligibility_checks WHERE aid = 'visale'"
                           ).fetchone()[0]
        columns = [row[1] for row in db.execute("PRAGMA table_info(bot_eligibility_checks)")]
        thumbs = db.execute("SELECT COUNT(*) FROM bot_feedback WHERE target = 'eligibilite:visale' AND rating = 1"
                            ).fetchone()[0]
    assert after == before + 1 and thumbs >= 1
    assert columns == ["day", "aid", "outcome", "channel", "count"]  # no personal data


def test_unanswered_questions_are_recorded_and_reported(stack, tmp_path):
    for text in ("vlorpix trembulon", f"blorg zingue {EMAIL}", "vlorpix trembulons"):
        Conversation(stack).send(text)
    with database(stack) as db:
        rows = db.execute("SELECT decision, text, channel FROM bot_unanswered_questions").fetchall()
    texts = [text for _, text, _ in rows]
    assert "vlorpix trembulon" in texts and "blorg zingue [courriel]" in texts
    assert all(decision in ("fallback", "clarify", "low_confidence", "out_of_scope") for decision, _, _ in rows)
    env = {**os.environ, "BOT_DATABASE_URL": stack.tracker_url, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot.cli.editors_report", "--out", str(tmp_path), "--knowledge",
                           str(stack.knowledge_dir)], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "vlorpix trembulon" in html and EMAIL not in html
    with (tmp_path / "questions_sans_reponse.csv").open(encoding="utf-8") as handle:
        grouped = [line for line in handle if "vlorpix trembulon" in line]
    assert len(grouped) == 1 and grouped[0].split(";")[1] == "2"  # both spellings in one group


def test_health_endpoints_of_both_servers(stack):
    rasa = requests.get(f"{stack.rasa_url}/webhooks/health", timeout=30)
    assert rasa.status_code == 200, rasa.text
    body = rasa.json()
    assert body["status"] == "ok" and body["model"]["loaded"]
    assert body["tracker_store"]["dialect"] == "sqlite" and body["tracker_store"]["pending_events"] == 0
    assert body["lock_store"]["type"] == "in_memory" and body["action_server"]["status"] == "ok"
    assert body["knowledge"]["entries"] == len(KNOWLEDGE.entries)
    assert requests.get(f"{stack.rasa_url}/webhooks/health/live", timeout=10).json() == {"status": "ok"}
    actions = requests.get(f"{stack.action_url}/status", timeout=30)
    assert actions.status_code == 200, actions.text
    status = actions.json()
    assert status["database"]["ok"] and status["database"]["dialect"] == "sqlite"
    assert status["knowledge"]["valid"] and status["purge"]["retention_days"] == 30


def test_the_server_purges_old_data_on_a_schedule(stack):
    old = time.time() - 40 * 86400
    with database(stack) as db:
        db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('vieille-conversation', "
                   "'user', ?, '{}')", (old,))
        db.execute("INSERT INTO bot_unanswered_questions (created_at, channel, decision, confidence, text) "
                   "VALUES ('2000-01-01 00:00:00', 'rest', 'fallback', 0.1, 'question très ancienne')")
    conversation = Conversation(stack)
    conversation.send("bonjour")

    def purged():
        with database(stack) as db:
            events = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = 'vieille-conversation'").fetchone()[0]
            questions = db.execute("SELECT COUNT(*) FROM bot_unanswered_questions WHERE text = "
                                   "'question très ancienne'").fetchone()[0]
        return events == 0 and questions == 0

    assert wait_for(purged, timeout=30), "the action server's periodic purge did not run"
    assert stored_events(stack, conversation.sender)  # recent conversations are kept
    status = requests.get(f"{stack.action_url}/status", timeout=30).json()
    assert status["purge"]["runs"] >= 1 and status["purge"]["last_error"] is None
    assert status["database"]["last_purge"]["cutoff"]


def test_logs_hold_no_personal_data(stack):
    """Run last in this module: everything above sent e-mail addresses and phone numbers."""
    Conversation(stack).send(f"mon iban {IBAN} et mon mail {EMAIL}")
    logs = "\n".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*.log"))
    assert logs
    leaked = [secret for secret in SECRETS if secret in logs]
    assert not leaked, leaked
