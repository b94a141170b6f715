"""The catch-all entries: those `counted_as: sans_reponse` in knowledge/faq/ (« Autres sujets »).

The answer selector reads a follow-up in the context of the previous answer (bot/nlu/context.py): a short
message alone (« c'est gratuit ? ») often looks like nothing in particular, which the catch-all entry
absorbs; it is out of scope only if it is so in context too. This module reads only that field, without
validating the files (bot.knowledge.loader does), so that the Rasa server can follow an edit cheaply.
"""

import threading
from pathlib import Path
from typing import Dict, FrozenSet, Optional, Tuple

import yaml

from bot.knowledge.loader import FAQ_DIR
from bot.knowledge.registry import default_knowledge_dir

CATCH_ALL = "sans_reponse"
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_cache: Dict[Path, Tuple[tuple, FrozenSet[str]]] = {}
_lock = threading.Lock()


def catch_all_entries(root: Optional[Path] = None) -> FrozenSet[str]:
    """The ids of the catch-all entries of `root` (default_knowledge_dir() by default), cached until a
    FAQ file changes; a file that does not parse adds none (the validator reports it)."""
    folder = Path(root or default_knowledge_dir()).resolve() / FAQ_DIR
    paths = sorted(folder.glob("*.yml")) if folder.is_dir() else []
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    with _lock:
        cached = _cache.get(folder)
        if cached and cached[0] == stamp:
            return cached[1]
    found = set()
    for path in paths:
        try:
            data = yaml.load(path.read_bytes(), Loader=SafeLoader) or {}
        except (OSError, yaml.YAMLError):
            continue
        for entry in (data.get("entries") or []) if isinstance(data, dict) else []:
            if isinstance(entry, dict) and entry.get("counted_as") == CATCH_ALL and isinstance(entry.get("id"), str):
                found.add(entry["id"])
    result = frozenset(found)
    with _lock:
        _cache[folder] = (stamp, result)
    return result
