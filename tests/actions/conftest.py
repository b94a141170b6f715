"""Tracker fixtures as data (one JSON conversation state per file), as in Rasa's financial-demo, and the
project's knowledge/ for every action (tests/persistence/test_actions_recording.py imports it too)."""

import json
from pathlib import Path
from typing import List, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import (answer_actions, distress_actions, eligibility_actions, feedback_actions, recording,
                     referral_actions)
from bot.knowledge import KnowledgeStore

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ACTION_MODULES = (answer_actions, distress_actions, eligibility_actions, feedback_actions, recording,
                  referral_actions)
TRACKERS = Path(__file__).parent / "trackers"


def load_tracker(name: str, input_channel: str = None) -> Tracker:
    state = json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))
    if input_channel:
        for event in state["events"]:
            if event["event"] == "user":
                event["input_channel"] = input_channel
    return Tracker.from_dict(state)


def said(dispatcher: CollectingDispatcher) -> List[Tuple[str, list]]:
    """Every message an action sent, as (text, buttons): compared whole, like the events."""
    return [(m.get("text"), m.get("buttons") or []) for m in dispatcher.messages]


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> dict:
    return {}


@pytest.fixture(autouse=True)
def project_knowledge(monkeypatch, tmp_path) -> KnowledgeStore:
    """Every action reads the project's knowledge/ from a store of this test (its own snapshot file)."""
    store = KnowledgeStore(PROJECT_ROOT / "knowledge", tmp_path / "snapshot.json")
    for module in ACTION_MODULES:
        monkeypatch.setattr(module, "knowledge_store", lambda: store)
    return store
