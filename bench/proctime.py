"""Whole-process timing of a group of commands (via bench/spawner.py) and its statistics."""

from __future__ import annotations

import marshal
import shlex
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

SPAWNER = Path(__file__).resolve().parent / "spawner.py"


@dataclass(frozen=True, slots=True)
class Command:
    """One command line to time, with where and how it runs."""

    label: str
    argv: tuple[str, ...]
    cwd: str
    env: Mapping[str, str]
    #: Environment variable set to a new, empty folder for every run (deleted afterwards),
    #: e.g. DOCMGR_CACHE_DIR for a cold index.
    fresh_dir_env: str | None = None
    warmup: bool = True  # False where a warm-up is meaningless (cold runs)


@dataclass(frozen=True, slots=True)
class Sample:
    """What one run of one command cost."""

    wall_ms: float
    cpu_ms: float
    maxrss_kib: int


@dataclass(slots=True)
class Result:
    """The recorded runs of one command, or why it could not be measured."""

    command: Command
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None
    slow: bool = False  # ran fewer times because one run exceeded the slow limit

    @property
    def ok(self) -> bool:
        """Tell whether runs were recorded and none failed."""
        return self.error is None and bool(self.samples)

    @property
    def median_ms(self) -> float:
        """Return the median wall time."""
        return statistics.median(s.wall_ms for s in self.samples)

    @property
    def min_ms(self) -> float:
        """Return the fastest wall time."""
        return min(s.wall_ms for s in self.samples)

    @property
    def max_ms(self) -> float:
        """Return the slowest wall time."""
        return max(s.wall_ms for s in self.samples)

    @property
    def cpu_ms(self) -> float:
        """Return the median CPU time (user + sys)."""
        return statistics.median(s.cpu_ms for s in self.samples)

    @property
    def rss_mib(self) -> float:
        """Return the median peak resident set size in MiB."""
        return statistics.median(s.maxrss_kib for s in self.samples) / 1024

    @property
    def max_rss_mib(self) -> float:
        """Return the largest peak resident set size of any run in MiB."""
        return max(s.maxrss_kib for s in self.samples) / 1024


@dataclass(frozen=True, slots=True)
class GroupRun:
    """The results of one group and the RSS floor of the spawner that timed it."""

    results: list[Result]
    rss_floor_mib: float


class SpawnerError(Exception):
    """The timing worker itself failed."""


def measure_group(
    commands: list[Command],
    *,
    rounds: int,
    warmup: int,
    timeout_s: float,
    slow_ms: float,
    slow_runs: int,
    scratch: Path,
) -> GroupRun:
    """Time `commands` round-robin in a lean worker: `warmup` unrecorded rounds, then `rounds`.

    A command slower than `slow_ms` skips further warm-up and is recorded at most
    `slow_runs` times. A command that fails is dropped from later rounds; it is then run
    once more outside the timer so that its stderr can be printed.
    """
    job = {
        "commands": [{**asdict(c), "env": dict(c.env)} for c in commands],
        "rounds": rounds,
        "warmup": warmup,
        "timeout_s": timeout_s,
        "slow_ms": slow_ms,
        "slow_runs": slow_runs,
        "scratch": str(scratch),
    }
    proc = subprocess.run(
        [sys.executable, "-I", "-S", str(SPAWNER)],
        input=marshal.dumps(job),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SpawnerError(f"bench/spawner.py failed:\n{proc.stderr.decode(errors='replace')}")
    out = marshal.loads(proc.stdout)
    results = [
        Result(cmd, [Sample(*s) for s in r["samples"]], r["error"], r["slow"])
        for cmd, r in zip(commands, out["results"], strict=True)
    ]
    for res in results:
        if res.error:
            _report_failure(res, timeout_s=timeout_s, scratch=scratch)
    return GroupRun(results, out["rss_floor_kib"] / 1024)


def _report_failure(res: Result, *, timeout_s: float, scratch: Path) -> None:
    cmd = res.command
    print(
        f"!! {cmd.label}: {res.error}\n   $ {shlex.join(cmd.argv)}  (cwd {cmd.cwd})",
        file=sys.stderr,
    )
    for line in stderr_of(cmd, timeout_s=timeout_s, scratch=scratch).splitlines():
        print(f"   | {line}", file=sys.stderr)


def stderr_of(cmd: Command, *, timeout_s: float, scratch: Path) -> str:
    """Run `cmd` again outside the timer and return the tail of its stderr."""
    with tempfile.TemporaryDirectory(dir=scratch) as fresh:
        env = {**cmd.env, **({cmd.fresh_dir_env: fresh} if cmd.fresh_dir_env else {})}
        try:
            proc = subprocess.run(
                cmd.argv,
                cwd=cmd.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "(timed out again while collecting stderr)"
        except OSError as exc:
            return str(exc)
    lines = proc.stderr.decode(errors="replace").strip().splitlines()
    return "\n".join(lines[-20:]) or f"(no stderr; exit status {proc.returncode})"
