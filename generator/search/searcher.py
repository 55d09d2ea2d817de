"""Searching the index: Whoosh's query language with our fields, ranked hits with highlighted
snippets, and spellings to try when nothing matches."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import analysis, fields, highlight, qparser, scoring, sorting
from whoosh import query as wq
from whoosh.support.levenshtein import distance

from generator.model import SearchFilters, SearchHit, SearchResult

DEFAULT_FIELDS = ("title", "body", "tags")
KEYWORDS = ("area", "tags", "customers", "source", "team", "author", "confidence")
STORED = ("area", "tags")  # the keywords a hit or a related-notes query reads back

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


USER_FIELDS = ("area", "tag", "customer", "source", "team", "author", "confidence", "date")
# The field names people type, mapped to the schema's.
QUERY_FIELDS = {
    "id": "id", "title": "title", "body": "body", "area": "area", "tag": "tags",
    "tags": "tags", "customer": "customers", "customers": "customers", "source": "source",
    "team": "team", "author": "author", "confidence": "confidence", "date": "date",
}  # fmt: skip
SNIPPET_CHARS = 160
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


def _manifest(reader: Any) -> dict[str, str]:
    """Each indexed note's id and hash, read from the index's own columns."""
    if reader.doc_count() == 0:
        return {}
    ids = reader.column_reader("id")
    hashes = reader.column_reader("hash")
    return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


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
