"""Benchmark docmgr side by side with its peers and write the results to docs/performance.md.

Every figure is a whole process started with posix_spawn and reaped with wait4; the commands
of a group run interleaved, round after round, after warm-up rounds, and each is compared
with the group's reference measured in the same run. Run it with the Python of the venv
docmgr is installed in:

    python bench/run.py --quick                    # 2,000 tickets, about a minute
    .venv/bin/python bench/run.py                  # 2,000 and 20,000 tickets, < 10 minutes

Environment: DOCMGR_BENCH_EXE replaces the `docmgr` executable (e.g. a stub, to test the
harness). docmgr commands get DOCMGR_CACHE_DIR (the index cache folder) set by the harness.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from proctime import Command, Result, measure_group
from report import Target, machine_lines, process_table, simple_table, targets_table, write_region
from workspaces import (
    JRNL_SPEC,
    WORD_FILES,
    SetupError,
    Workspace,
    copy_workspace,
    ensure_jrnl,
    ensure_real_workspace,
    ensure_workspace,
    jrnl_home,
    search_word,
)

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
GROUPS = ("startup", "append", "real", "search", "list", "freshness")
CORPUS_GROUPS = {"append", "search", "list", "freshness"}
REAL_CORPUS = REPO.parent / "shared" / "corpus" / "docmgr-ttmp"  # the Go tool's own workspace
# issue 10's limits (ratios of medians measured in the same run)
WARM_VS_GREP = {2000: 0.85, 20_000: 0.35}
WATCHED_VS_GREP = {2000: 0.5, 20_000: 0.1}
BUILD_VS_GREP, DOCTOR_VS_GREP = 20.0, 8.0
BUILD_CPU_S_AT_20K = 50.0
OPTIONAL = ("rg", "jrnl")
APPEND_TICKETS = 200
SHORT_ROUNDS = 31  # recorded rounds of the start-up-bound groups (startup, append, real)
BIG = 10_000  # from this size on (and with --quick): fewer rounds, slow commands once,
# and the index-build row stands for the cold search
SLOW_MS, SLOW_RUNS = 3000.0, 3  # a command slower than this is recorded only this often
FRESHNESS_AT, FRESHNESS_MS = 2000, 40.0
MEMORY_AT, MEMORY_MB = 20_000, 150.0
RG_MISSING = (
    "rg (ripgrep) not found on PATH: install it "
    "(apt-get update && apt-get install -y ripgrep) or pass --allow-missing rg"
)


@dataclass(frozen=True, slots=True)
class Missing:
    """A command that cannot run at all (tool not installed), and whether that is allowed."""

    label: str
    reason: str
    allowed: bool = False


Spec = Command | Missing


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docmgr-bench"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="2,000 tickets only and 5 rounds after 1 warm-up"
    )
    ap.add_argument("--sizes", type=_int_list, help="ticket counts (default 2000,20000)")
    ap.add_argument("--rounds", type=int, help="recorded rounds per group (overrides defaults)")
    ap.add_argument(
        "--out",
        type=Path,
        default=REPO / "docs" / "performance.md",
        help="Markdown report; only its generated region is replaced",
    )
    ap.add_argument(
        "--corpus-dir",
        type=Path,
        default=cache,
        help=f"where workspaces and the jrnl venv are cached (default {cache})",
    )
    ap.add_argument(
        "--gen-corpus",
        type=Path,
        default=REPO.parent / "shared" / "bench" / "gen_corpus.py",
        help="the corpus generator (default ../shared/bench/gen_corpus.py)",
    )
    ap.add_argument(
        "--only",
        type=_group_list,
        default=list(GROUPS),
        help=f"comma-separated subset of: {','.join(GROUPS)}",
    )
    ap.add_argument(
        "--allow-missing",
        type=_tool_list,
        default=[],
        help=f"peers whose absence is not an error: {','.join(OPTIONAL)}",
    )
    ap.add_argument("--strict", action="store_true", help="exit non-zero when a target fails")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per run")
    args = ap.parse_args(argv)
    if args.sizes is None:
        args.sizes = [2000] if args.quick else [2000, 20_000]
    return args


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 'es' if noun.endswith('sh') else 's'}"


def _run_notes(results: list[Result]) -> list[str]:
    """Say which commands ran without warm-up or fewer times because they were slow."""
    notes = []
    for res in results:
        bits = [] if res.command.warmup else ["no warm-up"]
        if res.slow:
            bits.append(f"slower than {SLOW_MS / 1000:g} s, so {len(res.samples)} recorded runs")
        if bits:
            notes.append(f"`{res.command.label}`: {', '.join(bits)}.")
    return notes


def _int_list(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def _names(text: str, allowed: tuple[str, ...]) -> list[str]:
    names = [x.strip() for x in text.split(",") if x.strip()]
    unknown = set(names) - set(allowed)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {sorted(unknown)}; choose from {allowed}")
    return names


def _group_list(text: str) -> list[str]:
    return _names(text, GROUPS)


def _tool_list(text: str) -> list[str]:
    return _names(text, OPTIONAL)


def find_docmgr() -> tuple[str | None, str]:
    """Return the docmgr executable (or None) and where it came from / why it is missing."""
    override = os.environ.get("DOCMGR_BENCH_EXE")
    exe = Path(override) if override else Path(sys.executable).parent / "docmgr"
    source = "DOCMGR_BENCH_EXE" if override else "console script next to sys.executable"
    if os.access(exe, os.X_OK):
        return str(exe), f"`{exe}` ({source})"
    return None, (
        f"docmgr not found at {exe} ({source}): run `pip install -e .` in the venv, "
        "then run this script with that venv's python"
    )


class Session:
    """One benchmark run: tools, workspaces, warm index caches, tables, targets, problems."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.t0 = time.monotonic()
        self.py = sys.executable
        self.docmgr, self.docmgr_note = find_docmgr()
        self.tools = {name: shutil.which(name) for name in ("git", "grep", "rg")}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DOCMGR_")}
        args.corpus_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix="session-", dir=args.corpus_dir))
        self.workspaces: dict[int, Workspace] = {}
        self.words: dict[int, tuple[str, int]] = {}
        self.warm: dict[int, Path] = {}
        self.builds: dict[int, Result] = {}
        self.real_ws: Workspace | None = None
        self.docmgr_results: dict[int, list[Result]] = {}
        self.rss_floor_mib = 0.0
        self.sections: list[str] = []
        self.targets: list[Target] = []
        self.problems: list[str] = []

    # ------------------------------------------------------------------ plumbing ---

    def log(self, message: str) -> None:
        """Print a progress line with the elapsed time."""
        print(f"[{time.monotonic() - self.t0:6.1f}s] {message}", file=sys.stderr, flush=True)

    def rounds(self, size: int = 0) -> tuple[int, int]:
        """Return (recorded rounds, warm-up rounds) for a group over `size` tickets."""
        rounds, warmup = (5, 1) if self.args.quick or size >= BIG else (11, 2)
        return (self.args.rounds or rounds), warmup

    def short_rounds(self) -> tuple[int, int]:
        """(recorded, warm-up) rounds for the groups of commands that take ~0.1 s: their
        targets are ratios near 1 whose median moves with the shared machine's speed, so
        they get more rounds (a few seconds more in all)."""
        rounds, warmup = (5, 1) if self.args.quick else (SHORT_ROUNDS, 2)
        return (self.args.rounds or rounds), warmup

    def command(
        self,
        label: str,
        argv: list[str | Path],
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        **options: object,
    ) -> Command:
        """Build a Command with the scrubbed base environment plus `env`."""
        return Command(
            label=label,
            argv=tuple(str(a) for a in argv),
            cwd=str(cwd),
            env={**self.env, **(env or {})},
            **options,
        )

    def docmgr_command(
        self,
        args: str,
        *,
        cwd: Path,
        cache: Path | None = None,
        note: str = "",
        **options: object,
    ) -> Spec:
        """Build `docmgr ARGS` (shell-quoted) using the index cache folder `cache`."""
        label = f"docmgr {args}" + (f" ({note})" if note else "")
        if self.docmgr is None:
            return Missing(label, self.docmgr_note)
        env = {"DOCMGR_CACHE_DIR": str(cache)} if cache else {}
        argv = [self.docmgr, *shlex.split(args)]
        return self.command(label, argv, cwd=cwd, env=env, **options)

    def measure(
        self,
        title: str,
        specs: dict[str, Spec],
        *,
        size: int = 0,
        plan: tuple[int, int] | None = None,
        note: str = "",
        ref: bool = True,
    ) -> dict[str, Result]:
        """Time the runnable specs interleaved, render the table, and record problems.

        `plan` is (recorded rounds, warm-up rounds); it defaults to `self.rounds(size)`.
        """
        rounds, warmup = plan or self.rounds(size)
        runnable = [s for s in specs.values() if isinstance(s, Command)]
        self.log(f"{title}: {len(runnable)} commands × ({warmup} warm-up + {rounds}) rounds")
        run = measure_group(
            runnable,
            rounds=rounds,
            warmup=warmup,
            timeout_s=self.args.timeout,
            slow_ms=SLOW_MS,
            slow_runs=1 if self.args.quick or size >= BIG else SLOW_RUNS,
            scratch=self.tmp,
        )
        self.rss_floor_mib = max(self.rss_floor_mib, run.rss_floor_mib)
        measured = iter(run.results)
        results: dict[str, Result] = {}
        for key, spec in specs.items():
            if isinstance(spec, Command):
                results[key] = next(measured)
            else:
                results[key] = Result(Command(spec.label, (), "", {}), error=spec.reason)
            res = results[key]
            if not res.ok and not (isinstance(spec, Missing) and spec.allowed):
                self.problems.append(f"{title}: `{res.command.label}`: {res.error}")
            if self.docmgr and res.command.argv[:1] == (self.docmgr,):
                self.docmgr_results.setdefault(size, []).append(res)
        text = note or (
            f"{_plural(rounds, 'recorded round')} after "
            f"{_plural(warmup, 'warm-up round')}, interleaved; "
            "× ref = median ÷ median of the first row."
        )
        text = " ".join([text, *_run_notes(run.results)])
        self.sections.append(process_table(title, text, results.values(), ref=ref))
        return results

    def ratio_target(self, name: str, num: Result, den: Result, limit: float) -> None:
        """Record the target median(num) ÷ median(den) ≤ limit."""
        if not (num.ok and den.ok):
            self.targets.append(Target(name, f"≤ {limit:g} ×", "—", None))
            return
        ratio = num.median_ms / den.median_ms
        measured = f"{ratio:.2f} ×"
        if len(num.samples) == len(den.samples) >= 5:  # both timed in every round
            per_round = statistics.median(
                a.wall_ms / b.wall_ms for a, b in zip(num.samples, den.samples, strict=True)
            )
            measured += f" (per round {per_round:.2f} ×)"
        self.targets.append(Target(name, f"≤ {limit:g} ×", measured, ratio <= limit))

    # ---------------------------------------------------------------- workspaces ---

    def workspace(self, size: int) -> Workspace:
        """Return the cached workspace of `size` tickets."""
        if size not in self.workspaces:
            self.log(f"workspace of {size} tickets")
            self.workspaces[size] = ensure_workspace(
                tickets=size, corpus_dir=self.args.corpus_dir, gen_corpus=self.args.gen_corpus
            )
        return self.workspaces[size]

    def word(self, size: int) -> str:
        """Return the rare search word of the workspace of `size` tickets."""
        if size not in self.words:
            self.words[size] = search_word(self.workspace(size), grep=self.tools["grep"])
        return self.words[size][0]

    def warm_cache(self, size: int) -> Path:
        """Return an index cache for `size`, built once by a first, separately timed search."""
        if size in self.warm:
            return self.warm[size]
        ws, word = self.workspace(size), self.word(size)
        cache = self.warm[size] = self.tmp / f"index-cache-{size}"
        cache.mkdir()
        # one untimed read of the files first, as every other group's warm-up rounds do: a
        # machine that reclaims its page cache would otherwise time its disk, not the build
        subprocess.run(
            [self.tools["grep"], "-rl", word, "ttmp"], cwd=ws.path, capture_output=True, check=False
        )
        build = self.docmgr_command(
            f"search --query {word}", cwd=ws.path, cache=cache, note="empty cache: builds index"
        )
        built = self.measure(
            f"Index build, {size:,} tickets",
            {"build": build},
            size=size,
            plan=(1, 0),
            ref=False,
            note="One run with an empty DOCMGR_CACHE_DIR, after one untimed `grep -rl` over "
            "the workspace (the files in the page cache, as after the other groups' warm-up "
            "rounds); the later warm runs of this size reuse the index it builds.",
        )
        self.builds[size] = built["build"]
        res = built["build"]
        if size == MEMORY_AT and res.ok:
            cpu_s = res.cpu_ms / 1000
            self.targets.append(
                Target(
                    f"first index build CPU, {size:,} tickets",
                    f"≤ {BUILD_CPU_S_AT_20K:g} s",
                    f"{cpu_s:.1f} s",
                    cpu_s <= BUILD_CPU_S_AT_20K,
                )
            )
        return cache

    def watched_cache(self, size: int) -> tuple[Path, int | None]:
        """A copy of the warm cache kept by a detached `index watch` (pid, or None if it failed)."""
        ws, warm = self.workspace(size), self.warm_cache(size)
        cache = self.tmp / f"watched-cache-{size}"
        shutil.copytree(warm, cache)
        if self.docmgr is None:
            return cache, None
        env = {**self.env, "DOCMGR_CACHE_DIR": str(cache)}
        proc = subprocess.run(
            [self.docmgr, "index", "watch", "--detach", "--output", "json"],
            cwd=ws.path,
            env=env,
            capture_output=True,
            text=True,
            timeout=self.args.timeout,
            check=False,
        )
        if proc.returncode != 0:
            self.problems.append(f"index watch --detach: {proc.stderr.strip()[-300:]}")
            return cache, None
        return cache, int(json.loads(proc.stdout)[0]["pid"])

    def stop_watcher(self, pid: int | None) -> None:
        """SIGTERM a watcher started by `watched_cache` and reap nothing (it is not our child)."""
        if pid is not None:
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass

    # -------------------------------------------------------------------- groups ---

    def startup(self) -> None:
        """docmgr --help next to a bare interpreter and a bare click program."""
        specs = {
            "bare": self.command("python -c pass", [self.py, "-c", "pass"], cwd=REPO),
            "click": self.command(
                "python bench/bare_click.py --help",
                [self.py, BENCH / "bare_click.py", "--help"],
                cwd=REPO,
            ),
            "help": self.docmgr_command("--help", cwd=REPO),
        }
        res = self.measure("Start-up", specs, plan=self.short_rounds())
        self.ratio_target("`docmgr --help` ÷ `python -c pass`", res["help"], res["bare"], 4.5)

    def append(self) -> None:
        """task add and diary step add next to jrnl adding an entry."""
        pristine = self.workspace(APPEND_TICKETS)
        ws = copy_workspace(pristine, self.tmp / "append-ws")
        ticket = ws.first_ticket()
        cache = self.tmp / "append-cache"
        specs = {
            "jrnl": self.jrnl_spec(cwd=ws.path),
            "task": self.docmgr_command(
                f'task add --ticket {ticket} --text "bench task"', cwd=ws.path, cache=cache
            ),
            "step": self.docmgr_command(
                f'diary step add --ticket {ticket} --title "bench step" --commit HEAD',
                cwd=ws.path,
                cache=cache,
            ),
        }
        res = self.measure(
            f"Append (workspace of {APPEND_TICKETS} tickets, a fresh copy)",
            specs,
            plan=self.short_rounds(),
        )
        self.ratio_target("`docmgr task add` ÷ jrnl", res["task"], res["jrnl"], 0.5)
        self.ratio_target(
            "`docmgr diary step add --commit HEAD` ÷ jrnl", res["step"], res["jrnl"], 1.0
        )

    def jrnl_spec(self, *, cwd: Path) -> Spec:
        """Build the jrnl command with a private HOME and config, installing jrnl if needed."""
        label = 'jrnl "Bench entry @bench"'
        try:
            exe = ensure_jrnl(self.args.corpus_dir)
        except SetupError as exc:
            return Missing(label, str(exc), allowed="jrnl" in self.args.allow_missing)
        env = jrnl_home(self.tmp / "jrnl-home")
        return self.command(label, [exe, "Bench entry @bench"], cwd=cwd, env=env)

    def search(self, size: int) -> None:
        """docmgr search, warm and cold, next to grep -rl and rg -l."""
        ws, word = self.workspace(size), self.word(size)
        warm = self.warm_cache(size)
        specs = {
            "grep": self.command(
                f"grep -rl {word} ttmp", [self.tools["grep"], "-rl", word, "ttmp"], cwd=ws.path
            ),
            "rg": self.rg_spec(word, cwd=ws.path),
            "warm": self.docmgr_command(
                f"search --query {word}", cwd=ws.path, cache=warm, note="warm"
            ),
        }
        watched, watcher_pid = self.watched_cache(size)
        specs["watched"] = self.docmgr_command(
            f"search --query {word}", cwd=ws.path, cache=watched, note="warm, watcher running"
        )
        if size < BIG and not self.args.quick:  # else: the index-build row is the cold run
            specs["cold"] = self.docmgr_command(
                f"search --query {word}",
                cwd=ws.path,
                note="cold: empty cache each run",
                fresh_dir_env="DOCMGR_CACHE_DIR",
                warmup=False,
            )
        try:
            res = self.measure(f"Search, {size:,} tickets", specs, size=size)
        finally:
            self.stop_watcher(watcher_pid)
        limit = WARM_VS_GREP.get(size, 0.85)
        self.ratio_target(
            f"warm `docmgr search` ÷ `grep -rl`, {size:,} tickets", res["warm"], res["grep"], limit
        )
        self.ratio_target(
            f"warm `docmgr search` with the watcher ÷ `grep -rl`, {size:,} tickets",
            res["watched"],
            res["grep"],
            WATCHED_VS_GREP.get(size, 0.5),
        )
        if size in self.builds:
            self.ratio_target(
                f"first index build ÷ `grep -rl`, {size:,} tickets",
                self.builds[size],
                res["grep"],
                BUILD_VS_GREP,
            )

    def rg_spec(self, word: str, *, cwd: Path) -> Spec:
        """Build `rg -l WORD ttmp`, or say how to install ripgrep."""
        label = f"rg -l {word} ttmp"
        if not self.tools["rg"]:
            return Missing(label, RG_MISSING, allowed="rg" in self.args.allow_missing)
        return self.command(label, [self.tools["rg"], "-l", word, "ttmp"], cwd=cwd)

    def listing(self, size: int) -> None:
        """ticket list, doc list and doctor --all next to a full libyaml scan and grep -rl
        (doc list has no target of its own: its time and memory are recorded)."""
        ws, word = self.workspace(size), self.word(size)
        warm = self.warm_cache(size)
        specs = {
            "scan": self.command(
                "python bench/full_scan.py ttmp (libyaml, every header)",
                [self.py, BENCH / "full_scan.py", "ttmp"],
                cwd=ws.path,
            ),
            "grep": self.command(
                f"grep -rl {word} ttmp", [self.tools["grep"], "-rl", word, "ttmp"], cwd=ws.path
            ),
            "list": self.docmgr_command(
                "ticket list --output json", cwd=ws.path, cache=warm, note="warm"
            ),
            "docs": self.docmgr_command(
                "doc list --output json", cwd=ws.path, cache=warm, note="warm"
            ),
            "doctor": self.docmgr_command(
                "doctor --all --fail-on none", cwd=ws.path, cache=warm, note="warm"
            ),
        }
        res = self.measure(f"List, {size:,} tickets", specs, size=size)
        self.ratio_target(
            f"warm `docmgr ticket list` ÷ `grep -rl`, {size:,} tickets",
            res["list"],
            res["grep"],
            WARM_VS_GREP.get(size, 0.85),
        )
        self.ratio_target(
            f"`docmgr doctor --all` ÷ `grep -rl`, {size:,} tickets",
            res["doctor"],
            res["grep"],
            DOCTOR_VS_GREP,
        )

    def real(self) -> None:
        """A real workspace (the Go tool's, ../shared/corpus) next to `docmgr --help`."""
        if not (REAL_CORPUS / "ttmp").is_dir():
            self.problems.append(f"real workspace: {REAL_CORPUS} not found")
            return
        ws = ensure_real_workspace(corpus_dir=self.args.corpus_dir, source=REAL_CORPUS)
        self.real_ws = ws
        word, _files = search_word(ws, grep=self.tools["grep"])
        cache = self.tmp / "real-cache"
        cache.mkdir()
        prime = self.docmgr_command(f"search --query {word}", cwd=ws.path, cache=cache)
        if isinstance(prime, Command):
            subprocess.run(
                list(prime.argv), cwd=ws.path, env=prime.env, capture_output=True, check=False
            )
        specs = {
            "help": self.docmgr_command("--help", cwd=ws.path),
            "grep": self.command(
                f"grep -rl {word} ttmp", [self.tools["grep"], "-rl", word, "ttmp"], cwd=ws.path
            ),
            "search": self.docmgr_command(
                f"search --query {word}", cwd=ws.path, cache=cache, note="warm"
            ),
            "list": self.docmgr_command(
                "ticket list --output json", cwd=ws.path, cache=cache, note="warm"
            ),
            "cold": self.docmgr_command(
                f"search --query {word}",
                cwd=ws.path,
                note="cold: empty cache each run",
                fresh_dir_env="DOCMGR_CACHE_DIR",
                warmup=False,
            ),
        }
        title = f"Real workspace ({ws.files:,} files, {ws.tickets} tickets; the Go tool's)"
        res = self.measure(title, specs, plan=self.short_rounds())
        self.ratio_target("real: warm `search` ÷ `docmgr --help`", res["search"], res["help"], 1.3)
        self.ratio_target(
            "real: warm `ticket list --output json` ÷ `docmgr --help`",
            res["list"],
            res["help"],
            1.3,
        )
        self.ratio_target("real: cold `search` ÷ `docmgr --help`", res["cold"], res["help"], 8.0)

    def freshness(self, size: int) -> None:
        """In-process no-change refreshes of the warm index (bench/freshness.py)."""
        rounds, warmup = self.rounds(size)
        title = f"Index freshness, {size:,} tickets"
        self.log(f"{title}: {warmup} + {rounds} refreshes in one process")
        times, error = self.run_freshness(size, calls=rounds, warmup=warmup)
        name = f"no-change refresh, {size:,} tickets"
        limit = f"≤ {FRESHNESS_MS:g} ms"
        if error:
            self.problems.append(f"{title}: {error}")
            row = ["refresh", f"not measured: {error}", "", ""]
        else:
            median = statistics.median(times)
            row = ["refresh", *(f"{x:.1f}" for x in (median, min(times), max(times)))]
        note = (
            f"`measure_freshness` in bench/freshness.py: {_plural(rounds, 'refresh')} after "
            f"{_plural(warmup, 'warm-up')} in one process, nothing changed on disk."
        )
        self.sections.append(simple_table(title, note, ["call", "median ms", "min", "max"], [row]))
        if size == FRESHNESS_AT:
            measured = "—" if error else f"{median:.1f} ms"
            self.targets.append(
                Target(name, limit, measured, None if error else median <= FRESHNESS_MS)
            )

    def run_freshness(self, size: int, *, calls: int, warmup: int) -> tuple[list[float], str]:
        """Run bench/freshness.py on the warm index; return (times in ms, error or "")."""
        ws, warm = self.workspace(size), self.warm_cache(size)
        argv = [self.py, str(BENCH / "freshness.py"), str(ws.docs_root)]
        argv += ["--calls", str(calls), "--warmup", str(warmup)]
        env = {**self.env, "DOCMGR_CACHE_DIR": str(warm)}
        try:
            proc = subprocess.run(
                argv,
                cwd=ws.path,
                env=env,
                capture_output=True,
                text=True,
                timeout=self.args.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return [], f"timed out after {self.args.timeout:g} s"
        if proc.returncode == 0:
            return json.loads(proc.stdout), ""
        print(f"!! bench/freshness.py: exit status {proc.returncode}", file=sys.stderr)
        for line in proc.stderr.strip().splitlines()[-20:]:
            print(f"   | {line}", file=sys.stderr)
        return [], (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]

    def memory(self) -> None:
        """Peak RSS of every docmgr command at the largest size measured."""
        sizes = [s for s in self.docmgr_results if s]
        if not sizes:
            return
        size = max(sizes)
        rows = [
            [f"`{r.command.label}`", f"{r.max_rss_mib:.1f}"]
            for r in self.docmgr_results[size]
            if r.ok
        ]
        limit_mib = MEMORY_MB * 1e6 / 2**20
        name = f"peak RSS of any docmgr command, {size:,} tickets"
        if size != MEMORY_AT:
            name += f" (the budget is for {MEMORY_AT:,})"
        if rows:
            self.sections.append(
                simple_table(
                    f"Memory, {size:,} tickets",
                    "Largest `ru_maxrss` over all runs of each command.",
                    ["command", "peak RSS MiB"],
                    rows,
                )
            )
        peak = max((r.max_rss_mib for r in self.docmgr_results[size] if r.ok), default=None)
        self.targets.append(
            Target(
                name,
                f"≤ {MEMORY_MB:g} MB ({limit_mib:.1f} MiB)",
                "—" if peak is None else f"{peak:.1f} MiB",
                None if peak is None else peak <= limit_mib,
            )
        )

    # -------------------------------------------------------------------- report ---

    def header(self) -> str:
        """Describe when, how and where the run was made."""
        lines = [
            "## Results",
            "",
            f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}, "
            f"run time {time.monotonic() - self.t0:.0f} s",
            f"- Command: `{shlex.join(sys.orig_argv)}`",
            *machine_lines(python=self.py, tools=self.tools),
            f"- docmgr: {self.docmgr_note}",
            "- Method: each command is a whole process (`posix_spawn`, stdin/stdout/stderr on "
            "/dev/null, reaped with `wait4`: wall time via `perf_counter_ns`, CPU = user + sys, "
            "peak RSS = `ru_maxrss`); the commands of a group run round-robin after warm-up "
            "rounds; docmgr gets `DOCMGR_CACHE_DIR`.",
            f"- Peak RSS floor: {self.rss_floor_mib:.1f} MiB. Linux counts the peak RSS of the "
            "spawning process in `ru_maxrss` of a child started by `posix_spawn` (vfork), so "
            "the timing runs in a small worker (bench/spawner.py); a figure at this floor "
            'means "at most this much".',
        ]
        if "append" in self.args.only:
            lines.append(f"- Peer: {JRNL_SPEC} (pip, private venv under the corpus dir)")
        real = self.real_ws
        if real is not None:
            lines.append(
                "- Real workspace: a copy of `../shared/corpus/docmgr-ttmp`, "
                f"{real.files:,} files, {real.mib:.1f} MiB"
            )
        for size, ws in sorted(self.workspaces.items()):
            word = self.words.get(size)
            found = (
                f"; search word `{word[0]}` (in {word[1]} files by `grep -rl`, "
                f"chosen for {WORD_FILES[0]}–{WORD_FILES[1]})"
                if word
                else ""
            )
            lines.append(
                f"- Corpus {size:,} tickets: `gen_corpus.py --tickets {size} --seed 1`, "
                f"{ws.files:,} files, {ws.mib:.1f} MiB{found}"
            )
        return "\n".join(lines) + "\n"

    def render(self) -> str:
        """Return the whole generated region."""
        parts = [self.header(), targets_table(self.targets), *self.sections]
        if self.problems:
            parts.append("### Not measured\n\n" + "\n".join(f"- {p}" for p in self.problems) + "\n")
        return "\n".join(parts)

    def run(self) -> None:
        """Run the selected groups in order."""
        only = self.args.only
        if "startup" in only:
            self.startup()
        if "append" in only:
            self.append()
        if "real" in only:
            self.real()
        for size in self.args.sizes:
            if "search" in only:
                self.search(size)
            if "list" in only:
                self.listing(size)
            if "freshness" in only:
                self.freshness(size)
        if {"search", "list"} & set(only):
            self.memory()

    def close(self) -> None:
        """Delete the session's temporary folders (copies, caches, jrnl home)."""
        shutil.rmtree(self.tmp, ignore_errors=True)


def check_prerequisites(args: argparse.Namespace) -> None:
    """Exit with a clear message when something every selected group needs is missing."""
    if CORPUS_GROUPS & set(args.only) and not args.gen_corpus.is_file():
        sys.exit(
            f"error: corpus generator not found: {args.gen_corpus} "
            "(pass --gen-corpus PATH to gen_corpus.py)"
        )
    for tool in ("git", "grep"):
        if CORPUS_GROUPS & set(args.only) and not shutil.which(tool):
            sys.exit(f"error: {tool} not found on PATH")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write the report, and return the exit status."""
    args = parse_args(argv)
    check_prerequisites(args)
    session = Session(args)
    try:
        session.run()
    except SetupError as exc:
        session.problems.append(f"setup: {exc}")
    finally:
        session.close()
    write_region(args.out, session.render())
    session.log(f"wrote {args.out}")
    for t in session.targets:
        print(f"{t.verdict:>12}  {t.name}: {t.measured} (limit {t.limit})")
    for p in session.problems:
        print(f"NOT MEASURED  {p}", file=sys.stderr)
    failed = [t for t in session.targets if t.passed is False]
    return 1 if session.problems or (args.strict and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
