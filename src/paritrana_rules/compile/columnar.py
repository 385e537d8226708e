"""A second back end: a compiled `Program` run over whole columns of candidates at once (numpy, the `columnar` extra).

It computes what the scalar function of `codegen` computes, step for step in
the same order, on arrays of candidates, and gives the same numbers to the
last digit, in exact arithmetic (`column_values`: scaled integers and exact
fractions). A construct it does not compute raises `Unsupported` when the
program is compiled (`columns`), and the rubric is scored by the scalar path;
a row whose numbers it cannot keep exact is marked in `Scores.scalar`, and the
caller scores that row with the scalar path.

Members are integer codes into the input's members (a text input's members
are the texts its rows give), sets are bit masks, a jury panel the number its
scores come to. Rubrics with sets of more than 63 members are `Unsupported`.
Only what batch outputs show is returned (`Scores`): totals, points, gates,
adjustments applied, the advance rules and their provisional totals; the full
trace stays the scalar path's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

try:
    import numpy as np
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise ImportError("the columnar back end needs numpy: pip install 'paritrana-rules[columnar]'") from error

from paritrana_rules.check.chains import chain, is_chain
from paritrana_rules.check.model import CriterionModel, RubricModel
from paritrana_rules.check.stages import TOTAL, model_at
from paritrana_rules.compile.column_values import (
    MAX_MEMBERS_IN_SET,
    Array,
    Bits,
    Codes,
    Column,
    Exact,
    Fixed,
    MemberName,
    Numeric,
    Quotient,
    Unsupported,
)
from paritrana_rules.compile.program import Program
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read
from paritrana_rules.source import Span


@attrs.frozen
class Scores:
    """What a batch output shows of each row, as columns; rows marked in `scalar` hold no meaningful values."""

    size: int
    scale: int  # the rounding places: totals and points are scaled integers at this scale
    total: Array
    points: dict[str, Array]  # criterion -> its points, in the program's criteria order
    gates: dict[str, Array]  # gate -> whether it holds
    applied: dict[str, Array]  # "bonus:name" / "penalty:name" -> whether it applies
    advanced: dict[str, Array]  # stage -> whether its advance rule passed
    provisional: dict[str, Array | None]  # stage -> the provisional total there (scale `scale`), if computed
    disqualified: Array
    values: dict[str, Column]  # every input and let, for grouping and placing conditions
    scalar: Array  # rows to score with the scalar path instead


class ColumnProgram:
    """A program ready to run over columns; `columns(program)` makes one or raises `Unsupported`."""

    def __init__(self, program: Program) -> None:
        self.program = program
        _supported_inputs(program.model)

    def run(self, inputs: Mapping[str, Column], size: int) -> Scores:
        """Score `size` rows given one column per input (see `column_of` for each kind's column)."""
        return _Run(self.program, inputs, size).scores()

    def conditions(self, scores: Scores, conditions: Sequence[ast.Expr]) -> list[Array]:
        """Yes/no expressions over a run's inputs and lets (a placing's `when`), per row; rows they cannot be
        decided for are added to `scores.scalar`."""
        run = _Run(self.program, scores.values, scores.size)
        decided = [run.boolean(condition) for condition in conditions]
        scores.scalar[run.scalar] = True
        return decided

    def check(self) -> None:
        """Raise `Unsupported` if any construct of the program cannot be computed here: one row of defaults
        runs through every expression, and the kinds of values, not the numbers, decide."""
        sample = {spec.name: _sample(spec.kind, spec.members) for spec in (i.spec for i in self.program.model.inputs)}
        self.run(sample, 1)


def columns(program: Program) -> ColumnProgram:
    """The column back end for `program`; `Unsupported` says which construct keeps it on the scalar path."""
    compiled = ColumnProgram(program)
    compiled.check()
    return compiled


def _supported_inputs(model: RubricModel) -> None:
    """Sets must fit a bit mask."""
    for item in model.inputs:
        spec = item.spec
        if spec.kind == "set_of" and len(spec.members) > MAX_MEMBERS_IN_SET:
            raise Unsupported(f"input {spec.name}", f"a set of more than {MAX_MEMBERS_IN_SET} members",
                              item.decl.span)


def _sample(kind: str, members: tuple[str, ...]) -> Column:
    if kind in ("number", "count", "panel"):
        return Fixed(np.zeros(1, dtype=np.int64), 0, 0)
    if kind == "bool":
        return np.zeros(1, dtype=bool)
    if kind in ("one_of", "text"):
        return Codes(np.zeros(1, dtype=np.int64), members or ("",))
    return Bits(np.zeros(1, dtype=np.int64), members)


# ------------------------------------------------------------------ evaluation


class _Run(Exact):
    """One run of a program over `size` rows, step by step as `codegen._Writer` writes the scalar function."""

    def __init__(self, program: Program, inputs: Mapping[str, Column], size: int) -> None:
        super().__init__(size, program.model.rounding_mode)
        self.program, self.model = program, program.model
        self.env: dict[str, Column] = dict(inputs)
        self.criteria = {c.decl.name: c for c in self.model.criteria}
        self.places = self.model.rounding_places

    def scores(self) -> Scores:
        for let in self.model.lets:
            self.env[let.decl.name] = self.expr(let.expr)
        points: dict[str, Fixed] = {}
        for root in self.model.roots:
            self.criterion(self.criteria[root], points)
        gates = {g.decl.name: self.boolean(g.condition) for g in self.model.gates}
        applied: dict[str, Array] = {}
        amounts: dict[str, Numeric] = {}
        for item in self.model.adjustments:
            key = f"{item.decl.kind}:{item.decl.name}"
            applies = self.boolean(item.condition) if item.condition is not None else np.ones(self.size, dtype=bool)
            applied[key] = applies
            amounts[key] = self.pick(applies, self.numeric(item.amount), self.constant(Decimal(0)))
        advanced, provisional = self.stages(points, gates, amounts)
        total = self.total(self.model, points, gates, amounts)
        disqualified = np.zeros(self.size, dtype=bool)
        for gate in self.model.gates:
            if gate.decl.action == "disqualify":
                disqualified |= ~gates[gate.decl.name]
        order = [step.name for step in self.program.criteria]
        return Scores(self.size, self.places, total, {name: points[name].ints for name in order}, gates, applied,
                      advanced, provisional, disqualified, self.env, self.scalar)

    # ---------------------------------------------------------- criteria

    def criterion(self, criterion: CriterionModel, points: dict[str, Fixed]) -> None:
        """A criterion's points, its children's first (the scalar function's order: children before parents)."""
        for child in criterion.children:
            self.criterion(self.criteria[child], points)
        if criterion.children:
            points[criterion.decl.name] = self.weighted_sum(criterion, points)
            return
        match criterion.points:
            case ast.PointsExpr(expr):
                raw = self.numeric(expr)
            case ast.PointsBand(subject, rows):
                raw = self.band(self.numeric(subject), rows, criterion.decl.span)
            case ast.PointsTable(policy, rows) as table:
                raw = self.table(policy, rows)
                if table.limit is not None:
                    raw = self.kept(raw, table.limit)
        points[criterion.decl.name] = self.rounded(raw, self.places)

    def weighted_sum(self, criterion: CriterionModel, points: Mapping[str, Fixed]) -> Fixed:
        """A parent's points: its children's weighted points added up, then rounded."""
        parts: list[Numeric] = [self.times(self.constant(self.criteria[c].weight), points[c])
                                for c in criterion.children]
        return self.rounded(self.add_up(parts), self.places)

    def band(self, subject: Numeric, rows: tuple[ast.BandRow, ...], span: Span) -> Numeric:
        choices: list[tuple[Array, ast.Expr]] = []
        for row in rows:
            if row.otherwise:
                continue
            holds = np.ones(self.size, dtype=bool)
            if row.lower is not None:
                holds &= self.compare(">=" if row.lower_inclusive else ">", subject, self.constant(row.lower))
            if row.upper is not None:
                holds &= self.compare("<=" if row.upper_inclusive else "<", subject, self.constant(row.upper))
            choices.append((holds, row.points))
        fallback = next((r.points for r in rows if r.otherwise), None)
        return self.first_that_holds(choices, fallback)

    def table(self, policy: str, rows: tuple[ast.TableRow, ...]) -> Numeric:
        conditions = [(self.boolean(r.condition), r.points) for r in rows if r.condition is not None]
        fallback = next((r.points for r in rows if r.condition is None), None)
        if policy in ("first", "unique"):  # unique: the checker proved at most one row holds
            return self.first_that_holds(conditions, fallback)
        zero = self.constant(Decimal(0))
        matched = np.zeros(self.size, dtype=bool)
        combined: Numeric = zero
        for holds, points in conditions:
            value = self.numeric(points)
            if policy == "sum":
                combined = self.add(combined, self.pick(holds, value, zero))
            else:  # max: the largest of the rows that hold
                combined = self.pick(holds & (~matched | self.compare(">", value, combined)), value, combined)
            matched |= holds
        nothing = self.numeric(fallback) if fallback is not None else zero
        return self.pick(matched, combined, nothing)

    def kept(self, value: Numeric, limit: ast.SumLimit) -> Numeric:
        """`value` kept within a sum table's limit, as `codegen._Writer.kept` does."""
        if limit.low is not None:
            low = self.constant(limit.low)
            value = self.pick(self.compare("<", value, low), low, value)
        high = self.constant(limit.high)
        return self.pick(self.compare(">", value, high), high, value)

    def first_that_holds(self, choices: list[tuple[Array, ast.Expr]], fallback: ast.Expr | None) -> Numeric:
        """The points of the first choice that holds; else the fallback's (a band without one is proved to cover
        every value by the checker: a row it does not is left to the scalar path)."""
        if fallback is not None:
            result = self.numeric(fallback)
        else:
            result = self.constant(Decimal(0))
            uncovered = np.ones(self.size, dtype=bool)
            for holds, _ in choices:
                uncovered &= ~holds
            self.scalar |= uncovered
        for holds, points in reversed(choices):
            result = self.pick(holds, self.numeric(points), result)
        return result

    # ---------------------------------------------------------- the total and the stages

    def total(self, model: RubricModel, points: Mapping[str, Fixed], gates: Mapping[str, Array],
              amounts: Mapping[str, Numeric]) -> Array:
        """Weighted roots, plus bonuses, minus penalties, capped, limited to the scale, unless a failed gate sets the
        total, rounded (scale `places`)."""
        weighted = self.add_up([self.times(self.constant(self.criteria[r].weight), points[r]) for r in model.roots])
        kinds = {}
        for kind in ("bonus", "penalty"):
            kinds[kind] = self.add_up([amounts[f"{kind}:{a.decl.name}"] for a in model.adjustments
                                       if a.decl.kind == kind])
        subtotal = self.sub(self.add(weighted, kinds["bonus"]), kinds["penalty"])
        capped = subtotal
        for gate in model.gates:  # the lowest cap of the failed gates: min() of each in turn gives the same
            if gate.decl.action == "cap" and gate.decl.cap is not None:
                cap = self.constant(gate.decl.cap)
                capped = self.pick(~gates[gate.decl.name] & self.compare("<", cap, capped), cap, capped)
        low, high = (self.constant(bound) for bound in model.scale)
        limited = self.pick(self.compare("<", capped, low), low, capped)
        limited = self.pick(self.compare(">", limited, high), high, limited)
        # the totals failed gates set, highest first: the lowest of them is the one left, as in codegen
        for given, name in sorted(((g.decl.total, g.decl.name) for g in model.gates if g.decl.total is not None),
                                  reverse=True):
            limited = self.pick(~gates[name], self.constant(given), limited)
        return self.rounded(limited, self.places).ints

    def stages(self, points: Mapping[str, Fixed], gates: Mapping[str, Array],
               amounts: Mapping[str, Numeric]) -> tuple[dict[str, Array], dict[str, Array | None]]:
        """Each advance rule decided at this program's stage, with `total` bound to the provisional total there
        (computed for a rule that reads it or a stage that cuts), as `codegen._Writer.advance` does."""
        advanced: dict[str, Array] = {}
        provisional: dict[str, Array | None] = {}
        for step in self.program.stages:
            stage = self.model.stages[step.index]
            name = stage.decl.name
            if not stage.decl.cuts and (stage.advance is None or TOTAL not in names_read(stage.advance)):
                provisional[name] = None
            else:
                total = self.stage_total(step.index, points, gates, amounts)
                provisional[name] = total
                self.env[TOTAL] = Fixed.of(total, self.places)
            advanced[name] = self.boolean(stage.advance) if stage.advance is not None \
                else np.ones(self.size, dtype=bool)
            self.env.pop(TOTAL, None)
        return advanced, provisional

    def stage_total(self, index: int, points: Mapping[str, Fixed], gates: Mapping[str, Array],
                    amounts: Mapping[str, Numeric]) -> Array:
        """The provisional total at stage `index`: parents whose children are all known keep their points."""
        known = model_at(self.model, index)
        at_stage = dict(points)
        by_name = {c.decl.name: c for c in known.criteria}
        summed_again: set[str] = set()
        for criterion in _post_order(known, by_name):
            name = criterion.decl.name
            if criterion.children != self.criteria[name].children or summed_again.intersection(criterion.children):
                summed_again.add(name)
                parts: list[Numeric] = [self.times(self.constant(self.criteria[c].weight), at_stage[c])
                                        for c in criterion.children]
                at_stage[name] = self.rounded(self.add_up(parts), self.places)
        return self.total(known, at_stage, gates, amounts)

    # ---------------------------------------------------------- expressions

    def expr(self, expr: ast.Expr) -> Column:
        try:
            return self.node(expr)
        except Unsupported as refused:  # located at the innermost expression that has a place
            raise refused.at(getattr(expr, "span", None)) from None

    def node(self, expr: ast.Expr) -> Column:
        match expr:
            case ast.Number(value):
                return self.constant(value)
            case ast.Bool(value):
                return np.full(self.size, value, dtype=bool)
            case ast.Member(member) | ast.String(member):
                return MemberName(member)
            case ast.Name(identifier):
                return self.env[identifier]
            case ast.Unary("not", operand):
                return ~self.boolean(operand)
            case ast.Unary("-", operand):
                return self.negate(self.numeric(operand))
            case ast.SetLiteral(members):
                return frozenset(m.id for m in members)
            case ast.Binary() if is_chain(expr):
                return self.run_of(expr)
            case ast.Binary(op, left, right):
                return self.binary(op, left, right, expr.span)
            case ast.IfThenElse(condition, then, otherwise):
                return self.select(self.boolean(condition), self.expr(then), self.expr(otherwise))
            case ast.Call(func, args):
                return self.call(func, args, expr.span)
        raise Unsupported(type(expr).__name__, "not computed on columns", getattr(expr, "span", None))

    def boolean(self, expr: ast.Expr) -> Array:
        value = self.expr(expr)
        if not isinstance(value, np.ndarray) or value.dtype != bool:
            raise Unsupported("condition", "it is not a yes/no value", getattr(expr, "span", None))
        return value

    def numeric(self, expr: ast.Expr) -> Numeric:
        value = self.expr(expr)
        if not isinstance(value, Fixed | Quotient):
            raise Unsupported("number", "it is not a number", getattr(expr, "span", None))
        return value

    def run_of(self, expr: ast.Binary) -> Column:
        """A run of one operator family (`a + b - c`, `p and q`) in a loop, as the scalar path reads it."""
        first, links = chain(expr)
        value = self.expr(first)
        for link in links:
            right = self.expr(link.right)
            if link.op in ("and", "or"):
                if not isinstance(value, np.ndarray) or not isinstance(right, np.ndarray):
                    raise Unsupported(f"operator {link.op}", "its operands are not yes/no values", link.span)
                value = value & right if link.op == "and" else value | right
            elif not isinstance(value, Fixed | Quotient) or not isinstance(right, Fixed | Quotient):
                raise Unsupported(f"operator {link.op}", "its operands are not numbers", link.span)
            else:
                value = self.arithmetic(link, value, right)
        return value

    def arithmetic(self, link: ast.Binary, a: Numeric, b: Numeric) -> Numeric:
        if link.op == "+":
            return self.add(a, b)
        if link.op == "-":
            return self.sub(a, b)
        if link.op == "*":
            return self.multiply(a, b, link)
        return self.divide(a, b, link, check_zero=True)

    def binary(self, op: str, left: ast.Expr, right: ast.Expr, span: Span) -> Column:
        if op in ("in", "not in"):
            found = self.member_in(self.expr(left), self.expr(right), span)
            return found if op == "in" else ~found
        a, b = self.expr(left), self.expr(right)
        if op in ("=", "is", "!=", "is not"):
            same = self.equal(a, b, span)
            return same if op in ("=", "is") else ~same
        if not isinstance(a, Fixed | Quotient) or not isinstance(b, Fixed | Quotient):
            raise Unsupported(f"operator {op}", "its operands are not numbers", span)
        return self.compare(op, a, b)

    def call(self, func: str, args: tuple[ast.Expr, ...], span: Span) -> Column:
        if func in ("min", "max"):
            values = [self.numeric(a) for a in args]
            result = values[0]
            for value in values[1:]:  # min(a, b, c) keeps the first of equal values, as Python's min does
                result = self.pick(self.compare("<" if func == "min" else ">", value, result), value, result)
            return result
        if func == "clamp":
            value, low, high = (self.numeric(a) for a in args)
            value = self.pick(self.compare(">", low, value), low, value)  # max(value, low)
            return self.pick(self.compare("<", high, value), high, value)  # min(that, high)
        if func == "round":
            return self.rounded(self.numeric(args[0]), int(args[1].value))  # type: ignore[union-attr]
        if func == "ratio":
            numerator, denominator, if_zero = (self.numeric(a) for a in args)
            zero = self.is_zero(denominator)
            quotient = self.divide(numerator, denominator, ast.Binary("/", args[0], args[1], span), check_zero=False)
            return self.pick(zero, if_zero, quotient)
        if func == "count_of":
            counted = self.expr(args[0])
            if not isinstance(counted, Bits):
                raise Unsupported("count_of", "it counts something other than a set input", span)
            return Fixed(np.bitwise_count(counted.bits).astype(np.int64), 0, MAX_MEMBERS_IN_SET)
        raise Unsupported(f"function {func}", "not computed on columns", span)

    # ---------------------------------------------------------- members and sets

    def member_in(self, item: Column, collection: Column, span: Span) -> Array:
        if isinstance(item, MemberName) and isinstance(collection, Bits):
            bit = _bit(collection.members, item.name, span)
            return (collection.bits & bit) != 0
        if isinstance(item, Codes) and isinstance(collection, frozenset):
            wanted = [item.members.index(m) for m in collection if m in item.members]
            return np.isin(item.codes, wanted)
        raise Unsupported("'in'", "only a member in a set input, or a one-of input in a set of members", span)

    def equal(self, a: Column, b: Column, span: Span) -> Array:
        if isinstance(a, MemberName) and isinstance(b, Codes):
            a, b = b, a
        if isinstance(a, Codes) and isinstance(b, MemberName):
            return a.codes == (a.members.index(b.name) if b.name in a.members else -1)
        if isinstance(a, Codes) and isinstance(b, Codes) and a.members == b.members:
            return a.codes == b.codes
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            return a == b
        if isinstance(a, Fixed | Quotient) and isinstance(b, Fixed | Quotient):
            return self.compare("=", a, b)
        raise Unsupported("'='", "these two kinds of values are compared row by row", span)


def _bit(members: tuple[str, ...], member: str, span: Span) -> int:
    if member not in members:
        return 0
    return 1 << members.index(member)


def _post_order(model: RubricModel, by_name: dict[str, CriterionModel]) -> list[CriterionModel]:
    ordered: list[CriterionModel] = []
    pending = [(by_name[r], False) for r in reversed(model.roots)]
    while pending:
        criterion, expanded = pending.pop()
        if expanded:
            ordered.append(criterion)
            continue
        pending.append((criterion, True))
        pending.extend((by_name[c], False) for c in reversed(criterion.children))
    return ordered



def statuses(program: Program, scores: Scores) -> Array:
    """Each row's status, as `evaluate.scoring` decides it."""
    advanced = np.ones(scores.size, dtype=bool)
    for passed in scores.advanced.values():
        advanced &= passed
    return np.where(scores.disqualified, "disqualified",
                    np.where(~advanced, "eliminated", "eligible" if program.final else "pending"))
