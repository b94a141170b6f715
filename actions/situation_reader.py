"""The situation reader of the action server: built from the knowledge folder, rebuilt when its words change."""

from pathlib import Path
from typing import Optional, Tuple

from bot.rules.ruleset import default_knowledge_dir
from bot.situation.reader import SituationReader

_cached: Optional[Tuple[tuple, SituationReader]] = None


def _stamp(root: Path) -> tuple:
    files = [root / "situation.yml", root / "lexique.yml"]
    return tuple((str(f), f.stat().st_mtime_ns) if f.exists() else (str(f), 0) for f in files)


def reader() -> SituationReader:
    global _cached
    root = default_knowledge_dir()
    stamp = _stamp(root)
    if _cached is None or _cached[0] != stamp:
        _cached = (stamp, SituationReader.from_knowledge(root))
    return _cached[1]
