"""The compiled form of a rubric: a `Program`, its steps, and the layout of the entries its function returns.

A program's `run` computes every step of the derivation in order and returns
one entry per step, then the total. `Layout` is the one place that knows where
each kind of step's entries sit in that list: evaluation, results and audit
records read them by name through it. Entries, in the order of
`Program.steps` followed by the total:

- let: its value;
- leaf criterion: (points, raw points, matched rows as ((row index, row points), ...), band subject or None);
- parent criterion: (points, raw points, (weighted part of each child, ...));
- gate: whether it holds;
- bonus or penalty: (applies, amount);
- stage (an advance rule decided at the stage scored): (advances, provisional total or None);
- total: (total, weighted, bonuses, penalties, subtotal, lowest cap or None, capped, limited, disqualified).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from paritrana_rules.check.model import RubricModel
from paritrana_rules.source import Span

Run = Callable[[Mapping[str, Any]], list[Any]]


@attrs.frozen
class LetStep:
    name: str
    span: Span
    reads: tuple[str, ...]


@attrs.frozen
class LeafStep:
    name: str
    span: Span
    reads: tuple[str, ...]
    form: str  # "expr", "band" or "table"
    row_spans: tuple[Span, ...]


@attrs.frozen
class ParentStep:
    name: str
    span: Span
    children: tuple[tuple[str, Decimal], ...]  # (child, weight as a fraction)


@attrs.frozen
class GateStep:
    name: str
    span: Span
    reads: tuple[str, ...]
    action: str
    cap: Decimal | None


@attrs.frozen
class AdjustmentStep:
    name: str
    kind: str
    span: Span
    reads: tuple[str, ...]


@attrs.frozen
class StageStep:
    """A stage's rule for going on to the next: evaluated with `total` bound to the provisional total there."""

    name: str
    index: int
    span: Span
    reads: tuple[str, ...]


Step = LetStep | LeafStep | ParentStep | GateStep | AdjustmentStep | StageStep


def step_id(step: Step) -> str:
    """The id of a step, as traces and audit records name it: "let:x", "criterion:y", "gate:z", "bonus:w"."""
    if isinstance(step, AdjustmentStep):
        return f"{step.kind}:{step.name}"
    kind = {LetStep: "let", LeafStep: "criterion", ParentStep: "criterion", GateStep: "gate", StageStep: "stage"}
    return f"{kind[type(step)]}:{step.name}"


@attrs.frozen
class Layout:
    """Where each kind of step's entries sit in the list `Program.run` returns; the total's entry is last."""

    lets: slice
    criteria: slice
    gates: slice
    adjustments: slice
    stages: slice
    total: int

    @classmethod
    def of(cls, lets: int, criteria: int, gates: int, adjustments: int, stages: int) -> Layout:
        """The layout of a program with that many steps of each kind, in that order."""
        bounds = [0]
        for count in (lets, criteria, gates, adjustments, stages):
            bounds.append(bounds[-1] + count)
        lets_, criteria_, gates_, adjustments_, stages_ = (slice(a, b) for a, b in itertools.pairwise(bounds))
        return cls(lets_, criteria_, gates_, adjustments_, stages_, total=bounds[-1])


@attrs.frozen(kw_only=True, eq=False)  # a program is itself: compared and hashed by identity
class Program:
    """A rubric compiled to score at one stage: its function (`run`), its steps, and what it knows of the stages."""

    whole: RubricModel  # the rubric as written
    model: RubricModel  # what is known at `stage` (see `stages.model_at`); `whole` at the last stage
    lets: tuple[LetStep, ...]
    criteria: tuple[LeafStep | ParentStep, ...]  # children before parents
    roots: tuple[tuple[str, Decimal], ...]
    parents: dict[str, str | None]  # criterion -> its parent
    weights: dict[str, Decimal]  # criterion -> its weight within its parent, as a fraction
    path_weights: dict[str, Decimal]  # criterion -> product of weights from the top down to it
    gates: tuple[GateStep, ...]
    adjustments: tuple[AdjustmentStep, ...]
    stages: tuple[StageStep, ...]  # the advance rules decided by the stage this program scores at
    stage: int  # the stage it scores at
    final: bool  # whether `stage` is the last: a candidate who passes every rule so far is eligible, not pending
    awaiting: tuple[str, ...]  # the inputs of later stages, which a candidate scored here is still waiting for
    panels: bool  # whether any input is a jury panel (its scores enter the rules as one number)
    layout: Layout
    source: str  # the generated function, for debugging
    run: Run = attrs.field(eq=False, repr=False)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The steps in the order `run` returns their entries (the total comes last)."""
        return (*self.lets, *self.criteria, *self.gates, *self.adjustments, *self.stages)

    @property
    def path(self) -> str:
        return self.whole.source.path

    @property
    def stage_names(self) -> tuple[str, ...]:
        """The stages the rubric declares, in order (empty when it declares none)."""
        return tuple(s.decl.name for s in self.whole.stages)

    @property
    def stage_name(self) -> str | None:
        """The stage this program scores at, when the rubric declares stages."""
        return self.stage_names[self.stage] if self.whole.stages else None

    @property
    def identity(self) -> dict[str, Any]:
        """Award, edition, period, category, sector and round: what a rubric is known by."""
        rubric = self.model.rubric
        return {
            "award": rubric.award, "edition": int(rubric.edition), "period": int(rubric.period),
            "category": self.model.category, "sector": self.model.sector, "round": self.model.round,
        }
