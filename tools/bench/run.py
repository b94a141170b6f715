"""`python -m tools.bench` (`make bench`): every part in one run, then docs/benchmarks.md and .json.

Order: the full training (timed; its model serves the other parts), quality of the three systems, then
the project stack (cold start, load levels, edit live, profile, peak memory) and the plain Rasa bot
(training, cold start, load levels, peak memory). Everything runs in a temporary folder, on a copy of
knowledge/, with its own SQLite tracker and free ports; data/, knowledge/ and models/ are not touched.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from tools.bench import machine
from tools.bench.analysis import analyse
from tools.bench.data import extra_nlu_files, knowledge_examples, sample, training_data_dir
from tools.bench.load import SCENARIOS, read_mix, run_levels
from tools.bench.plain_bot import write_plain_bot
from tools.bench.profiling import profile_one_message
from tools.bench.quality import QualitySettings, run_quality
from tools.bench.report import render, targets
from tools.bench.resources import (cpu_seconds, machine_busy_seconds, measure_edit_live, model_size_mib,
                                 own_cpu_seconds, peak_rss_mib, reply_text, timed_run, train_full_model)
from tools.bench.systems import ProjectPipeline, RasaDefaultPipeline, TfidfBaseline, quiet_rasa_logs, with_epochs
from bot.cli.serve import Stack, free_port
from bot.evaluation.dataset import read_examples
from bot.knowledge import load_knowledge

PROJECT_ROOT = Path(__file__).resolve().parents[2]

SMOKE = {"sample": 3, "heldout_limit": 24, "folds": 2, "project_folds": 1, "default_folds": 0,
         "default_diet_epochs": 1, "default_selector_epochs": 1, "epochs": 1, "concurrency": "1,3",
         "messages": 8, "edits": 1, "plain_entries": 3, "plain_epochs": 1, "warmup": 2}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tools.bench", description=(
        "Benchmarks: understanding quality (project vs Rasa default pipeline vs TF-IDF), REST latency and "
        "throughput, resources. Writes docs/benchmarks.md and docs/benchmarks.json."))
    p.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.md")
    p.add_argument("--json", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks.json")
    p.add_argument("--knowledge", type=Path, default=PROJECT_ROOT / "knowledge")
    p.add_argument("--data", type=Path, default=PROJECT_ROOT / "data")
    p.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    p.add_argument("--domain", type=Path, default=PROJECT_ROOT / "domain.yml")
    p.add_argument("--heldout", type=Path, default=PROJECT_ROOT / "tests" / "nlu" / "heldout.yml")
    p.add_argument("--scenarios", type=Path, default=SCENARIOS)
    p.add_argument("--parts", default="quality,serving",
                   help="quality and/or serving (latency, resources, edit live, profile); training always runs")
    p.add_argument("--smoke", action="store_true", help="tiny sizes everywhere (the `make test` smoke run)")
    p.add_argument("--sample", type=int, default=None, help="at most N training phrasings per entry")
    p.add_argument("--heldout-limit", type=int, default=None, help="at most N held-out messages")
    p.add_argument("--folds", type=int, default=5, help="cross-validation split")
    p.add_argument("--project-folds", type=int, default=5, help="folds evaluated for the project pipeline")
    p.add_argument("--default-folds", type=int, default=1,
                   help="folds evaluated for Rasa's default pipeline (about 3 min per training on 2 quiet cores)")
    p.add_argument("--tfidf-folds", type=int, default=5, help="folds evaluated for the TF-IDF baseline")
    p.add_argument("--default-diet-epochs", type=int, default=10)
    p.add_argument("--default-selector-epochs", type=int, default=30)
    p.add_argument("--epochs", type=int, default=None,
                   help="override every epochs of config.yml (smoke only: the training time is then not the real one)")
    p.add_argument("--concurrency", default="1,10,20,50")
    p.add_argument("--replicas", type=int, default=2,
                   help="also serve the project with this many Rasa processes behind the proxy (`make run "
                        "WORKERS=N`; 0 or 1: not measured)")
    p.add_argument("--lock-store-url", default=os.environ.get("BENCH_LOCK_STORE_URL", "redis://127.0.0.1:6379/0"),
                   help="the Redis lock store the replicas share (keys under a prefix of this run)")
    p.add_argument("--messages", type=int, default=300, help="messages per concurrency level")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--edits", type=int, default=3)
    p.add_argument("--plain-entries", type=int, default=12)
    p.add_argument("--plain-epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", type=Path, default=None, help="kept after the run (default: a temporary folder)")
    args = p.parse_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            if getattr(args, key) == p.get_default(key):
                setattr(args, key, value)
    return args


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def previous_run(json_path: Path) -> Optional[dict]:
    """The targets' figures of the last complete `make bench` at `json_path`, shown beside the new ones
    (so that a change made to move a figure is reported with both figures)."""
    try:
        old = json.loads(Path(json_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not old.get("finished") or (old.get("settings") or {}).get("smoke"):
        return None
    return {"generated_at": old.get("generated_at"), "git": (old.get("machine") or {}).get("git"),
            "figures": {row["target"]: row["figure"] for row in targets(old)}}


def bench_env(workdir: Path) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(PROJECT_ROOT),
                "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache")})
    return env


def start_stack(stack: Stack, with_actions: bool) -> dict:
    """Start the servers one by one and time each until it answers, then the first reply."""
    figures = {}
    start = time.perf_counter()
    if with_actions:
        stack.start_actions()
        figures["action_server_ready_seconds"] = time.perf_counter() - start
    rasa_start = time.perf_counter()
    stack.start_rasa()
    figures["rasa_server_ready_seconds"] = time.perf_counter() - rasa_start
    first = time.perf_counter()
    reply_text(stack.rasa_url, "bonjour", timeout=120)
    figures["first_reply_seconds"] = time.perf_counter() - first
    return {k: round(v, 2) for k, v in figures.items()}


def process_names(stack: Stack) -> Dict[str, int]:
    """Each server of the stack by name: actions, rasa (rasa-2… with several processes), proxy."""
    return {name: process.pid for name, process in stack.named.items()}


def cpu_probe(pids: Dict[str, int]) -> Dict[str, float]:
    """CPU seconds so far: the Rasa processes summed under "rasa", each other server, this client, the machine."""
    seconds = {"client": own_cpu_seconds(), "machine": machine_busy_seconds()}
    for name, pid in pids.items():
        key = "rasa" if name.startswith("rasa") else name
        seconds[key] = seconds.get(key, 0.0) + cpu_seconds(pid)
    return seconds


def serve_and_measure(title: str, stack: Stack, with_actions: bool, levels: List[int], args, mix,
                      results: dict, key: str) -> Optional[Stack]:
    log(f"{title}: starting")
    results["resources"].setdefault("cold_start", {})[title] = start_stack(stack, with_actions)
    pids = process_names(stack)
    log(f"{title}: load levels {levels}")
    figures = run_levels(stack.rasa_url, levels, args.messages, mix, args.seed, cpu_probe=lambda: cpu_probe(pids),
                         prefix=f"bench-{key}", warmup=args.warmup)
    results["load"][key] = {"title": title, "levels": figures}
    for level, fig in figures.items():
        log(f"  {key} x{level}: p50 {fig['p50_ms']} ms, p95 {fig['p95_ms']} ms, {fig['messages_per_second']} msg/s, "
            f"{fig['errors']} errors")
    return stack


def record_rss(stack: Stack, label: str, results: dict) -> None:
    for name, pid in process_names(stack).items():
        results["resources"].setdefault("peak_rss_mib", {})[f"{label} {name} server"] = peak_rss_mib(pid)


def project_stack(model: Path, home: Path, knowledge: Path, replicas: int = 1, lock_store_url: str = "") -> Stack:
    """The project's servers on a copy of knowledge/, their own SQLite tracker and free ports."""
    shutil.copytree(knowledge, home / "knowledge")
    return Stack(model=model, rasa_port=free_port(), action_port=free_port(),
                 tracker_url=f"sqlite:///{home / 'tracker.db'}", knowledge_dir=home / "knowledge",
                 log_dir=home / "log", rasa_workers=replicas, lock_store_url=lock_store_url,
                 extra_env={"KNOWLEDGE_SNAPSHOT": str(home / "snapshot.json"),
                            # the load comes from one address: measure the server, not its flood limits
                            "RATE_LIMIT_ADDRESS_MESSAGES": "0", "RATE_LIMIT_TOTAL_MESSAGES": "0",
                            "LOCK_STORE_PREFIX": f"bench{os.getpid()}"})


def redis_answers(url: str) -> bool:
    try:
        import redis
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means: no lock store to share, configuration skipped
        return False


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # so that `finally` stops the servers started here
    quiet_rasa_logs()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    started = time.perf_counter()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                       "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache")})
    env = bench_env(workdir)
    levels = [int(c) for c in str(args.concurrency).split(",") if c.strip()]
    settings = {k: (_relative(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    settings["default_epochs"] = {"diet": args.default_diet_epochs, "selector": args.default_selector_epochs}
    results = {"generated_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
               "command": "make bench" if not args.smoke else "python -m tools.bench --smoke",
               "settings": settings, "machine": machine.describe(PROJECT_ROOT), "part_seconds": {},
               "resources": {}, "load": {}, "previous_run": previous_run(args.json)}
    base = load_knowledge(args.knowledge)
    examples = sample(knowledge_examples(base), args.sample, args.seed)
    extras = extra_nlu_files(args.data)
    heldout = read_examples(args.heldout)
    if args.heldout_limit:
        heldout = heldout[::max(1, len(heldout) // args.heldout_limit)][:args.heldout_limit]
    entry_intents, entry_checks = base.intents_by_entry(), base.checks_by_entry()
    stacks: List[Stack] = []
    try:
        # Full training, timed: `make train` without the make (the model is used by every other part).
        part = time.perf_counter()
        log(f"training the project model (rasa train --force) on {len(examples)} phrasings")
        data_dir = training_data_dir(args.data, examples, workdir / "data")
        config = args.config
        if args.epochs:
            config = workdir / "config-smoke.yml"
            config.write_text(with_epochs(args.config.read_text(encoding="utf-8"), args.epochs), encoding="utf-8")
        training = train_full_model(config, args.domain, data_dir, workdir / "models", env, PROJECT_ROOT,
                                    workdir / "train.log")
        training["config"] = "config.yml" if not args.epochs else f"config.yml with {args.epochs} epoch(s)"
        model = Path(training.pop("model"))  # in the temporary folder: not worth recording
        training["model_mib"] = model_size_mib(model)
        results["resources"]["training"] = training
        results["part_seconds"]["training"] = time.perf_counter() - part
        log(f"training: {training['seconds']} s")
        write_outputs(results, args, started, finished=False)

        if "quality" in parts:
            part = time.perf_counter()
            log("quality: project pipeline, Rasa default pipeline, TF-IDF baseline")
            systems = [ProjectPipeline(config, extras),
                       RasaDefaultPipeline(args.default_diet_epochs, args.default_selector_epochs, extras),
                       TfidfBaseline(extras)]
            quality_settings = QualitySettings(folds=args.folds, seed=args.seed, folds_run={
                "project": args.project_folds, "rasa_default": args.default_folds, "tfidf_logreg": args.tfidf_folds})
            results["quality"] = run_quality(systems, examples, heldout, base.thresholds, entry_intents,
                                             workdir / "quality", quality_settings, project_model=model, log=log,
                                             entry_checks=entry_checks)
            results["part_seconds"]["quality"] = time.perf_counter() - part
            write_outputs(results, args, started, finished=False)

        if "serving" in parts:
            part = time.perf_counter()
            pool = [e.text for e in examples] + [text for text, _ in heldout]
            mix = read_mix(args.scenarios, pool)
            results["load"]["settings"] = {"messages": args.messages, "warmup": args.warmup, "levels": levels,
                                           "mix": {"faq": mix.faq_weight, "eligibility": mix.eligibility_weight}}
            home = workdir / "project-stack"
            stack = project_stack(model, home, args.knowledge)
            stacks.append(stack)
            serve_and_measure("project bot", stack, True, levels, args, mix, results, "project")
            log("edit live")
            results["resources"]["edit_live"] = measure_edit_live(stack.rasa_url, home / "knowledge", args.edits)
            log(f"edit live: {results['resources']['edit_live']['seconds']} s")
            log("profile of one message")
            faq_heldout = [text for text, label in heldout if label.startswith("faq/")] or pool
            results["profile"] = profile_one_message(model, stack.env(), workdir / "profile", faq_heldout[0],
                                                     warmup=pool[:3])
            record_rss(stack, "project", results)
            stack.stop()
            write_outputs(results, args, started, finished=False)

            if args.replicas > 1 and redis_answers(args.lock_store_url):
                title = f"project bot, {args.replicas} Rasa processes"
                replicas = project_stack(model, workdir / "project-replicas", args.knowledge, args.replicas,
                                         args.lock_store_url)
                stacks.append(replicas)
                serve_and_measure(title, replicas, True, levels, args, mix, results, "replicas")
                record_rss(replicas, f"project ({args.replicas} processes)", results)
                replicas.stop()
                write_outputs(results, args, started, finished=False)
            elif args.replicas > 1:
                log(f"no Redis at {args.lock_store_url}: the {args.replicas}-process configuration is not measured")

            log("plain Rasa bot: training")
            plain = write_plain_bot(base, workdir / "plain", args.plain_entries, args.plain_epochs)
            results["resources"]["plain_training"] = timed_run(
                [sys.executable, "-m", "rasa", "train", "--config", str(plain["config"]), "--domain",
                 str(plain["domain"]), "--data", str(plain["data"]), "--out", str(workdir / "plain" / "models"),
                 "--fixed-model-name", "plain", "--force"], env, PROJECT_ROOT, workdir / "plain" / "train.log")
            plain_home = workdir / "plain-stack"
            plain_stack = Stack(model=workdir / "plain" / "models" / "plain.tar.gz", rasa_port=free_port(),
                                action_port=free_port(), tracker_url=f"sqlite:///{plain_home / 'tracker.db'}",
                                log_dir=plain_home / "log", credentials=plain["credentials"])
            stacks.append(plain_stack)
            serve_and_measure("plain Rasa bot", plain_stack, False, levels, args, mix, results, "plain")
            record_rss(plain_stack, "plain", results)
            plain_stack.stop()
            results["load"]["overhead"] = overhead(results["load"])
            results["part_seconds"]["serving"] = time.perf_counter() - part
    finally:
        for stack in stacks:
            stack.stop()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    write_outputs(results, args, started, finished=True)
    log(f"done in {results['duration_seconds'] / 60:.1f} min -> {args.out}, {args.json}")
    return 0


def write_outputs(results: dict, args, started: float, finished: bool) -> None:
    """docs/benchmarks.json and .md; also after each part, so an interrupted run keeps what it measured."""
    results["finished"] = finished
    results["machine"]["load_average_1min_at_end"] = machine.load_average()
    results["duration_seconds"] = round(time.perf_counter() - started, 1)
    results["part_seconds"] = {k: round(v, 1) for k, v in results["part_seconds"].items()}
    results["analysis"] = analyse(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.write_text(render(results), encoding="utf-8")


def _stop_on_sigterm(*_) -> None:
    raise SystemExit("interrompu (SIGTERM)")


def overhead(load: dict) -> Dict[str, float]:
    """Project over plain: p50 at 1 conversation, p95 at the highest level, and the inverse of throughput."""
    project, plain = load.get("project", {}).get("levels", {}), load.get("plain", {}).get("levels", {})
    ratios = {}
    if "1" in project and "1" in plain and plain["1"]["p50_ms"]:
        ratios["p50_at_1"] = round(project["1"]["p50_ms"] / plain["1"]["p50_ms"], 2)
    common = sorted(set(project) & set(plain), key=int)
    if common:
        top = common[-1]
        if plain[top]["p95_ms"]:
            ratios[f"p95_at_{top}"] = round(project[top]["p95_ms"] / plain[top]["p95_ms"], 2)
        if project[top]["messages_per_second"]:
            ratios[f"throughput_plain_over_project_at_{top}"] = round(
                plain[top]["messages_per_second"] / project[top]["messages_per_second"], 2)
    return ratios
