"""A blank candidate sheet for a rubric, in Bahasa Indonesia or English: an .xlsx workbook or a CSV header.

Provincial teams collect candidates in a spreadsheet and hand it to `score`
as it is, so the sheet's first row names the columns as `score` reads them:
id, name, then every input in the rubric's declaration order. What a person
needs to fill them in never takes a row of its own (a second row would be read
as a candidate): in the workbook it is a comment on each heading, the message
a cell shows when selected, a drop-down of the options (members of a one-of
input, yes/no), a check of the bounds (whole numbers for counts, numbers within
bounds) and a second sheet explaining each field (label, unit, allowed values,
what a blank means, the evidence to attach). A CSV file has room for none of
it: the template is its header row.

The options a drop-down offers are values `score` reads back as the member they
mean: an option's label where it names the member (see `InputSpec.member`),
else its code. Their lists are on a hidden third sheet, which no list length
limits.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import attrs

from paritrana_rules.check.model import InputModel, RubricModel
from paritrana_rules.data.limits import MAX_ID_CHARS, MAX_MAGNITUDE, MAX_NAME_CHARS, XLSX_LAST_ROW
from paritrana_rules.data.workbooks import openpyxl_for_writing, sheet_text, workbook_chunks
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.words import (
    check_request,
    input_unit,
    label,
    load_phrases,
    member_label,
    plain_number,
    text_of,
    yes_no,
)
from paritrana_rules.numeric import plain

PHRASES = load_phrases("paritrana_rules.explain", "template.toml")
FORMATS = ("xlsx", "csv")

_PROMPT_CHARS, _PROMPT_TITLE_CHARS = 255, 32  # what a spreadsheet's cell message holds
_LARGEST = Decimal(10**MAX_MAGNITUDE - 1)  # a number without bounds is still one `score` can read
_TEXT_FORMAT = "@"  # the cells of codes and names keep what is typed ("007" stays 007)


@attrs.frozen
class Field:
    """One column of the sheet, as a person filling it in reads it."""

    name: str  # the heading: what `score` reads
    label: str
    fill: str  # what to fill in: the kind of value
    unit: str
    allowed: tuple[str, ...]  # the options a drop-down offers, as the sheet writes them (none: any value)
    listed: str  # the allowed values for a reader: the options (each code with its label), or the bounds in words
    bounds: str  # the numbers allowed, in words ("from 0 to 100"), or ""
    blank: str  # what a blank cell means: required, or the default it is taken as
    evidence: str
    note: str
    model: InputModel | None = attrs.field(default=None, eq=False, repr=False)  # None for id and name


def candidate_template(rubric: AnyRubric, format: str = "xlsx", lang: str = "id") -> bytes:
    """The blank sheet of a rubric's candidates as the bytes of its file (the same bytes for the same rubric, format
    and language); ValueError for a format or language there is none of."""
    check_request(lang, format, FORMATS)
    columns = fields(rubric.model, lang)
    if format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([field.name for field in columns])
        return buffer.getvalue().encode("utf-8")
    return _Workbook(columns, lang).bytes()


def fields(model: RubricModel, lang: str) -> list[Field]:
    """id, name, then each input in declaration order."""
    words = PHRASES[lang]
    identity = [
        Field("id", words["id_label"], words["id_fill"].format(limit=MAX_ID_CHARS), "", (), "", "",
              words["required"], "", ""),
        Field("name", words["name_label"], words["name_fill"].format(limit=MAX_NAME_CHARS), "", (), "", "", "", "",
              ""),
    ]
    return identity + [_input_field(model, item, lang) for item in model.inputs]


def _input_field(model: RubricModel, item: InputModel, lang: str) -> Field:
    words, spec, decl = PHRASES[lang], item.spec, item.decl
    if spec.has_default:
        blank = words["taken_as"].format(value=_default_words(model, item, lang))
    elif item.stage > 0:  # asked for at a later stage: until then a blank cell is what the data has reached
        stage = model.stages[item.stage].decl
        blank = words["required_at"].format(stage=label(stage.meta, stage.name, lang))
    else:
        blank = words["required"]
    options, bounds = _options(model, item, lang), _bounds_words(item, lang)
    return Field(spec.name, label(decl.meta, spec.name, lang), words[f"type_{spec.kind}"],
                 (input_unit(model, spec.name, lang) or "") if spec.kind in ("number", "count", "panel") else "",
                 options, ", ".join(_listed(model, item, option, lang) for option in options) or bounds, bounds, blank,
                 text_of(decl.meta, "evidence", lang) or "", text_of(decl.meta, "description", lang) or "", item)


def _options(model: RubricModel, item: InputModel, lang: str) -> tuple[str, ...]:
    """The values the sheet offers: yes and no, or each member (set-of inputs too: the fields sheet lists them)."""
    spec = item.spec
    if spec.kind == "bool":
        return yes_no(True, lang), yes_no(False, lang)
    return tuple(_shown_member(model, item, member, lang) for member in spec.members)


def _listed(model: RubricModel, item: InputModel, option: str, lang: str) -> str:
    """An option as the fields sheet lists it: a code with its label, so that the reader knows what it means."""
    if item.spec.kind == "bool" or option not in item.spec.members:
        return option
    meaning = member_label(model, item.spec.name, option, lang)
    return f"{option}: {meaning}" if meaning != option else option


def _shown_member(model: RubricModel, item: InputModel, member: str, lang: str) -> str:
    """A member as the sheet writes it: its label when `score` reads the label back as this member, else its code."""
    shown = member_label(model, item.spec.name, member, lang)
    return shown if item.spec.member(shown) == member else member


def _bounds_words(item: InputModel, lang: str) -> str:
    spec, words = item.spec, PHRASES[lang]
    if spec.kind not in ("number", "count", "panel"):
        return ""
    lower = None if spec.kind == "count" and spec.lower == 0 else spec.lower
    if lower is not None and spec.upper is not None:
        return words["between"].format(low=plain_number(lower, lang), high=plain_number(spec.upper, lang))
    if lower is not None:
        return words["at_least"].format(low=plain_number(lower, lang))
    if spec.upper is not None:
        return words["at_most"].format(high=plain_number(spec.upper, lang))
    return ""


def _default_words(model: RubricModel, item: InputModel, lang: str) -> str:
    """The value a blank cell is taken as, written as the sheet would hold it."""
    value, spec = item.spec.default, item.spec
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, Decimal):
        return plain_number(value, lang)
    if isinstance(value, frozenset):
        chosen = [_shown_member(model, item, m, lang) for m in spec.members if m in value]
        return ";".join(chosen) if chosen else PHRASES[lang]["none_chosen"]
    if isinstance(value, str) and spec.kind == "one_of":
        return _shown_member(model, item, value, lang)
    return str(value)


# ------------------------------------------------------------------ the workbook


class _Workbook:
    """The three sheets: candidates (headings, comments, checks), fields explained, and the drop-downs' lists."""

    def __init__(self, columns: list[Field], lang: str) -> None:
        self.openpyxl = openpyxl_for_writing()
        self.columns, self.lang, self.words = columns, lang, PHRASES[lang]
        self.book = self.openpyxl.Workbook()
        self.sheet = self.book.active
        self.sheet.title = self.words["sheet_candidates"]
        self.explained = self.book.create_sheet(self.words["sheet_fields"])
        self.lists = self.book.create_sheet(self.words["sheet_options"])
        self.lists.sheet_state = "hidden"
        self.bold = self.openpyxl.styles.Font(bold=True)

    def bytes(self) -> bytes:
        for column, field in enumerate(self.columns, 1):
            self.heading(column, field)
        self.sheet.freeze_panes = "A2"
        self.explain()
        return b"".join(workbook_chunks(self.book))

    def heading(self, column: int, field: Field) -> None:
        letter = self.openpyxl.utils.get_column_letter(column)
        cell = self.sheet.cell(1, column, field.name)
        cell.font = self.bold
        cell.comment = self.openpyxl.comments.Comment(sheet_text(_described(field)), "paritrana-rules",
                                                      height=140, width=280)
        dimension = self.sheet.column_dimensions[letter]
        dimension.width = max(len(field.name) + 4, 14)
        if field.model is None or field.model.spec.kind == "text":
            dimension.number_format = _TEXT_FORMAT
        check = self.validation(column, field)
        check.add(f"{letter}2:{letter}{XLSX_LAST_ROW}")
        self.sheet.add_data_validation(check)

    def validation(self, column: int, field: Field) -> Any:
        """The cell check and message of a column: a drop-down, whole numbers, numbers within bounds, a length."""
        words, spec = self.words, field.model.spec if field.model is not None else None
        kind = spec.kind if spec is not None else "text"
        limit = MAX_ID_CHARS if field.name == "id" else MAX_NAME_CHARS
        arguments: dict[str, Any] = {}
        if spec is None:
            arguments = {"type": "textLength", "operator": "lessThanOrEqual", "formula1": str(limit),
                         "error": words["error_length"].format(limit=limit)}
        elif kind in ("bool", "one_of"):
            arguments = {"type": "list", "formula1": self.options_list(column, field.allowed),
                         "error": words["error_list"]}
        elif kind in ("count", "number"):
            arguments = _number_check(field, words)
        prompt = "; ".join(part for part in (field.fill, field.unit, field.bounds, field.blank) if part)
        return self.openpyxl.worksheet.datavalidation.DataValidation(
            allow_blank=True, showErrorMessage=bool(arguments), showInputMessage=True,
            errorTitle=words["error_title"] if arguments else None,
            promptTitle=_clip(field.label, _PROMPT_TITLE_CHARS), prompt=_clip(prompt, _PROMPT_CHARS), **arguments)

    def options_list(self, column: int, options: tuple[str, ...]) -> str:
        """The options in the lists sheet's column of the same letter; the reference a drop-down reads them by."""
        letter = self.openpyxl.utils.get_column_letter(column)
        self.lists.cell(1, column, self.columns[column - 1].name)
        for row, option in enumerate(options, 2):
            self.lists.cell(row, column, sheet_text(option)).data_type = "s"
        return f"'{self.lists.title}'!${letter}$2:${letter}${len(options) + 1}"

    def explain(self) -> None:
        words = self.words
        self.explained.append([words[key] for key in ("col_column", "col_label", "col_fill", "col_unit", "col_allowed",
                                                      "col_default", "col_evidence", "col_note")])
        for cell in self.explained[1]:
            cell.font = self.bold
        for field in self.columns:
            row = [field.name, field.label, field.fill, field.unit, field.listed, field.blank, field.evidence,
                   field.note]
            self.explained.append([sheet_text(text) for text in row])
        for letter, width in zip("ABCDEFGH", (22, 36, 40, 14, 40, 24, 48, 48), strict=True):
            self.explained.column_dimensions[letter].width = width
        self.explained.freeze_panes = "A2"


def _number_check(field: Field, words: dict[str, str]) -> dict[str, Any]:
    """Whole numbers for a count, numbers for a number, within the input's bounds (or those `score` can read)."""
    assert field.model is not None
    spec = field.model.spec
    low = spec.lower if spec.lower is not None else (Decimal(0) if spec.kind == "count" else -_LARGEST)
    high = spec.upper if spec.upper is not None else _LARGEST
    kind = "whole" if spec.kind == "count" else "decimal"
    error = words[f"error_{kind}"].format(range=field.bounds or "").replace(" .", ".")
    return {"type": kind, "operator": "between", "formula1": plain(low), "formula2": plain(high), "error": error}


def _described(field: Field) -> str:
    """A heading's comment: the label, then what to fill in, the unit, the bounds and what a blank means."""
    details = "; ".join(part for part in (field.fill, field.unit, field.bounds, field.blank) if part)
    return f"{field.label}\n{details}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
