"""A result as JSON-ready data: its outcome with the reasons in a language, and its parts.

These are the shapes `score --format json|jsonl|csv` writes and
`Result.to_dict` returns: decimals as strings, keys in a fixed order.
"""

from __future__ import annotations

from typing import Any

from paritrana_rules.compile.program import Program
from paritrana_rules.evaluate.result import Result, plain_points
from paritrana_rules.explain.explanation import reasons
from paritrana_rules.numeric import plain


def outcome(result: Result, lang: str) -> dict[str, Any]:
    """Who, the total, the status, the stage (when the rubric has stages) and the reasons in `lang`."""
    return outcome_of(result.program, result.candidate_id, result.candidate_name, plain(result.total), result.status,
                      reasons(result, lang))


def outcome_of(program: Program, candidate_id: str, candidate_name: str | None, total: str, status: str,
               why: list[str]) -> dict[str, Any]:
    """`outcome` from its parts, the total as text: what a batch scored a column at a time builds too."""
    stage = program.stage_name
    return {
        "candidate_id": candidate_id,
        "candidate_name": candidate_name,
        "total": total,
        "status": status,
        **({"stage": stage, "awaiting": list(program.awaiting)} if stage is not None else {}),
        "reasons": why,
    }


def summary(result: Result, lang: str = "en") -> dict[str, Any]:
    """The outcome with each criterion's points: what a CSV row or a table shows (cheaper than `to_dict`)."""
    return {**outcome(result, lang), "points": plain_points(result)}


def to_dict(result: Result, lang: str = "en") -> dict[str, Any]:
    """The outcome with every criterion, gate and adjustment."""
    return {
        **outcome(result, lang),
        "criteria": [
            {"name": c.name, "parent": c.parent, "weight": plain(c.weight), "points": plain(c.points),
             "contribution": plain(c.contribution)}
            for c in result.criteria
        ],
        "gates": [{"name": g.name, "passed": g.passed, "action": g.action} for g in result.gates],
        "adjustments": [
            {"name": a.name, "kind": a.kind, "applied": a.applied, "points": plain(a.points)}
            for a in result.adjustments
        ],
    }
