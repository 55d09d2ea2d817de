"""Nothing crashes the checker: random bytes, random text and mangled YAML front matter all get
problems with a real line and column, and hostile notes get a bounded, clear answer."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli.commands import main
from generator.config import Settings
from generator.model import Area
from generator.notes import body as notebody
from generator.notes import scan
from generator.notes.load import parse_note
from generator.yamlfile import dump
from tests.conftest import AREAS_YML, MKDOCS_YML

AS_OF = dt.date(2026, 6, 30)
AREAS = (Area("billing", "Billing"), Area("onboarding", "Onboarding"))
SETTINGS = Settings()
PATH = "insights/billing/fuzzed.md"
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.text(max_size=30), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
    st.dates(), st.sampled_from(["billing", "interview", "2026-06-01", "high", "a-b", "~"]),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
known_keys = ["title", "date", "area", "source", "tags", "customers", "related", "team", "author",
              "confidence", "tag", "Title"]  # fmt: skip
keys = st.sampled_from(known_keys) | st.text(max_size=10)
front_matter = st.dictionaries(keys, values, max_size=12)
yaml_specials = [*":-[]{}&*!|>'\"#%@`?,\n\t ", "---", "...", "!!python/object:x", "*a", "&a"]


@st.composite
def mangled_yaml(draw: st.DrawFn) -> str:
    """Generated front matter dumped as YAML, then cut, spliced and sprinkled with syntax."""
    text = dump(draw(front_matter))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(yaml_specials) | st.text(max_size=3))
        end = at if action == "insert" else min(len(text), at + draw(st.integers(1, 5)))
        text = text[:at] + ("" if action == "delete" else piece) + text[end:]
    return text


bodies = st.text(max_size=200) | st.sampled_from([
    "", "<script>x</script>", "```\n<b onclick=x>\n```", "`x` [a](javascript:b)",
    "mail a@b.co or +44 20 7946 0958", "\\`<i>`", "<div>\n`<b>`\n</div>",
])  # fmt: skip


def assert_well_formed(data: bytes) -> None:
    """parse_note never raises; each problem points at a real line and column of the file."""
    note, problems = parse_note(PATH, data, SETTINGS, AREAS, AS_OF, {"fuzzed", "other"})
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for problem in problems:
        assert 1 <= problem.line <= len(lines), problem
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, problem
        assert problem.message and "\n" not in problem.message, problem
        assert problem.path == PATH
    assert (note is None) == any(p.severity == "error" for p in problems)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    assert_well_formed(data)


@FUZZ
@given(st.binary(max_size=500))
def test_random_bytes_after_a_fence(data: bytes) -> None:
    assert_well_formed(b"---\n" + data)
    assert_well_formed(b"---\n" + data + b"\n---\nBody.\n")


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    assert_well_formed(text.encode("utf-8", "surrogatepass"))
    assert_well_formed(("---\n" + text).encode("utf-8", "surrogatepass"))


@FUZZ
@given(front_matter, bodies)
def test_generated_front_matter(fields: dict[str, object], body: str) -> None:
    assert_well_formed(("---\n" + dump(fields) + "---\n" + body).encode("utf-8", "surrogatepass"))


@FUZZ
@given(mangled_yaml(), bodies, st.sampled_from(["\n", "\r\n", "\r"]))
def test_mangled_front_matter(yaml_text: str, body: str, newline: str) -> None:
    text = "---\n" + yaml_text + "\n---\n" + body
    assert_well_formed(text.replace("\n", newline).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.text(max_size=500))
def test_body_scans_never_raise(text: str) -> None:
    for finding in [*scan.unsafe_markup(text), *scan.personal_data(text)]:
        lines = text.split("\n")
        assert 1 <= finding.line <= len(lines)
        assert 1 <= finding.column <= len(lines[finding.line - 1])
    assert isinstance(notebody.for_markdown(text), str)
    assert isinstance(notebody.clean_html(text), str)
    assert isinstance(scan.without_html(text), str)


def _wiki(folder: Path) -> Path:
    (folder / "insights/billing").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (folder / "insights/areas.yml").write_text(AREAS_YML, encoding="utf-8")
    return folder


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=300) | mangled_yaml().map(lambda y: f"---\n{y}\n---\nx"),
                min_size=1, max_size=4))  # fmt: skip
def test_the_cli_never_raises(files: list[bytes | str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = _wiki(Path(folder))
        for i, content in enumerate(files):
            data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
            (root / f"insights/billing/n{i}.md").write_bytes(data)
        result = CliRunner().invoke(
            main, ["check", "--config", str(root / "mkdocs.yml"), "--as-of", "2026-06-30",
                   "--format", "json"],
        )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1)
    report = json.loads(result.stdout)
    assert report["checked"] == len(files)
    assert all(p["line"] >= 1 and p["column"] >= 1 for p in report["problems"])


# Hostile notes: each gets one clear problem, promptly (the limits are structural, not timed)

BIG = Settings(max_note_bytes=10_000_000)  # let a 5 MB note through to the parser


def codes(data: bytes, settings: Settings = SETTINGS) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.column) for p in parse_note(PATH, data, settings, AREAS, AS_OF)[1]]


def valid(body: str = "Body.\n", title: str = "A finding") -> bytes:
    fields = f"title: {title}\ndate: 2026-06-01\narea: billing\nsource: interview\n"
    return ("---\n" + fields + "---\n" + body).encode()


def test_a_5_mb_note_is_refused_by_default() -> None:
    assert codes(valid("word " * 1_000_000)) == [("too-large", 1, 1)]


def test_a_5_mb_note_is_scanned_when_allowed() -> None:
    assert codes(valid("word " * 1_000_000), BIG) == []
    hostile = "<a " * 400_000 + "`" * 100_000 + "a@" * 300_000 + "+1 " * 300_000
    assert codes(valid(hostile), BIG) == []


def test_a_5_mb_line_of_markup_is_scanned_when_allowed() -> None:
    line = ("<b x " + "=" * 50 + "j" * 50 + " ") * 40_000 + "<script>"
    (finding,) = codes(valid(line + "\n"), BIG)
    assert finding == ("unsafe-markup", 7, len(line) - len("<script>") + 1)


def test_an_alias_bomb() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{k}: &{k} [{', '.join(['*' + p] * 9)}]"
        for p, k in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    data = ("---\n" + "\n".join(lines) + "\n---\nBody.\n").encode()
    assert codes(data) == [("yaml-alias", 3, 8)]


def test_10k_deep_nesting() -> None:
    data = ("---\ntags: " + "[" * 10_000 + "]" * 10_000 + "\n---\nBody.\n").encode()
    assert codes(data) == [("yaml-syntax", 2, 38)]
    data = ("---\ntags:\n  " + "- " * 10_000 + "x\n---\n").encode()
    assert codes(data) == [("yaml-syntax", 3, 65)]
    data = ("---\ntags: " + "{a: " * 10_000 + "}" * 10_000 + "\n---\n").encode()
    assert codes(data) == [("yaml-syntax", 2, 128)]


def test_a_binary_file() -> None:
    assert codes(bytes(range(256)) * 1000) == [("binary-file", 1, 1)]
    assert codes(b"\x7fELF" + bytes(2_000_000)) == [("too-large", 1, 1)]


def test_an_enormous_key() -> None:
    data = ("---\n" + "k" * 500_000 + ": v\n---\nBody.\n").encode()
    (found,) = parse_note(PATH, data, SETTINGS, AREAS, AS_OF)[1]
    assert (found.code, found.line, found.column) == ("yaml-syntax", 2, 500_001)
    assert "at most 1024 characters" in found.message


def test_an_enormous_value() -> None:
    assert codes(valid(title="v" * 900_000)) == []
    (found,) = parse_note(PATH, valid().replace(b"billing", b"b" * 900_000), SETTINGS,
                          AREAS, AS_OF)[1]  # fmt: skip
    assert (found.code, found.line, found.column) == ("unknown-area", 4, 7)
    assert len(found.message) < 300
