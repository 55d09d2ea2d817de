"""A note's body as its page shows it: under the page's title, and with its raw HTML as GitHub
shows it. The only module that imports nh3 (the bindings to Ammonia, a sanitiser).

Python-Markdown passes raw HTML through as written, in blocks and inline alike, so the HTML
a page's Markdown becomes is sanitised afterwards (`clean_html`, which `pages.Page` applies to
a page whose note holds a `<`): harmless tags and attributes close to GitHub's allowlist stay,
comments go, and everything else is removed, so nothing a note writes runs code in a reader's
browser, whatever `insights check` said of it. Before Markdown, `for_markdown` drops comments,
closes the block elements a note leaves open (Python-Markdown would otherwise take the rest of
the page for raw HTML) and keeps attribute lists and script links off. Code is left alone.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

import nh3

from generator.notes import scan

# Close to GitHub's sanitiser (html-pipeline's allowlist), plus what Python-Markdown's own
# extensions write: ids and classes (toc, footnotes, admonitions, code) and text-align.
TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strike", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u",
    "ul", "var", "wbr",
})  # fmt: skip
ATTRIBUTES = {
    "*": {"align", "aria-hidden", "aria-label", "class", "dir", "id", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"alt", "height", "src", "width"},
    "ol": {"reversed", "start", "type"},
    "li": {"value"},
    "details": {"open"},
    "td": {"colspan", "headers", "rowspan", "style", "valign", "width"},
    "th": {"colspan", "headers", "rowspan", "scope", "style", "valign", "width"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "time": {"datetime"},
}
# Removed with everything in them: what runs code or styles the page, and elements whose
# content is raw text to a browser (it would otherwise come out as visible source).
CONTENT_REMOVED = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "template", "noscript", "noembed", "noframes", "textarea", "title", "xmp",
})  # fmt: skip
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # and relative URLs
THEME_CLASSES = "md-"  # mkdocs-material's layout: a note's HTML may not dress up as the theme


def clean_html(html: str) -> str:
    """HTML with only the allowlisted tags, attributes and URL schemes, and no comments."""
    return _cleaner().clean(html)


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(CONTENT_REMOVED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute,
        strip_comments=True,
        link_rel=None,  # no target= is allowed, so no link can reach back to the page
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},  # Python-Markdown's table alignment
    )


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name != "class":
        return value
    kept = " ".join(c for c in value.split() if not c.startswith(THEME_CLASSES))
    return kept or None


def may_hold_html(markdown: str) -> bool:
    """Whether Markdown could hold raw HTML (or a comment): a page of it needs `clean_html`."""
    return "<" in markdown


_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
_NOT_A_TAG = re.compile(r"<[!?]")  # a declaration or processing instruction: shown as text
# Block elements whose raw HTML Python-Markdown reads on to their closing tag, however far.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
    "ul",
})  # fmt: skip
_DETAILS = re.compile(r"^ {0,3}<details(?=[\s>])(?![^<>\n]*\smarkdown\s*=)", re.MULTILINE)


def for_markdown(body: str) -> str:
    """The body as Python-Markdown gets it: raw HTML kept for `clean_html`, code as written.

    Outside code, HTML comments are dropped (and `<!`, `<?` that open none shown as text);
    block elements left open are closed at the end; a `<details>` block's content is Markdown
    (where the wiki enables md_in_html), as it is on GitHub; `{` is escaped, so attribute
    lists stay off; and script links are disarmed, which keeps a page without raw HTML safe
    without the sanitiser.
    """
    masked = scan.mask_code(body)
    disarm = [start for start, _ in scan.script_urls(masked)]
    if not disarm and "<" not in body and "{" not in body:
        return body
    comments = _comments(masked)
    visible = scan.blanked(masked, comments)
    edits = [(start, end, "") for start, end in comments]
    edits += [(start, start, "#") for start in disarm if not _inside(comments, start)]
    edits += [(m.start(), m.start() + 1, "&lt;") for m in _NOT_A_TAG.finditer(visible)]
    edits += [(m.start(), m.start() + 1, "\\{") for m in re.finditer(r"\{", visible)]
    edits += [(m.end(), m.end(), ' markdown="1"') for m in _DETAILS.finditer(visible)]
    return scan.edited(body, edits) + "".join(f"\n\n</{name}>" for name in _left_open(visible))


def _comments(masked: str) -> list[tuple[int, int]]:
    """Where each closed comment outside code starts and ends (an unclosed one is text)."""
    found = []
    position = 0
    while (start := masked.find(_COMMENT_OPEN, position)) >= 0:
        end = masked.find(_COMMENT_CLOSE, start + len(_COMMENT_OPEN))
        if end < 0:
            break
        position = end + len(_COMMENT_CLOSE)
        found.append((start, position))
    return found


def _inside(ranges: list[tuple[int, int]], offset: int) -> bool:
    """Whether an offset is in one of the sorted, separate ranges."""
    i = bisect.bisect_right(ranges, offset, key=lambda r: r[0]) - 1
    return i >= 0 and ranges[i][0] <= offset < ranges[i][1]


def _left_open(visible: str) -> list[str]:
    """The block elements opened and never closed, innermost first (a closing tag closes
    the latest open element of its name)."""
    if "<" not in visible:
        return []
    opened: list[str] = []
    open_by_name: dict[str, list[int]] = {}
    closed: set[int] = set()
    for match in scan.HTML_TAG.finditer(visible):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name not in _BLOCKS or self_closing:
            continue
        if not closing:
            open_by_name.setdefault(name, []).append(len(opened))
            opened.append(name)
        elif open_by_name.get(name):
            closed.add(open_by_name[name].pop())
    return [name for i, name in reversed(list(enumerate(opened))) if i not in closed]


_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


def fit_headings(body: str, title: str) -> str:
    """The body fitted under its page's title, which is the page's only top-level heading.

    Write-ups often open with their own title: a first heading that repeats the note's title
    is dropped. If the body still has top-level headings, every heading moves one level down,
    so its sections sit under the title in the page and its table of contents.
    """
    lines = body.split("\n")
    in_code = scan.fenced_lines(lines)
    _setext_to_atx(lines, in_code)
    headings = [i for i, line in enumerate(lines) if not in_code[i] and _ATX.match(line)]
    levels = {i: len(_ATX.match(lines[i]).group(1)) for i in headings}  # type: ignore[union-attr]
    if 1 not in levels.values():
        return body
    first = headings[0]
    if not "".join(lines[:first]).strip() and _same_title(_heading_text(lines[first]), title):
        lines[first] = ""
        del levels[first]
    if 1 in levels.values():
        for i, level in levels.items():
            if level < 6:
                lines[i] = lines[i].replace("#", "##", 1)
    return "\n".join(lines)


_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_NOT_A_PARAGRAPH = re.compile(r" {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]|    |\t| {0,3}[>|#<]")


def loosen_lists(body: str) -> str:
    """The body with a blank line before each list that follows a paragraph line directly.

    People write "Things that would help:" and the list on the next line, as GitHub and most
    editors render it; Python-Markdown needs a blank line there, or the items run on as one
    paragraph. A line is only split from a plain paragraph: not from a list (whose items
    may be tight), a quote, a table, a heading, HTML or indented code.
    """
    lines = body.split("\n")
    in_code = scan.fenced_lines(lines)
    out: list[str] = []
    start = 0  # the first line of the block the previous line belongs to
    for i, line in enumerate(lines):
        if not line.strip() or in_code[i]:
            start = i + 1
        elif i > start and _LIST_ITEM.match(line) and not _NOT_A_PARAGRAPH.match(lines[start]):
            out.append("")
            start = i
        out.append(line)
    return "\n".join(out) if len(out) > len(lines) else body


def _setext_to_atx(lines: list[str], in_code: list[bool]) -> None:
    """Rewrite `Title` over `===` (or `---`) as `# Title` (or `## Title`), as Python-Markdown
    reads them: the text line opens a block, and is not an ATX heading already."""
    for i in range(1, len(lines)):
        text, under = lines[i - 1], lines[i]
        if in_code[i] or in_code[i - 1] or not text.strip() or _ATX.match(text):
            continue
        if (i > 1 and lines[i - 2].strip()) or not _SETEXT.match(under):
            continue
        lines[i - 1] = ("#" if under.strip()[0] == "=" else "##") + " " + text.strip()
        lines[i] = ""


def _heading_text(line: str) -> str:
    return line.strip().lstrip("#").strip().rstrip("#").strip()


def _same_title(heading: str, title: str) -> bool:
    """Whether a heading repeats a title (the title may add to it, e.g. '(n=12)')."""
    a, b = (" ".join(text.casefold().split()).rstrip(".:!") for text in (heading, title))
    return bool(a) and (a == b or b.startswith(a) or a.startswith(b))


_INLINE_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_EMPHASIS = re.compile(r"\*\*|__|`")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def first_paragraph(body: str, limit: int = 600) -> str:
    """The body's first paragraph as one line of plain text, at most `limit` characters.

    Headings, code blocks, tables, quotes' markers and raw HTML are skipped; links keep their
    text and bold keeps its words. For a summary in a feed, where nothing is rendered.
    """
    lines = scan.without_html(body).split("\n")
    in_code = scan.fenced_lines(lines)
    block: list[str] = []
    for line, code in zip([*lines, ""], [*in_code, False], strict=True):
        text = line.strip()
        if text and not code and not text.startswith(("#", "|", "---", "***", "```", "~~~")):
            block.append(text.lstrip("> ").strip())
        elif block:
            break
    text = _CONTROL.sub(" ", _EMPHASIS.sub("", _INLINE_LINK.sub(r"\1", " ".join(block))))
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
