"""Scoring candidates held in DataFrames: pandas in one process, Dask across a cluster (the `dask` extra).

A frame holds one candidate a row: an `id` column, an optional `name`, and a
column per input. Its cells are read as a CSV export of it would hold them
(`data.cell_text`; NaN, None and pd.NA are empty cells), then every row goes
through the batch scorer (`batch.rows.Scorer`: plainly written rows a column at
a time, with the `columnar` extra) and comes back as the row
`paritrana-rules score --format csv` would print for it, rejected rows
included with their problems. Nothing here scores, validates or formats on its
own account, so a frame and a file of the same candidates give the same cells.

The result's totals and points are exact decimals (`decimal128` at the
rubric's rounding places, through pyarrow), `nominated` is a boolean, and a
rejected row's numbers are missing, so a frame can be summed and sorted
without parsing text; `as_text=True` gives every cell as the CSV's text
instead. Either way the values are the CSV's: the numbers are read from the
same items the CSV cells are written from.

Rows are numbered as in a CSV file whose first line is the header: the frame's
first row is "frame, row 2". Wholly empty rows are no candidate, as in a CSV
file, and give no output row; every other input row gives one, in order, under
its input index label.

Two things need every row at once: a repeated id (the second and later uses are
rejected, naming the first) and ranking (placings compare every total). Across
partitions they take a pass of their own before scoring: the first finds the
repeated ids and where each was first used, the second (only when the rubric
ranks) scores for the entries and places them on the client; what they find is
handed to every partition. The result is then the same on any cluster as in
one process. `score_part` and `entries_of` are those steps for other engines
(docs/scale.md has a Spark recipe).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

try:
    import numpy
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    import pyarrow  # type: ignore[import-untyped,unused-ignore]
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise ImportError(
        "paritrana_rules.frames needs pandas and dask: pip install 'paritrana-rules[dask]'"
    ) from error

from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.batch.rows import RANK_COLUMNS, Options, Row, Scorer, csv_cells, csv_header, points_of
from paritrana_rules.data import CellRow, check_header, cell_text, with_first_origins
from paritrana_rules.explain.funnel import FunnelWords
from paritrana_rules.rank.ranking import Entry, Placing, Rules, place

FIRST_ROW = 2  # row 1 is the header, as in a CSV file: a frame read from one names the same rows
DECIMAL_DIGITS = 38  # of a decimal128 column: a total or points value is below 10^15 with at most 10 places

_Positioned = list[tuple[int, CellRow]]  # each row with its position in its frame or partition


# ------------------------------------------------------------------ pandas


def score_frame(rubric: AnyRubric, frame: pd.DataFrame, *, lang: str = "en", source: str = "frame",
                as_text: bool = False) -> pd.DataFrame:
    """Every row of `frame` scored or rejected, as the columns of `score --format csv`: numbers as exact decimals,
    or, `as_text`, every cell as the CSV's text.

    `source` names the frame in origins ("frame, row 2"); pass a file's path to
    read exactly like the CLI on that file. Raises `InputError` when the
    columns cannot be read (no `id` column, a column named twice).
    """
    return score_part(rubric, frame, lang=lang, source=source, as_text=as_text)


def score_part(rubric: AnyRubric, part: pd.DataFrame, *, rows: Sequence[int] | None = None,
               repeated: Mapping[str, str] | None = None, placings: Mapping[str, Placing] | None = None,
               lang: str = "en", source: str = "frame", as_text: bool = False) -> pd.DataFrame:
    """One piece of a larger frame, given what only the whole frame knows (for engines other than Dask).

    `rows` are the piece's row numbers in the whole frame; `repeated` maps each
    id used more than once in the whole frame to the origin of its first use
    ("frame, row 7"); `placings` are every candidate's, by id, from
    `ranking.place` over the `entries_of` every piece. Left out, each is taken
    from the piece alone, as if it were the whole frame.
    """
    records = _records(part, _header(part.columns, source), source, rows)
    scored = _score_rows(rubric, records, repeated, lang)
    if placings is None:
        placings = _placings(rubric, [row.entry for row in scored if row.entry is not None])
    return _cells(rubric, part.index[[position for position, _ in records]], scored, placings, lang, as_text)


def entries_of(rubric: AnyRubric, part: pd.DataFrame, *, rows: Sequence[int] | None = None,
               repeated: Mapping[str, str] | None = None, source: str = "frame") -> list[Entry]:
    """What ranking needs of each candidate the piece scores (rejected ones have none); see `score_part`."""
    records = _records(part, _header(part.columns, source), source, rows)
    return [row.entry for row in _score_rows(rubric, records, repeated, "en") if row.entry is not None]


def _header(columns: Iterable[Any], source: str) -> list[str]:
    """Column names as a CSV header would read; refused for the reasons a CSV header is."""
    header = [str(column).strip() for column in columns]
    check_header(header, source)
    return header


def _records(part: pd.DataFrame, header: list[str], source: str, rows: Sequence[int] | None) -> _Positioned:
    """Each row as a CSV file's row reads (scored a column at a time where it can be), with its position; wholly
    empty rows are skipped, as `candidate_from_cells` says."""
    numbers = range(FIRST_ROW, FIRST_ROW + len(part)) if rows is None else rows
    records: _Positioned = []
    for position, (number, values) in enumerate(zip(numbers, part.itertuples(index=False, name=None), strict=True)):
        cells = [_cell(value) for value in values]
        if any(cell.strip() for cell in cells):
            records.append((position, CellRow(cells, header, f"{source}, row {number}")))
    return records


def _cell(value: object) -> str:
    """A frame cell as the text of a CSV cell: missing values (NaN, None, pd.NA, NaT) are empty."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    if isinstance(value, numpy.generic):  # numpy's bool_ and int64 are no Python bool or int
        value = value.item()
    return cell_text(value)


def _score_rows(rubric: AnyRubric, records: _Positioned, repeated: Mapping[str, str] | None,
                lang: str) -> list[Row]:
    """As one process would: an id's first use is its own origin, unless the id repeats."""
    raws = [raw for _, raw in records]
    if repeated is None:
        chunk = list(with_first_origins(raws))
    else:
        chunk = [(raw, repeated.get(raw.id, raw.origin) if raw.id is not None else None) for raw in raws]
    return Scorer(rubric, Options(lang=lang, detail=False)).chunk(chunk)


def _placings(rubric: AnyRubric, entries: Sequence[Entry]) -> dict[str, Placing]:
    rules = Rules(rubric.model)
    return {p.candidate: p for p in place(rules, entries)} if rules.ranks else {}


def _cells(rubric: AnyRubric, index: pd.Index, rows: Sequence[Row],
           placings: Mapping[str, Placing], lang: str, as_text: bool) -> pd.DataFrame:
    items = [row.item for row in rows if row.item is not None]  # scored without `Options.line`: items are kept
    words = FunnelWords(rubric.model, lang)
    cells = [csv_cells(rubric, item, placings.get(item["candidate_id"]), words) for item in items]
    frame = pd.DataFrame(cells, columns=csv_header(rubric), index=index, dtype=object)
    return frame if as_text else _typed(rubric, frame, items)


def _typed(rubric: AnyRubric, frame: pd.DataFrame, items: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The numbers of the CSV's cells as exact decimals and `nominated` as booleans, read from the items the
    cells were written from (a rejected row, or a criterion a pending candidate has not reached, is missing)."""
    number = pd.ArrowDtype(pyarrow.decimal128(DECIMAL_DIGITS, rubric.model.rounding_places))
    scored = [item if item["status"] != "rejected" else None for item in items]
    frame["total"] = pd.Series([_decimal(item["total"] if item else None) for item in scored], index=frame.index,
                               dtype=number)
    for name in (c.decl.name for c in rubric.model.criteria):
        frame[name] = pd.Series([_decimal(points_of(item).get(name) if item else None) for item in scored],
                                index=frame.index, dtype=number)
    if RANK_COLUMNS[1] in frame.columns:
        frame["nominated"] = pd.Series([None if item is None else cell == "yes"
                                        for item, cell in zip(scored, frame["nominated"], strict=True)],
                                       index=frame.index, dtype="boolean")
    return frame


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


# ------------------------------------------------------------------ dask

_Shared = tuple[AnyRubric, dict[str, str], dict[str, Placing]]  # rubric, repeated ids, placings


def score_dask(rubric: AnyRubric, frame: Any, *, lang: str = "en", source: str = "frame",
               as_text: bool = False) -> Any:
    """`score_frame` partition by partition: a lazy Dask DataFrame with the same rows and cells.

    Reads `frame` two or three times before the result is computed (partition
    lengths, repeated ids, and, when the rubric ranks, every entry: ranked
    rubrics are scored twice); persist it first if reading it is costly.
    """
    dask = _dask()
    header = _header(frame.columns, source)
    first_rows = _first_rows(frame)
    repeated = _repeated_ids(frame, header, source, first_rows)
    placings = _dask_placings(rubric, frame, source, first_rows, repeated) if Rules(rubric.model).ranks else {}
    # One task holds what every partition needs, so it is sent once per worker rather than once per partition.
    shared = dask.delayed((rubric, repeated, placings), traverse=False, pure=False)
    meta = _cells(rubric, frame._meta.index, [], {}, lang, as_text)
    return frame.map_partitions(_score_partition, shared, source, first_rows, lang, as_text, meta=meta)


def _dask() -> Any:
    try:
        import dask
        import dask.dataframe
    except ImportError as error:  # pragma: no cover - depends on what is installed
        raise ImportError("score_dask needs dask: pip install 'paritrana-rules[dask]'") from error
    return dask


def _first_rows(frame: Any) -> list[int]:
    """The row number of each partition's first row, counted over the whole frame."""
    lengths = frame.map_partitions(len, meta=(None, "int64")).compute().tolist()
    starts = [FIRST_ROW]
    for length in lengths[:-1]:
        starts.append(starts[-1] + int(length))
    return starts


def _rows_of(part: pd.DataFrame, first_rows: list[int], partition_info: dict[str, Any] | None) -> range:
    # Dask passes `partition_info` to every partition; it is None only while Dask infers metadata.
    first = first_rows[partition_info["number"]] if partition_info is not None else FIRST_ROW
    return range(first, first + len(part))


def _repeated_ids(frame: Any, header: list[str], source: str, first_rows: list[int]) -> dict[str, str]:
    """Where each id used more than once was first used; only repeated ids come back to the client."""
    meta = pd.DataFrame({"id": pd.Series([], dtype=object), "row": pd.Series([], dtype="int64")})
    ids = frame.map_partitions(_id_rows, header, source, first_rows, meta=meta)
    uses = ids.groupby("id")["row"].agg(["min", "count"])
    repeated = uses[uses["count"] > 1].compute()
    return {str(candidate): f"{source}, row {int(row)}" for candidate, row in repeated["min"].items()}


def _id_rows(part: pd.DataFrame, header: list[str], source: str, first_rows: list[int],
             partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    rows = _rows_of(part, first_rows, partition_info)
    used = [(raw.id, rows[position]) for position, raw in _records(part, header, source, rows) if raw.id is not None]
    return pd.DataFrame({"id": pd.Series([i for i, _ in used], dtype=object),
                         "row": pd.Series([r for _, r in used], dtype="int64")})


def _dask_placings(rubric: AnyRubric, frame: Any, source: str, first_rows: list[int],
                   repeated: dict[str, str]) -> dict[str, Placing]:
    """Placings need every total: score each partition for its entries, then place them all here."""
    dask = _dask()
    shared = dask.delayed((rubric, repeated, {}), traverse=False, pure=False)
    parts = [dask.delayed(_partition_entries)(part, shared, source, first)
             for part, first in zip(frame.to_delayed(), first_rows, strict=True)]
    return _placings(rubric, [entry for entries in dask.compute(*parts) for entry in entries])


def _partition_entries(part: pd.DataFrame, shared: _Shared, source: str, first: int) -> list[Entry]:
    rubric, repeated, _ = shared
    return entries_of(rubric, part, rows=range(first, first + len(part)), repeated=repeated, source=source)


def _score_partition(part: pd.DataFrame, shared: _Shared, source: str, first_rows: list[int], lang: str,
                     as_text: bool, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    rubric, repeated, placings = shared
    return score_part(rubric, part, rows=_rows_of(part, first_rows, partition_info), repeated=repeated,
                      placings=placings, lang=lang, source=source, as_text=as_text)


__all__ = ["DECIMAL_DIGITS", "FIRST_ROW", "entries_of", "score_dask", "score_frame", "score_part"]
