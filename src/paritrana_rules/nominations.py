"""Nominations: the provincial round's ledgers -> the candidates a national round may score.

The award's provincial rounds each rank their candidates and nominate the
first places to the national round (DOMAIN.md §2). A national `score` is given
the provincial ledgers (`--nominees`): each must verify (hash chain and seal)
and hold a ranking record, whose nominated candidates are the only ones the
national round scores; any other row is rejected, saying so. The national
ledger's rubric record names every provincial ledger by its sealed head and
its ranking record's hash, with the candidates each nominated, so that replay
can show every national candidate was nominated, and by which ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import InputError, InputProblem
from .replay import Finding, check_chain, read_ledger


@attrs.frozen
class Nomination:
    """What one provincial ledger nominates, and how to recognise that ledger again."""

    ledger: str  # the path it was read from (not hashed: where it sits may change)
    head: str  # the seal's head: the hash of the ledger's last record
    ranking: str  # the hash of its ranking record
    rubric: Mapping[str, Any]  # the provincial rubric's identity and content hash
    nominated: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"head": self.head, "ranking_sha256": self.ranking, "rubric": dict(self.rubric),
                "nominated": list(self.nominated)}


def read_nominations(paths: Iterable[str | Path]) -> tuple[Nomination, ...]:
    """The nominations of each provincial ledger; InputError lists every ledger that does not verify."""
    nominations, problems = [], []
    for path in paths:
        nomination, found = _nomination(Path(path))
        if nomination is not None:
            nominations.append(nomination)
        problems += [InputProblem(str(path), None, f"the nominating ledger does not verify: {f.render()}",
                                  "run 'paritrana-rules replay' on it") for f in found]
    if problems:
        raise InputError(problems)
    return tuple(nominations)


def _nomination(path: Path) -> tuple[Nomination | None, list[Finding]]:
    findings: list[Finding] = []
    read = read_ledger(path, findings)
    seal: Mapping[str, Any] = next((d for _, d in reversed(read) if d.get("kind") == "seal"), {})
    rankings = [d for _, d in check_chain(read, findings) if d.get("kind") == "ranking"]
    if findings:
        return None, findings
    if not rankings:
        return None, [Finding("nominations", "it holds no ranking: its rubric declares no 'rank' with 'nominate'")]
    ranking = rankings[-1]
    nominated = tuple(str(p.get("candidate")) for p in ranking.get("placings", ()) if p.get("nominated"))
    return Nomination(str(path), str(seal.get("head")), str(ranking.get("sha256")),
                      dict(ranking.get("rubric") or {}), nominated), []


def nominated_ids(nominations: Iterable[Nomination]) -> frozenset[str]:
    return frozenset(candidate for n in nominations for candidate in n.nominated)
