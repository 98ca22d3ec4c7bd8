"""The doctor report: findings in row order, the tickets checked, and per-ticket counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from docmgr.model import Finding, Severity


@dataclass(slots=True)
class Report:
    """Findings in spec order, which tickets were checked, and per-ticket counts.

    With ``keep_all=False`` (the rollup of a big workspace) only info rows are kept and the
    rest is counted, so memory does not grow with the number of findings.
    """

    findings: list[Finding]
    tickets: list[str]
    detail: bool
    keep_all: bool = True
    tally: dict[str, list[Any]] = field(
        default_factory=dict
    )  # ticket -> [errors, warnings, {issue: n}]
    worst: int = 0

    def add(self, items: Sequence[Finding]) -> None:
        """Record findings (counted always, kept when ``keep_all`` or informational)."""
        for f in items:
            self._count(f)
            if self.keep_all or f.severity == Severity.INFO:
                self.findings.append(f)

    def prepend(self, items: Sequence[Finding]) -> None:
        """Record findings that come first in the report (``--fix`` rows)."""
        old = self.tally
        self.tally = {}
        for f in items:
            self._count(f)
        for key, value in old.items():
            if key in self.tally:
                mine = self.tally[key]
                mine[0] += value[0]
                mine[1] += value[1]
                for issue, n in value[2].items():
                    mine[2][issue] = mine[2].get(issue, 0) + n
            else:
                self.tally[key] = value
        self.findings[0:0] = [f for f in items if self.keep_all or f.severity == Severity.INFO]

    def _count(self, f: Finding) -> None:
        rank = _RANK[f.severity]
        if rank > self.worst:
            self.worst = rank
        if not rank:  # ok and info rows are not counted
            return
        key = f.ticket or "(unknown)"
        entry = self.tally.get(key)
        if entry is None:
            entry = self.tally[key] = [0, 0, {}]
        entry[0 if rank == 2 else 1] += 1
        counts = entry[2]
        counts[f.issue] = counts.get(f.issue, 0) + 1


_RANK = {severity: severity.rank for severity in Severity}  # 2 error, 1 warning, else 0
