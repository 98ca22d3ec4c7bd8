"""The ignore policy: built-in patterns plus ``.docmgrignore`` files (gitignore syntax)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

IGNORE_FILE = ".docmgrignore"


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


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: str
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    base: str  # folder the pattern is relative to ("" = the matcher's base)
    source: str  # file path, or "builtin"
    line: int


@dataclass(frozen=True, slots=True)
class Verdict:
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


class Matcher:
    """Decide whether a path under a base folder is ignored (last matching rule wins)."""

    def __init__(self, base: Path, rules: list[Rule]) -> None:
        self.base = base
        self.rules = rules

    @classmethod
    def for_root(cls, root: Path, repo_root: Path | None = None) -> Matcher:
        """Build the matcher for a docs root: built-ins, repo-root and docs-root ignore files."""
        rules = builtin_rules()
        seen: set[Path] = set()
        for folder in (repo_root, root):
            if folder is None:
                continue
            candidate = folder / IGNORE_FILE
            if candidate in seen or not candidate.is_file():
                continue
            seen.add(candidate)
            try:
                rel = Path(os.path.relpath(folder, root)).as_posix()
            except ValueError:
                continue
            base = "" if rel == "." or rel.startswith("..") else rel
            text = candidate.read_text(encoding="utf-8", errors="replace")
            rules.extend(parse_rules(text, base=base, source=str(candidate)))
        return cls(root, rules)

    def add_file(self, folder_rel: str, path: Path) -> None:
        """Add a nested ``.docmgrignore`` found while walking (applies to its subtree)."""
        text = path.read_text(encoding="utf-8", errors="replace")
        self.rules.extend(parse_rules(text, base=folder_rel, source=str(path)))

    def verdict(self, rel: str, *, is_dir: bool) -> Verdict:
        """Evaluate a slash path relative to the base; under an ignored folder stays ignored."""
        decided: Verdict = Verdict(False, None)
        for rule in self.rules:
            if rule.base:
                if rel != rule.base and not rel.startswith(rule.base + "/"):
                    continue
                sub = rel[len(rule.base) + 1 :] if rel != rule.base else ""
            else:
                sub = rel
            if not sub:
                continue
            if self._matches(rule, sub, is_dir=is_dir):
                decided = Verdict(not rule.negate, rule)
        return decided

    @staticmethod
    def _matches(rule: Rule, sub: str, *, is_dir: bool) -> bool:
        if rule.dir_only:
            # a dir-only rule matches the dir itself or anything below a matching dir
            parts = sub.split("/")
            limit = len(parts) if is_dir else len(parts) - 1
            return any(rule.regex.match("/".join(parts[:k])) for k in range(1, limit + 1))
        return bool(rule.regex.match(sub))

    def ignored(self, rel: str, *, is_dir: bool) -> bool:
        return self.verdict(rel, is_dir=is_dir).ignored
