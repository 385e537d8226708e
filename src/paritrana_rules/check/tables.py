"""Static analysis of bands and decision tables: gaps, overlaps, rows that never apply.

Both are analysed the same way. Every variable a condition tests is split into
*cells*: for a number, the thresholds the rows mention cut its declared range
into points and open stretches; for a one-of input, its values; for yes/no,
yes and no; for a set, each tested value present or absent. Within a cell all
rows behave alike, so evaluating each row once per combination of cells is an
exact answer, not a sample. Conditions of other shapes (arithmetic between
inputs, for instance) are not analysed, nor tables with more cases than
`limits.py` allows; the evaluator still handles them.
"""

from __future__ import annotations

import bisect
import decimal
import heapq
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from paritrana_rules.language import ast
from paritrana_rules.language.expressions import compile_expr, names_read
from paritrana_rules.check.intervals import INF, Interval
from paritrana_rules.check.limits import MAX_OVERLAPS_REPORTED, MAX_TABLE_CASES, MAX_TABLE_TESTS
from paritrana_rules.check.state import Phrase
from paritrana_rules.numeric import CONTEXT, add_all, plain
from paritrana_rules.errors import Indonesian, Severity
from paritrana_rules.source import Span

# code, message, span, hint, severity, Indonesian: the arguments of CheckState.report (state.py)
Finding = tuple[str, str, Span, str | None, Severity, Indonesian]
Case = tuple[tuple[Phrase, ...], list[int]]  # a combination of cells, each in words, and the rows applying in it
_Where = TypeVar("_Where")  # where two rows were found together: a band's cell, a table's case

# Conditions nested deeper are beyond a table's analysis: `compile_expr` writes a bracket per level of
# the tree (a run of `or` included), and Python accepts 200 open brackets at most.
MAX_CONDITION_DEPTH = 100


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


def describe_range(low: Decimal, low_inclusive: bool, high: Decimal, high_inclusive: bool, lang: str = "en") -> str:
    """A stretch of numbers in the band language: 'from 50 to below 75', 'exactly 100', 'below 0';
    in Indonesian ("id") in the handbook's words: 'mulai 50 sampai di bawah 75', 'tepat 100', 'di bawah 0'."""
    if lang == "id":
        return _describe_range_id(low, low_inclusive, high, high_inclusive)
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


def _describe_range_id(low: Decimal, low_inclusive: bool, high: Decimal, high_inclusive: bool) -> str:
    if low == high:
        return f"tepat {plain(low)}"
    if low.is_infinite() and high.is_infinite():
        return "berapa pun"
    if low.is_infinite():
        return f"{plain(high)} atau kurang" if high_inclusive else f"di bawah {plain(high)}"
    if high.is_infinite():
        return f"{plain(low)} atau lebih" if low_inclusive else f"di atas {plain(low)}"
    start = f"mulai {plain(low)}" if low_inclusive else f"di atas {plain(low)}"
    return f"{start} sampai {'dengan' if high_inclusive else 'di bawah'} {plain(high)}"


def _describe(low: Decimal, low_inclusive: bool, high: Decimal, high_inclusive: bool) -> Phrase:
    """A stretch of numbers in both languages."""
    return Phrase(*(describe_range(low, low_inclusive, high, high_inclusive, lang) for lang in ("en", "id")))


def describe_band_row(row: ast.BandRow) -> str:
    if row.otherwise:
        return "otherwise"
    return describe_range(
        row.lower if row.lower is not None else -INF, row.lower_inclusive,
        row.upper if row.upper is not None else INF, row.upper_inclusive,
    )


def _under(row: ast.BandRow, value: Decimal) -> bool:
    """Whether a value lies under a (non-otherwise) band row: below its lower end, or on an excluded one."""
    return row.lower is not None and (value < row.lower or (value == row.lower and not row.lower_inclusive))


def _over(row: ast.BandRow, value: Decimal) -> bool:
    """Whether a value lies over a (non-otherwise) band row: above its upper end, or on an excluded one."""
    return row.upper is not None and (value > row.upper or (value == row.upper and not row.upper_inclusive))


# ------------------------------------------------------------------ bands


def analyse_band(band: ast.PointsBand, domain: Interval, name: str | None, whole: bool = False) -> list[Finding]:
    """Gaps, overlaps and rows that never apply, in n log n for n rows; `name` is what the band looks up
    (None for a computed value).

    The cells a row covers are a stretch of consecutive cells, found by bisection: a value is under a
    row, then in it, then over it, as it grows. How many rows cover each cell follows from where
    stretches start and end.
    """
    subject = Phrase(name, name) if name else Phrase("the value", "nilai yang dicocokkan")
    rows = [r for r in band.rows if not r.otherwise]
    otherwise = [r for r in band.rows if r.otherwise]
    thresholds = [b for r in rows for b in (r.lower, r.upper) if b is not None]
    cells = numeric_cells(domain, thresholds, whole)
    samples = [c.sample for c in cells]
    stretches = [_stretch(row, samples) for row in rows]
    findings: list[Finding] = []
    gaps = [c for c, covered in zip(cells, _coverage(stretches, len(cells)), strict=True) if not covered]
    if gaps and not otherwise:
        for low, high in _runs(gaps):
            stretch = _describe(low.low, low.low_inclusive, high.high, high.high_inclusive)
            missing = f"'{stretch.en} -> ...'"
            findings.append((
                "R501", f"no band covers {subject.en} {stretch.en}", band.span,
                f"add a row {missing}, or an 'otherwise -> ...' row", "error",
                Indonesian(f"tidak ada rentang yang mencakup {subject.id} {stretch.id}",
                           f"tambahkan baris {missing}, atau baris 'otherwise -> ...'"),
            ))
    findings.extend(_band_overlaps(rows, stretches, cells, subject))
    for row, (first, end) in zip(rows, stretches, strict=True):
        if first >= end and not empty_band_row(row):
            band_row = describe_band_row(row)
            findings.append((
                "R503", f"band '{band_row}' can never apply: {subject.en} is always {domain.describe()}",
                row.span, "remove the row, or widen the input's declared bounds", "error",
                Indonesian(f"rentang '{band_row}' tidak akan pernah berlaku: {subject.id} selalu bernilai "
                           f"{domain.describe('id')}", "hapus baris itu, atau perlebar batas yang dideklarasikan "
                           "pada inputnya"),
            ))
    for row in otherwise:
        if not gaps:
            findings.append((
                "R503", "'otherwise' can never apply: the other bands cover every value", row.span,
                "remove the 'otherwise' row", "error",
                Indonesian("'otherwise' tidak akan pernah berlaku: rentang lainnya sudah mencakup semua nilai",
                           "hapus baris 'otherwise'"),
            ))
    return findings


def _stretch(row: ast.BandRow, samples: list[Decimal]) -> tuple[int, int]:
    """The cells a row covers, as (the first, the one after the last), from each cell's sample value."""
    first = bisect.bisect_left(samples, True, key=lambda value: not _under(row, value))
    end = bisect.bisect_left(samples, True, key=lambda value: _over(row, value))
    return first, end


def _coverage(stretches: list[tuple[int, int]], cells: int) -> list[int]:
    """How many rows cover each cell, from the stretch (first cell, cell after the last) each row covers."""
    change = [0] * (cells + 1)
    for first, end in stretches:
        if first < end:
            change[first] += 1
            change[end] -= 1
    return list(itertools.accumulate(change[:-1]))


def _band_overlaps(rows: list[ast.BandRow], stretches: list[tuple[int, int]], cells: list[Cell],
                   subject: Phrase) -> list[Finding]:
    """R502 for the first pairs of rows that cover a cell in common, in the order of that first cell."""
    findings: list[Finding] = []
    for first, second, _ in itertools.islice(_pairs_met(_covering_where_rows_start(stretches)),
                                             MAX_OVERLAPS_REPORTED):
        low = cells[max(stretches[first][0], stretches[second][0])]
        high = cells[min(stretches[first][1], stretches[second][1]) - 1]
        overlap = _describe(low.low, low.low_inclusive, high.high, high.high_inclusive)
        one, other, line = describe_band_row(rows[first]), describe_band_row(rows[second]), rows[first].span.line
        findings.append((
            "R502", f"bands '{one}' (line {line}) and '{other}' both cover {subject.en} {overlap.en}",
            rows[second].span,
            "bands must not overlap: make one end where the next begins, e.g. 'to below 75' then 'from 75'",
            "error",
            Indonesian(f"rentang '{one}' (baris {line}) dan '{other}' sama-sama mencakup {subject.id} {overlap.id}",
                       "rentang tidak boleh tumpang tindih: akhiri satu rentang tepat di awal rentang berikutnya, "
                       "misalnya 'to below 75' lalu 'from 75'"),
        ))
    return findings


def _covering_where_rows_start(stretches: list[tuple[int, int]]) -> Iterator[tuple[int, list[int]]]:
    """Each cell where a row starts, with the rows covering it in the band's order: two rows first
    cover a cell together where the later of them starts."""
    starting: dict[int, list[int]] = {}
    for row, (first, end) in enumerate(stretches):
        if first < end:
            starting.setdefault(first, []).append(row)
    covering: list[int] = []
    leaving: list[tuple[int, int]] = []  # (the cell after a covering row's last, the row), soonest first
    for cell in sorted(starting):
        while leaving and leaving[0][0] <= cell:
            del covering[bisect.bisect_left(covering, heapq.heappop(leaving)[1])]
        for row in starting[cell]:
            bisect.insort(covering, row)
            heapq.heappush(leaving, (stretches[row][1], row))
        yield cell, covering


def _pairs_met(groups: Iterable[tuple[_Where, Sequence[int]]]) -> Iterator[tuple[int, int, _Where]]:
    """Each pair of rows found together in a group, once, with the first group that has it.

    Callers take only the first few pairs. Every pair met before has been taken, so passing over those
    costs little, however many rows a group holds.
    """
    met: set[tuple[int, int]] = set()
    for where, rows in groups:
        for first, second in itertools.combinations(rows, 2):
            if (first, second) not in met:
                met.add((first, second))
                yield first, second, where


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


# ------------------------------------------------------------------ tables


@attrs.frozen
class TableAnalysis:
    diagnostics: list[Finding]
    points_range: Interval | None  # exact range of a sum table whose rows give constant points


class _Unsupported(Exception):
    """A table beyond the analysis: a condition of a shape it does not understand, or too many cases."""


@attrs.define
class _Variables:
    """What the rows test: thresholds per number, values per one-of, yes/no inputs, tested values per set."""

    numbers: dict[str, list[Decimal]] = attrs.Factory(dict)
    enums: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    bools: dict[str, None] = attrs.Factory(dict)
    sets: dict[str, dict[str, None]] = attrs.Factory(dict)


def analyse_table(table: ast.PointsTable, values: Mapping[str, Any], rounding_mode: str) -> TableAnalysis:
    """Gaps, overlaps and dead rows of a decision table; when its conditions are beyond the analysis,
    a table that could leave a case uncovered (or, under `unique`, doubly covered) is an error."""
    conditions = [r.condition for r in table.rows if r.condition is not None]
    variables = _Variables()
    try:
        for condition in conditions:
            _collect(condition, values, variables)
        domains = _domains(variables, values, len(conditions))
        _independent(variables, values)
    except _Unsupported:
        return TableAnalysis(_unanalysed(table), None)
    cases = _cases(table, domains, rounding_mode)
    return TableAnalysis(_table_findings(table, cases), _sum_points(table, cases))


def _cases(table: ast.PointsTable, domains: dict[str, list[tuple[Any, Phrase]]], rounding_mode: str) -> list[Case]:
    """Every combination of cells, each described, with the rows that apply in it."""
    names = list(domains)
    evaluators = [(i, compile_expr(r.condition, rounding_mode)) for i, r in enumerate(table.rows)
                  if r.condition is not None]
    cases = []
    for combo in itertools.product(*domains.values()):
        env = {n: v for n, (v, _) in zip(names, combo, strict=True)}
        cases.append((tuple(d for _, d in combo if d.en), [i for i, e in evaluators if e(env)]))
    return cases


def _case_words(case: tuple[Phrase, ...]) -> Phrase:
    """A case in words, made only for the few cases a message names."""
    return Phrase(" and ".join(p.en for p in case), " dan ".join(p.id for p in case))


def _unanalysed(table: ast.PointsTable) -> list[Finding]:
    because = ("compare computed values or test too many combinations",
               "membandingkan nilai hasil hitungan atau menguji terlalu banyak kombinasi")
    if table.policy == "unique":
        return [("R512", "the checker cannot prove that at most one row of this table applies: its conditions "
                 f"{because[0]}", table.span,
                 "use 'first match' so the earlier row wins, or write conditions on single inputs", "error",
                 Indonesian("pemeriksa tidak dapat membuktikan bahwa paling banyak satu baris tabel ini yang berlaku: "
                            f"kondisinya {because[1]}", "gunakan 'first match' agar baris yang lebih awal yang "
                            "berlaku, atau tulis kondisi pada input tunggal"))]
    if table.policy != "sum" and all(r.condition is not None for r in table.rows):
        return [("R511", "the checker cannot prove that some row of this table always applies: its conditions "
                 f"{because[0]}", table.span,
                 "add a last row 'otherwise -> ...' for the cases no row covers", "error",
                 Indonesian("pemeriksa tidak dapat membuktikan bahwa selalu ada baris tabel ini yang berlaku: "
                            f"kondisinya {because[1]}", "tambahkan baris terakhir 'otherwise -> ...' untuk kasus "
                            "yang tidak tercakup baris mana pun"))]
    return []


def _independent(found: _Variables, values: Mapping[str, Any]) -> None:
    """Cells treat variables as independent; a let and what it is computed from are not."""
    tested_by: dict[str, str] = {}  # input -> the tested variable computed from it
    for name in [*found.numbers, *found.enums, *found.bools, *found.sets]:
        for source in _inputs_behind(name, values):
            if tested_by.setdefault(source, name) != name:
                raise _Unsupported


def _inputs_behind(name: str, values: Mapping[str, Any]) -> set[str]:
    """The inputs a value is computed from (itself, for an input), each let followed once: lets may
    share what they read, and stand in chains of thousands."""
    inputs: set[str] = set()
    seen = {name}
    pending = [name]
    while pending:
        current = pending.pop()
        expr = getattr(values.get(current), "expr", None)
        if expr is None:
            inputs.add(current)
            continue
        reads = [n for n in names_read(expr) if n not in seen]
        seen.update(reads)
        pending.extend(reads)
    return inputs


def _collect(expr: ast.Expr, values: Mapping[str, Any], found: _Variables, depth: int = 0) -> None:
    if depth > MAX_CONDITION_DEPTH:
        raise _Unsupported
    match expr:
        case ast.Bool():
            return
        case ast.Name(name) if _kind(values, name) == "bool":
            found.bools[name] = None
            return
        case ast.Unary("not", operand):
            _collect(operand, values, found, depth + 1)
            return
        case ast.Binary("and" | "or", left, right):
            _collect(left, values, found, depth + 1)
            _collect(right, values, found, depth + 1)
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
            found.sets.setdefault(name, {})[member] = None
            return
    raise _Unsupported


def _kind(values: Mapping[str, Any], name: str) -> str | None:
    value = values.get(name)
    return None if value is None else str(value.type.kind)


def _domains(found: _Variables, values: Mapping[str, Any], conditions: int) -> dict[str, list[tuple[Any, Phrase]]]:
    """The cells of each variable with their descriptions, once it is known that the cases they make
    are few enough to enumerate (a set tested value by value doubles them with each value)."""
    cells = {name: numeric_cells(values[name].interval or Interval.everything(), thresholds,
                                 getattr(getattr(values[name], "spec", None), "kind", None) == "count")
             for name, thresholds in found.numbers.items()}
    cases = math.prod([*map(len, cells.values()), *map(len, found.enums.values()), 2 ** len(found.bools),
                       *(2 ** len(tested) for tested in found.sets.values())])
    if cases > MAX_TABLE_CASES or cases * conditions > MAX_TABLE_TESTS:
        raise _Unsupported
    domains: dict[str, list[tuple[Any, Phrase]]] = {
        name: [(c.sample, _describe_cell(name, c)) for c in number_cells] for name, number_cells in cells.items()
    }
    for name, members in found.enums.items():
        domains[name] = [(m, Phrase(f"{name} is {m}", f"{name} bernilai {m}")) for m in members]
    for name in found.bools:
        domains[name] = [(True, Phrase(f"{name} is yes", f"{name} bernilai ya")),
                         (False, Phrase(f"{name} is no", f"{name} bernilai tidak"))]
    for name, tested in found.sets.items():
        options = []
        for present in itertools.product((True, False), repeat=len(tested)):
            chosen = frozenset(m for m, p in zip(tested, present, strict=True) if p)
            words = [Phrase(f"{m} {'in' if p else 'not in'} {name}", f"{m} {'ada' if p else 'tidak ada'} di {name}")
                     for m, p in zip(tested, present, strict=True)]
            options.append((chosen, _case_words(tuple(words))))
        domains[name] = options
    return domains


def _describe_cell(name: str, cell: Cell) -> Phrase:
    if cell.low == cell.high:
        return Phrase(f"{name} = {plain(cell.low)}", f"{name} = {plain(cell.low)}")
    stretch = _describe(cell.low, cell.low_inclusive, cell.high, cell.high_inclusive)
    return Phrase(f"{name} {stretch.en}", f"{name} {stretch.id}")


def _table_findings(table: ast.PointsTable, cases: list[Case]) -> list[Finding]:
    findings: list[Finding] = []
    rows = table.rows
    otherwise = [i for i, r in enumerate(rows) if r.condition is None]
    unmatched = [case for case, matches in cases if not matches]
    if unmatched and not otherwise and table.policy != "sum":
        findings.append(_uncovered(table, unmatched))
    if table.policy == "unique":
        for first, second, case in itertools.islice(_pairs_met(cases), MAX_OVERLAPS_REPORTED):
            words, lines = _case_words(case), (rows[first].span.line, rows[second].span.line)
            findings.append((
                "R505", f"rows on lines {lines[0]} and {lines[1]} both apply when {words.en}, but the table says "
                "'unique match'", rows[second].span,
                "make the conditions exclusive, or use 'first match' to let the earlier row win", "error",
                Indonesian(f"baris {lines[0]} dan baris {lines[1]} sama-sama berlaku bila {words.id}, padahal "
                           "tabel ini menyatakan 'unique match'", "buat kondisinya saling meniadakan, atau gunakan "
                           "'first match' agar baris yang lebih awal yang berlaku"),
            ))
    if table.policy == "first":
        applying = {matches[0] for _, matches in cases if matches}
        shadow = Phrase("its condition is never true, or earlier rows already cover every case where it is",
                        "kondisinya tidak pernah benar, atau baris sebelumnya sudah mencakup setiap kasus saat "
                        "kondisinya benar")
    else:
        applying = {index for _, matches in cases for index in matches}
        shadow = Phrase("its condition is never true for any input the declarations allow",
                        "kondisinya tidak pernah benar untuk input apa pun yang diizinkan deklarasinya")
    for index, row in enumerate(rows):
        if row.condition is None:
            if cases and not unmatched:
                findings.append((
                    "R506", "'otherwise' can never apply: the rows above cover every case", row.span,
                    "remove the 'otherwise' row", "error",
                    Indonesian("'otherwise' tidak akan pernah berlaku: baris-baris di atasnya sudah mencakup setiap "
                               "kasus", "hapus baris 'otherwise'"),
                ))
        elif index not in applying:
            findings.append(("R506", f"this row can never apply: {shadow.en}", row.span,
                             "remove it, or reorder the rows", "error",
                             Indonesian(f"baris ini tidak akan pernah berlaku: {shadow.id}",
                                        "hapus baris itu, atau ubah urutan barisnya")))
    return findings


def _uncovered(table: ast.PointsTable, unmatched: list[tuple[Phrase, ...]]) -> Finding:
    """R504 for the first case no row covers, and how many more there are."""
    words = _case_words(unmatched[0])
    when = Phrase(words.en or "the table is used", words.id or "tabel ini dipakai")
    others = len(unmatched) - 1
    more_en, more_id = (f" (and {others} other cases)", f" (dan {others} kasus lain)") if others else ("", "")
    return ("R504", f"no row applies when {when.en}{more_en}", table.span,
            "add a row for this case, or a last row 'otherwise -> ...'", "error",
            Indonesian(f"tidak ada baris yang berlaku bila {when.id}{more_id}",
                       "tambahkan baris untuk kasus ini, atau baris terakhir 'otherwise -> ...'"))


def _sum_points(table: ast.PointsTable, cases: list[Case]) -> Interval | None:
    if table.policy != "sum" or not all(isinstance(r.points, ast.Number) for r in table.rows):
        return None
    points = [r.points.value for r in table.rows if isinstance(r.points, ast.Number)]
    otherwise = [p for r, p in zip(table.rows, points, strict=True) if r.condition is None]
    totals = [
        add_all(points[i] for i in matches) if matches else (otherwise[0] if otherwise else Decimal(0))
        for _, matches in cases
    ]
    return Interval(min(totals), max(totals)) if totals else None


