"""One candidate's values: a `RawCandidate` as read -> a validated `Candidate`, or a `Rejected` with every problem.

Each input's raw value is first held to the limits of `limits` (nesting,
text length, Unicode), then converted by its kind (numbers and counts in
`numbers`, panels in `panels`, the rest here); a missing or empty value takes
the input's default if it has one. Problems come in spec order, then unknown
fields in record order, so the same record is always reported the same way.
The same checks apply to values, ids and names given from Python, so that
nothing a ledger cannot hold gets past validation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import attrs

from paritrana_rules.data.limits import MAX_ITEMS, escaped, id_issue, name_issue, safe_text, value_issue
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


def validate(values: Mapping[str, object], specs: Sequence[InputSpec], candidate: str,
             *, name: str | None = None) -> dict[str, object]:
    """Raise InputError listing every problem, or return validated values for every spec.

    Problems come in spec order, then unknown fields in record order; each is
    labelled with `candidate`, which is the candidate's id and is held to the
    limits of ids, as `name` is to those of names. The keys `id` and `name` of
    `values` are allowed and ignored.
    """
    return validate_with_defaults(values, specs, candidate, name=name)[0]


def validate_with_defaults(values: Mapping[str, object], specs: Sequence[InputSpec], candidate: str,
                           *, name: str | None = None) -> tuple[dict[str, object], frozenset[str]]:
    """`validate`, also naming the inputs that took their default (what an explanation says of them)."""
    label = safe_text(candidate)
    problems = _identity_problems(label, candidate, name)
    result, defaulted, value_problems = _converted(values, specs, label)
    problems += value_problems
    if problems:
        raise InputError(problems)
    return result, defaulted


def _identity_problems(label: str, candidate_id: str | None, name: str | None) -> list[InputProblem]:
    """An id or name past its limits (too long, or not valid Unicode), as problems of the candidate."""
    issues = (("id", id_issue(candidate_id) if candidate_id is not None else None),
              ("name", name_issue(name) if name is not None else None))
    return [InputProblem(label, field, issue.message, issue.hint) for field, issue in issues if issue]


def _converted(values: Mapping[str, object], specs: Sequence[InputSpec],
               candidate: str) -> tuple[dict[str, object], frozenset[str], list[InputProblem]]:
    """Every spec's value, converted or defaulted, with the inputs that took their default and every problem."""
    problems: list[InputProblem] = []
    result: dict[str, object] = {}
    defaulted = []
    for spec in specs:
        try:
            result[spec.name], took_default = input_value(spec, values.get(spec.name), spec.name in values)
            if took_default:
                defaulted.append(spec.name)
        except Invalid as bad:
            problems.extend(InputProblem(candidate, spec.name, i.message, i.hint) for i in bad.issues)
    if len(values) > len(result) or any(key not in result for key in values):
        problems.extend(_unknown_fields(values, specs, candidate))
    return result, frozenset(defaulted), problems


def input_value(spec: InputSpec, raw: object, given: bool) -> tuple[object, bool]:
    """One input's value from its raw form (`given`: whether the record has the field at all), and whether it took
    its default; `Invalid` when it cannot. A batch scored a column at a time converts each distinct cell with it."""
    if _takes_default(spec, raw):
        return _fallback(spec, "empty value" if given else "missing value"), True
    return _converted_value(raw, spec), False


def _converted_value(raw: object, spec: InputSpec) -> object:
    """A raw value within the limits, converted by its input's kind."""
    issue = value_issue(raw)
    if issue:
        raise Invalid(issue)
    return _CONVERTERS[spec.kind](raw, spec)


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
    names = tuple(spec.name for spec in specs)
    known = {*names, *RESERVED}
    return [
        InputProblem(candidate, safe_text(str(key)), f"unknown field {show(str(key))}",
                     _unknown_field_hint(safe_text(str(key)), names))
        for key in values
        if key not in known
    ]


@functools.lru_cache(maxsize=1024)  # every row of a CSV file has the same columns: each is matched once
def _unknown_field_hint(key: str, names: tuple[str, ...]) -> str:
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
    member = spec.member(raw)
    if member is None:
        raise Invalid(_not_a_member(raw.strip(), spec))
    return member


def _to_set(raw: object, spec: InputSpec) -> frozenset[str]:
    items = _set_items(raw, spec)
    issues: dict[Issue, None] = {}  # each issue once, in order
    seen: set[str] = set()
    for item in items:
        issue = _set_item_issue(item, spec, seen)
        if issue:
            issues[issue] = None
        elif isinstance(item, str):
            seen.add(str(spec.member(item)))
    if issues:
        raise Invalid(*issues)
    return frozenset(seen)


def _set_items(raw: object, spec: InputSpec) -> list[object]:
    items: list[object]
    if isinstance(raw, str):
        # CSV form "a;b"; "[]" (or "") is the empty set, and empty pieces (a trailing ';') are ignored.
        items = [piece.strip() for piece in raw.split(";") if piece.strip()] if raw.strip() != "[]" else []
    elif isinstance(raw, (list, tuple, set, frozenset)):
        items = list(raw)
    else:
        wrong_type(raw, spec, "write a list, e.g. [a, b], or in CSV a;b")
    if len(items) > MAX_ITEMS:  # before any item is looked at: each unknown one is matched against the members
        raise Invalid(Issue(f"{len(items):,} values are listed; at most {MAX_ITEMS} are allowed",
                            f"list each value once, from: {listing(spec.members)}"))
    return sorted(items, key=repr) if isinstance(raw, (set, frozenset)) else items  # a set: a stable order for messages


def _set_item_issue(item: object, spec: InputSpec, seen: set[str]) -> Issue | None:
    if not isinstance(item, str):
        return Issue(f"expected a value from: {listing(spec.members)}; got {show(item)}")
    member = spec.member(item)
    if member is None:
        return _not_a_member(item.strip(), spec)
    if member in seen:
        return Issue(f"{show(item.strip())} is listed more than once", "list each value once")
    return None


def _not_a_member(member: str, spec: InputSpec) -> Issue:
    pieces = [piece.strip() for piece in member.split(",")]
    if spec.kind == "set_of" and len(pieces) > 1 and all(piece in spec.members for piece in pieces):
        hint: str | None = "separate values with ';', e.g. " + ";".join(pieces)
    else:
        hint = did_you_mean(member, [*spec.members, *(alias for alias, _ in spec.aliases)])
    return Issue(f"{show(member)} is not one of: {listing(spec.members)}", hint)


def _to_text(raw: object, spec: InputSpec) -> str:
    if isinstance(raw, str):
        return raw.strip()  # within MAX_TEXT_CHARS and valid Unicode: `value_issue` saw to it
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
    raw = _within_limits(raw)
    label = raw.id if raw.id is not None else raw.origin
    if any(problem.message.startswith(NOT_A_RECORD) for problem in raw.problems):
        return Rejected(label, raw.name, raw.origin, raw.problems)  # its fields would all be "missing": noise
    values, defaulted, value_problems = _converted(raw.values, specs, label)
    problems = (*raw.problems, *_id_problems(raw, first_origin), *value_problems)
    if problems or raw.id is None:
        return Rejected(label, raw.name, raw.origin, problems, raw.expect)
    return Candidate(raw.id, raw.name, values, raw.origin, defaulted, raw.expect)


def _within_limits(raw: RawCandidate) -> RawCandidate:
    """The record with an id or name past its limits set aside as a problem, and its origin made safe to write.

    Records read from files are already so (`records`); this holds records built in Python to the same.
    """
    origin = escaped(raw.origin)
    problems = _identity_problems(origin, raw.id, raw.name)
    if not problems and origin == raw.origin:
        return raw
    refused = {problem.field for problem in problems}
    return attrs.evolve(raw, id=None if "id" in refused else raw.id, name=None if "name" in refused else raw.name,
                        origin=origin, problems=(*raw.problems, *problems))


def _id_problems(raw: RawCandidate, first_origin: str | None) -> list[InputProblem]:
    if raw.id is None:
        if any(problem.field == "id" for problem in raw.problems):
            return []
        return [InputProblem(raw.origin, "id", "the record has no id", "add an id so results can be matched to it")]
    if first_origin is None or first_origin == raw.origin:
        return []
    return [InputProblem(raw.id, "id", f"id '{raw.id}' is already used by {first_origin}",
                         "give each candidate its own id")]
