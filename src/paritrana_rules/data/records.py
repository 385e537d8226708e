"""One record as a file gave it (a mapping, or a row's named cells) -> a `RawCandidate`.

Whatever is wrong with the record itself (not a mapping, too many fields, a
field written twice, a bad id or name, a field name past its limits) goes in
the candidate's `problems`, so that reading never drops or stops at a bad
record. Its values are kept as read: validation holds each to the limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from paritrana_rules.data.limits import (
    MAX_FIELDS,
    MAX_ROW_CHARS,
    field_name_issue,
    id_issue,
    name_issue,
    safe_text,
    value_issue,
)
from paritrana_rules.data.specs import Issue, show
from paritrana_rules.data.values import NOT_A_RECORD, RESERVED, RawCandidate
from paritrana_rules.errors import InputProblem


class Record(dict[object, object]):
    """A mapping as read, remembering its line and any key written twice."""

    def __init__(self, line: int | None = None, duplicates: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.line = line
        self.duplicates = duplicates


def duplicates(keys: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(key) for key, count in Counter(keys).items() if count > 1)


def raw_candidate(record: object, origin: str, issues: Sequence[Issue] = ()) -> RawCandidate:
    """A record as a RawCandidate; what is wrong with the record itself goes in `problems`."""
    if not isinstance(record, Mapping):
        return unread(origin, f"{NOT_A_RECORD}, got {show(record)}")
    if len(record) > MAX_FIELDS:  # before any field is looked at
        return unread(origin, f"{NOT_A_RECORD}: the record has {len(record):,} fields; at most {MAX_FIELDS} are "
                      "allowed", "check that the records were not run together")
    candidate_id, id_problem = _read_id(record.get("id"))
    name, name_problem = text_field(record.get("name"), "a name", name_issue)
    label = candidate_id if candidate_id is not None else origin
    problems = [InputProblem(label, None, issue.message, issue.hint) for issue in issues]
    for field, issue in (("id", id_problem), ("name", name_problem)):
        if issue:
            problems.append(InputProblem(label, field, issue.message, issue.hint))
    refused_keys = {key: issue for key in record if (issue := _field_name_issue(key))}
    problems += _repeated_key_problems(record, label)
    problems += [InputProblem(label, None, issue.message, issue.hint) for issue in refused_keys.values()]
    expect = record.get("expect")
    expect_issue = value_issue(expect)
    if expect_issue:
        problems.append(InputProblem(label, "expect", expect_issue.message, expect_issue.hint))
    values = {key: value for key, value in record.items() if key not in refused_keys and key not in RESERVED}
    return RawCandidate(candidate_id, name, values, origin, tuple(problems), None if expect_issue else expect)


def unread(origin: str, message: str, hint: str | None = None) -> RawCandidate:
    """A record that could not be read at all: one problem, and no fields (each would be "missing": noise).

    `message` starts with `NOT_A_RECORD`, which is how `judge` knows to report nothing more.
    """
    return RawCandidate(None, None, {}, origin, (InputProblem(origin, None, message, hint),))


def unread_line(origin: str, what: str, length: int) -> RawCandidate:
    """A row or line longer than `MAX_ROW_CHARS`, which was read through but not kept."""
    return unread(origin, f"{NOT_A_RECORD}: the {what} is {length:,} characters long; at most {MAX_ROW_CHARS:,} "
                  "are read", "a candidate takes a few hundred characters: look for a pasted text, or a quote "
                  "(\") left open")


def _field_name_issue(key: object) -> Issue | None:
    return field_name_issue(key) if isinstance(key, str) else Issue(f"a field name must be text, got {show(key)}")


def _repeated_key_problems(record: Mapping[object, object], label: str) -> list[InputProblem]:
    repeated = record.duplicates if isinstance(record, Record) else ()
    return [InputProblem(label, safe_text(key), f"field {show(key)} is given more than once", "keep one")
            for key in repeated]


def _read_id(raw: object) -> tuple[str | None, Issue | None]:
    """Ids are text; a whole number (from JSON) becomes its text."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return text_field(str(Decimal(raw)), "an id", id_issue)  # str(int) refuses very long ints
    return text_field(raw, "an id", id_issue)


def text_field(raw: object, what: str, limits: Callable[[str], Issue | None]) -> tuple[str | None, Issue | None]:
    """Text, stripped (blank is none) and within its limits; anything else is an issue of the record."""
    if isinstance(raw, str):
        text = raw.strip()
        issue = limits(text) if text else None
        return (None, issue) if issue else (text or None, None)
    if raw is None:
        return None, None
    return None, Issue(f"{what} must be text, got {show(raw)}")
