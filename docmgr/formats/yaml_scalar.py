"""How one string is written as a YAML scalar: plain when go-yaml v3 would write it plain and
it reads back as the same string, else quoted (plus docmgr's auto-quote rule for risky values).

Kept apart from ``front_matter`` (parsing, key edits) because config, output and vocabulary
writers need only this, and the warm read verbs load those.
"""

from __future__ import annotations

import re

_RISKY_START = tuple("@`#&*!|>%?")


def needs_quoting(value: str) -> bool:
    """Tell whether a plain scalar would be misread by YAML (docmgr's auto-quote rule)."""
    if not value:
        return False
    return (
        value.startswith(_RISKY_START)
        or ": " in value
        or value.endswith(":")
        or " #" in value
        or "\t" in value
        or "{{" in value
        or "}}" in value
    )


_NULLS = {"", "~", "null", "Null", "NULL"}


_BOOLS = {"true", "True", "TRUE", "false", "False", "FALSE"}


_OLD_BOOLS = {
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "on",
    "On",
    "ON",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "off",
    "Off",
    "OFF",
}


_NUMBER = re.compile(
    r"^[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*"
    r"|(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ].*)?$")


_INDICATOR_START = set("#,[]{}&*!|>'\"%@`")


def _looks_typed(value: str) -> bool:
    return (
        value in _NULLS
        or value in _BOOLS
        or value in _OLD_BOOLS
        or bool(_NUMBER.match(value))
        or bool(_DATE_LIKE.match(value))
    )


def _plain_allowed(value: str) -> bool:
    if value != value.strip(" \t") or value.startswith(("---", "...")):
        return False
    first = value[0]
    if first in _INDICATOR_START:
        return False
    if first in "-?:" and (len(value) == 1 or value[1] in " \t"):
        return False
    if ": " in value or ":\t" in value or value.endswith(":"):
        return False
    if " #" in value or "\t#" in value:
        return False
    return all(ch.isprintable() or ch == "\t" for ch in value)


def scalar(value: str) -> str:
    """Render a string as go-yaml v3 would (plus docmgr's auto-quoting of risky values)."""
    if _looks_typed(value):
        return double_quoted(value)
    if _plain_allowed(value) and not needs_quoting(value):
        return value
    if all(ch.isprintable() for ch in value):
        return "'" + value.replace("'", "''") + "'"
    return double_quoted(value)


def double_quoted(value: str) -> str:
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
