"""Multi-turn follow-ups (issue 16, item 7): the held-out set tests/nlu/followups.yml replayed through the trained
Rasa agent and the session's action server; the last turn's answer is judged (bot/evaluation/followups.py).

The issue's targets are 0.92 right and at most 3 % « Vouliez-vous dire »; the first score of the set
(2026-12-03: 0.702 and 4.4 %, docs/quality.md) is below them, so the minimums here guard that score
against regressions until the targets are met (then raise them to the targets).
"""

import asyncio

import pytest

from bot.cli.serve import DEFAULT_MODEL
from bot.evaluation import followups
from bot.knowledge import load_knowledge

pytestmark = pytest.mark.e2e
TARGET_RIGHT, TARGET_CLARIFY = 0.92, 0.03
MIN_RIGHT, MAX_CLARIFY = 0.69, 0.05


def test_followups_held_out_set(stack):
    base = load_knowledge(stack.knowledge_dir)
    conversations = followups.read_followups("tests/nlu/followups.yml", list(base.entries))
    agent = followups.load_agent(DEFAULT_MODEL, f"{stack.action_url}/webhook")
    judged = asyncio.run(followups.evaluate(agent, conversations, base))
    figures = followups.summary(judged)["toutes"]
    wrong = [(j.followup.id, j.followup.turns[-1], j.reply[:80]) for j in judged if not j.right][:10]
    assert len(conversations) >= 200
    assert figures["right"] >= MIN_RIGHT, (figures, wrong)
    assert figures["clarify"] <= MAX_CLARIFY, figures
