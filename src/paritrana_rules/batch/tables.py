"""A chunk's plainly read rows as tables of one header, and their cells as the columns the column lane scores.

A CSV or spreadsheet row is its cells under the file's header. A record of a
JSON Lines, JSON or YAML file is its values under its own keys, each made a
cell that the lane reads as the data layer reads the value (`record_cells`):
a number as its text (`str` of an int or a Decimal writes the very digits and
exponent the data layer keeps), a list of texts as a tuple (the same set),
and text, yes/no and null as they are. A record holding anything else (a
panel of scores, a number past its limits, a list of anything but text) is
left to the row-by-row path, which says what is wrong, if anything.

Numbers become scaled integers (`numbers`); every other distinct cell is
converted once by the data layer (`cell_value`) and made a column of codes, bit
masks or booleans (`member_column`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from paritrana_rules.compile.column_values import MAX_INPUT_PLACES, Bits, Codes, Column, Fixed
from paritrana_rules.data import CellRow, InputSpec, RawCandidate
from paritrana_rules.data.limits import escaped
from paritrana_rules.data.numbers import as_written
from paritrana_rules.data.specs import Invalid
from paritrana_rules.data.values import input_value
from paritrana_rules.numeric import plain

_NUMBER_CHARS = 20  # the longest plain number the lane reads (the data layer's short form)
_WHOLE_DIGITS = 15  # digits before the point: numbers are below 10^15 (`data.MAX_MAGNITUDE`)
_DIGITS = 18  # digits in all: a scaled integer below 10^18


class Table:
    """Rows of one header (a CSV file's cells, or records' values made cells by `record_cells`), read a column at a
    time."""

    def __init__(self, header: list[str], rows: list[list[Any]]) -> None:
        self.header, self.rows, self.size = header, rows, len(rows)
        self.columns: dict[str, list[str | None]] = {}
        width = len(header)
        if rows and all(len(cells) == width for cells in rows):  # the common case: every row full, transposed at once
            self.columns = {name: list(cells) for name, cells in zip(header, zip(*rows, strict=True), strict=True)}

    def column(self, name: str) -> list[str | None]:
        """Each row's cell under `name` ("" past a short row's end), or None in every row when there is no such
        column (the field is missing)."""
        if name not in self.columns:
            if name not in self.header:
                self.columns[name] = [None] * self.size
            else:
                at = self.header.index(name)
                self.columns[name] = [cells[at] if at < len(cells) else "" for cells in self.rows]
        return self.columns[name]

    def subset(self, rows: Any) -> Table:
        return Table(self.header, [self.rows[i] for i in rows])


def missing(table: Table, name: str) -> Any:
    """Each row's cell under `name` `data.is_missing`: a column the file lacks is None in every row, and null and
    blank text are missing (in a record, False and an empty list are there). Each distinct cell is asked once:
    for text, `not cell.strip()` is `not cell or cell.isspace()`."""
    cells = table.column(name)
    blank = {cell for cell in set(cells) if cell is None or (type(cell) is str and (not cell or cell.isspace()))}
    if not blank:
        return np.zeros(len(cells), dtype=bool)
    return np.array([cell in blank for cell in cells], dtype=bool)


def plain_key(read: Any, first: str | None) -> object | None:
    """What a row is grouped into a table by, when it is read whole and its id is used here first: a CSV or
    spreadsheet row's header (the row no longer than it), a record's keys (the record read without a problem,
    with an id, and no example's `expect`); None for any other row, which the row-by-row path reads."""
    if first != escaped(read.origin):
        return None
    if isinstance(read, CellRow):
        return id(read.header) if read.too_long is None and len(read.cells) <= len(read.header) else None
    if isinstance(read, RawCandidate) and not read.problems and read.id is not None and read.expect is None:
        return tuple(read.values)
    return None


def record_cells(values: Mapping[str, object], kinds: Mapping[str, str]) -> list[object] | None:
    """A record's values as the cells of its row (see the module's note), by each input's kind; None when one is
    a value this lane does not read."""
    cells: list[object] = []
    for name, value in values.items():
        number = kinds[name] in ("number", "count")
        if value is None or type(value) is str:
            cells.append("" if value is None and number else value)  # a number's null reads as its empty cell
        elif number and type(value) in (int, Decimal):
            cells.append(str(value))
        elif not number and type(value) is bool:
            cells.append(value)
        elif not number and type(value) is list and all(type(item) is str for item in value):
            cells.append(tuple(value))
        else:
            return None
    return cells


def cell_value(spec: InputSpec, cell: object) -> tuple[object, bool] | None:
    """What the data layer reads from a cell (`data.input_value`), or None when it has something to report."""
    try:
        return input_value(spec, cell, cell is not None)
    except Invalid:
        return None


def member_column(spec: InputSpec, values: list[object]) -> Column:
    """Members as codes, sets as bit masks, yes/no as booleans, texts as codes into the texts seen."""
    if spec.kind == "bool":
        return np.array([bool(v) for v in values], dtype=bool)
    if spec.kind == "set_of":
        bits = {member: 1 << code for code, member in enumerate(spec.members)}
        return Bits(np.array([sum(bits[m] for m in v) if isinstance(v, frozenset) else 0 for v in values],
                             dtype=np.int64), spec.members)
    members = spec.members or tuple(dict.fromkeys(str(v) for v in values if v is not None)) or ("",)
    index = {member: code for code, member in enumerate(members)}
    return Codes(np.array([index.get(str(v), 0) for v in values], dtype=np.int64), members)


def rows_of(column: Bits | Codes | Any, rows: Any) -> Column:
    """The column's values at `rows`, in their order."""
    if isinstance(column, Bits):
        return Bits(column.bits[rows], column.members)
    if isinstance(column, Codes):
        return Codes(column.codes[rows], column.members)
    return column[rows]


def numbers(spec: InputSpec, cells: list[str | None], unread: Any) -> Fixed:
    """Plain numbers as scaled integers at the largest scale the column needs; an empty cell takes the default.

    A cell is read here only when the data layer would read it as the very same number: digits, at most one
    point with digits on both sides, a leading minus (not for counts), nothing else, short enough to be exact.
    """
    size = len(cells)
    texts = _number_texts(cells, _default_text(spec))
    width = max(max(map(len, texts), default=1), 1)
    codes = np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(size, width)
    length = np.count_nonzero(codes, axis=1)
    digit = (codes >= 48) & (codes <= 57)
    point, minus = codes == 46, codes == 45
    points = np.count_nonzero(point, axis=1)
    negative = minus[:, 0]
    where = np.argmax(point, axis=1)
    first = negative.astype(np.int64)
    whole = np.where(points == 1, where, length) - first
    places = np.where(points == 1, length - where - 1, 0)
    readable = (digit | point | (codes == 0))[:, 1:].all(axis=1) & (digit[:, 0] | negative)
    readable &= (points <= 1) & (whole >= 1) & (length > 0)
    readable &= (points == 0) | (places >= 1)
    readable &= (whole <= _WHOLE_DIGITS) & (places <= MAX_INPUT_PLACES) & (whole + places <= _DIGITS)
    if spec.kind == "count":
        readable &= ~negative & (points == 0)
    scale = int(places[readable].max()) if readable.any() else 0
    readable &= whole + scale <= _DIGITS  # at the column's scale, not only its own: still below 10^18
    ints = np.zeros(size, dtype=np.int64)
    with np.errstate(over="ignore"):  # only rows not read can overflow, and they are set to 0 below
        for column in range(width):  # the digits, the point skipped, as one integer
            ints = np.where(digit[:, column], ints * 10 + (codes[:, column].astype(np.int64) - 48), ints)
    ints = np.where(negative, -ints, ints) * 10 ** np.where(readable, scale - places, 0)
    readable &= _within_bounds(spec, ints, scale)
    unread |= ~readable
    return Fixed.of(np.where(readable, ints, 0), scale)


def _number_texts(cells: list[str | None], default: str | None) -> list[str]:
    """The cells `numbers` reads: an empty one as the default (if any), and "" (not read) for one too long to be
    read or holding a NUL (numpy's fixed-width text would cut it short or drop it)."""
    if not cells or cells[0] is None:  # a column the file lacks: None in every row
        return [default or ""] * len(cells)
    texts: list[str] = cells  # type: ignore[assignment]  # a column the file has: text in every row
    if default is not None and "" in texts:
        texts = [cell or default for cell in texts]
    if max(map(len, texts), default=0) > _NUMBER_CHARS or "\0" in "".join(texts):
        texts = [cell if len(cell) <= _NUMBER_CHARS and "\0" not in cell else "" for cell in texts]
    return texts


def plain_number(cell: str) -> Decimal:
    """A number cell `numbers` read (plain digits) as the data layer reads it: the number as written
    (`numbers.to_number`), which only a minus sign can make differ from `Decimal`'s reading (-0 is 0)."""
    return as_written(Decimal(cell)) if cell[0] == "-" else Decimal(cell)


def _default_text(spec: InputSpec) -> str | None:
    """The default of a number input as plain text, so that an empty cell reads as it (None: no default)."""
    if not spec.has_default or not isinstance(spec.default, Decimal):
        return None
    text = plain(spec.default)
    return text if len(text) <= _NUMBER_CHARS else None


def _within_bounds(spec: InputSpec, ints: Any, scale: int) -> Any:
    """Rows within the input's bounds, compared exactly: the bound scaled up, rounded towards the inside."""
    low, high = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    inside = np.ones(len(ints), dtype=bool)
    if spec.lower is not None:
        inside &= ints >= min(max(math.ceil(Fraction(spec.lower) * 10**scale), low), high)
    if spec.upper is not None:
        inside &= ints <= max(min(math.floor(Fraction(spec.upper) * 10**scale), high), low)
    return inside
