"""Where a first index build's CPU goes: the command, the parse worker, and the full-text index.

Builds the index of a docs root on an empty cache, in a child process, once as docmgr does it
and once with the full-text inserts replaced by nothing (no FTS5 tokenising or segments;
that index cannot answer a search, it is thrown away). Each build reports the CPU (user +
system) of the command and of its parse worker. Rounds alternate the two kinds, and the
medians are printed (every file is read once first, untimed):

    /tmp/bench-venv/bin/python bench/build_split.py ~/.cache/docmgr-bench/ws-2000/ttmp --rounds 3

The difference between the two totals is what FTS5 costs; what is left is the parse (the
worker) and the rest of the command (the walk, the rows, the pages). Only the full-text
inserts are taken out: everything else runs as in a real build. Run it with the Python of a
venv where docmgr is installed non-editable (see bench/README.md).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CHILD = """
import json, resource, sys
if sys.argv[2] == "without-fts":
    import docmgr.store.index.fulltext as fulltext
    fulltext.insert = lambda con, rows: None
from docmgr.cli import main
sys.argv = ["docmgr", "--root", sys.argv[1], "index", "rebuild"]
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
me = resource.getrusage(resource.RUSAGE_SELF)
worker = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "command": me.ru_utime + me.ru_stime,
    "worker": worker.ru_utime + worker.ru_stime,
}))
"""

KINDS = ("with-fts", "without-fts")


def prime(root: str) -> None:
    """Read every file under `root` once: the builds then read from the page cache, not the
    disk (a machine that reclaims its page cache would otherwise charge the first build for
    the disk's work; bench/run.py does the same with an untimed `grep -rl`)."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                while f.read(1 << 20):
                    pass


def build_once(root: str, kind: str) -> dict[str, float]:
    """One build of `root` on an empty cache: CPU seconds of the command and of the worker."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "DOCMGR_CACHE_DIR": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, root, kind],
            env=env,
            cwd=os.path.dirname(os.path.abspath(root)),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["total"] = result["command"] + result["worker"]
    return result


def main() -> int:
    """Alternate the two kinds of build and print the medians of each part."""
    ap = argparse.ArgumentParser(description="Where a first index build's CPU goes.")
    ap.add_argument("root", help="the docs root (the ttmp/ folder of a workspace)")
    ap.add_argument("--rounds", type=int, default=3, help="builds of each kind")
    args = ap.parse_args()
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    prime(args.root)
    for n in range(args.rounds):
        for kind in KINDS if n % 2 == 0 else KINDS[::-1]:
            runs[kind].append(build_once(args.root, kind))
    print(f"{'build':12} {'command':>9} {'worker':>9} {'total':>9}   (CPU s, medians)")
    medians = {}
    for kind in KINDS:
        medians[kind] = {
            part: statistics.median(r[part] for r in runs[kind])
            for part in ("command", "worker", "total")
        }
        m = medians[kind]
        print(f"{kind:12} {m['command']:9.2f} {m['worker']:9.2f} {m['total']:9.2f}")
    fts = medians["with-fts"]["total"] - medians["without-fts"]["total"]
    print(f"full-text index: {fts:.2f} s ({fts / medians['with-fts']['total']:.0%} of the build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
