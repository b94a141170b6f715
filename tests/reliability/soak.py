"""`make soak` (`python -m tests.reliability.soak`): sustained load on localhost, nothing lost or mixed up.

N conversations run at the same time through the public REST channel (asyncio + aiohttp), each one
sending T messages one after the other (waiting for each reply): FAQ questions from knowledge/ and,
for one conversation in five, an eligibility check first. Then:
- every request got 200 and a non-empty reply addressed to its own conversation (no 5xx, no
  timeout, never « service indisponible »);
- each conversation's tracker in the SQLite tracker store holds exactly the user messages it sent,
  in order (nothing lost, nothing from another conversation);
- the servers' memory (RSS, from /proc, sampled every 2 s) is stable: after the load it is within
  `--max-growth-mib` (default 150 MiB) of what it was after a warm-up, and within half of that of
  what it was half-way through (caches fill early; a leak keeps climbing).

It starts its own stack (temporary folder, own SQLite file, free ports, rate limit off), or uses a
running one (`run_soak`, as the small version in `make test` does: tests/reliability/test_soak.py).
Figures go to results/reliability/soak.json; exit code 1 when a criterion fails.
"""

import argparse
import asyncio
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import aiohttp

from tools.bench.load import percentile
from tools.bench.resources import rss_mib
from bot.cli.serve import Stack, free_port
from bot.knowledge import load_knowledge
from bot.persistence.config import stored_sender_id

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RESULTS = PROJECT_ROOT / "results" / "reliability" / "soak.json"
ELIGIBILITY = ["suis-je éligible à visale ?", "j'ai 35 ans", "seul", "700 euros", "pourquoi ?", "annuler"]
UNAVAILABLE_START = "Le service est momentanément indisponible"


def message_pool(knowledge_dir: Path) -> List[str]:
    """FAQ phrasings of knowledge/ without digits or « @ » (the tracker store redacts numbers and
    addresses: the stored text must be the sent text for the comparison)."""
    base = load_knowledge(knowledge_dir)
    pool = [question for entry in base.by_intent("faq") for question in entry.questions
            if not any(c.isdigit() for c in question) and "@" not in question]
    return sorted(set(pool))


def script(index: int, turns: int, pool: List[str]) -> List[str]:
    """The messages of conversation `index`: its own sequence (an offset into the pool)."""
    start = [] if index % 5 else ELIGIBILITY[:min(turns, len(ELIGIBILITY))]
    offset = (index * 37) % len(pool)
    rest = [pool[(offset + turn * 7) % len(pool)] for turn in range(turns - len(start))]
    return start + rest


@dataclass
class SoakFigures:
    conversations: int
    turns: int
    messages: int = 0
    statuses: Dict[str, int] = field(default_factory=dict)
    server_errors: int = 0  # 5xx
    transport_errors: int = 0  # no HTTP answer at all (timeout, connection reset)
    empty_replies: int = 0
    unavailable_replies: int = 0
    misaddressed_replies: int = 0  # a reply whose recipient_id is another conversation
    lost_or_mixed_conversations: int = 0  # tracker ≠ what the conversation sent
    checked_conversations: int = 0
    wall_seconds: float = 0.0
    messages_per_second: float = 0.0
    p50_ms: Optional[float] = None
    p95_ms: Optional[float] = None
    max_ms: Optional[float] = None
    rss_mib: Dict[str, Dict[str, float]] = field(default_factory=dict)
    rss_samples: List[list] = field(default_factory=list)  # [seconds since the start, {server: MiB}]
    problems: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def _conversation(session: aiohttp.ClientSession, url: str, sender: str, messages: List[str],
                        figures: SoakFigures, latencies: List[float], statuses: Counter) -> None:
    for text in messages:
        start = time.perf_counter()
        try:
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                status = response.status
                body = await response.json(content_type=None) if status < 500 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            figures.transport_errors += 1
            statuses["no answer"] += 1
            continue
        latencies.append((time.perf_counter() - start) * 1000)
        statuses[str(status)] += 1
        figures.messages += 1
        if status >= 500:
            figures.server_errors += 1
            continue
        replies = body if isinstance(body, list) else []
        if not replies:
            figures.empty_replies += 1
        if any(m.get("recipient_id") != sender for m in replies):
            figures.misaddressed_replies += 1
        if any((m.get("text") or "").startswith(UNAVAILABLE_START) for m in replies):
            figures.unavailable_replies += 1


async def _sample(probe: Callable[[], Dict[str, float]], samples: List[Tuple[float, Dict[str, float]]],
                  start: float, interval: float) -> None:
    while True:
        samples.append((round(time.perf_counter() - start, 1), probe()))
        await asyncio.sleep(interval)


async def _load(rasa_url: str, scripts: Dict[str, List[str]], figures: SoakFigures, timeout: float,
                probe: Optional[Callable[[], Dict[str, float]]] = None,
                samples: Optional[List[Tuple[float, Dict[str, float]]]] = None, interval: float = 2.0) -> None:
    latencies: List[float] = []
    statuses: Counter = Counter()
    url = f"{rasa_url}/webhooks/rest/webhook"
    connector = aiohttp.TCPConnector(limit=len(scripts))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout), connector=connector) as session:
        start = time.perf_counter()
        sampler = asyncio.ensure_future(_sample(probe, samples, start, interval)) if probe else None
        await asyncio.gather(*(_conversation(session, url, sender, messages, figures, latencies, statuses)
                               for sender, messages in scripts.items()))
        figures.wall_seconds = round(time.perf_counter() - start, 1)
        if sampler is not None:
            sampler.cancel()
    figures.statuses = dict(sorted(statuses.items()))
    figures.messages_per_second = round(figures.messages / figures.wall_seconds, 1) if figures.wall_seconds else 0.0
    figures.p50_ms, figures.p95_ms = (round(v, 0) if v is not None else None
                                      for v in (percentile(latencies, 50), percentile(latencies, 95)))
    figures.max_ms = round(max(latencies), 0) if latencies else None


def stored_user_texts(database: Path, sender: str) -> List[str]:
    with sqlite3.connect(database, timeout=30) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                          (stored_sender_id(sender),)).fetchall()
    return [json.loads(data).get("text") for (data,) in rows]


def check_trackers(database: Path, scripts: Dict[str, List[str]], figures: SoakFigures) -> None:
    for sender, messages in scripts.items():
        figures.checked_conversations += 1
        if stored_user_texts(database, sender) != messages:
            figures.lost_or_mixed_conversations += 1


def run_coroutine(coroutine):
    """asyncio.run in a thread of its own: it also works when this thread already has a running loop
    (Playwright's sync API leaves one behind in the pytest session)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def sample_rss(stack: Stack) -> Dict[str, float]:
    return {name: rss_mib(process.pid) for name, process in stack.named.items()}


def run_soak(stack: Stack, conversations: int, turns: int, prefix: str, max_growth_mib: float,
             timeout: float = 120, warmup: int = 10) -> SoakFigures:
    """The soak against a running `stack` whose tracker store is a SQLite file."""
    pool = message_pool(stack.knowledge_dir)
    figures = SoakFigures(conversations, turns)
    warm = {f"{prefix}-warmup-{i}": script(i, 2, pool) for i in range(max(0, warmup) // 2)}
    if warm:
        run_coroutine(_load(stack.rasa_url, warm, SoakFigures(len(warm), 2), timeout))
    before = sample_rss(stack)
    scripts = {f"{prefix}-{i}": script(i, turns, pool) for i in range(conversations)}
    samples: List[Tuple[float, Dict[str, float]]] = []
    run_coroutine(_load(stack.rasa_url, scripts, figures, timeout, lambda: sample_rss(stack), samples))
    after = sample_rss(stack)
    middle = samples[len(samples) // 2][1] if samples else before
    for name, end in after.items():
        start = before.get(name, 0.0)
        figures.rss_mib[name] = {
            "after_warmup": start, "middle": middle.get(name, 0.0), "after_load": end,
            "peak": max([end] + [values.get(name, 0.0) for _, values in samples]),
            "growth": round(end - start, 1), "second_half_growth": round(end - middle.get(name, 0.0), 1)}
    figures.rss_samples = [[seconds, values] for seconds, values in samples]
    time.sleep(0.5)  # the last turns' events are saved before the reply; a moment for safety
    check_trackers(Path(stack.tracker_url[len("sqlite:///"):]), scripts, figures)
    expected = conversations * turns
    checks = {
        f"{figures.messages}/{expected} messages answered": figures.messages == expected,
        f"{figures.server_errors} 5xx": figures.server_errors == 0,
        f"{figures.transport_errors} requests without an answer": figures.transport_errors == 0,
        f"{figures.empty_replies} empty replies": figures.empty_replies == 0,
        f"{figures.unavailable_replies} « service indisponible » replies": figures.unavailable_replies == 0,
        f"{figures.misaddressed_replies} replies to another conversation": figures.misaddressed_replies == 0,
        f"{figures.lost_or_mixed_conversations} conversations lost or mixed up in the tracker":
            figures.lost_or_mixed_conversations == 0,
    }
    for name, rss in figures.rss_mib.items():
        checks[f"{name} RSS grew by {rss['growth']} MiB (bound {max_growth_mib})"] = rss["growth"] <= max_growth_mib
        # Stable: most of the growth, if any, is the first half filling caches, not a steady climb.
        checks[f"{name} RSS grew by {rss['second_half_growth']} MiB in the second half (bound {max_growth_mib / 2})"] = \
            rss["second_half_growth"] <= max_growth_mib / 2
    figures.problems = [label for label, passed in checks.items() if not passed]
    return figures


def _own_stack(workdir: Path) -> Stack:
    shutil.copytree(PROJECT_ROOT / "knowledge", workdir / "knowledge")
    return Stack(rasa_port=free_port(), action_port=free_port(), tracker_url=f"sqlite:///{workdir / 'tracker.db'}",
                 knowledge_dir=workdir / "knowledge", log_dir=workdir / "log",
                 extra_env={"KNOWLEDGE_SNAPSHOT": str(workdir / "knowledge-last-valid.json"),
                            "RATE_LIMIT_MESSAGES": "0", "RATE_LIMIT_ADDRESS_MESSAGES": "0",
                            "RATE_LIMIT_TOTAL_MESSAGES": "0"})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--max-growth-mib", type=float, default=150.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    stack = _own_stack(workdir)
    print(f"Démarrage d'une pile dédiée dans {workdir}…", flush=True)
    try:
        stack.start()
        print(f"{args.conversations} conversations × {args.turns} messages…", flush=True)
        figures = run_soak(stack, args.conversations, args.turns, "soak", args.max_growth_mib, args.timeout)
    finally:
        stack.stop()
    report = {"written_at": time.strftime("%Y-%m-%d %H:%M:%S"), **asdict(figures)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({key: value for key, value in report.items() if key != "rss_samples"}, indent=2,
                     ensure_ascii=False))
    if figures.ok:
        shutil.rmtree(workdir, ignore_errors=True)
        print("Soak réussi.")
        return 0
    print("Soak en échec : " + " ; ".join(figures.problems) + f"\nJournaux : {workdir / 'log'}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
