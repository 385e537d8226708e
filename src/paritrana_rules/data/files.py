"""A candidate file as UTF-8 text, whole or as a stream, and the one error for a file that cannot be read.

Only a file that cannot be read at all raises (`InputError`, candidate = the
file's label); what is wrong with one record is that record's problem.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TextIO

from paritrana_rules.errors import InputError, InputProblem


@contextlib.contextmanager
def text_stream(path: Path, label: str) -> Iterator[TextIO]:
    """The file as UTF-8 text, line endings untouched; a byte that is not UTF-8 is a problem of the file."""
    try:
        # -sig drops the byte-order mark spreadsheets add; closed by the `with` below, once opening has succeeded
        stream = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        file_error(label, f"cannot read the file: {error.strerror or error}")
    with stream:
        try:
            yield stream
        except UnicodeDecodeError:
            read_text(path, label)  # reads the whole file once more, to say on which line the bad byte is
            raise


def read_text(path: Path, label: str) -> str:
    """The file's text, line endings untouched (the CSV reader needs them as written)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        file_error(label, f"cannot read the file: {error.strerror or error}")
    try:
        return data.decode("utf-8-sig")  # -sig drops the byte-order mark spreadsheets add
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text: byte {data[error.start]:#04x} on line {line}"
        file_error(label, message, "save the file as UTF-8 (in Excel: 'CSV UTF-8')")


def file_error(label: str, message: str, hint: str | None = None) -> NoReturn:
    raise InputError([InputProblem(label, None, message, hint)])
