"""`insights digest`: the period's insights, findings, themes and flags, in three formats."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli.commands import main
from generator.config import Settings
from generator.model import Area, Note
from generator.signals.digest import make_digest
from generator.site.digest_report import digest_report
from tests.conftest import FIXTURES, WikiFactory, note_text

AS_OF = dt.date(2026, 6, 30)
AREAS = (Area("billing", "Billing"), Area("onboarding", "Onboarding"))
SETTINGS = Settings(site_url="https://wiki.example.com/")
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(2)) @channel <!channel> **b**"


def note(
    nid: str, days_ago: int, area: str = "billing", title: str = "", body: str = "", **kw: object
) -> Note:
    values: dict[str, object] = {
        "id": nid,
        "path": f"insights/{area}/{nid}.md",
        "title": title or f"Note {nid}",
        "date": AS_OF - dt.timedelta(days=days_ago),
        "area": area,
        "source": "interview",
        "customers": (f"c-{nid}",),
        "body": body or f"Unrelated words about {nid} and nothing else.",
    }
    values.update(kw)
    return Note(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("days", "inside", "outside"), [(7, 6, 7), (1, 0, 1), (30, 29, 30)])
def test_the_period_is_the_as_of_day_and_the_days_before(
    days: int, inside: int, outside: int
) -> None:
    notes = [note("in", inside), note("out", outside), note("future", -1)]
    digest = make_digest(notes, AREAS, AS_OF, days, SETTINGS)
    assert [n.id for n in digest.insights] == ["in"]
    assert digest.start == AS_OF - dt.timedelta(days=days - 1)
    assert digest.previous_as_of == AS_OF - dt.timedelta(days=days)


def test_insights_are_grouped_by_area_newest_first_and_filtered_by_area() -> None:
    notes = [note("b1", 3), note("o1", 1, "onboarding"), note("b2", 0), note("b3", 5)]
    digest = make_digest(notes, AREAS, AS_OF, 7, SETTINGS)
    assert [n.id for n in digest.insights_of("billing")] == ["b2", "b1", "b3"]
    only = make_digest(notes, AREAS, AS_OF, 7, SETTINGS, wanted={"onboarding"})
    assert [n.id for n in only.insights] == ["o1"] and [a.slug for a in only.areas] == [
        "onboarding"
    ]


PO = (
    "Finance cannot add a purchase order number to the invoice, so accounts payable rejects "
    "it and the payment waits for weeks. The procurement portal demands the purchase order "
    "reference on every invoice."
)
SSO = (
    "Admins cannot find where the single sign-on setup lives in the console; the identity "
    "provider metadata upload is buried under security settings and the wizard never starts."
)


def filler(count: int) -> list[Note]:
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    return [
        note(f"f{i}", 20 + i, body=f"{words[i % 8]} {words[(i + 3) % 8]} topic {i} zulu{i}.")
        for i in range(count)
    ]


def test_findings_are_new_or_growing() -> None:
    notes = [
        *filler(12),
        note("po1", 30, title="No purchase order number on invoices", body=PO),
        note("po2", 20, title="Purchase order missing from invoice", body=PO),
        note("po3", 2, title="Invoices lack the purchase order number", body=PO),
        note("sso1", 3, "onboarding", title="Single sign-on setup is hidden", body=SSO),
        note("sso2", 1, "onboarding", title="Cannot find single sign-on setup", body=SSO),
        note("old1", 40, title="Dunning e-mails", body="Dunning reminder e-mails go to spam."),
    ]
    digest = make_digest(notes, AREAS, AS_OF, 7, SETTINGS)
    found = {f.finding.notes[0][:2]: (f.status, sorted(f.added)) for f in digest.findings}
    assert found == {"po": ("growing", ["po3"]), "ss": ("new", ["sso1", "sso2"])}
    billing = make_digest(notes, AREAS, AS_OF, 7, SETTINGS, wanted={"billing"})
    assert [f.status for f in billing.findings] == ["growing"]


def test_a_finding_whose_notes_were_apart_before_is_new() -> None:
    notes = [
        *filler(12),
        note("po1", 30, title="No purchase order number on invoices", body=PO),
        note("po2", 2, title="Purchase order missing from invoice", body=PO),
    ]
    (finding,) = make_digest(notes, AREAS, AS_OF, 7, SETTINGS).findings
    assert finding.status == "new" and finding.added == ("po2",)


def test_themes_new_and_growing() -> None:
    tagged = [
        note("t1", 40, tags=("coupons",)),
        note("t2", 30, tags=("coupons",)),
        note("t3", 2, tags=("coupons",)),  # the third: coupons becomes emerging
        *[note(f"s{i}", 60 + i, tags=("sso",)) for i in range(3)],  # emerging already
        note("s9", 1, tags=("sso",)),  # and grows
        *[note(f"q{i}", 50 + i, tags=("quiet",)) for i in range(3)],  # emerging, not growing
    ]
    digest = make_digest(tagged, AREAS, AS_OF, 7, SETTINGS)
    assert [(t.theme.tag, t.status, t.added) for t in digest.themes] == [
        ("coupons", "new", ("t3",)),
        ("sso", "growing", ("s9",)),
    ]


def test_flags_raised_and_cleared_since_the_previous_period() -> None:
    notes = [
        note("b", 46),  # billing: 39 days old then, 46 now: going dark is raised
        note("o-old", 60, "onboarding"),  # onboarding: dark then,
        note("o-new", 3, "onboarding"),  # heard again: going dark is cleared
    ]
    digest = make_digest(notes, AREAS, AS_OF, 7, SETTINGS)
    assert [(f.flag, f.subject) for f in digest.raised] == [("going_dark", "billing")]
    assert [(f.flag, f.subject) for f in digest.cleared] == [("going_dark", "onboarding")]
    assert "46 days old" in digest.raised[0].why
    only = make_digest(notes, AREAS, AS_OF, 7, SETTINGS, wanted={"onboarding"})
    assert only.raised == () and len(only.cleared) == 1


def test_an_over_contacted_customer_is_a_flag_of_its_own() -> None:
    notes = [note(f"n{i}", 10 + i, customers=("contoso",)) for i in range(4)]
    notes.append(note("n9", 1, "onboarding", customers=("contoso",)))
    digest = make_digest(notes, AREAS, AS_OF, 7, SETTINGS)
    over = [f for f in digest.raised if f.flag == "over_contacted"]
    assert [(f.subject, f.areas) for f in over] == [("contoso", ("billing", "onboarding"))]


def test_a_zero_day_period_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        make_digest([], AREAS, AS_OF, 0, SETTINGS)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def hostile_digest() -> tuple[str, str, list[Note]]:
    notes = [
        note("x1", 1, title=HOSTILE, tags=("t",), customers=("@here",)),
        note("x2", 2, title=HOSTILE, tags=("t",)),
        note("x3", 3, title=HOSTILE, tags=("t",)),
    ]
    digest = make_digest(notes, AREAS, AS_OF, 7, SETTINGS)
    html = digest_report(digest, notes, SETTINGS, "html")
    markdown = digest_report(digest, notes, SETTINGS, "markdown")
    return html, markdown, notes


def test_html_is_a_self_contained_email_body_with_everything_escaped() -> None:
    html, _, _ = hostile_digest()
    parsed = Tags()
    parsed.feed(html)
    assert "script" not in parsed.tags and "style" not in parsed.tags and "link" not in parsed.tags
    assert parsed.hrefs and all(h.startswith("https://wiki.example.com/") for h in parsed.hrefs)
    assert HOSTILE in "".join(parsed.text)  # shown as text, whole
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_markdown_escapes_links_markup_and_mentions() -> None:
    _, markdown, _ = hostile_digest()
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    assert "[x](javascript" not in markdown and "\\[x\\]\\(javascript:alert\\(2\\)\\)" in markdown
    assert "@channel" not in markdown and "@\u2060channel" in markdown
    assert "@here" not in markdown and "<!channel>" not in markdown
    assert "**b**" not in markdown


def test_without_a_site_url_links_are_relative_and_the_reports_say_so() -> None:
    notes = [note("a", 1)]
    digest = make_digest(notes, AREAS, AS_OF, 7, Settings())
    markdown = digest_report(digest, notes, Settings(), "markdown")
    assert "set `site_url` in mkdocs.yml" in markdown
    assert "(billing/a/)" in markdown
    html = digest_report(digest, notes, Settings(), "html")
    assert 'href="billing/a/"' in html and "set site_url in mkdocs.yml" in html
    data = json.loads(digest_report(digest, notes, Settings(), "json"))
    assert data["site_url"] is None and data["insights"][0]["url"] == "billing/a/"


def digest_cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["digest", "--config", str(root / "mkdocs.yml"), *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_contract_from_the_cli(tmp_path: Path) -> None:
    code, out, err = digest_cli(FIXTURES / "small", "--format", "json", "--days", "14")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "as_of", "days", "start", "previous_as_of", "areas", "site_url", "insights",
        "findings", "themes", "flags",
    }  # fmt: skip
    assert data["as_of"] == "2026-06-30" and data["days"] == 14 and data["start"] == "2026-06-17"
    assert data["site_url"] == "https://wiki.example.com/"
    assert [i["id"] for i in data["insights"]] == [
        "2026-06-28-sso-setup-hidden", "2026-06-20-invoices-lack-cost-centres",
    ]  # fmt: skip
    first = data["insights"][0]
    assert {"id", "title", "area", "date", "source", "customers"} <= set(first)
    assert first["url"] == "https://wiki.example.com/onboarding/2026-06-28-sso-setup-hidden/"
    assert set(data["flags"]) == {"raised", "cleared"}
    assert err == ""


def test_the_same_notes_give_the_same_digest() -> None:
    runs = [digest_cli(FIXTURES / "small", "--format", fmt) for fmt in ("html", "html")]
    assert runs[0] == runs[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--area", "biling"), "'biling' is not an area (did you mean 'billing'?)"),
        (("--area", "billing", "--area", "zzz"), "'zzz' is not an area; choose from"),
        (("--days", "0"), "--days"),
        (("--format", "pdf"), "--format"),
    ],
)
def test_misuse_exits_2(args: tuple[str, ...], message: str) -> None:
    code, _, err = digest_cli(FIXTURES / "small", *args)
    assert code == 2 and message in err


def test_area_option_filters_and_a_missing_site_url_warns(make_wiki: WikiFactory) -> None:
    root = make_wiki({
        "billing/a.md": note_text("Billing note", "2026-06-29"),
        "onboarding/b.md": note_text("Onboarding note", "2026-06-28", area="onboarding"),
    })  # fmt: skip
    code, out, err = digest_cli(root, "--as-of", "2026-06-30", "--area", "onboarding")
    assert code == 0
    assert "Onboarding note" in out and "Billing note" not in out
    assert "site_url is not set" in err


def test_help_documents_every_option() -> None:
    result = CliRunner().invoke(main, ["digest", "--help"])
    for option in ("--days", "--area", "--format", "--as-of", "--config"):
        assert option in result.output
