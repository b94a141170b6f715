"""Fuzzed knowledge files: the loader only ever answers with a knowledge base or KnowledgeErrors
(never another exception, never a hang), and the store never replaces the content it serves with
anything invalid — not while running, not after a restart.

The files are a small valid folder (tests/knowledge_factory.py) plus, in some examples, one real file
of knowledge/ (the real folder takes a second to load: too slow for hundreds of examples)."""

import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Dict

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge import KnowledgeBase, KnowledgeErrors, KnowledgeStore
from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import load_files, read_tree
from tests.knowledge_factory import DIALOGUE, entry, write_knowledge
from tests.reliability.hostile import any_char, fuzz_settings

pytestmark = pytest.mark.fuzz
PROJECT_KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
REAL_FILES = ["dialogue.yml", "lexique.yml", "faq/conversation.yml", "faq/contacts.yml"]
SLOW = 5.0  # seconds: a knowledge folder loads in about 0.03 s here, the real one in about 1 s


def _factory_files() -> Dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        return read_tree(write_knowledge(Path(folder) / "knowledge"))


GOOD = _factory_files()
REAL = {name: (PROJECT_KNOWLEDGE / name).read_bytes() for name in REAL_FILES}


# --- how a file gets broken -------------------------------------------------------------------

YAML_TRICKS = [
    # billion laughs: nine levels of nine aliases (ruamel keeps references; expanding them would not end)
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)),
    "entries: &e\n  - id: x\n    see_also: *e\n",  # a recursive alias
    "base: &b {title: T}\nentries:\n  - <<: *b\n    id: visale_x\n",  # merge key
    "entries:\n  - <<: [*undefined]\n",
    "!!python/object/apply:os.system ['echo pwned']\n",
    "entries: !!python/name:os.system\n",
    "entries: !!binary aGVsbG8=\n",
    "entries: !!set {a, b}\n",
    "entries: !!omap [a: 1, a: 2]\n",
    "entries: !!timestamp 2026-13-45\n",
    "? [a, b]\n: c\n",
    "? {a: b}\n: c\n",
    "entries:\n  - id: x\n    reviewed: 2026-02-30\n",
    "entries:\n  - id: x\n    reviewed: 99999-01-01\n",
    "entries:\n  - id: x\n    reviewed: 0001-01-01\n",
    "[" * 5000 + "]" * 5000,
    "{a: " * 3000 + "1" + "}" * 3000,
    "- " * 3000 + "x\n",
    "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 800)),
    "---\nentries: []\n---\nentries: []\n",
    "\ufeffentries: []\n",
    "entries:\n\t- id: x\n",
    "entries: [\n",
    "%YAML 9.9\n---\nentries: []\n",
    "%TAG ! tag:evil.example,2000:\n---\nentries: !x []\n",
    "entries: *nowhere\n",
    "entries: 0x" + "f" * 5000 + "\n",
    "entries: 1e99999\n",
    "entries: .nan\n",
    "x" * 200_000,
    "a: " + "'" + "é" * 50_000 + "'\n",
    "entries:\n  - " + "\n  - ".join(["{}"] * 2000) + "\n",
    "messages: null\nthresholds: {answer: .inf, clarify: -.inf, margin: .nan}\n",
    "\x00\x01\x02",
    "entries: \"\\ud800\"\n",
    "entries: \"\\x00\"\n",
]
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1", "cp1252"])
FIELDS = ["entries", "id", "title", "intent", "audience", "questions", "answer", "public_answer", "sources",
          "reviewed", "see_also", "check", "from", "until", "text", "url", "seed", "messages", "thresholds",
          "eligibilite", "abreviations", "variantes", "situations", "cues", "not_if", "staff_answer", "answer",
          "welcome", "fallback", "clarify", "margin", "suggestion", "resume_form", "follow_up", "aids"]
yaml_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(any_char.filter(
    lambda c: not 0xD800 <= ord(c) <= 0xDFFF), max_size=30), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
yaml_tree = st.recursive(yaml_scalar, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5),
                         max_leaves=25)


def _dump(tree) -> bytes:
    return yaml.safe_dump(tree, allow_unicode=True).encode("utf-8")


def _entry_variant(data: st.DataObject) -> bytes:
    """A valid entry with one field set to something else, dropped, or an unknown field added."""
    item = entry("visale_couple")
    field = data.draw(st.sampled_from(sorted(item) + ["unknown_field", "public_answer", "check", "see_also"]))
    if data.draw(st.booleans()) and field in item:
        del item[field]
    else:
        item[field] = data.draw(yaml_tree)
    return _dump({"entries": [item, entry("visale_demande")]})


def _dialogue_variant(data: st.DataObject) -> bytes:
    dialogue = yaml.safe_load(yaml.safe_dump(DIALOGUE))
    section = data.draw(st.sampled_from(sorted(dialogue)))
    key = data.draw(st.sampled_from(sorted(dialogue[section]) + ["inconnu"]))
    dialogue[section][key] = data.draw(yaml_tree)
    return _dump(dialogue)


def _bytes_mutation(data: st.DataObject, raw: bytes) -> bytes:
    raw = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        position = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if action == "flip" and raw:
            raw[position] = data.draw(st.integers(0, 255))
        elif action == "insert":
            raw[position:position] = data.draw(st.sampled_from([b":", b"- ", b"\n", b"  ", b"\t", b"'", b'"', b"&a ",
                                                                 b"*a", b"!!", b"{", b"[", b"#", b"\xff", b"\x00",
                                                                 b"<<: ", b"? ", b"|", b">-", b"---\n", b"%"]))
        elif action == "delete":
            del raw[position:position + data.draw(st.integers(1, 40))]
        elif action == "truncate":
            del raw[position:]
        elif action == "duplicate":
            raw[position:position] = raw[position:position + data.draw(st.integers(1, 200))]
    return bytes(raw)


@st.composite
def knowledge_files(draw) -> Dict[str, bytes]:
    files = dict(GOOD)
    if draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from(REAL_FILES))
        files[name] = REAL[name]
    data = draw(st.data())
    for _ in range(draw(st.integers(1, 2))):
        name = draw(st.sampled_from(sorted(files) + ["faq/nouveau.yml"]))
        how = draw(st.sampled_from(["bytes", "trick", "tree", "entry", "dialogue", "encoding", "remove", "empty"]))
        if how == "bytes":
            files[name] = _bytes_mutation(data, files.get(name, GOOD["faq/visale.yml"]))
        elif how == "trick":
            files[name] = draw(st.sampled_from(YAML_TRICKS)).encode("utf-8", "surrogatepass")
        elif how == "tree":
            files[name] = _dump(draw(yaml_tree))
        elif how == "entry":
            files["faq/visale.yml"] = _entry_variant(data)
        elif how == "dialogue":
            files["dialogue.yml"] = _dialogue_variant(data)
        elif how == "encoding":
            text = files.get(name, GOOD["lexique.yml"]).decode("utf-8", "replace")
            files[name] = text.encode(draw(ENCODINGS), "replace")
        elif how == "remove":
            files.pop(name, None)
        else:
            files[name] = b""
    return files


def load_or_errors(files: Dict[str, bytes]):
    """What load_files answers, checked: a KnowledgeBase or KnowledgeErrors made of located errors."""
    start = time.monotonic()
    try:
        result = load_files(files)
    except KnowledgeErrors as exc:
        assert exc.errors and all(isinstance(e, KnowledgeError) and isinstance(e.file, str) and e.message
                                  for e in exc.errors)
        str(exc)  # the report can be written
        result = exc
    assert time.monotonic() - start < SLOW, "the loader took too long"
    return result


# --- the properties ---------------------------------------------------------------------------

@pytest.mark.parametrize("trick", range(len(YAML_TRICKS)))
def test_yaml_tricks_are_refused_cleanly(trick):
    for name in ("faq/visale.yml", "dialogue.yml", "lexique.yml"):
        files = {**GOOD, name: YAML_TRICKS[trick].encode("utf-8", "surrogatepass")}
        assert isinstance(load_or_errors(files), KnowledgeErrors), (trick, name)


def test_yaml_tags_never_run_code(tmp_path):
    witness = tmp_path / "executed"
    for tag in ("!!python/object/apply:os.system", "!!python/object/apply:subprocess.call"):
        trick = f"entries: {tag} [[\"touch\", \"{witness}\"]]\n"
        assert isinstance(load_or_errors({**GOOD, "faq/visale.yml": trick.encode()}), KnowledgeErrors)
    assert not witness.exists()


@fuzz_settings(400)
@given(files=knowledge_files())
def test_loader_answers_a_base_or_knowledge_errors(tally, files):
    tally["knowledge loader"] += 1
    result = load_or_errors(files)
    assert isinstance(result, (KnowledgeBase, KnowledgeErrors))


def _write(root: Path, files: Dict[str, bytes]) -> None:
    for path in sorted(root.rglob("*.yml"), reverse=True):
        path.unlink()
    for name, raw in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        stat = target.stat()  # a new modification time even on coarse file systems
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


@fuzz_settings(60)
@given(files=knowledge_files())
def test_store_never_serves_invalid_content(tally, files):
    tally["knowledge store"] += 1
    folder = Path(tempfile.mkdtemp(prefix="fuzz-knowledge-"))
    try:
        root, snapshot = folder / "knowledge", folder / "snapshot.json"
        _write(root, GOOD)
        store = KnowledgeStore(root, snapshot)
        good = store.current()
        _write(root, files)
        outcome = load_or_errors(files)
        served = store.current()  # never raises: there is valid content to serve
        invalid = isinstance(outcome, KnowledgeErrors)
        if invalid or not set(good.entries) <= set(outcome.entries):  # broken, or entries gone
            assert served is good and store.status.errors
        if invalid:
            restarted = KnowledgeStore(root, snapshot)  # a restart with the broken files: the snapshot
            assert restarted.current().entries.keys() == good.entries.keys()
            assert restarted.status.source == "snapshot"
        elif set(good.entries) <= set(outcome.entries):
            assert served is not good and store.status.source == "files" and not store.status.errors
    finally:
        shutil.rmtree(folder, ignore_errors=True)
