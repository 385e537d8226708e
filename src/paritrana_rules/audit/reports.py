"""What a replay reports: each record's findings, every finding in line order, and the first divergence.

Made by `replay.py`; kept apart so that a report can be read, rendered and sent (JSON, the HTTP API) by code
that never replays anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from paritrana_rules.audit.ledger import Finding, shown
from paritrana_rules.rank.spill import Spill


@attrs.frozen
class Divergence:
    """The first step whose recomputed value differs from the recorded one."""

    line: int
    candidate: str
    step: str
    location: Mapping[str, Any]
    recorded: Any
    recomputed: Any
    reads: Sequence[Any]

    def describe(self) -> str:
        where = (f" at {self.location.get('file')}:{self.location.get('line')}:{self.location.get('column')}"
                 if self.location else "")
        read = ", ".join(f"{name} = {shown(value)}" for name, value in self.reads)
        reads = f" (it read {read})" if self.reads else ""
        return f"step {self.step}{where}: recorded {shown(self.recorded)}, recomputed {shown(self.recomputed)}{reads}"


@attrs.frozen
class RecordReport:
    line: int
    candidate: str | None
    kind: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


class RecordReports:
    """Every record's report, in line order, made again from disk each time they are gone through: a ledger of any
    length is reported on with flat memory. Findings are few, and kept by line."""

    def __init__(self, stored: Spill, findings: Iterable[Finding]) -> None:
        self.stored = stored  # (line, candidate, kind) of each record, on disk past a chunk
        self.by_line: dict[int, tuple[Finding, ...]] = {}
        for finding in findings:
            if finding.line is not None:
                self.by_line[finding.line] = (*self.by_line.get(finding.line, ()), finding)
        troubled = {line for line, found in self.by_line.items() if any(f.severity == "error" for f in found)}
        self.verified = sum(1 for line, _, _ in stored if line not in troubled) if troubled else len(stored)

    def __len__(self) -> int:
        return len(self.stored)

    def __iter__(self) -> Iterator[RecordReport]:
        for line, candidate, kind in self.stored:
            yield RecordReport(line, candidate, kind, self.by_line.get(line, ()))

    def __eq__(self, other: object) -> bool:
        """The same reports, record by record (read back from disk as they are compared)."""
        return (isinstance(other, RecordReports) and len(self) == len(other)
                and all(mine == theirs for mine, theirs in zip(self, other, strict=True)))

    __hash__ = None  # type: ignore[assignment]  # they are read from a file: equal, not the same


@attrs.frozen
class ReplayReport:
    records: RecordReports  # every record's report, in line order (read back from disk: go through it, or count it)
    findings: tuple[Finding, ...]  # every finding, ledger-level ones included, in line order
    first_divergence: Divergence | None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def verified(self) -> int:
        return self.records.verified

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: whether it verified, counts, every finding and the first divergence (`replay --format json`
        and the HTTP API)."""
        return {
            "ok": self.ok, "verified": self.verified, "records": len(self.records),
            "findings": [attrs.asdict(f) for f in self.findings],  # tuples and sets become lists
            "first_divergence": attrs.asdict(self.first_divergence) if self.first_divergence else None,
        }

    def render(self) -> str:
        lines = [f.render() for f in self.findings]
        if self.first_divergence is not None:
            lines.append(f"first divergence: line {self.first_divergence.line} ({self.first_divergence.candidate}): "
                         f"{self.first_divergence.describe()}")
        count = len(self.records)
        if self.ok:
            lines.append(f"{count} record{'s' if count != 1 else ''} verified")
        else:
            problems = sum(1 for f in self.findings if f.severity == "error")
            lines.append(f"{self.verified} of {count} records verified; "
                         f"{problems} problem{'s' if problems != 1 else ''}")
        return "\n".join(lines)
