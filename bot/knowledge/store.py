"""Hot-reloading knowledge store: edits are live on the next message, invalid edits never are.

`current()` looks at the files' size and modification time (a few stat calls); only when they
changed are the files read and validated. A valid new version replaces the served one and is
copied to a snapshot file; an invalid one is refused, logged with file/line/field, and the last
valid version keeps being served. A version without some of the served entries is refused too
(a file deleted by mistake): removing entries takes effect at the next start. At start-up, if the
files are invalid, the snapshot of the last valid version is served instead (so a broken edit
followed by a restart loses nothing).

Reading and validating run off the event loop (issue 15: a 20 MB file stalled every message for
10 s). The servers call `await refresh()` once per request, before the request's code uses
`current()`: a changed version is read in the store's own thread while the loop serves others, and
the request then gets it (edits stay live on the next message). `current()` itself, when called on
a running event loop while a version is already served, never reads the files: it serves the
served version and starts the reload in that thread. Anywhere else (command line, tests, threads,
nothing served yet) it reloads in place, as before. A file over the size limit is refused unread
(`bot/knowledge/loader.py` `max_file_bytes`).
"""

import asyncio
import concurrent.futures
import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.errors import KnowledgeError, KnowledgeErrors
from bot.knowledge.loader import load_files, read_tree

logger = logging.getLogger(__name__)

Fingerprint = Tuple[Tuple[str, int, int], ...]

# One thread for every store of the process: reloads never pile up, each waits for the one before.
_RELOADER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="knowledge-reload")


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@dataclass
class StoreStatus:
    """What the store serves and the last refused edit, for health endpoints and editors."""

    source: str = "none"  # "files", "snapshot" or "none"
    loaded_at: Optional[float] = None
    entries: int = 0
    errors: List[KnowledgeError] = field(default_factory=list)
    refused_at: Optional[float] = None

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "loaded_at": self.loaded_at,
            "entries": self.entries,
            "valid": not self.errors,
            "errors": [str(error) for error in self.errors],
            "refused_at": self.refused_at,
        }


PROJECT_ROOT = Path(__file__).resolve().parents[2]


class KnowledgeStore:
    """Serves the last valid knowledge base found in `root`. `snapshot`: the file keeping the last valid
    version; with `write_snapshot=False` it is only read (the Rasa server reads the action server's)."""

    def __init__(self, root: Path, snapshot: Optional[Path] = None, write_snapshot: bool = True):
        self.root = Path(root)
        self.snapshot = Path(snapshot) if snapshot else None
        self.write_snapshot = write_snapshot
        self.status = StoreStatus()
        self._base: Optional[KnowledgeBase] = None
        self._seen: Optional[Fingerprint] = None
        self._lock = threading.Lock()
        self._pending: Optional[concurrent.futures.Future] = None
        self._pending_lock = threading.Lock()

    def fingerprint(self) -> Fingerprint:
        items = []
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*.yml")):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                items.append((path.relative_to(self.root).as_posix(), stat.st_mtime_ns, stat.st_size))
        return tuple(items)

    def current(self) -> KnowledgeBase:
        """The knowledge base to use for this message (reloaded if the files changed and are valid).
        On a running event loop with a version served: that version, the reload started off the loop."""
        if self.fingerprint() != self._seen:
            if self._base is not None and _on_event_loop():
                self._reload_in_background()
            else:
                self._reload_if_changed()
        base = self._base
        if base is None:
            raise KnowledgeErrors(self.status.errors or [
                KnowledgeError(str(self.root), None, "", "aucun contenu valide disponible")])
        return base

    async def refresh(self) -> None:
        """Reload the files if they changed, in the store's thread: the event loop is not held. Also
        waits for a reload already under way (its version is the one to serve)."""
        pending = self._pending
        if self.fingerprint() != self._seen or (pending is not None and not pending.done()):
            try:
                await asyncio.wrap_future(self._reload_in_background())
            except Exception:  # never fail the request: current() serves what it has, or says why
                logger.exception("Rechargement des contenus impossible.")

    def _reload_in_background(self) -> concurrent.futures.Future:
        with self._pending_lock:
            if self._pending is None or self._pending.done():
                self._pending = _RELOADER.submit(self._reload_if_changed)
            return self._pending

    def _reload_if_changed(self) -> None:
        with self._lock:
            fingerprint = self.fingerprint()
            if fingerprint != self._seen:
                self._seen = fingerprint
                self._reload()

    def _reload(self) -> None:
        try:
            files = read_tree(self.root)
            base = load_files(files, self.root.name)
            self._check_no_entry_removed(base)
        except KnowledgeErrors as exc:
            self.status.errors = exc.errors
            self.status.refused_at = time.time()
            if self._base is None:
                self._load_snapshot()
            logger.error("Modification des contenus refusée, la version précédente reste en service.\n%s",
                         exc.report())
            return
        self._base = base
        self.status = StoreStatus(source="files", loaded_at=time.time(), entries=len(base.entries))
        logger.info("Contenus chargés : %d fiches.", len(base.entries))
        self._write_snapshot(files)

    def _check_no_entry_removed(self, base: KnowledgeBase) -> None:
        """While running, an entry never disappears: the trained model still picks it, and its users
        would get « je n'ai pas compris » (a file deleted or renamed by mistake, a folder half copied).
        Removing entries takes effect at the next start, after `make train`."""
        if self._base is None:
            return
        removed = sorted(set(self._base.entries) - set(base.entries))
        if removed:
            names = ", ".join(removed[:8]) + (f" (et {len(removed) - 8} autres)" if len(removed) > 8 else "")
            raise KnowledgeErrors([KnowledgeError(
                self.root.name, None, "id",
                f"fiches disparues pendant le fonctionnement : {names} (fichier supprimé ou renommé ?). "
                "Pour retirer une fiche : make train puis redémarrage ; d'ici là, la version précédente reste servie")])

    @classmethod
    def from_environment(cls, write_snapshot: bool = True) -> "KnowledgeStore":
        """The servers' store: knowledge/ at KNOWLEDGE_DIR (the project's by default), its last valid version
        in KNOWLEDGE_SNAPSHOT (var/knowledge-last-valid.json by default)."""
        root = Path(os.environ.get("KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge"))
        snapshot = Path(os.environ.get("KNOWLEDGE_SNAPSHOT", PROJECT_ROOT / "var" / "knowledge-last-valid.json"))
        return cls(root, snapshot, write_snapshot)

    def status_report(self) -> dict:
        """`status` for a status route, the contents loaded first if needed (invalid ones are a status)."""
        try:
            self.current()
        except KnowledgeErrors:
            pass
        return self.status.as_dict()

    def _write_snapshot(self, files: Dict[str, bytes]) -> None:
        if not self.snapshot or not self.write_snapshot:
            return
        try:
            self.snapshot.parent.mkdir(parents=True, exist_ok=True)
            payload = {name: raw.decode("utf-8") for name, raw in files.items()}
            with tempfile.NamedTemporaryFile("w", dir=self.snapshot.parent, delete=False, encoding="utf-8") as tmp:
                json.dump(payload, tmp, ensure_ascii=False)
            os.replace(tmp.name, self.snapshot)
        except OSError as exc:
            logger.warning("Copie de sauvegarde des contenus impossible (%s).", exc)

    def _load_snapshot(self) -> None:
        if not self.snapshot or not self.snapshot.is_file():
            return
        try:
            payload = json.loads(self.snapshot.read_text(encoding="utf-8"))
            base = load_files({name: text.encode("utf-8") for name, text in payload.items()}, self.root.name)
        except (OSError, ValueError, KnowledgeErrors) as exc:
            logger.error("La copie de sauvegarde des contenus est inutilisable (%s).", exc)
            return
        self._base = base
        self.status.source = "snapshot"
        self.status.loaded_at = time.time()
        self.status.entries = len(base.entries)
        logger.warning("Contenus invalides au démarrage : la dernière version valide (sauvegarde) est servie.")
