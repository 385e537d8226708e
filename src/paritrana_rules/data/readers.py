"""A candidate file, read by its ending -> raw records in file order; and every record judged.

Records stream past one at a time (`iter_rows`, `iter_candidates`); a repeated
id is found as they pass (`with_first_origins`), without holding them. A path
of "-" reads standard input, whose format must then be named.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

from paritrana_rules.data.documents import read_json, read_json_lines, read_yaml
from paritrana_rules.data.files import STDIN, STDIN_LABEL, file_error
from paritrana_rules.data.limits import escaped, id_issue
from paritrana_rules.data.specs import InputSpec
from paritrana_rules.data.spreadsheets import CellRow, read_csv, read_parquet, read_xlsx
from paritrana_rules.data.values import Candidate, RawCandidate, Rejected, judge

Format = Literal["yaml", "json", "jsonl", "csv", "xlsx", "parquet"]

_READERS: dict[str, Callable[[Path, str], Iterator[RawCandidate | CellRow]]] = {
    "yaml": read_yaml,
    "json": read_json,
    "jsonl": read_json_lines,
    "csv": read_csv,
    "xlsx": read_xlsx,
    "parquet": read_parquet,
}
_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".xlsx": "xlsx",
            ".parquet": "parquet"}


# ------------------------------------------------------------------ reading files


def read_candidates(path: str | Path, format: Format | None = None) -> list[RawCandidate]:
    """Parse a candidate file into raw records, in file order (see `iter_candidates`)."""
    return list(iter_candidates(path, format))


def iter_candidates(path: str | Path, format: Format | None = None, label: str | None = None
                    ) -> Iterator[RawCandidate]:
    """The raw records of a .yaml/.yml/.json/.jsonl/.csv/.xlsx/.parquet file, in file order.

    `format` is known from the file's ending unless given; a path of "-" reads
    standard input, and then `format` must be given (the label in problems and
    origins is "<stdin>"). CSV, JSON Lines, spreadsheets and Parquet are read as a
    stream, a record at a time, so a batch of any size takes the same memory;
    YAML and JSON documents are read whole. Every limit of `data.limits`
    applies. Raises InputError (candidate = the file path) only if the file
    itself is unreadable or malformed; a bad record comes back with its `problems`. `label` names the file in
    problems and origins instead of its path (a file received under another name: see `iter_rows`).
    """
    return (row.record() if isinstance(row, CellRow) else row for row in iter_rows(path, format, label))


def iter_rows(path: str | Path, format: Format | None = None, label: str | None = None
              ) -> Iterator[RawCandidate | CellRow]:
    """Like `iter_candidates`, with a CSV or spreadsheet row left as a `CellRow` until it is needed.

    `label` is what problems and origins call the file (default: its path, or "<stdin>"): a file uploaded to a
    server and kept under a temporary name is called by the name it was sent under, as the command line would.
    """
    path = Path(path)
    if label is None:
        label = STDIN_LABEL if path == STDIN else str(path)
    label = escaped(label)  # a file's name may not be valid Unicode
    yield from _reader(path, label, format)(path, label)


def _reader(path: Path, label: str, format: str | None) -> Callable[[Path, str], Iterator[RawCandidate | CellRow]]:
    if format is None and path == STDIN:
        file_error(label, "the format of standard input is not known", "name it, e.g. format='csv'")
    reader = _READERS.get(format or _FORMATS.get(path.suffix.lower(), ""))
    if reader is None and format:
        file_error(label, f"cannot read the format '{format}'", "name yaml, json, jsonl, csv, xlsx or parquet")
    if reader is None:
        file_error(label, f"cannot read '{path.suffix or path.name}' files",
                   "use .yaml, .yml, .json, .jsonl, .csv, .xlsx or .parquet")
    return reader


# ------------------------------------------------------------------ reading and validating


def load_candidates(path: str | Path, specs: Sequence[InputSpec],
                    format: Format | None = None) -> tuple[list[Candidate], list[Rejected]]:
    """Read and validate; valid candidates and rejected ones, in file order, nothing dropped.

    A repeated id rejects the second and later records, naming the first.
    Raises InputError only when the file itself cannot be read. `format` and a
    path of "-" are as for `iter_candidates`.
    """
    outcomes = judge_candidates(path, specs, format)
    return ([o for o in outcomes if isinstance(o, Candidate)], [o for o in outcomes if isinstance(o, Rejected)])


Row = TypeVar("Row", RawCandidate, "RawCandidate | CellRow")  # what is read: a record, or a row to make one


def judge_candidates(path: str | Path, specs: Sequence[InputSpec],
                     format: Format | None = None) -> list[Candidate | Rejected]:
    """Every record of a file, validated or rejected, in file order (what an audit ledger records)."""
    return [judge(raw, specs, first) for raw, first in with_first_origins(iter_candidates(path, format))]


def with_first_origins(raws: Iterable[Row], uses: FirstUses | None = None) -> Iterator[tuple[Row, str | None]]:
    """Each record with where its id was first used (itself, unless the id repeats), as a stream; `uses` holds
    the ids of records read before these, if any."""
    with contextlib.closing(FirstUses()) if uses is None else contextlib.nullcontext(uses) as known:
        records = iter(raws)
        while batch := list(itertools.islice(records, _FIRST_USE_BATCH)):
            yield from zip(batch, known.firsts([(raw.id, raw.origin) for raw in batch]), strict=True)


_FIRST_USE_BATCH = 2_000  # records looked up and stored together: one query each way, not one per record


class FirstUses:
    """Where each id was first used, over records given in order, a batch at a time.

    The ids seen so far are kept in a temporary SQLite database on disk, so that
    a batch of millions of rows takes no more memory than one of ten. An id past
    its limits is not kept: validation rejects its record, under its origin.
    """

    def __init__(self) -> None:
        self.seen = sqlite3.connect("")  # "": a private database in a temporary file
        self.seen.execute("CREATE TABLE first_use (id TEXT PRIMARY KEY, origin TEXT NOT NULL)")

    def close(self) -> None:
        self.seen.close()

    def firsts(self, records: Sequence[tuple[str | None, str]], here: FirstHere | None = None) -> list[str | None]:
        """Each (id, origin)'s first origin, as `judge` writes origins: from the database for ids used before,
        from the batch, in order, for the others; None for a record without a usable id. `here` is
        `first_here(records)`, when a worker process has made it already."""
        found, added, new = here or first_here(records)
        before = self.seen.total_changes
        self.seen.execute("INSERT OR IGNORE INTO first_use SELECT key, value FROM json_each(?)", (added,))
        if self.seen.total_changes - before == new:  # no id was used before: the common case
            return found
        _, first = first_origins(records, {})
        earlier = {candidate_id: origin for candidate_id, origin in self.seen.execute(
            "SELECT id, origin FROM first_use WHERE id IN (SELECT key FROM json_each(?))", (added,))
            if origin != first[candidate_id]}
        return first_origins(records, earlier)[0]


class FirstHere(NamedTuple):
    """A batch's first uses as if no id were used before it: each record's first origin, and the ids first used
    in it (JSON text of id -> origin, as the database takes them) and how many they are."""

    found: list[str | None]
    added: str
    new: int


def first_here(records: Sequence[tuple[str | None, str]]) -> FirstHere:
    found, first = first_origins(records, {})
    return FirstHere(found, json.dumps(first), len(first))


def first_origins(records: Sequence[tuple[str | None, str]], earlier: Mapping[str, str]
                  ) -> tuple[list[str | None], dict[str, str]]:
    """Each (id, origin)'s first origin, given where ids used before were first used; and the ids first used here.
    An id past its limits has none: validation rejects its record, under its origin."""
    first_here: dict[str, str] = {}
    found: list[str | None] = []
    for candidate_id, origin in records:
        if candidate_id is None or id_issue(candidate_id):
            found.append(None)
        else:
            found.append(earlier.get(candidate_id) or first_here.setdefault(candidate_id, escaped(origin)))
    return found, first_here


def parted_file(path: str | Path, format: Format | None, label: str | None) -> tuple[Path, str, str] | None:
    """A CSV or JSON Lines file's path, label (as `iter_rows` names it) and format, when worker processes can read
    it in parts (`data.parts`): a regular file, not standard input or a pipe."""
    path = Path(path)
    form = format or _FORMATS.get(path.suffix.lower())
    if form not in ("csv", "jsonl") or path == STDIN or not os.path.isfile(path):
        return None
    return path, escaped(label if label is not None else str(path)), form
