"""CSV files and .xlsx workbooks -> `CellRow`s, streamed: a header row naming the columns, then a row each.

Every cell is text, as a CSV export would hold it, so validation parses it by
the input's kind. A row stays a `CellRow` (cheap to read and to hand to
another process) until `record()` makes it a `RawCandidate`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import attrs

from paritrana_rules.data.files import file_error, text_stream
from paritrana_rules.data.records import duplicates, raw_candidate
from paritrana_rules.data.specs import Issue
from paritrana_rules.data.values import RawCandidate
from paritrana_rules.errors import InputError, InputProblem, did_you_mean


@attrs.frozen
class CellRow:
    """A row of a CSV file or spreadsheet as read: not yet a record, so cheap to read and to hand to another
    process, which makes it one with `record()`. A batch reads rows in one process and judges them in several."""

    cells: list[str]
    header: list[str]
    origin: str

    @property
    def id(self) -> str | None:
        column = self.header.index("id")
        return (self.cells[column].strip() or None) if column < len(self.cells) else None

    def record(self) -> RawCandidate:
        candidate = candidate_from_cells(self.cells, self.header, self.origin)
        assert candidate is not None  # rows with no value at all are never made CellRows
        return candidate


# ---- CSV


def read_csv(path: Path, label: str) -> Iterator[CellRow]:
    with text_stream(path, label) as stream:
        reader = csv.reader(stream)
        try:
            header = [cell.strip() for cell in next(reader, [])]
            check_header(header, label)
            yield from _csv_rows(reader, header, label)
        except csv.Error as error:
            file_error(label, f"not valid CSV: line {reader.line_num}: {error}")


class _CsvReader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


def _csv_rows(reader: _CsvReader, header: list[str], label: str) -> Iterator[CellRow]:
    """Each row with a value, its origin naming the line the row starts on (a wholly empty row is no candidate)."""
    end = reader.line_num
    for row in reader:
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in row):
            yield CellRow(row, header, f"{label}, row {start}")


# ---- spreadsheets


def read_xlsx(path: Path, label: str) -> Iterator[CellRow]:
    """The first sheet of a workbook, read like a CSV file: a header row naming the columns, then a row each."""
    try:
        # Imported here, not at the top: openpyxl comes with the optional 'xlsx' extra, and only .xlsx files need it.
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        file_error(label, "reading .xlsx files needs the 'xlsx' extra", "pip install 'paritrana-rules[xlsx]'")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        file_error(label, f"not a readable .xlsx workbook: {error}", "save it from the spreadsheet as .xlsx")
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(cell).strip() for cell in next(rows, ())]
        check_header(header, label)
        for number, row in enumerate(rows, 2):
            cells = [cell_text(cell) for cell in row]
            if any(cell.strip() for cell in cells):
                yield CellRow(cells, header, f"{label}, row {number}")
    finally:
        workbook.close()


def cell_text(cell: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold: numbers in their shortest exact-looking form.

    A spreadsheet stores numbers as binary floats; the shortest text that reads
    back as the same float is what the person typed, so that is what is validated.
    """
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else format(Decimal(repr(cell)), "f")  # 1e-07 -> 0.0000001
    return str(cell)


# ---- header and cells


def check_header(header: list[str], label: str) -> None:
    if not any(header):
        file_error(label, "the file is empty", "the first row must name the columns, starting with 'id'")
    problems = [
        InputProblem(label, name, f"column '{name}' appears more than once in the header", "rename or merge them")
        for name in duplicates(name for name in header if name)
    ]
    if "id" not in header:
        problems.append(InputProblem(label, "id", "the header has no 'id' column", _id_column_hint(header)))
    if problems:
        raise InputError(problems)


def _id_column_hint(header: list[str]) -> str | None:
    if len(header) == 1 and ";" in header[0]:
        return "columns seem to be separated by ';': save the file with ',' (in Excel: 'CSV UTF-8')"
    return did_you_mean("id", header)


def candidate_from_cells(row: list[str], header: list[str], origin: str) -> RawCandidate | None:
    """One row as a record: empty cells are missing; a wholly empty row is no candidate at all."""
    filled = [(column, cell) for column, cell in enumerate(row) if cell.strip()]
    if not filled:
        return None
    # Blank cells are kept as "": for a set-of column that means "none of them" (docs/language.md),
    # for any other column it is an empty value, which takes the default or is reported.
    named = [(name, row[column] if column < len(row) else "") for column, name in enumerate(header) if name]
    issues = [Issue(f"a value in column {column + 1}, which has no name in the header", "name the column")
              for column, _ in filled if column < len(header) and not header[column]]
    if any(column >= len(header) for column, _ in filled):
        message = f"the row has {len(row)} cells but the header has {len(header)} columns"
        issues.append(Issue(message, "remove the extra cells, or name their column in the header"))
    return raw_candidate(dict(named), origin, issues)
