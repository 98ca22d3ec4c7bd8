"""How the CLI spells the library's errors: Params become flags, Commands command lines.

The library names the inputs of an operation by their parameter names (``dest_ticket``) and
never by a flag; this module is the one place that turns them into what a user types
(``--dest-ticket <ID>``). tests/test_error_text.py checks that every Param and Command the
library mentions spells to a flag that exists.
"""

from __future__ import annotations

import re

from docmgr.errors import Command, DocmgrError, Param

_PLAIN_WORD = re.compile(r"[\w<>./:@|+=-]+")


def flag(name: str) -> str:
    """The flag of a library parameter: ``dest_dir`` → ``--dest-dir``.

    Every verb names its options after the library's parameters, so the rule is mechanical;
    a verb whose flag differs from its parameter would add its exception here.
    """
    return "--" + name.replace("_", "-")


def _word(value: str) -> str:
    return value if _PLAIN_WORD.fullmatch(value) else '"' + value.replace('"', '\\"') + '"'


def spelling(part: Param | Command) -> str:
    """A Param as ``--ticket <ID>``, a Command as ``'docmgr doc list --ticket X'``."""
    if isinstance(part, Param):
        return f"{flag(part.name)} {part.value}" if part.value else flag(part.name)
    words = ["docmgr", part.verb]
    for name, value in part.args:
        if value is True:
            words.append(flag(name))
        elif value is not False:
            words += [flag(name), _word(value)]
    return "'" + " ".join(words) + "'"


def render(error: DocmgrError) -> str:
    """The one line the CLI prints after ``Error:``."""
    return error.render(spelling)
