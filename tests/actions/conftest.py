"""Tracker fixtures as data (one JSON conversation state per file), as in Rasa's financial-demo."""

import json
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

TRACKERS = Path(__file__).parent / "trackers"


def load_tracker(name: str, input_channel: str = None) -> Tracker:
    state = json.loads((TRACKERS / f"{name}.json").read_text(encoding="utf-8"))
    if input_channel:
        for event in state["events"]:
            if event["event"] == "user":
                event["input_channel"] = input_channel
    return Tracker.from_dict(state)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> dict:
    return {}
