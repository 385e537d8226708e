"""Compiling: `model.RubricModel` -> `Program`, a frozen plan of steps.

Each step keeps its rubric location and the names it reads, and computes its
value with closures from `expressions.py`. Lets come in dependency order and
criteria children before parents, so evaluation is one pass with no lookups
of what to do next. The same Program serves the fast path and the traced path
(`evaluate.py`): they differ only in whether steps are recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs

from . import ast
from .expressions import Env, Evaluator, compile_expr, names_read
from .model import CriterionModel, RubricModel
from .numeric import CONTEXT, add_all
from .source import Span
from .tables import band_row_contains

# A leaf's computation: raw (unrounded) points, the matched rows as (row index, row points),
# and the band's subject value if any.
Matched = tuple[tuple[int, Decimal], ...]
LeafFn = Callable[[Env], tuple[Decimal, Matched, Decimal | None]]


@attrs.frozen
class LetStep:
    name: str
    span: Span
    reads: tuple[str, ...]
    compute: Evaluator


@attrs.frozen
class LeafStep:
    name: str
    span: Span
    reads: tuple[str, ...]
    form: str  # "expr", "band" or "table"
    row_spans: tuple[Span, ...]
    compute: LeafFn


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
    holds: Evaluator


@attrs.frozen
class AdjustmentStep:
    name: str
    kind: str
    span: Span
    reads: tuple[str, ...]
    amount: Evaluator
    applies: Evaluator | None


@attrs.frozen(kw_only=True)
class Program:
    model: RubricModel
    lets: tuple[LetStep, ...]
    criteria: tuple[LeafStep | ParentStep, ...]  # children before parents
    roots: tuple[tuple[str, Decimal], ...]
    parents: dict[str, str | None]  # criterion -> its parent
    weights: dict[str, Decimal]  # criterion -> its weight within its parent, as a fraction
    path_weights: dict[str, Decimal]  # criterion -> product of weights from the top down to it
    gates: tuple[GateStep, ...]
    adjustments: tuple[AdjustmentStep, ...]


def compile_rubric(model: RubricModel) -> Program:
    mode = model.rounding_mode
    lets = tuple(
        LetStep(let.decl.name, let.decl.span, tuple(names_read(let.expr)), compile_expr(let.expr, mode))
        for let in model.lets
    )
    by_name = {c.decl.name: c for c in model.criteria}
    ordered: list[LeafStep | ParentStep] = []
    for root in model.roots:
        _post_order(by_name[root], by_name, mode, ordered)
    gates = tuple(
        GateStep(g.decl.name, g.decl.span, tuple(names_read(g.condition)), g.decl.action, g.decl.cap,
                 compile_expr(g.condition, mode))
        for g in model.gates
    )
    adjustments = tuple(
        AdjustmentStep(
            a.decl.name, a.decl.kind, a.decl.span,
            tuple(dict.fromkeys(names_read(a.amount) + (names_read(a.condition) if a.condition else []))),
            compile_expr(a.amount, mode), compile_expr(a.condition, mode) if a.condition is not None else None,
        )
        for a in model.adjustments
    )
    roots = tuple((r, by_name[r].weight) for r in model.roots)
    parents = {c.decl.name: c.decl.parent for c in model.criteria}
    weights = {c.decl.name: c.weight for c in model.criteria}
    return Program(model=model, lets=lets, criteria=tuple(ordered), roots=roots, parents=parents, weights=weights,
                   path_weights=_path_weights(model), gates=gates, adjustments=adjustments)


def _path_weights(model: RubricModel) -> dict[str, Decimal]:
    by_name = {c.decl.name: c for c in model.criteria}
    weights: dict[str, Decimal] = {}
    pending = [(root, by_name[root].weight) for root in model.roots]
    while pending:
        name, weight = pending.pop()
        weights[name] = weight
        pending.extend((child, CONTEXT.multiply(weight, by_name[child].weight)) for child in by_name[name].children)
    return weights


def _post_order(criterion: CriterionModel, by_name: dict[str, CriterionModel], mode: str,
                out: list[LeafStep | ParentStep]) -> None:
    for child in criterion.children:
        _post_order(by_name[child], by_name, mode, out)
    decl = criterion.decl
    if criterion.children:
        out.append(ParentStep(decl.name, decl.span, tuple((c, by_name[c].weight) for c in criterion.children)))
    else:
        assert criterion.points is not None
        out.append(_leaf(decl, criterion.points, mode))


def _leaf(decl: ast.CriterionDecl, points: ast.Points, mode: str) -> LeafStep:
    match points:
        case ast.PointsExpr(expr):
            value = compile_expr(expr, mode)
            return LeafStep(decl.name, decl.span, tuple(names_read(expr)), "expr", (),
                            lambda env: (value(env), (), None))
        case ast.PointsBand(subject, rows):
            return LeafStep(decl.name, decl.span, _reads(subject, *(r.points for r in rows)), "band",
                            tuple(r.span for r in rows), _band(compile_expr(subject, mode), rows, mode))
        case ast.PointsTable(policy, rows):
            exprs = [e for r in rows for e in (r.condition, r.points) if e is not None]
            return LeafStep(decl.name, decl.span, _reads(*exprs), "table", tuple(r.span for r in rows),
                            _table(policy, rows, mode))
    raise TypeError(points)


def _reads(*exprs: ast.Expr) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for e in exprs for name in names_read(e)))


def _band(subject: Evaluator, rows: tuple[ast.BandRow, ...], mode: str) -> LeafFn:
    bounded = [(i, r, compile_expr(r.points, mode)) for i, r in enumerate(rows) if not r.otherwise]
    fallback = [(i, compile_expr(r.points, mode)) for i, r in enumerate(rows) if r.otherwise]

    def compute(env: Env) -> tuple[Decimal, Matched, Decimal | None]:
        value = subject(env)
        for index, row, points in bounded:
            if band_row_contains(row, value):
                result = points(env)
                return result, ((index, result),), value
        index, points = fallback[0]  # the checker proved a row or otherwise covers every value
        result = points(env)
        return result, ((index, result),), value

    return compute


def _table(policy: str, rows: tuple[ast.TableRow, ...], mode: str) -> LeafFn:
    conditions = [(i, compile_expr(r.condition, mode), compile_expr(r.points, mode))
                  for i, r in enumerate(rows) if r.condition is not None]
    fallback = [(i, compile_expr(r.points, mode)) for i, r in enumerate(rows) if r.condition is None]

    def otherwise(env: Env) -> tuple[Decimal, Matched, None]:
        if fallback:
            index, points = fallback[0]
            result = points(env)
            return result, ((index, result),), None
        return Decimal(0), (), None  # only a sum table may match nothing; the checker rejects gaps elsewhere

    if policy == "first":
        def first(env: Env) -> tuple[Decimal, Matched, None]:
            for index, condition, points in conditions:
                if condition(env):
                    result = points(env)
                    return result, ((index, result),), None
            return otherwise(env)
        return first

    def collect(env: Env) -> tuple[Decimal, Matched, None]:
        matched = tuple((index, points(env)) for index, condition, points in conditions if condition(env))
        if not matched:
            return otherwise(env)
        values = [v for _, v in matched]
        if policy == "sum":
            return add_all(values), matched, None
        if policy == "max":
            return max(values), matched, None
        return values[0], matched[:1], None  # unique: the checker proved at most one row matches

    return collect


