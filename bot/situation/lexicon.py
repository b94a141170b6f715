"""The words the situation reader uses, from knowledge/situation.yml (editor-owned), compiled once.

Phrases are matched as whole words, case- and accent-insensitive; « * » stands for one word.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.nlu.normalize import fold

FILE = "situation.yml"


def plain(text: str) -> str:
    """Folded text (lower case, no accents, straight apostrophes), same length as `text`."""
    return fold(text or "").replace("’", "'")


def phrase_regex(phrase: str) -> str:
    words = re.findall(r"[\w']+|\*|\.", plain(phrase))
    parts = [r"[\w']+" if w == "*" else re.escape(w) for w in words]
    ends_open = words and (words[-1] == "." or words[-1].endswith("'"))  # « m. », « j' » run into the next word
    return r"(?<![\w])" + r"[\s\-]*".join(parts) + ("" if ends_open else r"(?![\w])")


def _alternatives(phrases: List[str]) -> re.Pattern:
    ordered = sorted({p for p in phrases if p.strip()}, key=len, reverse=True)
    return re.compile("|".join(f"(?:{phrase_regex(p)})" for p in ordered)) if ordered else re.compile(r"(?!x)x")


@dataclass
class Lexicon:
    subjects: Dict[str, re.Pattern]
    sectors: List[Tuple[str, re.Pattern]]
    situations: List[Tuple[str, re.Pattern]]
    contracts: List[Tuple[str, re.Pattern]]
    gender: Dict[str, str]          # folded marker -> "f" / "m"
    not_communes: frozenset = frozenset()

    @classmethod
    def load(cls, knowledge: Path) -> "Lexicon":
        data = yaml.safe_load((Path(knowledge) / FILE).read_text(encoding="utf-8"))
        subjects = {name: _alternatives(words) for name, words in data["sujets"].items()}
        gender = {}
        for words in data["sujets"].values():
            for word in words:
                folded = plain(word)
                if "personne" in folded:
                    continue  # « la personne » says nothing of whether it is a man or a woman
                if re.search(r"\b(ma|sa|une|la|cette|mme|madame)\b|(ee|euse|ice|ante|ine|ere|enne)$", folded):
                    gender[folded] = "f"
                elif folded == "m." or re.search(r"\b(mon|son|un|le|ce|mr|monsieur)\b", folded):
                    gender[folded] = "m"
        ordered = lambda section: [(key, _alternatives(words)) for key, words in data[section].items()]  # noqa: E731
        not_communes = frozenset(plain(str(w)) for w in data.get("pas_des_communes") or [])
        return cls(subjects, ordered("secteurs"), ordered("situations"), ordered("contrats"), gender, not_communes)


_cache: Dict[Tuple[str, int], Lexicon] = {}


def load_lexicon(knowledge: Path) -> Lexicon:
    """The lexicon of `knowledge`, reloaded when knowledge/situation.yml changes."""
    path = Path(knowledge) / FILE
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _cache:
        _cache.clear()
        _cache[key] = Lexicon.load(Path(knowledge))
    return _cache[key]
