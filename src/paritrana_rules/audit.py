"""Audit records: a scored (or rejected) candidate -> canonical JSON, and hash-chained ledgers.

A record is self-contained: engine version, grammar hash, the rubric's identity
and content hash, the decimal policy, the validated inputs, every trace step and
the result. Its `sha256` covers everything except `sha256` itself and `context`
(where the rubric was loaded from: useful, but not a function of rubric and
inputs). Records are canonical JSON (sorted keys, no spaces, UTF-8, decimals as
strings), so the same rubric and inputs give the same bytes on every machine.

The rubric's content hash is taken over its canonical form, the AST without
positions or comments, so reformatting a rubric does not change its identity,
while any change of meaning does. Each declaration is hashed too, so that a
replay can say which criteria changed.

A ledger (`.jsonl`) holds one record per line, each carrying the hash of the one
before (`prev`), and ends with a seal: the record count and the head hash.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from . import ast
from .data import Panel
from .extends import declaration_kind
from .numeric import CONTEXT, plain
from .syntax import grammar_text

if TYPE_CHECKING:
    from .api import CompiledRubric
    from .data import Rejected
    from .result import Result, TraceStep

FORMAT = "paritrana-audit/1"
ENGINE = "paritrana-rules"


# ------------------------------------------------------------------ canonical JSON


def canonical(document: Any) -> bytes:
    """The one byte form of a JSON document: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256(document: Any) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def encode(value: Any) -> Any:
    """A value as JSON: decimals as plain strings, sets as sorted lists, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (frozenset, set)):
        return sorted(encode(v) for v in value)
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, Panel):  # as a data file writes it, so that replay validates it again
        return {s.juror: plain(s.score) if s.conflict is None else {"score": plain(s.score), "conflict": s.conflict}
                for s in value.scores}
    raise TypeError(f"cannot encode {type(value).__name__} in an audit record")


# ------------------------------------------------------------------ rubric identity


def canonical_form(node: Any) -> Any:
    """An AST node as plain data: its meaning, without spans, paths or comments."""
    if attrs.has(type(node)):
        fields = {f.name: canonical_form(getattr(node, f.name)) for f in attrs.fields(type(node)) if f.eq}
        return {"node": type(node).__name__, **fields}
    if isinstance(node, (tuple, list)):
        return [canonical_form(n) for n in node]
    return encode(node)


def declaration_hashes(rubric: ast.Rubric) -> dict[str, str]:
    """A hash per declaration, plus one for the header: what a replay compares to name changes."""
    hashes = {"header": sha256(canonical_form(attrs.evolve(rubric, declarations=())))}
    for decl in rubric.declarations:
        hashes[f"{declaration_kind(decl)}:{decl.name}"] = sha256(canonical_form(decl))
    return hashes


def rubric_hash(rubric: ast.Rubric) -> str:
    return sha256(canonical_form(rubric))


@functools.cache
def grammar_hash() -> str:
    return hashlib.sha256(grammar_text().encode()).hexdigest()


def rubric_section(compiled: CompiledRubric) -> dict[str, Any]:
    model = compiled.model
    return {
        **compiled.identity,
        "sha256": rubric_hash(model.rubric),
        "declarations": declaration_hashes(model.rubric),
    }


def _rubric_copy(compiled: CompiledRubric) -> dict[str, Any]:
    """A fresh copy of the cached identity, so that editing one record never touches another."""
    identity = compiled.audit_identity
    return {**identity, "declarations": dict(identity["declarations"])}


def _engine() -> dict[str, str]:
    from . import __version__

    return {"name": ENGINE, "version": __version__, "grammar_sha256": grammar_hash()}


def _numeric(compiled: CompiledRubric) -> dict[str, Any]:
    model = compiled.model
    return {
        "rounding": model.rounding_mode, "places": model.rounding_places, "scale": encode(model.scale),
        "precision": CONTEXT.prec, "internal_rounding": "half_even",
    }


# ------------------------------------------------------------------ records


def step_record(step: TraceStep) -> dict[str, Any]:
    return {
        "id": step.id, "kind": step.kind, "name": step.name,
        "location": {"file": step.span.path, "line": step.span.line, "column": step.span.column},
        "reads": [[name, encode(value)] for name, value in step.reads],
        "value": encode(step.value),
        "detail": {key: encode(value) for key, value in step.detail},
    }


def result_section(result: Result) -> dict[str, Any]:
    return {
        "total": plain(result.total), "status": result.status,
        "reasons": {"en": result.reasons("en"), "id": result.reasons("id")},
        "criteria": [{"name": c.name, "points": plain(c.points), "contribution": plain(c.contribution)}
                     for c in result.criteria],
    }


def record(result: Result, prev: str | None = None) -> dict[str, Any]:
    """The audit record of a traced result, hashed; `prev` chains it in a ledger."""
    if result.trace is None:
        raise ValueError("this result was scored without a trace; evaluate with trace=True to audit it")
    compiled = result.rubric
    inputs = encode(result.inputs)
    defaulted = sorted(s.name for s in result.trace if s.kind == "input" and s.get("defaulted"))
    body = {
        "format": FORMAT, "kind": "scored", "prev": prev, "engine": _engine(), "rubric": _rubric_copy(compiled),
        "numeric": _numeric(compiled),
        "candidate": {"id": result.candidate_id, "name": result.candidate_name},
        "inputs": inputs, "inputs_sha256": sha256(inputs), "defaulted": defaulted,
        "trace": [step_record(s) for s in result.trace],
        "result": result_section(result),
    }
    return _sealed(body, compiled.path)


def rejected_record(compiled: CompiledRubric, rejected: Rejected, prev: str | None = None) -> dict[str, Any]:
    """A candidate whose data did not validate: recorded with every problem, never dropped."""
    body = {
        "format": FORMAT, "kind": "rejected", "prev": prev, "engine": _engine(), "rubric": _rubric_copy(compiled),
        "candidate": {"id": rejected.id, "name": rejected.name, "origin": rejected.origin},
        "problems": [p.to_dict() for p in rejected.problems],
    }
    return _sealed(body, compiled.path)


def seal_record(count: int, head: str | None) -> dict[str, Any]:
    body = {"format": FORMAT, "kind": "seal", "prev": head, "count": count, "head": head}
    return {**body, "sha256": sha256(body)}


def _sealed(body: dict[str, Any], rubric_path: str) -> dict[str, Any]:
    return {**body, "sha256": sha256(body), "context": {"rubric_path": rubric_path}}


def content_hash(document: Mapping[str, Any]) -> str:
    """What a record's `sha256` should be: everything but `sha256` and `context`."""
    return sha256({k: v for k, v in document.items() if k not in ("sha256", "context")})


# ------------------------------------------------------------------ ledgers


def ledger_lines(compiled: CompiledRubric, outcomes: Iterable[Result | Rejected]) -> list[bytes]:
    """One canonical line per candidate, chained, then the seal."""
    from .result import Result

    lines, head, count = [], None, 0
    documents = []
    for outcome in outcomes:
        document = record(outcome, head) if isinstance(outcome, Result) else rejected_record(compiled, outcome, head)
        documents.append(document)
        head = document["sha256"]
        count += 1
        lines.append(canonical(document))
    if compiled.model.ranking is not None:
        ranked = ranking_record(compiled, documents, head)
        head = ranked["sha256"]
        count += 1
        lines.append(canonical(ranked))
    lines.append(canonical(seal_record(count, head)))
    return lines


def ranking_record(compiled: CompiledRubric, documents: list[dict[str, Any]], prev: str | None) -> dict[str, Any]:
    """The placings of the scored candidates, as a step of the ledger that replay recomputes."""
    from .ranking import place

    ranking = compiled.model.ranking
    assert ranking is not None
    placings = place(ranking, ranking_entries(ranking, documents))
    body = {"format": FORMAT, "kind": "ranking", "prev": prev, "rubric": _rubric_copy(compiled),
            "rule": {"keys": list(ranking.keys), "within": ranking.within,
                     "nominate": int(ranking.nominate) if ranking.nominate is not None else None},
            "placings": [p.to_dict() for p in placings]}
    return _sealed(body, compiled.path)


def ranking_entries(ranking: Any, documents: Iterable[Mapping[str, Any]]) -> list[Any]:
    """What ranking needs, read back from scored records (so replay can recompute it from the ledger)."""
    from .ranking import entry

    def part(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = document.get(key)
        return value if isinstance(value, Mapping) else {}

    entries = []
    for document in documents:
        if document.get("kind") != "scored":
            continue
        result = part(document, "result")
        criteria = result.get("criteria")
        points = {str(c.get("name")): Decimal(str(c.get("points")))
                  for c in (criteria if isinstance(criteria, list) else []) if isinstance(c, Mapping)}
        entries.append(entry(ranking, str(part(document, "candidate").get("id")), str(result.get("status")),
                             Decimal(str(result.get("total"))), points, part(document, "inputs")))
    return entries


def write_atomically(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it into place.

    A crash before the rename leaves the old file (or none), never a half-written one
    that looks complete; a ledger without its seal is reported as truncated anyway.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_ledger(path: str | Path, compiled: CompiledRubric, outcomes: Iterable[Result | Rejected]) -> int:
    """Write a sealed ledger; returns the number of candidate records."""
    lines = ledger_lines(compiled, outcomes)
    write_atomically(path, (line + b"\n" for line in lines))
    return len(lines) - 1
