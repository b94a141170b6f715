"""The action server's single knowledge store (location from the environment)."""

import os
from functools import lru_cache
from pathlib import Path

from bot.knowledge import KnowledgeStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def knowledge_store() -> KnowledgeStore:
    root = Path(os.environ.get("KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge"))
    snapshot = Path(os.environ.get("KNOWLEDGE_SNAPSHOT", PROJECT_ROOT / "var" / "knowledge-last-valid.json"))
    return KnowledgeStore(root, snapshot)
