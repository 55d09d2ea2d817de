"""What customers said: the blockquotes of a note's body, shortened for a summary."""

from __future__ import annotations

import re

_QUOTE_LINE = re.compile(r"^ {0,3}>")
_QUOTE_MARKERS = re.compile(r"^(?:\s*>)+")
_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)")


def blockquotes(body: str) -> list[str]:
    """The text of each Markdown blockquote in a body, `>` markers stripped, one line each."""
    quotes: list[str] = []
    lines: list[str] = []
    fenced = False
    for line in [*body.split("\n"), ""]:
        if _FENCE_LINE.match(line):
            fenced = not fenced
        if not fenced and _QUOTE_LINE.match(line):
            lines.append(_QUOTE_MARKERS.sub("", line).strip())
            continue
        text = " ".join(part for part in lines if part)
        if text:
            quotes.append(text)
        lines = []
    return quotes


def shorten(text: str, limit: int) -> str:
    """The text, cut at a word boundary and ended with '…' if longer than `limit`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:-") + "…"
