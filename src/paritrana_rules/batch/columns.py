"""The column lane of a batch: the plainly written rows of a chunk validated and scored a column at a time.

A chunk of CSV or spreadsheet rows, or of records (JSON Lines, JSON, YAML), is
turned into tables of one header and their columns (`batch.tables`). A row
takes this lane only when it is read exactly as the row-by-row path would read
it: its cells are where the header says, its id is its own, every number is plain
digits (`-12.50`) within its bounds, and every other cell is one the data
layer's own converter accepts (each distinct cell is converted once, with
`data.input_value`). Such rows are scored by the rubric's column program
(`compile.columnar`); every other row (a problem to report, an unusual
number, a value past the columns' range) is left to the row-by-row path,
which says what is wrong. Both give the same output for the same row: the
lane builds its items with the same functions (`outcome_of`, `reasons_for`,
`entries_of`).

When the outputs need every step of a derivation (an audit record, an
explanation, every part in JSON), or the rubric cannot be scored in columns,
the lane still reads and validates the plain rows, the costly part of
reading a row, and hands each over as the candidate `data.judge` would make
of it, for the row-by-row path to score: the records and explanations are
that path's own.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import attrs
import numpy as np

from paritrana_rules.batch.cells import CsvLines, spreadsheet_text, spreadsheet_texts, status_word
from paritrana_rules.batch.tables import (
    Table,
    cell_value,
    member_column,
    missing,
    numbers,
    plain_key,
    plain_number,
    record_cells,
    rows_of,
)
from paritrana_rules.compile.column_values import Codes, Column, Unsupported, fixed_column
from paritrana_rules.compile.columnar import ColumnProgram, Scores, columns, statuses
from paritrana_rules.compile.program import Program
from paritrana_rules.data import Candidate, CellRow, InputSpec, Panel
from paritrana_rules.data.limits import escaped, id_issue, name_issue
from paritrana_rules.data.records import text_field
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.explanation import reasons_for
from paritrana_rules.explain.outcome import outcome_of
from paritrana_rules.numeric import fixed_texts
from paritrana_rules.rank.ranking import Entry, Rules, entries_of

_CACHED_CELLS = 100_000  # distinct non-number cells remembered per input, across chunks


@attrs.frozen
class Form:
    """What the rows are written as: `rows.Options.line` ("csv", "csv-around" or None for items), the language of
    the reasons, and whether CSV cells are left as they are."""

    line: str | None
    lang: str
    raw_csv: bool


class Made(NamedTuple):
    """A row this lane scored, as `rows.Row` holds it: its item, or its CSV line, or its text around the rank
    columns; and its ranking entry."""

    item: dict[str, Any] | None
    entry: Entry | None
    text: str | None = None
    around: tuple[str, str] | None = None


class Validated(NamedTuple):
    """A row this lane read and validated, to be scored one by one: the candidate, the rubric at the stage it is
    scored at, and the row as this lane scored it, when it did and only the audit record is left to make (the
    row-by-row path writes records: they hold every step of the derivation)."""

    view: AnyRubric
    candidate: Candidate
    made: Made | None = None


class Plain(NamedTuple):
    """A plainly written row of a chunk: where it is in the chunk, and its id, name and origin as the row-by-row
    path reads them."""

    position: int
    id: str
    name: str | None
    origin: str


class ColumnLane:
    """Reads the plainly written rows of a chunk a column at a time, and scores those it can (`rows`).

    Made with `lane_for`, which says why a rubric cannot be scored in columns.
    """

    def __init__(self, rubric: AnyRubric, rules: Rules, form: Form, stage: str | None,
                 nominated: frozenset[str] | None, scores: bool, records: bool) -> None:
        self.rubric, self.rules, self.form, self.stage, self.nominated = rubric, rules, form, stage, nominated
        self.scores, self.records = scores, records  # whether it scores rows; whether their records are asked for
        self.programs: dict[int, ColumnProgram] = {}
        self.converted: dict[str, dict[str | None, tuple[object, bool] | None]] = {}
        self.headers: dict[tuple[str, ...], bool] = {}
        self.kinds = {i.spec.name: i.spec.kind for i in rubric.whole.inputs}
        self.names = {*self.kinds, "id", "name"}
        self.conditions = [(index, a.condition) for index, a in enumerate(rubric.model.awards)
                           if a.condition is not None]

    def __reduce__(self) -> tuple[Any, ...]:  # its column programs are made again where it lands
        return (ColumnLane, (self.rubric, self.rules, self.form, self.stage, self.nominated, self.scores,
                             self.records))

    def rows(self, chunk: Sequence[tuple[Any, str | None]]) -> list[Made | Validated | None]:
        """Each read as this lane leaves it: scored (its item and ranking entry), validated only (the row-by-row
        path scores it: this lane does not score the rubric or the outputs asked for, or not this row's numbers),
        or None (the row-by-row path reads it: it has something to report, or is not plainly written)."""
        made: list[Made | Validated | None] = [None] * len(chunk)
        for view, table, rows in self.plain_rows(chunk):
            inputs, unread = self.inputs(view.input_specs, table)
            left = ~unread
            if self.scores:
                scored, left = self.scored(view, table, rows, inputs, unread)
                for position, item in scored:
                    made[position] = item
            for position, candidate in self.validated(view, table, rows, ~unread if self.records else left):
                made[position] = Validated(view, candidate, made[position])  # type: ignore[arg-type]
        return made

    def plain_rows(self, chunk: Sequence[tuple[Any, str | None]]) -> Iterator[tuple[AnyRubric, Table, list[Plain]]]:
        """The chunk's plainly written rows with a plain id and name, as tables of one header, each at one stage:
        the rubric at that stage, the table, and where each row is in the chunk, with its id, name and origin."""
        by_header: dict[object, list[tuple[int, Any]]] = {}
        for position, (read, first) in enumerate(chunk):
            if (key := plain_key(read, first)) is not None:
                by_header.setdefault(key, []).append((position, read))
        for grouped in by_header.values():
            made = self.table(grouped)
            if made is None:
                continue
            table, rows, identities = made
            reached = self.stages_reached(table)
            for stage in np.unique(reached):
                chosen = [(i, identity) for i in np.flatnonzero(reached == stage).tolist()
                          if (identity := identities[i]) is not None]
                yield (self.rubric.at_stage(int(stage)), table.subset([i for i, _ in chosen]),
                       [Plain(rows[i][0], *identity, escaped(rows[i][1].origin)) for i, identity in chosen])

    def table(self, rows: list[tuple[int, Any]]
              ) -> tuple[Table, list[tuple[int, Any]], list[tuple[str, str | None] | None]] | None:
        """Rows of one header as a table, those it holds, and each one's (id, name) when plain (else None); None when
        the header is not one this lane reads. A record's id and name were read with it, and a record with a value
        this lane does not read is left out (`tables.record_cells`)."""
        first = rows[0][1]
        header = first.header if isinstance(first, CellRow) else list(first.values)
        if not self.plain_header(header):
            return None
        if isinstance(first, CellRow):
            table = Table(header, [read.cells for _, read in rows])
            return table, rows, [self.identity(*cells) for cells in zip(table.column("id"), table.column("name"),
                                                                            strict=True)]
        cells = [record_cells(read.values, self.kinds) for _, read in rows]
        kept = [row for row, made in zip(rows, cells, strict=True) if made is not None]
        return (Table(header, [made for made in cells if made is not None]), kept,
                [(read.id, read.name) if self.nominated is None or read.id in self.nominated else None
                 for _, read in kept])

    def identity(self, id_cell: str | None, name_cell: str | None) -> tuple[str, str | None] | None:
        """(id, name) as the row-by-row path reads them, when it has nothing to report of them; else None."""
        candidate_id, id_problem = text_field(id_cell, "an id", id_issue)
        name, name_problem = text_field(name_cell, "a name", name_issue)
        if candidate_id is None or id_problem or name_problem:
            return None
        if self.nominated is not None and candidate_id not in self.nominated:
            return None
        return candidate_id, name

    def plain_header(self, header: list[str]) -> bool:
        """Every column named once, each an input, the id or the name (decided once per header)."""
        key = tuple(header)
        if key not in self.headers:
            self.headers[key] = all(header) and len(set(header)) == len(header) and set(header) <= self.names
        return self.headers[key]

    def stages_reached(self, table: Table) -> Any:
        """Each row's stage, as `CompiledRubric.stage_for` decides it: the last stage whose inputs without a default
        are all there, and every earlier stage's too (or the stage asked for)."""
        if self.stage is not None:
            return np.full(table.size, self.rubric.stage_names.index(self.stage))
        reached = np.zeros(table.size, dtype=np.int64)
        complete = np.ones(table.size, dtype=bool)
        for index, arriving in enumerate(self.rubric.arriving[1:], 1):
            for name in arriving:
                complete &= ~missing(table, name)
            reached[complete] = index
        return reached

    def program(self, view: AnyRubric) -> ColumnProgram:
        if view.stage not in self.programs:
            self.programs[view.stage] = columns(view.program)
        return self.programs[view.stage]

    def scored(self, view: AnyRubric, table: Table, rows: list[Plain], inputs: dict[str, Column], unread: Any
               ) -> tuple[list[tuple[int, Made]], Any]:
        """The rows this lane scores, made; and the rows it read but leaves to be scored one by one (their
        arithmetic cannot stay exact in columns: `Scores.scalar`)."""
        program = self.program(view)
        scores = program.run(inputs, table.size)
        qualifies = self.qualifies(program, scores)
        words = _Words(view.program, scores, statuses(view.program, scores), self.form)
        entries = words.entries(self.rules, qualifies, [row.id for row in rows]) \
            if self.rules.ranks else [None] * len(rows)
        left = (unread | scores.scalar).tolist()
        chosen = [index for index, out in enumerate(left) if not out]
        return ([(rows[index].position, made) for index, made in zip(chosen, words.made(chosen, rows, entries),
                                                                        strict=True)], scores.scalar & ~unread)

    def validated(self, view: AnyRubric, table: Table, rows: list[Plain], chosen: Any
                  ) -> Iterator[tuple[int, Candidate]]:
        """The chosen rows as the candidates `data.judge` makes of them: the values the data layer reads from their
        cells (a plain number is the number as written; any other cell is what `converted_column` kept) and the
        inputs that took their default."""
        indices = np.flatnonzero(chosen).tolist()
        if not indices:
            return
        specs = view.input_specs
        names = [spec.name for spec in specs]
        read = [self.read_column(spec, table.column(spec.name), indices) for spec in specs]
        defaults = [(name, took) for name, (_, took) in zip(names, read, strict=True) if any(took)]
        for at, (index, values) in enumerate(zip(indices, zip(*(v for v, _ in read), strict=True), strict=True)):
            row = rows[index]
            defaulted = frozenset([name for name, took in defaults if took[at]]) if defaults else frozenset()
            yield row.position, Candidate(row.id, row.name, dict(zip(names, values, strict=True)), row.origin,
                                          defaulted)

    def read_column(self, spec: InputSpec, cells: list[str | None], indices: list[int]
                    ) -> tuple[list[object], list[bool]]:
        """The values of the cells at `indices` (cells this lane has read), and whether each took its default;
        each distinct cell read once."""
        chosen = [cells[i] for i in indices]
        if spec.kind in ("number", "count"):
            read = {cell: (plain_number(cell), False) if cell else (spec.default, True) for cell in set(chosen)}
        else:
            read = self.converted[spec.name]  # type: ignore[assignment]  # these cells were read: never None
        pairs = [read[cell] for cell in chosen]
        return [value for value, _ in pairs], [took for _, took in pairs]

    def qualifies(self, program: ColumnProgram, scores: Scores) -> list[Any]:
        """Each placing's `when` per row (always, for a placing without one)."""
        decided = dict(zip((index for index, _ in self.conditions),
                           program.conditions(scores, [c for _, c in self.conditions]), strict=True))
        return [decided.get(index, np.ones(scores.size, dtype=bool)) for index in range(len(self.rules.conditions))]

    def inputs(self, specs: Sequence[InputSpec], table: Table) -> tuple[dict[str, Column], Any]:
        """One column per input, and the rows with a cell this lane does not read."""
        unread = np.zeros(table.size, dtype=bool)
        made: dict[str, Column] = {}
        for spec in specs:
            cells = table.column(spec.name)
            if spec.kind in ("number", "count"):
                made[spec.name] = numbers(spec, cells, unread)
            else:
                made[spec.name] = self.converted_column(spec, cells, unread)
        return made, unread

    def converted_column(self, spec: InputSpec, cells: list[str | None], unread: Any) -> Column:
        """A column of members, sets, yes/no or text: each distinct cell converted once by the data layer, and made a
        column's value once."""
        known = self.converted.setdefault(spec.name, {})
        if len(known) > _CACHED_CELLS:
            known.clear()
        distinct = list(dict.fromkeys(cells))  # in the order first met (the order texts are coded in)
        for cell in distinct:
            if cell not in known:
                known[cell] = cell_value(spec, cell)  # None as a key: a column the file lacks (the field is missing)
        converted = [known[cell] for cell in distinct]
        where = dict(zip(distinct, range(len(distinct)), strict=True))
        rows = np.fromiter(map(where.__getitem__, cells), dtype=np.int64, count=len(cells))
        unread |= np.array([value is None for value in converted], dtype=bool)[rows]
        values = [None if value is None else value[0] for value in converted]
        if spec.kind == "panel":  # a jury panel enters the rules as the number its scores come to
            return fixed_column([v.value if isinstance(v, Panel) else Decimal(0)
                                 for v in (values[row] for row in rows.tolist())], unread)
        return rows_of(member_column(spec, values), rows)


def lane_for(rubric: AnyRubric, rules: Rules, form: Form, stage: str | None, nominated: frozenset[str] | None, *,
             scores: bool, records: bool) -> tuple[ColumnLane, str | None]:
    """The column lane of a rubric's batch: it validates plainly written rows, and scores them too when `scores`
    asks it to and the rubric can be scored in columns; else why it cannot (those rows are scored one by one).
    With `records`, each row it scores is handed over validated too, for its audit record."""
    why = _why_not_in_columns(rubric, rules) if scores else None
    return ColumnLane(rubric, rules, form, stage, nominated, scores=scores and why is None, records=records), why


def _why_not_in_columns(rubric: AnyRubric, rules: Rules) -> str | None:
    try:
        for index in range(len(rubric.whole.stages) or 1):
            columns(rubric.at_stage(index).program)
    except Unsupported as why:
        return str(why)
    inputs = {i.spec.name: i.spec.kind for i in rubric.whole.inputs}
    for name in rules.groups:
        source = rules.source_of(name) if name is not None else None
        if source is not None and inputs.get(source) not in ("one_of", "text"):
            return f"candidates are grouped by {source}, which is not an input of members or text"
    return None


class _Texts(NamedTuple):
    """A column's distinct texts, and each row's code into them."""

    texts: list[str]
    codes: Any

    def at(self, index: int) -> str:
        return str(self.texts[self.codes[index]])

    def of(self, rows: list[int], written: Callable[[list[str]], list[str]] | None = None) -> list[str]:
        """The texts of `rows`, in order; the distinct ones `written` first, if given."""
        texts = self.texts if written is None else written(self.texts)
        return list(map(texts.__getitem__, self.codes[rows].tolist()))


class _Words:
    """A chunk's scores as the items, CSV lines and entries the row-by-row path makes of results.

    A column of points, totals, statuses or reasons takes few distinct values: each is written, and quoted for
    CSV, once per chunk, and a row's line is joined from the texts its codes pick.
    """

    def __init__(self, program: Program, scores: Scores, status: Any, form: Form) -> None:
        self.program, self.scores, self.form = program, scores, form
        self.status: list[str] = status.tolist()
        self.points = {c.decl.name: self.texts(scores.points[c.decl.name]) for c in program.model.criteria}
        self.total = self.texts(scores.total)
        self.cells = [c.decl.name for c in program.whole.criteria]  # the criteria a CSV row shows
        self.reasons, self.reason_codes = self.outcomes()
        self.lines = CsvLines()
        ranking = program.model.ranking
        self.keys = [key for key in (ranking.keys if ranking is not None else ()) if key in scores.points]

    def texts(self, scaled: Any) -> _Texts:
        """Scaled integers as the plain text of the decimals they are, each distinct value written once (a plain
        number is a CSV cell as it is: never quoted, never taken for a formula)."""
        distinct, where = np.unique(scaled, return_inverse=True)
        scale = self.scores.scale
        return _Texts(fixed_texts(distinct.tolist(), scale), where.reshape(-1))

    def cell(self, text: str) -> str:
        return text if self.form.raw_csv or self.form.line is None else spreadsheet_text(text)

    def outcomes(self) -> tuple[list[list[str]], Any]:
        """The reasons of each distinct set of failed gates, stages not passed and status; and each row's code
        into them."""
        scores = self.scores
        flags = [~passed for passed in scores.gates.values()] + [~advanced for advanced in scores.advanced.values()]
        names = [*scores.gates, *scores.advanced]
        signature = np.zeros(scores.size, dtype=object) if len(flags) > 62 else np.zeros(scores.size, dtype=np.int64)
        for bit, flag in enumerate(flags):
            signature = signature + flag.astype(np.int64) * (1 << bit)
        made: dict[tuple[int, str], int] = {}
        reasons: list[list[str]] = []
        codes = []
        for key in zip(signature.tolist(), self.status, strict=True):
            if key not in made:
                made[key] = len(reasons)
                code, status = key
                failed = [name for bit, name in enumerate(names) if code >> bit & 1]
                reasons.append(reasons_for(self.program, [n for n in failed if n in scores.gates],
                                           [n for n in failed if n in scores.advanced], status, self.form.lang))
            codes.append(made[key])
        return reasons, np.array(codes, dtype=np.int64)

    def made(self, chosen: list[int], rows: list[Plain], entries: Sequence[Entry | None]) -> list[Made]:
        """The chosen rows as `rows._finished` would make them of the row-by-row path's results: their CSV lines,
        their CSV texts around the rank columns, or their items."""
        if self.form.line not in ("csv", "csv-around"):
            return [Made(self.item(index, rows[index].id, rows[index].name), entries[index]) for index in chosen]
        before, after = self.before_lines(chosen, rows), self.after_lines(chosen)
        if self.form.line == "csv":
            return [Made(None, entries[index], text=text) for index, text in
                    zip(chosen, map(operator.add, before, after), strict=True)]
        return [Made(None, entries[index], around=(text, "," + rest))
                for index, text, rest in zip(chosen, before, after, strict=True)]

    def before_lines(self, chosen: list[int], rows: list[Plain]) -> list[str]:
        """The chosen rows' CSV text up to their total, with the comma after it."""
        ids = [rows[index].id for index in chosen]
        names = [rows[index].name or "" for index in chosen]
        if not (self.form.raw_csv or self.form.line is None):
            ids, names = spreadsheet_texts(ids), spreadsheet_texts(names)
        words = list(set(self.status))
        status = dict(zip(words, self.quoted([self.cell(status_word(word, self.form.lang)) for word in words]),
                          strict=True))
        totals = self.total.of(chosen, self.quoted)
        named = self.csv_lines(zip(ids, names, strict=True), [*ids, *names])
        return [f"{pair[:-1]},{status[self.status[index]]},{total},"
                for pair, index, total in zip(named, chosen, totals, strict=True)]

    def after_lines(self, chosen: list[int]) -> list[str]:
        """The chosen rows' CSV text after their total and rank columns: their points, then their reasons, each
        distinct cell quoted once."""
        reasons = _Texts([self.cell("; ".join(why)) for why in self.reasons], self.reason_codes)
        shown = [self.points.get(name) for name in self.cells]
        columns = [[""] * len(chosen) if texts is None else texts.of(chosen, self.quoted) for texts in shown]
        return [line + "\n" for line in map(",".join, zip(*columns, reasons.of(chosen, self.quoted), strict=True))]

    def csv_lines(self, rows: Iterable[Sequence[str]], texts: list[str]) -> list[str]:
        """Rows as CSV lines: written through one CSV writer at once and cut at the line ends, when none of `texts`
        (the cells that may hold any text) holds a line break; else a row at a time."""
        together = "".join(texts)
        if "\n" in together or "\r" in together:
            return [self.lines(list(row)) for row in rows]
        return [line + "\n" for line in self.lines.many(rows).split("\n")[:-1]]

    def quoted(self, cells: list[str]) -> list[str]:
        """Cells as they stand in a CSV line, as the CSV writer writes them among others: quoted when one holds a
        comma, a quote or a line break (most columns are numbers: none does)."""
        together = "".join(cells)
        if not any(special in together for special in ',"\r\n'):
            return cells
        return [self.lines([cell, ""])[:-2] for cell in cells]

    def item(self, index: int, candidate_id: str, name: str | None) -> dict[str, Any]:
        """What `outcome.summary` makes of the row's result."""
        points = {criterion: texts.at(index) for criterion, texts in self.points.items()}
        return {**outcome_of(self.program, candidate_id, name, self.total.at(index), self.status[index],
                             list(self.reasons[self.reason_codes[index]])), "points": points}

    def entries(self, rules: Rules, qualifies: list[Any], candidates: list[str]) -> list[Entry]:
        """Each row's entry, as `ranking.result_entry` makes it of the row's result (its points: those the ranking
        is by), from the chunk's columns as lists (whole numbers of the last place, as entries hold them: the
        columns' scale is the rubric's rounding places)."""
        scores, size = self.scores, self.scores.size
        stages = {name: (advanced.tolist(), [None] * size if scores.provisional[name] is None
                         else scores.provisional[name].tolist())  # type: ignore[union-attr]
                  for name, advanced in scores.advanced.items()}
        groups = [self.group_column(rules, name) or [None] * size for name in rules.groups]
        return entries_of(rules, candidates, self.status, scores.total.tolist(),
                          {key: scores.points[key].tolist() for key in self.keys}, stages,
                          list(zip(*groups, strict=True)) if groups else [()] * size,
                          list(zip(*(q.tolist() for q in qualifies), strict=True)) if qualifies else [()] * size)

    def group_column(self, rules: Rules, name: str | None) -> list[Any] | None:
        """Each row's group by `name`, as `Rules.group_of` finds it from the row's member of its source input."""
        if name is None:
            return None
        source = rules.source_of(name)
        column = self.scores.values.get(source)
        if not isinstance(column, Codes):
            return None
        by_code = [rules.group_of(name, {source: member}) for member in column.members]
        return [by_code[code] for code in column.codes.tolist()]
