"""A criterion's points: a formula, a band or a decision table, whose points stay on the scale.

Bands and tables are also analysed for gaps, overlaps and rows that can never
apply (`tables.py`), unless they already have errors the analysis would echo.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from paritrana_rules.check import intervals, tables
from paritrana_rules.check.expressions import expect
from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.model import BOOL, NUMBER, InputModel
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian
from paritrana_rules.language import ast
from paritrana_rules.numeric import add_all, plain
from paritrana_rules.source import Span


def check_points(state: CheckState, name: str, points: ast.Points) -> ast.Points:
    """The points clause of criterion `name`, resolved."""
    match points:
        case ast.PointsExpr(expr):
            analysed = expect(state, expr, NUMBER, Phrase("points must be a number", "poin harus berupa angka"))
            _on_scale(state, name, analysed.interval, expr.span)
            return attrs.evolve(points, expr=analysed.expr)
        case ast.PointsBand():
            return _band(state, name, points)
        case ast.PointsTable():
            return _table(state, name, points)
    raise TypeError(points)


_POINTS = Phrase("points", "poin")


def _on_scale(state: CheckState, name: str, interval: Interval | None, span: Span, what: Phrase = _POINTS) -> None:
    if interval is None or interval.within(state.scale):
        return
    clamp = f"clamp(..., {plain(state.scale.low)}, {plain(state.scale.high)})"
    state.report("R500", f"{what.en} of '{name}' can be {interval.describe()}, outside the scale "
                 f"{state.scale.describe()}", span, f"limit it with {clamp} or use a band",
                 indonesian=Indonesian(f"{what.id} '{name}' dapat bernilai {interval.describe('id')}, di luar skala "
                                       f"{state.scale.describe('id')}", f"batasi dengan {clamp} atau gunakan rentang "
                                       "(band)"))


def _band(state: CheckState, name: str, band: ast.PointsBand) -> ast.PointsBand:
    before = len(state.diagnostics)
    subject = expect(state, band.subject, NUMBER, Phrase("a band needs a number to look up",
                                                         "rentang (band) memerlukan angka untuk dicocokkan"))
    rows = []
    for row in band.rows:
        value = expect(state, row.points, NUMBER, Phrase("band points must be a number",
                                                         "poin suatu rentang harus berupa angka"))
        _on_scale(state, name, value.interval, row.points.span)
        rows.append(attrs.evolve(row, points=value.expr))
        if row.otherwise and row is not band.rows[-1]:
            state.report("R506", "'otherwise' must be the last band; bands after it can never apply", row.span,
                         "move the 'otherwise' row to the end, and keep only one",
                         indonesian=Indonesian("'otherwise' harus menjadi rentang terakhir; rentang sesudahnya tidak "
                                               "akan pernah berlaku", "pindahkan baris 'otherwise' ke akhir, dan "
                                               "sisakan satu saja"))
        if tables.empty_band_row(row):
            state.report("R510", "this band contains no value: its lower end is not below its upper end", row.span,
                         "write the lower end first, e.g. 'from 50 to below 75'",
                         indonesian=Indonesian("rentang ini tidak mencakup nilai apa pun: ujung bawahnya tidak lebih "
                                               "rendah daripada ujung atasnya", "tulis ujung bawahnya lebih dulu, "
                                               "misalnya 'from 50 to below 75'"))
    resolved = attrs.evolve(band, subject=subject.expr, rows=tuple(rows))
    if subject.interval is not None and not state.errors_since(before):
        whole = ((isinstance(band.subject, ast.Name) and _is_count(state, band.subject.id))
                 or (isinstance(band.subject, ast.Call) and band.subject.func == "count_of"))
        for diagnostic in tables.analyse_band(resolved, subject.interval, _describe_expr(band.subject), whole):
            state.report(*diagnostic)
    return resolved


def _is_count(state: CheckState, name: str) -> bool:
    value = state.values.get(name)
    return isinstance(value, InputModel) and value.spec.kind == "count"


def _describe_expr(expr: ast.Expr) -> str | None:
    return expr.id if isinstance(expr, ast.Name) else None


def _table(state: CheckState, name: str, table: ast.PointsTable) -> ast.PointsTable:
    before = len(state.diagnostics)
    rows = []
    for index, row in enumerate(table.rows):
        condition = None
        if row.condition is not None:
            condition = expect(state, row.condition, BOOL, Phrase("a table row's condition must be yes/no",
                                                                  "kondisi baris tabel harus bernilai ya/tidak")).expr
        elif index != len(table.rows) - 1:
            state.report("R506", "'otherwise' must be the last row; rows after it can never apply",
                         table.rows[index + 1].span, "move the 'otherwise' row to the end",
                         indonesian=Indonesian("'otherwise' harus menjadi baris terakhir; baris sesudahnya tidak "
                                               "akan pernah berlaku", "pindahkan baris 'otherwise' ke akhir"))
        value = expect(state, row.points, NUMBER, Phrase("table points must be a number",
                                                         "poin tabel harus berupa angka"))
        if table.policy != "sum":
            _on_scale(state, name, value.interval, row.points.span)
        rows.append((attrs.evolve(row, condition=condition, points=value.expr), value.interval))
    resolved = attrs.evolve(table, rows=tuple(r for r, _ in rows))
    if table.limit is not None:
        _check_limit(state, name, table.limit)
    if state.errors_since(before):
        return resolved
    analysis = tables.analyse_table(resolved, state.values, state.rounding_mode)
    for diagnostic in analysis.diagnostics:
        state.report(*diagnostic)
    if table.policy == "sum":
        interval = analysis.points_range or _sum_range([i for _, i in rows])
        if table.limit is not None:
            interval = limited(interval or Interval.everything(), table.limit)
        _on_scale(state, name, interval, table.span, Phrase("the sum of matching rows",
                                                            "jumlah baris yang cocok untuk"))
    return resolved


def limited(interval: Interval, limit: ast.SumLimit) -> Interval:
    """The values a sum kept in `limit` can take, when the sum itself can take `interval`."""
    kept = intervals.minimum([interval, Interval.point(limit.high)])
    return kept if limit.low is None else intervals.maximum([kept, Interval.point(limit.low)])


def _check_limit(state: CheckState, name: str, limit: ast.SumLimit) -> None:
    """A sum's limits are points of the criterion: on the scale, and in order."""
    if limit.low is not None and limit.low > limit.high:
        low, high = plain(limit.low), plain(limit.high)
        state.report("R518", f"the sum of '{name}' is kept between {low} and {high}, but {low} is above {high}",
                     limit.span, f"write the lower limit first: between {high} and {low}",
                     indonesian=Indonesian(f"jumlah '{name}' dibatasi antara {low} dan {high}, padahal {low} lebih "
                                           f"tinggi daripada {high}", f"tulis batas bawah lebih dulu: between {high} "
                                           f"and {low}"))
        return
    for value, english, indonesian in ((limit.low, "from", "paling rendah"), (limit.high, "up to", "paling tinggi")):
        if value is not None and not Interval.point(value).within(state.scale):
            low, high = plain(state.scale.low), plain(state.scale.high)
            state.report("R517", f"the sum of '{name}' is kept {english} {plain(value)}, outside the scale "
                         f"{state.scale.describe()}", limit.span, f"choose a limit from {low} to {high}",
                         indonesian=Indonesian(f"jumlah '{name}' dibatasi {indonesian} {plain(value)}, di luar "
                                               f"skala {state.scale.describe('id')}",
                                               f"pilih batas dari {low} sampai {high}"))


def _sum_range(ranges: list[Interval | None]) -> Interval | None:
    """A loose range for a sum-of-matches table: any subset of rows may match."""
    if any(r is None for r in ranges):
        return None
    known = [r for r in ranges if r is not None]
    low = add_all(min(r.low, Decimal(0)) for r in known)
    high = add_all(max(r.high, Decimal(0)) for r in known)
    return Interval(low, high)
