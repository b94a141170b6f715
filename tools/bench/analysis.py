"""The written analysis of docs/benchmarks.md, derived from the figures of the run (no figure typed by hand)."""

from typing import List, Optional


def _get(data: dict, *keys, default=None):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def _fmt(value) -> str:
    return "?" if value is None else f"{value:.2f}"


def _top(breakdown: dict, n: int = 3) -> str:
    items = list(breakdown.items())[:n]
    return ", ".join(f"{name} {ms:.0f} ms" for name, ms in items)


def analyse(results: dict) -> List[str]:
    lines: List[str] = []
    profile = results.get("profile") or {}
    breakdown = profile.get("breakdown_ms") or {}
    levels = _get(results, "load", "project", "levels", default={}) or {}
    plain = _get(results, "load", "plain", "levels", default={}) or {}
    one: Optional[dict] = levels.get("1")
    busiest = max(levels.values(), key=lambda f: f.get("messages_per_second") or 0) if levels else None

    lines += ["### Where the time of a message goes", ""]
    if breakdown:
        cpu = profile.get("cpu_ms")
        lines.append(f"- The biggest items of the profiled message: {_top(breakdown)}"
                     + (f"; {cpu:.0f} ms of its {profile['wall_ms']:.0f} ms are CPU time in the Rasa process"
                        if cpu else "") + ". The NLU pipeline runs synchronously in the Rasa server's event loop; "
                     "the action server's own work is the `actions` CPU column of §2.")
    check = profile.get("action_reply_check") or {}
    rasa_cpu_one = _get(one or {}, "servers", "rasa", "cpu_ms_per_message")
    if check.get("jsonschema_validate_ms") and check.get("project_check_installed"):
        lines.append(
            f"- Rasa's own check of each action server reply (`jsonschema.validate`, which first checks the schema "
            f"itself against the Draft 2020-12 meta-schema) costs {check['jsonschema_validate_ms']:.0f} ms of CPU per "
            f"custom action call, against {check['validator_built_once_ms']:.1f} ms with a validator built once. "
            "Every FAQ turn calls `action_answer_knowledge`, so the project replaces it in the Rasa server with the "
            "same check on a validator built once (`bot/rasa_components/action_reply_check.py`, installed at the "
            "Rasa server's start-up by `python -m bot.rasa_components run`; same schema, same errors): the previous run's figures, before that "
            "change, are in the last column of the targets table.")
    elif check.get("jsonschema_validate_ms"):
        lines.append(
            f"- **Rasa checks every reply of the action server with `jsonschema.validate`, which first checks the "
            f"schema itself against the Draft 2020-12 meta-schema: {check['jsonschema_validate_ms']:.0f} ms of CPU "
            f"per custom action call** (jsonschema 4.17, `rasa/core/actions/action.py`, "
            f"`RemoteAction._validate_action_result`), against {check['validator_built_once_ms']:.1f} ms with a "
            "validator built once. Every FAQ turn calls `action_answer_knowledge`, so this is paid on every "
            "message, in the Rasa server's only event loop"
            + (f": {100 * check['jsonschema_validate_ms'] / rasa_cpu_one:.0f} % of the Rasa server's "
               f"{rasa_cpu_one:.0f} ms of CPU per message at 1 conversation." if rasa_cpu_one else "."))
    if one:
        rasa_cpu = _get(one, "servers", "rasa", "cpu_ms_per_message")
        actions_cpu = _get(one, "servers", "actions", "cpu_ms_per_message")
        if rasa_cpu is not None:
            lines.append(f"- At 1 conversation a message costs {rasa_cpu:.0f} ms of CPU in the Rasa server and "
                         f"{actions_cpu:.0f} ms in the action server, for a p50 of {one['p50_ms']:.0f} ms.")

    lines += ["", "### What limits throughput on 2 cores", ""]
    if busiest:
        rasa_cores = _get(busiest, "servers", "rasa", "cores_busy")
        rasa_cpu = _get(busiest, "servers", "rasa", "cpu_ms_per_message")
        machine_cores = _get(busiest, "servers", "machine", "cores_busy")
        ceiling = f" ≈ {1000 / rasa_cpu:.0f} messages/s" if rasa_cpu else ""
        lines.append(
            f"- The best rate is {busiest['messages_per_second']:.1f} messages/s; there the Rasa server keeps "
            f"{_fmt(rasa_cores)} core busy and the whole machine {_fmt(machine_cores)} of its cores. `rasa run` is "
            "one process with one event loop (one Sanic worker): NLU inference, policies, the custom action's "
            "request and reply check and the tracker (de)serialisation run one message at a time, so its ceiling "
            f"is about 1000 / (Rasa CPU ms per message){ceiling}. Past that point more concurrent conversations "
            "only lengthen the queue: latency grows with concurrency while messages/s stays flat.")
        if rasa_cores is not None and rasa_cores < 0.8:
            lines.append(
                f"- In this run the Rasa server was not saturated ({_fmt(rasa_cores)} core): it waited for the "
                "action server, the SQLite tracker or a core"
                + (" — the whole machine was busy, other processes (see the load average under Machine) "
                   "took the rest" if machine_cores is not None and machine_cores > 1.6 else "")
                + ".")
        lines.append("- The action server (another process) and the load client share the second core; the SQLite "
                     "tracker store serialises writes, which a server database (PostgreSQL) would not.")
    if plain and levels:
        top_plain = max(plain.values(), key=lambda f: f.get("messages_per_second") or 0)
        plain_cpu = _get(plain.get("1") or {}, "servers", "rasa", "cpu_ms_per_message")
        lines.append(f"- The plain Rasa bot peaks at {top_plain['messages_per_second']:.1f} messages/s on the same "
                     "machine" + (f", with {plain_cpu:.0f} ms of Rasa CPU per message" if plain_cpu else "")
                     + ": the difference is the Rasa-side cost of a custom action (tracker and domain sent as JSON, "
                     "the reply checked with jsonschema, more events stored) and the project's heavier NLU (spaCy, "
                     "two CountVectors, the selector over every entry, the distress guard).")

    replicas = _get(results, "load", "replicas", default={}) or {}
    if replicas.get("levels") and busiest:
        best = max(replicas["levels"].values(), key=lambda f: f.get("messages_per_second") or 0)
        servers = best.get("servers") or {}
        lines.append(
            f"- {replicas['title']} (`make run WORKERS=2`) peak at {best['messages_per_second']:.1f} messages/s, "
            f"× {best['messages_per_second'] / busiest['messages_per_second']:.2f} one process's best: together "
            f"the Rasa processes keep {_fmt(_get(servers, 'rasa', 'cores_busy'))} cores busy and the whole machine "
            f"{_fmt(_get(servers, 'machine', 'cores_busy'))}; the action server, the proxy "
            f"({_fmt(_get(servers, 'proxy', 'cpu_ms_per_message'))} ms of CPU per message) and the load client take "
            "the rest of the 2 cores, so the second process never gets a whole core on this machine.")

    lines += ["", "### What would move each figure", ""]
    quality = _get(results, "quality", "systems", "project")
    if quality:
        accuracy = quality["heldout"]["answer"]["accuracy"]
        top1 = quality["heldout"]["top1"]["accuracy"]
        lines.append(
            f"- **Held-out answer accuracy** ({accuracy:.3f}; top-1 before thresholds {top1:.3f}): the gap between "
            "the two is messages the bot answers with « Vouliez-vous dire… ? » (the right entry is then a button). "
            "More phrasings for the entries of the confusion list and the per-entry table, and re-running "
            "`make calibrate` after adding them, move it; lowering the thresholds trades clarifications for wrong "
            "answers.")
        recall = quality["heldout"]["answer"]["oos_recall"]
        lines.append(f"- **Out-of-scope recall** ({recall:.3f}): more `hors_sujet` phrasings for the topics missed "
                     "(see confusions towards FAQ entries), and the answer margin.")
        noisy = quality["noisy"]["answer"]["accuracy"]
        lines.append(f"- **Robustness** (noisy answer accuracy {noisy:.3f}): entries of the lexicon for the SMS "
                     "spellings that still fail; the character n-grams already absorb most typos and accents.")
    if levels:
        level20 = levels.get("20") or {}
        fix = ""
        if check.get("jsonschema_validate_ms") and not check.get("project_check_installed"):
            fix = (f"first, removing the {check['jsonschema_validate_ms']:.0f} ms meta-schema check of each action "
                   "reply (replace `RemoteAction._validate_action_result` in the Rasa server process with one using "
                   "a validator built once — a few lines loaded with the project's custom components — or a Rasa "
                   "fix upstream); then ")
        lines.append(
            f"- **Latency under load** (p95 at 20 conversations: {level20.get('p95_ms', '–')} ms): it is queueing "
            "behind one event loop, so it moves with the CPU per message: " + fix + "fewer or lighter NLU "
            "components (see the profile), or several Rasa server processes behind a load balancer with a shared "
            "tracker and lock store (Redis) to use both cores; an answer cache does not help, as every turn must "
            "update the tracker.")
    training = _get(results, "resources", "training", "seconds")
    if training:
        lines.append(f"- **Training** ({training:.0f} s): DIET epochs and the selector's logistic regression "
                     "(C, max_iter) dominate; Rasa's cache (`.rasa/cache`) makes retraining after an edit of "
                     "phrasings faster than this `--force` figure.")
    edit = _get(results, "resources", "edit_live", "max_seconds")
    polls = _get(results, "resources", "edit_live", "polls", default=[]) or []
    if edit is not None:
        first = all(p == 1 for p in polls)
        lines.append(f"- **Edit live** ({edit:.2f} s worst, nothing retrained): the action server compares the "
                     "files' size and modification time on each message"
                     + (", so the very first message after the edit already gets the new answer; the figure is "
                        "that message plus the reload it triggers (every file of `knowledge/` read again with line "
                        "numbers and validated)" if first else
                        f"; the new answer came after {max(polls)} polls")
                     + ". Reloading only the changed file would shorten it.")
    rss = _get(results, "resources", "peak_rss_mib", default={}) or {}
    if rss:
        lines.append("- **Memory** (" + ", ".join(f"{k} {v:.0f} MiB" for k, v in rss.items()) + "): the Rasa "
                     "server holds TensorFlow and the spaCy model; `fr_core_news_sm` or no spaCy vectors would "
                     "cut it, at a cost in accuracy to be measured here.")
    return lines
