"""One candidate's values: a `RawCandidate` as read -> a validated `Candidate`, or a `Rejected` with every problem.

Each input's raw value is converted by its kind (numbers and counts in
`numbers`, panels in `panels`, the rest here); a missing or empty value takes
the input's default if it has one. Problems come in spec order, then unknown
fields in record order, so the same record is always reported the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from paritrana_rules.data.numbers import to_count, to_number
from paritrana_rules.data.panels import to_panel
from paritrana_rules.data.specs import InputSpec, Invalid, Issue, describe, listing, show, wrong_type
from paritrana_rules.errors import InputError, InputProblem, did_you_mean

NOT_A_RECORD = "expected a candidate (field: value pairs)"
RESERVED = ("id", "name", "expect")  # `expect`: what `paritrana-rules test` checks, never an input

_TRUE = frozenset({"yes", "true", "ya"})
_FALSE = frozenset({"no", "false", "tidak"})


# ------------------------------------------------------------------ public types


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
        except Invalid as bad:
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
    hint = f"expected {describe(spec)}"
    if spec.kind == "set_of":
        hint += "; write [] for none"
    raise Invalid(Issue(message, hint))


def is_missing(raw: object) -> bool:
    """Whether a raw value is absent: None, or blank text."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _unknown_fields(values: Mapping[str, object], specs: Sequence[InputSpec], candidate: str) -> list[InputProblem]:
    names = [spec.name for spec in specs]
    known = {*names, *RESERVED}
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
    return f"this rubric's inputs are: {listing(names)}"


# ------------------------------------------------------------------ converters, one per kind


def _to_bool(raw: object, spec: InputSpec) -> bool:
    if isinstance(raw, bool):
        return raw
    word = raw.strip().lower() if isinstance(raw, str) else None
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    wrong_type(raw, spec, "write yes or no (also accepted: true/false, ya/tidak)")


def _to_member(raw: object, spec: InputSpec) -> str:
    if not isinstance(raw, str):
        wrong_type(raw, spec)
    member = raw.strip()
    if member not in spec.members:
        raise Invalid(_not_a_member(member, spec))
    return member


def _to_set(raw: object, spec: InputSpec) -> frozenset[str]:
    items = _set_items(raw, spec)
    issues: list[Issue] = []
    seen: set[str] = set()
    for item in items:
        issue = _set_item_issue(item, spec, seen)
        if issue and issue not in issues:
            issues.append(issue)
        if isinstance(item, str):
            seen.add(item.strip())
    if issues:
        raise Invalid(*issues)
    return frozenset(seen)


def _set_items(raw: object, spec: InputSpec) -> list[object]:
    if isinstance(raw, str):
        # CSV form "a;b"; "[]" (or "") is the empty set, and empty pieces (a trailing ';') are ignored.
        return [piece.strip() for piece in raw.split(";") if piece.strip()] if raw.strip() != "[]" else []
    if isinstance(raw, (list, tuple)):
        return list(raw)
    if isinstance(raw, (set, frozenset)):
        return sorted(raw, key=repr)  # a stable order for messages
    wrong_type(raw, spec, "write a list, e.g. [a, b], or in CSV a;b")


def _set_item_issue(item: object, spec: InputSpec, seen: set[str]) -> Issue | None:
    if not isinstance(item, str):
        return Issue(f"expected a value from: {listing(spec.members)}; got {show(item)}")
    member = item.strip()
    if member in seen:
        return Issue(f"'{member}' is listed more than once", "list each value once")
    if member not in spec.members:
        return _not_a_member(member, spec)
    return None


def _not_a_member(member: str, spec: InputSpec) -> Issue:
    pieces = [piece.strip() for piece in member.split(",")]
    if spec.kind == "set_of" and len(pieces) > 1 and all(piece in spec.members for piece in pieces):
        hint: str | None = "separate values with ';', e.g. " + ";".join(pieces)
    else:
        hint = did_you_mean(member, spec.members)
    return Issue(f"'{member}' is not one of: {listing(spec.members)}", hint)


def _to_text(raw: object, spec: InputSpec) -> str:
    if isinstance(raw, str):
        return raw.strip()
    hint = f'put it in quotes: "{show(raw)}"' if isinstance(raw, (int, Decimal)) else None
    wrong_type(raw, spec, hint)


_CONVERTERS: dict[str, Callable[[object, InputSpec], object]] = {
    "number": to_number,
    "count": to_count,
    "bool": _to_bool,
    "one_of": _to_member,
    "set_of": _to_set,
    "text": _to_text,
    "panel": to_panel,
}


# ------------------------------------------------------------------ one record, judged


def judge(raw: RawCandidate, specs: Sequence[InputSpec], first_origin: str | None) -> Candidate | Rejected:
    """Validate one record; `first_origin` is where its id was first used (a repeated id rejects the later ones)."""
    label = raw.id if raw.id is not None else raw.origin
    if any(problem.message.startswith(NOT_A_RECORD) for problem in raw.problems):
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
