"""The validated knowledge base: entries by id, dialogue messages, thresholds and lexicon."""

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional

from bot.knowledge.schema import DialogueFile, DistressFile, DistressSituation, Entry, LexiconFile

@dataclass(frozen=True)
class KnowledgeBase:
    entries: Dict[str, Entry]
    dialogue: DialogueFile
    lexicon: LexiconFile
    distress: DistressFile

    @property
    def messages(self):
        return self.dialogue.messages

    @property
    def thresholds(self):
        return self.dialogue.thresholds

    def entry(self, entry_id: str) -> Optional[Entry]:
        return self.entries.get(entry_id)

    def intents_by_entry(self) -> Dict[str, str]:
        """Entry id -> its intent (faq, chitchat, hors_sujet)."""
        return {entry_id: entry.intent for entry_id, entry in self.entries.items()}

    def checks_by_entry(self) -> Dict[str, str]:
        """Entry id -> the aid whose eligibility check it offers, for the entries that offer one."""
        return {entry_id: entry.check for entry_id, entry in self.entries.items() if entry.check}

    def by_intent(self, intent: str) -> List[Entry]:
        return [entry for entry in self.entries.values() if entry.intent == intent]

    def answer_text(self, entry_id: str, audience: str, day: Optional[dt.date] = None) -> Optional[str]:
        """The text of an entry for an audience on a day (today by default), as served: its {parameter.name}
        references replaced by the values in force."""
        entry = self.entries.get(entry_id)
        if entry is None:
            return None
        text = entry.text_on(day or dt.date.today(), audience)
        if text is None or "{" not in text:
            return text
        from bot.answering.render import with_parameters  # rendering needs the rules: imported when needed
        return with_parameters(text, day)

    def situation(self, situation_id: str) -> Optional[DistressSituation]:
        return next((s for s in self.distress.situations if s.id == situation_id), None)
