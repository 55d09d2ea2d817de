"""Scan a note's Markdown body for markup that would run in a reader's browser, and for
contact details that must not be published. Pure functions of text; positions are 1-based.

What counts as code follows Python-Markdown, which MkDocs renders with: a fenced block opens
and closes with the same fence at the start of a line, and a code span is a backtick run
closed by a run of the same length. Anything that only looks like code is scanned, so an
unclosed fence or a code span inside raw HTML cannot hide a `<script>`.
"""

from __future__ import annotations

import bisect
import html
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from generator.contacts import EMAIL


@dataclass(frozen=True)
class Finding:
    """Something found in a body, at a 1-based line and column of the body."""

    line: int
    column: int
    message: str


_TAG = re.compile(
    r"<(script|iframe|frame|frameset|object|embed|applet|base|meta|link|style)(?![\w-])",
    re.IGNORECASE,
)
_EVENT = re.compile(r"<[a-zA-Z][^<>]{0,2000}?[\s/\"'](on[a-zA-Z]+)\s*=", re.IGNORECASE)
_ATTR_LIST = re.compile(r"\{[^{}\n]{0,500}?(?<![\w-])(on[a-zA-Z]+)\s*=", re.IGNORECASE)
# Where a URL starts: a link destination, a reference definition, <scheme:...>, an attribute.
_URL_START = re.compile(r"\]\(\s*<?|\]:\s*<?|<(?=[a-zA-Z&])|=\s*[\"']?")
_SCRIPT_SCHEME = re.compile(r"(javascript|vbscript|livescript):|data:text/html")
_BLANKS = "".join(map(chr, range(0x21)))
_URL_NOISE = str.maketrans("", "", _BLANKS + "\\")  # browsers drop these from a URL's scheme
_SCHEME_FIRST = set("jJvVlLdD&\\")
_PHONE = re.compile(
    r"(?<![\w.+/,-])(?<!\d[ .])(?:"  # not part of a longer number, such as 12 000 000 000
    r"\+\d{1,3}(?:[ .-]?\(\d{1,4}\)[ .-]?\d{1,8})?(?:[ .-]\d{1,8}){1,6}"  # +44 20 7946 0958
    r"|\+\d{7,15}"  # +4915123456789
    r"|\(\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]\d{2,5}){1,3}"  # (555) 123-4567, (02) 9876 5432
    r"|(?:1[ .-])?\d{3}[ .-]\d{3}[ .-]\d{4}"  # 555-123-4567, 1-800-555-0199
    r"|0[1-9]\d{0,3}(?:[ .-]\d{2,8}){1,4}"  # 020 7946 0958, 01 23 45 67 89, 030 12345678
    r")(?![\w-]|[.,]\d)"
)
_FENCE_OPEN = re.compile(  # Python-Markdown's fenced_code opening line
    r"(`{3,}|~{3,}) *(?:\{[^\n]*\}|\.?[\w#.+-]* *(?:hl_lines=([\"']).*?\2 *)?)"
)
_HTML_LINE = re.compile(r" {0,3}<([a-zA-Z][a-zA-Z0-9-]*)")
_BACKTICKS = re.compile(r"`+")
# Python-Markdown's BACKTICK_RE: an even run of backslashes, or a code span.
_CODE_SPAN = re.compile(r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))")


def unsafe_markup(body: str) -> list[Finding]:
    """Script-like markup outside code: tags that run code, event attributes, script URLs."""
    text = mask_code(body)
    findings = [_at(text, m.start(), _tag_message(m.group(1))) for m in _TAG.finditer(text)]
    findings += [
        _at(text, m.start(1), (
            f"the '{m.group(1)}=' attribute runs script in readers' browsers; "
            "remove it, or put the HTML in `backticks` to show it as code"))
        for m in _EVENT.finditer(text)
    ]  # fmt: skip
    findings += [
        _at(text, m.start(1), (
            f"the attribute list sets '{m.group(1)}=', which runs script in readers' "
            "browsers; remove it"))
        for m in _ATTR_LIST.finditer(text)
    ]  # fmt: skip
    findings += [
        _at(text, start, (
            f"a {scheme}: link runs code when clicked; link to an https:// address instead"))
        for start, scheme in script_urls(text)
    ]  # fmt: skip
    return sorted(findings, key=lambda f: (f.line, f.column))


def _tag_message(tag: str) -> str:
    return (
        f"<{tag.lower()}> would run or load code in every reader's browser; describe it in "
        "words, or put it in `backticks` to show it as code"
    )


def script_urls(text: str) -> Iterator[tuple[int, str]]:
    """(offset, scheme) of each URL that runs script, however it is spelled or entity-encoded."""
    for match in _URL_START.finditer(text):
        start = match.end()
        raw = text[start : start + 400]  # room for zero-padded entities: &#0000106;
        if raw.lstrip(_BLANKS)[:1] not in _SCHEME_FIRST:
            continue
        head = html.unescape(raw).translate(_URL_NOISE)[:40].lower()
        scheme = _SCRIPT_SCHEME.match(head)
        if scheme:
            yield start, (scheme.group(1) or "data")


_LINK_TARGET = re.compile(  # an inline link or image's destination, or a reference definition's
    r"\]\(\s*(?:<([^<>\n]+)>|([^\s()]+(?:\([^\s()]*\)[^\s()]*)*))"
    r"|^ {0,3}\[(?!\^)[^\]\n]+\]:\s*(?:<([^<>\n]+)>|(\S+))",  # [^1]: is a footnote
    re.MULTILINE,
)
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def local_links(body: str) -> list[tuple[Finding, str]]:
    """Each link or image in the body that leads to a file of the wiki, as (where, path).

    Links with a scheme (https:, mailto:), to an anchor on the page, or to an absolute path
    are left out; a path comes back without its #anchor or ?query, percent-decoded.
    """
    if "](" not in body and "]:" not in body:
        return []  # most notes: no link to look for
    masked = mask_code(body)
    found = []
    for match in _LINK_TARGET.finditer(masked):
        group = next(g for g in range(1, 5) if match.group(g) is not None)
        target = match.group(group)
        path = urllib.parse.unquote(re.split(r"[#?]", target, maxsplit=1)[0])
        if not path or _HAS_SCHEME.match(target) or target.startswith(("/", "#")):
            continue
        found.append((_at(body, match.start(group), target), path))
    return found


def personal_data(body: str, allowed: Sequence[str] = ()) -> list[Finding]:
    """E-mail addresses and phone numbers anywhere in the body, code included, each once a line.

    Not addresses: file names such as `screen@2x.png`, the domains reserved for documentation
    (`jane@example.com`), `git@host:path` remotes, and what `allowed` lists (addresses, or
    `*@domain` for a whole domain, as the `allowed_contacts` option gives them).
    """
    found = [
        (m.start(), m.group(0).lower(), (
            f"e-mail address '{_redact(m.group(0))}' is personal data; remove it and name "
            "the customer by handle in 'customers:'"))
        for m in _emails(body, allowed)
    ]  # fmt: skip
    found += [
        (m.start(), _digits(m.group(0)), (
            f"phone number '{_redact_phone(m.group(0))}' is personal data; remove it and "
            "name the customer by handle in 'customers:'"))
        for m in _PHONE.finditer(body)
        if 9 <= len(_digits(m.group(0))) <= 15
    ]  # fmt: skip
    starts = _line_starts(body) if found else []
    findings: dict[tuple[int, str], Finding] = {}
    for offset, what, message in found:  # the first of each address or number on a line
        line, column = _line_column(starts, offset)
        findings.setdefault((line, what), Finding(line, column, message))
    return sorted(findings.values(), key=lambda f: (f.line, f.column))


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _line_column(starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset, from `_line_starts` of its text."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _emails(body: str, allowed: Sequence[str]) -> Iterator[re.Match[str]]:
    """E-mail matches, looked for only around an '@' (a regex scan of a 1 MB body is slow)."""
    position = 0
    while (at := body.find("@", position)) >= 0:
        match = EMAIL.search(body, max(position, at - 64), at + 280)
        if match and match.start() < at < match.end():
            if _is_address(body, match, allowed):
                yield match
            position = match.end()
        else:
            position = at + 1


# Names that end like a file are files (screen@2x.png). Extensions that are also top-level
# domains people have addresses under (.md, .ai, .zip, .mov) are left out.
_FILE_EXTENSIONS = frozenset({
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff", "heic",
    "heif", "psd", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp",
    "rtf", "txt", "csv", "tsv", "json", "yaml", "yml", "xml", "html",
})  # fmt: skip
# Reserved for documentation and testing by RFC 2606 and RFC 6761.
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
_REMOTE_PATH = re.compile(r":[\w.~-]+(?:/|\.git\b)")


def _is_address(body: str, match: re.Match[str], allowed: Sequence[str]) -> bool:
    """Whether an address-shaped match is someone's address worth flagging."""
    address = match.group(0).lower()
    domain = address.rpartition("@")[2]
    if domain.rpartition(".")[2] in _FILE_EXTENSIONS | _RESERVED_TLDS:
        return False
    if any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS):
        return False
    if _REMOTE_PATH.match(body, match.end()):
        return False  # user@host:path is a git or scp remote, such as git@github.com:org/repo
    return not any(_allows(pattern.lower(), address, domain) for pattern in allowed)


def _allows(pattern: str, address: str, domain: str) -> bool:
    return pattern == address or pattern == "*@" + domain


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _redact(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _redact_phone(phone: str) -> str:
    return phone[:4] + "".join("*" if c.isdigit() else c for c in phone[4:])


def _at(text: str, offset: int, message: str) -> Finding:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Finding(line, column, message)


def mask_code(body: str) -> str:
    """The body with fenced code and code spans blanked out, keeping every offset in place
    (what Python-Markdown shows as written; the rest is Markdown and raw HTML)."""
    if "`" not in body and "~~~" not in body:
        return body  # no fence and no code span
    lines = body.split("\n")
    in_code = fenced_lines(lines)
    raw_html = _raw_html_lines(lines, in_code)
    spans = _code_spans(lines, in_code)
    for i, line in enumerate(lines):
        if in_code[i]:
            lines[i] = " " * len(line)
        elif not raw_html[i]:
            lines[i] = _blank(line, spans[i] or ())
    return "\n".join(lines)


def _blank(line: str, spans: Iterable[tuple[int, int]]) -> str:
    for start, end in spans:
        line = line[:start] + " " * (end - start) + line[end:]
    return line


def fenced_lines(lines: list[str]) -> list[bool]:
    """Which lines belong to a closed fenced code block (fences included)."""
    in_code = [False] * len(lines)
    i = 0
    while i < len(lines):
        opening = _FENCE_OPEN.fullmatch(lines[i])
        close = _closing_fence(lines, i + 1, opening.group(1)) if opening else None
        if close is None:
            i += 1
            continue
        in_code[i : close + 1] = [True] * (close + 1 - i)
        i = close + 1
    return in_code


def _closing_fence(lines: list[str], start: int, fence: str) -> int | None:
    for j in range(start, len(lines)):
        if lines[j].rstrip(" ") == fence:
            return j
    return None


def _raw_html_lines(lines: list[str], in_code: list[bool]) -> list[bool]:
    """Lines that may be raw HTML, where backticks are not code: from a line that starts with
    a tag to the line that closes it, or to the end if none does."""
    raw = [False] * len(lines)
    i = 0
    while i < len(lines):
        tag = None if in_code[i] else _HTML_LINE.match(lines[i])
        if tag is None:
            i += 1
            continue
        closing = f"</{tag.group(1).lower()}"
        end = next((j for j in range(i, len(lines)) if closing in lines[j].lower()), len(lines))
        raw[i : end + 1] = [True] * (min(end + 1, len(lines)) - i)
        i = end + 1
    return raw


def _code_spans(lines: list[str], in_code: list[bool]) -> list[list[tuple[int, int]] | None]:
    """Each line's code spans, or None where they may not be code.

    Python-Markdown pairs backticks across the lines of a paragraph (and a list item or a
    table cell may cut it short), so a line's spans count only when every line with
    backticks in its paragraph pairs all of them within itself.
    """
    spans = [None if in_code[i] else _own_spans(line) for i, line in enumerate(lines)]
    for paragraph in _paragraphs(lines, in_code):
        if any(spans[i] is None for i in paragraph):
            for i in paragraph:
                spans[i] = None
    return spans


def _paragraphs(lines: list[str], in_code: list[bool]) -> Iterator[list[int]]:
    paragraph: list[int] = []
    for i, line in enumerate(lines):
        if in_code[i] or not line.strip():
            yield paragraph
            paragraph = []
        else:
            paragraph.append(i)
    yield paragraph


def _own_spans(line: str) -> list[tuple[int, int]] | None:
    """The line's code spans if it pairs every backtick run, whole, within itself."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    if not runs:
        return []
    if len(runs) > 16 or len(line) > 5000 or any(end - start > 8 for start, end in runs):
        return None  # pairing them the way Python-Markdown does could take too long
    matches = [m for m in _CODE_SPAN.finditer(line) if m.group(2)]
    whole = all((m.start(), m.start() + len(m.group(2))) in runs for m in matches)
    spans = [(m.start(), m.end()) for m in matches]
    covered = all(any(a <= start and end <= b for a, b in spans) for start, end in runs)
    return spans if whole and covered else None


HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*?(/?)>")
_INVISIBLE = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style)(?=[\s>])[^<>]*>.*?(?:</\1\s*>|\Z)", re.DOTALL | re.I
)


def without_html(body: str) -> str:
    """The body's text with raw HTML taken out, for similarity and search: comments, scripts
    and styles go whole, other tags leave a space; code is kept as written."""
    if "<" not in body:
        return body
    masked = mask_code(body)
    ranges = [m.span() for m in _INVISIBLE.finditer(masked)]
    visible = blanked(masked, ranges)
    ranges += [m.span() for m in HTML_TAG.finditer(visible)]
    return edited(body, [(start, end, " ") for start, end in ranges])


def blanked(text: str, ranges: list[tuple[int, int]]) -> str:
    """The text with each range blanked to spaces (line breaks kept), offsets in place."""
    parts, position = [], 0
    for start, end in ranges:
        parts += [text[position:start], re.sub(r"[^\n]", " ", text[start:end])]
        position = end
    return "".join([*parts, text[position:]])


def edited(body: str, edits: list[tuple[int, int, str]]) -> str:
    """The body with each (start, end, replacement) made; insertions come before a change
    at the same place."""
    parts, position = [], 0
    for start, end, text in sorted(edits, key=lambda edit: edit[:2]):
        parts += [body[position:start], text]
        position = end
    return "".join([*parts, body[position:]])
