"""In-process timing of no-change refreshes of docmgr's warm search index.

Run by bench/run.py in the workspace, with DOCMGR_CACHE_DIR pointing at the index cache.
Prints a JSON list of milliseconds, one per recorded refresh; exits 3 when docmgr offers
nothing to measure (yet).
"""

import argparse
import json
import sys
import time
from pathlib import Path

NOT_MEASURABLE = 3


def measure_freshness(root: Path, calls: int) -> list[float]:
    """Open the index of the docs root `root`, then time `calls` no-change refreshes (ms).

    Opening (which builds or refreshes the index) is not timed. This is the only place
    that knows docmgr's index API: adapt it here when that API changes.
    """
    from docmgr.store.index import open_index
    from docmgr.store.workspace import Workspace

    times = []
    with open_index(Workspace.open(str(root))) as index:
        for _ in range(calls):
            t0 = time.perf_counter_ns()
            stats = index.refresh()
            times.append((time.perf_counter_ns() - t0) / 1e6)
            if stats.full or stats.parsed or stats.removed:
                raise RuntimeError(f"the index changed during a no-change refresh: {stats}")
    return times


def main() -> int:
    """Time warm-up + recorded refreshes and print the recorded ones."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root", type=Path, help="the docs root (the ttmp/ folder)")
    ap.add_argument("--calls", type=int, default=11, help="recorded refreshes")
    ap.add_argument("--warmup", type=int, default=2, help="unrecorded refreshes first")
    args = ap.parse_args()
    try:
        times = measure_freshness(args.root, args.warmup + args.calls)
    except (ImportError, AttributeError, TypeError) as exc:
        print(
            f"{type(exc).__name__}: {exc} (adapt measure_freshness in bench/freshness.py)",
            file=sys.stderr,
        )
        return NOT_MEASURABLE
    print(json.dumps(times[args.warmup :]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
