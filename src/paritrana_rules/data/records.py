"""One record as a file gave it (a mapping, or a row's named cells) -> a `RawCandidate`.

Whatever is wrong with the record itself (not a mapping, a field written
twice, a bad id or name, text that is not Unicode) goes in the candidate's
`problems`, so that reading never drops or stops at a bad record.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from paritrana_rules.data.specs import Issue, show
from paritrana_rules.data.values import NOT_A_RECORD, RESERVED, RawCandidate
from paritrana_rules.errors import InputProblem

_SURROGATE = re.compile("[\ud800-\udfff]")


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
        problem = InputProblem(origin, None, f"{NOT_A_RECORD}, got {show(record)}")
        return RawCandidate(None, None, {}, origin, (problem,))
    candidate_id, id_issue = _read_id(record.get("id"))
    name, name_issue = _text_field(record.get("name"), "a name")
    label = candidate_id if candidate_id is not None else origin
    problems = [InputProblem(label, None, issue.message, issue.hint) for issue in issues]
    for field, issue in (("id", id_issue), ("name", name_issue)):
        if issue:
            problems.append(InputProblem(label, field, issue.message, issue.hint))
    problems += _record_key_problems(record, label)
    values = {key: value for key, value in record.items() if isinstance(key, str) and key not in RESERVED}
    return RawCandidate(candidate_id, name, values, origin, tuple(problems), record.get("expect"))


def decoded_record(record: object, origin: str) -> RawCandidate:
    """A record from JSON or YAML, whose escapes may spell text that is not Unicode (a lone surrogate):
    such a record is rejected, its text written with the escapes, so that it can still be reported."""
    if not _has_surrogate(record):
        return raw_candidate(record, origin)
    issue = Issue("the record holds text that is not valid Unicode (a lone surrogate such as \\ud800)",
                  "fix the escape sequence where the file was written")
    return raw_candidate(_escaped(record), origin, [issue])


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
    repeated = record.duplicates if isinstance(record, Record) else ()
    problems = [InputProblem(label, key, f"field '{key}' is given more than once", "keep one") for key in repeated]
    problems += [InputProblem(label, None, f"a field name must be text, got {show(key)}")
                 for key in record if not isinstance(key, str)]
    return problems


def _read_id(raw: object) -> tuple[str | None, Issue | None]:
    """Ids are text; a whole number (from JSON) becomes its text."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(Decimal(raw)), None
    return _text_field(raw, "an id")


def _text_field(raw: object, what: str) -> tuple[str | None, Issue | None]:
    """Text, stripped (blank is none); anything else is an issue of the record."""
    if isinstance(raw, str):
        return raw.strip() or None, None
    if raw is None:
        return None, None
    return None, Issue(f"{what} must be text, got {show(raw)}")
