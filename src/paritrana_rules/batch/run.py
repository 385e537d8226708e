"""A whole batch: a data file scored with a rubric -> one output in a format and, if asked, a sealed ledger.

Rows are written as they are scored when nothing has to wait for them (no
ranking, and a line format: CSV or JSON Lines). With a ranking, placings need
every total first: CSV and JSON Lines rows wait in a temporary file, not in
memory, and the other formats are written at the end. The ledger gets every
record in input order, then the ranking, then its seal.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import attrs

from paritrana_rules.audit.ledger import Ledger
from paritrana_rules.audit.nominations import nominated_ids
from paritrana_rules.audit.records import Nomination
from paritrana_rules.audit.signing import SigningKey
from paritrana_rules.batch.render import RENDERERS
from paritrana_rules.batch.cells import CsvLines, csv_text, spreadsheet_text
from paritrana_rules.batch.rows import (
    Options,
    Rows,
    Scorer,
    counted,
    csv_header,
    rank_cells,
    score_rows,
)
from paritrana_rules.batch.parts import score_parts
from paritrana_rules.data import Format, Rejected, iter_rows, with_first_origins
from paritrana_rules.data.readers import parted_file
from paritrana_rules.errors import UsageError, did_you_mean
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.funnel import FunnelWords
from paritrana_rules.rank.ranking import Funnel, Placing, Rules
from paritrana_rules.rank.spill import Spill

FORMATS = tuple(RENDERERS)
REJECTIONS_KEPT = 100  # rejected rows a report keeps to show; all of them are in the output and the ledger


@attrs.frozen
class BatchReport:
    rows: int
    rejected: int
    first_rejected: tuple[Rejected, ...]  # the first `REJECTIONS_KEPT`
    row_by_row: str | None = None  # why the rubric's rows could not be scored a column at a time, if they could not


def score_file(rubric: AnyRubric, data: str | Path, output: BinaryIO, *, form: str = "table",
               lang: str = "en", explain: bool = False, stage: str | None = None, ledger: BinaryIO | None = None,
               nominations: Sequence[Nomination] | None = None, jobs: int = 1,
               tick: Callable[[int], None] | None = None, raw_csv: bool = False,
               signing_key: SigningKey | None = None, data_format: Format | None = None,
               columns: bool = True, data_label: str | None = None) -> BatchReport:
    """Score every row of `data` into `output` as `form` (see `render.RENDERERS`), and into `ledger` if given.

    `data_format` says how `data` is written when its name does not ("-" reads standard input; see
    `data.iter_rows`); `data_label` is what origins and problems call it, if not its path. `nominations` make it a
    national round: only the nominated ids are scored.
    `signing_key` signs the ledger's seal (see `audit.signing`).
    UsageError for a stage the rubric does not declare. `tick` is called with the number of rows scored so
    far (for a progress display). CSV cells that a spreadsheet would run as formulas are escaped unless
    `raw_csv` (see `cells.spreadsheet_text`). With `columns`, plainly written CSV and spreadsheet rows are scored
    a column at a time (`batch.columns`), with the same output; `BatchReport.row_by_row` says why a rubric could
    not be. A worker process that dies ends the run with `processes.WorkerDied`.
    """
    if stage is not None and stage not in rubric.stage_names:
        hint = did_you_mean(stage, rubric.stage_names)
        raise UsageError(f"the rubric has no stage '{stage}' (its stages: {', '.join(rubric.stage_names) or 'none'})"
                         + (f"; {hint}" if hint else ""))
    rules = Rules(rubric.model)
    streamed = not rules.ranks and form in ("csv", "jsonl")  # placings need every row first
    around = rules.ranks and form == "csv"  # rows written in the workers but for their rank columns
    options = Options(lang=lang, explain=explain, audit=ledger is not None, stage=stage,
                      detail=form in ("json", "jsonl"), line=form if streamed else "csv-around" if around else None,
                      nominated=nominated_ids(nominations) if nominations is not None else None, raw_csv=raw_csv,
                      columns=columns)
    scorer = Scorer(rubric, options)
    chunks = _scored(scorer, data, data_format, data_label, jobs)
    render = RENDERERS[form]
    with contextlib.ExitStack() as files:
        funnel = Funnel(rules) if rules.ranks else None
        if funnel is not None:
            files.callback(funnel.close)
        tally = _Tally(Ledger(ledger, rubric.program, nominations or (), signing_key=signing_key)
                       if ledger is not None else None, funnel)
        chunks = tally.passing(counted(chunks, tick) if tick is not None else chunks)
        placings = tally.placings()  # asked for once every row is in
        if streamed:  # rows come with their output line: write them as they come
            output.write(b"".join(render(rubric, [], None, options)))  # the header, if any
            for chunk in chunks:
                output.write("".join(chunk.texts or ()).encode("utf-8"))  # type: ignore[arg-type]  # each has one
        elif around and placings is not None:
            _write_around(rubric, chunks, placings, options, output, files)
        else:
            kept = (item for chunk in chunks for item in chunk.items or () if item is not None)
            items = _set_aside(kept, files) if form in ("csv", "jsonl", "xlsx") else list(kept)
            for piece in render(rubric, items, placings, options):
                output.write(piece)
        if tally.ledger is not None:
            tally.ledger.close()
    output.flush()
    return BatchReport(tally.rows, tally.rejected, tuple(tally.first_rejected), scorer.row_by_row)


def _scored(scorer: Scorer, data: str | Path, data_format: Format | None, data_label: str | None,
            jobs: int) -> Iterator[Rows]:
    """The rows scored in order, a chunk at a time: a CSV or JSON Lines file whose rows take the column lane is
    read in parts by the workers themselves (`batch.parts`), any other data read here and handed to them."""
    source = parted_file(data, data_format, data_label) if jobs > 1 and scorer.lane is not None else None
    if source is not None:
        return score_parts(scorer, *source, jobs=jobs)
    return score_rows(scorer, with_first_origins(iter_rows(data, data_format, data_label)), jobs=jobs)


class _Tally:
    """What passes by: rows counted, rejections counted (the first few kept), ledger records, funnel entries."""

    def __init__(self, ledger: Ledger | None, funnel: Funnel | None) -> None:
        self.ledger, self.funnel = ledger, funnel
        self.rows = self.rejected = 0
        self.first_rejected: list[Rejected] = []

    def passing(self, chunks: Iterable[Rows]) -> Iterator[Rows]:
        for chunk in chunks:
            self.add(chunk)
            yield chunk

    def add(self, rows: Rows) -> None:
        self.rows += rows.size
        for record in rows.records or ():
            if isinstance(record, Rejected):
                self.rejected += 1
                if len(self.first_rejected) < REJECTIONS_KEPT:
                    self.first_rejected.append(record)
                if self.ledger is not None:
                    self.ledger.rejected(record)
            elif self.ledger is not None and record is not None:
                self.ledger.scored(record)
        if self.funnel is not None and rows.entries is not None:
            self.funnel.add_all(entry for entry in rows.entries if entry is not None)

    def placings(self) -> Iterator[Placing] | None:
        """The funnel's placings, decided when the first is asked for (once every row has passed), each recorded
        in the ledger as it goes by; None when the rubric does not rank."""
        if self.funnel is None:
            return None
        placings = self.funnel.placings()
        return self.ledger.placed(placings) if self.ledger is not None else placings


def _write_around(rubric: AnyRubric, chunks: Iterable[Rows], placings: Iterator[Placing], options: Options,
                  output: BinaryIO, files: contextlib.ExitStack) -> None:
    """A ranked CSV: each row as the workers wrote it (kept on disk, a chunk's columns together, until every total
    is in), with its rank columns put in once the funnel has decided."""
    kept = Spill(_CHUNKS_HELD)
    files.callback(kept.close)
    for chunk in chunks:
        kept.append((chunk.befores, chunk.afters, chunk.texts, chunk.size))
    output.write(csv_text(csv_header(rubric, options.lang)).encode("utf-8"))
    ranks = RankText(FunnelWords(rubric.model, options.lang), options.lang, options.raw_csv)
    for befores, afters, texts, size in kept:
        nothing = [None] * size
        output.write("".join([text if before is None else before + ranks(next(placings)) + after
                              for before, after, text in zip(befores or nothing, afters or nothing, texts or nothing,
                                                             strict=True)]).encode("utf-8"))


class RankText:
    """A placing's rank columns as CSV text (`rows.rank_cells`, quoted and kept from running as formulas).

    Most placings differ from the others of their group in one number only: the rank, or the rank at which a cut
    ended the run. Their text is written once per group with a mark in that number's place, and each placing's
    number is put in. That is exact: digits in place of digits change neither CSV quoting nor the formula escape
    (see `cells.spreadsheet_text`). A text in which the mark is not found once, and a placing that won placings,
    is written whole.
    """

    def __init__(self, words: FunnelWords, lang: str, raw: bool) -> None:
        self.words, self.lang, self.raw = words, lang, raw
        self.lines = CsvLines()
        self.frames: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def __call__(self, placing: Placing) -> str:
        if placing.awards:
            return self.written(placing)
        cut = placing.cut
        key = (placing.group, placing.tied, placing.nominated, placing.rank is None,
               *((cut.stage, cut.group, cut.of, cut.top) if cut is not None else ()))
        frame = self.frames.get(key)
        if frame is None:
            frame = self.frames[key] = self.frame(placing)
        if len(frame) == 2:
            return f"{frame[0]}{cut.rank if cut is not None else placing.rank}{frame[1]}"
        return frame[0] if frame else self.written(placing)

    def frame(self, placing: Placing) -> tuple[str, ...]:
        """The text of placings like this one: around the mark; whole when no number varies; () when the mark is
        not found once (each is then written whole)."""
        if placing.cut is not None:
            marked = attrs.evolve(placing, cut=attrs.evolve(placing.cut, rank=_MARK))
        elif placing.rank is not None:
            marked = attrs.evolve(placing, rank=_MARK)
        else:
            return (self.written(placing),)
        parts = self.written(marked).split(str(_MARK))
        return tuple(parts) if len(parts) == 2 else ()

    def written(self, placing: Placing) -> str:
        ranked = rank_cells(self.words, placing, self.lang)
        return self.lines(ranked if self.raw else [spreadsheet_text(cell) for cell in ranked])[:-1]


_MARK = 10**18 + 7  # a rank no candidate has, written where a placing's own number goes

_CHUNKS_HELD = 4  # chunks of a ranked CSV's rows held in memory before they go to disk: 20,000 rows at most


def _set_aside(items: Iterable[dict[str, Any]], files: contextlib.ExitStack) -> Iterator[dict[str, Any]]:
    """Write every item to a temporary file now, and read them back, in order, when iterated."""
    spill = files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))  # noqa: SIM115 (`files` closes it)
    for item in items:
        spill.write(json.dumps(item, ensure_ascii=False) + "\n")
    spill.seek(0)
    return (json.loads(line) for line in spill)
