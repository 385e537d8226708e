"""YAML, JSON and JSON Lines files -> `RawCandidate`s, in file order.

No float is ever built: YAML scalars stay text until validation parses them,
JSON decimals become `Decimal`s. A YAML or JSON document is read whole (a list
of candidates, or a mapping with a `candidates` list); JSON Lines is read as a
stream, and a bad line is a problem of that record only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path

import yaml

from paritrana_rules.data.files import file_error, read_text, text_stream
from paritrana_rules.data.records import Record, decoded_record, duplicates
from paritrana_rules.data.specs import NonFinite, clip, show
from paritrana_rules.data.values import NOT_A_RECORD, RawCandidate
from paritrana_rules.errors import InputError, InputProblem, did_you_mean

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


def _parse_yaml(text: str, label: str) -> list[RawCandidate]:
    try:
        document = yaml.load(text, Loader=_ExactLoader)
    except yaml.MarkedYAMLError as error:
        file_error(label, _yaml_message(error), _yaml_hint(error))
    except (yaml.YAMLError, ValueError) as error:
        file_error(label, f"not valid YAML: {error}")
    except RecursionError:
        file_error(label, "the YAML is nested too deeply")
    return _from_document(document, label)


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    context = f" ({error.context})" if error.context else ""
    return f"not valid YAML: {where}{error.problem}{context}"


def _yaml_hint(error: yaml.MarkedYAMLError) -> str | None:
    return "YAML indents with spaces, not tabs" if "'\\t'" in str(error.problem) else None


# ---- JSON


def _json_record(pairs: list[tuple[str, object]]) -> Record:
    record = Record(duplicates=duplicates(key for key, _ in pairs))
    record.update(pairs)
    return record


def _json_number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:  # an exponent beyond what Decimal can hold at all
        raise ValueError(f"the number {clip(text)} is out of range") from None


def _load_json(text: str) -> object:
    """JSON with no float in it: decimals as exact `Decimal`s, NaN/Infinity kept as markers, each object a `Record`."""
    return json.loads(text, parse_float=_json_number, parse_constant=NonFinite, object_pairs_hook=_json_record)


def _parse_json(text: str, label: str) -> list[RawCandidate]:
    try:
        document = _load_json(text)
    except json.JSONDecodeError as error:
        file_error(label, f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}")
    except ValueError as error:  # e.g. an integer too long to convert
        file_error(label, f"not valid JSON: {error}")
    except RecursionError:
        file_error(label, "the JSON is nested too deeply")
    return _from_document(document, label)


def read_json_lines(path: Path, label: str) -> Iterator[RawCandidate]:
    """One candidate per line (JSON Lines): a bad line is a problem of that record only, never of the file."""
    with text_stream(path, label) as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield _json_line(line, f"{label}, line {number}")


def _json_line(line: str, origin: str) -> RawCandidate:
    try:
        record = _load_json(line)
    except (ValueError, RecursionError) as error:
        problem = InputProblem(origin, None, f"{NOT_A_RECORD}: the line is not valid JSON "
                               f"({str(error).split(':')[0]})", "each line holds one candidate as a JSON object")
        return RawCandidate(None, None, {}, origin, (problem,))
    return decoded_record(record, origin)


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
    return [decoded_record(record, _origin(label, number, record)) for number, record in enumerate(records, 1)]


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
    problems += [InputProblem(label, str(key), f"'{key}' is given twice at the top of the file; the first one would "
                              "be lost", "keep one, and put every candidate under it") for key in repeated]
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
    return InputProblem(label, str(key), f"unknown top-level key '{key}'", hint)


def _origin(label: str, number: int, record: object) -> str:
    line = record.line if isinstance(record, Record) else None
    return f"{label}, candidate {number}" + (f" (line {line})" if line else "")
