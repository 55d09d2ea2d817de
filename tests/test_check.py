"""A table of bad notes: each gives exactly the problems listed, at the line and column of the
offending value in the file (the front matter starts at line 2)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator.config import Settings
from generator.model import Area, Problem
from generator.notes.fields import REQUIRED
from generator.notes.load import (
    NoteFile,
    check_ids,
    check_related,
    find_note_files,
    load_wiki,
    parse_file,
    parse_note,
    readable_fields,
)
from tests.conftest import WikiFactory

AS_OF = dt.date(2026, 6, 30)
AREAS = (Area("billing", "Billing"), Area("onboarding", "Onboarding"))
SETTINGS = Settings()
BODY = 'What we heard.\n\n> "A quote."\n'
PATH = "insights/billing/a-note.md"


def note(*extra: str, body: str = BODY, **fields: str | None) -> str:
    """A note: title on line 2, date 3, area 4, source 5, then `extra` lines from line 6.

    Pass a field as None to leave its line out (the lines after it move up).
    """
    values = {"title": "A finding", "date": "2026-06-01", "area": "billing"}
    values |= {"source": "interview", **fields}
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "---\n" + "\n".join([*lines, *extra]) + "\n---\n" + body


def problems(text: str | bytes, path: str = PATH, **kwargs: object) -> list[tuple[str, int, int]]:
    """(code, line, column) of each problem of one note, checked against ids 'other-note'."""
    data = text.encode() if isinstance(text, str) else text
    settings = kwargs.pop("settings", SETTINGS)
    assert isinstance(settings, Settings)
    found = parse_note(path, data, settings, AREAS, AS_OF, {"a-note", "other-note"})[1]
    return [(p.code, p.line, p.column) for p in found]


def messages(text: str, path: str = PATH) -> list[str]:
    found = parse_note(path, text.encode(), SETTINGS, AREAS, AS_OF, {"a-note", "other-note"})[1]
    return [p.message for p in found]


def test_the_base_note_is_valid() -> None:
    found, trouble = parse_note(PATH, note().encode(), SETTINGS, AREAS, AS_OF)
    assert trouble == []
    assert found is not None
    assert (found.id, found.title, found.date) == ("a-note", "A finding", dt.date(2026, 6, 1))
    assert (found.body_line, found.confidence) == (7, "medium")


FILE_CASES = {
    "latin-1 byte": (b"---\ntitle: Caf\xe9 visit\n---\n", [("not-utf8", 2, 11)]),
    "latin-1 after utf-8": ("---\ntitle: Ça \u00e9".encode() + b"\xe9\n", [("not-utf8", 2, 12)]),
    "utf-16": ("---\ntitle: x\n".encode("utf-16"), [("not-utf8", 1, 1)]),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [("binary-file", 1, 1)]),
    "empty file": ("", [("no-front-matter", 1, 1)]),
    "heading first": ("# A finding\n\nBody.\n", [("no-front-matter", 1, 1)]),
    "blank line first": ("\n" + note(), [("no-front-matter", 1, 1)]),
    "unclosed": ("---\ntitle: x\ndate: 2026-06-01\n\nBody.\n", [("unclosed-front-matter", 1, 1)]),
    "only an opening fence": ("---", [("unclosed-front-matter", 1, 1)]),
    "list front matter": ("---\n- title\n- date\n---\nBody.\n", [("not-a-mapping", 2, 1)]),
    "text front matter": ("---\njust words\n---\nBody.\n", [("not-a-mapping", 2, 1)]),
    "number front matter": ("---\n\n  42\n---\nBody.\n", [("not-a-mapping", 3, 3)]),
}


@pytest.mark.parametrize(("text", "expected"), FILE_CASES.values(), ids=FILE_CASES.keys())
def test_file_problems(text: str | bytes, expected: list[tuple[str, int, int]]) -> None:
    assert problems(text) == expected


def test_too_large_counts_bytes() -> None:
    text = note(body="x" * 200)
    assert problems(text, settings=Settings(max_note_bytes=100)) == [("too-large", 1, 1)]
    assert "max_note_bytes" in parse_note(PATH, text.encode(), Settings(max_note_bytes=100),
                                          AREAS, AS_OF)[1][0].message  # fmt: skip


def test_crlf_and_bom_keep_lines_and_columns() -> None:
    text = "\ufeff" + note(area="biling").replace("\n", "\r\n")
    assert problems(text) == [("unknown-area", 4, 7)]


YAML_CASES = {
    "colon in a value": (note(title="Admins: cannot find SSO"), [("yaml-syntax", 2, 14)]),
    "unclosed quote": (note(title='"Admins cannot'), [("yaml-syntax", 2, 8)]),
    "unclosed bracket": (note("tags: [a, b"), [("yaml-syntax", 6, 7)]),
    "tab indentation": (note("tags:\n\t- sso"), [("yaml-syntax", 7, 1)]),
    "bad indentation": (note("  team: growth"), [("yaml-syntax", 6, 7)]),
    "control character": (note(team="gro\x01wth"), [("yaml-syntax", 6, 10)]),
    "python tag": (
        note(title='!!python/object/apply:os.system ["echo owned"]'),
        [("yaml-tag", 2, 8)],
    ),
    "python name tag": (note(team="!!python/name:os.system"), [("yaml-tag", 6, 7)]),
    "binary tag": (note(team="!!binary aGVsbG8="), [("yaml-tag", 6, 7)]),
    "local tag": (note("tags: [!secret a]"), [("yaml-tag", 6, 8)]),
    "tag on a key": (note("!!python/str team: growth"), [("yaml-tag", 6, 1)]),
    "merge key": (note("<<: {team: growth}"), [("yaml-tag", 6, 1)]),
    "set tag": (note("tags: !!set {a, b}"), [("yaml-tag", 6, 7)]),
    "alias": (note("team: &t growth", "author: *t"), [("yaml-alias", 7, 9)]),
    "alias bomb": (
        note(
            'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
            "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
        ),
        [("yaml-alias", 7, 8)],
    ),
    "duplicate key": (note("title: Again"), [("duplicate-key", 6, 1)]),
    "duplicate nested key": (note("tags: [{a: 1, a: 2}]"), [("duplicate-key", 6, 15)]),
    "list as a key": (note("? [a, b]\n: c"), [("wrong-type", 6, 3)]),
    "deep nesting": (note("tags: " + "[" * 100 + "]" * 100), [("yaml-syntax", 6, 38)]),
}


@pytest.mark.parametrize(("text", "expected"), YAML_CASES.values(), ids=YAML_CASES.keys())
def test_yaml_problems(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert problems(text) == expected


def test_yaml_messages_say_how_to_fix() -> None:
    assert "put the whole value in quotes" in messages(note(title="Admins: cannot find SSO"))[0]
    assert (
        "'!!python/object/apply:os.system'"
        in messages(note(title='!!python/object/apply:os.system ["echo owned"]'))[0]
    )
    assert messages(note("title: Again")) == ["'title' is given twice; keep one of them"]
    assert "this line is indented" in messages(note("  team: growth"))[0]
    assert "never closed" in messages(note("tags: [a, b"))[0]


FIELD_CASES = {
    "missing area": (note(area=None), [("missing-field", 1, 1)]),
    "missing everything": ("---\n---\nBody.\n", [("missing-field", 1, 1)] * 4),
    "empty title": (note(title=""), [("empty-field", 2, 7)]),
    "empty quoted title": (note(title='""'), [("empty-field", 2, 8)]),
    "blank quoted title": (note(title='"   "'), [("empty-field", 2, 8)]),
    "null area": (note(area="~"), [("empty-field", 4, 7)]),
    "empty optional team is no problem": (note("team:"), []),
    "list title": (note(title="[a, b]"), [("wrong-type", 2, 8)]),
    "mapping source": (note(source="{a: 1}"), [("wrong-type", 5, 9)]),
    "text tags": (note("tags: sso"), [("wrong-type", 6, 7)]),
    "mapping customers": (note("customers: {acme: 1}"), [("wrong-type", 6, 12)]),
    "nested list in tags": (note("tags: [sso, [a]]"), [("wrong-type", 6, 13)]),
    "empty item in tags": (note("tags: [sso, ~]"), [("empty-field", 6, 13)]),
    "block list item": (note("tags:", "  - sso", "  - Admin Setup"), [("bad-slug", 8, 5)]),
    "impossible date": (note(date="2026-02-30"), [("bad-date", 3, 7)]),
    "non-iso date": (note(date="14/10/2026"), [("bad-date", 3, 7)]),
    "unpadded date": (note(date="2026-1-5"), [("bad-date", 3, 7)]),
    "date with a time": (note(date="2026-06-01 10:30:00"), [("bad-date", 3, 7)]),
    "date with a T time": (note(date="2026-06-01T10:30:00Z"), [("bad-date", 3, 7)]),
    "compact date": (note(date="20260601"), [("bad-date", 3, 7)]),
    "quoted date": (note(date='"2026-06-01"'), []),
    "as-of date itself": (note(date="2026-06-30"), []),
    "day after as-of": (note(date="2026-07-01"), [("future-date", 3, 7)]),
    "unknown area": (note(area="biling"), [("unknown-area", 4, 7)]),
    "unknown source": (note(source="intervew"), [("unknown-source", 5, 9)]),
    "unknown confidence": (note("confidence: hgh"), [("unknown-confidence", 6, 13)]),
    "bad tags": (note("tags: [SSO, admin setup]"), [("bad-slug", 6, 8), ("bad-slug", 6, 13)]),
    "bad customer": (note("customers: [Acme Corp]"), [("bad-slug", 6, 13)]),
    "bad related": (note("related: [Other_Note]"), [("bad-slug", 6, 11)]),
    "unknown related": (note("related: [other-note, no-such-note]"), [("unknown-related", 6, 23)]),
    "duplicate tags are fine": (note("tags: [sso, sso]"), []),
    "number tags are fine": (note("tags: [2026, q3]"), []),
    "unknown key": (note("tag: [sso]"), [("unknown-key", 6, 1)]),
    "capitalised key": (note("Team: growth"), [("unknown-key", 6, 1)]),
    "null key": (note("~: x"), [("unknown-key", 6, 1)]),
    "number key": (note("1: x"), [("unknown-key", 6, 1)]),
    "empty body": (note(body=""), [("empty-body", 6, 1)]),
    "blank body": (note(body="\n  \n\t\n"), [("empty-body", 6, 1)]),
    "no newline after the fence": (note(body="").rstrip("\n"), [("empty-body", 6, 1)]),
    "dots close the front matter": (note().replace("\n---\n", "\n...\n"), []),
}


@pytest.mark.parametrize(("text", "expected"), FIELD_CASES.values(), ids=FIELD_CASES.keys())
def test_field_problems(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert problems(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (note(area=None), "required field 'area' is missing; add a line 'area: ...'"),
        (note(area="biling"), "'biling' is not a known area (did you mean 'billing'?)"),
        (note(area="Billing"), "(did you mean 'billing'?)"),
        (note(area="xyz"), "(choose one of: billing, onboarding); new ones go in insights/"),
        (note(source="intervew"), "'intervew' is not a known source (did you mean 'interview'?)"),
        (note("confidence: hgh"), "'hgh' is not a known confidence (did you mean 'high'?)"),
        (note("tag: [sso]"), "unknown field 'tag' is ignored (did you mean 'tags'?)"),
        (note("tags: [SSO]"), "'SSO' in 'tags' is not a lowercase slug (a-z, 0-9 and '-'); "
                              "write 'sso'"),
        (note("tags: sso"), "'tags' must be a list; write tags: [sso]"),
        (note(date="2026-02-30"), "'2026-02-30' is not a real date; write YYYY-MM-DD"),
        (note(date="14/10/2026"), "'14/10/2026' is not a date; write YYYY-MM-DD"),
        (note(date="2026-06-01 10:30"), "has a time; write the day only"),
        (note(date="2026-07-01"), "date 2026-07-01 is after the as-of date 2026-06-30"),
        (note("related: [other-nte]"), "'other-nte' does not exist (did you mean 'other-note'?)"),
        (note(title="[a]"), "'title' must be text, not a list"),
        (note(body=""), "the note has nothing after its front matter"),
    ],
)  # fmt: skip
def test_messages_say_what_is_wrong_and_how_to_fix_it(text: str, message: str) -> None:
    assert any(message in m for m in messages(text)), messages(text)


def test_values_are_read_as_written() -> None:
    text = note(title="1:30", team="yes", author="0x10", extra=None)
    found = parse_note(PATH, text.encode(), SETTINGS, AREAS, AS_OF)[0]
    assert found is not None
    assert (found.title, found.team, found.author) == ("1:30", "yes", "0x10")


def test_a_huge_number_is_text_not_a_crash() -> None:
    text = note(title="1" * 5000, team="9" * 5000)
    found = parse_note(PATH, text.encode(), SETTINGS, AREAS, AS_OF)[0]
    assert found is not None
    assert found.title == "1" * 5000


def test_long_values_are_cut_in_messages() -> None:
    (message,) = messages(note(area="x" * 10_000))
    assert len(message) < 300


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("insights/billing/My Note.md", [("bad-id", 1, 1)]),
        ("insights/billing/note_one.md", [("bad-id", 1, 1)]),
        ("insights/billing/-note.md", [("bad-id", 1, 1)]),
        ("insights/billing/2026-06-01-fine.md", []),
    ],
)
def test_bad_id(name: str, expected: list[tuple[str, int, int]]) -> None:
    assert problems(note(), path=name) == expected


def test_bad_id_suggests_a_name() -> None:
    found = parse_note("insights/billing/My Note.md", note().encode(), SETTINGS, AREAS, AS_OF)
    assert "rename it to 'my-note.md'" in found[1][0].message


UNSAFE = {
    "script": ("<script>alert(1)</script>", [(1, 1)]),
    "script mid-line": ("Look: <SCRIPT src=x></SCRIPT>", [(1, 7)]),
    "iframe": ('<iframe src="https://example.com"></iframe>', [(1, 1)]),
    "object": ('<object data="x.swf"></object>', [(1, 1)]),
    "embed": ('<embed src="x.swf">', [(1, 1)]),
    "img onerror": ("<img src=x onerror=alert(1)>", [(1, 12)]),
    "svg onload with slash": ("<svg/onload=alert(1)>", [(1, 6)]),
    "attribute after a quote": ('<a href="x"onmouseover="alert(1)">x</a>', [(1, 12)]),
    "uppercase event": ('<div ONCLICK="x()">', [(1, 6)]),
    "markdown link": ("[pricing](javascript:alert(1))", [(1, 11)]),
    "image link": ("![chart](  javascript:alert(1))", [(1, 12)]),
    "angle link": ("[x](<javascript:alert(1)>)", [(1, 6)]),
    "entity-encoded link": ("[x](&#106;avascript:alert(1))", [(1, 5)]),
    "mixed case link": ("[x](JaVaScRiPt:alert(1))", [(1, 5)]),
    "escaped colon": ("[x](javascript\\:alert(1))", [(1, 5)]),
    "reference definition": ("[x][y]\n\n[y]: javascript:alert(1)", [(3, 6)]),
    "html href": ('<a href="javascript:alert(1)">x</a>', [(1, 10)]),
    "html href with tab": ('<a href="java\tscript:alert(1)">x</a>', [(1, 10)]),
    "vbscript": ("[x](vbscript:msgbox(1))", [(1, 5)]),
    "data html": ("[x](data:text/html;base64,PHNjcmlwdD4=)", [(1, 5)]),
    "attr list": ('A paragraph.\n{: onclick="alert(1)" }', [(2, 4)]),
    "attr list without colon": ("## Heading { onmouseover=x }", [(1, 14)]),
    "several on one line": ("<script></script> <img src=x onerror=y>", [(1, 1), (1, 30)]),
    "unclosed fence is not code": ("```\n<script>alert(1)</script>\n", [(2, 1)]),
    "indented fence is not code": ("  ```\n<script>x</script>\n  ```", [(2, 1)]),
    "escaped backtick is not code": ("\\`<script>x</script>`", [(1, 3)]),
    "backticks in raw html": ("<div>\n`<script>x</script>`\n</div>", [(2, 2)]),
    "unbalanced backticks": ("``<script>x</script>`", [(1, 3)]),
}


@pytest.mark.parametrize(("body", "where"), UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_markup(body: str, where: list[tuple[int, int]]) -> None:
    expected = [("unsafe-markup", line + 6, col) for line, col in where]
    assert problems(note(body=body)) == expected


SAFE = {
    "fenced code": "```html\n<script>alert(1)</script>\n<img src=x onerror=y>\n```\n",
    "tilde fence": "~~~\n<iframe src=x></iframe>\n~~~",
    "long fence": "````\n```\n<script>x</script>\n```\n````",
    "code span": "Use `<script>` or ``<img onerror=x>`` carefully.",
    "code span link": "Type `[x](javascript:alert(1))` to see it.",
    "prose javascript": "They build in JavaScript: mostly React and Vue.",
    "prose scheme mention": "Links such as javascript: are blocked by the wiki.",
    "on in prose": "Click on=submit and the <b>button</b> moves on.",
    "https link": "[pricing](https://example.com/pricing?on=1)",
    "plain html": '<details><summary>More</summary><p class="x">text</p></details>',
    "data attribute": '<span data-onboarding="yes">x</span>',
    "attr list class": "## Heading {: .wide #top }",
}


@pytest.mark.parametrize("body", SAFE.values(), ids=SAFE.keys())
def test_safe_markup_is_not_flagged(body: str) -> None:
    assert problems(note(body=body)) == []


PERSONAL = {
    "email": ("Ask jane.doe@acme-corp.com for access.", [(1, 5)]),
    "email plus": ("Mail ops+billing@example.co.uk today", [(1, 6)]),
    "email in code": ("`admin@acme-corp.com`", [(1, 2)]),
    "email in a code block": ("```\nTo: ops@northwind.io\n```", [(2, 5)]),
    "mailto link": ("Write to [Jane](mailto:jane.doe@acme-corp.com).", [(1, 24)]),
    "address and mailto target, once": (
        "[jane.doe@acme-corp.com](mailto:jane.doe@acme-corp.com)",
        [(1, 2)],
    ),
    "same address on two lines": ("a@acme-corp.com\nA@ACME-CORP.COM", [(1, 1), (2, 1)]),
    "two addresses on one line": ("a@acme-corp.com, b@acme-corp.com", [(1, 1), (1, 18)]),
    "reserved name on a real domain": (
        "ask jane@example.co.uk or jane@example.com.au",
        [(1, 5), (1, 27)],
    ),
    "lookalike of a reserved domain": ("jane@myexample.com", [(1, 1)]),
    "image-like name on a real domain": ("me@screenshots.com", [(1, 1)]),
    "address followed by a colon": ("Ask jane@acme-corp.com: she knows", [(1, 5)]),
    "us phone": ("Call (555) 123-4567 after 5.", [(1, 6)]),
    "us dashes": ("Call 555-123-4567.", [(1, 6)]),
    "us dots": ("Call 555.123.4567", [(1, 6)]),
    "us toll free": ("Dial 1-800-555-0199", [(1, 6)]),
    "international": ("Her mobile is +1 555 123 4567.", [(1, 15)]),
    "uk": ("Office: +44 20 7946 0958", [(1, 9)]),
    "uk with trunk zero": ("Office: +44 (0)20 7946 0958", [(1, 9)]),
    "uk domestic": ("Office: 020 7946 0958", [(1, 9)]),
    "uk mobile": ("Mobile 07700 900123", [(1, 8)]),
    "germany": ("Tel. +49 30 12345678 oder 030 12345678", [(1, 6), (1, 27)]),
    "france": ("Appeler le 01 23 45 67 89", [(1, 12)]),
    "france international": ("+33 1 23 45 67 89", [(1, 1)]),
    "india": ("+91 98765 43210", [(1, 1)]),
    "japan": ("03-1234-5678", [(1, 1)]),
    "australia": ("(02) 9876 5432", [(1, 1)]),
    "unbroken e164": ("whatsapp +4915123456789", [(1, 10)]),
    "tel link": ("[call](tel:+15551234567)", [(1, 12)]),
    "international in a link, once": ("[+44 20 7946 0958](tel:+442079460958)", [(1, 2)]),
    "international, two numbers": ("+44 20 7946 0958 or +44 20 7946 0959", [(1, 1), (1, 21)]),
}


@pytest.mark.parametrize(("body", "where"), PERSONAL.values(), ids=PERSONAL.keys())
def test_personal_data(body: str, where: list[tuple[int, int]]) -> None:
    expected = [("personal-data", line + 6, col) for line, col in where]
    assert problems(note(body=body)) == expected


NOT_PERSONAL = {
    "iso date": "Heard on 2026-10-14 in the weekly call.",
    "iso date range": "Between 2026-01-05 and 2026-02-10, or 2026-01-05/2026-02-10.",
    "dates side by side": "2026-01-05 2026-02-10 2026-03-15",
    "dotted dates": "On 14.10.2026 and 04.10.2026.",
    "years": "In 2024–2025 and 2024-2025 and 2019 2020 2021.",
    "money": "A $1,200,000 deal, €45.000, 1 200 000 SEK and 12 000 000 000 won.",
    "percentages": "Up 12.5% to 45 %, then 0.123456789 of the time.",
    "versions": "Since 2.7.5 (not 10.2.3.4) on build 2026.10.14.1234.",
    "times": "At 14:30, 09:00-17:00 and 9.30 am.",
    "order numbers": "Orders #48213, #1234567890 and INV-2026-000123.",
    "ratios": "A 3:1 ratio and 16:9 screens.",
    "ip addresses": "From 192.168.100.200 and 10.0.0.1.",
    "big count": "We have 4 000 000 000 rows and 123456789012 events.",
    "handle": "As @acme-corp said on the forum.",
    "at sign": "Meet @ 10 or email us at support (at) example.",
    "retina image": "![Home](img/screen@2x.png) and ![](icon@3X.JPG?raw=true)",
    "document names": "See report@v2.pdf, deck@final.pptx and data@2026-01.csv.",
    "example.com": "Sign in as jane@example.com, or `admin@example.org`.",
    "example.net and subdomains": "Mail ops@example.net or it@mail.example.com.",
    "reserved top-level domains": "a@host.test, b@x.example, c@y.invalid, d@app.localhost",
    "git remote": "Clone git@github.com:acme/insights.git or git@gitlab.com:acme/app",
    "scoped package": "npm i @acme/ui@2.3.1 and lodash@4.17.21",
}


@pytest.mark.parametrize("body", NOT_PERSONAL.values(), ids=NOT_PERSONAL.keys())
def test_not_personal_data(body: str) -> None:
    assert problems(note(body=body)) == []


ALLOWED = Settings(allowed_contacts=("support@acme-corp.com", "*@press.acme-corp.com"))
ALLOWED_CONTACTS = {
    "listed address": ("Write to support@acme-corp.com.", []),
    "listed address, other case": ("Write to Support@ACME-corp.com.", []),
    "listed domain": ("Write to anyone@press.acme-corp.com.", []),
    "other address, same domain": ("Write to jane@acme-corp.com.", [(1, 10)]),
    "a subdomain of the listed domain": ("Write to a@eu.press.acme-corp.com.", [(1, 10)]),
    "phones are never allowed": ("support@acme-corp.com or 555-123-4567", [(1, 26)]),
}


@pytest.mark.parametrize(("body", "where"), ALLOWED_CONTACTS.values(), ids=ALLOWED_CONTACTS.keys())
def test_allowed_contacts(body: str, where: list[tuple[int, int]]) -> None:
    expected = [("personal-data", line + 6, col) for line, col in where]
    assert problems(note(body=body), settings=ALLOWED) == expected


def test_allowed_contacts_in_the_title() -> None:
    assert problems(note(title="Mail support@acme-corp.com"), settings=ALLOWED) == []
    assert problems(note(title="Mail support@acme-corp.com")) == [("personal-data", 2, 8)]


def test_personal_data_in_the_title() -> None:
    assert problems(note(title="Call Jane on 555-123-4567")) == [("personal-data", 2, 8)]


def test_personal_data_messages_redact_the_value() -> None:
    body = "Ask jane.doe@acme-corp.com or call 555-123-4567."
    text = " ".join(messages(note(body=body)))
    assert "j***@acme-corp.com" in text
    assert "555-***-****" in text
    assert "jane.doe" not in text and "4567" not in text


def test_everything_wrong_at_once_is_all_reported() -> None:
    text = note("tag: [x]", "tags: [Bad]", "related: [nope]", title="", date="2026-13-01",
                area="biling", source="chat", body="<script>x</script> a@b.co")  # fmt: skip
    assert problems(text) == [
        ("empty-field", 2, 7), ("bad-date", 3, 7), ("unknown-area", 4, 7),
        ("unknown-source", 5, 9), ("unknown-key", 6, 1), ("bad-slug", 7, 8),
        ("unknown-related", 8, 11), ("unsafe-markup", 10, 1), ("personal-data", 10, 20),
    ]  # fmt: skip


def test_a_note_comes_back_only_without_errors() -> None:
    warned, trouble = parse_note(PATH, note("tag: [x]").encode(), SETTINGS, AREAS, AS_OF)
    assert warned is not None and [p.severity for p in trouble] == ["warning"]
    failed, trouble = parse_note(PATH, note(area="x").encode(), SETTINGS, AREAS, AS_OF)
    assert failed is None and trouble


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (note(area="biling"), {"title", "date", "source"}),
        (note(title="Call 555-123-4567", date="2026-13-01"), {"area", "source"}),
        (note("customers: [contoso, Bad Slug]", "tags: [ok]"), {*REQUIRED, "tags"}),
        (note(body="Mail jane@acme-corp.com"), set(REQUIRED)),  # the body is not a field
        (note(source=None), {"title", "date", "area"}),
        ("---\ntitle: [unclosed\n---\n", None),
        ("no front matter", None),
    ],
)
def test_readable_fields_of_a_note_with_errors(text: str, expected: set[str] | None) -> None:
    values = readable_fields(PATH, text.encode(), SETTINGS, AREAS, AS_OF)
    assert (None if values is None else set(values) - {"confidence"}) == expected


def test_related_items_are_located_without_ids_too() -> None:
    text = note("related:", "  - other-note", "  - no-such-note")
    found = parse_note(PATH, text.encode(), SETTINGS, AREAS, AS_OF)[0]
    assert found is not None
    trouble = check_related([found], {"a-note", "other-note"})
    assert [(p.code, p.line, p.column) for p in trouble] == [("unknown-related", 8, 5)]


# Whole-wiki problems, on disk


def _load(root: Path) -> list[tuple[str, str, int, int]]:
    wiki = load_wiki(root, SETTINGS, AREAS, AS_OF)
    return [(p.path, p.code, p.line, p.column) for p in wiki.problems]


def test_duplicate_ids_are_reported_on_every_file(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/same.md": note(), "onboarding/same.md": note()})
    assert _load(root) == [
        ("insights/billing/same.md", "duplicate-id", 1, 1),
        ("insights/onboarding/same.md", "duplicate-id", 1, 1),
    ]
    wiki = load_wiki(root, SETTINGS, AREAS, AS_OF)
    assert "also used by insights/onboarding/same.md" in wiki.problems[0].message


def test_check_ids_names_every_other_file() -> None:
    files = [NoteFile(f"insights/{a}/x.md", Path(a)) for a in ("a", "b", "c")]
    (first, *_) = check_ids(files)
    assert first == Problem("insights/a/x.md", 1, 1, "error", "duplicate-id",
                            "id 'x' is also used by insights/b/x.md, insights/c/x.md; "
                            "rename one of the files")  # fmt: skip


def test_related_ids_may_name_any_note(make_wiki: WikiFactory) -> None:
    root = make_wiki({
        "billing/one.md": note("related: [two]"),
        "onboarding/two.md": note("related: [one, three]"),
    })  # fmt: skip
    assert _load(root) == [("insights/onboarding/two.md", "unknown-related", 6, 16)]


def test_a_note_with_errors_still_gets_related_checked(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/one.md": note("related: [nope]", area="x")})
    assert [code for _, code, _, _ in _load(root)] == ["unknown-area", "unknown-related"]


def test_symlinked_note_outside_the_repository(make_wiki: WikiFactory, tmp_path: Path) -> None:
    root = make_wiki({"billing/ok.md": note()})
    outside = tmp_path / "elsewhere.md"
    outside.write_text(note())
    (root / "insights/billing/linked.md").symlink_to(outside)
    assert _load(root) == [("insights/billing/linked.md", "symlink-outside", 1, 1)]


def test_symlinked_folder_outside_the_repository(make_wiki: WikiFactory, tmp_path: Path) -> None:
    root = make_wiki({"billing/ok.md": note()})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/x.md").write_text(note())
    (root / "insights/shared").symlink_to(tmp_path / "elsewhere")
    assert _load(root) == [("insights/shared", "symlink-outside", 1, 1)]


def test_symlinks_inside_the_repository_are_followed_once(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/ok.md": note()})
    (root / "archive").mkdir()
    (root / "archive/old.md").write_text(note(date="2025-01-01"))
    (root / "insights/archive").symlink_to(root / "archive")
    (root / "insights/billing/loop").symlink_to(root / "insights")  # a loop
    (root / "insights/billing/again").symlink_to(root / "insights/billing")
    (root / "insights/billing/alias.md").symlink_to(root / "insights/billing/ok.md")
    paths = [f.path for f in find_note_files(root, SETTINGS)]
    assert paths == [
        "insights/archive/old.md", "insights/billing/alias.md", "insights/billing/ok.md"
    ]  # fmt: skip
    assert _load(root) == []


def test_unreadable_files_are_errors(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/ok.md": note()})
    billing = root / "insights/billing"
    (billing / "dangling.md").symlink_to(billing / "gone.md")
    (billing / "loop.md").symlink_to(billing / "loop.md")
    os.mkfifo(billing / "pipe.md")  # reading it would block forever
    assert _load(root) == [
        ("insights/billing/dangling.md", "unreadable", 1, 1),
        ("insights/billing/loop.md", "unreadable", 1, 1),
        ("insights/billing/pipe.md", "unreadable", 1, 1),
    ]


def test_permission_denied(make_wiki: WikiFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_wiki({"billing/ok.md": note()})

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    item = find_note_files(root, SETTINGS)[0]
    note_, trouble = parse_file(item, SETTINGS, AREAS, AS_OF)
    assert note_ is None
    assert [(p.code, p.message) for p in trouble] == [
        ("unreadable", "cannot read the file (Permission denied); check its permissions")
    ]


def test_unlistable_folder(make_wiki: WikiFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_wiki({"billing/ok.md": note(), "secret/x.md": note()})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _load(root) == [("insights/secret", "unreadable", 1, 1)]


def test_too_large_file_is_not_read_whole(make_wiki: WikiFactory) -> None:
    root = make_wiki({"billing/big.md": note(body="x" * 2_000_000)})
    assert _load(root) == [("insights/billing/big.md", "too-large", 1, 1)]


def test_what_is_not_a_note(make_wiki: WikiFactory) -> None:
    root = make_wiki({
        "index.md": "# Home", "README.md": "# Read me", "billing/Readme.md": "x",
        "billing/Index.md": "x", "_drafts/x.md": "x", ".github/y.md": "x",
        "billing/.x.md": "x", "billing/notes.txt": "x", "billing/ok.md": note(),
        "billing/_underscored.md": note(),
    })  # fmt: skip
    paths = [f.path for f in find_note_files(root, SETTINGS)]
    assert paths == ["insights/billing/_underscored.md", "insights/billing/ok.md"]
    assert _load(root) == [("insights/billing/_underscored.md", "bad-id", 1, 1)]


def test_every_file_found_is_a_note_or_has_an_error(make_wiki: WikiFactory) -> None:
    root = make_wiki({
        "billing/a.md": note(), "billing/b.md": b"\x00", "billing/c.md": "no front matter",
        "billing/d.md": note("tag: [x]"), "billing/e.md": note(body=""),
    })  # fmt: skip
    wiki = load_wiki(root, SETTINGS, AREAS, AS_OF)
    errors = {p.path for p in wiki.errors}
    assert {n.path for n in wiki.notes} | errors == {
        f.path for f in find_note_files(root, SETTINGS)
    }
    assert wiki.checked == 5
