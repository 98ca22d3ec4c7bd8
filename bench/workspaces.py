"""Synthetic docmgr workspaces (cached between runs), the search word, and the jrnl peer."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SEED = 1
MARKER = ".bench.json"
#: Document frequency wanted for the search word (files containing it).
WORD_FILES = (10, 50)
WORD_SAMPLE_FILES = 13_000  # enough that a word's count in the sample predicts its total
WORD_PICKER = 2  # bump to re-pick the recorded words after changing how they are picked
JRNL_SPEC = "jrnl==4.6"  # the version the baseline measured
JRNL_CONFIG = """\
colors: {{body: none, date: none, tags: none, title: none}}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: true
indent_character: '|'
journals: {{default: {{journal: {journal}}}}}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%F %r'
version: '4.6'
"""


class SetupError(Exception):
    """A workspace, tool or peer could not be prepared."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """A git repository holding `.ttmp.yaml` and a generated `ttmp/` docs root."""

    path: Path
    tickets: int
    files: int
    mib: float

    @property
    def docs_root(self) -> Path:
        """Return the docs root (`ttmp/`)."""
        return self.path / "ttmp"

    def first_ticket(self) -> str:
        """Return the id of the first ticket in path order."""
        for _, dirnames, _ in os.walk(self.docs_root):
            dirnames.sort()
            for name in dirnames:
                if "--" in name:
                    return name.split("--", 1)[0]
        raise SetupError(f"no ticket folder (<ID>--<slug>) under {self.docs_root}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_marker(path: Path) -> dict:
    try:
        return json.loads((path / MARKER).read_text())
    except (OSError, ValueError):
        return {}


def _write_marker(path: Path, data: dict) -> None:
    (path / MARKER).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, stdout=subprocess.DEVNULL)


def _init_repo(path: Path) -> None:
    """Make `path` a git repository with one commit of a small file (so HEAD resolves)."""
    (path / ".ttmp.yaml").write_text("root: ttmp\n")
    (path / "README.md").write_text("Synthetic docmgr workspace written by bench/run.py.\n")
    _git(path, "init", "-q", "-b", "main")
    _git(path, "config", "user.name", "docmgr bench")
    _git(path, "config", "user.email", "bench@example.invalid")
    _git(path, "config", "commit.gpgsign", "false")
    _git(path, "add", "README.md", ".ttmp.yaml")
    _git(path, "commit", "-q", "-m", "bench: initial commit")


def _count(docs_root: Path) -> tuple[int, float]:
    files = size = 0
    for dirpath, _, filenames in os.walk(docs_root):
        for name in filenames:
            files += 1
            size += os.stat(os.path.join(dirpath, name)).st_size
    return files, size / 2**20


def ensure_workspace(*, tickets: int, corpus_dir: Path, gen_corpus: Path) -> Workspace:
    """Return the cached workspace of `tickets` tickets, generating it if needed."""
    path = corpus_dir / f"ws-{tickets}"
    want = {"tickets": tickets, "seed": SEED, "generator_sha256": _sha256(gen_corpus)}
    marker = _read_marker(path)
    if any(marker.get(k) != v for k, v in want.items()):
        _generate(path, tickets=tickets, gen_corpus=gen_corpus)
        files, mib = _count(path / "ttmp")
        marker = {**want, "files": files, "mib": round(mib, 1)}
        _write_marker(path, marker)
    return Workspace(path=path, tickets=tickets, files=marker["files"], mib=marker["mib"])


def ensure_real_workspace(*, corpus_dir: Path, source: Path) -> Workspace:
    """Return a git workspace holding a copy of a real docs root (`source/ttmp`), mtimes kept."""
    path = corpus_dir / "ws-real"
    want = {"real_source": str(source)}
    marker = _read_marker(path)
    if any(marker.get(k) != v for k, v in want.items()) or not (path / "ttmp").is_dir():
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        shutil.copytree(source / "ttmp", path / "ttmp", symlinks=True)
        _init_repo(path)
        files, mib = _count(path / "ttmp")
        marker = {**want, "files": files, "mib": round(mib, 1)}
        _write_marker(path, marker)
    tickets = sum(1 for _ in (path / "ttmp").rglob("index.md"))
    return Workspace(path=path, tickets=tickets, files=marker["files"], mib=marker["mib"])


def _generate(path: Path, *, tickets: int, gen_corpus: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    jobs = str(max(1, min(4, os.cpu_count() or 1)))
    print(f".. generating {tickets} tickets in {path}", file=sys.stderr)
    subprocess.run(
        [
            sys.executable,
            str(gen_corpus),
            "--tickets",
            str(tickets),
            "--out",
            str(path),
            "--seed",
            str(SEED),
            "--jobs",
            jobs,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    _init_repo(path)


def copy_workspace(ws: Workspace, dest: Path) -> Workspace:
    """Copy `ws` (git repository included, mtimes kept) to `dest`, for verbs that write."""
    shutil.copytree(ws.path, dest, symlinks=True)
    return Workspace(path=dest, tickets=ws.tickets, files=ws.files, mib=ws.mib)


# ----------------------------------------------------------------- search word ---

_TOKEN = re.compile(rb"[A-Za-z][A-Za-z0-9_]*")


def search_word(ws: Workspace, *, grep: str) -> tuple[str, int]:
    """Return a rare word of the corpus and the number of files `grep -rl` finds it in.

    The choice is made once per workspace and recorded in its marker file.
    """
    marker = _read_marker(ws.path)
    if marker.get("word_picker") != WORD_PICKER:
        marker["word"], marker["word_files"] = _pick_word(ws, grep=grep)
        marker["word_picker"] = WORD_PICKER
        _write_marker(ws.path, marker)
    return marker["word"], marker["word_files"]


def _pick_word(ws: Workspace, *, grep: str) -> tuple[str, int]:
    """Pick the candidate word whose file count is closest to the middle of WORD_FILES."""
    files = _grep_counts(ws, _candidates(ws), grep=grep)
    if not files:
        raise SetupError(f"no rare word found in {ws.docs_root}")
    goal = sum(WORD_FILES) / 2
    word = min(
        files,
        key=lambda w: (not WORD_FILES[0] <= files[w] <= WORD_FILES[1], abs(files[w] - goal), w),
    )
    return word, files[word]


def _candidates(ws: Workspace, limit: int = 30) -> list[str]:
    """Guess rare words from an even sample of the files.

    Candidates are lower-case words that never appear capitalised and are never part of
    a longer token, so that `grep -rl` and a case-insensitive full-text index count the
    same files.
    """
    paths = sorted(str(p) for p in ws.docs_root.rglob("*.md"))
    sample = paths[:: max(1, len(paths) // WORD_SAMPLE_FILES)]
    df: Counter[bytes] = Counter()
    for p in sample:
        with open(p, "rb") as f:
            df.update(set(_TOKEN.findall(f.read())))
    fraction = len(sample) / len(paths)
    low, high = (n * fraction for n in WORD_FILES)
    lowered = Counter(t.lower() for t in df)
    rare = [
        t
        for t, n in df.items()
        if low <= n <= high and len(t) >= 6 and t.isalpha() and t.islower() and lowered[t] == 1
    ]
    rare.sort(key=lambda t: (abs(df[t] - (low + high) / 2), t))
    vocabulary = list(df)
    unique = (t for t in rare if not any(t in other and t != other for other in vocabulary))
    return [t.decode() for t in itertools.islice(unique, limit)]


def _grep_counts(ws: Workspace, words: list[str], *, grep: str) -> dict[str, int]:
    """Count the files each word occurs in, in one `grep -rFo` pass over the corpus."""
    patterns = [arg for w in words for arg in ("-e", w)]
    out = subprocess.run(
        [grep, "-rFo", *patterns, "ttmp"], cwd=ws.path, capture_output=True, check=False
    ).stdout
    pairs = {tuple(line.decode().rsplit(":", 1)) for line in out.splitlines()}
    return dict(Counter(word for _, word in pairs))


# ------------------------------------------------------------------------ jrnl ---


def ensure_jrnl(corpus_dir: Path) -> Path:
    """Return the jrnl executable of a private venv, installing it with pip the first time."""
    venv = corpus_dir / "jrnl-venv"
    exe = venv / "bin" / "jrnl"
    spec = venv / ".bench-spec"
    if exe.exists() and spec.exists() and spec.read_text() == JRNL_SPEC:
        return exe
    print(f".. installing {JRNL_SPEC} into {venv}", file=sys.stderr)
    shutil.rmtree(venv, ignore_errors=True)
    for argv in (
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", JRNL_SPEC],
    ):
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "; ".join(proc.stderr.strip().splitlines()[-3:])
            raise SetupError(f"could not install {JRNL_SPEC} into {venv}: {tail}")
    spec.write_text(JRNL_SPEC)
    return exe


def jrnl_home(home: Path) -> dict[str, str]:
    """Write a non-interactive jrnl config under `home`; return the env that selects it."""
    conf = home / ".config" / "jrnl"
    conf.mkdir(parents=True, exist_ok=True)
    journal = home / "journal.txt"
    journal.touch()
    (conf / "jrnl.yaml").write_text(JRNL_CONFIG.format(journal=journal))
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
