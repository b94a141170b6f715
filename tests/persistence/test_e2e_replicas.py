"""Two Rasa replicas on localhost sharing PostgreSQL (tracker store) and Redis (lock store), behind
a round-robin proxy (tests/persistence/proxy.py), with the session's action server:

- a form whose messages alternate between the replicas keeps its state;
- concurrent messages of one conversation are processed one at a time (no lost or interleaved
  events: bot/persistence/lock_store.py);
- the database unavailable: the failure shows in the health output and the logs, users are told
  (a FAQ answer still comes), and everything works again when it is back;
- writes blocked (a table lock): the turn is refused before it is processed, never kept in a
  replica's memory, and nothing is reordered.

The replicas connect as a role created for the test, whose own schema of the `test` database holds
the `events` table: taking the database away means `ALTER ROLE … NOLOGIN` and ending its sessions,
which touches nothing else. Role, schema and Redis keys are removed at the end."""

import json
import shutil
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
import sqlalchemy as sa

from bot.cli.serve import Stack, free_port
from bot.knowledge import load_knowledge
from bot.persistence.config import stored_sender_id
from bot.rules import fact
from tests.conftest import flat, without_privacy_notice
from tests.persistence.conftest import POSTGRES_URL, REDIS_URL, postgres_admin
from bot.cli.proxy import RoundRobinProxy

pytestmark = pytest.mark.e2e
KNOWLEDGE = load_knowledge("knowledge")
UNAVAILABLE = flat(KNOWLEDGE.messages.unavailable)
# Answers for the questions of a Visale check that have no buttons.
TYPED = {"bail_signe": "pas encore signé", "loyer_charges_comprises": "700 €", "revenu_mensuel_net": "1800 €",
         "age": "35 ans", "anciennete_emploi_mois": "24 mois", "duree_contrat_mois": "12 mois"}


class Replicas:
    def __init__(self, stacks, proxy, role, schema, prefix, admin):
        self.stacks, self.proxy, self.role, self.schema, self.prefix, self.admin = \
            stacks, proxy, role, schema, prefix, admin

    def post(self, base, sender, message):
        response = requests.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                                 timeout=120)
        response.raise_for_status()
        return response

    def send(self, sender, message, replica=None):
        base = self.proxy.url if replica is None else self.stacks[replica].rasa_url
        response = self.post(base, sender, message)
        return without_privacy_notice(response.json()), response.headers.get("X-Replica", str(replica))

    def events(self, sender):
        with self.admin.connect() as connection:
            rows = connection.execute(sa.text(f'SELECT type_name, action_name, data FROM "{self.schema}".events '
                                              "WHERE sender_id = :s ORDER BY id"), {"s": stored_sender_id(sender)}).all()
        return [(kind, action, json.loads(data)) for kind, action, data in rows]

    def database_down(self):
        with self.admin.begin() as connection:
            connection.execute(sa.text(f'ALTER ROLE "{self.role}" NOLOGIN'))
            connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"),
                               {"r": self.role})

    def database_up(self):
        with self.admin.begin() as connection:
            connection.execute(sa.text(f'ALTER ROLE "{self.role}" LOGIN'))

    def health(self, replica):
        return requests.get(f"{self.stacks[replica].rasa_url}/webhooks/health", timeout=60)

    def wait_healthy(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.health(i).status_code == 200 for i in range(len(self.stacks))):
                return True
            time.sleep(0.5)
        return False


@pytest.fixture(scope="module")
def replicas(stack, tmp_path_factory):
    admin = postgres_admin()
    suffix = uuid.uuid4().hex[:10]
    role, schema, prefix = f"assistant_replica_{suffix}", f"assistant_replica_{suffix}", f"replicas{suffix}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{role}"'))
        connection.execute(sa.text(f'ALTER ROLE "{role}" SET search_path = "{schema}"'))
    database = POSTGRES_URL.replace("postgres@", f"{role}@", 1)
    home = tmp_path_factory.mktemp("replicas")
    stacks = []
    for index in range(2):
        stacks.append(Stack(
            rasa_port=free_port(), action_port=stack.action_port, tracker_url=database,
            lock_store_url=REDIS_URL, knowledge_dir=stack.knowledge_dir, log_dir=home / f"replica{index}" / "log",
            extra_env={**{k: v for k, v in stack.extra_env.items()
                          if k in ("KNOWLEDGE_SNAPSHOT", "RATE_LIMIT_ADDRESS_MESSAGES", "RATE_LIMIT_TOTAL_MESSAGES")},
                       "LOCK_STORE_PREFIX": prefix, "DB_TIMEOUT_SECONDS": "2",
                       "BOT_DATABASE_URL": stack.tracker_url}))
    proxy = None
    try:
        errors = []

        def start(replica):
            try:
                replica.start_rasa(timeout=300)
            except Exception as exc:  # reported below with the logs
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(s,)) for s in stacks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in home.rglob("*.log"))
            pytest.fail(f"replicas did not start: {errors}\n{logs}")
        proxy = RoundRobinProxy([s.rasa_url for s in stacks], free_port()).start()
        yield Replicas(stacks, proxy, role, schema, prefix, admin)
    finally:
        if proxy is not None:
            proxy.stop()
        for replica in stacks:
            replica.stop()
        with admin.begin() as connection:
            connection.execute(sa.text(f'ALTER ROLE "{role}" LOGIN'))
            connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"),
                               {"r": role})
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        client = redis.StrictRedis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
        admin.dispose()
        shutil.rmtree(home, ignore_errors=True)


def asked_fact(text):
    matches = [name for name in TYPED if flat(fact(name).question) in text]
    return matches[0] if matches else None


def answer_for(reply):
    buttons = [b for m in reply for b in m.get("buttons") or []]
    text = flat(" ".join(m.get("text", "") for m in reply))
    name = asked_fact(text)
    if name is None and buttons:
        return buttons[0]["payload"]
    return TYPED.get(name, "12")


def test_a_form_alternating_between_replicas_keeps_its_state(replicas):
    sender = f"replicas-{uuid.uuid4().hex[:8]}"
    reply, first = replicas.send(sender, "suis-je éligible à visale ? j'ai 35 ans")
    served, questions = [first], [flat(reply[-1]["text"])]
    assert asked_fact(questions[0]) == "bail_signe"
    for _ in range(10):
        reply, replica = replicas.send(sender, answer_for(reply))
        served.append(replica)
        text = flat(" ".join(m.get("text", "") for m in reply))
        assert UNAVAILABLE not in text
        if "indicatif" in text:
            break
        questions.append(flat(reply[-1]["text"]))
        assert questions[-1] != questions[-2], f"the same question again: {questions}"
    else:
        pytest.fail(f"no verdict after {len(served)} messages: {questions}")
    assert len(served) >= 4 and all(a != b for a, b in zip(served, served[1:])), served  # they alternated
    assert fact("bail_signe").question not in " ".join(questions[1:])  # never started over
    users = [data["text"] for kind, _, data in replicas.events(sender) if kind == "user"]
    assert len(users) == len(served)  # every turn is in PostgreSQL, in order


def test_concurrent_messages_of_one_conversation_are_serialised(replicas):
    assert all(replicas.health(i).json()["lock_store"] == {"type": "redis", "status": "ok"} for i in (0, 1))
    assert replicas.health(0).json()["tracker_store"]["dialect"] == "postgresql"
    sender = f"concurrent-{uuid.uuid4().hex[:8]}"
    messages = ["bonjour", "c'est quoi le loca pass ?", "visale pour un couple ?", "c'est quoi AL'in ?",
                "merci", "mobili jeune c'est quoi ?"]
    with ThreadPoolExecutor(len(messages)) as pool:
        replies = list(pool.map(lambda m: replicas.send(sender, m), messages))
    assert all(reply for reply, _ in replies) and {replica for _, replica in replies} == {"0", "1"}
    events = replicas.events(sender)
    users = [i for i, (kind, _, _) in enumerate(events) if kind == "user"]
    assert sorted(events[i][2]["text"] for i in users) == sorted(messages)  # none lost, none twice
    for start, end in zip(users, users[1:] + [len(events)]):
        turn = events[start:end]
        assert turn[-1][:2] == ("action", "action_listen"), turn  # each turn whole before the next one
        assert [kind for kind, _, _ in turn].count("user") == 1 and any(kind == "bot" for kind, _, _ in turn)
    lock_keys = list(redis.StrictRedis.from_url(REDIS_URL).scan_iter(f"{replicas.prefix}*"))
    assert lock_keys == []  # every lock released


def test_database_outage_is_visible_users_are_told_and_it_recovers(replicas):
    sender = f"outage-{uuid.uuid4().hex[:8]}"
    reply, _ = replicas.send(sender, "suis-je éligible à visale ? j'ai 35 ans", replica=0)
    assert asked_fact(flat(reply[-1]["text"])) == "bail_signe"
    replicas.database_down()
    try:
        for replica in (0, 1):  # a form answer needs the conversation: the user is told, on both replicas
            reply, _ = replicas.send(sender, "pas encore signé", replica=replica)
            assert flat(" ".join(m["text"] for m in reply)) == UNAVAILABLE
        faq, _ = replicas.send(f"outage-faq-{uuid.uuid4().hex[:6]}", "visale pour un couple ?", replica=1)
        assert flat(KNOWLEDGE.answer_text("visale_couple", "tous"))[:80] in flat(faq[0]["text"])  # still answered
        health = replicas.health(0)
        assert health.status_code == 503
        store = health.json()["tracker_store"]
        assert store["status"] == "degraded" and store["last_error"] and store["unavailable_replies"] >= 1
        log = (replicas.stacks[0].log_dir / "rasa.log").read_text(errors="replace")
        assert "event=tracker_store.failed" in log and "event=tracker_store.message_refused" in log
        assert "pas encore signé" not in [line.rsplit(" ", 1)[-1] for line in log.splitlines() if "tracker_store" in line]
    finally:
        replicas.database_up()
    assert replicas.wait_healthy(), [replicas.health(i).json() for i in (0, 1)]
    reply, _ = replicas.send(sender, "pas encore signé")  # the refused answer again: the form goes on from where it was
    text = flat(" ".join(m.get("text", "") for m in reply))
    assert UNAVAILABLE not in text and asked_fact(text) != "bail_signe"
    users = [data["text"] for kind, _, data in replicas.events(sender) if kind == "user"]
    assert users == ["suis-je éligible à visale ? j'ai 35 ans", "pas encore signé"]  # refused messages were not half-stored


def test_a_write_lock_refuses_the_turn_and_nothing_is_reordered(replicas):
    """Issue 15, item 8. Before: replica 0 answered during the lock, kept the turn in its memory and
    wrote it once the lock went, after whatever replica 1 had stored meanwhile (and a crash of
    replica 0 lost it). Now the turn is refused before it is processed: the user is told, nothing is
    kept in memory, and the other replica continues the conversation as PostgreSQL has it."""
    sender = f"writelock-{uuid.uuid4().hex[:8]}"
    reply, _ = replicas.send(sender, "suis-je éligible à visale ? j'ai 35 ans", replica=0)
    assert asked_fact(flat(reply[-1]["text"])) == "bail_signe"
    with replicas.admin.connect() as connection:
        transaction = connection.begin()
        # Reads still work, writes wait: the replica's write check times out (DB_TIMEOUT_SECONDS=2).
        connection.execute(sa.text(f'LOCK TABLE "{replicas.schema}".events IN EXCLUSIVE MODE'))
        try:
            reply, _ = replicas.send(sender, "pas encore signé", replica=0)
            assert flat(" ".join(m["text"] for m in reply)) == UNAVAILABLE  # told, not answered from memory
            faq, _ = replicas.send(sender, "c'est quoi le loca pass ?", replica=0)
            assert flat(KNOWLEDGE.answer_text("loca_pass", "tous"))[:60] in flat(faq[0]["text"])  # still answered
            store = replicas.health(0).json()["tracker_store"]
            assert store["status"] == "degraded" and store["pending_events"] == 0 and store["unavailable_replies"] >= 2
        finally:
            transaction.rollback()
    reply, _ = replicas.send(sender, "pas encore signé", replica=1)  # said again, on the other replica
    text = flat(" ".join(m.get("text", "") for m in reply))
    assert UNAVAILABLE not in text and asked_fact(text) != "bail_signe"  # the form went on
    time.sleep(3)  # whatever replica 0 might still hold would have been written by now
    users = [data["text"] for kind, _, data in replicas.events(sender) if kind == "user"]
    assert users == ["suis-je éligible à visale ? j'ai 35 ans", "pas encore signé"]  # once, in order
    assert replicas.wait_healthy(), [replicas.health(i).json() for i in (0, 1)]
    log = (replicas.stacks[0].log_dir / "rasa.log").read_text(errors="replace")
    assert "event=tracker_store.message_refused reason=write_locked" in log
    assert "event=tracker_store.buffered" not in log and "event=tracker_store.flushed" not in log
