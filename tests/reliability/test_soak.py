"""The small version of `make soak`, on the session's stack, so that it cannot rot: 5 conversations
× 5 messages at the same time, nothing lost or mixed up (tests/reliability/soak.py)."""

import uuid

import pytest

from tests.reliability.soak import run_soak

pytestmark = pytest.mark.e2e


def test_small_soak_loses_and_mixes_nothing(stack, tally):
    figures = run_soak(stack, conversations=5, turns=5, prefix=f"soak-{uuid.uuid4().hex[:6]}",
                       max_growth_mib=300, warmup=4)
    tally["soak messages"] += figures.messages
    assert figures.ok, figures.problems
    assert figures.checked_conversations == 5 and figures.messages == 25
