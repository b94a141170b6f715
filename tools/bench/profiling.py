"""Part 4: where the time of one message goes, profiled once with pyinstrument.

The message goes through the same path as in the Rasa server (`Agent.handle_text`: NLU pipeline,
policies, the custom action called over HTTP on the running action server, the tracker and lock stores
of endpoints.yml resolved with the server's own environment), in this process, so pyinstrument sees
every frame and, with `async_mode`, the time spent awaiting the action server. The Sanic/REST layer
itself is not in the profile (it is in the load figures).
"""

import asyncio
import importlib.util
import os
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# (category, substrings of the frame's file path or function). The innermost matching frame decides.
CATEGORIES: List[Tuple[str, Tuple[str, ...]]] = [
    ("LexiconNormalizer", ("rasa_components/text_normalizer", "bot/nlu/normalize")),
    ("spaCy (tokens, lemmas, vectors)", ("/spacy/", "/thinc/", "spacy_utils", "/spacy_")),
    ("tokenizer and featurizers", ("rasa/nlu/tokenizers", "rasa/nlu/featurizers")),
    ("DIETClassifier (TensorFlow)", ("rasa/nlu/classifiers/diet", "rasa/utils/tensorflow", "/tensorflow/", "/keras/")),
    ("LinearResponseSelector (scikit-learn)", ("linear_response_selector", "bot/nlu/selector")),
    ("FallbackClassifier, DistressGuard", ("rasa/nlu/classifiers/fallback", "distress_guard", "bot/safety")),
    ("dialogue policies", ("rasa/core/policies",)),
    ("Rasa's check of the action server's reply (jsonschema)", ("/jsonschema/",)),
    ("custom action: HTTP round trip to the action server", ("rasa/core/actions/action.py",
                                                             "rasa/utils/endpoints.py")),
    ("tracker store (SQL)", ("tracker_store", "/sqlalchemy/", "bot/persistence")),
    ("lock store", ("lock_store",)),
]
OTHER = "other (Rasa processor, graph runner, event loop)"


def category_of(path: str, function: str) -> Optional[str]:
    where = (path or "").replace("\\", "/")
    for name, needles in CATEGORIES:
        if any(needle in where or needle == function for needle in needles):
            return name
    return None


def breakdown(root) -> Dict[str, float]:
    """Seconds per category: each frame's own time goes to its innermost categorised caller."""
    totals: Dict[str, float] = {}

    def walk(frame, current: str) -> None:
        here = category_of(frame.file_path or "", frame.function or "") or current
        children_time = sum(child.time for child in frame.children)
        own = max(0.0, frame.time - children_time)
        if own:
            totals[here] = totals.get(here, 0.0) + own
        for child in frame.children:
            walk(child, here)

    if root is not None:
        walk(root, OTHER)
    return totals


async def _profile(model: Path, message: str, warmup: Sequence[str]):
    from pyinstrument import Profiler
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    from bot.rasa_components import install

    install()  # as the Rasa server of `make run` does (python -m bot.rasa_components run)
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    agent = await load_agent(model_path=str(model), endpoints=endpoints)
    for index, text in enumerate(warmup):
        await agent.handle_text(text, sender_id=f"bench-profile-warmup-{index}")
    # Keep the action server's real reply to this message, to time Rasa's check of it afterwards.
    replies_seen: List[dict] = []
    original = RemoteAction._validate_action_result

    def keep_reply(self, result):
        replies_seen.append(result)
        return original(self, result)

    RemoteAction._validate_action_result = keep_reply
    try:
        profiler = Profiler(interval=0.0002, async_mode="enabled")
        profiler.start()
        start = time.perf_counter()
        replies = await agent.handle_text(message, sender_id="bench-profile")
        seconds = time.perf_counter() - start
        profiler.stop()
    finally:
        RemoteAction._validate_action_result = original
    return profiler, seconds, replies, replies_seen


def profile_one_message(model: Path, server_env: Dict[str, str], workdir: Path, message: str,
                        warmup: Sequence[str]) -> dict:
    """`server_env`: the environment the running Rasa server got (`Stack.env()`), so that endpoints.yml
    resolves to the same action server, tracker store and lock store."""
    if importlib.util.find_spec("pyinstrument") is None:
        return {"skipped": "pyinstrument is not installed (make install)"}
    workdir.mkdir(parents=True, exist_ok=True)
    saved = dict(os.environ)
    os.environ.update(server_env)
    try:
        profiler, seconds, replies, action_replies = asyncio.run(_profile(model, message, warmup))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    totals = breakdown(profiler.last_session.root_frame() if profiler.last_session else None)
    profiled = sum(totals.values()) or 1.0
    session = profiler.last_session
    text = profiler.output_text(unicode=False, color=False, show_all=False).replace(f"{PROJECT_ROOT}/", "")
    (workdir / "profile.txt").write_text(text, encoding="utf-8")
    return {
        "message": message,
        "wall_ms": round(seconds * 1000, 1),
        "cpu_ms": round(session.cpu_time * 1000, 1) if session and session.cpu_time else None,
        "replies": len(replies or []),
        "breakdown_ms": {name: round(value * 1000, 1) for name, value in
                         sorted(totals.items(), key=lambda item: -item[1])},
        "breakdown_share": {name: round(value / profiled, 3) for name, value in totals.items()},
        "tree": "\n".join(text.splitlines()[:60]),
        "action_reply_check": action_reply_check_cost(action_replies[-1] if action_replies else None),
    }


def action_reply_check_cost(reply: Optional[dict] = None, repeat: int = 20) -> dict:
    """What Rasa's `RemoteAction._validate_action_result` costs per custom action call, without profiler:
    `jsonschema.validate` checks the schema itself against the Draft 2020-12 meta-schema every time, then
    the reply against a large `anyOf` of event schemas. Compared with a validator built once (same
    schema, same reply: the action server's real reply to the profiled message when given)."""
    from jsonschema import validate, validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    real = reply is not None
    reply = reply or {"events": [{"event": "slot", "timestamp": None, "name": "answer_id", "value": "visale_couple"}],
                      "responses": [{"text": "Visale pour un couple : oui, chacun des cotitulaires…", "buttons": []}]}
    start = time.perf_counter()
    for _ in range(repeat):
        validate(reply, schema)
    each_call = (time.perf_counter() - start) / repeat
    validator = validators.validator_for(schema)(schema)
    start = time.perf_counter()
    for _ in range(repeat):
        validator.validate(reply)
    built_once = (time.perf_counter() - start) / repeat
    installed = RemoteAction._validate_action_result.__module__ == "bot.rasa_components.action_reply_check"
    return {"jsonschema_validate_ms": round(each_call * 1000, 2), "project_check_installed": installed,
            "validator_built_once_ms": round(built_once * 1000, 3),
            "real_reply": real, "reply_events": len(reply.get("events") or []),
            "reply_responses": len(reply.get("responses") or [])}
