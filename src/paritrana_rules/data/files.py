"""A candidate file (or standard input) as UTF-8 text: whole, as a stream, or as lines each of bounded length;
and the one error for a file that cannot be read.

Only a file that cannot be read at all raises (`InputError`, candidate = the
file's label); what is wrong with one record is that record's problem.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TextIO

import attrs

from paritrana_rules.errors import InputError, InputProblem

STDIN = Path("-")  # as for most commands: "-" reads standard input (a file named "-" is read by its full path)
STDIN_LABEL = "<stdin>"
_PIECE = 65_536  # how much of an over-long line is read at a time, to be counted and let go
_SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: 'CSV UTF-8')"


@contextlib.contextmanager
def text_stream(path: Path, label: str) -> Iterator[TextIO]:
    """The file as UTF-8 text, line endings untouched; a byte that is not UTF-8 is a problem of the file."""
    with _opened(path, label) as stream:
        try:
            yield stream
        except UnicodeDecodeError:
            if path == STDIN:  # read once only: the line cannot be found again
                file_error(label, "not UTF-8 text", _SAVE_AS_UTF8)
            read_text(path, label)  # reads the whole file once more, to say on which line the bad byte is
            raise


@contextlib.contextmanager
def _opened(path: Path, label: str) -> Iterator[TextIO]:
    # -sig drops the byte-order mark spreadsheets add; newline="" keeps line endings as written (CSV needs them)
    if path == STDIN:
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        try:
            yield stream
        finally:
            stream.detach()  # standard input stays open: it is the caller's
        return
    try:
        opened = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the `with` below
    except OSError as error:
        file_error(label, f"cannot read the file: {error.strerror or error}")
    with opened:
        yield opened


def read_text(path: Path, label: str) -> str:
    """The file's text, line endings untouched (the CSV reader needs them as written)."""
    try:
        data = sys.stdin.buffer.read() if path == STDIN else path.read_bytes()
    except OSError as error:
        file_error(label, f"cannot read the file: {error.strerror or error}")
    try:
        return data.decode("utf-8-sig")  # -sig drops the byte-order mark spreadsheets add
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text: byte {data[error.start]:#04x} on line {line}"
        file_error(label, message, _SAVE_AS_UTF8)


@attrs.frozen
class LongLine:
    """A line longer than a reader takes, read through without being kept: its length, and its quotes."""

    length: int  # characters, its line ending included
    quotes: int  # '"' characters in it: a CSV reader needs them to find where the row goes on


class LineReader:
    """A text stream opened with newline="" read a line at a time, at most `size` characters a read, never with a
    CRLF split: a read that `size` cut just after a CR reads the next character, and keeps it for the next read
    when it is not the LF. (A stream's own `readline(size)` stops between the two, and the LF would then count
    as a line of its own.)"""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.ahead = stream, ""  # `ahead`: one character read past a line's end

    def readline(self, size: int) -> str:
        ahead, self.ahead = self.ahead, ""
        line = ahead if ahead == "\r" else ahead + self.stream.readline(size - len(ahead))
        if line.endswith("\r") and (len(line) >= size or line == ahead):  # perhaps the first half of a CRLF
            after = self.stream.read(1)
            if after == "\n":
                line += after
            else:
                self.ahead = after
        return line


def lines_within(stream: TextIO, limit: int) -> Iterator[str | LongLine]:
    """The stream's lines, endings kept, each at most `limit` characters; a longer one comes as a `LongLine`.

    A long line is read through a piece at a time and never held whole, so that one
    line, however long, takes no more memory than `limit` characters.
    """
    reader = LineReader(stream)
    while line := reader.readline(limit + 1):
        yield line if len(line) <= limit else rest_of_line(reader, line)


def rest_of_line(stream: LineReader, start: str) -> LongLine:
    """The line that `start` begins, read through to its end a piece at a time and let go."""
    length, quotes, piece = len(start), start.count('"'), start
    while piece and not piece.endswith(("\n", "\r")):
        piece = stream.readline(_PIECE)
        length += len(piece)
        quotes += piece.count('"')
    return LongLine(length, quotes)


def file_error(label: str, message: str, hint: str | None = None) -> NoReturn:
    raise InputError([InputProblem(label, None, message, hint)])
