"""Part 3: resources. Peak memory and CPU time of the servers (read from /proc: no psutil), a timed
training run, cold starts, and the time from an answer edit to the new answer being served."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests

from bot.knowledge import load_knowledge

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> List[int]:
    """`pid` and all its children (through /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(child) for child in (task / "children").read_text().split()]
            except (OSError, ValueError):
                pass
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its children, in MiB."""
    return round(sum(_status_kib(p, "VmHWM") for p in _descendants(pid)) / 1024, 1)


def rss_mib(pid: int) -> float:
    """Resident memory now (VmRSS) of a process and its children, in MiB."""
    return round(sum(_status_kib(p, "VmRSS") for p in _descendants(pid)) / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time used so far by a process and its live children."""
    total = 0
    for p in _descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds spent by every process of the machine (all cores, idle and I/O wait excluded)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    """CPU seconds of this process (the load client runs here)."""
    times = os.times()
    return times.user + times.system


def timed_run(args: Sequence[str], env: Dict[str, str], cwd: Path, log: Path) -> dict:
    """Run a command; its wall time and its peak memory (from wait4, children included)."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(list(args), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(args[:4])}… a échoué (code {process.returncode}) :\n{tail}")
    return {"seconds": round(seconds, 1), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1)}


def train_full_model(config: Path, domain: Path, data: Path, out: Path, env: Dict[str, str], cwd: Path,
                     log: Path) -> dict:
    """`make train`-equivalent: `rasa train` (NLU and dialogue) with --force, into `out`."""
    figures = timed_run([sys.executable, "-m", "rasa", "train", "--config", str(config), "--domain", str(domain),
                         "--data", str(data), "--out", str(out), "--fixed-model-name", "assistant", "--force"],
                        env, cwd, log)
    figures["model"] = str(out / "assistant.tar.gz")
    return figures


def flat(text: str) -> str:
    return " ".join(text.split())


def reply_text(rasa_url: str, message: str, sender: Optional[str] = None, timeout: float = 30) -> str:
    response = requests.post(f"{rasa_url}/webhooks/rest/webhook",
                             json={"sender": sender or f"bench-edit-{uuid.uuid4().hex[:10]}", "message": message},
                             timeout=timeout)
    response.raise_for_status()
    return flat(" ".join(m.get("text") or "" for m in response.json()))


def find_editable_entry(rasa_url: str, knowledge_dir: Path, tries: int = 15):
    """A FAQ entry whose first phrasing is answered with its own answer, and the file and line to edit:
    (question, file, first line of the answer). Chosen from the data, not hard-coded."""
    base = load_knowledge(knowledge_dir)
    files = sorted((knowledge_dir / "faq").glob("*.yml"))
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    for entry in list(base.by_intent("faq"))[:tries]:
        answer = (base.answer_text(entry.id, "tous") or "").strip()
        first_line = answer.splitlines()[0].strip() if answer else ""
        if len(first_line) < 20:
            continue
        holders = [path for path, text in texts.items() if text.count(first_line) == 1]
        if len(holders) != 1 or not entry.questions:
            continue
        if flat(first_line) in reply_text(rasa_url, entry.questions[0]):
            return entry.questions[0], holders[0], first_line
    raise RuntimeError("aucune fiche FAQ modifiable trouvée pour mesurer la prise en compte d'une modification")


def _touch(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, max(stat.st_mtime_ns + 1_000_000, time.time_ns())))


def measure_edit_live(rasa_url: str, knowledge_dir: Path, edits: int = 3, poll_interval: float = 0.05,
                      timeout: float = 30.0) -> dict:
    """Edit an answer in (a copy of) knowledge/ and poll the REST channel until the new text is served."""
    question, path, first_line = find_editable_entry(rasa_url, knowledge_dir)
    original = path.read_bytes()
    timings, polls = [], []
    try:
        for index in range(edits):
            marker = f"Réponse modifiée pour le banc d'essai numéro {index + 1}."
            path.write_text(original.decode("utf-8").replace(first_line, marker, 1), encoding="utf-8")
            _touch(path)
            start = time.perf_counter()
            count = 0
            while True:
                count += 1
                if marker in reply_text(rasa_url, question):
                    timings.append(time.perf_counter() - start)
                    break
                if time.perf_counter() - start > timeout:
                    timings.append(None)
                    break
                time.sleep(poll_interval)
            polls.append(count)
    finally:
        path.write_bytes(original)
        _touch(path)
    done = [t for t in timings if t is not None]
    return {
        "question": question,
        "file": path.relative_to(knowledge_dir).as_posix(),
        "edits": edits,
        "seconds": [round(t, 3) if t is not None else None for t in timings],
        "median_seconds": round(sorted(done)[len(done) // 2], 3) if done else None,
        "max_seconds": round(max(done), 3) if done else None,
        "polls": polls,
        "poll_interval_seconds": poll_interval,
    }


def model_size_mib(path: Path) -> float:
    return round(Path(path).stat().st_size / 1024 / 1024, 1)

