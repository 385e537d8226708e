"""A candidate file, read by its ending -> raw records in file order; and every record judged.

Records stream past one at a time (`iter_rows`, `iter_candidates`); a repeated
id is found as they pass (`with_first_origins`), without holding them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from paritrana_rules.data.documents import read_json, read_json_lines, read_yaml
from paritrana_rules.data.files import file_error
from paritrana_rules.data.specs import InputSpec
from paritrana_rules.data.spreadsheets import CellRow, read_csv, read_xlsx
from paritrana_rules.data.values import Candidate, RawCandidate, Rejected, judge

_READERS: dict[str, Callable[[Path, str], Iterator[RawCandidate | CellRow]]] = {
    ".yaml": read_yaml,
    ".yml": read_yaml,
    ".json": read_json,
    ".jsonl": read_json_lines,
    ".csv": read_csv,
    ".xlsx": read_xlsx,
}


# ------------------------------------------------------------------ reading files


def read_candidates(path: str | Path) -> list[RawCandidate]:
    """Parse a candidate file into raw records, in file order (see `iter_candidates`)."""
    return list(iter_candidates(path))


def iter_candidates(path: str | Path) -> Iterator[RawCandidate]:
    """The raw records of a .yaml/.yml/.json/.jsonl/.csv/.xlsx file, in file order.

    CSV, JSON Lines and spreadsheets are read as a stream, a record at a time,
    so a batch of any size takes the same memory; YAML and JSON documents are
    read whole. Raises InputError (candidate = the file path) only if the file
    itself is unreadable or malformed; a bad record comes back with its `problems`.
    """
    return (row.record() if isinstance(row, CellRow) else row for row in iter_rows(path))


def iter_rows(path: str | Path) -> Iterator[RawCandidate | CellRow]:
    """Like `iter_candidates`, with a CSV or spreadsheet row left as a `CellRow` until it is needed."""
    path = Path(path)
    label = str(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        file_error(label, f"cannot read '{path.suffix or path.name}' files",
                   "use .yaml, .yml, .json, .jsonl, .csv or .xlsx")
    yield from reader(path, label)


# ------------------------------------------------------------------ reading and validating


def load_candidates(path: str | Path, specs: Sequence[InputSpec]) -> tuple[list[Candidate], list[Rejected]]:
    """Read and validate; valid candidates and rejected ones, in file order, nothing dropped.

    A repeated id rejects the second and later records, naming the first.
    Raises InputError only when the file itself cannot be read.
    """
    outcomes = judge_candidates(path, specs)
    return ([o for o in outcomes if isinstance(o, Candidate)], [o for o in outcomes if isinstance(o, Rejected)])


Row = TypeVar("Row", RawCandidate, "RawCandidate | CellRow")  # what is read: a record, or a row to make one


def judge_candidates(path: str | Path, specs: Sequence[InputSpec]) -> list[Candidate | Rejected]:
    """Every record of a file, validated or rejected, in file order (what an audit ledger records)."""
    return [judge(raw, specs, first) for raw, first in with_first_origins(iter_candidates(path))]


def with_first_origins(raws: Iterable[Row]) -> Iterator[tuple[Row, str | None]]:
    """Each record with where its id was first used (itself, unless the id repeats), as a stream.

    The ids seen so far are kept in a temporary SQLite database on disk, so that
    a batch of millions of rows takes no more memory than one of ten.
    """
    with contextlib.closing(sqlite3.connect("")) as seen:  # "": a private database in a temporary file
        seen.execute("CREATE TABLE first_use (id TEXT PRIMARY KEY, origin TEXT NOT NULL)")
        for raw in raws:
            if raw.id is None:
                yield raw, None
            elif seen.execute("INSERT OR IGNORE INTO first_use VALUES (?, ?)", (raw.id, raw.origin)).rowcount:
                yield raw, raw.origin
            else:
                yield raw, seen.execute("SELECT origin FROM first_use WHERE id = ?", (raw.id,)).fetchone()[0]
