"""Evaluation: `Program` x validated inputs -> `Result`.

One function serves both paths. With `trace=False` (the fast path) it computes
the values only; with `trace=True` it also records a `TraceStep` for every
input, let, criterion, gate, adjustment and the total. The arithmetic is the
same code either way, which is why the two always agree.

The total is computed in this order: weighted sum of the top-level criteria,
plus bonuses, minus penalties, then the lowest cap of any failed cap gate,
then limited to the scale, then rounded per the rubric.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .compile import LeafStep, Program
from .data import Panel
from .numeric import CONTEXT, add_all, round_to
from .result import AdjustmentResult, CriterionResult, GateResult, Result, Status, TraceStep

if TYPE_CHECKING:
    from .api import CompiledRubric


def evaluate(
    rubric: CompiledRubric,
    values: Mapping[str, Any],
    *,
    candidate_id: str,
    candidate_name: str | None = None,
    defaulted: frozenset[str] = frozenset(),
    trace: bool = True,
) -> Result:
    """Score validated inputs (see `data.validate`) under a compiled rubric."""
    program: Program = rubric.program
    model = program.model
    places, mode = model.rounding_places, model.rounding_mode
    # A jury panel enters the rules as the one number its scores come to; the trace keeps every juror.
    env: dict[str, Any] = {name: v.value if isinstance(v, Panel) else v for name, v in values.items()}
    steps: list[TraceStep] | None = [] if trace else None

    if steps is not None:
        for spec, decl in ((i.spec, i.decl) for i in model.inputs):
            detail: tuple[tuple[str, Any], ...] = (("defaulted", spec.name in defaulted),)
            panel = values[spec.name]
            if isinstance(panel, Panel):
                detail += (("rule", panel.rule), ("dropped", panel.dropped),
                           ("jurors", tuple((s.juror, s.score, s.conflict) for s in panel.scores)))
            steps.append(TraceStep(f"input:{spec.name}", "input", spec.name, decl.span, (), env[spec.name], detail))

    for let in program.lets:
        env[let.name] = let.compute(env)
        if steps is not None:
            steps.append(TraceStep(f"let:{let.name}", "let", let.name, let.span, _reads(env, let.reads), env[let.name]))

    points: dict[str, Decimal] = {}
    for step in program.criteria:
        if isinstance(step, LeafStep):
            raw, matched, subject = step.compute(env)
            points[step.name] = round_to(raw, places, mode)
            if steps is not None:
                detail = (*_weighting(program, step.name, points[step.name]), ("form", step.form), ("raw", raw),
                          ("matched", matched),
                          ("matched_lines", tuple(step.row_spans[i].line for i, _ in matched)), ("subject", subject))
                steps.append(TraceStep(f"criterion:{step.name}", "criterion", step.name, step.span,
                                       _reads(env, step.reads), points[step.name], detail))
        else:
            parts = tuple((child, weight, points[child], CONTEXT.multiply(weight, points[child]))
                          for child, weight in step.children)
            raw = add_all(p[3] for p in parts)
            points[step.name] = round_to(raw, places, mode)
            if steps is not None:
                steps.append(TraceStep(f"criterion:{step.name}", "criterion", step.name, step.span,
                                       tuple((f"criterion:{c}", p) for c, _, p, _ in parts), points[step.name],
                                       (*_weighting(program, step.name, points[step.name]), ("form", "parent"),
                                        ("raw", raw), ("parts", parts))))

    gates = []
    for gate in program.gates:
        passed = bool(gate.holds(env))
        gates.append(GateResult(gate.name, passed, gate.action, gate.cap))
        if steps is not None:
            steps.append(TraceStep(f"gate:{gate.name}", "gate", gate.name, gate.span, _reads(env, gate.reads), passed,
                                   (("action", gate.action), ("cap", gate.cap))))

    adjustments = []
    for adjustment in program.adjustments:
        applied = adjustment.applies is None or bool(adjustment.applies(env))
        amount = adjustment.amount(env) if applied else Decimal(0)
        adjustments.append(AdjustmentResult(adjustment.name, adjustment.kind, applied, amount))
        if steps is not None:
            steps.append(TraceStep(f"{adjustment.kind}:{adjustment.name}", adjustment.kind, adjustment.name,
                                   adjustment.span, _reads(env, adjustment.reads), amount, (("applied", applied),)))

    weighted = add_all(CONTEXT.multiply(weight, points[root]) for root, weight in program.roots)
    bonuses = add_all(a.points for a in adjustments if a.kind == "bonus")
    penalties = add_all(a.points for a in adjustments if a.kind == "penalty")
    subtotal = CONTEXT.subtract(CONTEXT.add(weighted, bonuses), penalties)
    caps = [g.cap for g in gates if not g.passed and g.action == "cap" and g.cap is not None]
    cap = min(caps) if caps else None
    capped = min(subtotal, cap) if cap is not None else subtotal
    low, high = model.scale
    limited = min(max(capped, low), high)
    total = round_to(limited, places, mode)
    status: Status = "disqualified" if any(not g.passed and g.action == "disqualify" for g in gates) else "eligible"

    if steps is not None:
        detail = (("weighted", weighted), ("bonuses", bonuses), ("penalties", penalties), ("subtotal", subtotal),
                  ("cap", cap), ("capped", capped), ("limited", limited), ("status", status))
        steps.append(TraceStep("total", "total", "total", model.rubric.span,
                               tuple((f"criterion:{r}", points[r]) for r, _ in program.roots), total, detail))

    criteria = tuple(
        CriterionResult(c.decl.name, c.decl.parent, c.weight, points[c.decl.name],
                        _contribution(program, c.decl.name, points[c.decl.name]))
        for c in model.criteria
    )
    return Result(
        rubric=rubric, candidate_id=candidate_id, candidate_name=candidate_name, inputs=dict(values), total=total,
        status=status, criteria=criteria, gates=tuple(gates), adjustments=tuple(adjustments),
        trace=tuple(steps) if steps is not None else None,
    )


def _contribution(program: Program, name: str, points: Decimal) -> Decimal:
    return CONTEXT.multiply(program.path_weights[name], points)


def _weighting(program: Program, name: str, points: Decimal) -> tuple[tuple[str, Any], ...]:
    return (("weight", program.weights[name]), ("contribution", _contribution(program, name, points)))


def _reads(env: Mapping[str, Any], names: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, env[name]) for name in names)
