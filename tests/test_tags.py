"""The tag vocabulary: tags.yml's errors at their line and column, warnings at a note's tag, and
aliases folded into their tag in every count, page and index."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from generator.config import Settings
from generator.model import Area, Note, Tag, Wiki
from generator.notes.areas import parse_areas
from generator.notes.fields import SLUG
from generator.notes.load import load_wiki
from generator.notes.tags import parse_vocabulary
from generator.signals.links import related_map
from generator.signals.snapshots import snapshot
from generator.signals.summary import summarize
from generator.signals.summary_json import summary_to_json
from generator.site.browse import browse_json
from tests.conftest import AREAS_YML, WikiFactory, note_text

AS_OF = dt.date(2026, 6, 30)
PATH = "insights/tags.yml"
VOCABULARY = """\
sso:
  name: Single sign-on
  description: Signing in with the company's identity provider.
  aliases: [single-sign-on, saml]
invoices:
  name: Invoices
"""


def errors(text: str) -> list[tuple[int, int, str]]:
    """(line, column, code) of each problem of a tags.yml."""
    return [(p.line, p.column, p.code) for p in parse_vocabulary(PATH, text)[1]]


def messages(text: str) -> list[str]:
    return [p.message for p in parse_vocabulary(PATH, text)[1]]


def test_a_sound_vocabulary() -> None:
    vocabulary, problems = parse_vocabulary(PATH, VOCABULARY)
    assert problems == []
    assert vocabulary.tags == (
        Tag("sso", "Single sign-on", "Signing in with the company's identity provider.",
            ("single-sign-on", "saml")),
        Tag("invoices", "Invoices"),
    )  # fmt: skip
    assert vocabulary.folds == {"single-sign-on": "sso", "saml": "sso"}
    assert vocabulary.canonical("saml") == "sso" and vocabulary.canonical("other") == "other"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),  # empty: governs nothing
        ("# only a comment\n", []),
        ("- sso\n- invoices\n", [(1, 1, "bad-tags")]),  # a list
        ("just text\n", [(1, 1, "bad-tags")]),
        ("sso: {name: [unclosed\n", [(1, 13, "yaml-syntax")]),
        ("sso:\n  name: a\n    bad: indent\n", [(3, 8, "yaml-syntax")]),
        ("sso: {}\ninvoices: {}\nsso: {}\n", [(3, 1, "duplicate-key")]),
        ("sso:\n  aliases: [Single-Sign-On]\n", [(2, 13, "bad-tags")]),  # uppercase alias
        ("sso:\n  aliases: [sso]\n", [(2, 13, "bad-tags")]),  # the tag itself
        ("sso:\n  aliases: [saml]\nsaml: {}\n", [(2, 13, "bad-tags")]),  # also a tag
        ("sso:\n  aliases: [saml]\nauth:\n  aliases: [x, saml]\n", [(4, 16, "bad-tags")]),
        ("sso:\n  aliases: [saml, saml]\n", [(2, 19, "bad-tags")]),
        ("sso:\n  aliases: saml\n", [(2, 12, "bad-tags")]),  # not a list
        ("sso:\n  aliases: [[a]]\n", [(2, 13, "bad-tags")]),
        ("sso:\n  aliases: [7]\n", [(2, 13, "bad-tags")]),
        ("sso:\n  aliases: ['']\n", [(2, 13, "bad-tags")]),
        ("sso:\n  alias: [saml]\n", [(2, 3, "bad-tags")]),  # unknown key
        ("sso:\n  name: [a, b]\n", [(2, 9, "bad-tags")]),
        ("sso: single sign-on\n", [(1, 6, "bad-tags")]),  # not a mapping
        ("Single-Sign-On: {}\n", [(1, 1, "bad-tags")]),  # not a slug
        ("sso: &a {}\nsaml: *a\n", [(2, 7, "yaml-alias")]),
        ("sso: !!python/object:os.system {}\n", [(1, 6, "yaml-tag")]),
        ("sso:\n", []),  # a tag with nothing said of it
    ],
)
def test_each_error_is_at_its_line_and_column(text: str, expected: list[object]) -> None:
    assert errors(text) == expected


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("- sso\n", "map each tag slug to {name: ..., description: ..., aliases:"),
        ("sso:\n  aliases: [Single-Sign-On]\n", "write 'single-sign-on'"),
        ("sso:\n  aliases: [sso]\n", "'sso' is the tag itself; remove it from its aliases"),
        ("sso:\n  aliases: [saml]\nsaml: {}\n", "alias 'saml' is also a tag"),
        ("a:\n  aliases: [x]\nb:\n  aliases: [x]\n", "'x' is already an alias of 'a'; keep it"),
        ("sso:\n  aliases: saml\n", "'aliases' must be a list; write aliases: [saml]"),
        ("sso:\n  alias: [saml]\n", "unknown key 'alias' (did you mean 'aliases'?)"),
        ("sso: text\n", "tag 'sso' is text, not a mapping; write {name: ..., description:"),
        ("Billing Docs: {}\n", "is not a lowercase slug (a-z, 0-9 and '-'); write 'billing-docs'"),
    ],
)
def test_each_error_says_how_to_fix_it(text: str, fix: str) -> None:
    assert len(messages(text)) == 1 and fix in messages(text)[0]


def test_bad_entries_are_left_out_and_the_rest_kept() -> None:
    text = "sso:\n  aliases: [saml, Bad, saml]\nBad Slug: {}\ninvoices: [x]\nexport: {}\n"
    vocabulary, problems = parse_vocabulary(PATH, text)
    assert [t.slug for t in vocabulary.tags] == ["sso", "invoices", "export"]
    assert vocabulary.folds == {"saml": "sso"}
    assert len(problems) == 4


@pytest.mark.parametrize(
    ("text", "fails"),
    [
        ("\x00", True), ("sso: [\n", True), ("a:\n" + "  " * 40 + "b\n", True),
        ("? [a]\n: b\n", True), ("sso: {aliases: {a: 1}}\n", True),
        ("sso: {name: 1:30}\n", False), ("- [a, [b]]\n", True),
        ("sso: {aliases: [null, true, 1.5]}\n", True), ("\ufeffsso:\n", False),
        ("[: ]\n", True), ("sso: {aliases: [" + ", ".join(f"a{i}" for i in range(500)) + "]}",
                            False),
    ],
)  # fmt: skip
def test_hostile_files_give_problems_never_a_traceback(text: str, fails: bool) -> None:
    vocabulary, problems = parse_vocabulary(PATH, text)
    assert bool(problems) == fails
    assert all(p.path == PATH and p.line >= 1 and p.column >= 1 for p in problems)
    assert all(SLUG.match(t.slug) for t in vocabulary.tags)


# Notes: warnings where the tag is written, and aliases folded when the wiki loads


def wiki(
    make_wiki: WikiFactory, notes: dict[str, str], vocabulary: str | None, name: str = "wiki"
) -> Wiki:
    root = make_wiki(notes, root=make_wiki().parent / name)
    if vocabulary is not None:
        (root / "insights" / "tags.yml").write_text(vocabulary, encoding="utf-8")
    areas = parse_areas("insights/areas.yml", AREAS_YML)[0]
    return load_wiki(root, Settings(), areas, AS_OF)


def found(result: Wiki) -> list[tuple[str, int, int, str, str, str]]:
    return [(p.path, p.line, p.column, p.severity, p.code, p.message) for p in result.problems]


def test_an_alias_and_an_unknown_tag_warn_at_the_tag(make_wiki: WikiFactory) -> None:
    notes = {"billing/a.md": note_text(tags="[invoices, single-sign-on, invoces, auth]")}
    result = wiki(make_wiki, notes, VOCABULARY)
    path = "insights/billing/a.md"
    assert found(result) == [
        (path, 6, 18, "warning", "tag-alias",
         "'single-sign-on' is an alias of 'sso'; write 'sso'"),
        (path, 6, 34, "warning", "unknown-tag", "'invoces' is not a tag of insights/tags.yml "
         "(did you mean 'invoices'?); use a listed tag, or add it there"),
        (path, 6, 43, "warning", "unknown-tag",
         "'auth' is not a tag of insights/tags.yml; use a listed tag, or add it there"),
    ]  # fmt: skip
    assert result.notes[0].tags == ("invoices", "sso", "invoces", "auth")


def test_a_tag_close_to_an_alias_suggests_the_tag(make_wiki: WikiFactory) -> None:
    result = wiki(make_wiki, {"billing/a.md": note_text(tags=["single-signon"])}, VOCABULARY)
    assert "(did you mean 'sso'?)" in result.problems[0].message


def test_a_block_list_warns_on_each_items_line(make_wiki: WikiFactory) -> None:
    text = note_text(body="x\n").replace("source: interview", "source: interview\ntags:\n"
                                         "  - sso\n  - saml\n  - single-sign-on")  # fmt: skip
    result = wiki(make_wiki, {"billing/a.md": text}, VOCABULARY)
    assert [(p.line, p.column, p.code) for p in result.problems] == [
        (8, 5, "tag-alias"), (9, 5, "tag-alias")]  # fmt: skip
    note = result.notes[0]
    assert note.tags == ("sso",) and note.position("tags[0]") == (7, 5)


def test_folding_keeps_positions_in_step_with_the_tags(make_wiki: WikiFactory) -> None:
    notes = {"billing/a.md": note_text(tags="[saml, invoices, sso, single-sign-on, x]")}
    note = wiki(make_wiki, notes, VOCABULARY).notes[0]
    assert note.tags == ("sso", "invoices", "x")
    assert [note.position(f"tags[{i}]") for i in range(3)] == [(6, 8), (6, 14), (6, 45)]


def test_without_a_vocabulary_nothing_changes(make_wiki: WikiFactory) -> None:
    notes = {"billing/a.md": note_text(tags="[single-sign-on, anything]")}
    for index, vocabulary in enumerate((None, "", "# nothing listed yet\n")):
        result = wiki(make_wiki, notes, vocabulary, f"wiki{index}")
        assert result.problems == () and result.tags == ()
        assert result.notes[0].tags == ("single-sign-on", "anything")


def test_a_broken_vocabulary_is_an_error_but_the_notes_load(make_wiki: WikiFactory) -> None:
    notes = {"billing/a.md": note_text(tags=["saml"])}
    result = wiki(make_wiki, notes, "sso:\n  aliases: [saml]\nbad: [x]\n")
    assert [(p.path, p.line, p.column, p.code) for p in result.errors] == [
        ("insights/tags.yml", 3, 6, "bad-tags")]  # fmt: skip
    assert result.notes[0].tags == ("sso",)
    assert [p.code for p in result.warnings] == ["tag-alias"]


# Every count downstream sees canonical tags: the wiki written with aliases counts as the
# wiki written with the tags themselves.


def corpus(sso: tuple[str, str, str]) -> dict[str, str]:
    """Notes in two areas, now and in the previous window, writing `sso` three ways."""
    notes = {}
    for index, day in enumerate(("2026-06-20", "2026-06-10", "2026-05-20", "2026-03-10")):
        for area in ("billing", "onboarding"):
            tag = sso[index % 3]
            notes[f"{area}/{day}-{index}.md"] = note_text(
                title=f"Customers want single sign-on for {area} {index}", date=day, area=area,
                tags=f"[{tag}, invoices]", customers=f"[acme-{index}]",
                body=f"They sign in with the identity provider, note {index}.\n",
            )  # fmt: skip
    return notes


def views(result: Wiki) -> dict[str, object]:
    """What the summaries, findings, browse filters and related insights make of a wiki."""
    settings = Settings()
    company = summarize(result.notes, result.areas, AS_OF, settings)
    return {
        "summary": summary_to_json(company),
        "browse": json.loads(browse_json(result.notes, result.areas, settings)),
        "related": dict(related_map(result.notes)),
        "tags": sorted((n.id, n.tags) for n in result.notes),
    }


def test_aliases_count_under_their_tag_everywhere(make_wiki: WikiFactory) -> None:
    canonical = views(wiki(make_wiki, corpus(("sso", "sso", "sso")), VOCABULARY, "a"))
    aliased = views(wiki(make_wiki, corpus(("sso", "saml", "single-sign-on")), VOCABULARY, "b"))
    assert aliased == canonical
    summary = canonical["summary"]
    assert isinstance(summary, dict)
    themes = {t["tag"]: t for a in summary["areas"] for t in a["themes"]}
    assert set(themes) == {"sso", "invoices"}
    assert themes["sso"]["window"] == 3 and themes["sso"]["previous"] == 1
    assert [t["tag"] for t in summary["company"]["cross_area_themes"]] == ["invoices", "sso"]
    assert summary["company"]["findings"]  # findings were made from these notes
    unfolded = views(wiki(make_wiki, corpus(("sso", "saml", "single-sign-on")), None, "c"))
    assert unfolded != canonical  # the comparison can fail: without tags.yml nothing folds


def test_notes_carry_only_canonical_tags(make_wiki: WikiFactory) -> None:
    result = wiki(make_wiki, corpus(("sso", "saml", "single-sign-on")), VOCABULARY)
    assert {t for n in result.notes for t in n.tags} == {"sso", "invoices"}
    assert all(isinstance(n, Note) for n in result.notes) and len(result.notes) == 8
    assert result.areas[0] == Area("billing", "Billing", "Marcus Lee",
                                   "Plans, invoices and payment methods.")  # fmt: skip


def test_a_reviews_snapshot_folds_with_that_revisions_vocabulary() -> None:
    files = {"insights/billing/a.md": note_text(tags="[saml, x]").encode()}
    folded = snapshot(files, AREAS_YML, Settings(), AS_OF, tags_text=VOCABULARY)
    assert folded.wiki.notes[0].tags == ("sso", "x")
    assert [p.code for p in folded.wiki.problems] == ["tag-alias", "unknown-tag"]
    later = snapshot(files, AREAS_YML, Settings(), AS_OF, earlier=folded)  # tags.yml deleted
    assert later.wiki.notes[0].tags == ("saml", "x") and later.wiki.problems == ()
    broken = snapshot(files, AREAS_YML, Settings(), AS_OF, tags_text="- x\n")
    assert [(p.path, p.code) for p in broken.wiki.problems] == [(PATH, "bad-tags")]
