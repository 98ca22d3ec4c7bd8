"""Whole-process timing: posix_spawn + wait4, interleaved rounds, medians."""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

#: Makes a context that yields extra environment variables for one run (set up and torn
#: down outside the timed window), e.g. a fresh, empty index cache folder.
RunContext = Callable[[], contextlib.AbstractContextManager[Mapping[str, str]]]


@contextlib.contextmanager
def no_extra_env() -> Iterator[Mapping[str, str]]:
    """Yield no extra environment variables."""
    yield {}


@dataclass(frozen=True, slots=True)
class Command:
    """One command line to time, with where and how it runs."""

    label: str
    argv: tuple[str, ...]
    cwd: str
    env: Mapping[str, str]
    context: RunContext = no_extra_env
    warmup: bool = True  # False for commands whose warm-up would be meaningless (cold runs)
    max_runs: int | None = None  # cap on measured runs, for very slow commands


@dataclass(frozen=True, slots=True)
class Sample:
    """What one run of one command cost."""

    wall_ms: float
    cpu_ms: float
    maxrss_kib: int


@dataclass(slots=True)
class Result:
    """The measured runs of one command, or why it could not be measured."""

    command: Command
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Tell whether at least one run was measured and none failed."""
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


class RunFailed(Exception):
    """A command exited non-zero, was killed, or timed out."""


class _Watchdog:
    """Kill the running child when a per-run time limit passes (SIGALRM, no threads)."""

    def __init__(self) -> None:
        self.pid = 0
        self.fired = False
        signal.signal(signal.SIGALRM, self._on_alarm)

    def _on_alarm(self, signum: int, frame: object) -> None:
        if self.pid:
            self.fired = True
            os.kill(self.pid, signal.SIGKILL)

    def arm(self, pid: int, seconds: float) -> None:
        self.pid, self.fired = pid, False
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def disarm(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.pid = 0


_WATCHDOG: _Watchdog | None = None
_DEVNULL_ACTIONS = [
    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
]


def run_once(cmd: Command, *, timeout_s: float) -> Sample:
    """Spawn `cmd` once with stdin/stdout/stderr on /dev/null and measure it."""
    global _WATCHDOG
    if _WATCHDOG is None:
        _WATCHDOG = _Watchdog()
    with cmd.context() as extra:
        env = {**cmd.env, **extra}
        os.chdir(cmd.cwd)
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(cmd.argv[0], cmd.argv, env, file_actions=_DEVNULL_ACTIONS)
        _WATCHDOG.arm(pid, timeout_s)
        _, status, usage = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
        _WATCHDOG.disarm()
    if _WATCHDOG.fired:
        raise RunFailed(f"timed out after {timeout_s:g} s")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RunFailed(f"exit status {code}")
    return Sample(wall_ms=(t1 - t0) / 1e6, cpu_ms=(usage.ru_utime + usage.ru_stime) * 1e3,
                  maxrss_kib=usage.ru_maxrss)


def stderr_of(cmd: Command, *, timeout_s: float) -> str:
    """Run `cmd` again outside the timer and return the tail of its stderr."""
    with cmd.context() as extra:
        try:
            proc = subprocess.run(cmd.argv, cwd=cmd.cwd, env={**cmd.env, **extra},
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            return "(timed out again while collecting stderr)"
    lines = proc.stderr.decode(errors="replace").strip().splitlines()
    return "\n".join(lines[-20:]) or f"(no stderr; exit status {proc.returncode})"


def measure_group(commands: list[Command], *, rounds: int, warmup: int,
                  timeout_s: float) -> list[Result]:
    """Time `commands` round-robin: `warmup` unrecorded rounds, then `rounds` recorded ones.

    A command that fails once is reported with its stderr and dropped from later rounds.
    """
    results = [Result(c) for c in commands]
    for round_no in range(warmup + rounds):
        recording = round_no >= warmup
        for res in results:
            cmd = res.command
            if res.error or (not recording and not cmd.warmup):
                continue
            if recording and cmd.max_runs is not None and len(res.samples) >= cmd.max_runs:
                continue
            try:
                sample = run_once(cmd, timeout_s=timeout_s)
            except (RunFailed, OSError) as exc:
                res.error = str(exc)
                detail = stderr_of(cmd, timeout_s=timeout_s) if isinstance(exc, RunFailed) else ""
                print(f"!! {cmd.label}: {exc}\n   $ {' '.join(cmd.argv)}\n{_indent(detail)}",
                      file=sys.stderr)
                continue
            if recording:
                res.samples.append(sample)
    return results


def _indent(text: str) -> str:
    return "\n".join("   | " + line for line in text.splitlines())
