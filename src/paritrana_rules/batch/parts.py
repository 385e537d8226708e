"""A CSV or JSON Lines file scored in parts that the worker processes read themselves (`data.parts`), rows out
in file order exactly as `rows.score_rows` gives them.

This process finds the cuts and keeps the ids (a repeated id is rejected,
naming where it was first used). A worker reads its part, scores it as if no
id were used before it, and hands back each row's id; this process then looks
the ids up, and the rare row whose id an earlier part used is scored again
here, from its part read once more, with the right first use. When a part's
last row did not end at the cut (`PartRows.clean`), the parts from there on are
let go, and the rest of the file is read as a stream and scored as
`score_rows` scores any file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from paritrana_rules.batch.rows import Rows, Scorer, score_rows
from paritrana_rules.data.parts import FilePart, file_parts, read_part, rows_from
from paritrana_rules.data.readers import FirstHere, FirstUses, first_here, with_first_origins
from paritrana_rules.errors import InputError
from paritrana_rules.processes import ordered_map

# About what a row takes, to read `Scorer.rows_at_once` rows a part: a JSON line repeats the keys a CSV file names once.
ROW_BYTES = {"csv": 210, "jsonl": 525}


class _Scored(NamedTuple):
    """A part scored by a worker, or why it was not: its rows did not end at its end, or it could not be read."""

    part: FilePart
    rows: Rows | None  # None: the cut did not hold
    uses: list[tuple[str | None, str]]  # each row's id and origin
    firsts: FirstHere | None  # the first use each row was scored with, as if no earlier part used its id
    error: InputError | None = None


def score_parts(scorer: Scorer, path: Path, label: str, form: str, *, jobs: int,
                size: int | None = None) -> Iterator[Rows]:
    """Each row of a CSV file, or record of a JSON Lines file (`form` "csv" or "jsonl"), scored or rejected, in
    order, a part's rows at a time, the file read in parts of about `size` bytes (by default in proportion to the
    rows a task takes: `ROW_BYTES`)."""
    size = size or ROW_BYTES[form] * scorer.rows_at_once
    with contextlib.closing(FirstUses()) as uses:
        resume = None
        scored = ordered_map(_score, scorer, file_parts(path, label, form, size), jobs, 1)
        try:
            for done in scored:
                if done.error is not None:
                    raise done.error
                if done.rows is None:
                    resume = done.part
                    break
                yield _with_first_uses(scorer, uses, done)
        finally:
            scored.close()  # ends the workers, and what they were given past a cut that did not hold
        if resume is not None:
            yield from score_rows(scorer, with_first_origins(rows_from(resume), uses), jobs)


def _score(scorer: Scorer, parts: list[FilePart]) -> list[_Scored]:
    return [_score_part(scorer, part) for part in parts]


def _score_part(scorer: Scorer, part: FilePart) -> _Scored:
    if part.end is None:  # the rest of the file, to read as a stream
        return _Scored(part, None, [], None)
    try:
        read = read_part(part)
    except InputError as error:  # raised where the rows before it are written, if this part's start holds
        return _Scored(part, None, [], None, error)
    if not read.clean:
        return _Scored(part, None, [], None)
    uses = [(row.id, row.origin) for row in read.rows]
    firsts = first_here(uses)
    return _Scored(part, Rows.of(scorer.chunk(list(zip(read.rows, firsts.found, strict=True)))), uses, firsts)


def _with_first_uses(scorer: Scorer, uses: FirstUses, done: _Scored) -> Rows:
    """The part's rows, those whose id an earlier part used scored again, with where it was first used."""
    assert done.rows is not None and done.firsts is not None
    firsts = uses.firsts(done.uses, done.firsts)
    if firsts is done.firsts.found:  # no id was used before: the common case
        return done.rows
    again = [index for index, (first, guessed) in enumerate(zip(firsts, done.firsts.found, strict=True))
             if first != guessed]
    if not again:
        return done.rows
    rows, read = done.rows.rows(), read_part(done.part).rows
    for index, row in zip(again, scorer.chunk([(read[index], firsts[index]) for index in again]), strict=True):
        rows[index] = row
    return Rows.of(rows)
