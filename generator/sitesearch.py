"""Site search: a chunked Pagefind index of the built site. The only Pagefind user.

mkdocs-material's search downloads the whole index (18 MB at 10,000 notes) before the first
result. Pagefind splits the index into chunks, so the browser (generator/assets/search.js)
fetches only the few a query needs. Pages mark what to index with `data-pagefind-body`
(generator/theme/main.html wraps the article in it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

OUTPUT_DIR = "pagefind"
IGNORED = (
    ".headerlink",  # the ¶ permalink next to each heading: not a word of the page
    # Lists at the top level of a generated page list other insights (listings, the newest,
    # related ones); each insight is found on its own page, so a listing is found by its name
    # and intro only. A note's own lists sit in .insight-body, its metadata in .insight-meta.
    "[data-pagefind-body] > ul",
    ".insight-list",
)


class SiteSearchError(Exception):
    """Pagefind could not index the site; the message says why."""


def index_site(site_dir: Path) -> int:
    """Index a built site into `<site_dir>/pagefind/`; return the number of pages indexed."""
    output = site_dir / OUTPUT_DIR
    shutil.rmtree(output, ignore_errors=True)  # no stale chunks from an earlier build
    result = subprocess.run(
        _command(site_dir, output),
        cwd=site_dir,  # Pagefind also reads a pagefind.yml in its working folder: not the wiki's
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise SiteSearchError("Pagefind failed: " + "\n".join(dict.fromkeys(lines)))
    return indexed_pages(output)


def _command(site_dir: Path, output: Path) -> list[str]:
    """The bundled Pagefind binary (pagefind[bin]), run offline with every option explicit."""
    return [
        *(sys.executable, "-m", "pagefind"),
        *("--site", str(site_dir.resolve())),
        *("--output-path", str(output.resolve())),
        *(arg for selector in IGNORED for arg in ("--exclude-selectors", selector)),
        "--silent",
    ]


def indexed_pages(output: Path) -> int:
    """How many pages an index written by Pagefind holds, over all languages."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())
