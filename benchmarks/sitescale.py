"""Site search at scale, without a browser: the bytes a query fetches from the index.

    python -m benchmarks.sitescale [--pages 130000 13000] [--old]

Builds the site search index of N synthetic pages directly (synth.py's notes, made into the
HTML theme/main.html wraps an article in; no MkDocs build), writes it to a temporary folder,
and follows search.js's logic in Python to add up the files a query fetches before its first
result: meta.json, the group files and chunks of each word, and the chunks of pages of the
10 results shown. `--old` writes the index of format 1 (commit 3c51f02) beside it, from
the same pages, and measures it as search.js of that commit did. The page itself (its HTML,
CSS and JavaScript, about 320 KB) comes on top: benchmarks/sitesearch.py measures it all.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import synth
from generator.site import searchfiles, sitesearch
from generator.words import stem, words

OLD_COMMIT = "3c51f02"
SHOWN = 10
MAX_PREFIX_CHUNKS = 3


def page_html(text: str) -> str:
    """A note's Markdown made into the article of a built page (headings, paragraphs)."""
    _, front, body = text.split("---", 2)
    fields = dict(line.split(": ", 1) for line in front.strip().splitlines())
    blocks = [f"<h1>{fields.pop('title')}</h1>"]
    blocks += [f"<p>{key}: {value}</p>" for key, value in fields.items()]
    for block in body.strip().split("\n\n"):
        if block.startswith("## "):
            blocks.append(f"<h2>{block[3:]}</h2>")
        else:
            blocks.append(f"<p>{block.lstrip('> ')}</p>")
    inner = "".join(blocks)
    return f"<html><body>{sitesearch.BODY_START}{inner}</div>{sitesearch.BODY_END}</body></html>"


def build(folder: Path, pages: int) -> sitesearch.SiteIndex:
    """The index of `pages` synthetic notes, written to folder/search."""
    rng = random.Random(7)
    vocab = synth.vocabulary(rng)
    dests = [(f"n{n:06}/index.html", f"n{n:06}/") for n in range(pages)]
    index = sitesearch.SiteIndex(folder, dests)
    for n, (dest, _) in enumerate(dests):
        index.add(dest, page_html(synth.note_text(n, rng, vocab)[1]))
    index.merge(index.take())
    return index


class Reader:
    """The files a query fetches, and their bytes: each file once, as the browser caches it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fetched: dict[str, int] = {}

    def load(self, path: str) -> Any:
        data = (self.folder / path).read_bytes()
        self.fetched[path] = len(data)
        return json.loads(data)


def _last_not_after(firsts: list[Any], key: Any) -> int:
    return max(0, sum(1 for first in firsts if first <= key) - 1)  # firsts are sorted


def _new_chunk(reader: Reader, meta: dict[str, Any], kind: str, key: Any) -> tuple[int, Any, Any]:
    tops = meta["terms" if kind == "terms" else "records"]
    at = _last_not_after(tops, key)
    firsts = reader.load(f"groups/{kind}-{at}.json")
    inside = _last_not_after(firsts, key)
    following = firsts[inside + 1] if inside + 1 < len(firsts) else (tops[at + 1 :] or [None])[0]
    return at * meta["group"] + inside, firsts[inside], following


def _new_word(reader: Reader, meta: dict[str, Any], term: str, typing: bool, whole: bool) -> Any:
    number, _, following = _new_chunk(reader, meta, "terms", term)
    chunk = reader.load(f"terms/{number}.json")
    found = [(term, chunk[term], 1.0)] if term in chunk else []
    if typing or not found:
        weight = 0.5 if found else 1.0
        for fetched in range(1, MAX_PREFIX_CHUNKS + 1):
            found += [(k, v, weight) for k, v in chunk.items() if k != term and k.startswith(term)]
            if following is None or not following.startswith(term) or fetched == MAX_PREFIX_CHUNKS:
                break
            number, _, following = _new_chunk(reader, meta, "terms", following)
            chunk = reader.load(f"terms/{number}.json")
    scores: dict[int, float] = {}
    common, pages = True, 0
    for key, entry, weight in found:
        head = isinstance(entry, list)
        text = entry[1] if head else entry
        if head and whole and key == term:
            text = reader.load(f"lists/{entry[2]}.json")
        common = common and head and not whole
        pairs = searchfiles.decode(text)
        df = entry[0] if head else len(pairs)
        pages = max(pages, df)
        idf = weight * searchfiles.idf(meta["pages"], df)
        for page, score in pairs:
            scores[page] = max(scores.get(page, 0.0), idf * score / meta["unit"])
    return scores, common and bool(scores), pages


def new_query(folder: Path, query: str, whole: bool = False) -> tuple[list[int], int, Reader]:
    """Format 2 (search.js now): the first results, how many match, and the files fetched."""
    reader = Reader(folder)
    meta = reader.load("meta.json")
    stems = [stem(word) for word in words(query)]
    typing = stems[-1] if query[-1:].isalnum() else None
    each = [_new_word(reader, meta, t, t == typing, whole) for t in dict.fromkeys(stems)]
    if len(each) > 1 and all(word[1] for word in each):
        return new_query(folder, query, whole=True)
    required = sorted((w[0] for w in each if not w[1]), key=len)
    optional = [w[0] for w in each if w[1]]
    ranked = []
    for page, score in (required or optional or [{}])[0].items():
        total = score + sum(other.get(page, math.nan) for other in required[1:])
        total += sum(other.get(page, 0.0) for other in optional) if required else 0.0
        if not math.isnan(total):
            ranked.append((-total, page))
    ranked.sort()
    count = each[0][2] if not required and len(each) == 1 else len(ranked)
    shown = [page for _, page in ranked[:SHOWN]]
    for page in shown:
        number, first, _ = _new_chunk(reader, meta, "pages", page)
        assert reader.load(f"pages/{number}.json")[page - first] is not None
    return shown, count, reader


def old_query(folder: Path, query: str) -> tuple[list[int], int, Reader]:
    """Format 1 (search.js of OLD_COMMIT): the first results, how many match, the files."""
    reader = Reader(folder)
    meta = reader.load("meta.json")
    stems = [stem(word) for word in words(query)]
    typing = stems[-1] if query[-1:].isalnum() else None
    firsts = meta["terms"]
    each = []
    for term in dict.fromkeys(stems):
        number = _last_not_after(firsts, term)
        chunk = reader.load(f"terms/{number}.json")
        found = [(term, chunk[term], 1.0)] if term in chunk else []
        if term == typing or not found:
            weight = 0.5 if found else 1.0
            for fetched in range(1, MAX_PREFIX_CHUNKS + 1):
                chunk = reader.load(f"terms/{number}.json")
                found += [
                    (k, v, weight) for k, v in chunk.items() if k != term and k.startswith(term)
                ]
                number += 1
                if number >= len(firsts) or not firsts[number].startswith(term):
                    break
                if fetched >= MAX_PREFIX_CHUNKS:
                    break
        scores: dict[int, float] = {}
        for _, postings, weight in found:
            idf = weight * searchfiles.idf(meta["pages"], len(postings))
            for posting in postings:
                page, where, count = posting // 65536, (posting % 65536) >> 12, posting % 4096
                norm = 1 - 0.75 + 0.75 * meta["lengths"][page] / (meta["average"] or 1)
                value = idf * (count * 2.2 / (count + 1.2 * norm) + (0, 1, 3)[where])
                scores[page] = max(scores.get(page, 0.0), value)
        each.append(scores)
    each.sort(key=len)
    ranked = []
    for page, score in (each or [{}])[0].items():
        total = score + sum(other.get(page, math.nan) for other in each[1:])
        if not math.isnan(total):
            ranked.append((-total, page))
    ranked.sort()
    shown = [page for _, page in ranked[:SHOWN]]
    for page in shown:
        number = _last_not_after(meta["records"], page)
        reader.load(f"pages/{number}.json")
    return shown, len(ranked), reader


def old_writer(work: Path) -> Any:
    """sitesearch.py of OLD_COMMIT, as a module."""
    source = subprocess.run(
        ["git", "show", f"{OLD_COMMIT}:generator/site/sitesearch.py"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parent,
    ).stdout  # fmt: skip
    path = work / "old_sitesearch.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_sitesearch", path)
    assert spec and spec.loader
    module = sys.modules["old_sitesearch"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def queries() -> dict[str, str]:
    """The kinds of query measured: words of synth's notes."""
    vocab = synth.vocabulary(random.Random(7))
    return {
        "common word": "the",
        "topic word": "questionnaire",
        "rare word": vocab.rare[100],
        "two topic words": "questionnaire vendor",
        "topic and common word": "questionnaire data",
        "two common words": "data export",
        "prefix being typed": "questio",
    }


def measure(pages: int, old: bool) -> dict[str, Any]:
    """Build, write and query the index of `pages` pages; the figures."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        started = time.perf_counter()
        index = build(work / "new", pages)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        index.write()
        figures: dict[str, Any] = {"pages": pages, "read_s": round(read_s, 1),
                                   "write_s": round(time.perf_counter() - started, 1)}  # fmt: skip
        new = work / "new" / "search"
        figures["meta_bytes"] = (new / "meta.json").stat().st_size
        if old:
            module = old_writer(work)
            before = module.SiteIndex(work / "old", [])
            for name in ("ids", "urls", "lengths", "records", "postings"):
                setattr(before, name, getattr(index, name))
            before.write()
            figures["old_meta_bytes"] = (work / "old" / "search" / "meta.json").stat().st_size
        for kind, query in queries().items():
            shown, count, reader = new_query(new, query)
            row = {"query": query, "matches": count, "bytes": sum(reader.fetched.values()),
                   "files": len(reader.fetched)}  # fmt: skip
            if old:
                old_shown, old_count, old_reader = old_query(work / "old" / "search", query)
                row |= {"old_bytes": sum(old_reader.fetched.values()),
                        "old_files": len(old_reader.fetched), "old_matches": old_count,
                        "same_first_results": old_shown == shown}  # fmt: skip
            figures[kind] = row
        return figures


def main() -> None:
    """Command line: print the figures of each size as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[13_000, 130_000])
    parser.add_argument("--old", action="store_true", help="measure format 1 too")
    args = parser.parse_args()
    for pages in args.pages:
        print(json.dumps(measure(pages, args.old), indent=1), flush=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
