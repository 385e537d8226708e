"""The cells of a CSV output row, the words its headings and statuses are shown in, and the one way cells are
quoted and kept from running as formulas."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Sequence


def scored_parts(candidate_id: str, name: str | None, status: str, total: str, points: list[str], reasons: str, *,
                 raw: bool = False) -> tuple[list[str], list[str]]:
    """A scored row's cells before the rank columns (id, name, status, total) and after them (each criterion's
    points, then the reasons), each `spreadsheet_text` unless `raw`."""
    before, after = [candidate_id, name or "", status, total], [*points, reasons]
    if raw:
        return before, after
    return [spreadsheet_text(cell) for cell in before], [spreadsheet_text(cell) for cell in after]


# What people read in `--lang id`: the headings of tables, CSV files and workbooks, and the statuses in their rows.
# English shows the codes themselves, which JSON, JSON Lines and ledgers keep in every language.
_HEADINGS = {"id": {"name": "nama", "total": "nilai akhir", "rank": "peringkat", "nominated": "dinominasikan",
                    "placing": "keputusan", "reasons": "alasan"}}
_STATUSES = {"id": {"eligible": "memenuhi syarat", "disqualified": "didiskualifikasi", "eliminated": "tidak lolos",
                    "pending": "belum selesai", "rejected": "ditolak"}}


def heading(code: str, lang: str) -> str:
    """A column's heading in `lang` ("id", "name", "total", ...); a criterion's name stays as the rubric writes it."""
    return _HEADINGS.get(lang, {}).get(code, code)


def status_word(status: str, lang: str) -> str:
    """A status ("eligible", "rejected", ...) as a table, CSV file or workbook shows it in `lang`."""
    return _STATUSES.get(lang, {}).get(status, status)


def csv_text(cells: list[str]) -> str:
    """Cells as one CSV line (with its newline)."""
    return CsvLines()(cells)


class CsvLines:
    """Cells as CSV lines, one after another, through one writer (a loop over many rows makes one)."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")

    def __call__(self, cells: list[str]) -> str:
        return self.many((cells,))

    def many(self, rows: Iterable[Sequence[str]]) -> str:
        """Rows of cells as CSV lines, one after another (one call for many rows)."""
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerows(rows)
        return self.buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")


def spreadsheet_text(cell: str) -> str:
    """`cell` as a spreadsheet shows it, never runs it: CSV injection escaped as OWASP advises.

    Candidate ids, names and the values quoted in reasons are the candidates'
    own text: `=HYPERLINK(...)` or `+cmd|...` would run when the output is
    opened. A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
    return gets a leading `'`, which spreadsheets read as "text follows". Plain
    numbers (totals and points, negative ones included) and a character alone
    (the `-` of no rank) cannot run, and stay as they are.
    """
    if len(cell) > 1 and cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def spreadsheet_texts(cells: list[str]) -> list[str]:
    """`spreadsheet_text` of each cell, asked only of those that start as a formula would (a column at a time)."""
    starts = list(map(str.startswith, cells, itertools.repeat(FORMULA_STARTS)))
    if not any(starts):
        return cells
    return [spreadsheet_text(cell) if start else cell for cell, start in zip(cells, starts, strict=True)]
