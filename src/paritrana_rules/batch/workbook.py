"""A batch's scores as an .xlsx workbook: a sheet of scores with real numbers, and a sheet explaining each row.

The scores sheet has a row per input row, in file order, as the CSV output has:
id, name, status (a word of the language asked for), total and each criterion's
points as numbers shown with the rubric's decimal places, then, when the rubric
ranks, the rank as a number, whether it is shared, its group, the nomination and
the placing in separate columns, and the reasons. The second sheet holds each
candidate's explanation a line a row (with `--explain`), else its reasons, or
the problems of a rejected row. Cell text from candidates is always text: a
workbook written here never holds a formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from paritrana_rules.batch.cells import heading, status_word
from paritrana_rules.batch.rows import Options, explained, points_of
from paritrana_rules.data.limits import XLSX_LAST_ROW
from paritrana_rules.data.workbooks import openpyxl_for_writing, sheet_text, workbook_chunks
from paritrana_rules.errors import InputProblem
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.funnel import FunnelWords
from paritrana_rules.explain.words import yes_no
from paritrana_rules.rank.ranking import Placing, decides_across

_RANKED = ("rank", "tied", "group", "nominated", "placing")
_SHEETS = {"en": ("Scores", "Explanations"), "id": ("Nilai", "Penjelasan")}
_WORDS = {"en": {"tied": "tied", "group": "group", "line": "explanation", "reason": "reason"},
          "id": {"tied": "seri", "group": "kelompok", "line": "penjelasan", "reason": "alasan"}}
Pairs = Iterable[tuple[dict[str, Any], Placing | None]]  # each item with its placing (None: rejected, or not ranked)


def score_workbook(rubric: AnyRubric, pairs: Pairs, options: Options) -> Iterator[bytes]:
    """The workbook's bytes, a piece at a time (the same for the same scores: see `workbooks.workbook_chunks`)."""
    openpyxl = openpyxl_for_writing()
    lang, ranked, words = options.lang, decides_across(rubric.model), FunnelWords(rubric.model, options.lang)
    book = openpyxl.Workbook(write_only=True)  # rows go to disk as they are added, not into memory
    criteria = [c.decl.name for c in rubric.model.criteria]
    scores_title, notes_title = _SHEETS[lang]
    scores = _Sheet(openpyxl, book, scores_title, rubric.model.rounding_places,
                    [*(heading(code, lang) for code in ("id", "name", "status", "total")),
                     *(_WORDS[lang].get(code) or heading(code, lang) for code in (_RANKED if ranked else ())),
                     *criteria, heading("reasons", lang)])
    notes = _Sheet(openpyxl, book, notes_title, 0,
                   [heading("id", lang), _WORDS[lang]["line" if options.explain else "reason"]])
    for item, placing in pairs:
        scores.row(_score_cells(item, placing, criteria, words, ranked))
        for text in _notes(rubric, item, placing, lang, explaining=options.explain):
            notes.row([item["candidate_id"], text])
    yield from workbook_chunks(book)


def _score_cells(item: dict[str, Any], placing: Placing | None, criteria: list[str], words: FunnelWords,
                 ranked: bool) -> list[object]:
    """A row of the scores sheet: numbers as decimals, blank where there is none (a rejected row, a criterion not
    yet reached), words in the batch's language."""
    lang = words.lang
    rejected = item["status"] == "rejected"
    points = {} if rejected else points_of(item)
    cells: list[object] = [item["candidate_id"], item["candidate_name"] or "", status_word(item["status"], lang),
                           None if rejected else Decimal(item["total"])]
    if ranked:
        cells += _rank_cells(placing, words)
    cells += [Decimal(points[name]) if points.get(name) else None for name in criteria]
    cells.append("; ".join(_reasons(item)))
    return cells


def _rank_cells(placing: Placing | None, words: FunnelWords) -> list[object]:
    """Rank (a number), whether a tie shares it, its group, the nomination and the placing won or the cut."""
    if placing is None:
        return [None, "", "", "", ""]
    group = words.group(words.within, placing.group) if placing.rank is not None else ""
    return [placing.rank, yes_no(True, words.lang) if placing.tied else "", group,
            yes_no(True, words.lang) if placing.nominated else "", words.outcome(placing)]


def _reasons(item: dict[str, Any]) -> list[str]:
    """Why a scored candidate is not simply eligible, or what is wrong with a rejected row's data."""
    if item["status"] == "rejected":
        return [InputProblem(p["candidate"], p["field"], p["message"], p["hint"]).render() for p in item["problems"]]
    return list(item["reasons"])


def _notes(rubric: AnyRubric, item: dict[str, Any], placing: Placing | None, lang: str, *,
           explaining: bool) -> Iterator[str]:
    """The lines the second sheet gives a candidate: its explanation, or its reasons (problems when rejected)."""
    if explaining and "explanation" in item:
        yield from explained(rubric, item, placing, lang).rstrip("\n").split("\n")
    else:
        yield from _reasons(item)


class _Sheet:
    """A write-only sheet with a heading row: text (never formulas) and decimals shown with a fixed number of places.
    A sheet holds 1,048,576 rows; past them the rows go on in another sheet ("Nilai (2)"), under the same headings."""

    def __init__(self, openpyxl: Any, book: Any, title: str, places: int, headings: list[str]) -> None:
        self.openpyxl, self.book, self.title, self.headings = openpyxl, book, title, headings
        self.number_format = "0." + "0" * places if places else "0"
        self.bold = openpyxl.styles.Font(bold=True)
        self.parts = self.rows = 0
        self.sheet: Any = None
        self.begin()

    def begin(self) -> None:
        self.parts += 1
        self.sheet = self.book.create_sheet(self.title if self.parts == 1 else f"{self.title} ({self.parts})")
        self.sheet.append([self.cell(heading, bold=True) for heading in self.headings])
        self.rows = 1

    def row(self, values: list[object]) -> None:
        if self.rows >= XLSX_LAST_ROW:
            self.begin()
        self.sheet.append([self.cell(value) for value in values])
        self.rows += 1

    def cell(self, value: object, *, bold: bool = False) -> Any:
        made = self.openpyxl.cell.WriteOnlyCell(self.sheet)
        if isinstance(value, Decimal):
            made.value, made.number_format = value, self.number_format
        elif isinstance(value, int):
            made.value = value
        elif value is not None and value != "":  # a blank stays an empty cell
            made.value = sheet_text(str(value))
            made.data_type = "s"  # text starting with '=' stays text: never a formula
        if bold:
            made.font = self.bold
        return made
