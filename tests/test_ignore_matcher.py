"""The compiled ignore matcher decides exactly what evaluating each rule in turn decides."""

from __future__ import annotations

import itertools
from pathlib import Path

from docmgr.store.ignore import Matcher, Rule, Verdict, builtin_rules, parse_rules


def _reference(rules: list[Rule], rel: str, *, is_dir: bool) -> Verdict:
    """gitignore semantics rule by rule (the matcher's former loop): last match wins."""
    decided = Verdict(False, None)
    for rule in rules:
        if rule.base:
            if rel != rule.base and not rel.startswith(rule.base + "/"):
                continue
            sub = rel[len(rule.base) + 1 :] if rel != rule.base else ""
        else:
            sub = rel
        if not sub:
            continue
        if rule.dir_only:
            parts = sub.split("/")
            limit = len(parts) if is_dir else len(parts) - 1
            hit = any(rule.regex.match("/".join(parts[:k])) for k in range(1, limit + 1))
        else:
            hit = bool(rule.regex.match(sub))
        if hit:
            decided = Verdict(not rule.negate, rule)
    return decided


PATHS = [
    "",
    "a.md",
    "T-1",
    "T-1/index.md",
    "T-1/drafts",
    "T-1/drafts/x.md",
    "T-1/drafts/deep/y.md",
    "x/node_modules",
    "x/node_modules/a.md",
    "build",
    "build/keep.md",
    "build/node_modules/a.md",
    "sub",
    "sub/tmp-notes.md",
    "sub/keep/tmp-1.md",
    "sub/a/b/c.md",
    "docs/draft.md",
    "docs/DRAFT.md",
    "logs/2024/a.log.md",
    "[x]/a.md",
]

USER_RULES = """\
# comment
drafts/
*.log.md
tmp-*.md
!keep.md
/docs/draft.md
sub/**/c.md
**/deep/
[!a]*.md
!sub/keep/
"""


def _rules() -> list[Rule]:
    rules = builtin_rules()
    rules += parse_rules(USER_RULES, base="", source="root")
    rules += parse_rules("!tmp-1.md\n*.md\n!index.md\n", base="sub", source="nested")
    return rules


def test_compiled_matcher_agrees_with_rule_by_rule() -> None:
    rules = _rules()
    for count in range(len(rules) + 1):
        subset = rules[:count]
        matcher = Matcher(Path("/r"), list(subset))
        for rel, is_dir in itertools.product(PATHS, (True, False)):
            want = _reference(subset, rel, is_dir=is_dir)
            assert matcher.verdict(rel, is_dir=is_dir) == want, (count, rel, is_dir)
            assert matcher.ignored(rel, is_dir=is_dir) == want.ignored, (count, rel, is_dir)


def test_builtins_alone_only_name_folders() -> None:
    matcher = Matcher(Path("/r"), builtin_rules())
    assert matcher.names_only
    assert matcher.ignored("x/node_modules", is_dir=True)
    assert matcher.ignored("x/node_modules/a.md", is_dir=False)
    assert not matcher.ignored("x/node_modules.md", is_dir=False)
    assert not matcher.ignored("build", is_dir=False)


def test_a_rule_added_while_walking_recompiles(tmp_path: Path) -> None:
    matcher = Matcher(tmp_path, builtin_rules())
    assert not matcher.ignored("T-1/drafts/x.md", is_dir=False)
    (tmp_path / "ignore").write_text("drafts/\n")
    matcher.add_file("T-1", tmp_path / "ignore")
    assert not matcher.names_only
    assert matcher.ignored("T-1/drafts/x.md", is_dir=False)
    assert not matcher.ignored("T-2/drafts/x.md", is_dir=False)
