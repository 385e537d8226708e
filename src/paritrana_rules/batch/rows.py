"""Batch scoring: a candidate file -> one output row per input row, streamed, over several processes if asked.

Records are read one at a time (`data.iter_candidates`), then validated and
scored in chunks: in this process, or with `jobs` > 1 in worker processes that
each hold their own copy of the compiled rubric (it pickles as its text). Rows
come back in file order, so outputs keep the input's order. Memory stays flat
in the number of rows: only the chunks in flight are held, plus one small entry
per candidate when the rubric ranks (placings need every total) and each id
seen (a repeated id is rejected, naming the first).

This process writes the outputs and the ledger. A record's hash covers the hash
of the record before it, so chaining is sequential by nature: workers hand over
records complete but for that link (`audit.RecordWriter.pieces`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import attrs

from paritrana_rules.audit.records import RecordPieces, RecordWriter
from paritrana_rules.batch.cells import csv_text, heading, scored_parts, spreadsheet_text, status_word

try:  # the column lane needs numpy (the `columnar` extra); without it every row is scored one by one
    from paritrana_rules.batch import columns
except ImportError:  # pragma: no cover - depends on what is installed
    columns = None  # type: ignore[assignment]
from paritrana_rules.compile.program import Program
from paritrana_rules.data import CellRow, RawCandidate, Rejected
from paritrana_rules.errors import InputProblem
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.explanation import explain
from paritrana_rules.explain.outcome import summary, to_dict
from paritrana_rules.processes import ordered_map
from paritrana_rules.explain.funnel import FunnelWords, funnel_sentences
from paritrana_rules.explain.words import yes_no
from paritrana_rules.rank.ranking import Entry, Placing, Rules, decides_across, result_entry

CHUNK = 500  # rows per task: large enough that handing work to a process costs little per row
COLUMN_CHUNK = 5_000  # rows per task scored a column at a time: each step of the rubric is one array operation
AUDITED_SHARE = 4  # a chunk of rows with their audit records (kilobytes each) is this many times smaller, so that
# the chunks in flight, held in the workers and here, stay a few megabytes


class Row(NamedTuple):
    """One input row, scored or rejected, as plain data (it crosses processes: a tuple pickles cheaply).

    `item` is what the outputs show (see `item_of`); `record` the pieces of a
    scored record when auditing, or the rejected candidate with its problems;
    `entry` what ranking needs.
    """

    item: dict[str, Any] | None  # None when `text` is given instead
    record: RecordPieces | Rejected | None
    entry: Entry | None
    text: str | None = None  # the row's output line, when `Options.line` asks for it
    around: tuple[str, str] | None = None  # a ranked CSV row's text before and after its rank columns


@attrs.frozen
class Rows:
    """A chunk of rows as columns, as a worker hands them back: one list per part of a `Row` (entries as plain
    tuples), or None when no row of the chunk has that part; a ranked CSV row's text around its rank columns is two
    lists. A few lists cost a fraction of a tuple per row to pickle and unpickle, and the writer reads each column
    whole."""

    size: int
    items: list[dict[str, Any] | None] | None
    records: list[RecordPieces | Rejected | None] | None
    entries: list[tuple[Any, ...] | None] | None
    texts: list[str | None] | None
    befores: list[str | None] | None
    afters: list[str | None] | None

    @classmethod
    def of(cls, rows: Sequence[Row]) -> Rows:
        around = _column([row.around for row in rows])
        return cls(len(rows), _column([row.item for row in rows]), _column([row.record for row in rows]),
                   _column([None if row.entry is None else tuple(row.entry) for row in rows]),
                   _column([row.text for row in rows]),
                   None if around is None else [None if pair is None else pair[0] for pair in around],
                   None if around is None else [None if pair is None else pair[1] for pair in around])

    def __len__(self) -> int:
        return self.size

    def rows(self) -> list[Row]:
        """The rows again (for the rare chunk some of whose rows are scored again)."""
        def at(column: list[Any] | None, index: int) -> Any:
            return None if column is None else column[index]
        made = []
        for index in range(self.size):
            entry, before = at(self.entries, index), at(self.befores, index)
            made.append(Row(at(self.items, index), at(self.records, index), None if entry is None else Entry(*entry),
                            at(self.texts, index), None if before is None else (before, at(self.afters, index))))
        return made


def _column(values: Sequence[Any]) -> list[Any] | None:
    return list(values) if any(value is not None for value in values) else None


@attrs.frozen
class Options:
    lang: str = "en"
    explain: bool = False
    audit: bool = False
    stage: str | None = None  # score every candidate at this stage; None: at the stage its data has reached
    detail: bool = True  # items with every criterion, gate and adjustment (JSON); else points only (CSV, tables)
    # "csv" or "jsonl": each row's output line, written where it is scored (no ranking); "csv-around": a ranked
    # CSV row's text around its rank columns (see `Row.around`)
    line: str | None = None
    nominated: frozenset[str] | None = None  # a national round scores only these ids (see nominations.py)
    raw_csv: bool = False  # CSV cells as they are, formulas included (see `spreadsheet_text`)
    columns: bool = True  # plainly written rows scored a column at a time, where the rubric allows (`columns.py`)


Read = RawCandidate | CellRow  # a record as read (see data.iter_rows), with where its id was first used
Reads = Sequence[tuple[Read, str | None]]


def score_rows(scorer: Scorer, raws: Iterable[tuple[Read, str | None]], jobs: int = 1) -> Iterator[Rows]:
    """Each record (with where its id was first used) scored or rejected, in order, a chunk of rows at a time
    (what follows handles a chunk in a few steps, not a step per row)."""
    records, size = iter(raws), scorer.rows_at_once
    chunks = iter(lambda: list(itertools.islice(records, size)), [])
    return ordered_map(_score, scorer, chunks, jobs, 1)


def _score(scorer: Scorer, chunks: list[list[tuple[Read, str | None]]]) -> list[Rows]:
    return [Rows.of(scorer.chunk(chunk)) for chunk in chunks]


class Scorer:
    """Scores the rows of one rubric with one set of options, in whichever process it is sent to.

    It pickles as its rubric and options; the record writers it makes there (one
    per stage scored at) stay in that process.
    """

    def __init__(self, rubric: AnyRubric, options: Options) -> None:
        self.rubric, self.options = rubric, options
        self.writers: dict[Program, RecordWriter] = {}
        self.rules = Rules(rubric.model)
        self.words = FunnelWords(rubric.model, options.lang)
        self.lane, self.row_by_row = _lane(rubric, options, self.rules)
        self.rows_at_once = _rows_at_once(self.lane, options)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "writers": {}}

    def chunk(self, chunk: Reads) -> list[Row]:
        made = self.lane.rows(chunk) if self.lane is not None else [None] * len(chunk)
        return [self.row(read.record() if isinstance(read, CellRow) else read, first) if laned is None
                else self.validated(laned) if isinstance(laned, columns.Validated)
                else Row(laned.item, None, laned.entry, laned.text, laned.around)
                for (read, first), laned in zip(chunk, made, strict=True)]

    def row(self, raw: RawCandidate, first: str | None) -> Row:
        traced = self.options.audit or self.options.explain
        return self.done(self.rubric.score_record(raw, first, stage=self.options.stage, trace=traced)
                         if _nominated(raw, self.options) else _not_nominated(raw))

    def validated(self, laned: Any) -> Row:
        """A row the column lane validated (`columns.Validated`), scored one by one; or, when the lane scored it
        too, the lane's row with the audit record of the row-by-row path's result."""
        outcome = laned.view.score_or_reject(laned.candidate, trace=self.options.audit or self.options.explain)
        made = laned.made
        if made is None or isinstance(outcome, Rejected):
            return self.done(outcome)
        return Row(made.item, self._writer(outcome.program).pieces(outcome), made.entry, made.text, made.around)

    def done(self, outcome: Result | Rejected) -> Row:
        """A candidate scored or rejected, as its row: what the outputs show, its record, its ranking entry."""
        rubric, options = self.rubric, self.options
        if isinstance(outcome, Rejected):
            return _finished(rubric, Row(rejected_item(outcome), outcome, None), options, self.words)
        record = self._writer(outcome.program).pieces(outcome) if options.audit else None
        entry = result_entry(self.rules, outcome) if self.rules.ranks else None
        return _finished(rubric, Row(item_of(outcome, options), record, entry), options, self.words)

    def _writer(self, program: Program) -> RecordWriter:
        if program not in self.writers:
            self.writers[program] = RecordWriter(program)
        return self.writers[program]


def _lane(rubric: AnyRubric, options: Options, rules: Rules) -> tuple[Any, str | None]:
    """The column lane, which scores rows too when the outputs asked for are ones it makes (points only: no
    explanation or every part; an audit record is made one by one); and why the rows are scored one by one when
    the rubric cannot be."""
    if columns is None or not options.columns:
        return None, None
    form = columns.Form(options.line, options.lang, options.raw_csv)
    return columns.lane_for(rubric, rules, form, options.stage, options.nominated,
                            scores=not (options.explain or options.detail), records=options.audit)


def _rows_at_once(lane: Any, options: Options) -> int:
    """Rows a task takes: many when the column lane scores them (each step of the rubric is then one array
    operation), a quarter as many when each also carries its audit record (kilobytes), and a few hundred when
    each is scored one by one (explained, or every part in JSON: the items are large, and a lane that only
    validates gains little from more)."""
    if lane is None or not lane.scores:
        return CHUNK
    return COLUMN_CHUNK // AUDITED_SHARE if options.audit else COLUMN_CHUNK


def _nominated(raw: RawCandidate, options: Options) -> bool:
    return options.nominated is None or raw.id in options.nominated


def _not_nominated(raw: RawCandidate) -> Rejected:
    label = raw.id if raw.id is not None else raw.origin
    problem = InputProblem(label, "id", "not nominated: no provincial ledger given with --nominees nominates this id",
                           "a national round scores the first places of the provincial rounds; check the id")
    return Rejected(label, raw.name, raw.origin, (problem,))


def _finished(rubric: AnyRubric, row: Row, options: Options, words: FunnelWords) -> Row:
    """The row with its output line written, when asked: it then travels between processes as one string.
    A ranked CSV row is written around its rank columns, which wait for every total (`Row.around`)."""
    if options.line is None or row.item is None:
        return row
    if options.line == "csv-around" and row.item["status"] != "rejected":
        before, after = csv_parts(rubric, row.item, raw=options.raw_csv, lang=options.lang)
        return row._replace(item=None, around=(csv_text(before)[:-1] + ",", "," + csv_text(after)))
    form = "csv" if options.line == "csv-around" else options.line
    return row._replace(item=None, text=line(rubric, row.item, None, form, words, raw_csv=options.raw_csv,
                                             lang=options.lang))


def line(rubric: AnyRubric, item: dict[str, Any], placing: Placing | None, form: str, words: FunnelWords, *,
         raw_csv: bool = False, lang: str = "en") -> str:
    """An item as one line of a CSV file (see `csv_cells`, its words in `lang`) or of a JSON Lines file (its
    keys and status codes the same in every language)."""
    if form == "jsonl":
        if placing is not None:
            item = {**item, **placed(words, placing)}
        return json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n"
    return csv_text(csv_cells(rubric, item, placing, words, raw=raw_csv, lang=lang))


def item_of(result: Result, options: Options) -> dict[str, Any]:
    """A scored candidate as the output formats show it: every part, or its summary with points only."""
    item = to_dict(result, options.lang) if options.detail else summary(result, options.lang)
    if options.explain:
        item["explanation"] = explain(result, lang=options.lang)
    return item


def rejected_item(rejected: Rejected) -> dict[str, Any]:
    return {"candidate_id": rejected.id, "candidate_name": rejected.name, "status": "rejected",
            "origin": rejected.origin, "problems": [p.to_dict() for p in rejected.problems]}


def points_of(item: dict[str, Any]) -> dict[str, str]:
    """A scored item's points by criterion, from either form of item."""
    if "points" in item:
        return dict(item["points"])
    return {c["name"]: c["points"] for c in item.get("criteria", ())}


def rank_cells(words: FunnelWords, placing: Placing | None, lang: str = "en") -> list[str]:
    """Rank (with its group), whether nominated (yes, or ya in `lang` id), and the placings won or the cut that
    ended the run."""
    if placing is None:
        return ["-", "", ""]
    return [words.rank(placing), yes_no(True, lang) if placing.nominated else "", words.outcome(placing)]


RANK_COLUMNS = ["rank", "nominated", "placing"]


def csv_header(rubric: AnyRubric, lang: str = "en") -> list[str]:
    """The headings of the CSV output in `lang` (see `cells.heading`); criteria by their names."""
    ranked = RANK_COLUMNS if decides_across(rubric.model) else []
    codes = ["id", "name", "status", "total", *ranked]
    return [*(heading(code, lang) for code in codes), *(c.decl.name for c in rubric.model.criteria),
            heading("reasons", lang)]


def placed(words: FunnelWords, placing: Placing) -> dict[str, Any]:
    """What JSON outputs add to a scored item: the placing's parts, and them in words."""
    return {**{k: v for k, v in placing.to_dict().items() if k != "candidate"}, "placing": words.outcome(placing)}


def explained(rubric: AnyRubric, item: dict[str, Any], placing: Placing | None, lang: str) -> str:
    """A candidate's explanation, with what the funnel decided once every candidate was scored."""
    text = str(item["explanation"])
    sentences = funnel_sentences(rubric.model, placing, lang) if placing is not None else []
    return text.rstrip() + "\n\n" + "\n".join(sentences) + "\n" if sentences else text


def csv_cells(rubric: AnyRubric, item: dict[str, Any], placing: Placing | None, words: FunnelWords, *,
              raw: bool = False, lang: str = "en") -> list[str]:
    """An item as a row of the CSV output (see `csv_header`): a rejected row gives its problems as reasons.

    Each cell is `spreadsheet_text`, unless `raw`; statuses are words of `lang` (`cells.status_word`).
    """
    before, after = csv_parts(rubric, item, raw=raw, lang=lang)
    if not decides_across(rubric.model):
        return [*before, *after]
    ranked = rank_cells(words, placing, lang) if item["status"] != "rejected" else ["", "", ""]
    return [*before, *(ranked if raw else [spreadsheet_text(cell) for cell in ranked]), *after]


def csv_parts(rubric: AnyRubric, item: dict[str, Any], *, raw: bool = False, lang: str = "en"
              ) -> tuple[list[str], list[str]]:
    """The cells before the rank columns (id, name, status, total) and after them (points, reasons)."""
    names = [c.decl.name for c in rubric.model.criteria]
    if item["status"] == "rejected":
        problems = (InputProblem(p["candidate"], p["field"], p["message"], p["hint"]) for p in item["problems"])
        before = [item["candidate_id"], item["candidate_name"] or "", status_word("rejected", lang), ""]
        after = [*("" for _ in names), "; ".join(p.render() for p in problems)]
    else:
        points = points_of(item)  # a pending candidate has no points yet for what later stages score
        return scored_parts(item["candidate_id"], item["candidate_name"], status_word(item["status"], lang),
                            item["total"], [points.get(n, "") for n in names], "; ".join(item["reasons"]), raw=raw)
    if raw:
        return before, after
    return [spreadsheet_text(cell) for cell in before], [spreadsheet_text(cell) for cell in after]


def counted(chunks: Iterable[Rows], tick: Callable[[int], None]) -> Iterator[Rows]:
    """Chunks of rows passed through, calling `tick` with the count of rows so far (for a progress display)."""
    number = 0
    for chunk in chunks:
        number += len(chunk)
        tick(number)
        yield chunk
