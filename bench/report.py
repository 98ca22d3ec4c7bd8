"""The Markdown report: machine description, result tables, targets, the generated region."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from proctime import Result

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
NEW_FILE = f"""# Performance

The region between the markers below is rewritten by `python bench/run.py`; write the
analysis (profiles, what it would take to meet a missed target) outside it.

{START}
{END}
"""


@dataclass(frozen=True, slots=True)
class Target:
    """One budget from the performance issue and how the run did against it."""

    name: str
    limit: str
    measured: str
    passed: bool | None  # None: could not be measured

    @property
    def verdict(self) -> str:
        """Return PASS, FAIL or "not measured"."""
        return {True: "PASS", False: "FAIL", None: "not measured"}[self.passed]


def _first_line(argv: list[str]) -> str:
    try:
        out = subprocess.run(
            argv, capture_output=True, text=True, check=False, timeout=30, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    if out.returncode != 0:
        return "not found"
    return (out.stdout or out.stderr).strip().splitlines()[0]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> float:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return 0.0


def _damon_active() -> bool:
    """Tell whether DAMON (which can reclaim the page cache proactively) is running."""
    try:
        return Path("/sys/kernel/mm/damon/admin/kdamonds/0/state").read_text().strip() == "on"
    except OSError:
        return False


def machine_lines(*, python: str, tools: dict[str, str | None]) -> list[str]:
    """Describe the machine and the tool versions, one Markdown bullet each."""
    versions = ", ".join(
        f"{name}: {_first_line([exe, '--version']) if exe else 'not found'}"
        for name, exe in tools.items()
    )
    damon = (
        "; DAMON is on (the page cache may be reclaimed between runs)" if _damon_active() else ""
    )
    return [
        f"- Machine: {_cpu_model()}, {len(os.sched_getaffinity(0))} CPUs (nproc), "
        f"{_ram_gib():.1f} GiB RAM, {platform.system()} {platform.release()}{damon}",
        f"- Python {platform.python_version()} (`{python}`), SQLite {sqlite3.sqlite_version}",
        f"- Tools: {versions}",
    ]


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def process_table(title: str, note: str, results: Iterable[Result], *, ref: bool = True) -> str:
    """Render one group; the first result is the reference of the `× ref` column if `ref`."""
    results = list(results)
    ref_result = results[0] if ref else None
    lines = [
        f"### {title}",
        "",
        note,
        "",
        "| command | median ms | min | max | peak RSS MiB | × ref | CPU ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for res in results:
        name = f"`{res.command.label}`" + (" (ref)" if res is ref_result else "")
        if not res.ok:
            lines.append(f"| {name} | not measured: {res.error or 'no runs'} | | | | | |")
            continue
        ratio = (
            f"{res.median_ms / ref_result.median_ms:.2f}" if ref_result and ref_result.ok else "—"
        )
        lines.append(
            f"| {name} | {_ms(res.median_ms)} | {_ms(res.min_ms)} | {_ms(res.max_ms)} "
            f"| {res.rss_mib:.1f} | {ratio} | {_ms(res.cpu_ms)} |"
        )
    return "\n".join(lines) + "\n"


def simple_table(title: str, note: str, header: list[str], rows: list[list[str]]) -> str:
    """Render a plain table with a heading and a note."""
    lines = [
        f"### {title}",
        "",
        note,
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def targets_table(targets: list[Target]) -> str:
    """Render the budgets with the measured value and PASS/FAIL."""
    return simple_table(
        "Targets",
        "Ratios are median over median, measured in the same run (what the result judges);"
        " where both commands ran in every round, the median of the per-round ratios is given"
        " beside it: it follows the machine's drift within the run less.",
        ["target", "limit", "measured", "result"],
        [[t.name, t.limit, t.measured, t.verdict] for t in targets],
    )


def write_region(path: Path, body: str) -> None:
    """Replace the generated region of `path` with `body`, keeping everything else."""
    text = path.read_text() if path.exists() else NEW_FILE
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}{START}\n{body.strip()}\n{END}{tail}")
