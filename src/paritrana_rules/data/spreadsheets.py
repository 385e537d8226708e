"""CSV files and .xlsx workbooks -> `CellRow`s, streamed: a header row naming the columns, then a row each.

Every cell is text, as a CSV export would hold it, so validation parses it by
the input's kind. A row stays a `CellRow` (cheap to read and to hand to
another process) until `record()` makes it a `RawCandidate`. Each CSV row is
held to `MAX_ROW_CHARS` as it is read: a longer one is read through, never
kept, and comes back as a rejected row of its own. A workbook is looked over
before openpyxl opens it (`workbooks`).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from paritrana_rules.data.files import STDIN, LineReader, file_error, rest_of_line, text_stream
from paritrana_rules.data.limits import MAX_FIELDS, MAX_ROW_CHARS, XLSX_LAST_ROW, field_name_issue, safe_text, usable_id
from paritrana_rules.data.records import duplicates, raw_candidate, unread_line
from paritrana_rules.data.specs import Issue, show
from paritrana_rules.data.values import RawCandidate
from paritrana_rules.data.workbooks import Workbook, check_workbook, workbook_file
from paritrana_rules.errors import InputError, InputProblem, did_you_mean


class CellRow(NamedTuple):
    """A row of a CSV file or spreadsheet as read: not yet a record, so cheap to read and to hand to another
    process, which makes it one with `record()`. A batch reads rows in one process and judges them in several:
    a plain tuple, since rows cross processes by the thousand."""

    cells: list[str]
    header: list[str]
    origin: str
    too_long: int | None = None  # the row's length, when it was longer than MAX_ROW_CHARS and so not read

    @property
    def id(self) -> str | None:
        column = self.header.index("id")
        return usable_id(self.cells[column]) if column < len(self.cells) else None

    def record(self) -> RawCandidate:
        if self.too_long is not None:
            return unread_line(self.origin, "row", self.too_long)
        candidate = candidate_from_cells(self.cells, self.header, self.origin)
        assert candidate is not None  # rows with no value at all are never made CellRows
        return candidate


# ---- CSV


def read_csv(path: Path, label: str) -> Iterator[CellRow]:
    with text_stream(path, label) as stream:
        lines = _RowLines(stream)
        reader = csv.reader(lines)
        header = _csv_header(reader, lines, label)
        yield from csv_rows_after(stream, lines.line_number, header, label)


def csv_header(path: Path, label: str) -> tuple[list[str], int, int]:
    """A CSV file's header, checked, with the byte offset where its rows start and the number of lines it took."""
    with text_stream(path, label) as stream:
        lines = _RowLines(stream, kept=[])
        header = _csv_header(csv.reader(lines), lines, label)
    with open(path, "rb") as file:
        marked = file.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8  # the byte-order mark the text leaves out
    return header, len(codecs.BOM_UTF8) * marked + len("".join(lines.kept or ()).encode("utf-8")), lines.line_number


def csv_rows_after(stream: TextIO, lines_before: int, header: list[str], label: str) -> Iterator[CellRow]:
    """The rows of a CSV text stream that starts where a row starts, `lines_before` lines into its file."""
    lines = _RowLines(stream)
    lines.line_number = lines_before
    reader = csv.reader(lines)
    try:
        yield from _csv_rows(reader, lines, header, label)
    except csv.Error as error:
        file_error(label, f"not valid CSV: line {lines.line_number}: {error}")


def _csv_header(reader: Iterator[list[str]], lines: _RowLines, label: str) -> list[str]:
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error as error:
        file_error(label, f"not valid CSV: line {lines.line_number}: {error}")
    except _RowTooLong as long:  # the file has no columns to read rows by
        file_error(label, f"the header is {long.length:,} characters long; at most {MAX_ROW_CHARS:,} are read",
                   "the first row names the columns, starting with 'id'")
    if any("\n" in name or "\r" in name for name in header):  # every row after it was read into one column name
        file_error(label, f"a quote in the header (line 1) is not closed: the header runs to line {lines.line_number}",
                   "close the quote, or remove it: column names need no quotes")
    check_header(header, label)
    return header


class _RowTooLong(Exception):
    """Raised to the CSV reader, in place of a line, when its row is longer than MAX_ROW_CHARS."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length


class _RowLines:
    """The lines of a CSV file as `csv.reader` asks for them, each row held to MAX_ROW_CHARS.

    When a row grows past it, the rest of the row is read through and let go (a row
    ends at a line ending outside quotes, so at an even count of quotes), and
    `_RowTooLong` is raised instead of a line; the reader starts afresh at the next row.
    """

    def __init__(self, stream: TextIO, kept: list[str] | None = None) -> None:
        self._stream = LineReader(stream)
        self.line_number = 0  # lines read so far
        self.kept = kept  # every line read, if given a list to keep them in (a header's lines, to find its length)
        self._chars = self._quotes = 0  # in the row being read

    def __iter__(self) -> _RowLines:
        return self

    def __next__(self) -> str:
        line = self._stream.readline(MAX_ROW_CHARS + 1)  # never more than a row may hold
        if not line:
            raise StopIteration
        self.line_number += 1
        if self.kept is not None:
            self.kept.append(line)
        self._chars += len(line)
        self._quotes += line.count('"')
        if self._chars <= MAX_ROW_CHARS:
            return line
        self._skip_rest_of_row(line)
        raise _RowTooLong(self._chars)

    def next_row(self) -> int:
        """Start counting a new row; the line it starts on."""
        self._chars = self._quotes = 0
        return self.line_number + 1

    def _skip_rest_of_row(self, line: str) -> None:
        rest = rest_of_line(self._stream, line)
        self._chars += rest.length - len(line)
        self._quotes += rest.quotes - line.count('"')
        while self._quotes % 2 and (line := self._stream.readline(MAX_ROW_CHARS + 1)):  # inside quotes: it goes on
            self.line_number += 1
            rest = rest_of_line(self._stream, line)
            self._chars += rest.length
            self._quotes += rest.quotes


def _csv_rows(reader: Iterator[list[str]], lines: _RowLines, header: list[str], label: str) -> Iterator[CellRow]:
    """Each row with a value, its origin naming the line the row starts on (a wholly empty row is no candidate)."""
    while True:
        start = lines.next_row()
        try:
            row = next(reader)
        except StopIteration:
            return
        except _RowTooLong as long:
            yield CellRow([], header, f"{label}, row {start}", too_long=long.length)
            continue
        if _filled(row):
            yield CellRow(row, header, f"{label}, row {start}")


# ---- spreadsheets


def read_xlsx(path: Path, label: str) -> Iterator[CellRow]:
    """The first sheet of a workbook, read like a CSV file: a header row naming the columns, then a row each."""
    openpyxl = _openpyxl(label)
    with workbook_file(path, label) as file:
        check_workbook(file, label)  # before openpyxl expands anything
        workbook = _open_workbook(openpyxl, file, label)
        try:
            yield from _sheet_rows(workbook.worksheets[0], label)
        finally:
            workbook.close()


def _openpyxl(label: str) -> Any:
    try:
        # Imported here, not at the top: openpyxl comes with the optional 'xlsx' extra, and only .xlsx files need it.
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        file_error(label, "reading .xlsx files needs the 'xlsx' extra", "pip install 'paritrana-rules[xlsx]'")
    return openpyxl


def _open_workbook(openpyxl: Any, file: Workbook, label: str) -> Any:
    try:
        return openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        file_error(label, f"not a readable .xlsx workbook: {error}", "save it from the spreadsheet as .xlsx")


def _sheet_rows(sheet: Any, label: str) -> Iterator[CellRow]:
    """The sheet's rows, no wider than MAX_FIELDS and none past a spreadsheet's last (`check_workbook` saw to both
    for the cells; these bound what openpyxl fills in for missing ones)."""
    width = min(sheet.max_column, MAX_FIELDS) if sheet.max_column else None
    rows = sheet.iter_rows(max_row=XLSX_LAST_ROW, max_col=width, values_only=True)
    header = [cell_text(cell).strip() for cell in next(rows, ())]
    check_header(header, label)
    for number, row in enumerate(rows, 2):
        if row.count(None) == len(row):
            continue  # a row openpyxl fills in where the sheet has none
        cells = [cell_text(cell) for cell in row]
        if _filled(cells):
            yield CellRow(cells, header, f"{label}, row {number}")


# ---- Parquet

PARQUET_BATCH = 10_000  # rows read from a Parquet file at a time


def read_parquet(path: Path, label: str) -> Iterator[CellRow]:
    """A Parquet file read like a CSV file: its column names are the header, each value the text a CSV export
    would hold (`cell_text`), a batch of rows at a time. Standard input is refused: a Parquet file's index is at
    its end."""
    if path == STDIN:
        file_error(label, "a Parquet file cannot be read from standard input", "give the file's path")
    parquet = _parquet(label)
    try:
        file = parquet.ParquetFile(path)
        header = [str(name).strip() for name in file.schema_arrow.names]
    except Exception as error:  # pyarrow raises many kinds for a file that is not Parquet
        file_error(label, f"not a readable Parquet file: {error}", "write it with pandas' to_parquet or pyarrow")
    check_header(header, label)
    try:
        yield from _parquet_rows(file, header, label)
    except (OSError, ValueError) as error:  # pyarrow's errors for a damaged file subclass these
        file_error(label, f"not a readable Parquet file: {error}", "write it again with pandas' to_parquet or pyarrow")


def _parquet_rows(file: Any, header: list[str], label: str) -> Iterator[CellRow]:
    number = 1  # the header is row 1, as in a CSV file
    for batch in file.iter_batches(batch_size=PARQUET_BATCH):
        for values in zip(*(column.to_pylist() for column in batch.columns), strict=True):
            number += 1
            cells = [cell_text(value) for value in values]
            if _filled(cells):
                yield CellRow(cells, header, f"{label}, row {number}")


def _parquet(label: str) -> Any:
    try:
        # Imported here, not at the top: pyarrow comes with the optional 'parquet' extra, and only Parquet needs it.
        import pyarrow.parquet  # type: ignore[import-untyped]
    except ImportError:
        file_error(label, "reading Parquet files needs the 'parquet' extra", "pip install 'paritrana-rules[parquet]'")
    return pyarrow.parquet


def _filled(cells: list[str]) -> bool:
    """Whether a row has a value: some cell more than blanks (a wholly empty row is no candidate)."""
    return bool("".join(cells).strip())


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
    if len(header) > MAX_FIELDS:  # before any column is looked at: each costs work in every row
        file_error(label, f"the header has {len(header):,} columns; at most {MAX_FIELDS} are read",
                   "name a column for id, name and each input, and leave out the others")
    problems = [InputProblem(label, None, issue.message, issue.hint)
                for name in header if name and (issue := field_name_issue(name))]
    problems += [
        InputProblem(label, safe_text(name), f"column {show(name)} appears more than once in the header",
                     "rename or merge them")
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
