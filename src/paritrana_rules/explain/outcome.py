"""A result as JSON-ready data: its outcome with the reasons in a language, and its parts.

These are the shapes `score --format json|jsonl|csv` writes and
`Result.to_dict` returns: decimals as strings, keys in a fixed order.
"""

from __future__ import annotations

from typing import Any

from paritrana_rules.evaluate.result import Result, plain_points
from paritrana_rules.explain.explanation import reasons
from paritrana_rules.numeric import plain


def outcome(result: Result, lang: str) -> dict[str, Any]:
    """Who, the total, the status, the stage (when the rubric has stages) and the reasons in `lang`."""
    program = result.program
    return {
        "candidate_id": result.candidate_id,
        "candidate_name": result.candidate_name,
        "total": plain(result.total),
        "status": result.status,
        **({"stage": result.stage, "awaiting": list(program.awaiting)} if result.stage is not None else {}),
        "reasons": reasons(result, lang),
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
