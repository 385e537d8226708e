"""An .xlsx workbook looked over before openpyxl opens it (what its parts expand to, and the cells of its rows),
and a workbook openpyxl built written out as the same bytes every time.

openpyxl reads a workbook's shared strings whole, and builds each row of a sheet
whole, before a reader sees either; a workbook of a few hundred kilobytes can
expand to gigabytes of both. So the sizes its zip archive declares (which
Python's zipfile holds each part to) and the tags of its XML are checked first,
as the parts stream past, and a workbook past the limits is refused as a whole.

A workbook written (a score sheet, a candidate template) carries no clock: its
dates and the times of its parts are fixed, so the same content gives the same
file, as every other output does. Cell text is made something a workbook can hold
(`sheet_text`): openpyxl refuses control characters, and a cell holds 32,767 characters.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import shutil
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from paritrana_rules.data.files import STDIN, file_error
from paritrana_rules.data.limits import (
    MAX_FIELDS,
    MAX_XLSX_BYTES,
    MAX_XLSX_RATIO,
    XLSX_LAST_ROW,
    XLSX_RATIO_FROM_BYTES,
)
from paritrana_rules.errors import UsageError

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


# ---- writing

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip archive can record: every part written gets it
_CELL_CHARS = 32_767  # the most characters a spreadsheet cell holds
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what a workbook's XML cannot hold


def openpyxl_for_writing() -> Any:
    """openpyxl, or a UsageError saying how to get it (it comes with the optional 'xlsx' extra)."""
    try:
        import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415 (the optional 'xlsx' extra)
    except ImportError:
        raise UsageError("writing .xlsx files needs the 'xlsx' extra: pip install 'paritrana-rules[xlsx]'") from None
    return openpyxl


def workbook_chunks(workbook: Any) -> Iterator[bytes]:
    """A workbook openpyxl built, as its .xlsx file a piece at a time: the same bytes for the same content (no
    clock in it). The file is put together on disk, so a workbook of any size takes little memory."""
    from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]  # noqa: PLC0415 (as above)

    moment = datetime.datetime(*_ZIP_EPOCH)  # a workbook writes its dates without a zone
    workbook.properties.created = workbook.properties.modified = moment
    workbook.properties.creator = "paritrana-rules"
    with tempfile.TemporaryFile() as built, tempfile.TemporaryFile() as fixed:
        ExcelWriter(workbook, zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
        with zipfile.ZipFile(built) as parts, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as copy:
            for part in parts.infolist():
                timeless = zipfile.ZipInfo(part.filename, _ZIP_EPOCH)
                timeless.compress_type = zipfile.ZIP_DEFLATED
                large = part.file_size >= zipfile.ZIP64_LIMIT  # a size past 32 bits needs the archive's 64-bit form
                with parts.open(part) as source, copy.open(timeless, "w", force_zip64=large) as target:
                    shutil.copyfileobj(source, target, _CHUNK)
        fixed.seek(0)
        while piece := fixed.read(_CHUNK):
            yield piece


def sheet_text(text: str) -> str:
    """Text a cell can hold: control characters shown as escapes (\\x1b), cut to a cell's 32,767 characters."""
    shown = _NOT_IN_XML.sub(lambda found: f"\\x{ord(found[0]):02x}", text)
    return shown if len(shown) <= _CELL_CHARS else shown[: _CELL_CHARS - 1] + "…"
