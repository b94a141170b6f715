"""Editor-owned content: schema, strict loader and hot-reloading store."""

from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.knowledge.store import KnowledgeStore

__all__ = ["KnowledgeBase", "KnowledgeError", "KnowledgeErrors", "KnowledgeStore", "load_knowledge"]
