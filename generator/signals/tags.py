"""Every tag the wiki uses or lists, with its counts, and the tags that likely mean the same.

Behind `insights tags`. Notes carry canonical tags already (aliases fold when notes load), so
pairs an alias joins are never reported. Likely duplicates are found by name (the same words
hyphenated or inflected differently, one tag's words beginning or ending the other's, a typo)
and by use (two tags on mostly the same notes). Every step is ordered, so the output is too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from generator.model import Note, Tag, Wiki
from generator.words import stem

SHARED_NOTES = 0.75  # Jaccard overlap of two tags' notes at which they likely mean the same
MIN_NOTES = 2  # notes each tag needs before its use is compared
Pair = tuple[tuple[str, str], str]  # (two tags, why they likely mean the same)
MIN_TYPO = 5  # letters a tag needs before a one-letter difference counts as a typo


@dataclass(frozen=True)
class TagUse:
    """One tag: its vocabulary entry (or a bare one), whether it is listed, and its counts."""

    tag: Tag
    listed: bool
    window: int  # notes in W
    total: int  # notes at any date


@dataclass(frozen=True)
class LikelyDuplicate:
    """Two tags that likely mean the same, and why, in words."""

    first: str
    second: str
    why: str


@dataclass(frozen=True)
class TagReport:
    """What `insights tags` prints: W, every tag, and the likely duplicates."""

    as_of: dt.date
    start: dt.date  # the first day of W
    vocabulary: str | None  # the tags file, if the wiki has tags in one
    tags: tuple[TagUse, ...]
    duplicates: tuple[LikelyDuplicate, ...]


def tag_report(wiki: Wiki, as_of: dt.date, days: int, vocabulary: str) -> TagReport:
    """Each tag's notes in W (`days` days ending on `as_of`) and in all, most used in W first."""
    start = as_of - dt.timedelta(days=days - 1)
    total = Counter(tag for note in wiki.notes for tag in note.tags)
    window = Counter(t for n in wiki.notes if start <= n.date <= as_of for t in n.tags)
    listed = {tag.slug: tag for tag in wiki.tags}
    uses = [
        TagUse(listed.get(slug, Tag(slug, slug)), slug in listed, window[slug], total[slug])
        for slug in sorted(set(total) | set(listed))
    ]
    uses.sort(key=lambda u: (-u.window, -u.total, u.tag.slug))
    duplicates = likely_duplicates([u.tag for u in uses], wiki.notes)
    return TagReport(as_of, start, vocabulary if wiki.tags else None, tuple(uses), duplicates)


def likely_duplicates(tags: Sequence[Tag], notes: Sequence[Note]) -> tuple[LikelyDuplicate, ...]:
    """Pairs of tags alike by name (or by an alias's name) or by the notes they are on."""
    found: dict[tuple[str, str], str] = {}
    for (a, b), why in [*_by_name(tags), *_by_use(notes)]:
        if a != b:
            found.setdefault((min(a, b), max(a, b)), why)
    return tuple(LikelyDuplicate(a, b, why) for (a, b), why in sorted(found.items()))


def _names(tags: Sequence[Tag]) -> list[tuple[str, str]]:
    """(name, tag) for each tag's slug and each of its aliases."""
    return [(name, tag.slug) for tag in tags for name in (tag.slug, *tag.aliases)]


def _said(name: str, tag: str) -> str:
    return f"'{name}'" if name == tag else f"'{name}' (an alias of '{tag}')"


def _by_name(tags: Sequence[Tag]) -> Iterable[Pair]:
    names = _names(tags)
    rules: tuple[tuple[Callable[[str], str], str], ...] = (
        (lambda n: n.replace("-", ""), "the same word, hyphenated differently"),
        (lambda n: "-".join(stem(p) for p in n.split("-")), "the same words in another form"),
        (lambda n: stem(n.replace("-", "")), "the same word in another form"),
    )
    for key, why in rules:
        yield from _same_key(names, key, why)
    yield from _affixes(names)
    yield from _typos(names)


def _same_key(names: list[tuple[str, str]], key: Callable[[str], str], why: str) -> Iterable[Pair]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, tag in names:
        groups[key(name)].append((name, tag))
    for group in groups.values():
        for (n1, t1), (n2, t2) in combinations(sorted(group), 2):
            yield (t1, t2), f"{_said(n1, t1)} and {_said(n2, t2)}: {why}"


def _affixes(names: list[tuple[str, str]]) -> Iterable[Pair]:
    """One name's words begin or end another's: 'sso' and 'sso-setup', 'api' and 'public-api'."""
    whole: dict[str, list[str]] = defaultdict(list)
    for name, tag in names:
        whole[name].append(tag)
    for name, tag in names:
        parts = name.split("-")
        for k in range(1, len(parts)):
            for part, where in (("-".join(parts[:k]), "begins"), ("-".join(parts[k:]), "ends")):
                for other in whole.get(part, ()):
                    yield (other, tag), f"{_said(part, other)} {where} {_said(name, tag)}"


def _typos(names: list[tuple[str, str]]) -> Iterable[Pair]:
    """Names one letter apart (one added, dropped, changed or two swapped): a likely typo."""
    keys: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, tag in names:
        if len(name) >= MIN_TYPO:
            for variant in {name, *(name[:i] + name[i + 1 :] for i in range(len(name)))}:
                keys[variant].append((name, tag))
    seen = set()
    for group in keys.values():
        for (n1, t1), (n2, t2) in combinations(sorted(group), 2):
            if n1 != n2 and (n1, n2) not in seen and _one_apart(n1, n2):
                seen.add((n1, n2))
                yield (t1, t2), f"{_said(n1, t1)} and {_said(n2, t2)}: spelled almost alike"


def _one_apart(a: str, b: str) -> bool:
    """Whether one edit (insert, delete, replace, or swap of neighbours) turns a into b."""
    if len(a) > len(b):
        a, b = b, a
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) != len(b):
        return len(b) - len(a) == 1 and a[i:] == b[i + 1 :]
    swapped = a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
    return a[i + 1 :] == b[i + 1 :] or swapped


def _by_use(notes: Sequence[Note]) -> Iterable[Pair]:
    """Tags on mostly the same notes (Jaccard overlap of their notes at least SHARED_NOTES)."""
    count = Counter(tag for note in notes for tag in note.tags)
    together: Counter[tuple[str, str]] = Counter()
    for note in notes:
        together.update(combinations(sorted(note.tags), 2))
    for (a, b), both in sorted(together.items()):
        either = count[a] + count[b] - both
        if min(count[a], count[b]) >= MIN_NOTES and both >= SHARED_NOTES * either:
            yield (a, b), f"'{a}' and '{b}' are on the same notes: {both} of {either}"


def report_json(report: TagReport) -> str:
    """The report as JSON, for scripts."""
    data = {
        "as_of": report.as_of.isoformat(),
        "window": {"start": report.start.isoformat(), "end": report.as_of.isoformat()},
        "vocabulary": report.vocabulary,
        "tags": [
            {
                "slug": u.tag.slug,
                "name": u.tag.name,
                "description": u.tag.description,
                "aliases": list(u.tag.aliases),
                "listed": u.listed,
                "window": u.window,
                "total": u.total,
            }
            for u in report.tags
        ],
        "likely_duplicates": [
            {"tags": [d.first, d.second], "why": d.why} for d in report.duplicates
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def report_text(report: TagReport) -> str:
    """The report as text: a line per tag, its name, description and aliases below it."""
    days = (report.as_of - report.start).days + 1
    lines = [f"{len(report.tags)} tags; W is {report.start} to {report.as_of} ({days} days)."]
    width = max((len(u.tag.slug) for u in report.tags), default=0)
    for use in report.tags:
        lines.append(f"{use.tag.slug:<{width}}  {use.window:>4} in W  {use.total:>4} in all")
        lines += [f"  {line}" for line in _described(use, report.vocabulary)]
    lines.append("")
    if report.duplicates:
        lines.append("Likely duplicates (fold one into the other with 'aliases:'):")
        lines += [f"  {d.first} ~ {d.second}: {d.why}" for d in report.duplicates]
    else:
        lines.append("No likely duplicates.")
    return "\n".join(lines) + "\n"


def _described(use: TagUse, vocabulary: str | None) -> list[str]:
    if not use.listed:
        return [f"not in {vocabulary}"] if vocabulary else []
    tag = use.tag
    about = tag.name + (f": {tag.description}" if tag.description else "")
    aliases = [f"aliases: {', '.join(tag.aliases)}"] if tag.aliases else []
    return [" ".join(about.split()), *aliases]
