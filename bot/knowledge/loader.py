"""Strict loader of knowledge/: YAML with line numbers, schema checks, cross-file checks.

Every problem becomes a `KnowledgeError(file, line, field, message)` in French; nothing half-valid
is ever returned: either the whole knowledge base loads or `KnowledgeErrors` is raised.
"""

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Type

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.registry import Registry, registry_of
from bot.knowledge.schema import DialogueFile, DistressFile, Entry, FaqFile, LexiconFile, question_key

FAQ_DIR = "faq"
DIALOGUE_FILE = "dialogue.yml"
LEXICON_FILE = "lexique.yml"
DISTRESS_FILE = "detresse.yml"

Path_ = Tuple[Any, ...]

_PYDANTIC_MESSAGES = {
    "value_error.missing": "champ obligatoire manquant",
    "value_error.extra": "champ inconnu",
    "type_error.none.not_allowed": "valeur manquante",
    "type_error.str": "texte attendu",
    "type_error.list": "liste attendue",
    "type_error.dict": "dictionnaire (clé: valeur) attendu",
    "type_error.float": "nombre attendu",
    "value_error.float": "nombre attendu",
    "value_error.date": "date invalide (format attendu : AAAA-MM-JJ)",
    "type_error.date": "date invalide (format attendu : AAAA-MM-JJ)",
    "value_error.any_str.min_length": "texte trop court",
    "value_error.any_str.max_length": "texte trop long",
    "value_error.list.min_items": "pas assez d'éléments",
    "value_error.const": "valeur non autorisée",
    "value_error.number.not_ge": "valeur trop petite",
    "value_error.number.not_le": "valeur trop grande",
}


# A knowledge file has a few thousand YAML nodes. Aliases (*name) are references to one node, which
# the conversion below copies: nine levels of nine aliases would make billions of them.
MAX_NODES = 100_000
# The YAML parser's time grows with the square of the nesting of [ ] and { } (10 s for 5,000 levels,
# while the action server waits): a deeper file is refused before parsing.
MAX_FLOW_DEPTH = 100
# A knowledge file is at most a few hundred kB (the largest, detresse.yml, about 90 kB). A 20 MB file
# took the parser 10 s and more at each reload: a file larger than this is refused unread (issue 15),
# and the last valid version stays served. KNOWLEDGE_MAX_FILE_BYTES changes it.
MAX_FILE_BYTES = 2 * 1024 * 1024
_BRACKETS = re.compile(r"[\[\]{}]")


class _TooManyNodes(Exception):
    pass


def _too_deep(text: str) -> Optional[int]:
    """The line where [ and { (quoted ones included) nest deeper than MAX_FLOW_DEPTH, if they do."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        if depth > MAX_FLOW_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


def _line(lookup, key: Any) -> Optional[int]:
    """Line of a key or item; None for those ruamel has no position for (merged keys, tagged nodes)."""
    try:
        return lookup(key)[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def _plain(node: Any, path: Path_, lines: Dict[Path_, int], budget: List[int]) -> Any:
    """Turn a ruamel round-trip tree into plain Python, recording the line of every key/item."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooManyNodes()
    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            line = _line(node.lc.key, key)
            if line:
                lines[path + (key,)] = line
            result[str(key)] = _plain(value, path + (str(key),), lines, budget)
        return result
    if isinstance(node, CommentedSeq):
        result = []
        for index, value in enumerate(node):
            line = _line(node.lc.item, index)
            if line:
                lines[path + (index,)] = line
            result.append(_plain(value, path + (index,), lines, budget))
        return result
    if isinstance(node, str):
        return str(node)
    return node


def max_file_bytes() -> int:
    """The size limit of one knowledge file (KNOWLEDGE_MAX_FILE_BYTES, 2 Mo by default)."""
    try:
        value = int(os.environ.get("KNOWLEDGE_MAX_FILE_BYTES", MAX_FILE_BYTES))
    except ValueError:
        return MAX_FILE_BYTES
    return value if value > 0 else MAX_FILE_BYTES


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "") + " Mo"


def too_large(name: str, size: int, limit: int) -> KnowledgeError:
    return KnowledgeError(name, None, "", f"fichier trop volumineux ({_megabytes(size)}, {size} octets) : "
                          f"{_megabytes(limit)} au plus par fichier de contenus ; fichier non lu")


def read_limited(path: Path, name: str, limit: Optional[int] = None) -> bytes:
    """The file's bytes, refused (KnowledgeErrors naming it) above `limit` without reading it all."""
    limit = limit or max_file_bytes()
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise KnowledgeErrors([too_large(name, size, limit)])
        raw = handle.read(limit + 1)
    if len(raw) > limit:  # grew since the stat (still being written)
        raise KnowledgeErrors([too_large(name, len(raw), limit)])
    return raw


def read_tree(root: Path) -> Dict[str, bytes]:
    """Every knowledge YAML file under `root`, as raw bytes keyed by its path relative to root.
    A file larger than `max_file_bytes()` is refused unread, every such file named."""
    root = Path(root)
    if not root.is_dir():
        raise KnowledgeErrors([KnowledgeError(str(root), None, "", "dossier des contenus introuvable")])
    files, errors, limit = {}, [], max_file_bytes()
    for path in sorted(root.rglob("*.yml")):
        try:
            files[path.relative_to(root).as_posix()] = read_limited(path, _display(path, root), limit)
        except KnowledgeErrors as exc:
            errors += exc.errors
        except OSError as exc:
            raise KnowledgeErrors([KnowledgeError(_display(path, root), None, "", f"lecture impossible ({exc.strerror})")])
    if errors:
        raise KnowledgeErrors(errors)
    return files


def parse_yaml(raw: bytes, name: str) -> Tuple[Any, Dict[Path_, int]]:
    """Parse one YAML document; raise KnowledgeErrors with the line of any syntax problem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeErrors([KnowledgeError(name, None, "", f"le fichier n'est pas en UTF-8 ({exc.reason})")])
    deep = _too_deep(text)
    if deep:
        raise KnowledgeErrors([KnowledgeError(name, deep, "", f"imbrication trop profonde : plus de {MAX_FLOW_DEPTH} "
                                              "[ ou { ouverts les uns dans les autres")])
    try:
        tree = YAML(typ="rt", pure=True).load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "erreur de syntaxe"
        if "duplicate key" in problem:
            problem = "clé en double (" + problem.split('"')[1] + ")" if '"' in problem else "clé en double"
        raise KnowledgeErrors([KnowledgeError(name, line, "", f"syntaxe YAML invalide : {problem}")])
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise KnowledgeErrors([KnowledgeError(name, None, "", f"syntaxe YAML invalide : {exc}")])
    except Exception as exc:  # the YAML library's own failures (an assertion on « !!omap »…): still a refusal
        raise KnowledgeErrors([KnowledgeError(name, None, "", f"syntaxe YAML invalide ({type(exc).__name__})")])
    lines: Dict[Path_, int] = {}
    try:
        return _plain(tree, (), lines, [MAX_NODES]), lines
    except _TooManyNodes:
        raise KnowledgeErrors([KnowledgeError(name, None, "", f"fichier trop grand : plus de {MAX_NODES:,} éléments "
                                              "(des alias YAML « *nom » répétés ?)".replace(",", " "))])
    except RecursionError:
        raise KnowledgeErrors([KnowledgeError(name, None, "", "imbrication trop profonde (ou alias YAML circulaire)")])


def _display(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _line_of(lines: Dict[Path_, int], loc: Path_) -> Optional[int]:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _field_name(loc: Path_) -> str:
    names = [str(part) for part in loc if not isinstance(part, int) and part != "__root__"]
    return names[-1] if names else ""


def validate_model(model: Type[BaseModel], data: Any, lines, name: str) -> Tuple[Optional[BaseModel], List[KnowledgeError]]:
    """Validate `data` against `model`; translate pydantic errors into located French errors."""
    if data is None:
        return None, [KnowledgeError(name, None, "", "le fichier est vide")]
    if not isinstance(data, dict):
        return None, [KnowledgeError(name, 1, "", "le fichier doit commencer par une clé (par exemple « entries: »)")]
    try:
        return model.parse_obj(data), []
    except ValidationError as exc:
        errors, seen = [], set()
        for error in exc.errors():
            loc = tuple(error["loc"])
            # A union field (answer) reports one error per alternative: keep the most specific one.
            loc = tuple(part for part in loc if part != "__root__")
            message = _PYDANTIC_MESSAGES.get(error["type"], error["msg"])
            if error["type"] == "value_error.extra":
                allowed = ", ".join(_allowed_fields(model, loc))
                message = f"champ inconnu (champs possibles : {allowed})"
            elif error["type"] == "value_error.list.min_items":
                message = f"au moins {error['ctx']['limit_value']} éléments sont demandés"
            elif error["type"] == "value_error.const":
                message = "valeur non autorisée (valeurs possibles : " + ", ".join(
                    str(v) for v in error["ctx"]["permitted"]) + ")"
            if error["type"] == "type_error.str" and isinstance(_value_at(data, loc), dict):
                message = ("texte attendu ; une phrase qui contient « : » (deux-points suivi d'un espace) "
                           "doit être mise entre guillemets")
            entry_id = _entry_id(data, loc)
            if entry_id:
                message = f"fiche « {entry_id} » : {message}"
            key = (loc[:3], message) if "answer" in loc else (loc, message)
            if key in seen:
                continue
            seen.add(key)
            errors.append(KnowledgeError(name, _line_of(lines, loc), _field_name(loc), message))
        return None, _drop_union_noise(errors)


def _drop_union_noise(errors: List[KnowledgeError]) -> List[KnowledgeError]:
    """`answer: 12` fails as text and as list: report it once as 'texte attendu'."""
    result, seen = [], set()
    for error in errors:
        key = (error.file, error.line, error.field)
        if error.field in ("answer", "public_answer") and key in seen:
            continue
        seen.add(key)
        result.append(error)
    return result


def _allowed_fields(model: Type[BaseModel], loc: Path_) -> List[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = current.__fields__.get(part)
        if field is None:
            break
        inner = field.type_
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            current = inner
    return [f.alias for f in current.__fields__.values()]


def _value_at(data: Any, loc: Path_) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _entry_id(data: Any, loc: Path_) -> Optional[str]:
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
        try:
            entry = data["entries"][loc[1]]
            if loc[2:3] != ("id",) and isinstance(entry, dict) and isinstance(entry.get("id"), str):
                return entry["id"]
        except (KeyError, IndexError, TypeError):
            return None
    return None


def _load_faq(files: Dict[str, bytes], label: str, errors: List[KnowledgeError], registry: Registry) -> Dict[str, Entry]:
    entries: Dict[str, Entry] = {}
    where: Dict[str, Tuple[str, Optional[int]]] = {}
    question_owner: Dict[str, Tuple[str, str]] = {}
    faq_files = [path for path in sorted(files) if path.startswith(FAQ_DIR + "/") and path.count("/") == 1]
    if not faq_files:
        errors.append(KnowledgeError(f"{label}/{FAQ_DIR}", None, "", "aucun fichier de fiches (*.yml)"))
    for path in faq_files:
        name = f"{label}/{path}"
        try:
            data, lines = parse_yaml(files[path], name)
        except KnowledgeErrors as exc:
            errors.extend(exc.errors)
            continue
        model, file_errors = validate_model(FaqFile, data, lines, name)
        errors.extend(file_errors)
        if model is None:
            continue
        for index, entry in enumerate(model.entries):
            line = lines.get(("entries", index, "id"))
            if entry.id in entries:
                first_file, first_line = where[entry.id]
                errors.append(KnowledgeError(
                    name, line, "id",
                    f"identifiant en double « {entry.id} » (déjà utilisé dans {first_file}, ligne {first_line})"))
                continue
            entries[entry.id] = entry
            where[entry.id] = (name, line)
            if entry.check is not None and entry.check not in registry:
                errors.append(KnowledgeError(
                    name, lines.get(("entries", index, "check")), "check",
                    f"aide inconnue « {entry.check} » (valeurs possibles : {', '.join(registry.aids) or 'aucune'} ; "
                    "une aide est un fichier de eligibilite/)"))
            for audience in ("tous", "professionnels"):
                if entry.text_on(dt.date.today(), audience) is None:
                    errors.append(KnowledgeError(
                        name, lines.get(("entries", index, "answer")), "answer",
                        f"fiche « {entry.id} » : aucune version datée de la réponse ne s'applique aujourd'hui"))
                    break
            for q_index, question in enumerate(entry.questions):
                key = question_key(question)
                owner = question_owner.get(key)
                if owner and owner[0] != entry.id:
                    errors.append(KnowledgeError(
                        name, lines.get(("entries", index, "questions", q_index)), "questions",
                        f"fiche « {entry.id} » : la formulation « {question} » est aussi dans la fiche "
                        f"« {owner[0]} » ({owner[1]})"))
                question_owner.setdefault(key, (entry.id, name))
    for entry_id, entry in entries.items():
        for target in entry.see_also:
            if target not in entries:
                name, line = where[entry_id]
                errors.append(KnowledgeError(name, line, "see_also",
                                             f"fiche « {entry_id} » : « {target} » n'est pas une fiche connue"))
    return entries


def _load_single(files: Dict[str, bytes], label: str, filename: str, model: Type[BaseModel],
                 errors: List[KnowledgeError]):
    name = f"{label}/{filename}"
    if filename not in files:
        errors.append(KnowledgeError(name, None, "", "fichier manquant"))
        return None
    try:
        data, lines = parse_yaml(files[filename], name)
    except KnowledgeErrors as exc:
        errors.extend(exc.errors)
        return None
    parsed, file_errors = validate_model(model, data, lines, name)
    errors.extend(file_errors)
    return parsed


def load_files(files: Dict[str, bytes], label: str = "knowledge") -> KnowledgeBase:
    """Validate knowledge given as {relative path: bytes}; raise KnowledgeErrors listing all problems.

    `label` is the folder name shown in error messages.
    """
    errors: List[KnowledgeError] = []
    registry, registry_errors = registry_of(files, label)
    errors += registry_errors
    entries = _load_faq(files, label, errors, registry)
    dialogue = _load_single(files, label, DIALOGUE_FILE, DialogueFile, errors)
    if dialogue is not None:
        if dialogue.eligibilite.aids:
            errors.append(KnowledgeError(f"{label}/{DIALOGUE_FILE}", None, "aids",
                                         "la liste des aides ne s'écrit plus ici : chaque aide est un fichier de "
                                         "eligibilite/ (son bouton : champ « bouton »)"))
        dialogue.eligibilite.aids = registry.buttons
    lexicon = _load_single(files, label, LEXICON_FILE, LexiconFile, errors)
    distress = _load_single(files, label, DISTRESS_FILE, DistressFile, errors)
    if distress is not None:
        clashes = sorted({s.id for s in distress.situations} & set(entries))
        if clashes:
            errors.append(KnowledgeError(f"{label}/{DISTRESS_FILE}", None, "id",
                                         "identifiant déjà utilisé par une fiche : " + ", ".join(clashes)))
    if errors:
        raise KnowledgeErrors(errors)
    return KnowledgeBase(entries=entries, dialogue=dialogue, lexicon=lexicon, distress=distress)


def load_knowledge(root: Path) -> KnowledgeBase:
    """Load and validate every knowledge file under the folder `root`."""
    return load_files(read_tree(root), Path(root).name)
