"""Lean timing worker: runs one group of commands with posix_spawn + wait4 (marshal in/out).

bench/proctime.py starts it as `python -I -S bench/spawner.py` and writes the group to its
stdin. It lives in its own small process because Linux reports, as `ru_maxrss` of a child
started with posix_spawn (vfork), at least the peak RSS of the process that spawned it; a
small spawner keeps that floor low (it is measured with /bin/true and reported). Only
built-in modules are imported (marshal rather than json) for the same reason.
"""

import marshal
import os
import signal
import sys
import time

DEVNULL_ACTIONS = [
    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
]


class RunFailed(Exception):
    """A command exited non-zero, was killed, or timed out."""


class Watchdog:
    """Kill the running child when the per-run time limit passes (SIGALRM, no threads)."""

    def __init__(self):
        self.pid = 0
        self.fired = False
        signal.signal(signal.SIGALRM, self._on_alarm)

    def _on_alarm(self, signum, frame):
        if self.pid:
            self.fired = True
            os.kill(self.pid, signal.SIGKILL)

    def arm(self, pid, seconds):
        """Start the clock for child `pid`."""
        self.pid, self.fired = pid, False
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def disarm(self):
        """Stop the clock."""
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.pid = 0


def remove_tree(path):
    """Delete a folder and everything in it."""
    for dirpath, dirnames, filenames in os.walk(path, topdown=False):
        for name in filenames:
            os.unlink(os.path.join(dirpath, name))
        for name in dirnames:
            child = os.path.join(dirpath, name)
            if os.path.islink(child):
                os.unlink(child)
            else:
                os.rmdir(child)
    os.rmdir(path)


class FreshDir:
    """Numbered empty folders, one per run, for commands that must start cold."""

    def __init__(self, parent):
        self.parent = parent
        self.count = 0

    def make(self):
        """Create and return a new empty folder."""
        self.count += 1
        path = os.path.join(self.parent, f"fresh-{os.getpid()}-{self.count}")
        os.mkdir(path)
        return path


def run_once(cmd, *, watchdog, fresh, timeout_s):
    """Spawn `cmd` once with stdin/stdout/stderr on /dev/null; return [wall ms, CPU ms, KiB]."""
    env = dict(cmd["env"])
    fresh_path = None
    if cmd.get("fresh_dir_env"):
        fresh_path = env[cmd["fresh_dir_env"]] = fresh.make()
    try:
        os.chdir(cmd["cwd"])
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(cmd["argv"][0], cmd["argv"], env, file_actions=DEVNULL_ACTIONS)
        watchdog.arm(pid, timeout_s)
        _, status, usage = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
        watchdog.disarm()
    finally:
        if fresh_path:
            remove_tree(fresh_path)
    if watchdog.fired:
        raise RunFailed(f"timed out after {timeout_s:g} s")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RunFailed(f"exit status {code}")
    return [(t1 - t0) / 1e6, (usage.ru_utime + usage.ru_stime) * 1e3, usage.ru_maxrss]


def measure_group(job):
    """Run the job's commands round-robin: warm-up rounds unrecorded, then recorded rounds.

    A command that fails once is dropped from later rounds, with the reason recorded. A
    command that once takes longer than `slow_ms` is "slow": it skips the remaining warm-up
    rounds and is recorded at most `slow_runs` times, which keeps a run's length bounded.
    """
    watchdog = Watchdog()
    fresh = FreshDir(job["scratch"])
    commands = job["commands"]
    out = [{"samples": [], "error": None, "slow": False} for _ in commands]
    warmup, timeout_s = job["warmup"], job["timeout_s"]
    for round_no in range(warmup + job["rounds"]):
        recording = round_no >= warmup
        for cmd, res in zip(commands, out, strict=True):
            if res["error"]:
                continue
            if not recording and (res["slow"] or not cmd["warmup"]):
                continue
            if recording and res["slow"] and len(res["samples"]) >= job["slow_runs"]:
                continue
            try:
                sample = run_once(cmd, watchdog=watchdog, fresh=fresh, timeout_s=timeout_s)
            except (RunFailed, OSError) as exc:
                res["error"] = str(exc)
                continue
            res["slow"] = res["slow"] or sample[0] > job["slow_ms"]
            if recording:
                res["samples"].append(sample)
    return out


def rss_floor_kib():
    """Return the ru_maxrss that /bin/true reports when spawned from this process."""
    pid = os.posix_spawn("/bin/true", ["/bin/true"], {}, file_actions=DEVNULL_ACTIONS)
    return os.wait4(pid, 0)[2].ru_maxrss


def main():
    """Read a job from stdin, run it, write the results to stdout."""
    job = marshal.loads(sys.stdin.buffer.read())
    results = measure_group(job)
    sys.stdout.buffer.write(marshal.dumps({"results": results, "rss_floor_kib": rss_floor_kib()}))


if __name__ == "__main__":
    main()
