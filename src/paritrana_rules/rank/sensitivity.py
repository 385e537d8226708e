"""How stable is the ranking? For each criterion weight, the exact interval over which the decisions stay the same.

The model of a weight change: when criterion k's weight within its parent moves
from w0 to w, its siblings are rescaled proportionally, each to
`weight × (1 − w) / (1 − w0)`, so that they still add up to what they did and
the checker's "weights add up to 100%" stays true without choosing how to
spread the difference. An only child (w0 = 100%) cannot move and is not analysed.

Leaf points do not depend on weights. Everything else is re-derived exactly,
with `fractions.Fraction`, mirroring `compile/codegen.py` step by step: each
parent's points are the weighted sum of its children's, rounded; the weighted
total of the roots, plus bonuses, minus penalties, capped by the lowest failed
cap gate, kept within the scale, rounded; and each advance rule that reads the
provisional `total` (over what is known at its stage, `stages.model_at`), so a
candidate may become eliminated or stop being so. Gates read only inputs and
lets (the checker keeps `total` to advance rules), so disqualified stays
disqualified and no weight is left out because of a gate.

The search is exact, not sampled. When k is a root, each candidate's subtotal is
linear in w; when k sits under a parent P, P's unrounded points are linear in w
and everything above P is constant between the values of w where P's points
round differently. So each candidate's decisions-relevant values are step
functions of w whose steps lie where a linear function meets a rounding
threshold (or the cap or the scale's ends). The walk goes outward from w0, from
one such breakpoint to the next, checks the decisions at each breakpoint and on
the open stretch after it, and stops at the first change, at 0 or 100%, or
after `WORK_LIMIT` breakpoints ("stable at least from A to B").
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from paritrana_rules.check.model import RubricModel
from paritrana_rules.check.stages import TOTAL, model_at
from paritrana_rules.evaluate.result import environment
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.language.expressions import Evaluator, compile_expr, names_read
from paritrana_rules.numeric import CONTEXT
from paritrana_rules.rank.ranking import Rules, place_results

WORK_LIMIT = 100_000  # breakpoints examined per weight and direction before answering "stable at least"

Decide = Callable[[Sequence[Any]], Mapping[str, str]]
Weights = Callable[[str], Fraction]


@attrs.frozen
class Points:
    """One criterion's points, as `Result.criteria` holds them (what `decide` reads)."""

    name: str
    points: Decimal


@attrs.frozen
class StageView:
    """An advance rule decided at another weight, as `Result.stages` holds it."""

    name: str
    advanced: bool
    total: Decimal | None


@attrs.frozen
class Rescored:
    """A result re-derived at another weight, with what `ranking.place_results` and `decide` read; the program,
    inputs and let entries are the original result's (no weight changes them)."""

    candidate_id: str
    candidate_name: str | None
    status: str
    total: Decimal
    criteria: tuple[Points, ...]
    stages: tuple[StageView, ...]
    inputs: Mapping[str, Any] = attrs.field(eq=False)
    program: Any = attrs.field(eq=False, repr=False)
    entries: Any = attrs.field(eq=False, repr=False)

    @property
    def points(self) -> dict[str, Decimal]:  # as `Result.points`
        return {c.name: c.points for c in self.criteria}


@attrs.frozen
class Shift:
    """One candidate whose decision differs beyond a bound, with its total just inside and just beyond it."""

    candidate: str
    name: str | None
    before: str
    after: str
    total_before: Decimal
    total_after: Decimal


@attrs.frozen
class Bound:
    """How far a weight may move one way. `weight` is within the parent, as a fraction (31% is 31/100).

    `reached`: "change" (the decisions differ at `weight` when `included` is False, or just beyond it when
    True), "limit" (none within 0..100% of the parent) or "work limit" (stable at least to `weight`).
    """

    weight: Fraction
    included: bool
    reached: Literal["change", "limit", "work limit"]
    shifts: tuple[Shift, ...] = ()
    seen_at: Fraction | None = None  # a weight at which the changed decisions hold


@attrs.frozen
class WeightSensitivity:
    criterion: str
    parent: str | None
    declared: Fraction  # within the parent, as a fraction
    lower: Bound | None
    upper: Bound | None
    skipped: str | None = None  # why the weight was not analysed


@attrs.frozen
class SensitivityReport:
    """Per weight, the interval where the decisions stay as they are, and what changes first beyond each end."""

    rubric: str
    decisions: tuple[tuple[str, str], ...]
    weights: tuple[WeightSensitivity, ...]
    work_limit: int = WORK_LIMIT

    def render(self, lang: str = "en") -> str:
        """The report as text, in English ("en") or Bahasa Indonesia ("id")."""
        return render(self, lang)


def nominations(model: RubricModel) -> Decide:
    """Decisions from the rubric's funnel: rank and nomination for those at or above the nomination cut (so
    that swaps below it do not count; without one every rank counts), and the placings won."""
    has_cut = model.ranking is not None and model.ranking.nominate is not None
    rules = Rules(model)

    def decide(results: Sequence[Any]) -> Mapping[str, str]:
        out: dict[str, str] = {}
        for placing in place_results(rules, results):
            where = f" in {placing.group}" if placing.group is not None else ""
            rank = f"rank {placing.rank}{'=' if placing.tied else ''}{where}"
            if placing.rank is None:
                text = "not ranked"
            elif placing.nominated:
                text = f"{rank}, nominated"
            else:
                text = "not nominated" if has_cut else rank
            out[placing.candidate] = "; ".join([text, *(award.award for award in placing.awards)])
        return out

    return decide


def round_exact(value: Fraction, places: int, mode: str) -> Fraction:
    """`value` rounded to `places` decimals with the rubric's mode, exactly as `numeric.round_to` rounds."""
    whole, rest = divmod(abs(value.numerator) * 10**places, value.denominator)  # in units of 10**-places
    twice = 2 * rest
    if mode == "half_up":
        whole += twice >= value.denominator
    elif mode == "half_even":
        whole += twice > value.denominator or (twice == value.denominator and whole % 2 == 1)
    elif mode != "down":
        raise ValueError(f"unknown rounding mode {mode}")
    return Fraction(-whole if value < 0 else whole, 10**places)


def _decimal(value: Fraction, places: int) -> Decimal:
    """A rounded value as the engine's Decimal (exact: its denominator divides 10**places)."""
    units = value * 10**places
    if units.denominator != 1:
        raise ValueError(f"{value} is not a {places}-place decimal")
    return Decimal(units.numerator).scaleb(-places, CONTEXT)


def _next_threshold(value: Fraction, places: int, mode: str, up: bool) -> Fraction:
    """The nearest value strictly beyond `value` (upwards or downwards) at which rounding may jump."""
    q, half = Fraction(1, 10**places), Fraction(1, 2) if mode != "down" else Fraction(0)
    n = value / q - half
    step = math.floor(n) + 1 if up else math.ceil(n) - 1
    return (step + half) * q


@attrs.frozen(eq=False)
class _Context:
    """A total the mirror re-derives: the final one, or a stage's provisional one (an advance rule reads it, or a
    cut ranks by it)."""

    model: RubricModel
    adjust: Fraction  # bonuses minus penalties known there
    cap: Fraction | None  # the lowest failed cap gate known there
    advance: Evaluator | None = None  # the stage's advance rule, when it reads the total


@attrs.frozen(eq=False)
class _Mirror:
    result: Any
    leaves: dict[str, Fraction]
    contexts: tuple[_Context, ...]  # the final total first
    stages: tuple[tuple[str, bool, int | None], ...]  # (stage, advanced as recorded, its context or None)
    env: dict[str, Any]  # inputs and lets, for advance rules


class _Models:
    """`model_at` and compiled advance rules, worked out once per program and stage."""
    def __init__(self) -> None:
        self.cache: dict[tuple[int, int], tuple[RubricModel, Evaluator | None]] = {}

    def at(self, program: Any, index: int) -> tuple[RubricModel, Evaluator | None]:
        key = (id(program), index)
        if key not in self.cache:
            rule = program.model.stages[index].advance
            reads = rule is not None and TOTAL in names_read(rule)
            self.cache[key] = (model_at(program.model, index),
                               compile_expr(rule, program.model.rounding_mode) if reads else None)
        return self.cache[key]


def _mirror(result: Any, models: _Models) -> _Mirror:
    """What re-deriving a result needs: its leaf points, adjustments, failed caps and advance rules."""
    program = result.program
    points = result.points
    leaves = {c.decl.name: Fraction(points[c.decl.name]) for c in program.model.criteria if not c.children}
    amounts = {a.name: Fraction(a.points) * (1 if a.kind == "bonus" else -1) for a in result.adjustments}
    caps = {g.name: Fraction(g.cap) for g in result.gates if not g.passed and g.action == "cap" and g.cap is not None}

    def context(model: RubricModel, advance: Evaluator | None) -> _Context:
        held = [caps[g.decl.name] for g in model.gates if g.decl.name in caps]
        return _Context(model, sum((amounts[a.decl.name] for a in model.adjustments), Fraction(0)),
                        min(held) if held else None, advance)

    contexts, stages = [context(program.model, None)], []
    for step, stage in zip(program.stages, result.stages, strict=True):
        slot = None
        if stage.total is not None:  # a provisional total was computed there: it depends on the weights
            contexts.append(context(*models.at(program, step.index)))
            slot = len(contexts) - 1
        stages.append((stage.name, stage.advanced, slot))
    env = dict(environment(result.inputs))
    env.update(zip((s.name for s in program.lets), result.entries[program.layout.lets], strict=True))
    return _Mirror(result, leaves, tuple(contexts), tuple(stages), env)


def _assemble(mirror: _Mirror, totals: Sequence[Fraction], points: Mapping[str, Fraction]) -> Rescored:
    """A `Rescored` from the re-derived totals (final first, then each context's) and criteria points."""
    result, places = mirror.result, mirror.result.program.model.rounding_places
    stages = []
    for name, advanced, slot in mirror.stages:
        total = _decimal(totals[slot], places) if slot is not None else None
        rule = mirror.contexts[slot].advance if slot is not None else None
        stages.append(StageView(name, bool(rule({**mirror.env, TOTAL: total})) if rule else advanced, total))
    status = "disqualified" if result.status == "disqualified" else \
        "eliminated" if not all(s.advanced for s in stages) else "eligible" if result.program.final else "pending"
    criteria = tuple(Points(c.name, _decimal(points[c.name], places) if c.name in points else c.points)
                     for c in result.criteria)
    return Rescored(result.candidate_id, result.candidate_name, status, _decimal(totals[0], places), criteria,
                    tuple(stages), result.inputs, result.program, result.entries)


def _score(context: _Context, leaves: Mapping[str, Fraction], weight: Weights,
           raws: dict[str, Fraction] | None = None) -> tuple[dict[str, Fraction], Fraction, Fraction]:
    """(points of every criterion, subtotal before cap and scale, rounded total), as codegen computes them;
    `raws`, when given, receives each parent's unrounded points."""
    model = context.model
    places, mode = model.rounding_places, model.rounding_mode
    by_name = {c.decl.name: c for c in model.criteria}
    points: dict[str, Fraction] = {}

    def visit(name: str) -> Fraction:
        criterion = by_name[name]
        if not criterion.children:
            points[name] = leaves[name]
            return points[name]
        raw = sum((weight(c) * visit(c) for c in criterion.children), Fraction(0))
        if raws is not None:
            raws[name] = raw
        points[name] = round_exact(raw, places, mode)
        return points[name]

    subtotal = sum((weight(r) * visit(r) for r in model.roots), Fraction(0)) + context.adjust
    capped = subtotal if context.cap is None else min(subtotal, context.cap)
    low, high = (Fraction(v) for v in model.scale)
    return points, subtotal, round_exact(min(max(capped, low), high), places, mode)


def _rescored(mirror: _Mirror, weight: Weights) -> Rescored:
    """The result as it would be at these weights, re-derived from its leaves."""
    scored = [_score(c, mirror.leaves, weight) for c in mirror.contexts]
    return _assemble(mirror, [t for _, _, t in scored], scored[0][0])


@attrs.frozen
class _Move:
    """Criterion `name` moved from `declared`; its siblings rescaled to keep their sum."""

    name: str
    parent: str | None
    declared: Fraction
    siblings: frozenset[str]
    base: Mapping[str, Fraction]

    def weights(self, w: Fraction) -> Weights:
        """Each criterion's weight when `name` weighs `w` within its parent."""
        factor = (1 - w) / (1 - self.declared)

        def weight(criterion: str) -> Fraction:
            if criterion == self.name:
                return w
            return self.base[criterion] * factor if criterion in self.siblings else self.base[criterion]

        return weight


def _moves(model: RubricModel, only: Iterable[str] | None) -> list[_Move | WeightSensitivity]:
    """A move for every criterion asked about, or why it cannot move."""
    base = {c.decl.name: Fraction(c.weight) for c in model.criteria}
    families = {c.decl.name: c.children for c in model.criteria} | {None: model.roots}
    wanted = list(only) if only is not None else [c.decl.name for c in model.criteria]
    out: list[_Move | WeightSensitivity] = []
    for criterion in (c for name in wanted for c in model.criteria if c.decl.name == name):
        name, parent = criterion.decl.name, criterion.decl.parent
        siblings = frozenset(families[parent]) - {name}
        if not siblings or base[name] == 1:
            out.append(WeightSensitivity(name, parent, base[name], None, None,
                                         "an only child: its weight must stay 100% of its parent"))
        else:
            out.append(_Move(name, parent, base[name], siblings, base))
    if unknown := sorted(set(wanted) - set(base)):
        raise KeyError(f"no such criterion: {', '.join(unknown)}")
    return out


@attrs.frozen(eq=False)
class _Line:
    """How one total depends on w: `a + b·w` (the subtotal when a root moves, else the moving criterion's parent's
    unrounded points) is rounded up `chain` ((criterion, rest, weight): points = round(rest + weight × points),
    from the parent up), then `rest + top × points` is capped, limited to the scale and rounded. `low`..`high`
    is where a root move's subtotal still matters; None for a parent move."""

    context: _Context
    a: Fraction
    b: Fraction
    low: Fraction | None
    high: Fraction | None
    chain: tuple[tuple[str, Fraction, Fraction], ...] = ()
    rest: Fraction = Fraction(0)
    top: Fraction = Fraction(1)
    scale: tuple[Fraction, Fraction] = attrs.field(default=attrs.Factory(
        lambda self: (Fraction(self.context.model.scale[0]), Fraction(self.context.model.scale[1])), takes_self=True))


def _line(context: _Context, leaves: Mapping[str, Fraction], move: _Move) -> _Line:
    """The line of one total, from exact evaluations at w = 0, 1 and the declared weight (all else is constant)."""
    raws: list[dict[str, Fraction]] = [{}, {}]
    s0, s1 = (_score(context, leaves, move.weights(Fraction(w)), raws[w])[1] for w in (0, 1))
    declared = move.weights(move.declared)
    points, subtotal, _ = _score(context, leaves, declared)
    if move.parent is None:
        low, high = (Fraction(v) for v in context.model.scale)
        return _Line(context, s0, s1 - s0, low, high if context.cap is None else min(high, context.cap))
    if move.parent not in raws[0]:  # the parent is not known at this stage: nothing here depends on w
        return _Line(context, subtotal, Fraction(0), None, None)
    by_name = {c.decl.name: c for c in context.model.criteria}
    chain, child = [(move.parent, Fraction(0), Fraction(1))], move.parent
    while (parent := by_name[child].decl.parent) is not None:
        rest = sum((declared(d) * points[d] for d in by_name[parent].children if d != child), Fraction(0))
        chain.append((parent, rest, declared(child)))
        child = parent
    rest = sum((declared(r) * points[r] for r in context.model.roots if r != child), Fraction(0)) + context.adjust
    a = raws[0][move.parent]
    return _Line(context, a, raws[1][move.parent] - a, None, None, tuple(chain), rest, declared(child))


def _evaluate(line: _Line, w: Fraction) -> tuple[Fraction, dict[str, Fraction]]:
    """(rounded total, points of the criteria on the path) at weight w, as `_score` would give them."""
    model = line.context.model
    places, mode = model.rounding_places, model.rounding_mode
    value, points = line.a + line.b * w, {}
    for name, rest, weight in line.chain:
        value = points[name] = round_exact(rest + weight * value, places, mode)
    subtotal = line.rest + line.top * value
    capped = subtotal if line.context.cap is None else min(subtotal, line.context.cap)
    low, high = line.scale
    return round_exact(min(max(capped, low), high), places, mode), points


def _view(mirror: _Mirror, lines: Sequence[_Line], w: Fraction) -> Rescored:
    """The result at weight w, from its lines (only the criteria on the moving weight's path change)."""
    evaluated = [_evaluate(line, w) for line in lines]
    return _assemble(mirror, [t for t, _ in evaluated], evaluated[0][1])


def _next_break(lines: Iterable[_Line], x: Fraction, forward: bool, places: int, mode: str) -> Fraction | None:
    """The nearest weight strictly beyond x (upwards when `forward`) where one of the functions meets a rounding
    threshold or an end of its range; None when none does."""
    best: Fraction | None = None
    for line in lines:
        a, b, low, high = line.a, line.b, line.low, line.high
        if b == 0:
            continue
        value, up = a + b * x, (b > 0) == forward
        if low is not None and high is not None:
            if high < low or (up and value >= high) or (not up and value <= low):
                continue
            if (up and value < low) or (not up and value > high):
                target = low if up else high
            else:
                target = _next_threshold(value, places, mode, up)
                target = min(target, high) if up else max(target, low)
        else:
            target = _next_threshold(value, places, mode, up)
        w = (target - a) / b
        if best is None or (w < best if forward else w > best):
            best = w
    return best


def _walk(move: _Move, mirrors: list[_Mirror], lines: list[list[_Line]], declared: list[Rescored], decide: Decide,
          base: Mapping[str, str], forward: bool, limit: int) -> Bound:
    """Walk from the declared weight towards 100% (`forward`) or 0 until the decisions differ."""
    model = mirrors[0].result.program.model if mirrors else None
    places, mode = (model.rounding_places, model.rounding_mode) if model else (0, "down")
    end = Fraction(1) if forward else Fraction(0)
    views = list(declared)
    key = -1 if not forward else 1
    events: list[tuple[Fraction, int]] = []

    def schedule(index: int, x: Fraction) -> None:
        w = _next_break(lines[index], x, forward, places, mode)
        if w is not None and (w <= end if forward else w >= end):
            heapq.heappush(events, (key * w, index))

    def changed(at: Fraction, which: Iterable[int]) -> tuple[Shift, ...]:
        before = list(views)
        for index in which:
            views[index] = _view(mirrors[index], lines[index], at)
        if views == before:
            return ()
        now = decide(views)
        if now == base:
            return ()
        totals = {v.candidate_id: (b.total, v.total) for b, v in zip(before, views, strict=True)}
        names = {v.candidate_id: v.candidate_name for v in views}
        return tuple(Shift(c, names.get(c), base.get(c, "-"), now.get(c, "-"), *totals.get(c, (Decimal(0),) * 2))
                     for c in sorted(set(base) | set(now)) if base.get(c) != now.get(c))

    x, dirty, steps = move.declared, list(range(len(mirrors))), 0
    for index in dirty:
        schedule(index, x)
    while True:
        upcoming = key * events[0][0] if events else end
        if x != end and dirty:
            middle = (x + upcoming) / 2
            shifts = changed(middle, dirty)
            if shifts:
                return Bound(x, True, "change", shifts, middle)
        if not events:
            return Bound(end, True, "limit")
        if steps >= limit:
            return Bound(x, True, "work limit")
        dirty = []
        while events and key * events[0][0] == upcoming:
            dirty.append(heapq.heappop(events)[1])
        steps += 1
        shifts = changed(upcoming, dirty)
        if shifts:
            return Bound(upcoming, False, "change", shifts, upcoming)
        x = upcoming
        for index in dirty:
            schedule(index, x)


def rescore(rubric: AnyRubric, results: Sequence[Any], criterion: str, weight: Fraction) -> list[Rescored]:
    """The results as they would be if `criterion` weighed `weight` (a fraction of its parent), siblings rescaled."""
    move, models = _moves(rubric.whole, [criterion])[0], _Models()
    if not isinstance(move, _Move):
        raise ValueError(f"{criterion} cannot move: {move.skipped}")
    mirrors = [_mirror(r, models) for r in results]
    return [_view(m, [_line(c, m.leaves, move) for c in m.contexts], weight) for m in mirrors]


def sensitivity(rubric: AnyRubric, results: Sequence[Any], decide: Decide | None = None, *,
                criteria: Iterable[str] | None = None, work_limit: int = WORK_LIMIT) -> SensitivityReport:
    """For each weight, the exact interval where `decide(results)` stays the same, and the first change beyond.
    `decide` maps result-like objects to candidate id -> decision text; by default the rubric's ranking
    (`nominations`). Raises ValueError when the rubric has no ranking and no `decide` is given."""
    if decide is None:
        if rubric.whole.ranking is None:
            raise ValueError("the rubric declares no ranking: pass a `decide` function")
        decide = nominations(rubric.whole)
    base = dict(decide(results))
    models = _Models()
    mirrors = [_mirror(r, models) for r in results]
    report: list[WeightSensitivity] = []
    for move in _moves(rubric.whole, criteria):
        if not isinstance(move, _Move):
            report.append(move)
            continue
        at_declared = [_rescored(m, move.weights(move.declared)) for m in mirrors]
        for view, result in zip(at_declared, results, strict=True):
            if (view.total, view.status) != (result.total, result.status):
                raise AssertionError(f"the exact mirror disagrees with the engine on {result.candidate_id}")
        lines = [[_line(c, m.leaves, move) for c in m.contexts] for m in mirrors]
        lower, upper = (_walk(move, mirrors, lines, at_declared, decide, base, forward, work_limit)
                        for forward in (False, True))
        report.append(WeightSensitivity(move.name, move.parent, move.declared, lower, upper))
    return SensitivityReport(rubric.path, tuple(sorted(base.items())), tuple(report), work_limit)


def percent(weight: Fraction, lang: str = "en", places: int = 4) -> str:
    """A weight as a percent for display only, rounded to at most `places` decimals: 2/7 -> "28.5714%"."""
    text = f"{_decimal(round_exact(weight * 100, places, 'half_even'), places).normalize(CONTEXT):f}"
    return (text.replace(".", ",") if lang == "id" else text) + "%"


_WORDS = {
    "en": {"of": "of {p}", "total": "of the total", "stable": "decisions unchanged from {lo} to {hi}",
           "at_least": "stable at least from {lo} to {hi} (work limit of {n} breakpoints reached)",
           "none_down": "below: none within 0..{p}", "none_up": "above: none within 0..{p}",
           "if": "if {c} weighed {w} (instead of {d}), {what}", "below": "just below {w}", "above": "just above {w}",
           "overtakes": "{a} would overtake {b} ({x})", "moves": "{a}: {x} -> {y}", "skip": "not analysed: {r}",
           "exact": "exact bounds {lo} .. {hi}", "rule": "Siblings are rescaled proportionally so that they keep "
           "their sum; leaf points do not depend on weights."},
    "id": {"of": "dari {p}", "total": "dari total", "stable": "keputusan tetap dari {lo} sampai {hi}",
           "at_least": "stabil paling tidak dari {lo} sampai {hi} (batas kerja {n} titik tercapai)",
           "none_down": "ke bawah: tidak berubah dalam 0..{p}", "none_up": "ke atas: tidak berubah dalam 0..{p}",
           "if": "jika bobot {c} {w} (bukan {d}), {what}", "below": "sedikit di bawah {w}",
           "above": "sedikit di atas {w}", "overtakes": "{a} menyalip {b} ({x})", "moves": "{a}: {x} -> {y}",
           "skip": "tidak dianalisis: {r}", "exact": "batas eksak {lo} .. {hi}",
           "rule": "Bobot saudaranya diskalakan proporsional agar jumlahnya tetap; nilai daun tak bergantung bobot."},
}


def _translate(text: str, lang: str) -> str:
    """The default decisions in Indonesian; other decision texts are shown as `decide` wrote them."""
    if lang != "id":
        return text
    for en, id_ in ((", nominated", ", dinominasikan"), ("not nominated", "tidak dinominasikan"),
                    ("not ranked", "tidak diperingkat"), ("rank ", "peringkat "), (" in ", " di ")):
        text = text.replace(en, id_)
    return text


def _what(shifts: tuple[Shift, ...], lang: str) -> str:
    words = _WORDS[lang]
    if len(shifts) == 2:
        gain, lose = (shifts if "nominated" in shifts[0].after and "not" not in shifts[0].after
                      else (shifts[1], shifts[0]))
        if gain.after == lose.before:
            return words["overtakes"].format(a=gain.name or gain.candidate, b=lose.name or lose.candidate,
                                             x=_translate(gain.after, lang))
    return "; ".join(words["moves"].format(a=s.name or s.candidate, x=_translate(s.before, lang),
                                                   y=_translate(s.after, lang)) for s in shifts)


def _side(item: WeightSensitivity, bound: Bound, lang: str, up: bool) -> str:
    words = _WORDS[lang]
    whole = percent(Fraction(1), lang)
    if bound.reached == "limit":
        return words["none_up" if up else "none_down"].format(p=whole)
    if bound.reached == "work limit":
        return ""
    weight = percent(bound.weight, lang)
    if bound.included:  # the decisions at the bound itself are the original ones; they change just past it
        weight = words["above" if up else "below"].format(w=weight)
    return words["if"].format(c=item.criterion, w=weight, d=percent(item.declared, lang),
                              what=_what(bound.shifts, lang))


def render(report: SensitivityReport, lang: str = "en") -> str:
    """Readable text: per weight the stable interval, its exact bounds, and the first change on each side."""
    if lang not in _WORDS:
        raise ValueError(f"unknown language {lang!r}: 'en' or 'id'")
    words = _WORDS[lang]
    lines = [report.rubric, words["rule"], ""]
    for item in report.weights:
        where = words["total"] if item.parent is None else words["of"].format(p=item.parent)
        head = f"{item.criterion} {percent(item.declared, lang)} {where}"
        if item.skipped or item.lower is None or item.upper is None:
            lines.append(f"{head}: {words['skip'].format(r=item.skipped)}")
            continue
        lo, hi = percent(item.lower.weight, lang), percent(item.upper.weight, lang)
        limited = "work limit" in (item.lower.reached, item.upper.reached)
        key = "at_least" if limited else "stable"
        lines.append(f"{head}: {words[key].format(lo=lo, hi=hi, n=report.work_limit)}")
        lines.append("    " + words["exact"].format(lo=item.lower.weight, hi=item.upper.weight))
        sides = (_side(item, item.lower, lang, False), _side(item, item.upper, lang, True))
        lines.extend("    " + text for text in sides if text)
    return "\n".join(lines) + "\n"
