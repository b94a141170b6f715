"""Part 2: latency and throughput through the REST channel, with an asyncio client (aiohttp).

Closed loop: each of the `concurrency` simulated users sends a message, waits for the reply, sends the
next one, until the level has sent its number of messages. The conversations (FAQ or eligibility) come
from scenarios.yml; any reply is accepted and counted by kind, so the mix keeps working while the
eligibility conversation changes. Every request loop is bounded in count and time, on 127.0.0.1 only.
"""

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union

import aiohttp
import yaml

SCENARIOS = Path(__file__).with_name("scenarios.yml")
Turn = Union[str, dict]


@dataclass
class Mix:
    faq_weight: float
    eligibility_weight: float
    faq_turns: int
    eligibility: List[List[Turn]]
    faq_pool: List[str] = field(default_factory=list)


def read_mix(path: Path, faq_pool: Sequence[str]) -> Mix:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    mix = data.get("mix") or {}
    scripts = [list(script) for script in data.get("eligibility") or [] if script]
    return Mix(float(mix.get("faq", 1)), float(mix.get("eligibility", 0)) if scripts else 0.0,
               int(data.get("faq_turns", 3)), scripts, list(faq_pool))


def percentile(values: Sequence[float], p: float) -> Optional[float]:
    """Linear interpolation between closest ranks (numpy's default), without numpy."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def reply_kind(messages: list) -> str:
    if not messages:
        return "empty"
    if any(m.get("buttons") for m in messages):
        return "buttons"
    return "text"


def next_text(turn: Turn, last_reply: list) -> str:
    if isinstance(turn, str):
        return turn
    buttons = [b for m in last_reply for b in (m.get("buttons") or [])]
    index = int(turn.get("button", 1)) - 1
    if 0 <= index < len(buttons):
        return buttons[index].get("payload") or buttons[index].get("title") or str(turn.get("else", ""))
    return str(turn.get("else", ""))


@dataclass
class Sample:
    kind: str  # "faq" or "eligibility"
    seconds: float
    status: int
    reply: str  # "text", "buttons", "empty" or "error"


def summarize(samples: List[Sample], wall: float) -> dict:
    ok = [s for s in samples if s.status == 200]
    latencies = [s.seconds * 1000 for s in ok]
    out = {
        "messages": len(samples),
        "errors": len(samples) - len(ok),
        "wall_seconds": round(wall, 2),
        "messages_per_second": round(len(ok) / wall, 2) if wall else None,
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
        "p99_ms": _round(percentile(latencies, 99)),
        "mean_ms": _round(sum(latencies) / len(latencies) if latencies else None),
        "max_ms": _round(max(latencies) if latencies else None),
        "by_kind": {},
    }
    for kind in sorted({s.kind for s in samples}):
        group = [s for s in samples if s.kind == kind]
        values = [s.seconds * 1000 for s in group if s.status == 200]
        replies: Dict[str, int] = {}
        for s in group:
            replies[s.reply] = replies.get(s.reply, 0) + 1
        out["by_kind"][kind] = {"messages": len(group), "p50_ms": _round(percentile(values, 50)),
                                "p95_ms": _round(percentile(values, 95)), "replies": replies}
    return out


def _round(value: Optional[float]) -> Optional[float]:
    return round(value, 1) if value is not None else None


async def run_level(url: str, concurrency: int, messages: int, mix: Mix, seed: int = 0,
                    time_limit: float = 300.0, prefix: str = "bench") -> dict:
    """Send `messages` messages with `concurrency` simulated users; stop after `time_limit` seconds anyway."""
    sent = 0
    samples: List[Sample] = []
    deadline = time.monotonic() + time_limit
    webhook = f"{url}/webhooks/rest/webhook"
    total_weight = mix.faq_weight + mix.eligibility_weight

    def take() -> bool:
        nonlocal sent
        if sent >= messages or time.monotonic() > deadline:
            return False
        sent += 1
        return True

    async def user(session: aiohttp.ClientSession, index: int) -> None:
        rng = random.Random(f"{seed}-{concurrency}-{index}")
        conversation = 0
        while sent < messages and time.monotonic() < deadline:
            conversation += 1
            sender = f"{prefix}-{concurrency}-{index}-{conversation}-{rng.randrange(10**9)}"
            if rng.random() * total_weight < mix.faq_weight or not mix.eligibility:
                kind, turns = "faq", [rng.choice(mix.faq_pool) for _ in range(mix.faq_turns)]
            else:
                kind, turns = "eligibility", rng.choice(mix.eligibility)
            last: list = []
            for turn in turns:
                if not take():
                    return
                text = next_text(turn, last)
                start = time.perf_counter()
                try:
                    async with session.post(webhook, json={"sender": sender, "message": text}) as response:
                        body = await response.json(content_type=None) if response.status == 200 else []
                        status = response.status
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    body, status = [], 0
                seconds = time.perf_counter() - start
                last = body if isinstance(body, list) else []
                samples.append(Sample(kind, seconds, status, reply_kind(last) if status == 200 else "error"))

    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(user(session, i) for i in range(concurrency)))
        wall = time.perf_counter() - start
    return summarize(samples, wall)


def run_levels(url: str, levels: Sequence[int], messages: int, mix: Mix, seed: int = 0,
               cpu_probe: Optional[Callable[[], Dict[str, float]]] = None, prefix: str = "bench",
               warmup: int = 5) -> Dict[str, dict]:
    """Every level in turn, after a few unmeasured messages. `cpu_probe()` gives each server's CPU
    seconds so far; the difference over a level becomes CPU milliseconds per message and cores used."""
    asyncio.run(run_level(url, 1, warmup, mix, seed, prefix=f"{prefix}-warmup"))
    results = {}
    for level in levels:
        before = cpu_probe() if cpu_probe else {}
        figures = asyncio.run(run_level(url, level, max(messages, level), mix, seed, prefix=prefix))
        if cpu_probe:
            after = cpu_probe()
            done = max(1, figures["messages"] - figures["errors"])
            figures["servers"] = {
                name: {"cpu_ms_per_message": round(1000 * (after[name] - before.get(name, 0.0)) / done, 1),
                       "cores_busy": round((after[name] - before.get(name, 0.0)) / figures["wall_seconds"], 2)
                       if figures["wall_seconds"] else None}
                for name in after}
        results[str(level)] = figures
    return results
