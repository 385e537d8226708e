"""An .xlsx workbook looked over before openpyxl opens it: what its parts expand to, and the cells of its rows.

openpyxl reads a workbook's shared strings whole, and builds each row of a sheet
whole, before a reader sees either; a workbook of a few hundred kilobytes can
expand to gigabytes of both. So the sizes its zip archive declares (which
Python's zipfile holds each part to) and the tags of its XML are checked first,
as the parts stream past, and a workbook past the limits is refused as a whole.
"""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from paritrana_rules.data.files import STDIN, file_error
from paritrana_rules.data.limits import (
    MAX_FIELDS,
    MAX_XLSX_BYTES,
    MAX_XLSX_RATIO,
    XLSX_LAST_ROW,
    XLSX_RATIO_FROM_BYTES,
)

Workbook = Path | IO[bytes]  # what openpyxl and zipfile open: a path, or a seekable file

_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"  # a tag's start, with any namespace prefix
_ROW_OR_CELL = re.compile(_PREFIX + rb"(row|c)[\s/>]")
_ROW_NUMBER = re.compile(_PREFIX + rb"row\s[^>]*?\br\s*=\s*[\"']([0-9]+)")
_CELL_COLUMN = re.compile(_PREFIX + rb"c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]+)")
_CHUNK = 1 << 20
_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error,
               ValueError)  # what zipfile raises for a file that is not a sound archive
_RESAVE = "save the workbook again from the spreadsheet, or the data as CSV"


@contextlib.contextmanager
def workbook_file(path: Path, label: str) -> Iterator[Workbook]:
    """The workbook as something zipfile can seek in: its path, or standard input copied to a temporary file."""
    if path != STDIN:
        yield path
        return
    with tempfile.TemporaryFile() as copy:
        while piece := sys.stdin.buffer.read(_CHUNK):
            copy.write(piece)
            if copy.tell() > MAX_XLSX_BYTES:  # a workbook expands to at least its own size
                file_error(label, _too_large(copy.tell()), "save a batch this large as CSV, read a row at a time")
        copy.seek(0)
        yield copy


def check_workbook(workbook: Workbook, label: str) -> None:
    """Refuse, as a problem of the file, a workbook that would expand past the limits once openpyxl opens it."""
    try:
        with zipfile.ZipFile(workbook) as archive:
            problem = _size_problem(archive.infolist()) or _rows_problem(archive)
    except OSError as error:
        file_error(label, f"cannot read the file: {error.strerror or error}")
    except _UNREADABLE as error:
        file_error(label, f"not a readable .xlsx workbook: {error}", "save it from the spreadsheet as .xlsx")
    if problem:
        file_error(label, *problem)


def _size_problem(parts: list[zipfile.ZipInfo]) -> tuple[str, str] | None:
    """What the archive's parts would expand to, as it declares (zipfile reads no part past its declared size)."""
    total = sum(part.file_size for part in parts)
    if total > MAX_XLSX_BYTES:
        return _too_large(total), "save a batch this large as CSV, read a row at a time"
    for part in parts:
        ratio = part.file_size // max(part.compress_size, 1)
        if part.file_size > XLSX_RATIO_FROM_BYTES and ratio > MAX_XLSX_RATIO:
            return (f"its part {part.filename!r} would expand {ratio:,} times over; a spreadsheet's parts expand at "
                    f"most {MAX_XLSX_RATIO} times", _RESAVE)
    return None


def _too_large(size: int) -> str:
    return f"the workbook takes {size:,} bytes unpacked; at most {MAX_XLSX_BYTES:,} are read"


def _rows_problem(archive: zipfile.ZipFile) -> tuple[str, str] | None:
    """A row with too many cells, a cell too far right, or a row numbered past a spreadsheet's last, in any part."""
    widest = last_row = last_column = 0
    for part in archive.infolist():
        with archive.open(part) as stream:
            open_row = 0  # cells of the row still open at the end of the chunk before
            for tags in _tags(stream):
                row_widest, open_row = _cells_per_row(tags, open_row)
                widest = max(widest, row_widest)
                last_row = max(last_row, _last_row(tags))
                last_column = max(last_column, _last_column(tags))
    if widest > MAX_FIELDS:
        return (f"a row of the workbook has {widest:,} cells; at most {MAX_FIELDS} are read",
                "keep one sheet with a column for id, name and each input")
    if last_column > MAX_FIELDS:
        return (f"a cell lies in column {last_column:,}; at most {MAX_FIELDS} columns are read",
                "keep one sheet with a column for id, name and each input")
    if last_row > XLSX_LAST_ROW:
        return f"a row is numbered past {XLSX_LAST_ROW:,}, the last row a spreadsheet can have", _RESAVE
    return None


def _tags(stream: IO[bytes]) -> Iterator[bytes]:
    """The part's bytes a chunk at a time, each cut after its last complete tag (the rest begins the next chunk)."""
    carried = b""
    while chunk := stream.read(_CHUNK):
        data = carried + chunk
        opened = data.rfind(b"<")
        cut = opened if opened >= 0 and data.find(b">", opened) < 0 else len(data)
        carried = data[cut:]
        yield data[:cut]


def _cells_per_row(tags: bytes, open_row: int) -> tuple[int, int]:
    """The most cells of a row in the chunk, and the cells of its last row (which the next chunk may go on with)."""
    tokens = b"".join(_ROW_OR_CELL.findall(tags))  # e.g. b"ccrowccrowc": cells of the open row, then two rows
    cells = list(map(len, tokens.split(b"row")))
    cells[0] += open_row
    return max(cells), cells[-1]


def _last_row(tags: bytes) -> int:
    numbers = _ROW_NUMBER.findall(tags)
    if not numbers:
        return 0
    if max(map(len, numbers)) > len(str(XLSX_LAST_ROW)):
        return XLSX_LAST_ROW + 1  # past the last row, however far: not converted
    return max(map(int, numbers))


def _last_column(tags: bytes) -> int:
    letters = set(map(bytes.upper, _CELL_COLUMN.findall(tags)))  # few distinct columns, however many cells
    return max((_column_number(column) for column in letters), default=0)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters[:4]:  # four letters already pass the last column a spreadsheet can have
        number = number * 26 + letter - ord("A") + 1
    return number
