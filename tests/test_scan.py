"""The body scans: what counts as code (as Python-Markdown sees it), and the property that a
body the checker passes renders to HTML that runs no script."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.notes.scan import local_links, personal_data, unsafe_markup

# MkDocs always adds toc, tables and fenced_code; the sample wiki adds the rest.
EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "md_in_html", "admonition"]
RUNS_SCRIPT = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
               "meta", "link", "style"}  # fmt: skip
SCRIPT_URL = re.compile(r"(javascript|vbscript|livescript):|data:text/html")


class _Dangers(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in RUNS_SCRIPT:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}=")
            url = re.sub(r"[\x00-\x20]+", "", html.unescape(value or "")).lower()
            if SCRIPT_URL.match(url):
                self.found.append(f"{name}={value}")


def dangers(body: str) -> list[str]:
    """What in the HTML that MkDocs would render from this body could run script."""
    return html_dangers(markdown.markdown(body, extensions=EXTENSIONS))


def html_dangers(html: str) -> list[str]:
    """What in this HTML could run script."""
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    return parser.found


PIECES = [
    "<script>", "</script>", "<iframe src=x>", "<img src=x onerror=alert(1)>", "<svg/onload=x>",
    "<b>", "</b>", "<div>", "</div>", '<div markdown="1">', "<p>", "</p>", "<a href=",
    '<a href="', '">', "'>", ">", "<", "=", '"', "'", " ", "\n", "\n\n", "\t", "    ", "\\",
    "`", "``", "```", "```\n", "~~~\n", "````\n", "[a](", "[a]", "]: ", "[a]: ", ")", "(",
    "<javascript:x>", "javascript:alert(1)", "JaVaScRiPt:x", "java\tscript:x", "&#106;",
    "avascript:x", "&#x6A;", "&colon;", "data:text/html,x", "vbscript:x", "{: onclick=x }",
    "{ onmouseover=y }", "{: .c }", "## h", "> ", "- ", "1. ", "|a|b|\n|-|-|\n", "!!! note\n",
    "<!--", "-->", "on", "click=", "x", "https://e.com", "*",
]  # fmt: skip
bodies = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)
PROPERTY = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(bodies)
def test_a_body_the_checker_passes_runs_no_script(body: str) -> None:
    if not unsafe_markup(body):
        assert dangers(body) == [], body


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("<script>", [(1, 1)]),
        ("`x`\n```\nok\n```\n<script>", [(5, 1)]),
        ("```\n`\n```\n`<script>`", []),  # the fence ends before the span opens
        ("`` `<script>` ``", []),
        ("`<script>``", [(1, 2)]),  # a run of 1 is not closed by a run of 2
        ("~~~\n<script>\n~~~~\n<script>", [(2, 1), (4, 1)]),  # ~~~~ does not close ~~~
        ("<p>\n\n`<script>`", [(3, 2)]),  # raw HTML until its closing tag
        ("<p>x</p>\n\n`<script>`", []),
        ("<br>\n`<script>`\n\n`<script>`", [(2, 2), (4, 2)]),  # never closed: raw to the end
        ("x `\n`<script>` `", [(2, 2)]),  # paired across the lines: `\n` and ` `
        ("- `<script>\n- x` `", [(1, 4)]),  # two list items, so no span at all
        ("`|a|b|\n|-|-|\n`<script>`", [(3, 2)]),
        ("``</script>`<script>`", [(1, 13)]),  # ``</script>` is the span
        ("Run `a` and\n`<script>` now", []),  # each line pairs its own backticks
        ("Run `a and\n`<script>` now`", [(2, 2)]),
        ("Run `a` and\n\n`<script>` now", []),
        ("\\\\`<script>`", [(1, 4)]),  # an escaped backslash, then an escaped backtick
    ],
)
def test_what_counts_as_code(body: str, where: list[tuple[int, int]]) -> None:
    assert [(f.line, f.column) for f in unsafe_markup(body)] == where


def test_findings_are_in_body_order() -> None:
    body = "[x](javascript:y)\n<img src=x onerror=y> <script>"
    assert [(f.line, f.column) for f in unsafe_markup(body)] == [(1, 5), (2, 12), (2, 23)]


def test_e_mails_are_found_around_each_at_sign() -> None:
    body = "@ a@ @b x@y.co " + "q" * 100 + "@acme-co.com z@z.zz"
    assert [f.column for f in personal_data(body)] == [9, 52, 129]


def test_phone_message_keeps_the_shape_only() -> None:
    (finding,) = personal_data("Ring +44 20 7946 0958 now")
    assert "'+44 ** **** ****'" in finding.message


@pytest.mark.parametrize(
    "body",
    [
        "<a " * 200_000,
        "`a" * 200_000,
        "`" * 200_000,
        "".join("`" * n + "a" for n in range(1, 600)),
        "a@" * 200_000,
        "a@b.co\n" * 140_000,
        "555-123-4567 " * 80_000,
        ("a" * 63 + ".") * 5_000 + "@",
        "+1 " * 200_000,
        "0 " * 200_000,
        "{ " * 200_000,
        "](" * 200_000,
        "=" * 200_000,
        "= j" * 100_000,
        "<div>\n" * 50_000,
        "```\n" * 50_000,
    ],
    ids=lambda body: repr(body[:12]),
)
def test_hostile_bodies_are_scanned_in_bounded_time(body: str) -> None:
    unsafe_markup(body)
    personal_data(body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[a](b.md) ![c](img/d%20e.png 'T') [f](<g h.pdf>)", ["b.md", "img/d e.png", "g h.pdf"]),
        ("[a](b.md#part) [c](d.md?x=1) [e](a_(b).png)", ["b.md", "d.md", "a_(b).png"]),
        ('[ref]: notes/x.md "t"\n[^1]: a footnote, not a link', ["notes/x.md"]),
        ("[web](https://x.org) [m](mailto:a) [p](//cdn/x.js) [t](#top) [r](/abs.md)", []),
        ("`[code](x.md)`\n\n```\n[fenced](y.md)\n```\n", []),
    ],
)
def test_local_links(body: str, expected: list[str]) -> None:
    assert [path for _, path in local_links(body)] == expected
