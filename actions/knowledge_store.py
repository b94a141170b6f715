"""The action server's single knowledge store (location from the environment, bot/knowledge/store.py)."""

from functools import lru_cache

from bot.knowledge import KnowledgeStore


@lru_cache(maxsize=1)
def knowledge_store() -> KnowledgeStore:
    return KnowledgeStore.from_environment()
