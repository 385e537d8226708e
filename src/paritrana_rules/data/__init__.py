"""Candidate data: read candidate files, then validate each candidate against the rubric's inputs.

Input: a `.yaml`/`.yml`, `.json` or `.csv` file (or raw values from Python) and
the rubric's `InputSpec`s. Output: for each candidate either validated values
for every spec (exact `Decimal`s, `bool`s, members, frozensets, text) or every
`InputProblem` found, each naming the candidate and the field.

Invariants:
- every problem of every candidate is listed at once; one bad candidate never
  hides or drops another (only a file that cannot be read at all raises);
- no float is ever built from file data: YAML scalars stay text until
  validation parses them, JSON numbers become `Decimal`, CSV cells are text.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal, NoReturn, Protocol, TextIO, TypeVar

import attrs
import yaml

from paritrana_rules.errors import InputError, InputProblem, did_you_mean
from paritrana_rules.numeric import CONTEXT, add_all

_InputKind = Literal["number", "count", "bool", "one_of", "set_of", "text", "panel"]


# ------------------------------------------------------------------ public types


@attrs.frozen
class InputSpec:
    """What one rubric input accepts; built by the compiler from an `input` declaration."""

    name: str
    kind: _InputKind
    members: tuple[str, ...] = ()  # allowed values for one_of / set_of
    lower: Decimal | None = None  # inclusive bound, None = unbounded
    upper: Decimal | None = None  # inclusive bound
    has_default: bool = False
    default: object = None  # already a validated value when has_default
    unit: str | None = None
    aggregate: str | None = None  # for a panel: mean, median or trimmed_mean  # "percent", "rupiah" or free text, for messages only


@attrs.frozen
class RawCandidate:
    """One record as read from a file, before validation.

    `problems` holds what was wrong with the record itself (not a mapping, a
    field written twice, a bad id, extra CSV cells), so that reading never
    has to drop or stop at a bad record.
    """

    id: str | None  # None when the record has no usable id
    name: str | None
    values: Mapping[str, object]  # everything else in the record, as read
    origin: str  # e.g. "examples/x.yaml, candidate 3 (line 12)" or "data.csv, row 4"
    problems: tuple[InputProblem, ...] = ()
    expect: object = None  # the record's `expect` block, as read, for example cases


@attrs.frozen
class Candidate:
    """A candidate whose values all validated; `values` has an entry for every spec.

    `defaulted` names the inputs that took their default (missing or empty),
    so an explanation can say so.
    """

    id: str
    name: str | None
    values: Mapping[str, object]
    origin: str
    defaulted: frozenset[str] = frozenset()
    expect: object = None  # an example case's expectations, as read


@attrs.frozen
class Rejected:
    """A candidate that did not validate, with every problem found."""

    id: str  # the id, or the origin text when the record had none
    name: str | None
    origin: str
    problems: tuple[InputProblem, ...]
    expect: object = None


# ------------------------------------------------------------------ validation

_NOT_FINITE = "NaN/infinity is not a number"
_NOT_A_RECORD = "expected a candidate (field: value pairs)"

_RESERVED = ("id", "name", "expect")  # `expect`: what `paritrana-rules test` checks, never an input
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_NON_FINITE_TEXT = re.compile(r"[-+]?\.?(?:nan|inf|infinity)", re.IGNORECASE)
_TRUE = frozenset({"yes", "true", "ya"})
_FALSE = frozenset({"no", "false", "tidak"})
# A count is turned into an int to drop trailing zeros; beyond this many digits
# that would cost real memory for a number no rubric can mean.
_MAX_COUNT_DIGITS = 100
_SHOWN_CHARS = 40


@attrs.frozen
class _Issue:
    message: str
    hint: str | None = None


class _Invalid(Exception):
    """Raised by a converter with every issue it found in one value."""

    def __init__(self, *issues: _Issue) -> None:
        super().__init__(*issues)
        self.issues = issues


@attrs.frozen
class _NonFinite:
    """NaN or Infinity read from JSON: kept as a marker so validation can name it."""

    text: str


def validate(values: Mapping[str, object], specs: Sequence[InputSpec], candidate: str) -> dict[str, object]:
    """Raise InputError listing every problem, or return validated values for every spec.

    Problems come in spec order, then unknown fields in record order; each is
    labelled with `candidate`. The keys `id` and `name` are allowed and ignored.
    """
    return validate_with_defaults(values, specs, candidate)[0]


def validate_with_defaults(values: Mapping[str, object], specs: Sequence[InputSpec],
                           candidate: str) -> tuple[dict[str, object], frozenset[str]]:
    """`validate`, also naming the inputs that took their default (what an explanation says of them)."""
    problems: list[InputProblem] = []
    result: dict[str, object] = {}
    defaulted = []
    for spec in specs:
        raw = values.get(spec.name)
        try:
            if _takes_default(spec, raw):
                result[spec.name] = _fallback(spec, "empty value" if spec.name in values else "missing value")
                defaulted.append(spec.name)
            else:
                result[spec.name] = _CONVERTERS[spec.kind](raw, spec)
        except _Invalid as bad:
            problems.extend(InputProblem(candidate, spec.name, i.message, i.hint) for i in bad.issues)
    if len(values) > len(result) or any(key not in result for key in values):
        problems.extend(_unknown_fields(values, specs, candidate))
    if problems:
        raise InputError(problems)
    return result, frozenset(defaulted)


def _takes_default(spec: InputSpec, raw: object) -> bool:
    """Missing, None or blank text: the default applies, if there is one (for a set, "" is how a CSV-style
    string says "none of them")."""
    return is_missing(raw) and not (spec.kind == "set_of" and isinstance(raw, str))


def _fallback(spec: InputSpec, message: str) -> object:
    if spec.has_default:
        return spec.default
    hint = f"expected {_describe(spec)}"
    if spec.kind == "set_of":
        hint += "; write [] for none"
    raise _Invalid(_Issue(message, hint))


def is_missing(raw: object) -> bool:
    """Whether a raw value is absent: None, or blank text."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _unknown_fields(values: Mapping[str, object], specs: Sequence[InputSpec], candidate: str) -> list[InputProblem]:
    names = [spec.name for spec in specs]
    known = {*names, *_RESERVED}
    return [
        InputProblem(candidate, str(key), f"unknown field '{key}'", _unknown_field_hint(str(key), names))
        for key in values
        if key not in known
    ]


def _unknown_field_hint(key: str, names: list[str]) -> str:
    suggestion = did_you_mean(key, names)
    if suggestion:
        return suggestion
    if not names:
        return "this rubric has no inputs"
    return f"this rubric's inputs are: {_listing(names)}"


# ------------------------------------------------------------------ converters, one per kind


def _to_number(raw: object, spec: InputSpec) -> Decimal:
    return _within_bounds(_decimal(raw, spec), spec)


def _to_count(raw: object, spec: InputSpec) -> Decimal:
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= MAX_MAGNITUDE:
        return _within_bounds(Decimal(raw), spec)  # the common case, a plain whole number: no checks it could fail
    number = _decimal(raw, spec)
    if number < 0 or number != number.to_integral_value():
        _wrong_type(raw, spec)
    if number.adjusted() >= _MAX_COUNT_DIGITS:
        raise _Invalid(_Issue(f"{_show(raw)} is too large for a count"))
    return _within_bounds(Decimal(int(number)), spec)  # int() drops trailing zeros: 18.0 -> 18


def _to_bool(raw: object, spec: InputSpec) -> bool:
    if isinstance(raw, bool):
        return raw
    word = raw.strip().lower() if isinstance(raw, str) else None
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    _wrong_type(raw, spec, "write yes or no (also accepted: true/false, ya/tidak)")


def _to_member(raw: object, spec: InputSpec) -> str:
    if not isinstance(raw, str):
        _wrong_type(raw, spec)
    member = raw.strip()
    if member not in spec.members:
        raise _Invalid(_not_a_member(member, spec))
    return member


def _to_set(raw: object, spec: InputSpec) -> frozenset[str]:
    items = _set_items(raw, spec)
    issues: list[_Issue] = []
    seen: set[str] = set()
    for item in items:
        issue = _set_item_issue(item, spec, seen)
        if issue and issue not in issues:
            issues.append(issue)
        if isinstance(item, str):
            seen.add(item.strip())
    if issues:
        raise _Invalid(*issues)
    return frozenset(seen)


def _set_items(raw: object, spec: InputSpec) -> list[object]:
    if isinstance(raw, str):
        # CSV form "a;b"; "[]" (or "") is the empty set, and empty pieces (a trailing ';') are ignored.
        return [piece.strip() for piece in raw.split(";") if piece.strip()] if raw.strip() != "[]" else []
    if isinstance(raw, (list, tuple)):
        return list(raw)
    if isinstance(raw, (set, frozenset)):
        return sorted(raw, key=repr)  # a stable order for messages
    _wrong_type(raw, spec, "write a list, e.g. [a, b], or in CSV a;b")


def _set_item_issue(item: object, spec: InputSpec, seen: set[str]) -> _Issue | None:
    if not isinstance(item, str):
        return _Issue(f"expected a value from: {_listing(spec.members)}; got {_show(item)}")
    member = item.strip()
    if member in seen:
        return _Issue(f"'{member}' is listed more than once", "list each value once")
    if member not in spec.members:
        return _not_a_member(member, spec)
    return None


def _to_text(raw: object, spec: InputSpec) -> str:
    if isinstance(raw, str):
        return raw.strip()
    hint = f'put it in quotes: "{_show(raw)}"' if isinstance(raw, (int, Decimal)) else None
    _wrong_type(raw, spec, hint)


# ------------------------------------------------------------------ jury panels


@attrs.frozen
class JurorScore:
    juror: str
    score: Decimal
    conflict: str | None = None  # why this juror is left out (a declared conflict of interest), or None


@attrs.frozen
class Panel:
    """A jury's scores for one input and the single number they come to under the rubric's rule.

    `dropped` names the jurors a trimmed mean leaves out (the lowest, then the highest score);
    jurors with a conflict of interest are never counted. The aggregate is computed here, once,
    so that the trace and every later step read the same exact number.
    """

    rule: str  # mean, median or trimmed_mean
    scores: tuple[JurorScore, ...]
    value: Decimal
    dropped: tuple[str, ...] = ()


def _to_panel(raw: object, spec: InputSpec) -> Panel:
    entries = _panel_entries(raw, spec)
    one_score = attrs.evolve(spec, kind="number")  # each juror's score is a number within the panel's bounds
    issues: list[_Issue] = []
    scores: list[JurorScore] = []
    for juror, value in entries:
        conflict: str | None = None
        if isinstance(value, Mapping):
            conflict = str(value.get("conflict") or "conflict of interest") if value.get("conflict") else None
            unknown = [str(k) for k in value if k not in ("score", "conflict")]
            if unknown:
                issues.append(_Issue(f"juror '{juror}': unknown key '{unknown[0]}'", "use score and conflict"))
            value = value.get("score")
        try:
            scores.append(JurorScore(juror, _to_number(value, one_score), conflict))
        except _Invalid as bad:
            issues += [_Issue(f"juror '{juror}': {issue.message}", issue.hint) for issue in bad.issues]
    counted = [s for s in scores if s.conflict is None]
    needed = 3 if spec.aggregate == "trimmed_mean" else 1
    if not issues and len(counted) < needed:
        issues.append(_Issue(f"{len(counted)} juror{'s' if len(counted) != 1 else ''} without a conflict of "
                             f"interest; the {_RULE_WORDS.get(spec.aggregate or '', 'rule')} needs at least {needed}",
                             "add the scores of the other jurors"))
    if issues:
        raise _Invalid(*issues)
    value, dropped = _aggregate(spec.aggregate or "mean", counted)
    # In juror order, whatever order the file lists them in: the same panel always reads the same.
    return Panel(spec.aggregate or "mean", tuple(sorted(scores, key=lambda s: s.juror)), value, dropped)


_RULE_WORDS = {"mean": "mean", "median": "median", "trimmed_mean": "trimmed mean"}


def _panel_entries(raw: object, spec: InputSpec) -> list[tuple[str, object]]:
    """(juror, score) pairs from a mapping, or from CSV text like 'sekda=80; spsi=70 conflict'."""
    if isinstance(raw, Mapping):
        return [(str(k), v) for k, v in raw.items()]
    if isinstance(raw, str):
        entries: list[tuple[str, object]] = []
        for piece in (p.strip() for p in raw.split(";") if p.strip()):
            juror, equals, score = piece.partition("=")
            if not equals:
                raise _Invalid(_Issue(f"'{_clip(piece)}' is not juror=score", "write e.g. sekda=80;spsi=70 conflict"))
            words = score.split()
            conflicted = len(words) == 2 and words[1].lower() == "conflict"
            entries.append((juror.strip(), {"score": words[0] if words else "", "conflict": "conflict of interest"}
                            if conflicted else score.strip()))
        return entries
    _wrong_type(raw, spec, "write the jurors' scores, e.g. {sekda: 80, kadisnaker: 85}")


def _aggregate(rule: str, counted: list[JurorScore]) -> tuple[Decimal, tuple[str, ...]]:
    ordered = sorted(counted, key=lambda s: (s.score, s.juror))
    dropped: tuple[str, ...] = ()
    if rule == "trimmed_mean":
        dropped = (ordered[0].juror, ordered[-1].juror)
        ordered = ordered[1:-1]
    if rule == "median":
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle].score, dropped
        return CONTEXT.divide(CONTEXT.add(ordered[middle - 1].score, ordered[middle].score), 2), dropped
    return CONTEXT.divide(add_all(s.score for s in ordered), len(ordered)), dropped


_CONVERTERS: dict[str, Callable[[object, InputSpec], object]] = {
    "number": _to_number,
    "count": _to_count,
    "bool": _to_bool,
    "one_of": _to_member,
    "set_of": _to_set,
    "text": _to_text,
    "panel": _to_panel,
}


def _not_a_member(member: str, spec: InputSpec) -> _Issue:
    pieces = [piece.strip() for piece in member.split(",")]
    if spec.kind == "set_of" and len(pieces) > 1 and all(piece in spec.members for piece in pieces):
        hint: str | None = "separate values with ';', e.g. " + ";".join(pieces)
    else:
        hint = did_you_mean(member, spec.members)
    return _Issue(f"'{member}' is not one of: {_listing(spec.members)}", hint)


def _wrong_type(raw: object, spec: InputSpec, hint: str | None = None) -> NoReturn:
    raise _Invalid(_Issue(f"expected {_expected(spec)}, got {_show(raw)}", hint))


# ------------------------------------------------------------------ numbers


def _decimal(raw: object, spec: InputSpec) -> Decimal:
    """An exact Decimal from any accepted raw form; never goes through binary floating point."""
    if isinstance(raw, str):  # what files give: first
        return _parse_number(raw, spec)
    if isinstance(raw, bool):
        _wrong_type(raw, spec)
    if isinstance(raw, int):
        return _within_precision(Decimal(raw))
    if isinstance(raw, Decimal):
        return _finite(raw)
    if isinstance(raw, float):
        # Only Python callers pass floats; repr is the shortest text that round-trips.
        return _finite(Decimal(repr(float(raw))))
    if isinstance(raw, _NonFinite):
        raise _Invalid(_Issue(_NOT_FINITE))
    _wrong_type(raw, spec)


def _finite(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise _Invalid(_Issue(_NOT_FINITE))
    return _as_written(_within_precision(number))


def _as_written(number: Decimal) -> Decimal:
    """The number as its plain text reads back: 1E+1 as 10, -0 as 0.

    Records hold inputs as plain text and replay reads them back, so a value
    must be the one that text gives, down to its exponent, or results computed
    from it could print differently.
    """
    if number.is_zero() and number.is_signed():
        number = number.copy_abs()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number  # type: ignore[operator]


# The engine computes with 50 significant digits; inputs stay far inside that, so every
# product and ratio of two inputs is still exact (a rupiah budget of trillions has 13 digits).
MAX_DIGITS = 20
MAX_MAGNITUDE = 15  # numbers below 10^15


def _within_precision(number: Decimal) -> Decimal:
    digits = len(number.as_tuple().digits)
    if number and (number.adjusted() >= MAX_MAGNITUDE or digits > MAX_DIGITS):
        raise _Invalid(_Issue(f"{_clip(format(number, 'f'))} is too large or too precise to score: numbers must be "
                              f"below 10^{MAX_MAGNITUDE} with at most {MAX_DIGITS} digits",
                              "check the unit (rupiah, not sen) and remove needless decimals"))
    return number


def _parse_number(raw: str, spec: InputSpec) -> Decimal:
    text = raw.strip()
    if _PLAIN_NUMBER.fullmatch(text):
        number = Decimal(text)
        if len(text) <= MAX_DIGITS and number.adjusted() < MAX_MAGNITUDE:
            return _as_written(number)  # short text cannot hold more than MAX_DIGITS digits
        return _as_written(_within_precision(number))
    if _NON_FINITE_TEXT.fullmatch(text):
        raise _Invalid(_Issue(_NOT_FINITE))
    _wrong_type(raw, spec, _number_hint(text))


_EXPONENT = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]{1,2}")
_GROUPED_DOTS = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")  # Indonesian: 1.234.567,5
_GROUPED_COMMAS = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # English: 1,234,567.5
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")


def _number_hint(text: str) -> str | None:
    """How to write a near-miss like '12,5', '1.000.000', '50%' or '1e3' as a plain decimal."""
    if _EXPONENT.fullmatch(text):
        return f"write the number out in full: {Decimal(text):f}"
    stripped, notes = _strip_unit(text)
    advice = _separator_advice(stripped)
    if advice is None and notes and _PLAIN_NUMBER.fullmatch(stripped):
        advice = f"write {stripped}"
    return "; ".join([*notes, advice]) if advice else None


def _separator_advice(text: str) -> str | None:
    if _GROUPED_COMMAS.fullmatch(text) and text.count(",") == 1 and "." not in text:
        plain, point = text.replace(",", ""), text.replace(",", ".")
        return f"write {plain} if ',' separates thousands, or {point} if it is a decimal comma"
    if _DECIMAL_COMMA.fullmatch(text):
        return "decimals use a point: write " + text.replace(",", ".")
    if _GROUPED_DOTS.fullmatch(text) and (text.count(".") > 1 or "," in text):
        point = " and use a point for decimals" if "," in text else ""
        return f"leave out thousands separators{point}: write " + text.replace(".", "").replace(",", ".")
    if _GROUPED_COMMAS.fullmatch(text):
        return "leave out thousands separators: write " + text.replace(",", "")
    return None


def _strip_unit(text: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    if text.endswith("%"):
        text = text[:-1].strip()
        notes.append("leave out the % sign")
    if text[:2].lower() == "rp":
        text = text[2:].lstrip(". ").strip()
        notes.append("leave out 'Rp'")
    if text.startswith("+"):
        text = text[1:]
        notes.append("leave out the '+'")
    return text, notes


def _within_bounds(number: Decimal, spec: InputSpec) -> Decimal:
    if spec.lower is not None and number < spec.lower:
        raise _Invalid(_bound_issue(number, "below the minimum", spec.lower, spec))
    if spec.upper is not None and number > spec.upper:
        raise _Invalid(_bound_issue(number, "above the maximum", spec.upper, spec))
    return number


def _bound_issue(number: Decimal, relation: str, bound: Decimal, spec: InputSpec) -> _Issue:
    return _Issue(f"{_amount(number, spec)} is {relation} {_amount(bound, spec)}", f"allowed: {_range(spec)}")


# ------------------------------------------------------------------ message helpers


def _expected(spec: InputSpec) -> str:
    return {
        "number": "a number",
        "count": "a whole number ≥ 0 (count)",
        "bool": "yes or no",
        "one_of": f"one of: {_listing(spec.members)}",
        "set_of": f"a list of values from: {_listing(spec.members)}",
        "text": "some text",
        "panel": "the jurors' scores, e.g. {sekda: 80, kadisnaker: 85}",
    }[spec.kind]


def _describe(spec: InputSpec) -> str:
    bounds = _range(spec) if spec.kind in ("number", "count", "panel") else None
    return f"{_expected(spec)}, {bounds}" if bounds else _expected(spec)


def _range(spec: InputSpec) -> str | None:
    if spec.lower is not None and spec.upper is not None:
        return f"from {_amount(spec.lower, spec)} to {_amount(spec.upper, spec)}"
    if spec.lower is not None:
        return f"at least {_amount(spec.lower, spec)}"
    if spec.upper is not None:
        return f"at most {_amount(spec.upper, spec)}"
    return None


def _amount(number: Decimal, spec: InputSpec) -> str:
    if spec.unit == "percent":
        return f"{number}%"
    if spec.unit == "rupiah":
        return f"Rp {number}"
    return f"{number} {spec.unit}" if spec.unit else str(number)


def _show(raw: object) -> str:
    """A short, safe rendering of a raw value for a message."""
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return _clip(repr(raw))
    if isinstance(raw, int):
        return _clip(str(Decimal(raw)))  # str(int) refuses very long ints
    if isinstance(raw, (Decimal, float)):
        return _clip(str(raw))
    if isinstance(raw, _NonFinite):
        return raw.text
    return _describe_type(raw)


def _describe_type(raw: object) -> str:
    if isinstance(raw, (list, tuple)):
        return "a list"
    if isinstance(raw, Mapping):
        return "a mapping (key: value pairs)"
    if isinstance(raw, (set, frozenset)):
        return "a set"
    if isinstance(raw, (bytes, bytearray)):
        return "binary data"
    return f"a value of type {type(raw).__name__}"


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _listing(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + ", …" if len(names) > limit else shown or "(none)"


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


@attrs.frozen
class CellRow:
    """A row of a CSV file or spreadsheet as read: not yet a record, so cheap to read and to hand to another
    process, which makes it one with `record()`. A batch reads rows in one process and judges them in several."""

    cells: list[str]
    header: list[str]
    origin: str

    @property
    def id(self) -> str | None:
        column = self.header.index("id")
        return (self.cells[column].strip() or None) if column < len(self.cells) else None

    def record(self) -> RawCandidate:
        candidate = candidate_from_cells(self.cells, self.header, self.origin)
        assert candidate is not None  # rows with no value at all are never made CellRows
        return candidate


def iter_rows(path: str | Path) -> Iterator[RawCandidate | CellRow]:
    """Like `iter_candidates`, with a CSV or spreadsheet row left as a `CellRow` until it is needed."""
    path = Path(path)
    label = str(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        _file_error(label, f"cannot read '{path.suffix or path.name}' files",
                    "use .yaml, .yml, .json, .jsonl, .csv or .xlsx")
    yield from reader(path, label)


@contextlib.contextmanager
def _text_stream(path: Path, label: str) -> Iterator[TextIO]:
    """The file as UTF-8 text, line endings untouched; a byte that is not UTF-8 is a problem of the file."""
    try:
        stream = open(path, encoding="utf-8-sig", newline="")  # -sig drops the byte-order mark spreadsheets add
    except OSError as error:
        _file_error(label, f"cannot read the file: {error.strerror or error}")
    with stream:
        try:
            yield stream
        except UnicodeDecodeError:
            _read_text(path, label)  # reads the whole file once more, to say on which line the bad byte is
            raise


def _read_text(path: Path, label: str) -> str:
    """The file's text, line endings untouched (the CSV reader needs them as written)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        _file_error(label, f"cannot read the file: {error.strerror or error}")
    try:
        return data.decode("utf-8-sig")  # -sig drops the byte-order mark spreadsheets add
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text: byte {data[error.start]:#04x} on line {line}"
        _file_error(label, message, "save the file as UTF-8 (in Excel: 'CSV UTF-8')")


def _file_error(label: str, message: str, hint: str | None = None, field: str | None = None) -> NoReturn:
    raise InputError([InputProblem(label, field, message, hint)])


class _Record(dict[object, object]):
    """A mapping as read, remembering its line and any key written twice."""

    def __init__(self, line: int | None = None, duplicates: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.line = line
        self.duplicates = duplicates


def _duplicates(keys: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(key) for key, count in Counter(keys).items() if count > 1)


# ---- YAML


class _ExactLoader(yaml.SafeLoader):
    """Safe YAML that keeps every scalar as its text (null aside), so numbers stay exact.

    Validation parses text by the input's kind, so `12.5` becomes Decimal("12.5"),
    `.nan` is named as not a number, and `007` keeps its zeros as an id.
    """


_KEPT_TAGS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
_ExactLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag in _KEPT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _scalar_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _construct_record(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[_Record]:
    own_keys = [
        key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge"
    ]
    record = _Record(line=node.start_mark.line + 1, duplicates=_duplicates(own_keys))
    yield record  # yielded before filling, as PyYAML does, so aliases can refer back
    record.update(loader.construct_mapping(node))


# Explicit tags like `!!float 1.5` must not bring floats (or surprises) back.
for _tag in ("float", "int", "bool", "timestamp"):
    _ExactLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_text)
_ExactLoader.add_constructor("tag:yaml.org,2002:map", _construct_record)


def _parse_yaml(text: str, label: str) -> list[RawCandidate]:
    try:
        document = yaml.load(text, Loader=_ExactLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        _file_error(label, _yaml_message(error), _yaml_hint(error))
    except (yaml.YAMLError, ValueError) as error:
        _file_error(label, f"not valid YAML: {error}")
    except RecursionError:
        _file_error(label, "the YAML is nested too deeply")
    return _from_document(document, label)


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    context = f" ({error.context})" if error.context else ""
    return f"not valid YAML: {where}{error.problem}{context}"


def _yaml_hint(error: yaml.MarkedYAMLError) -> str | None:
    return "YAML indents with spaces, not tabs" if "'\\t'" in str(error.problem) else None


# ---- JSON


def _json_record(pairs: list[tuple[str, object]]) -> _Record:
    record = _Record(duplicates=_duplicates(key for key, _ in pairs))
    record.update(pairs)
    return record


def _json_number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:  # an exponent beyond what Decimal can hold at all
        raise ValueError(f"the number {_clip(text)} is out of range") from None


def _parse_json(text: str, label: str) -> list[RawCandidate]:
    try:
        document = json.loads(text, parse_float=_json_number, parse_constant=_NonFinite, object_pairs_hook=_json_record)
    except json.JSONDecodeError as error:
        _file_error(label, f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}")
    except ValueError as error:  # e.g. an integer too long to convert
        _file_error(label, f"not valid JSON: {error}")
    except RecursionError:
        _file_error(label, "the JSON is nested too deeply")
    return _from_document(document, label)


def _read_json_lines(path: Path, label: str) -> Iterator[RawCandidate]:
    """One candidate per line (JSON Lines): a bad line is a problem of that record only, never of the file."""
    with _text_stream(path, label) as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield _json_line(line, f"{label}, line {number}")


def _json_line(line: str, origin: str) -> RawCandidate:
    try:
        record = json.loads(line, parse_float=_json_number, parse_constant=_NonFinite, object_pairs_hook=_json_record)
    except (ValueError, RecursionError) as error:
        problem = InputProblem(origin, None, f"{_NOT_A_RECORD}: the line is not valid JSON "
                               f"({str(error).split(':')[0]})", "each line holds one candidate as a JSON object")
        return RawCandidate(None, None, {}, origin, (problem,))
    return _decoded_record(record, origin)


# ---- YAML and JSON documents


_TOP_LEVEL = ("candidates", "rubric")


def _from_document(document: object, label: str) -> list[RawCandidate]:
    records = _records(document, label)
    return [_decoded_record(record, _origin(label, number, record)) for number, record in enumerate(records, 1)]


def _records(document: object, label: str) -> list[object]:
    """The candidate list: the whole document, or its `candidates` key."""
    if isinstance(document, list):
        return document
    if document is None:
        _file_error(label, "the file is empty", "expected a list of candidates")
    if not isinstance(document, Mapping):
        _file_error(label, f"expected a list of candidates, got {_show(document)}")
    problems = [_top_level_problem(key, label) for key in document if key not in _TOP_LEVEL]
    repeated = document.duplicates if isinstance(document, _Record) else ()
    problems += [InputProblem(label, str(key), f"'{key}' is given twice at the top of the file; the first one would "
                              "be lost", "keep one, and put every candidate under it") for key in repeated]
    candidates = document.get("candidates")
    if isinstance(candidates, list) and not problems:
        return candidates
    if "candidates" not in document:
        hint = "put candidates in a list, each starting with '- '" if "id" in document else None
        problems.append(InputProblem(label, "candidates", "no 'candidates' list", hint))
    elif not isinstance(candidates, list):
        problems.append(InputProblem(label, "candidates", f"expected a list of candidates, got {_show(candidates)}"))
    raise InputError(problems)


def _top_level_problem(key: object, label: str) -> InputProblem:
    hint = did_you_mean(str(key), _TOP_LEVEL) or "a candidate file has only 'candidates' and optionally 'rubric'"
    return InputProblem(label, str(key), f"unknown top-level key '{key}'", hint)


def _origin(label: str, number: int, record: object) -> str:
    line = record.line if isinstance(record, _Record) else None
    return f"{label}, candidate {number}" + (f" (line {line})" if line else "")


# ---- CSV


def _read_csv(path: Path, label: str) -> Iterator[CellRow]:
    with _text_stream(path, label) as stream:
        reader = csv.reader(stream)
        try:
            header = [cell.strip() for cell in next(reader, [])]
            check_header(header, label)
            yield from _csv_rows(reader, header, label)
        except csv.Error as error:
            _file_error(label, f"not valid CSV: line {reader.line_num}: {error}")


# ---- spreadsheets


def _read_xlsx(path: Path, label: str) -> Iterator[CellRow]:
    """The first sheet of a workbook, read like a CSV file: a header row naming the columns, then a row each."""
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        _file_error(label, "reading .xlsx files needs the 'xlsx' extra", "pip install 'paritrana-rules[xlsx]'")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        _file_error(label, f"not a readable .xlsx workbook: {error}", "save it from the spreadsheet as .xlsx")
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(cell).strip() for cell in next(rows, ())]
        check_header(header, label)
        for number, row in enumerate(rows, 2):
            cells = [cell_text(cell) for cell in row]
            if any(cell.strip() for cell in cells):
                yield CellRow(cells, header, f"{label}, row {number}")
    finally:
        workbook.close()


def cell_text(cell: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold: numbers in their shortest exact-looking form.

    A spreadsheet stores numbers as binary floats; the shortest text that reads
    back as the same float is what the person typed, so that is what is validated.
    """
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else format(Decimal(repr(cell)), "f")  # 1e-07 -> 0.0000001
    return str(cell)


def check_header(header: list[str], label: str) -> None:
    if not any(header):
        _file_error(label, "the file is empty", "the first row must name the columns, starting with 'id'")
    problems = [
        InputProblem(label, name, f"column '{name}' appears more than once in the header", "rename or merge them")
        for name in _duplicates(name for name in header if name)
    ]
    if "id" not in header:
        problems.append(InputProblem(label, "id", "the header has no 'id' column", _id_column_hint(header)))
    if problems:
        raise InputError(problems)


def _id_column_hint(header: list[str]) -> str | None:
    if len(header) == 1 and ";" in header[0]:
        return "columns seem to be separated by ';': save the file with ',' (in Excel: 'CSV UTF-8')"
    return did_you_mean("id", header)


class _CsvReader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


def _csv_rows(reader: _CsvReader, header: list[str], label: str) -> Iterator[CellRow]:
    """Each row with a value, its origin naming the line the row starts on (a wholly empty row is no candidate)."""
    end = reader.line_num
    for row in reader:
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in row):
            yield CellRow(row, header, f"{label}, row {start}")


def candidate_from_cells(row: list[str], header: list[str], origin: str) -> RawCandidate | None:
    """One row as a record: empty cells are missing; a wholly empty row is no candidate at all."""
    filled = [(column, cell) for column, cell in enumerate(row) if cell.strip()]
    if not filled:
        return None
    # Blank cells are kept as "": for a set-of column that means "none of them" (docs/language.md),
    # for any other column it is an empty value, which takes the default or is reported.
    named = [(name, row[column] if column < len(row) else "") for column, name in enumerate(header) if name]
    issues = [_Issue(f"a value in column {column + 1}, which has no name in the header", "name the column")
              for column, _ in filled if column < len(header) and not header[column]]
    if any(column >= len(header) for column, _ in filled):
        message = f"the row has {len(row)} cells but the header has {len(header)} columns"
        issues.append(_Issue(message, "remove the extra cells, or name their column in the header"))
    return _raw_candidate(dict(named), origin, issues)


# ---- records


def _raw_candidate(record: object, origin: str, issues: Sequence[_Issue] = ()) -> RawCandidate:
    """A record as a RawCandidate; what is wrong with the record itself goes in `problems`."""
    if not isinstance(record, Mapping):
        problem = InputProblem(origin, None, f"{_NOT_A_RECORD}, got {_show(record)}")
        return RawCandidate(None, None, {}, origin, (problem,))
    candidate_id, id_issue = _read_id(record.get("id"))
    name, name_issue = _read_name(record.get("name"))
    label = candidate_id if candidate_id is not None else origin
    problems = [InputProblem(label, None, issue.message, issue.hint) for issue in issues]
    for field, issue in (("id", id_issue), ("name", name_issue)):
        if issue:
            problems.append(InputProblem(label, field, issue.message, issue.hint))
    problems += _record_key_problems(record, label)
    values = {key: value for key, value in record.items() if isinstance(key, str) and key not in _RESERVED}
    return RawCandidate(candidate_id, name, values, origin, tuple(problems), record.get("expect"))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _decoded_record(record: object, origin: str) -> RawCandidate:
    """A record from JSON or YAML, whose escapes may spell text that is not Unicode (a lone surrogate):
    such a record is rejected, its text written with the escapes, so that it can still be reported."""
    if not _has_surrogate(record):
        return _raw_candidate(record, origin)
    issue = _Issue("the record holds text that is not valid Unicode (a lone surrogate such as \\ud800)",
                   "fix the escape sequence where the file was written")
    return _raw_candidate(_escaped(record), origin, [issue])


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, Mapping):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, Mapping):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _record_key_problems(record: Mapping[object, object], label: str) -> list[InputProblem]:
    duplicates = record.duplicates if isinstance(record, _Record) else ()
    problems = [InputProblem(label, key, f"field '{key}' is given more than once", "keep one") for key in duplicates]
    problems += [InputProblem(label, None, f"a field name must be text, got {_show(key)}")
                 for key in record if not isinstance(key, str)]
    return problems


def _read_id(raw: object) -> tuple[str | None, _Issue | None]:
    """Ids are text; a whole number (from JSON) becomes its text."""
    if isinstance(raw, str):
        return raw.strip() or None, None
    if raw is None:
        return None, None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(Decimal(raw)), None
    return None, _Issue(f"an id must be text, got {_show(raw)}")


def _read_name(raw: object) -> tuple[str | None, _Issue | None]:
    if isinstance(raw, str):
        return raw.strip() or None, None
    if raw is None:
        return None, None
    return None, _Issue(f"a name must be text, got {_show(raw)}")


def _whole(parse: Callable[[str, str], list[RawCandidate]]) -> Callable[[Path, str], Iterator[RawCandidate]]:
    """A reader for a format that is parsed as one document."""
    def read(path: Path, label: str) -> Iterator[RawCandidate]:
        yield from parse(_read_text(path, label), label)
    return read


_READERS: dict[str, Callable[[Path, str], Iterator[RawCandidate | CellRow]]] = {
    ".yaml": _whole(_parse_yaml),
    ".yml": _whole(_parse_yaml),
    ".json": _whole(_parse_json),
    ".jsonl": _read_json_lines,
    ".csv": _read_csv,
    ".xlsx": _read_xlsx,
}


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


def judge(raw: RawCandidate, specs: Sequence[InputSpec], first_origin: str | None) -> Candidate | Rejected:
    """Validate one record; `first_origin` is where its id was first used (a repeated id rejects the later ones)."""
    label = raw.id if raw.id is not None else raw.origin
    if any(problem.message.startswith(_NOT_A_RECORD) for problem in raw.problems):
        return Rejected(label, raw.name, raw.origin, raw.problems)  # its fields would all be "missing": noise
    validated, value_problems = _validated(raw.values, specs, label)
    problems = (*raw.problems, *_id_problems(raw, first_origin), *value_problems)
    if problems or raw.id is None or validated is None:
        return Rejected(label, raw.name, raw.origin, problems, raw.expect)
    values, defaulted = validated
    return Candidate(raw.id, raw.name, values, raw.origin, defaulted, raw.expect)


def _validated(
    values: Mapping[str, object], specs: Sequence[InputSpec], label: str
) -> tuple[tuple[dict[str, object], frozenset[str]] | None, list[InputProblem]]:
    try:
        return validate_with_defaults(values, specs, label), []
    except InputError as error:
        return None, error.problems


def _id_problems(raw: RawCandidate, first_origin: str | None) -> list[InputProblem]:
    if raw.id is None:
        if any(problem.field == "id" for problem in raw.problems):
            return []
        return [InputProblem(raw.origin, "id", "the record has no id", "add an id so results can be matched to it")]
    if first_origin is None or first_origin == raw.origin:
        return []
    return [InputProblem(raw.id, "id", f"id '{raw.id}' is already used by {first_origin}",
                         "give each candidate its own id")]
