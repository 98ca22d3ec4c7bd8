"""The ignore policy: built-in patterns plus ``.docmgrignore`` files (gitignore syntax)."""

from __future__ import annotations

import os
import re

from docmgr.model import IGNORE_FILE
from docmgr.tuples import NamedTuple

BUILTIN_DIRS = (
    ".git",
    "node_modules",
    ".pnpm",
    "dist",
    "build",
    "coverage",
    ".venv",
    "__pycache__",
)


class Rule(NamedTuple):
    pattern: str
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    base: str  # folder the pattern is relative to ("" = the matcher's base)
    source: str  # file path, or "builtin"
    line: int


class Verdict(NamedTuple):
    ignored: bool
    rule: Rule | None


def _glob_to_regex(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        ch = glob[i]
        if ch == "*":
            if glob[i : i + 2] == "**":
                if glob[i : i + 3] == "**/":
                    out.append("(?:.*/)?")
                    i += 3
                    continue
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = glob.find("]", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = glob[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif ch == "\\" and i + 1 < len(glob):
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def parse_rules(text: str, *, base: str, source: str) -> list[Rule]:
    """Parse gitignore-syntax lines into rules relative to ``base`` (a slash path)."""
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        body = _glob_to_regex(line)
        prefix = "" if anchored else "(?:.*/)?"
        regex = re.compile(f"^{prefix}{body}(?:/.*)?$" if not dir_only else f"^{prefix}{body}$")
        rules.append(Rule(raw.strip(), regex, negate, dir_only, base, source, number))
    return rules


def builtin_rules() -> list[Rule]:
    text = "\n".join(f"{name}/" for name in BUILTIN_DIRS)
    return parse_rules(text, base="", source="builtin")


_GLOB_CHARS = frozenset("*?[\\")


def _names_only(rule: Rule) -> str | None:
    """The folder name a rule can only match (``node_modules/``-like), else None."""
    pattern = rule.pattern
    if rule.negate or rule.base or not rule.dir_only or pattern.startswith("#"):
        return None
    name = pattern[:-1] if pattern.endswith("/") else pattern
    if not name or "/" in name or _GLOB_CHARS.intersection(name):
        return None
    return name


def _rule_source(rule: Rule, *, is_dir: bool) -> str:
    """One rule as a regex over the whole rel path (base included), for the combined pattern.

    A dir-only rule matches a path when it matches one of the path's folders: the folder
    itself (a folder) or a proper prefix of it (followed by ``/``), which is what the rule's
    own regex followed by ``(?:/.*)?`` (folders) or ``/.*`` (files) says in one match.
    """
    body = rule.regex.pattern[1:-1]  # strip ^ and $
    if rule.dir_only:
        body += "(?:/.*)?" if is_dir else "/.*"
    base = re.escape(rule.base) + "/" if rule.base else ""
    return base + body


def _combined(ordered: list[Rule], *, is_dir: bool) -> re.Pattern[str]:
    """One pattern: each rule an alternative in its own group (``(?!)`` when there are none)."""
    if not ordered:
        return re.compile("(?!)")
    alternatives = "|".join(f"({_rule_source(r, is_dir=is_dir)})" for r in ordered)
    return re.compile(f"(?:{alternatives})\\Z")


class Matcher:
    """Decide whether a path under a base folder is ignored (last matching rule wins).

    All rules are compiled into one pattern per kind of path (folder, file): alternatives in
    reverse rule order, each its own group, so the group that matched is the last rule that
    matches. When every rule only names folders (the built-ins, with no ignore file adding
    anything else) a file is never ignored on its own and a folder is ignored when one of
    its names is listed: a set lookup, no regex at all (``names_only``).
    """

    def __init__(self, base: str | os.PathLike[str], rules: list[Rule]) -> None:
        self.base = base
        self.rules = rules
        self._compiled_for = -1
        self._names: frozenset[str] | None = None
        self._dir_re: re.Pattern[str] | None = None
        self._file_re: re.Pattern[str] | None = None

    def _compile(self) -> None:
        if self._compiled_for == len(self.rules):
            return
        rules = self.rules
        names = [_names_only(r) for r in rules]
        if all(n is not None for n in names):
            self._names = frozenset(n for n in names if n is not None)
            self._dir_re = self._file_re = None
        else:
            self._names = None
            ordered = list(reversed(rules))
            self._dir_re = _combined(ordered, is_dir=True)
            self._file_re = _combined(ordered, is_dir=False)
        self._compiled_for = len(rules)

    @property
    def names_only(self) -> bool:
        """True when only folder names can be ignored (a walk may then skip file checks)."""
        self._compile()
        return self._names is not None

    @classmethod
    def for_root(
        cls, root: str | os.PathLike[str], repo_root: str | os.PathLike[str] | None = None
    ) -> Matcher:
        """Build the matcher for a docs root: built-ins, repo-root and docs-root ignore files."""
        rules = builtin_rules()
        seen: set[str] = set()
        for folder in (repo_root, root):
            if folder is None:
                continue
            candidate = os.path.join(os.fspath(folder), IGNORE_FILE)
            if candidate in seen or not os.path.isfile(candidate):
                continue
            seen.add(candidate)
            try:
                rel = os.path.relpath(folder, root).replace(os.sep, "/")
            except ValueError:
                continue
            base = "" if rel == "." or rel.startswith("..") else rel
            rules.extend(parse_rules(_read(candidate), base=base, source=candidate))
        return cls(root, rules)

    def add_file(self, folder_rel: str, path: str | os.PathLike[str]) -> None:
        """Add a nested ``.docmgrignore`` found while walking (applies to its subtree)."""
        self.rules.extend(parse_rules(_read(path), base=folder_rel, source=os.fspath(path)))

    def verdict(self, rel: str, *, is_dir: bool) -> Verdict:
        """Evaluate a slash path relative to the base; under an ignored folder stays ignored."""
        if not rel:
            return Verdict(False, None)
        self._compile()
        names = self._names
        if names is not None:
            parts = rel.split("/")
            if not is_dir:
                parts.pop()
            present = set(parts)
            for rule in reversed(self.rules):
                if _names_only(rule) in present:
                    return Verdict(True, rule)
            return Verdict(False, None)
        pattern = self._dir_re if is_dir else self._file_re
        assert pattern is not None  # set by _compile whenever names is None
        found = pattern.match(rel)
        if found is None or found.lastindex is None:
            return Verdict(False, None)
        rule = self.rules[len(self.rules) - found.lastindex]
        return Verdict(not rule.negate, rule)

    def ignored(self, rel: str, *, is_dir: bool) -> bool:
        """True when ``rel`` is ignored (``verdict`` without the deciding rule)."""
        if not rel:
            return False
        self._compile()
        names = self._names
        if names is not None:
            if is_dir:
                return not names.isdisjoint(rel.split("/"))
            return "/" in rel and not names.isdisjoint(rel.split("/")[:-1])
        return self.verdict(rel, is_dir=is_dir).ignored


def _read(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()
