"""`make bench` cannot rot: every part of the benchmark runs on tiny sizes (`python -m tools.bench --smoke`)
and writes a report of the expected shape. No timing is asserted: a smoke run measures nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.bench.report import SYSTEM_ORDER

pytestmark = [pytest.mark.bench_smoke, pytest.mark.e2e, pytest.mark.timeout(1300)]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-m", "tools.bench", "--smoke", "--out", str(out / "benchmarks.md"),
                             "--json", str(out / "benchmarks.json")],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads((out / "benchmarks.json").read_text()), (out / "benchmarks.md").read_text()


def test_machine_description(smoke_run):
    results, markdown = smoke_run
    machine = results["machine"]
    for key in ("cpu_model", "logical_cores", "memory_gib", "os", "python", "packages"):
        assert machine[key], key
    assert machine["packages"]["rasa"].startswith("3.6")
    assert "## Machine" in markdown and "Smoke run" in markdown


def test_quality_part(smoke_run):
    results, markdown = smoke_run
    systems = results["quality"]["systems"]
    assert list(systems) == list(SYSTEM_ORDER)
    for name, system in systems.items():
        for test_set in ("heldout", "noisy"):
            for level in ("top1", "answer"):
                figures = system[test_set][level]
                assert figures["n"] == results["quality"]["settings"]["heldout"] > 0
                for key in ("accuracy", "macro_f1", "oos_precision", "oos_recall"):
                    assert 0.0 <= figures[key] <= 1.0, (name, test_set, key)
                assert figures["per_label"] and figures["per_family"]
                assert isinstance(figures["confusions"], list)
    assert systems["project"]["cv"]["top1"]["n"] > 0 and systems["tfidf_logreg"]["cv"]["answer"]["n"] > 0
    assert results["quality"]["settings"]["noisy_examples"]
    for heading in ("## 1. Understanding quality", "### Per intent family", "### Per FAQ entry",
                    "### Top confusion pairs"):
        assert heading in markdown


def test_load_part(smoke_run):
    results, markdown = smoke_run
    for bot in ("project", "replicas", "plain"):
        levels = results["load"][bot]["levels"]
        assert set(levels) == {"1", "3"}
        for figures in levels.values():
            assert figures["messages"] >= 1 and figures["errors"] == 0
            assert {"p50_ms", "p95_ms", "p99_ms", "messages_per_second"} <= set(figures)
            assert "rasa" in figures["servers"]
    assert "actions" in results["load"]["project"]["levels"]["1"]["servers"]
    # the two Rasa processes behind the proxy (`make run WORKERS=2`; Redis as for tests/persistence)
    assert results["load"]["replicas"]["title"] == "project bot, 2 Rasa processes"
    assert {"rasa", "actions", "proxy", "client", "machine"} == set(results["load"]["replicas"]["levels"]["3"]["servers"])
    assert results["load"]["overhead"]
    assert "## 2. Latency and throughput" in markdown


def test_resources_part(smoke_run):
    results, markdown = smoke_run
    resources = results["resources"]
    assert resources["training"]["seconds"] > 0 and resources["plain_training"]["seconds"] > 0
    assert set(resources["cold_start"]) == {"project bot", "project bot, 2 Rasa processes", "plain Rasa bot"}
    assert {"project actions server", "project rasa server", "plain rasa server", "project (2 processes) rasa server",
            "project (2 processes) rasa-2 server", "project (2 processes) proxy server"} <= set(resources["peak_rss_mib"])
    edit = resources["edit_live"]
    assert edit["seconds"] and all(s is not None for s in edit["seconds"]), "the edited answer was never served"
    assert "## 3. Resources" in markdown


def test_analysis_part(smoke_run):
    results, markdown = smoke_run
    assert results["profile"]["breakdown_ms"] and results["profile"]["wall_ms"] > 0
    assert results["analysis"]
    assert "## 4. Analysis" in markdown and "## Targets" in markdown
