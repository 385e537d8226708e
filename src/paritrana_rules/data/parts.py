"""A CSV or JSON Lines file cut into parts that worker processes read on their own, each part's cut checked.

A batch of a million rows spends most of its time moving rows between
processes. Instead, this process only finds where to cut the file, and each
worker reads its part's bytes itself.

A JSON Lines file is cut just after any line feed: a record is one line, and
a line feed inside a JSON text is always written as an escape. A CSV file is
cut just after a line ending where the count of quotes before it is even:
where a row ends, in every file whose quotes only enclose fields. A quote
inside an unquoted field (`5"`) can make a cut fall inside a quoted field, so
the reader of each CSV part also says whether its last row ended exactly at
the part's end (`PartRows.clean`): it reads a marker row after it, which comes
back whole only if no field was left open. The first part starts where a row
starts (after the header, or the byte-order mark), so when every part before a
part ended clean, that part was read exactly as a reading of the whole file
reads it. At the first part that did not, the caller reads the rest of the
file in one stream (`rows_from`).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, TextIO

from paritrana_rules.data.documents import json_lines_after
from paritrana_rules.data.files import file_error, read_text
from paritrana_rules.data.spreadsheets import CellRow, csv_header, csv_rows_after
from paritrana_rules.data.values import RawCandidate

_MARKER = "\0paritrana: the end of a part\0"  # a row no file holds: a NUL is never in a number, id or member
_FURTHEST = 64 << 20  # bytes looked through for a cut: past it, the rest of the file is one part


class FilePart(NamedTuple):
    """Rows of a CSV file (its `header`) or records of a JSON Lines file (no header) from byte `start` (where a
    row starts, after `lines_before` lines) to byte `end` (just after a line ending, or the file's end)."""

    path: str
    label: str
    header: list[str] | None  # None: JSON Lines
    number: int  # its place among the parts, from 0
    start: int
    end: int | None  # None: the rest of the file, read as a stream (`rows_from`)
    lines_before: int


class PartRows(NamedTuple):
    rows: list[CellRow] | list[RawCandidate]
    clean: bool  # its last row ended at the part's end: the next part starts where a row starts


def file_parts(path: Path, label: str, form: str, size: int) -> Iterator[FilePart]:
    """The rows of a CSV file (`form` "csv") or the records of a JSON Lines file ("jsonl") in parts of about
    `size` bytes, in order; InputError for a file or header that cannot be read, as the whole reading says it.
    A part whose `end` is None is the rest of the file, to be read as a stream: no place to cut was found within
    `_FURTHEST` bytes."""
    header: list[str] | None = None
    start, lines_before, cut = 0, 0, _after_line_feed
    if form == "csv":
        header, start, lines_before = csv_header(path, label)
        cut = _cut
    with open(path, "rb") as file:
        if form != "csv" and file.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8:
            start = len(codecs.BOM_UTF8)  # the byte-order mark the text leaves out
        file.seek(start)
        pending, number = b"", 0
        while piece := file.read(size):
            pending += piece
            at = cut(pending)
            if at is None and len(pending) >= _FURTHEST:  # perhaps a stray quote: cut anyway, the reader checks
                at = _after_line_feed(pending)
                if at is None:
                    yield FilePart(str(path), label, header, number, start, None, lines_before)
                    return
            if at is not None:
                yield FilePart(str(path), label, header, number, start, start + at, lines_before)
                number, start, lines_before = number + 1, start + at, lines_before + _line_endings(pending[:at])
                pending = pending[at:]
        if pending:
            yield FilePart(str(path), label, header, number, start, start + len(pending), lines_before)


def _cut(data: bytes) -> int | None:
    """Just after the last line ending in `data` with an even count of quotes before it (None: there is none)."""
    at = data.rfind(b"\n")
    quotes = data.count(b'"', 0, at + 1)
    while at >= 0 and quotes % 2:
        before = data.rfind(b"\n", 0, at)
        quotes -= data.count(b'"', before + 1, at + 1)
        at = before
    return at + 1 if at >= 0 else None


def _after_line_feed(data: bytes) -> int | None:
    """Just after the last line feed in `data` (None: there is none)."""
    return data.rfind(b"\n") + 1 or None


def _line_endings(data: bytes) -> int:
    """Lines as the readers count them: a line ends at \\n, \\r\\n or a lone \\r."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def read_part(part: FilePart) -> PartRows:
    """A part's rows, read as `read_csv` or `read_json_lines` reads them; InputError as it raises it."""
    assert part.end is not None  # the rest of a file is read as a stream
    with open(part.path, "rb") as file:
        file.seek(part.start)
        data = file.read(part.end - part.start)
    if len(data) != part.end - part.start:  # not one row left out unsaid
        file_error(part.label, "the file changed while it was read", "score it again once it is written")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        read_text(Path(part.path), part.label)  # says on which line the bad byte is, as a whole reading does
        raise
    if part.header is None:  # JSON Lines: cut where a line ends, always
        return PartRows(list(json_lines_after(io.StringIO(text, newline=""), part.lines_before, part.label)), True)
    ending = "" if text.endswith(("\n", "\r")) else "\n"
    stream = io.StringIO(f'{text}{ending}"{_MARKER}"\n', newline="")
    rows = list(csv_rows_after(stream, part.lines_before, part.header, part.label))
    clean = bool(rows) and rows[-1].cells == [_MARKER]
    return PartRows(rows[:-1] if clean else rows, clean)


def rows_from(part: FilePart) -> Iterator[CellRow | RawCandidate]:
    """Every row from the part's start to the end of the file, as a stream (when a cut did not hold)."""
    with open(part.path, "rb") as raw:
        raw.seek(part.start)
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield from _rows_after(stream, part)
        except UnicodeDecodeError:
            read_text(Path(part.path), part.label)
            raise


def _rows_after(stream: TextIO, part: FilePart) -> Iterator[CellRow | RawCandidate]:
    if part.header is None:
        return json_lines_after(stream, part.lines_before, part.label)
    return csv_rows_after(stream, part.lines_before, part.header, part.label)
