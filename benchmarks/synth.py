"""Write a synthetic wiki of N insight notes: deterministic (seeded) and shaped like the real one.

Each note has a ~250-word body with a quote, one of 12 areas, a date in the two years before
the wiki's pinned `as_of`, 1-3 customers from a pool of 2,000 and 2-4 tags from a vocabulary
of 150. Words follow a Zipf-like law over a mixed vocabulary, so term statistics (and hence
search, related insights and near-duplicate checks) behave like real text.

    python -m benchmarks.synth OUT_DIR [--notes 10000] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

AS_OF = dt.date(2026, 11, 20)
DAYS = 730
AREAS = (
    "onboarding", "billing", "reporting", "integrations", "admin-console", "collaboration",
    "mobile", "search", "notifications", "api-platform", "security", "data-import",
)  # fmt: skip
SOURCES = ("interview", "usability-test", "survey", "support-ticket", "sales-call",
           "customer-success", "analytics", "field-visit", "community")  # fmt: skip
TEAMS = ("payments", "growth", "platform", "core-ux", "enterprise", "mobile-squad", "data")
AUTHORS = ("Priya Raman", "Marcus Lee", "Dana Whitfield", "Tomás Ortega", "Aisha Bello",
           "Ben Carter", "Mei Chen", "Jonas Berg")  # fmt: skip
_COMMON_TEXT = """
the a to of and in for that is it on with they we was but not this be at as have are from
their when our all one more what about after would could there so if just can them before
then every because only other still each some into while need want team users customers
people admin admins account accounts workspace workspaces setting settings page pages report
reports invoice invoices plan plans data export import role roles permission permissions
email notification notifications dashboard dashboards integration integrations trial setup
login password sso token tokens api webhook webhooks mobile app search filter filters list
lists project projects task tasks comment comments approval approvals audit log logs seat
seats renewal contract price pricing month week day quarter year time first last new old
"""
COMMON = tuple(_COMMON_TEXT.split())
TOPICS = """
onboarding: signup checklist invite invitation welcome tutorial template sample wizard
  activation verify domain first-run guide walkthrough tour empty starter
billing: proration refund credit vat tax card currency procurement quote receipt discount
  annual monthly true-up overage budget finance purchase-order
reporting: chart widget metric kpi schedule scheduled pivot drilldown csv pdf refresh
  benchmark trend cohort funnel breakdown snapshot
integrations: salesforce hubspot slack teams snowflake bigquery zapier sync connector
  mapping field rate-limit pagination oauth backfill
admin-console: scim okta provisioning deprovision retention compliance policy session
  timeout mfa ip allowlist governance owner delegate
collaboration: mention thread share sharing guest reviewer approver draft version history
  presence cursor reaction assign assignee
mobile: offline push tablet phone battery camera upload gesture widget sync crash
  latency signal ios android biometrics
search: query results relevance ranking synonym typo facet index highlight recent saved
  autocomplete fuzzy boost snippet
notifications: digest inbox unsubscribe frequency mute snooze alert channel badge quiet
  hours reminder escalation batch noise
api-platform: endpoint sdk quota throttle versioning deprecation schema graphql rest retry
  idempotency cursor payload changelog
security: encryption key rotation breach pentest questionnaire soc2 iso vendor risk
  residency byok vulnerability disclosure
data-import: spreadsheet mapping duplicate dedupe column header encoding utf8 migration
  legacy bulk validation preview rollback
"""
VERBS = ("struggled with", "asked about", "could not find", "complained about", "praised",
         "worked around", "gave up on", "misunderstood", "wanted", "expected", "compared",
         "escalated", "ignored", "rebuilt", "documented")  # fmt: skip
QUOTES = (
    "We spent a whole afternoon on {0} and still could not get {1} right.",
    "If {0} just worked with {1} we would roll it out to every team.",
    "Nobody here understands why {0} behaves differently from {1}.",
    "I had to open a ticket for {0}, and the answer about {1} came a week later.",
    "Honestly {0} is the reason we looked at a competitor, that and {1}.",
)


@dataclass(frozen=True)
class Vocabulary:
    """The word pools notes draw from, with Zipf-like weights."""

    common: tuple[str, ...]
    topics: dict[str, tuple[str, ...]]
    rare: tuple[str, ...]
    tags: tuple[str, ...]
    customers: tuple[str, ...]


def vocabulary(rng: random.Random) -> Vocabulary:
    """The common words, each area's topic words, rare made-up words, tags and customers."""
    topics = _topics()
    syllables = [a + b for a in "bdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ar", "en")]
    rare = tuple(sorted({"".join(rng.sample(syllables, 3)) for _ in range(4000)}))
    topic_words = sorted({w for words in topics.values() for w in words})
    tags = tuple(rng.sample(topic_words, 150))
    customers: dict[str, None] = {}
    while len(customers) < 2000:
        customers[f"{rng.choice(rare)}-{rng.choice(rare)}"] = None
    return Vocabulary(COMMON, topics, rare, tags, tuple(customers))


def _topics() -> dict[str, tuple[str, ...]]:
    topics: dict[str, tuple[str, ...]] = {}
    area = ""
    for line in TOPICS.strip().splitlines():
        if ":" in line and not line.startswith(" "):
            area, words = line.split(":", 1)
            topics[area] = tuple(words.split())
        else:
            topics[area] += tuple(line.split())
    return topics


def _zipf_pick(rng: random.Random, words: tuple[str, ...], k: int) -> list[str]:
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return rng.choices(words, weights=weights, k=k)


def note_text(index: int, rng: random.Random, vocab: Vocabulary) -> tuple[str, str]:
    """One note's (relative path, text)."""
    area = AREAS[index % len(AREAS)]
    topic = vocab.topics[area]
    day = AS_OF - dt.timedelta(days=rng.randrange(DAYS))
    focus = rng.sample(topic, 3)
    rare = rng.sample(vocab.rare, 6)
    title_words = [*focus[:2], rare[0], *_zipf_pick(rng, vocab.common[20:], 2)]
    title = " ".join(title_words).capitalize()
    tags = sorted(set(rng.sample(vocab.tags, rng.randint(2, 4))))
    customers = sorted(set(rng.sample(vocab.customers, rng.randint(1, 3))))
    slug = f"{day.isoformat()}-{'-'.join(title_words[:3])}-{index}".lower()
    front = [
        "---", f"title: {title}", f"date: {day.isoformat()}", f"area: {area}",
        f"source: {rng.choice(SOURCES)}", f"customers: [{', '.join(customers)}]",
        f"tags: [{', '.join(tags)}]", f"team: {rng.choice(TEAMS)}",
        f"author: {rng.choice(AUTHORS)}", f"confidence: {rng.choice(('low', 'medium', 'high'))}",
        "---",
    ]  # fmt: skip
    body = _body(rng, vocab, topic, focus, rare, customers[0])
    return f"insights/{area}/{slug}.md", "\n".join(front) + "\n" + body


def _body(
    rng: random.Random,
    vocab: Vocabulary,
    topic: tuple[str, ...],
    focus: list[str],
    rare: list[str],
    customer: str,
) -> str:
    paragraphs = []
    for _ in range(3):
        sentences = [_sentence(rng, vocab, topic, focus, rare, customer) for _ in range(5)]
        paragraphs.append(" ".join(sentences))
    quote = rng.choice(QUOTES).format(focus[0], rng.choice(rare))
    return (
        "## What we heard\n\n" + paragraphs[0] + "\n\n" + paragraphs[1]
        + f'\n\n> "{quote.capitalize()}"\n\n## So what\n\n' + paragraphs[2] + "\n"
    )  # fmt: skip


def _sentence(
    rng: random.Random,
    vocab: Vocabulary,
    topic: tuple[str, ...],
    focus: list[str],
    rare: list[str],
    customer: str,
) -> str:
    words = _zipf_pick(rng, vocab.common, rng.randint(11, 15))
    words[rng.randrange(len(words))] = rng.choice(focus)
    words.insert(rng.randrange(len(words)), rng.choice(topic))
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(rare))
    if rng.random() < 0.15:
        words.insert(0, f"{customer.split('-')[0].capitalize()} {rng.choice(VERBS)}")
    return " ".join(words).capitalize() + "."


def mkdocs_yml() -> str:
    """A mkdocs.yml like the sample's, with the insights plugin pinned to AS_OF."""
    return (
        "site_name: Synthetic Insight Wiki\n"
        "docs_dir: insights\n"
        "theme:\n  name: material\n  font: false\n"
        "markdown_extensions:\n  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n"
        "  - toc:\n      permalink: true\n"
        "plugins:\n  - search\n  - insights:\n"
        f"      as_of: {AS_OF.isoformat()}\n      git_history: false\n"
    )


def areas_yml() -> str:
    """The registry of the 12 areas."""
    lines = []
    for slug in AREAS:
        name = slug.replace("-", " ").title()
        lines += [f"{slug}:", f"  name: {name}", "  owner: Synthetic Owner",
                  f"  description: Everything customers say about {name.lower()}."]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_wiki(root: Path, notes: int, seed: int = 7) -> list[Path]:
    """Write the wiki (mkdocs.yml, insights/areas.yml and the notes) and return the note paths."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    (root / "insights").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml(), encoding="utf-8")
    (root / "insights" / "areas.yml").write_text(areas_yml(), encoding="utf-8")
    written = []
    for index in range(notes):
        rel, text = note_text(index, rng, vocab)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def queries(count: int, seed: int = 7) -> list[str]:
    """Search queries of the kinds people type: words, pairs, phrases, field filters, typos."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    topic_words = [w for words in vocab.topics.values() for w in words]
    makers = itertools.cycle((
        lambda: rng.choice(topic_words),
        lambda: f"{rng.choice(topic_words)} {rng.choice(topic_words)}",
        lambda: f'"{rng.choice(vocab.common[60:])} {rng.choice(vocab.common[60:])}"',
        lambda: f"area:{rng.choice(AREAS)} {rng.choice(topic_words)}",
        lambda: f"tag:{rng.choice(vocab.tags)}",
        lambda: f"{rng.choice(topic_words)} OR {rng.choice(vocab.rare)}",
        lambda: rng.choice(topic_words)[:-1] + "x",  # a typo: exercises suggestions
    ))  # fmt: skip
    return [next(makers)() for _ in range(count)]


def main() -> None:
    """Command line: write a synthetic wiki."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the wiki into")
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = write_wiki(args.out, args.notes, args.seed)
    print(f"wrote {len(paths)} notes to {args.out}")


if __name__ == "__main__":
    main()
