"""Reliability suite: what it counts (results/reliability/*.json, quoted by docs/reliability.md) and
checks shared by its tests."""

import json
import time
from collections import Counter
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RESULTS = PROJECT_ROOT / "results" / "reliability"
# What the channels log when a message could not be processed or got no reply (bot/channels/common.py).
FAILURE_MARKERS = ("Échec du traitement", "Aucune réponse au message")


class Tally(Counter):
    """Cases tried per kind during this session, written to results/reliability/tally.json."""

    def write(self) -> None:
        if not self:
            return
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / "tally.json"
        data = {"written_at": time.strftime("%Y-%m-%d %H:%M:%S"), "cases": dict(sorted(self.items())),
                "total": sum(self.values())}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def tally():
    counts = Tally()
    yield counts
    counts.write()


def failures_logged(stack) -> int:
    """How many times the Rasa server logged a message it could not process or left unanswered."""
    log = Path(stack.log_dir) / "rasa.log"
    if not log.is_file():
        return 0
    text = log.read_text(encoding="utf-8", errors="replace")
    return sum(text.count(marker) for marker in FAILURE_MARKERS)


def assert_alive(stack) -> None:
    dead = [p.args[2] if len(p.args) > 2 else p.args for p in stack.processes if p.poll() is not None]
    assert not dead, f"server process stopped: {dead}"
