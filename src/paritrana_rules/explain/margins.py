"""How far one candidate is from the next band: for each criterion whose points come from the band of one number,
the band it is in, the nearest band that gives more points, and the exact change of that number that reaches it.

A criterion is banded when its points are a band (`points by band of x`) or a first- or unique-match table whose
every row tests one number against constants (`when x >= 80`, `when x >= 20 and x < 80`, `otherwise`), and
every row gives a constant. Anything else (a formula, a table over options or several values, rows whose points
are formulas) is listed as not banded: never guessed. The subject is the number the rows test: an input, a `let`
(then the distance is the let's, not an input's) or, for a band, a formula of inputs.

Nothing is scored again. The subject's range is the checker's (an input's declared bounds, a count's whole
numbers from 0, a let's proven range); the band thresholds cut it into cells in which every row behaves alike
(`check.tables.numeric_cells`, as the band analysis cuts it), each cell gets its row by the rule's own order
(first match, else `otherwise`), and the distance to a cell is exact decimal arithmetic. A band that starts
just above a bound (`above 100`) has no nearest number for a decimal subject: its distance is the bound's, marked
as to be passed (`beyond`); a count reaches it at the next whole number.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs

from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.model import CriterionModel, RubricModel
from paritrana_rules.check.tables import Cell, numeric_cells
from paritrana_rules.check.texts import LANGUAGES
from paritrana_rules.evaluate.result import Result, TraceStep
from paritrana_rules.explain.explanation import SHOWN_PLACES
from paritrana_rules.explain.words import label, load_phrases, plain_number
from paritrana_rules.explain.wording import Wording
from paritrana_rules.language import ast
from paritrana_rules.numeric import CONTEXT, places_needed, plain, round_to

PHRASES = load_phrases("paritrana_rules.explain", "margins.toml")

State = Literal["below_best", "at_best", "not_banded", "not_scored"]
_COMPARISONS = {"<": (False, False), "<=": (False, True), ">": (True, False), ">=": (True, True)}
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


@attrs.frozen
class Band:
    """One band of a criterion: its range in words, the points it gives and where the rubric says so."""

    range: str
    points: Decimal
    at: str  # 'line 224', or '2024/pemerintah-desa.rubric line 224' for a rule inherited from another rubric

    def to_dict(self) -> dict[str, Any]:
        return {"range": self.range, "points": plain(self.points), "at": self.at}


@attrs.frozen
class Margin:
    """One criterion's distance from its next better band (see the module's docstring).

    `state` is "below_best" (then `next`, `distance` and `direction` are given), "at_best", "not_banded" or
    "not_scored" (the candidate's data has not reached the stage that scores it). `distance` is the change of
    `subject` that reaches `next` (the band's nearest number minus the value: negative when `direction` is
    "lower"); with `beyond`, the subject must move by more than that, in that direction (the band starts just
    past a bound). `said` is the whole margin in words of the language asked for.
    """

    criterion: str
    label: str
    state: State
    said: str
    subject: str | None = None  # the input or let the rows test; None for a formula or a criterion not banded
    subject_kind: Literal["input", "let", "formula"] | None = None
    value: Decimal | None = None  # the subject's value for this candidate
    band: Band | None = None  # the band the value is in
    next: Band | None = None
    distance: Decimal | None = None
    direction: Literal["raise", "lower"] | None = None
    beyond: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: decimals as strings, bands as objects."""
        return {"criterion": self.criterion, "label": self.label, "state": self.state, "said": self.said,
                "subject": self.subject, "subject_kind": self.subject_kind,
                "value": plain(self.value) if self.value is not None else None,
                "band": self.band.to_dict() if self.band else None, "next": self.next.to_dict() if self.next else None,
                "distance": plain(self.distance) if self.distance is not None else None, "direction": self.direction,
                "beyond": self.beyond}


@attrs.frozen
class _Banding:
    """A criterion's points as rows over one number, in the order they are tried (an `otherwise` row: when none
    holds)."""

    subject: ast.Expr
    rows: tuple[ast.BandRow, ...]


@attrs.frozen
class _Subject:
    """The number a criterion's rows test: what it is, its name, the range the checker gives it, whether whole."""

    kind: Literal["input", "let", "formula"]
    name: str | None
    domain: Interval
    whole: bool


def band_margins(result: Result, lang: str = "en") -> list[Margin]:
    """Each criterion of a traced result's rubric with points of its own, in the rubric's order: how far it is
    from its next better band. ValueError for an unknown language or an untraced result."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use 'id' or 'en'")
    if result.trace is None:
        raise ValueError("this result was scored without a trace; evaluate with trace=True to find its margins")
    return _Margins(result, lang).all()


class _Margins:
    """One traced result's margins in one language."""

    def __init__(self, result: Result, lang: str) -> None:
        self.model: RubricModel = result.program.whole
        self.lang, self.words = lang, PHRASES[lang]
        self.say = Wording(self.model, lang)
        self.steps = {step.id: step for step in result.trace or ()}

    def all(self) -> list[Margin]:
        return [self.margin(c) for c in self.model.criteria if c.points is not None]

    def margin(self, criterion: CriterionModel) -> Margin:
        """The criterion's margin, or why it has none."""
        name, shown = criterion.decl.name, label(criterion.decl.meta, criterion.decl.name, self.lang)
        step = self.steps.get(f"criterion:{name}")
        if step is None:
            return Margin(name, shown, "not_scored", self.words["not_scored"].format(criterion=shown))
        banding = _banding(criterion.points) if criterion.points is not None else None
        subject = self._subject(banding.subject) if banding is not None else None
        if banding is None or subject is None:
            return Margin(name, shown, "not_banded", self.words["not_banded"].format(criterion=shown))
        return self._measured(name, shown, banding, subject, self._value(banding.subject, step))

    def _measured(self, name: str, shown: str, banding: _Banding, subject: _Subject, value: Decimal) -> Margin:
        """The band `value` is in and the nearest cell of the subject's range whose row gives more points."""
        now = _row_of(banding.rows, value)
        assert now is not None  # the checker proves the rows cover every value; the value was scored
        here = self._band(banding.rows[now], subject.name)
        cells = numeric_cells(subject.domain, _thresholds(banding.rows), subject.whole)
        better = [(*_distance(value, cell, subject.whole), row) for cell in cells
                  if (row := _row_of(banding.rows, cell.sample)) is not None
                  and _points(banding.rows[row]) > here.points]
        facts: dict[str, Any] = {"subject": subject.name, "subject_kind": subject.kind, "value": value, "band": here}
        if not better:
            said = self.words["at_best"].format(criterion=shown, points=self.say.number(here.points), band=here.range)
            return Margin(name, shown, "at_best", said, **facts)
        distance, beyond, direction, row = min(better, key=lambda b: (abs(b[0]), b[1], b[2] == "lower", b[3]))
        facts.update(next=self._band(banding.rows[row], subject.name), distance=distance, direction=direction,
                     beyond=beyond)
        return Margin(name, shown, "below_best", self._said(shown, banding.subject, facts), **facts)

    def _said(self, shown: str, subject: ast.Expr, facts: dict[str, Any]) -> str:
        """'Share funded: 60 points (from 10 to below 25); “Share” = 12.5: raise it by 12.5 to reach 80 points
        (from 25 to below 50, line 235)'."""
        here, target, name = facts["band"], facts["next"], facts["subject"]
        move = facts["direction"] + ("_beyond" if facts["beyond"] else "")
        return self.words["below_best"].format(
            criterion=shown, points=self.say.number(here.points), band=here.range,
            subject=self.say.formula(subject)[0], value=_equals(self._quantity(facts["value"], name)),
            move=self.words[move].format(distance=self._quantity(abs(facts["distance"]), name)),
            next_points=self.say.number(target.points), next=target.range, at=target.at)

    def _quantity(self, value: Decimal, name: str | None) -> str:
        """A number with the unit of the input it is about, a long fraction shortened."""
        return self.say.with_unit(_shown(value, self.lang), name, value)

    def _band(self, row: ast.BandRow, subject_name: str | None) -> Band:
        return Band(self.say.band_row(row, subject_name), _points(row), self.say.at(row.span))

    def _subject(self, subject: ast.Expr) -> _Subject | None:
        """What the rows test; None when it is not a number (the checker reports that; nothing is guessed)."""
        if not isinstance(subject, ast.Name):
            return _Subject("formula", None, Interval.everything(), False)
        given = next((i for i in self.model.inputs if i.decl.name == subject.id), None)
        if given is not None:
            if given.interval is None:
                return None
            whole = given.spec.kind == "count"  # a whole number from 0
            low = max(given.interval.low, Decimal(0)) if whole else given.interval.low
            return _Subject("input", subject.id, Interval(low, given.interval.high), whole)
        let = next((lt for lt in self.model.lets if lt.decl.name == subject.id), None)
        if let is None or let.type.kind != "number":
            return None
        return _Subject("let", subject.id, let.interval or Interval.everything(), False)

    def _value(self, subject: ast.Expr, step: TraceStep) -> Decimal:
        """The subject's value: a band's is in its step; a table's is the input's or let's."""
        if step.get("subject") is not None:
            return Decimal(step.get("subject"))
        assert isinstance(subject, ast.Name)
        found = self.steps.get(f"input:{subject.id}") or self.steps[f"let:{subject.id}"]
        return Decimal(found.value)


def _banding(points: ast.Points) -> _Banding | None:
    """A criterion's points as rows over one number, when they are that and every row gives a constant."""
    if isinstance(points, ast.PointsBand):
        found: _Banding | None = _Banding(points.subject, points.rows)
    elif isinstance(points, ast.PointsTable) and points.policy in ("first", "unique"):
        found = _table_banding(points)
    else:
        return None
    if found is None or not all(isinstance(row.points, ast.Number) for row in found.rows):
        return None
    return found


def _table_banding(table: ast.PointsTable) -> _Banding | None:
    """A table whose every row tests the same number against constants, as band rows in the table's order."""
    tested = [(_range_of(row.condition), row) for row in table.rows if row.condition is not None]
    names = {found[0] for found, _ in tested if found is not None}
    if not tested or len(names) != 1 or any(found is None for found, _ in tested):
        return None
    rows = [attrs.evolve(found[1], points=row.points, span=row.span) for found, row in tested if found is not None]
    rows += [ast.BandRow(lower=None, lower_inclusive=False, upper=None, upper_inclusive=False, otherwise=True,
                         points=row.points, span=row.span) for row in table.rows if row.condition is None]
    return _Banding(ast.Name(names.pop(), span=table.span), tuple(rows))


def _range_of(condition: ast.Expr | None) -> tuple[str, ast.BandRow] | None:
    """`x >= 20`, `80 > x`, `x = 5` or two of them joined by `and`, as (x, the band row it makes)."""
    match condition:
        case ast.Binary("and", left, right):
            both = (_range_of(left), _range_of(right))
            if both[0] is None or both[1] is None or both[0][0] != both[1][0]:
                return None
            return both[0][0], _meet(both[0][1], both[1][1])
        case ast.Binary(op, ast.Name(name), ast.Number() as number) if op in _MIRRORED:
            return name, _compared(op, number)
        case ast.Binary(op, ast.Number() as number, ast.Name(name)) if op in _MIRRORED:
            return name, _compared(_MIRRORED[op], number)
    return None


def _compared(op: str, number: ast.Number) -> ast.BandRow:
    """`x <op> number` as a band row (its points are filled in by the caller)."""
    value, lower, upper = number.value, None, None
    lower_inclusive = upper_inclusive = False
    if op == "=":
        lower = upper = value
        lower_inclusive = upper_inclusive = True
    elif _COMPARISONS[op][0]:
        lower, lower_inclusive = value, _COMPARISONS[op][1]
    else:
        upper, upper_inclusive = value, _COMPARISONS[op][1]
    return ast.BandRow(lower=lower, lower_inclusive=lower_inclusive, upper=upper, upper_inclusive=upper_inclusive,
                       otherwise=False, points=number, span=number.span)


def _meet(a: ast.BandRow, b: ast.BandRow) -> ast.BandRow:
    """The numbers both rows hold: the higher lower bound and the lower upper bound."""
    lower, lower_inclusive = _tighter(a.lower, a.lower_inclusive, b.lower, b.lower_inclusive, higher=True)
    upper, upper_inclusive = _tighter(a.upper, a.upper_inclusive, b.upper, b.upper_inclusive, higher=False)
    return attrs.evolve(a, lower=lower, lower_inclusive=lower_inclusive, upper=upper, upper_inclusive=upper_inclusive)


def _tighter(x: Decimal | None, x_inclusive: bool, y: Decimal | None, y_inclusive: bool,
             higher: bool) -> tuple[Decimal | None, bool]:
    if x is None:
        return y, y_inclusive
    if y is None or x == y:
        return x, x_inclusive and (y is None or y_inclusive)
    return (x, x_inclusive) if (x > y) == higher else (y, y_inclusive)


def _thresholds(rows: Sequence[ast.BandRow]) -> list[Decimal]:
    return [bound for row in rows for bound in (row.lower, row.upper) if bound is not None]


def _row_of(rows: Sequence[ast.BandRow], value: Decimal) -> int | None:
    """The row a value gets: the first bounded row that holds it, else `otherwise`, as the compiled rubric picks."""
    held = next((i for i, row in enumerate(rows) if not row.otherwise and _holds(row, value)), None)
    return held if held is not None else next((i for i, row in enumerate(rows) if row.otherwise), None)


def _holds(row: ast.BandRow, value: Decimal) -> bool:
    above = row.lower is None or (value >= row.lower if row.lower_inclusive else value > row.lower)
    below = row.upper is None or (value <= row.upper if row.upper_inclusive else value < row.upper)
    return above and below


def _points(row: ast.BandRow) -> Decimal:
    assert isinstance(row.points, ast.Number)
    return row.points.value


def _shown(value: Decimal, lang: str) -> str:
    """A number in words: with more than `SHOWN_PLACES` decimals, rounded and marked '≈', as explanations show it
    (the exact number is in the margin's fields)."""
    if places_needed(value) <= SHOWN_PLACES:
        return plain_number(value, lang)
    return "≈" + plain_number(round_to(value, SHOWN_PLACES, "half_even"), lang)


def _equals(shown: str) -> str:
    """'= 12.5', or '≈ 15.5405' for a number shown rounded."""
    return f"≈ {shown[1:]}" if shown.startswith("≈") else f"= {shown}"


def _distance(value: Decimal, cell: Cell, whole: bool) -> tuple[Decimal, bool, Literal["raise", "lower"]]:
    """The change of `value` that takes it into `cell`, whether it must go past that (an open end), and which way."""
    direction: Literal["raise", "lower"] = "raise" if value <= cell.low else "lower"
    if cell.low_inclusive and cell.high_inclusive:  # a point
        return CONTEXT.subtract(cell.low, value), False, direction
    if whole:  # the first whole number past the open end
        nearest = cell.low.to_integral_value(rounding=decimal.ROUND_FLOOR) + 1 if direction == "raise" else \
            cell.high.to_integral_value(rounding=decimal.ROUND_CEILING) - 1
        return CONTEXT.subtract(nearest, value), False, direction
    return CONTEXT.subtract(cell.low if direction == "raise" else cell.high, value), True, direction

