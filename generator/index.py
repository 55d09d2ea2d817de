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
import difflib
import functools
import hashlib
import importlib
import json
import os
import re
import sys
import types
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


def _light_cached_property() -> None:
    """Whoosh needs only `cached_property` from the package of that name, which imports asyncio
    (a third of Whoosh's import time, paid by every `insights search`). The standard library's
    does the same job; the package itself is still loaded for anyone asking for more of it."""
    if "cached_property" in sys.modules:
        return
    light = types.ModuleType("cached_property")
    light.cached_property = functools.cached_property  # type: ignore[attr-defined]

    def __getattr__(name: str) -> Any:  # anything else: the real package
        if name.startswith("__"):  # the import system asking about the module itself
            raise AttributeError(name)
        del sys.modules["cached_property"]
        return getattr(importlib.import_module("cached_property"), name)

    light.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules["cached_property"] = light


_light_cached_property()

from whoosh import analysis, fields, highlight, qparser, scoring, sorting  # noqa: E402 - after the shim above
from whoosh import query as wq  # noqa: E402 - after the shim above
from whoosh.filedb.filestore import FileStorage  # noqa: E402 - after the shim above
from whoosh.index import LockError  # noqa: E402 - after the shim above
from whoosh.support.levenshtein import distance  # noqa: E402 - after the shim above
from whoosh.util.filelock import try_for  # noqa: E402 - after the shim above

from generator.model import Note, SearchFilters, SearchHit, SearchResult  # noqa: E402 - after the shim above

SCHEMA_VERSION = 2  # 2: a note's text leaves its HTML out
INDEX_NAME = f"insights_v{SCHEMA_VERSION}"
STATE_FILE = f"{INDEX_NAME}.state.json"
DEFAULT_FIELDS = ("title", "body", "tags")
USER_FIELDS = ("area", "tag", "customer", "source", "team", "author", "confidence", "date")
# The field names people type, mapped to the schema's.
QUERY_FIELDS = {
    "id": "id", "title": "title", "body": "body", "area": "area", "tag": "tags",
    "tags": "tags", "customer": "customers", "customers": "customers", "source": "source",
    "team": "team", "author": "author", "confidence": "confidence", "date": "date",
}  # fmt: skip
KEYWORDS = ("area", "tags", "customers", "source", "team", "author", "confidence")
STORED = ("area", "tags")  # the keywords a hit or a related-notes query reads back
SNIPPET_CHARS = 160
MERGE_ALWAYS_BELOW = 500  # notes; below this every update merges, so scores match a rebuild
MERGE_SHARE = 0.2  # above it, merge once deleted documents reach this share of the index
Spans = tuple[tuple[int, int], ...]
_FIELD_PREFIX = re.compile(r'"[^"]*"|(?<![\w:])([A-Za-z_]\w*):')
_WORD = re.compile(r'"[^"]*"|\S+:(?:\[[^\]]*\]|\([^)]*\)|"[^"]*"|\S+)|([A-Za-z][A-Za-z\'-]{2,})')
# Best score first; equal scores newest first, then by id, so that the order never depends on
# where a document sits in the index (it moves when an update rewrites it). Sorting also makes
# Whoosh count every match, honouring the filter, which its top-N shortcuts do not.
RANKING = [sorting.ScoreFacet(), sorting.FieldFacet("date", reverse=True), sorting.FieldFacet("id")]
_OPERATORS = {"and", "or", "not", "to", "andnot", "andmaybe"}


class QueryError(ValueError):
    """A search query that cannot be understood; the message says why and how to fix it."""


class IndexBusy(RuntimeError):
    """Another process kept the index locked for longer than we were willing to wait."""


_ANALYZER = analysis.StemmingAnalyzer()


def _schema() -> fields.Schema:
    """The index's fields: text with stemming, exact-match keywords, the date, a content hash."""

    def text(boost: float = 1.0, stored: bool = False) -> fields.TEXT:
        return fields.TEXT(analyzer=_ANALYZER, field_boost=boost, stored=stored)

    keyword = {
        name: fields.KEYWORD(lowercase=True, commas=True, scorable=True, stored=name in STORED)
        for name in KEYWORDS
    }
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        hash=fields.ID(sortable=True),
        path=fields.STORED(),
        title=text(boost=3.0, stored=True),
        body=text(),
        body_z=fields.STORED(),  # the plain body, compressed: for snippets and related notes
        date=fields.DATETIME(stored=True, sortable=True),
        **keyword,
    )


def plain_text(markdown: str) -> str:
    """A note's body as one line of plain text: no headings (section labels such as 'So what'
    would only clutter snippets), and no HTML, quote, list, link or emphasis markup."""
    from generator.scan import without_html  # here: a search that updates nothing needs none

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
    folder: Path, notes: Sequence[Note], stamp: dict[str, Any] | None = None, timeout: float = 30.0
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
            ix, generation = _sync(storage, folder, wanted, timeout)
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
    storage: Any, folder: Path, wanted: dict[str, tuple[str, Note]], timeout: float
) -> tuple[Any, int]:
    """The index, updated to the wanted notes if it differs, and its generation."""
    ix = _open_or_create(storage, folder, timeout)
    with ix.reader() as reader:
        generation = reader.generation()
        stale = any(_diff(_manifest(reader), wanted))
    if stale:
        generation = _update(ix, folder, wanted, timeout)
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


def _manifest(reader: Any) -> dict[str, str]:
    """Each indexed note's id and hash, read from the index's own columns."""
    if reader.doc_count() == 0:
        return {}
    ids = reader.column_reader("id")
    hashes = reader.column_reader("hash")
    return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


def _diff(
    current: dict[str, str], wanted: dict[str, tuple[str, Note]]
) -> tuple[list[Note], list[str]]:
    """(notes to add or replace, ids to delete)."""
    changed = [note for key, (digest, note) in wanted.items() if current.get(key) != digest]
    removed = [key for key in current if key not in wanted]
    return changed, removed


def _update(ix: Any, folder: Path, wanted: dict[str, tuple[str, Note]], timeout: float) -> int:
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
        for note in changed:
            add(**document(note))
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
    if len(wanted) < PARALLEL_FROM or not ix.is_empty() or (os.cpu_count() or 1) < 2:
        return {"limitmb": 512}
    return {"procs": 2, "multisegment": True, "limitmb": 256}


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


# --- Searching ----------------------------------------------------------------------------


class InsightIndex:
    """An open index: search it and ask for related notes. Close it (or use `with`) when done."""

    def __init__(self, ix: Any, folder: Path, stamp: dict[str, Any]) -> None:
        self._ix = ix
        self.folder = folder
        self.stamp = stamp  # what the caller recorded with this generation of the index
        self._searcher: Any = None

    def __enter__(self) -> InsightIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the searcher's open files."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def _open_searcher(self) -> Any:
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=scoring.BM25F())
        return self._searcher

    def manifest(self) -> dict[str, str]:
        """Each indexed note's id mapped to its hash (see `note_hash`)."""
        return _manifest(self._open_searcher().reader())

    def search(
        self, query: str, filters: SearchFilters | None = None, limit: int = 10
    ) -> SearchResult:
        """The best `limit` notes for a query in Whoosh's language, within the filters."""
        parsed = _parse_query(query, self._ix.schema)
        searcher = self._open_searcher()
        flt = _filter_query(filters or SearchFilters())
        results = searcher.search(parsed, limit=max(limit, 1), filter=flt, sortedby=RANKING)
        results.highlighter = highlight.Highlighter(
            fragmenter=highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60),
            formatter=_SpanFormatter(),
        )
        hits = tuple(_hit(hit) for hit in results)
        suggestions = () if hits else _suggestions(searcher, query)
        return SearchResult(query, hits, len(results), suggestions)

    def related(self, note_id: str, limit: int = 5) -> list[str]:
        """Ids of the notes most like this one (more-like-this over body and tags), best first."""
        searcher = self._open_searcher()
        docnum = searcher.document_number(id=note_id)
        if docnum is None:
            return []
        stored = searcher.stored_fields(docnum)
        body = zlib.decompress(stored["body_z"]).decode("utf-8")
        key_terms = searcher.key_terms_from_text("body", body, numterms=12)
        terms = [wq.Term("body", word, boost=weight) for word, weight in key_terms]
        terms += [wq.Term("tags", tag) for tag in stored.get("tags", "").split(",") if tag]
        if not terms:
            return []
        found = searcher.search(wq.Or(terms), limit=limit, mask=wq.Term("id", note_id))
        return [hit["id"] for hit in found]


def _parse_query(text: str, index_schema: Any = None) -> Any:
    """Parse Whoosh's query language, with `tag:` and `customer:` as field names; QueryError."""
    _check_fields(text)
    if text.strip() in ("", "*"):
        return wq.Every()
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), index_schema or _schema())
    parser.add_plugin(qparser.FieldAliasPlugin({"tags": ["tag"], "customers": ["customer"]}))
    try:
        parsed = parser.parse(text)
    except Exception as exc:  # whoosh raises plain Exception for some bad dates
        raise QueryError(f"cannot read the query {text!r}: {_reason(exc)}") from None
    errors = [str(node.error) for node in _walk(parsed) if getattr(node, "error", None)]
    if errors:
        raise QueryError(f"cannot read the query {text!r}: {_reason(errors[0])}")
    return parsed


def _check_fields(text: str) -> None:
    for match in _FIELD_PREFIX.finditer(text):
        name = match.group(1)
        if name and name.lower() not in QUERY_FIELDS:
            close = difflib.get_close_matches(name.lower(), list(QUERY_FIELDS), n=1)
            hint = f" (did you mean '{close[0]}:'?)" if close else ""
            known = ", ".join(f"{f}:" for f in USER_FIELDS)
            raise QueryError(
                f"unknown field '{name}:'{hint}; fields are {known}. "
                'Put text that contains a colon in "quotes".'
            )


def _reason(error: object) -> str:
    """Whoosh's complaint in our words; a bad date is named, with the forms that work."""
    text = str(error)
    if not any(word in text for word in ("date", "month", "day", "int()", "year")):
        return text
    quoted = re.search(r"'([^']*)'", text)
    what = f"'{quoted.group(1)}' is not a date" if quoted else text
    return f"{what}; write dates as date:2026-06-01, date:2026-06 or date:[2026-06-01 to]"


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if node.is_leaf():
        return
    for child in node.children():
        yield from _walk(child)


def _filter_query(filters: SearchFilters) -> Any:
    """A Whoosh filter: any value within a field, every field given; None if no filters."""
    parts: list[Any] = []
    for field, values in (("area", filters.areas), ("tags", filters.tags),
                          ("source", filters.sources), ("customers", filters.customers),
                          ("team", filters.teams)):  # fmt: skip
        if values:
            parts.append(wq.Or([wq.Term(field, v.strip().lower()) for v in values]))
    if filters.since or filters.until:
        parts.append(wq.DateRange("date", _midnight(filters.since), _midnight(filters.until)))
    return wq.And(parts) if parts else None


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day) if day else None


class _SpanFormatter(highlight.Formatter):
    """Whoosh's fragments as our (plain text, [(start, end) of each matched word])."""

    def format(self, fragments: Any, replace: bool = False) -> tuple[str, Spans]:
        text, spans = "", []
        for fragment in fragments:
            text += "… " if fragment.startchar > 0 else ""
            offset = len(text) - fragment.startchar
            text += fragment.text[fragment.startchar : fragment.endchar].strip()
            text += " … " if fragment.endchar < len(fragment.text) else " "
            spans += [(t.startchar + offset, t.endchar + offset) for t in fragment.matches
                      if t.startchar is not None]  # fmt: skip
        return text.strip(), tuple(sorted(set(spans)))


def _hit(hit: Any) -> SearchHit:
    stored = hit.fields()
    body = zlib.decompress(stored["body_z"]).decode("utf-8")
    snippet, spans = hit.highlights("body", text=body, top=1) or ("", ())
    if not snippet:
        snippet = (
            body[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …" if len(body) > SNIPPET_CHARS else body
        )
    return SearchHit(
        id=stored["id"],
        path=stored["path"],
        title=stored["title"],
        area=stored["area"],
        date=stored["date"].date(),
        score=-float(hit.score[0]),  # the sort key starts with ScoreFacet's negated score
        snippet=snippet,
        highlights=spans,
    )


def _suggestions(searcher: Any, query: str) -> tuple[str, ...]:
    """The query with each unknown word replaced by the closest indexed word, if any."""
    corrected, changed = query, False
    for match in reversed(list(_WORD.finditer(query))):
        word = match.group(1)
        if word and word.lower() not in _OPERATORS:
            close = _closest_word(searcher, word)
            if close:
                corrected = corrected[: match.start(1)] + close + corrected[match.end(1) :]
                changed = True
    return (corrected,) if changed else ()


def _closest_word(searcher: Any, word: str) -> str | None:
    """A word of the notes close to an unknown word, as the notes spell it; None if known."""
    stems = [t.text for t in _ANALYZER(word)]
    reader = searcher.reader()
    if len(stems) != 1 or reader.doc_frequency("body", stems[0]):
        return None
    close = sorted(
        reader.terms_within("body", stems[0], 2, prefix=1),
        key=lambda term: (distance(stems[0], term), -reader.doc_frequency("body", term), term),
    )
    return _surface(searcher, close[0]) if close else None


def _surface(searcher: Any, stem: str) -> str:
    """How the notes spell a stem ('onboard' -> 'onboarding'): as the first note by id does."""
    ids = searcher.reader().column_reader("id")
    docnum = min(searcher.docs_for_query(wq.Term("body", stem)), key=lambda n: ids[n])
    stored = searcher.stored_fields(docnum)
    text = stored["title"] + " " + zlib.decompress(stored["body_z"]).decode("utf-8")
    spellings = Counter(
        text[token.startchar : token.endchar].lower()
        for token in _ANALYZER(text, chars=True)
        if token.text == stem
    )
    return min(spellings, key=lambda w: (-spellings[w], len(w), w), default=stem)
