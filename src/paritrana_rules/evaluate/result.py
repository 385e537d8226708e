"""What scoring one candidate produces: the total, the status, every part, and the trace, as plain data.

A `Result` keeps the entries its program's function returned (see
`compile/program.py`); criteria, gates, adjustments, stages and the trace are
laid out from them, through the program's `Layout`, when first asked for, so
that scoring a batch pays only for what it reads.

Reading the criteria is what nearly every caller does, so it costs little
more than picking each criterion's points out of the entries: what is the
same for every candidate (names, parents, weights, where each entry sits) is
worked out once per program, in `CriteriaTable`.

The trace is the record of the derivation: one `TraceStep` per input, let,
criterion, gate, adjustment, advance rule and the total, each with its rubric
location, the values it read and the value it produced. Explanations and audit
records are made from results (in `explain` and `audit`); a result knows
nothing of them.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from paritrana_rules.check.stages import TOTAL
from paritrana_rules.compile.program import (
    AdjustmentStep,
    GateStep,
    LeafStep,
    LetStep,
    ParentStep,
    Program,
    StageStep,
    step_id,
)
from paritrana_rules.data import Panel
from paritrana_rules.numeric import CONTEXT, plain
from paritrana_rules.source import Span

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
class CriterionPlace:
    """Where a criterion sits in its rubric's tree: the same for every candidate a program scores."""

    name: str
    parent: str | None
    weight: Decimal  # within its parent, as a fraction
    path_weight: Decimal  # product of the weights from the top down to it


class CriterionResult:
    """One criterion's result: its place in the tree (shared by all of a program's results) and its points.

    A light, read-only object rather than an attrs class: one is made for every criterion of every
    result whose criteria are read, so making one is only storing two references. It compares, hashes
    and prints by name, parent, weight, points and contribution.
    """

    __slots__ = ("_place", "_points")

    def __init__(self, place: CriterionPlace, points: Decimal) -> None:
        self._place = place
        self._points = points

    @property
    def name(self) -> str:
        return self._place.name

    @property
    def parent(self) -> str | None:
        return self._place.parent

    @property
    def weight(self) -> Decimal:
        """Within its parent, as a fraction."""
        return self._place.weight

    @property
    def points(self) -> Decimal:
        """On the scale, rounded per the rubric."""
        return self._points

    @property
    def contribution(self) -> Decimal:
        """What it adds to the total: the product of the weights down to it × its points (made when read)."""
        return CONTEXT.multiply(self._place.path_weight, self._points)

    def _fields(self) -> tuple[str, str | None, Decimal, Decimal, Decimal]:
        return self.name, self.parent, self.weight, self.points, self.contribution

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CriterionResult) or type(other) is not type(self):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(name={self.name!r}, parent={self.parent!r}, weight={self.weight!r}, "
                f"points={self.points!r}, contribution={self.contribution!r})")

    def __reduce__(self) -> tuple[type[CriterionResult], tuple[CriterionPlace, Decimal]]:
        return type(self), (self._place, self._points)


@attrs.frozen(eq=False)  # one per program: compared by identity, as programs are
class CriteriaTable:
    """A program's criteria in the rubric's order: each one's place, and which entry holds its points."""

    places: tuple[CriterionPlace, ...]
    names: tuple[str, ...]
    entries: tuple[int, ...]  # the index, in the list the program's function returns, of each one's entry
    positions: dict[str, int]  # name -> its position in the rubric's order

    @classmethod
    def of(cls, program: Program) -> CriteriaTable:
        """The criteria known at the program's stage; the entries are in `program.criteria`'s order."""
        start = program.layout.criteria.start
        entry_of = {step.name: start + offset for offset, step in enumerate(program.criteria)}
        places = tuple(CriterionPlace(c.decl.name, c.decl.parent, c.weight, program.path_weights[c.decl.name])
                       for c in program.model.criteria)
        names = tuple(place.name for place in places)
        return cls(places, names, tuple(entry_of[name] for name in names),
                   {name: position for position, name in enumerate(names)})


_TABLES: weakref.WeakKeyDictionary[Program, CriteriaTable] = weakref.WeakKeyDictionary()


def criteria_table(program: Program) -> CriteriaTable:
    """The program's `CriteriaTable`, made on first use and kept for as long as the program lives."""
    table = _TABLES.get(program)
    if table is None:
        table = _TABLES[program] = CriteriaTable.of(program)
    return table


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


@attrs.frozen
class StageResult:
    """An advance rule decided so far: whether the candidate goes on, and its provisional total there (None when
    the rule does not read the total)."""

    name: str
    advanced: bool
    total: Decimal | None


@attrs.frozen(kw_only=True, slots=False)
class Result:
    """The score of one candidate under one rubric (at the stage `program` scores at)."""

    program: Program = attrs.field(eq=False, repr=False)
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
        """Every criterion scored at the program's stage, in the rubric's order."""
        table = criteria_table(self.program)
        return tuple(map(CriterionResult, table.places, self._points_in_order(table)))

    @property
    def points(self) -> dict[str, Decimal]:
        """Each scored criterion's points by name, in the rubric's order: the cheapest way to read them."""
        table = criteria_table(self.program)
        return dict(zip(table.names, self._points_in_order(table), strict=True))

    def _points_in_order(self, table: CriteriaTable) -> list[Decimal]:
        entries = self.entries
        return [entries[index][0] for index in table.entries]

    @functools.cached_property
    def gates(self) -> tuple[GateResult, ...]:
        held = self.entries[self.program.layout.gates]
        return tuple(GateResult(g.name, passed, g.action, g.cap)
                     for g, passed in zip(self.program.gates, held, strict=True))

    @functools.cached_property
    def adjustments(self) -> tuple[AdjustmentResult, ...]:
        applied = self.entries[self.program.layout.adjustments]
        return tuple(AdjustmentResult(a.name, a.kind, applies, amount)
                     for a, (applies, amount) in zip(self.program.adjustments, applied, strict=True))

    @functools.cached_property
    def stages(self) -> tuple[StageResult, ...]:
        """Each advance rule decided so far, in order."""
        decided = self.entries[self.program.layout.stages]
        return tuple(StageResult(step.name, advanced, total)
                     for step, (advanced, total) in zip(self.program.stages, decided, strict=True))

    @property
    def stage(self) -> str | None:
        """The stage the candidate was scored at (None when the rubric declares no stages)."""
        return self.program.stage_name

    @property
    def failed_gates(self) -> tuple[GateResult, ...]:
        return tuple(g for g in self.gates if not g.passed)

    def criterion(self, name: str) -> CriterionResult:
        """One criterion's result by name; KeyError if the rubric has no such criterion."""
        return self.criteria[criteria_table(self.program).positions[name]]

    @functools.cached_property
    def trace(self) -> tuple[TraceStep, ...] | None:
        """Every step of the derivation, or None when scored on the fast path (`trace=False`)."""
        return _trace(self) if self.traced else None


def environment(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the rules read: a jury panel enters them as the one number its scores come to."""
    return {name: v.value if isinstance(v, Panel) else v for name, v in values.items()}


def plain_points(result: Result) -> dict[str, str]:
    """Each scored criterion's points as text, in the rubric's order (what a CSV row shows)."""
    return {name: plain(points) for name, points in result.points.items()}


def _trace(result: Result) -> tuple[TraceStep, ...]:
    """The derivation as `TraceStep`s: every input, let, criterion, gate, adjustment, advance rule and the total."""
    program = result.program
    env = dict(environment(result.inputs))
    steps = [_input_step(program, name, result) for name in (i.spec.name for i in program.model.inputs)]
    points: dict[str, Decimal] = {}
    for step, entry in zip(program.steps, result.entries, strict=False):  # the total's entry follows the steps
        if isinstance(step, LetStep):
            env[step.name] = entry
            steps.append(TraceStep(step_id(step), "let", step.name, step.span, _reads(env, step.reads), entry))
        elif isinstance(step, (LeafStep, ParentStep)):
            points[step.name] = entry[0]
            steps.append(_criterion_step(program, step, entry, env, points))
        elif isinstance(step, GateStep):
            steps.append(TraceStep(step_id(step), "gate", step.name, step.span, _reads(env, step.reads), entry,
                                   (("action", step.action), ("cap", step.cap))))
        elif isinstance(step, StageStep):
            advanced, total = entry  # total: None when the rule does not read it
            reads = tuple((name, total if name == TOTAL else env[name]) for name in step.reads)
            steps.append(TraceStep(step_id(step), "stage", step.name, step.span, reads, advanced,
                                   (("total", total),)))
        else:
            steps.append(_adjustment_step(step, entry, env))
    steps.append(_total_step(result, points))
    return tuple(steps)


def _total_step(result: Result, points: Mapping[str, Decimal]) -> TraceStep:
    program = result.program
    total, weighted, bonuses, penalties, subtotal, cap, capped, limited, _ = result.entries[program.layout.total]
    detail = (("weighted", weighted), ("bonuses", bonuses), ("penalties", penalties), ("subtotal", subtotal),
              ("cap", cap), ("capped", capped), ("limited", limited), ("status", result.status))
    return TraceStep("total", "total", "total", program.model.rubric.span,
                     tuple((f"criterion:{r}", points[r]) for r, _ in program.roots), total, detail)


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
        parts = tuple((child, weight, points[child], part)
                      for (child, weight), part in zip(step.children, weighted, strict=True))
        return TraceStep(step_id(step), "criterion", step.name, step.span,
                         tuple((f"criterion:{c}", p) for c, _, p, _ in parts), value,
                         (*weighting, ("form", "parent"), ("raw", raw), ("parts", parts)))
    value, raw, matched, subject = entry
    detail = (*weighting, ("form", step.form), ("raw", raw), ("matched", matched),
              ("matched_lines", tuple(step.row_spans[i].line for i, _ in matched)), ("subject", subject))
    return TraceStep(step_id(step), "criterion", step.name, step.span, _reads(env, step.reads), value, detail)


def _adjustment_step(step: AdjustmentStep, entry: Any, env: Mapping[str, Any]) -> TraceStep:
    applied, amount = entry
    return TraceStep(step_id(step), step.kind, step.name, step.span, _reads(env, step.reads), amount,
                     (("applied", applied),))


def _reads(env: Mapping[str, Any], names: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    return tuple((name, env[name]) for name in names)
