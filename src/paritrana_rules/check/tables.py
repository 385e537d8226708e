"""Static analysis of bands and decision tables: gaps, overlaps, rows that never apply.

Both are analysed the same way. Every variable a condition tests is split into
*cells*: for a number, the thresholds the rows mention cut its declared range
into points and open stretches; for a one-of input, its values; for yes/no,
yes and no; for a set, each tested value present or absent. Within a cell all
rows behave alike, so evaluating each row once per combination of cells is an
exact answer, not a sample. Conditions of other shapes (arithmetic between
inputs, for instance) are not analysed; the evaluator still handles them.
"""

from __future__ import annotations

import decimal
import itertools
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from paritrana_rules.language import ast
from paritrana_rules.language.expressions import compile_expr, names_read
from paritrana_rules.check.intervals import INF, Interval
from paritrana_rules.numeric import CONTEXT, add_all, plain
from paritrana_rules.errors import Severity
from paritrana_rules.source import Span

MAX_COMBINATIONS = 20_000

# code, message, span, hint, severity: the arguments of CheckState.report (state.py)
Finding = tuple[str, str, Span, str | None, Severity]


@attrs.frozen
class Cell:
    """A stretch of numbers that every threshold treats alike, with one sample value inside it."""

    low: Decimal
    low_inclusive: bool
    high: Decimal
    high_inclusive: bool
    sample: Decimal


def numeric_cells(domain: Interval, thresholds: Sequence[Decimal], whole: bool = False) -> list[Cell]:
    """Cut a range at the thresholds into points and the open stretches between them.

    For whole numbers (counts), stretches and points that hold no whole number are
    dropped, so a count band 'exactly 0' then 'from 1' has no gap between 0 and 1.
    """
    points = sorted({t for t in thresholds if domain.low <= t <= domain.high} | {
        b for b in (domain.low, domain.high) if not b.is_infinite()
    })
    low = [domain.low] if domain.low.is_infinite() else []
    edges = low + points + ([domain.high] if domain.high.is_infinite() else [])
    cells = []
    for index, edge in enumerate(edges):
        if not edge.is_infinite() and (not whole or edge == edge.to_integral_value()):
            cells.append(Cell(edge, True, edge, True, edge))
        if index + 1 < len(edges):
            nxt = edges[index + 1]
            sample = _whole_inside(edge, nxt) if whole else _inside(edge, nxt)
            if sample is not None:
                cells.append(Cell(edge, False, nxt, False, sample))
    return cells


def _whole_inside(low: Decimal, high: Decimal) -> Decimal | None:
    """A whole number strictly between low and high, if there is one."""
    first = low.to_integral_value(rounding=decimal.ROUND_FLOOR) + 1 if not low.is_infinite() else None
    last = high.to_integral_value(rounding=decimal.ROUND_CEILING) - 1 if not high.is_infinite() else None
    if first is None:
        return last
    if last is None or first <= last:
        return first
    return None


def _inside(low: Decimal, high: Decimal) -> Decimal:
    if low.is_infinite():
        return CONTEXT.subtract(high, 1)
    if high.is_infinite():
        return CONTEXT.add(low, 1)
    return CONTEXT.divide(CONTEXT.add(low, high), 2)


def describe_range(low: Decimal, low_inclusive: bool, high: Decimal, high_inclusive: bool) -> str:
    """A stretch of numbers in the band language: 'from 50 to below 75', 'exactly 100', 'below 0'."""
    if low == high:
        return f"exactly {plain(low)}"
    if low.is_infinite() and high.is_infinite():
        return "any value"
    if low.is_infinite():
        return f"{'up to' if high_inclusive else 'below'} {plain(high)}"
    start = f"{'from' if low_inclusive else 'above'} {plain(low)}"
    if high.is_infinite():
        return start
    return f"{start} to {'' if high_inclusive else 'below '}{plain(high)}"


def describe_band_row(row: ast.BandRow) -> str:
    if row.otherwise:
        return "otherwise"
    return describe_range(
        row.lower if row.lower is not None else -INF, row.lower_inclusive,
        row.upper if row.upper is not None else INF, row.upper_inclusive,
    )


def band_row_contains(row: ast.BandRow, value: Decimal) -> bool:
    """Whether a (non-otherwise) band row covers a value: the one definition used by checker and evaluator."""
    below = row.lower is not None and (value < row.lower or (value == row.lower and not row.lower_inclusive))
    above = row.upper is not None and (value > row.upper or (value == row.upper and not row.upper_inclusive))
    return not (below or above)


# ------------------------------------------------------------------ bands


def analyse_band(band: ast.PointsBand, domain: Interval, subject: str, whole: bool = False) -> list[Finding]:
    rows = [r for r in band.rows if not r.otherwise]
    otherwise = [r for r in band.rows if r.otherwise]
    thresholds = [b for r in rows for b in (r.lower, r.upper) if b is not None]
    cells = numeric_cells(domain, thresholds, whole)
    covering = [[r for r in rows if band_row_contains(r, c.sample)] for c in cells]
    findings: list[Finding] = []
    gaps = [c for c, rs in zip(cells, covering, strict=True) if not rs]
    if gaps and not otherwise:
        for low, high in _runs(gaps):
            stretch = describe_range(low.low, low.low_inclusive, high.high, high.high_inclusive)
            findings.append((
                "R501", f"no band covers {subject} {stretch}", band.span,
                f"add a row '{stretch} -> ...', or an 'otherwise -> ...' row", "error",
            ))
    reported: set[tuple[int, int]] = set()
    for rs in covering:
        for first, second in itertools.combinations(rs, 2):
            key = (id(first), id(second))
            if key in reported:
                continue
            reported.add(key)
            overlap = _overlap_cells(cells, covering, first, second)
            findings.append((
                "R502", f"bands '{describe_band_row(first)}' (line {first.span.line}) and "
                f"'{describe_band_row(second)}' both cover {subject} {overlap}", second.span,
                "bands must not overlap: make one end where the next begins, e.g. 'to below 75' then 'from 75'",
                "error",
            ))
    for row in rows:
        if not any(row in rs for rs in covering) and not empty_band_row(row):
            findings.append((
                "R503", f"band '{describe_band_row(row)}' can never apply: {subject} is always {domain.describe()}",
                row.span, "remove the row, or widen the input's declared bounds", "error",
            ))
    for row in otherwise:
        if not gaps:
            findings.append((
                "R503", "'otherwise' can never apply: the other bands cover every value", row.span,
                "remove the 'otherwise' row", "error",
            ))
    return findings


def empty_band_row(row: ast.BandRow) -> bool:
    """A row whose ends are the wrong way round: reported on its own, never as unreachable too."""
    return row.lower is not None and row.upper is not None and (
        row.lower > row.upper or (row.lower == row.upper and not (row.lower_inclusive and row.upper_inclusive)))


def _runs(cells: list[Cell]) -> Iterator[tuple[Cell, Cell]]:
    """Merge adjacent gap cells into stretches."""
    start = previous = cells[0]
    for cell in cells[1:]:
        if cell.low == previous.high and cell.low_inclusive != previous.high_inclusive:
            previous = cell
            continue
        yield start, previous
        start = previous = cell
    yield start, previous


def _overlap_cells(cells: list[Cell], covering: list[list[ast.BandRow]], a: ast.BandRow, b: ast.BandRow) -> str:
    both = [c for c, rs in zip(cells, covering, strict=True) if a in rs and b in rs]
    low, high = both[0], both[-1]
    return describe_range(low.low, low.low_inclusive, high.high, high.high_inclusive)


# ------------------------------------------------------------------ tables


@attrs.frozen
class TableAnalysis:
    diagnostics: list[Finding]
    points_range: Interval | None  # exact range of a sum table whose rows give constant points


class _Unsupported(Exception):
    """A condition outside the shapes the cell analysis understands."""


@attrs.define
class _Variables:
    """What the rows test: thresholds per number, values per one-of, tested members per set."""

    numbers: dict[str, list[Decimal]] = attrs.Factory(dict)
    enums: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    bools: list[str] = attrs.Factory(list)
    sets: dict[str, list[str]] = attrs.Factory(dict)


def analyse_table(table: ast.PointsTable, values: Mapping[str, Any], rounding_mode: str) -> TableAnalysis:
    """Gaps, overlaps and dead rows of a decision table; when its conditions are beyond the analysis,
    a table that could leave a case uncovered (or, under `unique`, doubly covered) is an error."""
    conditions = [r.condition for r in table.rows if r.condition is not None]
    variables = _Variables()
    try:
        for condition in conditions:
            _collect(condition, values, variables)
        _independent(variables, values)
    except _Unsupported:
        return TableAnalysis(_unanalysed(table), None)
    domains = _domains(variables, values)
    if domains is None:
        return TableAnalysis(_unanalysed(table), None)
    names = list(domains)
    evaluators = [compile_expr(r.condition, rounding_mode) if r.condition is not None else None for r in table.rows]
    combos = []
    for combo in itertools.product(*(domains[n] for n in names)):
        env = {n: v for n, (v, _) in zip(names, combo, strict=True)}
        matches = [i for i, e in enumerate(evaluators) if e is not None and e(env)]
        combos.append((" and ".join(d for _, d in combo if d), matches))
    findings = _table_findings(table, combos)
    return TableAnalysis(findings, _sum_points(table, combos))


def _unanalysed(table: ast.PointsTable) -> list[Finding]:
    if table.policy == "unique":
        return [("R512", "the checker cannot prove that at most one row of this table applies: its conditions "
                 "compare computed values or test too many combinations", table.span,
                 "use 'first match' so the earlier row wins, or write conditions on single inputs", "error")]
    if table.policy != "sum" and all(r.condition is not None for r in table.rows):
        return [("R511", "the checker cannot prove that some row of this table always applies: its conditions "
                 "compare computed values or test too many combinations", table.span,
                 "add a last row 'otherwise -> ...' for the cases no row covers", "error")]
    return []


def _independent(found: _Variables, values: Mapping[str, Any]) -> None:
    """Cells treat variables as independent; a let and what it is computed from are not."""
    tested = [*found.numbers, *found.enums, *found.bools, *found.sets]
    reach = {name: _inputs_behind(name, values) for name in tested}
    for first, second in itertools.combinations(tested, 2):
        if reach[first] & reach[second]:
            raise _Unsupported


def _inputs_behind(name: str, values: Mapping[str, Any]) -> set[str]:
    """The inputs a value is computed from (itself, for an input)."""
    value = values.get(name)
    expr = getattr(value, "expr", None)
    if expr is None:
        return {name}
    return set().union(*(_inputs_behind(n, values) for n in names_read(expr))) if names_read(expr) else set()


def _collect(expr: ast.Expr, values: Mapping[str, Any], found: _Variables) -> None:
    match expr:
        case ast.Bool():
            return
        case ast.Name(name) if _kind(values, name) == "bool":
            if name not in found.bools:
                found.bools.append(name)
            return
        case ast.Unary("not", operand):
            _collect(operand, values, found)
            return
        case ast.Binary("and" | "or", left, right):
            _collect(left, values, found)
            _collect(right, values, found)
            return
        case ast.Binary("<" | "<=" | ">" | ">=" | "=" | "!=", ast.Name(name), ast.Number(value)) | ast.Binary(
            "<" | "<=" | ">" | ">=" | "=" | "!=", ast.Number(value), ast.Name(name)
        ) if _kind(values, name) == "number":
            found.numbers.setdefault(name, []).append(value)
            return
        case ast.Binary("is" | "is not" | "=" | "!=" | "in" | "not in", ast.Name(name),
                        ast.Member() | ast.SetLiteral()) if (
            _kind(values, name) == "enum"
        ):
            found.enums[name] = values[name].type.members
            return
        case ast.Binary("in" | "not in", ast.Member(member), ast.Name(name)) if _kind(values, name) == "set":
            tested = found.sets.setdefault(name, [])
            if member not in tested:
                tested.append(member)
            return
    raise _Unsupported


def _kind(values: Mapping[str, Any], name: str) -> str | None:
    value = values.get(name)
    return None if value is None else str(value.type.kind)


def _domains(found: _Variables, values: Mapping[str, Any]) -> dict[str, list[tuple[Any, str]]] | None:
    domains: dict[str, list[tuple[Any, str]]] = {}
    for name, thresholds in found.numbers.items():
        interval = values[name].interval or Interval.everything()
        whole = getattr(getattr(values[name], "spec", None), "kind", None) == "count"
        domains[name] = [(c.sample, _describe_cell(name, c)) for c in numeric_cells(interval, thresholds, whole)]
    for name, members in found.enums.items():
        domains[name] = [(m, f"{name} is {m}") for m in members]
    for name in found.bools:
        domains[name] = [(True, f"{name} is yes"), (False, f"{name} is no")]
    for name, tested in found.sets.items():
        options = []
        for present in itertools.product((True, False), repeat=len(tested)):
            chosen = frozenset(m for m, p in zip(tested, present, strict=True) if p)
            words = " and ".join(f"{m} {'in' if p else 'not in'} {name}" for m, p in zip(tested, present, strict=True))
            options.append((chosen, words))
        domains[name] = options
    size = 1
    for options in domains.values():
        size *= len(options)
    return domains if size <= MAX_COMBINATIONS else None


def _describe_cell(name: str, cell: Cell) -> str:
    if cell.low == cell.high:
        return f"{name} = {plain(cell.low)}"
    return f"{name} {describe_range(cell.low, cell.low_inclusive, cell.high, cell.high_inclusive)}"


def _table_findings(table: ast.PointsTable, combos: list[tuple[str, list[int]]]) -> list[Finding]:
    findings: list[Finding] = []
    rows = table.rows
    otherwise = [i for i, r in enumerate(rows) if r.condition is None]
    unmatched = [words for words, matches in combos if not matches]
    if unmatched and not otherwise and table.policy != "sum":
        more = f" (and {len(unmatched) - 1} other cases)" if len(unmatched) > 1 else ""
        findings.append((
            "R504", f"no row applies when {unmatched[0] or 'the table is used'}{more}", table.span,
            "add a row for this case, or a last row 'otherwise -> ...'", "error",
        ))
    if table.policy == "unique":
        reported: set[tuple[int, int]] = set()
        for words, matches in combos:
            for pair in itertools.combinations(matches, 2):
                if pair not in reported:
                    reported.add(pair)
                    first, second = pair
                    findings.append((
                        "R505", f"rows on lines {rows[first].span.line} and {rows[second].span.line} both apply when "
                        f"{words}, but the table says 'unique match'", rows[second].span,
                        "make the conditions exclusive, or use 'first match' to let the earlier row win", "error",
                    ))
    for index, row in enumerate(rows):
        if row.condition is None:
            if combos and not unmatched:
                findings.append((
                    "R506", "'otherwise' can never apply: the rows above cover every case", row.span,
                    "remove the 'otherwise' row", "error",
                ))
            continue
        if table.policy == "first":
            reachable = any(m and m[0] == index for _, m in combos)
            shadow = "its condition is never true, or earlier rows already cover every case where it is"
        else:
            reachable = any(index in m for _, m in combos)
            shadow = "its condition is never true for any input the declarations allow"
        if not reachable:
            findings.append(("R506", f"this row can never apply: {shadow}", row.span,
                             "remove it, or reorder the rows", "error"))
    return findings


def _sum_points(table: ast.PointsTable, combos: list[tuple[str, list[int]]]) -> Interval | None:
    if table.policy != "sum" or not all(isinstance(r.points, ast.Number) for r in table.rows):
        return None
    points = [r.points.value for r in table.rows if isinstance(r.points, ast.Number)]
    otherwise = [p for r, p in zip(table.rows, points, strict=True) if r.condition is None]
    totals = [
        add_all(points[i] for i in matches) if matches else (otherwise[0] if otherwise else Decimal(0))
        for _, matches in combos
    ]
    return Interval(min(totals), max(totals)) if totals else None


