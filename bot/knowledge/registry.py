"""The registry of aids: one file per aid in knowledge/eligibilite/, and every list of aids derived from it.

`knowledge/eligibilite/<aid>.yml` (any file there but `commun.yml` and `faits.yml`) is one aid: its
identifier is the file name. Besides its rules and texts (read by bot.rules), the file says where the
aid is listed:

    ordre: 4              # place in the lists of aids (screening « toutes les aides », reports)
    bouton: Mobili-Pass   # its button in the « Pour quelle aide ? » menu
    ordre_menu: 7         # optional: place of the button (default: `ordre`)
    mots: ['mobili.?pass']  # what mentions it in a message (regular expressions on the folded text)
    ordre_mots: 2         # optional: when a message names two aids, the lower wins (default: `ordre`)
    parametres: mobili_pass   # its folder in knowledge/parametres/

This module reads only that part, for the lists (FAQ `check`, menu buttons, detection of the aid a
message names); bot.rules reads the whole file strictly. It imports neither Rasa nor bot.rules.
"""

import os
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Dict, List, Optional, Pattern, Tuple

from pydantic import BaseModel, Extra, Field, validator

from bot.knowledge.errors import KnowledgeError, KnowledgeErrors

FOLDER = "eligibilite"
NOT_AIDS = ("commun.yml", "faits.yml")
AID_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
PROJECT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def default_knowledge_dir() -> Path:
    """KNOWLEDGE_DIR, or the project's knowledge/."""
    return Path(os.environ.get("KNOWLEDGE_DIR", PROJECT_KNOWLEDGE))


class AidHeader(BaseModel):
    """The registry part of an aid file (its other keys are the rules and texts, checked by bot.rules)."""

    nom: str = Field(..., min_length=2)
    ordre: int
    bouton: str = Field(..., min_length=2, max_length=40)
    ordre_menu: Optional[int] = None
    mots: List[str] = Field(..., min_items=1)
    ordre_mots: Optional[int] = None
    parametres: str

    class Config:
        extra = Extra.ignore
        anystr_strip_whitespace = True

    @validator("mots", each_item=True)
    def _pattern(cls, value):
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"expression invalide « {value} » ({exc})")
        return value


@dataclass(frozen=True)
class RegisteredAid:
    id: str
    name: str
    button: str
    order: int
    menu_order: int
    words_order: int
    words: Tuple[str, ...]
    parameters: str
    file: str


@dataclass(frozen=True)
class Registry:
    """The aids of one knowledge folder, in their orders."""

    entries: Tuple[RegisteredAid, ...]

    @property
    def aids(self) -> Tuple[str, ...]:
        return tuple(aid.id for aid in sorted(self.entries, key=lambda a: (a.order, a.id)))

    @property
    def buttons(self) -> Dict[str, str]:
        """aid → its button's label, in the menu's order."""
        return {aid.id: aid.button for aid in sorted(self.entries, key=lambda a: (a.menu_order, a.id))}

    @cached_property
    def patterns(self) -> Tuple[Tuple[str, Pattern], ...]:
        """(aid, pattern) in the order they are tried on a message."""
        ordered = sorted(self.entries, key=lambda a: (a.words_order, a.id))
        return tuple((aid.id, re.compile("|".join(f"(?:{word})" for word in aid.words))) for aid in ordered)

    def __contains__(self, aid: str) -> bool:
        return any(entry.id == aid for entry in self.entries)

    def get(self, aid: str) -> Optional[RegisteredAid]:
        return next((entry for entry in self.entries if entry.id == aid), None)


def aid_paths(paths) -> List[str]:
    """The aid files among knowledge paths relative to the root (« eligibilite/visale.yml »)."""
    prefix = FOLDER + "/"
    return sorted(path for path in paths if path.startswith(prefix) and path.count("/") == 1
                  and path.endswith(".yml") and path[len(prefix):] not in NOT_AIDS)


def aid_id(path: str) -> str:
    return path.rsplit("/", 1)[-1][:-len(".yml")]


def registry_of(files: Dict[str, bytes], label: str) -> Tuple[Registry, List[KnowledgeError]]:
    """The registry of a knowledge folder given as {relative path: bytes}, and the problems of its headers."""
    from bot.knowledge.loader import parse_yaml, validate_model  # the loader uses this module too

    entries, errors = [], []
    for path in aid_paths(files):
        name, identifier = f"{label}/{path}", aid_id(path)
        if not AID_ID.match(identifier):
            errors.append(KnowledgeError(name, None, "", "nom de fichier d'aide invalide : minuscules, chiffres et _"))
            continue
        try:
            data, lines = parse_yaml(files[path], name)
        except KnowledgeErrors as exc:
            errors += exc.errors
            continue
        header, problems = validate_model(AidHeader, data, lines, name)
        errors += problems
        if header is None:
            continue
        entries.append(RegisteredAid(
            id=identifier, name=header.nom, button=header.bouton, order=header.ordre,
            menu_order=header.ordre if header.ordre_menu is None else header.ordre_menu,
            words_order=header.ordre if header.ordre_mots is None else header.ordre_mots,
            words=tuple(header.mots), parameters=header.parametres, file=name))
    return Registry(tuple(entries)), errors


def load_registry(root: Path) -> Registry:
    """The registry of the folder `root` (strict: KnowledgeErrors lists every problem of the headers)."""
    root = Path(root)
    folder = root / FOLDER
    files = {f"{FOLDER}/{path.name}": path.read_bytes() for path in sorted(folder.glob("*.yml"))} \
        if folder.is_dir() else {}
    registry, errors = registry_of(files, root.name)
    if errors:
        raise KnowledgeErrors(errors)
    return registry


_cache: Dict[Path, Tuple[tuple, Registry]] = {}
_lock = threading.Lock()


def current_registry(root: Optional[Path] = None) -> Registry:
    """The registry of `root` (default_knowledge_dir() by default), cached until an aid file changes.

    An invalid edit keeps the last valid registry (the rules do the same); with none yet, it raises."""
    root = Path(root or default_knowledge_dir()).resolve()
    folder = root / FOLDER
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yml"))) \
        if folder.is_dir() else ()
    with _lock:
        cached = _cache.get(root)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            registry = load_registry(root)
        except KnowledgeErrors:
            if cached is None:
                raise
            registry = cached[1]
        _cache[root] = (stamp, registry)
        return registry

