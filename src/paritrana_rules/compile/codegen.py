"""Code generation: a checked `RubricModel` -> a `Program`, one straight-line Python function per rubric.

The function computes every step of the derivation in order (lets, criteria
with children before parents, gates, bonuses and penalties, the advance rules,
the total) over local variables, and returns one entry per step, laid out as
`program.Layout` says. The fast path and the traced path run this same
function; they differ only in whether the result keeps those entries, which is
why the two always agree.

The source holds no rubric text (see `language/expressions.py`); it can be read
with `Program.source` when debugging. `run` must be called under
`numeric.exact`, as `evaluate.scoring.evaluate` does.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from paritrana_rules.check.chains import chain, is_chain
from paritrana_rules.check.model import CriterionModel, RubricModel, StageModel
from paritrana_rules.check.stages import TOTAL, inputs_after, last_stage, model_at
from paritrana_rules.compile.program import (
    AdjustmentStep,
    GateStep,
    LeafStep,
    LetStep,
    Layout,
    ParentStep,
    Program,
    StageStep,
)
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import Emitter, names_read
from paritrana_rules.numeric import CONTEXT, add_all


def compile_rubric(whole: RubricModel, stage: int | None = None) -> Program:
    """The program scoring at `stage` (default: the last), for the model as `stages.model_at` gives it there."""
    model = whole if stage is None else model_at(whole, stage)
    stage = last_stage(whole) if stage is None else stage
    by_name = {c.decl.name: c for c in model.criteria}
    ordered: list[CriterionModel] = []
    for root in model.roots:
        _post_order(by_name[root], by_name, ordered)
    deciding = [(index, s) for index, s in enumerate(model.stages[:stage + 1])
                if (s.advance is not None or s.decl.cuts) and index < last_stage(model)]
    writer = _Writer(model)
    source = writer.function(ordered, deciding)
    namespace = writer.emitter.namespace
    exec(compile(source, f"<rubric {model.source.path}>", "exec"), namespace)  # generated source: no rubric text
    stages = tuple(StageStep(s.decl.name, index, s.decl.span,
                             tuple(names_read(s.advance)) if s.advance is not None else ())
                   for index, s in deciding)
    return Program(
        whole=whole,
        model=model,
        lets=tuple(LetStep(let.decl.name, let.decl.span, tuple(names_read(let.expr))) for let in model.lets),
        criteria=tuple(_step(c, by_name) for c in ordered),
        roots=tuple((r, by_name[r].weight) for r in model.roots),
        parents={c.decl.name: c.decl.parent for c in model.criteria},
        weights={c.decl.name: c.weight for c in model.criteria},
        path_weights=_path_weights(model),
        gates=tuple(GateStep(g.decl.name, g.decl.span, tuple(names_read(g.condition)), g.decl.action, g.decl.cap)
                    for g in model.gates),
        adjustments=tuple(AdjustmentStep(a.decl.name, a.decl.kind, a.decl.span,
                                         _adjustment_reads(a.amount, a.condition))
                          for a in model.adjustments),
        panels=any(i.spec.kind == "panel" for i in model.inputs),
        stages=stages,
        stage=stage,
        final=stage == last_stage(whole),
        awaiting=inputs_after(whole, stage),
        layout=Layout.of(len(model.lets), len(ordered), len(model.gates), len(model.adjustments), len(stages)),
        source=source,
        run=namespace["score"],
    )


def _post_order(criterion: CriterionModel, by_name: dict[str, CriterionModel], out: list[CriterionModel]) -> None:
    for child in criterion.children:
        _post_order(by_name[child], by_name, out)
    out.append(criterion)


def _step(criterion: CriterionModel, by_name: dict[str, CriterionModel]) -> LeafStep | ParentStep:
    decl = criterion.decl
    if criterion.children:
        return ParentStep(decl.name, decl.span, tuple((c, by_name[c].weight) for c in criterion.children))
    match criterion.points:
        case ast.PointsExpr(expr):
            return LeafStep(decl.name, decl.span, tuple(names_read(expr)), "expr", ())
        case ast.PointsBand(subject, rows):
            return LeafStep(decl.name, decl.span, _reads(subject, *(r.points for r in rows)), "band",
                            tuple(r.span for r in rows))
        case ast.PointsTable(_, rows):
            exprs = [e for r in rows for e in (r.condition, r.points) if e is not None]
            return LeafStep(decl.name, decl.span, _reads(*exprs), "table", tuple(r.span for r in rows))
    raise TypeError(criterion.points)


def _reads(*exprs: ast.Expr) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for e in exprs for name in names_read(e)))


def _adjustment_reads(amount: ast.Expr, condition: ast.Expr | None) -> tuple[str, ...]:
    return _reads(amount, *([condition] if condition is not None else []))


def _path_weights(model: RubricModel) -> dict[str, Decimal]:
    by_name = {c.decl.name: c for c in model.criteria}
    weights: dict[str, Decimal] = {}
    pending = [(root, by_name[root].weight) for root in model.roots]
    while pending:
        name, weight = pending.pop()
        weights[name] = weight
        pending.extend((child, CONTEXT.multiply(weight, by_name[child].weight)) for child in by_name[name].children)
    return weights


# Terms added up in one line of generated code (see `_Writer.add_up`).
_TERMS_PER_LINE = 100


class _RunEmitter(Emitter):
    """Writes a run of one operator family (`a + b - c`, `p and q and r`) inside one pair of brackets.

    Python reads `(a + b - c)` as the same tree as `((a + b) - c)`, and `and` and `or` give the same
    value flat as nested, so only real nesting opens brackets, of which Python accepts 200: a sum of
    hundreds of terms compiles. The operators of a run are spelt alike in both languages.
    """

    def expr(self, expr: ast.Expr, name: Callable[[str], str]) -> str:
        if not isinstance(expr, ast.Binary) or not is_chain(expr):
            return super().expr(expr, name)
        first, links = chain(expr)
        words = [self.expr(first, name), *(f"{link.op} {self.expr(link.right, name)}" for link in links)]
        return f"({' '.join(words)})"


class _Uncovered(AssertionError):
    """A band left a value uncovered: the checker proves this cannot happen for a checked rubric."""


def _uncovered(criterion: str) -> None:
    raise _Uncovered(f"no band row of {criterion} covers the value")


class _Writer:
    """Writes the source of one rubric's function, step by step."""

    def __init__(self, model: RubricModel) -> None:
        self.model = model
        self.emitter = _RunEmitter(model.rounding_mode)
        self.emitter.namespace.update(_ZERO=Decimal(0), _add_all=add_all, _uncovered=_uncovered)
        self.criteria = {c.decl.name: c for c in model.criteria}
        self.lines: list[str] = []
        self.locals: dict[str, str] = {}  # input or let name -> its local variable
        self.entries: list[str] = []  # source of each returned entry

    def function(self, criteria: list[CriterionModel], deciding: list[tuple[int, StageModel]]) -> str:
        self.lines.append("def score(env):")
        for index, spec in enumerate(i.spec for i in self.model.inputs):
            self.locals[spec.name] = f"i{index}"
            self.emit(f"i{index} = env[{self.emitter.constant(spec.name)}]")
        for index, let in enumerate(self.model.lets):
            self.emit(f"l{index} = {self.expr(let.expr)}")
            self.locals[let.decl.name] = f"l{index}"
            self.entries.append(f"l{index}")
        points = {c.decl.name: f"p{index}" for index, c in enumerate(criteria)}
        for index, criterion in enumerate(criteria):
            self.criterion(index, criterion, points)
        gates = {g.decl.name: self.gate(index, g.condition) for index, g in enumerate(self.model.gates)}
        amounts: dict[tuple[str, str], str] = {(a.decl.kind, a.decl.name): self.adjustment(index, a.amount, a.condition)
                   for index, a in enumerate(self.model.adjustments)}
        for index, stage in deciding:
            self.advance(index, stage, points, gates, amounts)
        total = self.total(self.model, points, gates, amounts, "")
        failing = [f"not {gates[g.decl.name]}" for g in self.model.gates if g.decl.action == "disqualify"]
        self.emit(f"disqualified = {' or '.join(failing) or 'False'}")
        self.entries.append(f"({total}, weighted, bonus, penalty, subtotal, cap, capped, limited, disqualified)")
        self.emit(f"return [{', '.join(self.entries)}]")
        return "\n".join(self.lines) + "\n"

    def advance(self, index: int, stage: StageModel, points: dict[str, str], gates: dict[str, str],
                amounts: dict[tuple[str, str], str]) -> None:
        """A stage's advance rule, with `total` bound to the provisional total of what is known at that stage
        (computed only for a rule that reads it, or a stage that cuts by rank; the entry holds None otherwise).
        A stage with only `advance top N` lets everyone pass its rule: the cut is made across candidates.

        That total is computed as `stages.model_at` restricts the rubric: parents
        whose children are all known reuse their points; the others are summed again
        over the children known by then.
        """
        if not stage.decl.cuts and (stage.advance is None or TOTAL not in names_read(stage.advance)):
            self.emit(f"advanced{index} = bool({self.expr(stage.advance) if stage.advance is not None else 'True'})")
            self.entries.append(f"(advanced{index}, None)")
            return
        known = model_at(self.model, index)
        at_stage = dict(points)
        by_name = {c.decl.name: c for c in known.criteria}
        ordered: list[CriterionModel] = []
        for root in known.roots:
            _post_order(by_name[root], by_name, ordered)
        for position, criterion in enumerate(ordered):
            name = criterion.decl.name
            if criterion.children != self.criteria[name].children or any(
                    at_stage[c] != points[c] for c in criterion.children):
                at_stage[name] = f"q{index}_{position}"
                self.weighted_sum(criterion, at_stage, f"{index}_{position}", at_stage[name])
        total = self.total(known, at_stage, gates, amounts, f"t{index}_")
        self.locals[TOTAL] = total
        self.emit(f"advanced{index} = bool({self.expr(stage.advance) if stage.advance is not None else 'True'})")
        del self.locals[TOTAL]
        self.entries.append(f"(advanced{index}, {total})")

    def emit(self, line: str, depth: int = 1) -> None:
        self.lines.append("    " * depth + line)

    def expr(self, expr: ast.Expr) -> str:
        return self.emitter.expr(expr, self.locals.__getitem__)

    def rounded(self, value: str) -> str:
        return self.emitter.quantize(value, self.model.rounding_places)

    def criterion(self, index: int, criterion: CriterionModel, points: dict[str, str]) -> None:
        raw, point = f"r{index}", points[criterion.decl.name]
        if criterion.children:
            self.weighted_sum(criterion, points, f"{index}", point)
            parts = "".join(f"w{index}_{n}, " for n in range(len(criterion.children)))
            self.entries.append(f"({point}, {raw}, ({parts}))")
            return
        matched, subject = f"m{index}", f"s{index}"
        match criterion.points:
            case ast.PointsExpr(expr):
                self.emit(f"{raw} = {self.expr(expr)}")
                self.emit(f"{matched} = ()")
                subject = "None"
            case ast.PointsBand(expr, rows):
                self.emit(f"{subject} = {self.expr(expr)}")
                self.band(rows, subject, raw, matched, criterion.decl.name)
            case ast.PointsTable(policy, rows) as table:
                self.table(policy, rows, raw, matched)
                if table.limit is not None:
                    self.emit(f"{raw} = {self.kept(raw, table.limit)}")
                subject = "None"
        self.emit(f"{point} = {self.rounded(raw)}")
        self.entries.append(f"({point}, {raw}, {matched}, {subject})")

    def kept(self, value: str, limit: ast.SumLimit) -> str:
        """`value` kept within a sum table's limit: raised to its lower one if any, lowered to its upper one."""
        if limit.low is not None:
            value = f"max({value}, {self.emitter.constant(limit.low)})"
        return f"min({value}, {self.emitter.constant(limit.high)})"

    def weighted_sum(self, criterion: CriterionModel, points: dict[str, str], suffix: str, point: str) -> None:
        """A parent's points (into `point`): its children's weighted points added up (`r<suffix>`), then rounded."""
        parts = [f"w{suffix}_{n}" for n in range(len(criterion.children))]
        for part, child in zip(parts, criterion.children, strict=True):
            self.emit(f"{part} = {self.emitter.constant(self.criteria[child].weight)} * {points[child]}")
        self.add_up(f"r{suffix}", parts)
        self.emit(f"{point} = {self.rounded(f'r{suffix}')}")

    def add_up(self, total: str, terms: list[str]) -> None:
        """`total = _ZERO + a + b + ...`, in lines of at most _TERMS_PER_LINE terms: Python compiles a chain of
        `+` a level deeper per term, and a rubric may have thousands of criteria. The order of the additions,
        and so the sum, is the same."""
        self.emit(f"{total} = {' + '.join(['_ZERO', *terms[:_TERMS_PER_LINE]])}")
        for start in range(_TERMS_PER_LINE, len(terms), _TERMS_PER_LINE):
            self.emit(f"{total} = {' + '.join([total, *terms[start:start + _TERMS_PER_LINE]])}")

    def band(self, rows: tuple[ast.BandRow, ...], subject: str, raw: str, matched: str, name: str) -> None:
        bounded = [(i, self.contains(r, subject), r.points) for i, r in enumerate(rows) if not r.otherwise]
        self.first_that_holds(bounded, raw, matched)
        fallback = next((i for i, r in enumerate(rows) if r.otherwise), None)
        if fallback is None:
            self.emit(f"_uncovered({self.emitter.constant(name)})", 2)
        else:
            self.pick(fallback, rows[fallback].points, raw, matched)

    def contains(self, row: ast.BandRow, subject: str) -> str:
        """The test that a band row covers the subject: the same bounds the band analysis reads (`tables`)."""
        tests = []
        if row.lower is not None:
            tests.append(f"{subject} {'>=' if row.lower_inclusive else '>'} {self.emitter.constant(row.lower)}")
        if row.upper is not None:
            tests.append(f"{subject} {'<=' if row.upper_inclusive else '<'} {self.emitter.constant(row.upper)}")
        return " and ".join(tests) or "True"

    def first_that_holds(self, tests: list[tuple[int, str, ast.Expr]], raw: str, matched: str) -> None:
        """Each (row, test, points) in turn until a test holds, then an `if` for when none did, whose body
        the caller writes. Flat `if`s, not `elif`: Python compiles an `elif` chain a level deeper per row."""
        self.emit(f"{matched} = None")
        for row_index, test, points in tests:
            self.emit(f"if {matched} is None and {test}:")
            self.pick(row_index, points, raw, matched)
        self.emit(f"if {matched} is None:")

    def pick(self, row_index: int, points: ast.Expr, raw: str, matched: str) -> None:
        self.emit(f"{raw} = {self.expr(points)}", 2)
        self.emit(f"{matched} = (({row_index}, {raw}),)", 2)

    def table(self, policy: str, rows: tuple[ast.TableRow, ...], raw: str, matched: str) -> None:
        conditions = [(i, r.condition, r.points) for i, r in enumerate(rows) if r.condition is not None]
        fallback = next((i for i, r in enumerate(rows) if r.condition is None), None)
        if policy in ("first", "unique"):  # unique: the checker proved at most one row matches
            self.first_that_holds([(i, self.expr(c), p) for i, c, p in conditions], raw, matched)
            self.nothing_matched(rows, fallback, raw, matched)
            return
        self.emit(f"{matched} = []")
        for row_index, condition, points in conditions:
            self.emit(f"if {self.expr(condition)}:")
            self.emit(f"{matched}.append(({row_index}, {self.expr(points)}))", 2)
        self.emit(f"if {matched}:")
        combine = f"_add_all(v for _, v in {matched})" if policy == "sum" else f"max(v for _, v in {matched})"
        self.emit(f"{raw} = {combine}", 2)
        self.emit(f"{matched} = tuple({matched})", 2)
        self.emit("else:")
        self.nothing_matched(rows, fallback, raw, matched)

    def nothing_matched(self, rows: tuple[ast.TableRow, ...], fallback: int | None, raw: str, matched: str) -> None:
        """The `otherwise` row, or no points: only a sum table may match nothing (the checker rejects gaps)."""
        if fallback is None:
            self.emit(f"{raw} = _ZERO", 2)
            self.emit(f"{matched} = ()", 2)
            return
        self.pick(fallback, rows[fallback].points, raw, matched)

    def gate(self, index: int, condition: ast.Expr) -> str:
        self.emit(f"g{index} = bool({self.expr(condition)})")
        self.entries.append(f"g{index}")
        return f"g{index}"

    def adjustment(self, index: int, amount: ast.Expr, condition: ast.Expr | None) -> str:
        applies = f"bool({self.expr(condition)})" if condition is not None else "True"
        self.emit(f"a{index} = {applies}")
        self.emit(f"n{index} = {self.expr(amount)} if a{index} else _ZERO")
        self.entries.append(f"(a{index}, n{index})")
        return f"n{index}"

    def total(self, model: RubricModel, points: dict[str, str], gates: dict[str, str],
              amounts: dict[tuple[str, str], str], prefix: str) -> str:
        """Weighted roots, plus bonuses, minus penalties, capped, limited to the scale, unless a failed gate sets
        the total; returns the rounded total.

        The working values are named with `prefix` (none for the final total, whose parts the trace shows).
        """
        constant = self.emitter.constant
        weighted = [f"{constant(self.criteria[r].weight)} * {points[r]}" for r in model.roots]
        self.add_up(f"{prefix}weighted", weighted)
        for kind in ("bonus", "penalty"):
            chosen = [amounts[(kind, a.decl.name)] for a in model.adjustments if a.decl.kind == kind]
            self.add_up(f"{prefix}{kind}", chosen)
        self.emit(f"{prefix}subtotal = {prefix}weighted + {prefix}bonus - {prefix}penalty")
        self.emit(f"{prefix}cap = None")
        for gate in model.gates:
            if gate.decl.action == "cap" and gate.decl.cap is not None:
                limit = constant(gate.decl.cap)
                self.emit(f"if not {gates[gate.decl.name]} and ({prefix}cap is None or {limit} < {prefix}cap):")
                self.emit(f"{prefix}cap = {limit}", 2)
        self.emit(f"{prefix}capped = {prefix}subtotal if {prefix}cap is None else min({prefix}subtotal, {prefix}cap)")
        low, high = model.scale
        self.emit(f"{prefix}limited = min(max({prefix}capped, {constant(low)}), {constant(high)})")
        self.emit(f"{prefix}given = None")
        for gate in model.gates:  # the lowest total set by a failed `disqualify with total` gate replaces all
            if gate.decl.total is not None:
                given = constant(gate.decl.total)
                self.emit(f"if not {gates[gate.decl.name]} and ({prefix}given is None or {given} < {prefix}given):")
                self.emit(f"{prefix}given = {given}", 2)
        self.emit(f"{prefix}total = {self.rounded(f'({prefix}limited if {prefix}given is None else {prefix}given)')}")
        return f"{prefix}total"
