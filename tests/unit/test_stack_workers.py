"""`make run WORKERS=N` (bot/cli/serve.py): several Rasa processes need a shared Redis lock store, get
ports of their own behind the proxy on the usual port, and run TensorFlow on one thread each."""

import pytest

from bot.cli import serve
from bot.cli.serve import Stack

REDIS = "redis://127.0.0.1:6379/1"


@pytest.fixture
def no_tf_threads(monkeypatch):
    monkeypatch.delenv("TF_INTER_OP_PARALLELISM_THREADS", raising=False)
    monkeypatch.delenv("TF_INTRA_OP_PARALLELISM_THREADS", raising=False)


def test_one_process_is_the_default_on_the_usual_port(no_tf_threads):
    stack = Stack(rasa_port=5123)
    assert (stack.rasa_workers, stack.replica_ports, stack.rasa_url) == (1, [5123], "http://127.0.0.1:5123")
    env = stack.env()
    assert "TF_INTER_OP_PARALLELISM_THREADS" not in env and "TF_INTRA_OP_PARALLELISM_THREADS" not in env


def test_two_processes_get_their_own_ports_behind_the_proxy_and_one_thread_each(no_tf_threads):
    stack = Stack(rasa_port=5123, rasa_workers=2, lock_store_url=REDIS)
    assert len(stack.replica_ports) == 2 and len(set(stack.replica_ports)) == 2
    assert 5123 not in stack.replica_ports and stack.rasa_url == "http://127.0.0.1:5123"
    env = stack.env()
    assert (env["TF_INTER_OP_PARALLELISM_THREADS"], env["TF_INTRA_OP_PARALLELISM_THREADS"], env["LOCK_STORE_URL"]) \
        == ("1", "1", REDIS)
    assert [Stack.replica_name(i) for i in range(3)] == ["rasa", "rasa-2", "rasa-3"]


@pytest.mark.parametrize("lock_store_url", ["", "memory://"])
def test_several_processes_without_a_redis_lock_store_are_refused(lock_store_url):
    with pytest.raises(ValueError, match=r"WORKERS=2 .*LOCK_STORE_URL=redis://"):
        Stack(rasa_workers=2, lock_store_url=lock_store_url)


def test_no_process_is_refused():
    with pytest.raises(ValueError, match="WORKERS=0"):
        Stack(rasa_workers=0)


def test_make_run_says_why_it_does_not_start(capsys, monkeypatch):
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    monkeypatch.delenv("STAFF_DEMO", raising=False)
    monkeypatch.setenv("TRACKER_SENDER_KEY", "k" * 32)
    assert serve.main(["--workers", "2"]) == 1
    assert "LOCK_STORE_URL=redis://" in capsys.readouterr().err
