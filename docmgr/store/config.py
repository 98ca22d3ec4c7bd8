"""Docs-root resolution and the ``.ttmp.yaml`` configuration file (spec §2.1–§2.3).

Paths here are strings (``os.path``): resolving the root runs on every command, and
``pathlib`` (with the ``urllib.parse`` and ``ipaddress`` it imports) costs a warm read verb
about 5 % of its time. ``Workspace`` offers them as ``Path`` objects to everything else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from docmgr.errors import ConfigError
from docmgr.tuples import NamedTuple

CONFIG_NAME = ".ttmp.yaml"


DEFAULT_ROOT = "ttmp"


class Config(NamedTuple):
    """What a ``.ttmp.yaml`` says (every key optional in the file; ``load`` fills the rest)."""

    path: str  # the .ttmp.yaml file, absolute
    root: str
    owners: list[str]
    intent: str
    filename_prefix_policy: str
    vocabulary: str
    repo: str  # git repository used for diary commits, when the docs live elsewhere
    commit_links: bool  # diary.commit_links: render commit hashes as links
    cache_dir: str  # index.cache_dir: where the search index lives
    scaffold_dirs: bool  # scaffoldDirs: `ticket create` makes the Go tool's 8 folders

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path)


class Step(NamedTuple):
    """One line of ``config show``: a source that was consulted, and whether it decided."""

    source: str
    used: bool
    path: str


class Resolution(NamedTuple):
    root: str  # absolute
    source: str  # "--root flag" | "DOCMGR_CONFIG env var" | ".ttmp.yaml" | "git" | "cwd"
    config: Config | None
    steps: list[Step]
    warnings: list[str]
    git_root: str | None


def find_git_root(start: str | os.PathLike[str]) -> str | None:
    """Walk up from ``start`` (absolute) to a folder with a ``.git`` dir (or a ``.git`` file
    that resolves)."""
    current = os.fspath(start)
    while True:
        marker = os.path.join(current, ".git")
        if os.path.isdir(marker):
            return current
        if os.path.isfile(marker) and _gitdir_exists(marker):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _gitdir_exists(marker: str) -> bool:
    try:
        with open(marker, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("gitdir:"):
            target = line[len("gitdir:") :].strip()
            return os.path.exists(os.path.join(os.path.dirname(marker), target))
    return False


def find_config(cwd: str, env: Mapping[str, str]) -> tuple[str | None, str, bool]:
    """Locate the active config file: (absolute path, how it was found, found via env)."""
    explicit = env.get("DOCMGR_CONFIG", "").strip()
    if explicit:
        candidate = os.path.abspath(os.path.join(cwd, explicit))
        if os.path.isfile(candidate):
            return candidate, "DOCMGR_CONFIG env var", True
    current = cwd
    while True:
        candidate = os.path.join(current, CONFIG_NAME)
        if os.path.isfile(candidate):
            return candidate, ".ttmp.yaml", False
        parent = os.path.dirname(current)
        if parent == current:
            return None, "", False
        current = parent


def _scalar(text: str) -> Any:
    """A plain, single- or double-quoted scalar of the simple subset; raise ValueError otherwise."""
    text = text.strip()
    if " #" in text and not text.startswith(("'", '"')):
        text = text.split(" #", 1)[0].rstrip()
    if text == "[]":
        return []
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"' and "\\" not in text:
        return text[1:-1]
    if not text or text[0] in "[]{}|>&*!%@`'\"?":
        raise ValueError(text)
    return text


def parse_simple(text: str) -> dict[str, Any] | None:
    """Parse the block-style subset docmgr writes: top keys, one nested level, scalar lists.

    Returns None for anything outside that subset, so the caller falls back to PyYAML; this
    keeps PyYAML's import (about a tenth of a command's start-up) off every command.
    """
    data: dict[str, Any] = {}
    top: str | None = None  # current top-level key
    items: list[Any] | None = None  # the list that "- x" lines append to
    try:
        for raw in text.splitlines():
            line = raw.rstrip()
            stripped = line.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                continue
            if line.startswith("\t") or "\t" in line[: len(line) - len(stripped)]:
                return None
            if stripped.startswith("- "):
                if items is None:
                    return None
                items.append(_scalar(stripped[2:]))
                continue
            key, sep, value = stripped.partition(":")
            if not sep or not key or key[0] in "'\"?&*!{[-" or (value and value[0] != " "):
                return None
            parsed = _scalar(value) if value.strip() else []
            items = parsed if isinstance(parsed, list) and not value.strip() else None
            if line == stripped:
                top = key
                data[key] = parsed
            elif top is not None and isinstance(data[top], (list, dict)):
                if isinstance(data[top], list):
                    if data[top]:
                        return None
                    data[top] = {}
                data[top][key] = parsed
            else:
                return None
    except ValueError:
        return None
    return data


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def load_config(path: str | os.PathLike[str]) -> Config:
    """Parse a ``.ttmp.yaml``; raise ConfigError when it is not valid YAML."""

    path = os.path.abspath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"failed to read config file {path}: {exc}") from None
    data = parse_simple(text)
    if data is None:
        import yaml

        try:
            data = yaml.load(text, Loader=yaml.CSafeLoader) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(
                f"failed to parse config file {path}: {str(exc).splitlines()[0]}"
            ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"failed to parse config file {path}: not a mapping")
    defaults = data.get("defaults") or {}
    diary = data.get("diary") or {}
    index = data.get("index") or {}
    return Config(
        path=path,
        root=str(data.get("root") or ""),
        owners=[str(o) for o in (defaults.get("owners") or []) if o]
        if isinstance(defaults, dict)
        else [],
        intent=str(defaults.get("intent") or "") if isinstance(defaults, dict) else "",
        filename_prefix_policy=str(data.get("filenamePrefixPolicy") or ""),
        vocabulary=str(data.get("vocabulary") or ""),
        repo=str(data.get("repo") or ""),
        commit_links=_truthy(diary.get("commit_links")) if isinstance(diary, dict) else False,
        cache_dir=str(index.get("cache_dir") or "") if isinstance(index, dict) else "",
        scaffold_dirs=_truthy(data.get("scaffoldDirs") or False),
    )


def resolve(root_flag: str | None, *, cwd: str, env: Mapping[str, str]) -> Resolution:
    """Resolve the docs root: --root, DOCMGR_CONFIG / nearest .ttmp.yaml, git root, cwd.

    ``cwd`` is absolute and normalised (``os.path.abspath``).
    """

    steps: list[Step] = []
    warnings: list[str] = []
    config: Config | None = None
    config_path, how, _ = find_config(cwd, env)
    if config_path is not None:
        try:
            config = load_config(config_path)
        except ConfigError as exc:
            warnings.append(
                f"Warning: {exc.message}; continuing with git root or current directory"
            )
    git_root = find_git_root(cwd)

    if root_flag and root_flag != DEFAULT_ROOT:
        root = os.path.join(cwd, root_flag)
        steps.append(Step("--root flag", True, _shown(root)))
        return Resolution(os.path.abspath(root), "--root flag", config, steps, warnings, git_root)
    steps.append(Step("--root flag", False, "<not applicable>"))

    if config is not None and config.root:
        root = os.path.join(config.folder, config.root)
        steps.append(Step(how, True, _display(config.path, cwd)))
        return Resolution(os.path.abspath(root), how, config, steps, warnings, git_root)
    steps.append(
        Step(".ttmp.yaml", False, _display(config_path, cwd) if config_path else "<not found>")
    )

    if git_root is not None:
        root = os.path.join(git_root, DEFAULT_ROOT)
        steps.append(Step("Git repository root", True, root))
        return Resolution(root, "git", config, steps, warnings, git_root)
    steps.append(Step("Git repository root", False, "<not found>"))
    root = os.path.join(cwd, DEFAULT_ROOT)
    steps.append(Step("Default (current directory)", True, root))
    return Resolution(root, "cwd", config, steps, warnings, git_root)


def _shown(path: str) -> str:
    """A path as ``str(Path(path))`` spells it: no doubled or trailing slashes, no ``.``."""
    parts = [p for p in path.split("/") if p and p != "."]
    head = "/" if path.startswith("/") else ""
    return head + "/".join(parts) if parts or head else "."


def relative_below(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder``, slash-separated ("." for the folder itself), when it
    lies below it; else None. Lexical: both absolute and normalised."""
    if path == folder:
        return "."
    prefix = folder.rstrip(os.sep) + os.sep
    return path[len(prefix) :].replace(os.sep, "/") if path.startswith(prefix) else None


def _display(path: str | None, cwd: str) -> str:
    if path is None:
        return "<not found>"
    rel = relative_below(path, cwd)
    return f"{path} (walking up)" if rel is None else f"{rel} (current dir)"


def render_config(
    *, root: str, owners: list[str], intent: str, prefix_policy: str = "", vocabulary: str
) -> str:
    """Render ``.ttmp.yaml`` exactly as docmgr writes it (4-space indentation, all keys)."""
    from docmgr.formats.yaml_scalar import scalar  # writers only: reading needs none of it

    lines = [f"root: {scalar(root)}", "defaults:"]
    if owners:
        lines.append("    owners:")
        lines.extend(f"        - {scalar(o)}" for o in owners)
    else:
        lines.append("    owners: []")
    lines.append(f"    intent: {scalar(intent)}")
    lines.append(f"filenamePrefixPolicy: {scalar(prefix_policy)}")
    lines.append(f"vocabulary: {scalar(vocabulary)}")
    return "\n".join(lines) + "\n"


def repo_root_for(cwd: str, git_root: str | None) -> str:
    """The repository root: git root, else nearest folder with ``go.mod`` or ``doc``, else cwd."""
    if git_root is not None:
        return git_root
    current = cwd
    while True:
        if os.path.exists(os.path.join(current, "go.mod")) or os.path.exists(
            os.path.join(current, "doc")
        ):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return cwd
        current = parent
