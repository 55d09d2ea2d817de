"""E-mail addresses: what one looks like, and which `allowed_contacts` patterns are sound.

Shared by the configuration, which checks `allowed_contacts`, and the note checks, which find
addresses in notes.
"""

from __future__ import annotations

import re

EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}"
)


def contact_pattern_problem(pattern: str) -> str | None:
    """Why an `allowed_contacts` entry is not an address or a `*@domain` pattern, if it is not."""
    if pattern.startswith("*@") and EMAIL.fullmatch("x" + pattern[1:]):
        return None
    if EMAIL.fullmatch(pattern):
        return None
    return (
        f"'{pattern}' is not an e-mail address or a '*@domain' pattern; "
        "write e.g. 'support@acme.com' or '*@acme.com'"
    )
