"""Read the rules' YAML files with the knowledge loader, plus the checks dated files need.

`parse_yaml` (bot.knowledge.loader) gives data and the line of every key. On top of it this adds:
- an invalid calendar date (`2023-13-01`) is reported with its line (YAML itself only says
  "month must be in 1..12");
- line numbers are looked up whatever the YAML type of a key (an unquoted date key is a date);
- the same key written once quoted and once unquoted is a duplicate, not a silent overwrite.
"""

import datetime as dt
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.loader import parse_yaml, read_tree

Lines = Dict[Tuple[Any, ...], int]

_DATE_LIKE = re.compile(r"(?<![\w'\"./-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w'\"./-])")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_folder(root: Path, folder: str) -> Dict[str, bytes]:
    """The YAML files of `root/folder`, keyed by their path relative to root."""
    prefix = folder.rstrip("/") + "/"
    return {path: raw for path, raw in read_tree(Path(root)).items() if path.startswith(prefix)}


def parse(raw: bytes, name: str) -> Tuple[Any, Lines]:
    """Data and lines of one YAML file; KnowledgeErrors (file, line, French message) if invalid."""
    _check_dates(raw, name)
    data, lines = parse_yaml(raw, name)
    return data, _normalise(lines, name)


def line_of(lines: Lines, path: Tuple[Any, ...]) -> Optional[int]:
    """Line of `path`, or of its closest parent that has one."""
    for end in range(len(path), -1, -1):
        part = path[:end]
        if part in lines:
            return lines[part]
        as_int = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in part)
        if as_int in lines:
            return lines[as_int]
    return None


def sub_lines(lines: Lines, prefix: Tuple[Any, ...]) -> Lines:
    """The lines below `prefix`, with paths relative to it (to validate a part of a file)."""
    size = len(prefix)
    return {path[size:]: line for path, line in lines.items() if path[:size] == prefix}


def parse_date(text: Any) -> Optional[dt.date]:
    """A strict AAAA-MM-JJ date, or None."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return text
    if not isinstance(text, str) or not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _check_dates(raw: bytes, name: str) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # parse_yaml reports it
    errors: List[KnowledgeError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split(" #", 1)[0]
        for match in _DATE_LIKE.finditer(code):
            year, month, day = (int(group) for group in match.groups())
            try:
                dt.date(year, month, day)
            except ValueError:
                errors.append(KnowledgeError(name, number, "", f"date impossible « {match.group(0)} » "
                                             "(format attendu : AAAA-MM-JJ, avec un mois et un jour qui existent)"))
    if errors:
        raise KnowledgeErrors(errors)


def _normalise(lines: Lines, name: str) -> Lines:
    result: Lines = {}
    for path, line in sorted(lines.items(), key=lambda item: item[1]):
        key = tuple(part.isoformat() if isinstance(part, dt.date) else part for part in path)
        if key in result and result[key] != line:
            raise KnowledgeErrors([KnowledgeError(name, line, str(key[-1]),
                                                  f"clé en double ({key[-1]}, déjà ligne {result[key]})")])
        result[key] = line
    return result
