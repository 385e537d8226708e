"""YAML, JSON and JSON Lines files -> `RawCandidate`s, in file order.

No float is ever built: YAML scalars stay text until validation parses them,
JSON decimals become `Decimal`s. A YAML or JSON document is read whole (a list
of candidates, or a mapping with a `candidates` list); JSON Lines is read as a
stream, and a bad line is a problem of that record only. The limits apply as
the text is parsed: a JSON number is measured before it is converted, and a
YAML document is held to its nesting and its aliases before any of its values
is built.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TextIO, cast

import yaml

from paritrana_rules.data.files import LongLine, file_error, lines_within, read_text, text_stream
from paritrana_rules.data.limits import MAX_ALIAS_VALUES, MAX_DEPTH, MAX_ROW_CHARS, safe_text, too_deep
from paritrana_rules.data.numbers import number_text_issue
from paritrana_rules.data.records import Record, duplicates, raw_candidate, unread, unread_line
from paritrana_rules.data.specs import NonFinite, Refused, clip, show
from paritrana_rules.data.values import NOT_A_RECORD, RawCandidate
from paritrana_rules.errors import InputError, InputProblem, did_you_mean

# ---- YAML

_TOO_DEEP = "tag:paritrana,2024:too-deep"  # stands for a value nested too deeply, left unbuilt
_DEEPEST = MAX_DEPTH + 3  # the document, its candidates list and the record stand above an input's value


class _OverLimit(yaml.MarkedYAMLError):
    """A YAML document past a limit: it cannot be read as it stands."""

    def __init__(self, problem: str, mark: object, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=cast("yaml.Mark | None", mark))
        self.hint = hint


class _ExactLoader(yaml.SafeLoader):
    """Safe YAML that keeps every scalar as its text (null aside), so numbers stay exact, and is held to the limits.

    Validation parses text by the input's kind, so `12.5` becomes Decimal("12.5"),
    `.nan` is named as not a number, and `007` keeps its zeros as an id. As the
    document is composed, before any value is built: a value nested past
    `MAX_DEPTH` is skipped and stands as refused; an alias used inside the value
    it names is refused (it would be endless), and so is a document whose aliases
    stand for more than `MAX_ALIAS_VALUES` values in all (each is read as the
    whole value it names: a few lines of aliases of aliases stand for billions).
    Brackets ([...] or {...}) nested that deeply make the document unreadable:
    PyYAML's scanner slows with each open one, for every character after it.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._open: set[str] = set()  # anchors whose value is being composed
        self._sizes: dict[int, int] = {}  # id(node) -> how many values it stands for, its aliases counted in full
        self._aliased = 0  # values the aliases so far stand for

    def fetch_flow_collection_start(self, token_class: type[yaml.Token]) -> None:
        if self.flow_level >= _DEEPEST:
            raise _OverLimit(f"brackets are nested more than {_DEEPEST} levels deep", self.get_mark(), _NEST_LESS)
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            return self._alias()
        if self._depth >= _DEEPEST and self.check_event(yaml.CollectionStartEvent):
            return self._too_deep()
        anchor = getattr(self._peek(), "anchor", None)
        if anchor is not None:
            self._open.add(anchor)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.discard(anchor)
        self._sizes[id(node)] = 1 + sum(self._sizes.get(id(part), 1) for part in _parts(node))
        return node

    def _alias(self) -> yaml.Node | None:
        event = self._peek()
        anchor = getattr(event, "anchor", None)
        if anchor in self._open:
            raise _OverLimit(f"the alias *{anchor} is used inside the value it names, which would make it endless",
                             event.start_mark, "refer to a value only after it ends")
        node = super().compose_node(None, 0)  # the value named, or an error for an anchor never defined
        self._aliased += self._sizes.get(id(node), 1)
        if self._aliased > MAX_ALIAS_VALUES:
            raise _OverLimit(f"the aliases (*name) stand for more than {MAX_ALIAS_VALUES:,} values in all",
                             event.start_mark, "write the values out, or share only small parts, e.g. <<: *base")
        return node

    def _too_deep(self) -> yaml.Node:
        """A placeholder for a list or mapping nested too deeply; its events are passed over, nothing is built."""
        start = self._take()
        end, level = start, 1
        while level:
            end = self._take()
            level += isinstance(end, yaml.CollectionStartEvent) - isinstance(end, yaml.CollectionEndEvent)
        marks = cast("tuple[yaml.Mark | None, yaml.Mark | None]", (start.start_mark, end.end_mark))
        return yaml.ScalarNode(_TOO_DEEP, "", *marks)

    def _peek(self) -> yaml.Event:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        return event

    def _take(self) -> yaml.Event:
        event: yaml.Event = self.get_event()  # type: ignore[no-untyped-call]
        return event


def _parts(node: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


_KEPT_TAGS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
_ExactLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag in _KEPT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _scalar_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _refused_as_too_deep(loader: yaml.SafeLoader, node: yaml.Node) -> Refused:
    return too_deep("a value nested too deeply")


def _construct_record(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[Record]:
    own_keys = [
        key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge"
    ]
    record = Record(line=node.start_mark.line + 1, duplicates=duplicates(own_keys))
    yield record  # yielded before filling, as PyYAML does, so aliases can refer back
    record.update(loader.construct_mapping(node))


# Explicit tags like `!!float 1.5` must not bring floats (or surprises) back.
for _tag in ("float", "int", "bool", "timestamp"):
    _ExactLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _scalar_text)
_ExactLoader.add_constructor("tag:yaml.org,2002:map", _construct_record)
_ExactLoader.add_constructor(_TOO_DEEP, _refused_as_too_deep)


def _parse_yaml(text: str, label: str) -> list[RawCandidate]:
    try:
        document = yaml.load(text, Loader=_ExactLoader)
    except _OverLimit as error:
        file_error(label, f"{_where(error.problem_mark)}{error.problem}", error.hint)
    except yaml.MarkedYAMLError as error:
        file_error(label, _yaml_message(error), _yaml_hint(error))
    except (yaml.YAMLError, ValueError) as error:
        file_error(label, f"not valid YAML: {error}")
    except RecursionError:
        file_error(label, "the YAML is nested too deeply", _NEST_LESS)
    return _from_document(document, label)


_NEST_LESS = f"values nest at most {MAX_DEPTH} levels; in JSON Lines, a record nested too deeply is refused alone"


def _where(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    context = f" ({error.context})" if error.context else ""
    return f"not valid YAML: {_where(error.problem_mark)}{error.problem}{context}"


def _yaml_hint(error: yaml.MarkedYAMLError) -> str | None:
    return "YAML indents with spaces, not tabs" if "'\\t'" in str(error.problem) else None


# ---- JSON


def _json_record(pairs: list[tuple[str, object]]) -> Record:
    record = Record(duplicates=duplicates(key for key, _ in pairs))
    record.update(pairs)
    return record


def _measured(convert: Callable[[str], object]) -> Callable[[str], object]:
    """A JSON number hook that measures the number's text before converting it: past the limits, it stands refused."""
    def parse(text: str) -> object:
        issue = number_text_issue(text)
        return Refused(issue, clip(text)) if issue else convert(text)
    return parse


_json_decimal = _measured(Decimal)
_json_int = _measured(int)


def _load_json(text: str) -> object:
    """JSON with no float in it: decimals as exact `Decimal`s, NaN/Infinity kept as markers, each object a `Record`."""
    return json.loads(text, parse_float=_json_decimal, parse_int=_json_int, parse_constant=NonFinite,
                      object_pairs_hook=_json_record)


def _parse_json(text: str, label: str) -> list[RawCandidate]:
    try:
        document = _load_json(text)
    except json.JSONDecodeError as error:
        file_error(label, f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}")
    except ValueError as error:
        file_error(label, f"not valid JSON: {error}")
    except RecursionError:
        file_error(label, "the JSON is nested too deeply", _NEST_LESS)
    return _from_document(document, label)


def read_json_lines(path: Path, label: str) -> Iterator[RawCandidate]:
    """One candidate per line (JSON Lines): a bad line is a problem of that record only, never of the file.

    Each line is held to `MAX_ROW_CHARS`: a longer one is read through, not kept, and rejected alone.
    """
    with text_stream(path, label) as stream:
        yield from json_lines_after(stream, 0, label)


def json_lines_after(stream: TextIO, lines_before: int, label: str) -> Iterator[RawCandidate]:
    """The records of a JSON Lines text stream that starts where a line starts, `lines_before` lines into its file
    (a part of a file a worker reads: `data.parts`)."""
    for number, line in enumerate(lines_within(stream, MAX_ROW_CHARS), lines_before + 1):
        if isinstance(line, LongLine):
            yield unread_line(f"{label}, line {number}", "line", line.length)
        elif line.strip():
            yield _json_line(line, f"{label}, line {number}")


def _json_line(line: str, origin: str) -> RawCandidate:
    try:
        record = _load_json(line)
    except (ValueError, RecursionError) as error:
        return unread(origin, f"{NOT_A_RECORD}: the line is not valid JSON ({str(error).split(':')[0]})",
                      "each line holds one candidate as a JSON object")
    return raw_candidate(record, origin)


# ---- YAML and JSON documents


_TOP_LEVEL = ("candidates", "rubric")


def _whole(parse: Callable[[str, str], list[RawCandidate]]) -> Callable[[Path, str], Iterator[RawCandidate]]:
    """A reader for a format that is parsed as one document."""
    def read(path: Path, label: str) -> Iterator[RawCandidate]:
        yield from parse(read_text(path, label), label)
    return read


read_yaml = _whole(_parse_yaml)
read_json = _whole(_parse_json)


def _from_document(document: object, label: str) -> list[RawCandidate]:
    records = _records(document, label)
    return [raw_candidate(record, _origin(label, number, record)) for number, record in enumerate(records, 1)]


def _records(document: object, label: str) -> list[object]:
    """The candidate list: the whole document, or its `candidates` key."""
    if isinstance(document, list):
        return document
    if document is None:
        file_error(label, "the file is empty", "expected a list of candidates")
    if not isinstance(document, Mapping):
        file_error(label, f"expected a list of candidates, got {show(document)}")
    problems = [_top_level_problem(key, label) for key in document if key not in _TOP_LEVEL]
    repeated = document.duplicates if isinstance(document, Record) else ()
    problems += [InputProblem(label, safe_text(key), f"{show(key)} is given twice at the top of the file; the first "
                              "one would be lost", "keep one, and put every candidate under it") for key in repeated]
    candidates = document.get("candidates")
    if isinstance(candidates, list) and not problems:
        return candidates
    if "candidates" not in document:
        hint = "put candidates in a list, each starting with '- '" if "id" in document else None
        problems.append(InputProblem(label, "candidates", "no 'candidates' list", hint))
    elif not isinstance(candidates, list):
        problems.append(InputProblem(label, "candidates", f"expected a list of candidates, got {show(candidates)}"))
    raise InputError(problems)


def _top_level_problem(key: object, label: str) -> InputProblem:
    hint = did_you_mean(str(key), _TOP_LEVEL) or "a candidate file has only 'candidates' and optionally 'rubric'"
    return InputProblem(label, safe_text(str(key)), f"unknown top-level key {show(str(key))}", hint)


def _origin(label: str, number: int, record: object) -> str:
    line = record.line if isinstance(record, Record) else None
    return f"{label}, candidate {number}" + (f" (line {line})" if line else "")
