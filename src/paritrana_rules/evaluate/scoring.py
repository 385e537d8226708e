"""Evaluation: `Program` x validated inputs -> `Result`, and the trace read back from it.

Scoring runs the rubric's compiled function once (see `compile.py`); its
entries are all a `Result` keeps. The fast path and the traced path are the
same call: a traced result also keeps its entries so that `trace_steps` can lay
them out as `TraceStep`s when an explanation, a test or an audit record asks.

The total is computed in this order: weighted sum of the top-level criteria,
plus bonuses, minus penalties, then the lowest cap of any failed cap gate,
then limited to the scale, then rounded per the rubric.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from paritrana_rules.compile.program import AdjustmentStep, GateStep, LeafStep, LetStep, ParentStep, Program, StageStep
from paritrana_rules.data import Panel
from paritrana_rules.numeric import CONTEXT, exact, plain
from paritrana_rules.evaluate.result import AdjustmentResult, CriterionResult, GateResult, Result, Status, TraceStep
from paritrana_rules.check.stages import TOTAL, last_stage

if TYPE_CHECKING:
    from paritrana_rules.evaluate.rubric import CompiledRubric


@exact
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
    entries = program.run(environment(values) if program.panels else values)
    return Result(rubric=rubric, candidate_id=candidate_id, candidate_name=candidate_name, inputs=dict(values),
                  total=entries[-1][0], status=_status(program, entries), entries=entries, defaulted=defaulted,
                  traced=trace)


def _status(program: Program, entries: list[Any]) -> Status:
    """Disqualified by a gate; else eliminated by a stage's advance rule; else pending later stages, or eligible."""
    if entries[-1][-1]:
        return "disqualified"
    if not all(advanced for advanced, _ in entries[-1 - len(program.stages):-1]):
        return "eliminated"
    return "pending" if program.stage < last_stage(program.model) else "eligible"


def environment(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the rules read: a jury panel enters them as the one number its scores come to."""
    return {name: v.value if isinstance(v, Panel) else v for name, v in values.items()}


def criterion_results(program: Program, entries: list[Any]) -> tuple[CriterionResult, ...]:
    points = {step.name: entry[0] for step, entry in _criteria(program, entries)}
    return tuple(
        CriterionResult(c.decl.name, c.decl.parent, c.weight, points[c.decl.name],
                        CONTEXT.multiply(program.path_weights[c.decl.name], points[c.decl.name]))
        for c in program.model.criteria
    )


def criterion_points(program: Program, entries: list[Any]) -> dict[str, str]:
    """Each scored criterion's points as text, in the rubric's order."""
    points = {step.name: entry[0] for step, entry in _criteria(program, entries)}
    return {c.decl.name: plain(points[c.decl.name]) for c in program.model.criteria}


def gate_results(program: Program, entries: list[Any]) -> tuple[GateResult, ...]:
    offset = len(program.lets) + len(program.criteria)
    return tuple(GateResult(g.name, passed, g.action, g.cap)
                 for g, passed in zip(program.gates, entries[offset:offset + len(program.gates)]))


def adjustment_results(program: Program, entries: list[Any]) -> tuple[AdjustmentResult, ...]:
    offset = len(program.lets) + len(program.criteria) + len(program.gates)
    return tuple(AdjustmentResult(a.name, a.kind, applied, amount)
                 for a, (applied, amount) in zip(program.adjustments, entries[offset:]))


def stage_results(program: Program, entries: list[Any]) -> tuple[tuple[str, bool, Decimal | None], ...]:
    decided = entries[len(entries) - 1 - len(program.stages):-1]
    return tuple((step.name, advanced, total) for step, (advanced, total) in zip(program.stages, decided))


def _criteria(program: Program, entries: list[Any]) -> Iterator[tuple[LeafStep | ParentStep, Any]]:
    offset = len(program.lets)
    return zip(program.criteria, entries[offset:offset + len(program.criteria)])


def trace_steps(result: Result) -> tuple[TraceStep, ...]:
    """The derivation as `TraceStep`s: every input, let, criterion, gate, adjustment and the total."""
    program: Program = result.rubric.program
    env = dict(environment(result.inputs))
    steps = [_input_step(program, name, result) for name in (i.spec.name for i in program.model.inputs)]
    points: dict[str, Decimal] = {}
    for step, entry in zip(program.steps, result.entries):
        if isinstance(step, LetStep):
            env[step.name] = entry
            steps.append(TraceStep(f"let:{step.name}", "let", step.name, step.span, _reads(env, step.reads), entry))
        elif isinstance(step, (LeafStep, ParentStep)):
            points[step.name] = entry[0]
            steps.append(_criterion_step(program, step, entry, env, points))
        elif isinstance(step, GateStep):
            steps.append(TraceStep(f"gate:{step.name}", "gate", step.name, step.span, _reads(env, step.reads), entry,
                                   (("action", step.action), ("cap", step.cap))))
        elif isinstance(step, StageStep):
            advanced, total = entry  # total: None when the rule does not read it
            reads = tuple((name, total if name == TOTAL else env[name]) for name in step.reads)
            steps.append(TraceStep(f"stage:{step.name}", "stage", step.name, step.span, reads, advanced,
                                   (("total", total),)))
        else:
            steps.append(_adjustment_step(step, entry, env))
    total, weighted, bonuses, penalties, subtotal, cap, capped, limited, _ = result.entries[-1]
    detail = (("weighted", weighted), ("bonuses", bonuses), ("penalties", penalties), ("subtotal", subtotal),
              ("cap", cap), ("capped", capped), ("limited", limited), ("status", result.status))
    steps.append(TraceStep("total", "total", "total", program.model.rubric.span,
                           tuple((f"criterion:{r}", points[r]) for r, _ in program.roots), total, detail))
    return tuple(steps)


def _input_step(program: Program, name: str, result: Result) -> TraceStep:
    value = result.inputs[name]
    detail: tuple[tuple[str, Any], ...] = (("defaulted", name in result.defaulted),)
    if isinstance(value, Panel):
        detail += (("rule", value.rule), ("dropped", value.dropped),
                   ("jurors", tuple((s.juror, s.score, s.conflict) for s in value.scores)))
        value = value.value
    decl = next(i.decl for i in program.model.inputs if i.spec.name == name)
    return TraceStep(f"input:{name}", "input", name, decl.span, (), value, detail)


def _criterion_step(program: Program, step: LeafStep | ParentStep, entry: Any, env: Mapping[str, Any],
                    points: Mapping[str, Decimal]) -> TraceStep:
    weighting = (("weight", program.weights[step.name]),
                 ("contribution", CONTEXT.multiply(program.path_weights[step.name], entry[0])))
    if isinstance(step, ParentStep):
        value, raw, weighted = entry
        parts = tuple((child, weight, points[child], part) for (child, weight), part in zip(step.children, weighted))
        return TraceStep(f"criterion:{step.name}", "criterion", step.name, step.span,
                         tuple((f"criterion:{c}", p) for c, _, p, _ in parts), value,
                         (*weighting, ("form", "parent"), ("raw", raw), ("parts", parts)))
    value, raw, matched, subject = entry
    detail = (*weighting, ("form", step.form), ("raw", raw), ("matched", matched),
              ("matched_lines", tuple(step.row_spans[i].line for i, _ in matched)), ("subject", subject))
    return TraceStep(f"criterion:{step.name}", "criterion", step.name, step.span, _reads(env, step.reads), value,
                     detail)


def _adjustment_step(step: AdjustmentStep, entry: Any, env: Mapping[str, Any]) -> TraceStep:
    applied, amount = entry
    return TraceStep(f"{step.kind}:{step.name}", step.kind, step.name, step.span, _reads(env, step.reads), amount,
                     (("applied", applied),))


def _reads(env: Mapping[str, Any], names: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, env[name]) for name in names)
