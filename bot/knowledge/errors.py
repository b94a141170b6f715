"""Validation errors that point an editor to a file, a line and a field, in French."""

from dataclasses import dataclass
from typing import List, Optional


@dataclass(frozen=True)
class KnowledgeError:
    """One problem found in a knowledge file."""

    file: str
    line: Optional[int]
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, ligne {self.line}" if self.line else self.file
        field = f", champ « {self.field} »" if self.field else ""
        return f"{where}{field} : {self.message}"


class KnowledgeErrors(Exception):
    """Raised when knowledge files are invalid; holds every problem found."""

    def __init__(self, errors: List[KnowledgeError]):
        self.errors = list(errors)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"{len(self.errors)} erreur(s) dans les contenus (knowledge/) :"]
        lines += [f"- {error}" for error in self.errors]
        return "\n".join(lines)
