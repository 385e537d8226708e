"""A JSON Schema (draft 2020-12) of a rubric's candidate data, made from its inputs.

Portals and dashboards that send candidates to the engine validate them before
sending with this schema. It states the canonical form a JSON data file may
use: numbers as JSON numbers or plain decimal text, members by their names,
sets as lists, yes/no as booleans. The engine itself accepts a little more
(spellings of members such as "Jawa Timur", "ya"/"tidak", a set written "a;b"),
so data the schema accepts is read the same way by the engine, and the engine
still names every problem of data that the schema would have refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from paritrana_rules.data.limits import MAX_ID_CHARS, MAX_ITEMS, MAX_NAME_CHARS, MAX_TEXT_CHARS
from paritrana_rules.data.specs import InputSpec
from paritrana_rules.numeric import plain

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_WHOLE_NUMBER = r"^[0-9]+$"


def candidate_schema(specs: Sequence[InputSpec], titles: Mapping[str, str], *, title: str) -> dict[str, Any]:
    """The schema of a data document: a list of candidates, or an object with a `candidates` list.

    `titles` gives each input's label (in the language the schema is for) as its title.
    """
    candidate = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_CHARS},
            "name": {"type": ["string", "null"], "maxLength": MAX_NAME_CHARS},
            **{spec.name: _field(spec, titles.get(spec.name)) for spec in specs},
            "expect": {"type": "object", "description": "what `paritrana-rules test` expects of this candidate"},
        },
        "required": ["id", *(spec.name for spec in specs if not spec.has_default)],
        "additionalProperties": False,
    }
    listed = {"type": "array", "items": {"$ref": "#/$defs/candidate"}}
    return {
        "$schema": DIALECT,
        "title": title,
        "anyOf": [listed, {"type": "object", "required": ["candidates"],
                           "properties": {"candidates": listed, "rubric": {"type": "string"}}}],
        "$defs": {"candidate": candidate},
    }


def _field(spec: InputSpec, title: str | None) -> dict[str, Any]:
    field = {**({"title": title} if title else {}), **_kind(spec)}
    if spec.unit:
        field["description"] = f"unit: {spec.unit}"
    if spec.has_default:
        field["default"] = _json(spec.default)
    return field


def _kind(spec: InputSpec) -> dict[str, Any]:
    """What each kind of input takes, by `data.values`' converters."""
    if spec.kind in ("number", "count"):
        return _number(spec)
    if spec.kind == "bool":
        return {"type": "boolean"}
    if spec.kind == "one_of":
        return {"type": "string", "enum": list(spec.members)}
    if spec.kind == "set_of":
        return {"type": "array", "items": {"enum": list(spec.members)}, "uniqueItems": True,
                "maxItems": min(MAX_ITEMS, len(spec.members))}
    if spec.kind == "panel":  # juror -> score, or juror -> {score, conflict}; the bounds are each score's
        score = _number(spec)
        return {"type": "object", "additionalProperties": {"anyOf": [score, {
            "type": "object", "properties": {"score": score, "conflict": {"type": "string"}},
            "required": ["score"], "additionalProperties": False}]}}
    return {"type": "string", "maxLength": MAX_TEXT_CHARS}


def _number(spec: InputSpec) -> dict[str, Any]:
    """A JSON number within the input's bounds (a whole one for a count), or its plain decimal text."""
    whole = spec.kind == "count"
    bounds: dict[str, Any] = {}
    lower = spec.lower if spec.lower is not None else (Decimal(0) if whole else None)
    if lower is not None:
        bounds["minimum"] = _json(lower)
    if spec.upper is not None:
        bounds["maximum"] = _json(spec.upper)
    number = {"type": "integer" if whole else "number", **bounds}
    return {"anyOf": [number, {"type": "string", "pattern": _WHOLE_NUMBER if whole else _PLAIN_NUMBER}]}


def _json(value: object) -> Any:
    """A default or bound as JSON: whole numbers as integers, other decimals as the nearest binary number (what
    a JSON number is to most readers)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(plain(value))
    if isinstance(value, frozenset):
        return sorted(value)
    return value  # a panel has no default: the checker refuses one
