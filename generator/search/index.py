"""The Whoosh search index of the notes: build and update it, search it, find related notes.

The only module that imports Whoosh, and only our own dataclasses leave it. The index lives in
one folder (the `cache_dir` option) under a name that carries SCHEMA_VERSION, so a schema
change starts a new index. Each document keeps a hash of what was indexed, so the index itself
is the manifest: an update compares those hashes with the notes and touches only added, changed
and removed ones. Whoosh writes new segments first and then renames a new table of contents into
place, so an interrupted update leaves the previous index intact. Writers take a file lock (the
OS drops it if the process dies); a second writer waits up to `timeout` seconds for it, then
fails with IndexBusy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.util.filelock import try_for

from generator.model import Note
from generator.processes import can_fork, usable_cores
from generator.progress import Factory, silent
from generator.search.searcher import InsightIndex, _manifest, _schema

SCHEMA_VERSION = 2  # 2: a note's text leaves its HTML out
INDEX_NAME = f"insights_v{SCHEMA_VERSION}"
STATE_FILE = f"{INDEX_NAME}.state.json"
MERGE_ALWAYS_BELOW = 500  # notes; below this every update merges, so scores match a rebuild
MERGE_SHARE = 0.2  # above it, merge once deleted documents reach this share of the index


class IndexBusy(RuntimeError):
    """Another process kept the index locked for longer than we were willing to wait."""


def plain_text(markdown: str) -> str:
    """A note's body as one line of plain text: no headings (section labels such as 'So what'
    would only clutter snippets), and no HTML, quote, list, link or emphasis markup."""
    from generator.notes.scan import without_html  # here: a search that updates nothing needs none

    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s.*$", "", without_html(markdown))
    text = re.sub(r"(?m)^\s{0,3}(?:>\s?|[-*+]\s+|\d+[.)]\s+)", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[*_`]+", "", text).split())


def note_hash(note: Note) -> str:
    """A hash of everything the index keeps of a note: equal hashes, equal documents."""
    parts = (
        *(note.id, note.path, note.title, note.date.isoformat(), note.area, note.source),
        *(note.customers, note.tags, note.team, note.author, note.confidence, note.body),
    )
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def document(note: Note) -> dict[str, Any]:
    """The fields Whoosh indexes for one note."""
    body = plain_text(note.body)
    return {
        "id": note.id,
        "hash": note_hash(note),
        "path": note.path,
        "title": note.title,
        "body": body,
        "body_z": zlib.compress(body.encode("utf-8")),
        # Whoosh compares naive datetimes: midnight of the note's (timezone-free) day.
        "date": dt.datetime(note.date.year, note.date.month, note.date.day),
        "area": note.area,
        "tags": ",".join(note.tags),
        "customers": ",".join(note.customers),
        "source": note.source,
        "team": note.team or "",
        "author": note.author or "",
        "confidence": note.confidence,
    }


# --- Opening and updating -----------------------------------------------------------------


def open_index(
    folder: Path,
    notes: Sequence[Note],
    stamp: dict[str, Any] | None = None,
    timeout: float = 30.0,
    progress: Factory = silent,
) -> InsightIndex:
    """Open the index in `folder`, first bringing it up to date with exactly these notes.

    Only added, changed and removed notes are written. `stamp` is recorded with the resulting
    generation of the index (see `open_existing`). If two notes share an id, the first wins.
    An index that cannot be read (damaged or half-deleted files) is rebuilt.
    """
    storage = _storage(folder)
    wanted = _wanted(notes)
    for attempt in range(3):
        try:
            ix, generation = _sync(storage, folder, wanted, timeout, progress)
            break
        except IndexBusy:
            raise
        except Exception:  # a writer's clean-up raced our read, or the files are damaged
            if attempt == 2:
                raise
            if attempt == 1:
                _reset(storage, folder, timeout)
    _write_state(folder, generation, stamp or {})
    return InsightIndex(ix, folder, stamp or {})


def _sync(
    storage: Any,
    folder: Path,
    wanted: dict[str, tuple[str, Note]],
    timeout: float,
    progress: Factory = silent,
) -> tuple[Any, int]:
    """The index, updated to the wanted notes if it differs, and its generation."""
    ix = _open_or_create(storage, folder, timeout)
    with ix.reader() as reader:
        generation = reader.generation()
        stale = any(_diff(_manifest(reader), wanted))
    if stale:
        generation = _update(ix, folder, wanted, timeout, progress)
    return ix, generation


def _reset(storage: Any, folder: Path, timeout: float) -> None:
    """Delete this version's index files (not its locks) under the write lock; start empty."""
    with _locked(storage, f"{INDEX_NAME}_WRITELOCK", folder, timeout):
        for path in folder.iterdir():
            ours = path.name.lstrip("_").startswith((f"{INDEX_NAME}_", f"{INDEX_NAME}."))
            if ours and not path.name.endswith(("_WRITELOCK", "_CREATE")):
                path.unlink(missing_ok=True)
        storage.create_index(_schema(), indexname=INDEX_NAME)


def open_existing(folder: Path) -> InsightIndex | None:
    """The index in `folder` as it is, with the stamp its last update recorded (else {}).

    None if there is no readable index of this schema version.
    """
    storage = _storage(folder, create=False)
    try:
        if storage is None or not storage.index_exists(INDEX_NAME):
            return None
        ix = storage.open_index(INDEX_NAME)
        opened = InsightIndex(ix, folder, _read_state(folder, ix.latest_generation()))
        opened._open_searcher()  # opens every segment: damaged files fail here, not mid-search
        return opened
    except Exception:  # damaged files: `open_index` will rebuild them
        return None


def _storage(folder: Path, create: bool = True) -> Any:
    if not folder.is_dir():
        if not create:
            return None
        folder.mkdir(parents=True, exist_ok=True)
    return FileStorage(str(folder))


def _open_or_create(storage: Any, folder: Path, timeout: float) -> Any:
    if storage.index_exists(INDEX_NAME):
        return storage.open_index(INDEX_NAME)
    with _locked(storage, f"{INDEX_NAME}_CREATE", folder, timeout):
        if not storage.index_exists(INDEX_NAME):
            _remove_other_versions(folder)
            storage.create_index(_schema(), indexname=INDEX_NAME)
    return storage.open_index(INDEX_NAME)


class _locked:
    """Hold one of the index folder's file locks, waiting up to `timeout` seconds for it."""

    def __init__(self, storage: Any, name: str, folder: Path, timeout: float) -> None:
        self.lock = storage.lock(name)
        self.folder = folder
        self.timeout = timeout

    def __enter__(self) -> None:
        if not try_for(self.lock.acquire, timeout=self.timeout, delay=0.05):
            raise IndexBusy(_busy(self.folder, self.timeout))

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def _busy(folder: Path, timeout: float) -> str:
    return (
        f"the search index in {folder} is being updated by another 'insights' process; "
        f"waited {timeout:g} s for it. Try again when that process has finished."
    )


def _remove_other_versions(folder: Path) -> None:
    """Delete the files of indexes built with other schema versions."""
    for path in folder.iterdir():
        name = path.name.lstrip("_")
        if name.startswith("insights_v") and not name.startswith(
            (f"{INDEX_NAME}_", f"{INDEX_NAME}.")
        ):
            path.unlink(missing_ok=True)


def _wanted(notes: Sequence[Note]) -> dict[str, tuple[str, Note]]:
    wanted: dict[str, tuple[str, Note]] = {}
    for note in notes:
        wanted.setdefault(note.id, (note_hash(note), note))
    return wanted


PARALLEL_FROM = 2_000  # below this, starting a second process costs more than it saves


def _diff(
    current: dict[str, str], wanted: dict[str, tuple[str, Note]]
) -> tuple[list[Note], list[str]]:
    """(notes to add or replace, ids to delete)."""
    changed = [note for key, (digest, note) in wanted.items() if current.get(key) != digest]
    removed = [key for key in current if key not in wanted]
    return changed, removed


def _update(
    ix: Any,
    folder: Path,
    wanted: dict[str, tuple[str, Note]],
    timeout: float,
    progress: Factory = silent,
) -> int:
    """Write the changes under the index's write lock; return the new generation."""
    try:
        writer = ix.writer(timeout=timeout, delay=0.05, **_writer_options(ix, wanted))
    except LockError:
        raise IndexBusy(_busy(folder, timeout)) from None
    try:
        reader = writer.reader()
        current = _manifest(reader)  # re-read under the lock: another process may have written
        changed, removed = _diff(current, wanted)
        if not changed and not removed:
            writer.cancel()
            return int(reader.generation())
        for key in removed:
            writer.delete_by_term("id", key)
        add = writer.update_document if current else writer.add_document
        shown = progress("Indexing notes", len(changed))
        for note in changed:
            add(**document(note))
            shown(1)
        shown.close()
        replaced = len(removed) + sum(note.id in current for note in changed)
        deleted = reader.doc_count_all() - reader.doc_count() + replaced
    except BaseException:
        writer.cancel()
        raise
    writer.commit(optimize=_should_merge(len(wanted), deleted))
    return int(writer.generation)


def _writer_options(ix: Any, wanted: dict[str, tuple[str, Note]]) -> dict[str, Any]:
    """All postings in memory (spilling to disk doubles the time at 10,000 notes); a large new
    wiki is indexed in two processes, one segment each, to use both cores."""
    cores = usable_cores()
    if len(wanted) < PARALLEL_FROM or not ix.is_empty() or cores < 2 or not can_fork():
        return {"limitmb": 512}
    procs = min(cores, 4)  # more segments to merge cost more than the cores save
    return {"procs": procs, "multisegment": True, "limitmb": 512 // procs}


def _should_merge(live: int, deleted: int) -> bool:
    """Merge into one segment when cheap or overdue: deleted documents still sway the scores."""
    return deleted > 0 and (live <= MERGE_ALWAYS_BELOW or deleted > live * MERGE_SHARE)


def _write_state(folder: Path, generation: int, stamp: dict[str, Any]) -> None:
    """Record the stamp for this generation; written after the commit, replaced atomically."""
    temp = folder / f"{STATE_FILE}.{os.getpid()}.tmp"
    temp.write_text(json.dumps({"generation": generation, "stamp": stamp}), encoding="utf-8")
    os.replace(temp, folder / STATE_FILE)


def _read_state(folder: Path, generation: int) -> dict[str, Any]:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("generation") != generation:
        return {}
    stamp = state.get("stamp")
    return stamp if isinstance(stamp, dict) else {}
