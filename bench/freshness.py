"""In-process timing of a no-change refresh of docmgr's warm search index.

Run by bench/run.py with DOCMGR_CACHE_DIR pointing at an index that is already built.
Prints a JSON list of milliseconds, one per recorded call; exits 3 when docmgr offers
nothing to measure yet.
"""

import argparse
import json
import sys
import time
from pathlib import Path

NOT_MEASURABLE = 3


def measure_freshness(root: Path) -> float:
    """Refresh the index of the docs root `root` once (nothing changed); return ms.

    The only place that knows docmgr's index API: adapt it here if that API changes.
    """
    from docmgr import search_index

    t0 = time.perf_counter_ns()
    search_index.refresh(root)
    return (time.perf_counter_ns() - t0) / 1e6


def main() -> int:
    """Call measure_freshness warm-up + recorded times and print the recorded ones."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("root", type=Path, help="the docs root (the ttmp/ folder)")
    ap.add_argument("--calls", type=int, default=11, help="recorded calls")
    ap.add_argument("--warmup", type=int, default=2, help="unrecorded calls first")
    args = ap.parse_args()
    try:
        times = [measure_freshness(args.root) for _ in range(args.warmup + args.calls)]
    except (ImportError, AttributeError, TypeError) as exc:
        print(f"not measurable: {type(exc).__name__}: {exc} "
              "(adapt measure_freshness in bench/freshness.py)", file=sys.stderr)
        return NOT_MEASURABLE
    print(json.dumps(times[args.warmup:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
