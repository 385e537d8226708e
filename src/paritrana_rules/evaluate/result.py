"""What scoring one candidate produces: the total, the status, every part, and the trace.

The trace is the record of the derivation: one `TraceStep` per input, let,
criterion, gate, adjustment and the total, each with its rubric location, the
values it read and the value it produced. Explanations are rendered from the
trace alone, never recomputed.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from paritrana_rules.numeric import plain
from paritrana_rules.source import Span

if TYPE_CHECKING:
    from paritrana_rules.evaluate.rubric import CompiledRubric

Status = Literal["eligible", "disqualified", "eliminated", "pending"]


@attrs.frozen
class TraceStep:
    """One step of a derivation.

    `id` is stable across runs ("let:cakupan", "criterion:regulasi", "gate:tanpa_tunggakan",
    "bonus:perda_izin", "total"); `reads` pairs each name read with its value; `detail`
    holds what a reader needs beyond the value: the matched band or table rows, the
    unrounded points, the weighted parts of a parent.
    """

    id: str
    kind: str
    name: str
    span: Span
    reads: tuple[tuple[str, Any], ...]
    value: Any
    detail: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.detail).get(key, default)


@attrs.frozen
class CriterionResult:
    name: str
    parent: str | None
    weight: Decimal  # within its parent, as a fraction
    points: Decimal  # on the scale, rounded per the rubric
    contribution: Decimal  # what it adds to the total: product of weights down to it × points


@attrs.frozen
class GateResult:
    name: str
    passed: bool
    action: str  # "disqualify" or "cap"
    cap: Decimal | None


@attrs.frozen
class AdjustmentResult:
    name: str
    kind: str  # "bonus" or "penalty"
    applied: bool
    points: Decimal


@attrs.frozen(kw_only=True, slots=False)
class Result:
    """The score of one candidate under one rubric.

    It keeps what the rubric's compiled function returned (`entries`); criteria,
    gates, adjustments and the trace are laid out from them when first asked for,
    so that scoring a batch pays only for what it reads.
    """

    rubric: CompiledRubric = attrs.field(eq=False, repr=False)
    candidate_id: str
    candidate_name: str | None
    inputs: dict[str, Any] = attrs.field(hash=False)
    total: Decimal
    status: Status
    entries: list[Any] = attrs.field(hash=False, repr=False)
    defaulted: frozenset[str] = frozenset()
    traced: bool = attrs.field(default=True, eq=False)

    @functools.cached_property
    def criteria(self) -> tuple[CriterionResult, ...]:
        from paritrana_rules.evaluate.scoring import criterion_results

        return criterion_results(self.rubric.program, self.entries)

    @functools.cached_property
    def gates(self) -> tuple[GateResult, ...]:
        from paritrana_rules.evaluate.scoring import gate_results

        return gate_results(self.rubric.program, self.entries)

    @functools.cached_property
    def adjustments(self) -> tuple[AdjustmentResult, ...]:
        from paritrana_rules.evaluate.scoring import adjustment_results

        return adjustment_results(self.rubric.program, self.entries)

    @functools.cached_property
    def stages(self) -> tuple[tuple[str, bool, Decimal | None], ...]:
        """Each advance rule decided so far: the stage, whether the candidate advances, and its provisional total
        there (None when the rule does not read the total)."""
        from paritrana_rules.evaluate.scoring import stage_results

        return stage_results(self.rubric.program, self.entries)

    @property
    def stage(self) -> str | None:
        """The stage the candidate was scored at (None when the rubric declares no stages)."""
        return self.rubric.stage_name

    @functools.cached_property
    def trace(self) -> tuple[TraceStep, ...] | None:
        """Every step of the derivation, or None when scored on the fast path (`trace=False`)."""
        from paritrana_rules.evaluate.scoring import trace_steps

        return trace_steps(self) if self.traced else None

    @property
    def failed_gates(self) -> tuple[GateResult, ...]:
        return tuple(g for g in self.gates if not g.passed)

    def criterion(self, name: str) -> CriterionResult:
        """One criterion's result by name; KeyError if the rubric has no such criterion."""
        for criterion in self.criteria:
            if criterion.name == name:
                return criterion
        raise KeyError(name)

    def reasons(self, lang: str = "en") -> list[str]:
        """Why the candidate is not simply eligible: failed gates, a stage not passed, or what it still waits for."""
        from paritrana_rules.explain.explanation import gate_reason, stage_reasons

        return ([gate_reason(self.rubric.model, g.name, lang) for g in self.failed_gates]
                + [reason for reason, _ in stage_reasons(self, lang)])

    def explain(self, lang: str = "en", format: Literal["text", "markdown"] = "text") -> str:
        """A person-readable derivation in Bahasa Indonesia ("id") or English ("en")."""
        from paritrana_rules.explain.explanation import explain

        return explain(self, lang=lang, format=format)

    def audit(self, prev: str | None = None) -> dict[str, Any]:
        """The audit record (JSON-ready, hashed; schema in docs/audit.schema.json) that `replay` verifies."""
        from paritrana_rules.audit.records import record

        return record(self, prev)

    def summary(self, lang: str = "en") -> dict[str, Any]:
        """The outcome with each criterion's points: what a CSV row or a table shows (cheaper than `to_dict`)."""
        from paritrana_rules.evaluate.scoring import criterion_points

        return {**self._outcome(lang), "points": criterion_points(self.rubric.program, self.entries)}

    def _outcome(self, lang: str) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "candidate_name": self.candidate_name,
            "total": plain(self.total),
            "status": self.status,
            **({"stage": self.stage, "awaiting": list(self.rubric.awaiting)} if self.stage is not None else {}),
            "reasons": self.reasons(lang),
        }

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready: decimals as strings, in a fixed key order; reasons in `lang`."""
        return {
            **self._outcome(lang),
            "criteria": [
                {"name": c.name, "parent": c.parent, "weight": plain(c.weight), "points": plain(c.points),
                 "contribution": plain(c.contribution)}
                for c in self.criteria
            ],
            "gates": [{"name": g.name, "passed": g.passed, "action": g.action} for g in self.gates],
            "adjustments": [
                {"name": a.name, "kind": a.kind, "applied": a.applied, "points": plain(a.points)} for a in self.adjustments
            ],
        }
