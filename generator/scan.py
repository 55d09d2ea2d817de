"""Scan a note's Markdown body for markup that would run in a reader's browser, and for
contact details that must not be published. Pure functions of text; positions are 1-based."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """Something found in a body, at a 1-based line and column of the body."""

    line: int
    column: int
    message: str


_TAG = re.compile(r"<\s*(script|iframe|object|embed)\b", re.IGNORECASE)
_EVENT = re.compile(r"<[a-zA-Z][^<>]{0,2000}?\s(on[a-zA-Z]+)\s*=", re.IGNORECASE)
_ATTR_LIST = re.compile(r"\{[^{}\n]{0,500}?\b(on[a-zA-Z]+)\s*=")
_URL = re.compile(r"\b(javascript|vbscript)\s*:|\bdata\s*:\s*text/html", re.IGNORECASE)
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}"
)
_PHONE = re.compile(
    r"(?<![\w.+/-])"
    r"(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){2,4}"  # +44 20 7946 0958
    r"|\(\d{2,4}\)\s?\d{3,4}[\s.-]\d{3,4}"  # (555) 123-4567
    r"|\d{3}[.-]\d{3}[.-]\d{4}"  # 555-123-4567
    r"|0\d{1,4}[\s.-]\d{3,4}[\s.-]\d{3,4})"  # 020 7946 0958
    r"(?![\w-])"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1")


def unsafe_markup(body: str) -> list[Finding]:
    """Script-like markup outside code: tags that run code, event attributes, script URLs."""
    text = _mask_code(body)
    findings = []
    for match in _TAG.finditer(text):
        tag = match.group(1).lower()
        findings.append(_at(text, match.start(), (
            f"<{tag}> would run in every reader's browser; describe it in words, "
            "or put it in `backticks` to show it as code")))  # fmt: skip
    for match in _EVENT.finditer(text):
        findings.append(_at(text, match.start(1), (
            f"the '{match.group(1)}=' attribute runs script in readers' browsers; "
            "remove it, or put the HTML in `backticks`")))  # fmt: skip
    for match in _ATTR_LIST.finditer(text):
        findings.append(_at(text, match.start(1), (
            f"the attribute list sets '{match.group(1)}=', which runs script in readers' "
            "browsers; remove it")))  # fmt: skip
    for match in _URL.finditer(text):
        scheme = match.group(0).split(":")[0].strip().lower()
        message = f"a {scheme}: URL runs code when clicked; link to an https:// address instead"
        findings.append(_at(text, match.start(), message))
    return sorted(findings, key=lambda f: (f.line, f.column))


def personal_data(body: str) -> list[Finding]:
    """E-mail addresses and phone numbers anywhere in the body, code included."""
    findings = [
        _at(
            body,
            m.start(),
            (
                f"e-mail address '{_redact(m.group(0))}' is personal data; remove it and name "
                "the customer by handle in 'customers:'"
            ),
        )
        for m in _EMAIL.finditer(body)
    ]
    for match in _PHONE.finditer(body):
        if 9 <= sum(c.isdigit() for c in match.group(0)) <= 15:
            findings.append(_at(body, match.start(), (
                "a phone number is personal data; remove it and name the customer by "
                "handle in 'customers:'")))  # fmt: skip
    return sorted(findings, key=lambda f: (f.line, f.column))


def _redact(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _at(text: str, offset: int, message: str) -> Finding:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Finding(line, column, message)


def _mask_code(body: str) -> str:
    """The body with fenced code and code spans blanked out, keeping every offset in place."""
    lines = body.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)[0] * 3
            lines[i] = " " * len(line)
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            lines[i] = " " * len(line)
        else:
            lines[i] = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
    return "\n".join(lines)


_RAW_TAG = re.compile(r"<(?=[A-Za-z/!?])(?!(?:https?|mailto):)")


def neutralize(body: str) -> str:
    """The body with raw HTML shown as text and script URLs disarmed, code left as it is.

    The checker already refuses unsafe markup; this is the second wall, so that no note's
    markup runs in a reader's browser even if a check is ever bypassed.
    """
    if "<" not in body and "{" not in body:
        return _URL.sub(lambda m: "blocked-" + m.group(0).replace(":", "-"), body)
    masked = _mask_code(body)
    out = []
    for i, char in enumerate(body):
        if masked[i] != char:  # inside code: keep verbatim
            out.append(char)
        elif char == "<" and _RAW_TAG.match(body, i):
            out.append("&lt;")
        elif char == "{":
            out.append("\\{")
        else:
            out.append(char)
    return _URL.sub(lambda m: "blocked-" + m.group(0).replace(":", "-"), "".join(out))
