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

Ledgers, which chain records and seal them, are `ledger.py`'s.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

import attrs

from paritrana_rules.canonical import canonical, sha256
from paritrana_rules.canonical import encode as encode_json
from paritrana_rules.check.model import RubricModel
from paritrana_rules.compile.program import GateStep, LeafStep, ParentStep, Program, StageStep, Step, step_id
from paritrana_rules.data import Panel, Rejected
from paritrana_rules.evaluate.result import Result
from paritrana_rules.explain.explanation import reasons
from paritrana_rules.language.identity import declaration_hashes, rubric_hash
from paritrana_rules.language.grammar import grammar_text
from paritrana_rules.numeric import CONTEXT, plain
from paritrana_rules.rank.ranking import Placing
from paritrana_rules.version import VERSION

FORMAT = "paritrana-audit/2"
ENGINE = "paritrana-rules"


# ------------------------------------------------------------------ canonical JSON


def encode(value: Any) -> Any:
    """A recorded value as JSON (see `canonical.encode`); a jury panel as a data file writes it, so that replay
    validates it again."""
    return encode_json(value, _panel)


def _panel(value: Any) -> Any:
    if not isinstance(value, Panel):
        raise TypeError(f"cannot encode {type(value).__name__} in an audit record")
    return {s.juror: plain(s.score) if s.conflict is None else {"score": plain(s.score), "conflict": s.conflict}
            for s in value.scores}


# ------------------------------------------------------------------ rubric identity


@functools.cache
def grammar_hash() -> str:
    return hashlib.sha256(grammar_text().encode()).hexdigest()


def rubric_identity(program: Program) -> dict[str, Any]:
    """A rubric as records know it: its identity, its content hash and a hash per declaration."""
    model = program.model
    return {
        **program.identity,
        "sha256": rubric_hash(model.rubric),
        "declarations": declaration_hashes(model.rubric),
    }


def rubric_reference(identity: Mapping[str, Any]) -> dict[str, Any]:
    """What each record says of its rubric: identity and content hash (the ledger's rubric record has the rest)."""
    return {k: v for k, v in identity.items() if k != "declarations"}


def _engine() -> dict[str, str]:
    return {"name": ENGINE, "version": VERSION, "grammar_sha256": grammar_hash()}


def _numeric(program: Program) -> dict[str, Any]:
    model = program.model
    return {
        "rounding": model.rounding_mode, "places": model.rounding_places, "scale": encode(model.scale),
        "precision": CONTEXT.prec, "internal_rounding": "half_even",
    }


@attrs.frozen
class Nomination:
    """What one provincial ledger nominates, and how to recognise that ledger again (see `nominations.py`)."""

    ledger: str  # the path it was read from (not hashed: where it sits may change)
    head: str  # the seal's head: the hash of the ledger's last record
    ranking: str  # the hash of its ranking record
    rubric: Mapping[str, Any]  # the provincial rubric's identity and content hash
    nominated: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"head": self.head, "ranking_sha256": self.ranking, "rubric": dict(self.rubric),
                "nominated": list(self.nominated)}


# ------------------------------------------------------------------ records


# A scored record but its link: candidate, defaulted, inputs, inputs_sha256, result and trace as canonical JSON.
RecordPieces = tuple[bytes, bytes, bytes, bytes, bytes, bytes]


class RecordWriter:
    """Writes the audit records of one compiled rubric's results as canonical bytes.

    The JSON of a scored record is filled into templates made once per rubric:
    what is the same for every candidate (engine, numeric policy, the rubric's
    identity, the keys of the trace) is encoded once, and per candidate only the
    values are. That keeps auditing a batch close to the cost of scoring it.
    Keys are sorted and values encoded as `canonical` does, so the bytes are
    canonical JSON (a test holds them to it). Building a writer costs a few
    milliseconds: make one per rubric and keep it.
    """

    def __init__(self, program: Program) -> None:
        self.program = program
        self.identity = rubric_identity(program)
        # Rounded values print the same with str() when they have 1 to 6 places: formatted directly, they cost least.
        rounded = "%s" if 1 <= program.model.rounding_places <= 6 else "_p(%s)"
        lets = [_value_field(let.type.kind, f"v[{n}]") for n, let in enumerate(program.model.lets)]
        others = [_entry_field(step, f"v[{n}]", rounded) for n, step in enumerate(program.steps) if n >= len(lets)]
        self.trace = _Template([step_id(step) for step in program.steps] + ["total"],
                               [*lets, *others, _total_field(f"v[{program.layout.total}]", rounded)])
        names = [i.spec.name for i in program.model.inputs]
        self.inputs = _Template(names, [_value_field(i.spec.kind, f"v[_names[{n}]]")
                                        for n, i in enumerate(program.model.inputs)], names)
        self.gate_names = [gate.name for gate in program.gates]
        self.reasons: dict[tuple[tuple[str, ...], str, tuple[bool, ...]], bytes] = {}
        self.stage = canonical(program.stage_name)
        self.awaiting = canonical(list(program.awaiting))
        fixed = {key: value.replace(b"%", b"%%") for key, value in (
            ("engine", canonical(_engine())), ("format", canonical(FORMAT)), ("kind", canonical("scored")),
            ("numeric", canonical(_numeric(program))), ("rubric", canonical(rubric_reference(self.identity))))}
        # The varying keys sort in this order, which is the order `chain` fills them in.
        varying = ("candidate", "defaulted", "inputs", "inputs_sha256", "prev", "result", "trace")
        self.body = _object({**fixed, **{key: b"%s" for key in varying}})
        context = canonical({"rubric_path": program.path}).replace(b"%", b"%%")
        self.sealed = _object({**fixed, **{key: b"%s" for key in (*varying, "sha256")}, "context": context})
        # A placing record: the same for every candidate but the placing and the link.
        placed = {"format": fixed["format"], "kind": canonical("placing"), "placing": b"%s", "prev": b"%s",
                  "rubric": fixed["rubric"]}
        self.placing_body = _object(placed)
        self.placing_sealed = _object({**placed, "sha256": b'"%s"', "context": context})

    def record(self, result: Result, prev: str | None = None) -> dict[str, Any]:
        """The audit record of a traced result, hashed, as a JSON-ready dict; `prev` chains it in a ledger."""
        if not result.traced:
            raise ValueError("this result was scored without a trace; evaluate with trace=True to audit it")
        line, _ = self.scored(result, prev)
        document: dict[str, Any] = json.loads(line)
        return document

    def scored(self, result: Result, prev: str | None = None) -> tuple[bytes, str]:
        """The record's canonical bytes (one line of a ledger) and its hash."""
        return self.chain(self.pieces(result), prev)

    def pieces(self, result: Result) -> RecordPieces:
        """Everything a record holds but its link to the record before (which a ledger adds in order)."""
        values, entries = result.inputs, result.entries
        inputs = self.inputs.write(values)
        held = entries[self.program.layout.gates]
        outcome = b'{"awaiting":%s,"reasons":%s,"stage":%s,"status":"%s","total":"%s"}' % (
            self.awaiting if result.status == "pending" else b"[]",
            self._reasons(result, tuple([name for name, holds in zip(self.gate_names, held, strict=True)
                                         if not holds])),
            self.stage, result.status.encode(), plain(result.total).encode())
        return (b'{"id":%s,"name":%s}' % (_string(result.candidate_id), _string(result.candidate_name)),
                b"[" + b",".join([b'"%s"' % name.encode() for name in sorted(result.defaulted)]) + b"]",
                inputs, b'"%s"' % hashlib.sha256(inputs).hexdigest().encode(), outcome, self.trace.write(entries))

    def chain(self, pieces: RecordPieces, prev: str | None) -> tuple[bytes, str]:
        """The record linked to the one before (`prev`, its hash), hashed: its canonical bytes and its hash."""
        candidate, defaulted, inputs, inputs_hash, outcome, trace = pieces
        link = _link(prev)
        digest = hashlib.sha256(self.body % (candidate, defaulted, inputs, inputs_hash, link, outcome, trace)
                                ).hexdigest()
        line = self.sealed % (candidate, defaulted, inputs, inputs_hash, link, outcome, b'"%s"' % digest.encode(),
                              trace)
        return line, digest

    def _reasons(self, result: Result, failed: tuple[str, ...]) -> bytes:
        """The reasons in both languages: a batch has few combinations of failed gates and stages not passed,
        so each is written once."""
        key = (failed, result.status,
               tuple([advanced for advanced, _ in result.entries[self.program.layout.stages]]))
        if key not in self.reasons:
            self.reasons[key] = canonical({lang: reasons(result, lang) for lang in ("en", "id")})
        return self.reasons[key]

    def rubric_record(self, prev: str | None = None, nominations: Sequence[Nomination] = ()) -> dict[str, Any]:
        """The first record of a ledger: every declaration's hash, where each step's rule is in the files, and,
        for a national round, the provincial ledgers whose nominees it scores."""
        body: dict[str, Any] = {"format": FORMAT, "kind": "rubric", "prev": prev, "engine": _engine(),
                                "rubric": {**self.identity, "declarations": dict(self.identity["declarations"])},
                                "locations": step_locations(self.program)}
        if nominations:
            body["nominations"] = [n.to_dict() for n in nominations]
        return _sealed(body, self.program.path)

    def rejected_record(self, rejected: Rejected, prev: str | None = None) -> dict[str, Any]:
        """A candidate whose data did not validate: recorded with every problem, never dropped."""
        body = {
            "format": FORMAT, "kind": "rejected", "prev": prev, "engine": _engine(),
            "rubric": rubric_reference(self.identity),
            "candidate": {"id": rejected.id, "name": rejected.name, "origin": rejected.origin},
            "problems": [p.to_dict() for p in rejected.problems],
        }
        return _sealed(body, self.program.path)

    def placing(self, placing: Placing, prev: str | None) -> tuple[bytes, str]:
        """One scored candidate's placing record (rank, nomination, placings won or the cut that ended its run):
        its canonical bytes and its hash. A ledger holds one per scored candidate, so it is filled into a
        template, as a scored record is."""
        parts = (_placing_json(placing), _link(prev))
        digest = hashlib.sha256(self.placing_body % parts).hexdigest()
        return self.placing_sealed % (*parts, digest.encode()), digest

    def ranking_record(self, decisions: Decisions, prev: str | None) -> dict[str, Any]:
        """The funnel's rule and what it decided, after the placings it sums up (replay recomputes both)."""
        body = {"format": FORMAT, "kind": "ranking", "prev": prev, "rubric": rubric_reference(self.identity),
                "rule": funnel_rule(self.program.model), **decisions.to_dict()}
        return _sealed(body, self.program.path)


# A field of a JSON object: its value as JSON text with %s where values go, and the Python
# expressions (over `v`, the list of values) that give them.
Field = tuple[str, tuple[str, ...]]


class _Template:
    """A JSON object with fixed keys, written by one generated expression: its keys are sorted once.

    The expression fills every value into one format string, which is what makes
    writing a record cheap. Its source holds only indices and helper names: the
    keys live in the format string and `names` (what `v[_names[i]]` reads from a
    mapping), both passed in by reference.

    Decimals are first formatted with str(), which gives `plain`'s digits unless it
    chose exponent form or wrote a negative zero; only then (or for any number
    written "-0…") is the object written again with `plain` for every decimal.
    """

    def __init__(self, keys: list[str], fields: list[Field], names: Sequence[str] = ()) -> None:
        order = sorted(range(len(keys)), key=keys.__getitem__)
        text = "{" + ",".join(json.dumps(keys[i], ensure_ascii=False).replace("%", "%%") + ":" + fields[i][0]
                              for i in order) + "}"
        values = ", ".join(e for i in order for e in fields[i][1])
        namespace = {"_text": text, "_names": tuple(names), "_p": plain, "_n": _number, "_m": _members,
                     "_j": _json}
        self.exact: Callable[[Any], str] = eval(f"lambda v: _text % ({values},)", namespace)
        unwrapped = _PLAIN_CALL.sub(r"\1", values)
        self.quick: Callable[[Any], str] = eval(f"lambda v: _text % ({unwrapped},)", namespace)

    def write(self, values: Any) -> bytes:
        text = self.quick(values)
        # One-character tests first (they are cheap), then the precise ones.
        if ("E" in text and _EXPONENT_FORM.search(text)) or ("-" in text and '"-0' in text):
            text = self.exact(values)
        return text.encode()


_PLAIN_CALL = re.compile(r"_p\(([^()]*)\)")
_EXPONENT_FORM = re.compile(r"\dE[+-]")  # what str() writes where `plain` would not (or text that looks so)


def _link(prev: str | None) -> bytes:
    """A record's link to the one before (its hash, or null) as canonical JSON."""
    return b"null" if prev is None else b'"%s"' % prev.encode()


def _string(text: str | None) -> bytes:
    """Text (or null) as canonical JSON."""
    return b"null" if text is None else encode_basestring(text).encode()


# A placing with no cut and no award (most of them), its keys in canonical order.
_PLAIN_PLACING = b'{"awards":[],"candidate":%s,"cut":null,"group":%s,"nominated":%s,"of":%s,"rank":%s,"tied":%s}'


def _placing_json(placing: Placing) -> bytes:
    """A placing as canonical JSON: one with no cut and no award filled into its template (a ledger holds a
    million), any other through the encoder."""
    if placing.cut is not None or placing.awards:
        return canonical(placing.to_dict())
    return _PLAIN_PLACING % (_string(placing.candidate), _string(placing.group), b"true" if placing.nominated
                             else b"false", _count(placing.of), _count(placing.rank), b"true" if placing.tied
                             else b"false")


def _count(number: int | None) -> bytes:
    """A whole number (or null) as canonical JSON."""
    return b"null" if number is None else b"%d" % number


def _object(parts: Mapping[str, bytes]) -> bytes:
    """Canonical JSON of an object whose values are already canonical JSON."""
    return b"{" + b",".join(b'"%s":%s' % (key.encode(), parts[key]) for key in sorted(parts)) + b"}"


def _json(value: Any) -> str:
    """Any recorded value as canonical JSON text."""
    return canonical(encode(value)).decode()


def _number(value: Decimal | None) -> str:
    return "null" if value is None else f'"{plain(value)}"'


def _members(value: frozenset[str]) -> str:
    return "[" + ",".join(f'"{member}"' for member in sorted(value)) + "]"  # members are identifiers


def _yes_no_of(value: str) -> str:
    """Source writing a yes/no value as JSON, inline (a call per value would cost more than the test)."""
    return f'("true" if {value} else "false")'


def _value_field(kind: str, value: str) -> Field:
    """A value by what it is: an input's kind or a let's type (text and panels take the general encoder)."""
    if kind in ("number", "count"):
        return '"%s"', (f"_p({value})",)
    if kind == "bool":
        return "%s", (_yes_no_of(value),)
    if kind in ("one_of", "enum"):
        return '"%s"', (value,)  # members are identifiers: nothing to escape
    if kind in ("set_of", "set"):
        return "%s", (f"_m({value})",)
    return "%s", (f"_j({value})",)


def _entry_field(step: Step, entry: str, rounded: str) -> Field:
    """A criterion, gate or adjustment entry (see `compile.py`) as the trace writes it."""
    points = (rounded % f"{entry}[0]", f"_p({entry}[1])")
    if isinstance(step, LeafStep) and step.form == "band":  # a band matches one row and has a subject
        return '{"points":"%s","raw":"%s","rows":[%d],"subject":"%s"}', (*points, f"{entry}[2][0][0]",
                                                                           f"_p({entry}[3])")
    if isinstance(step, LeafStep):  # most tables match one row: that case is written without a join
        matched = f"{entry}[2]"
        rows = f'(str({matched}[0][0]) if len({matched}) == 1 else ",".join([str(row) for row, _ in {matched}]))'
        return '{"points":"%s","raw":"%s","rows":[%s],"subject":null}', (*points, rows)
    if isinstance(step, ParentStep):
        return '{"points":"%s","raw":"%s"}', points
    if isinstance(step, GateStep):
        return "%s", (_yes_no_of(entry),)
    if isinstance(step, StageStep):
        return '{"advanced":%s,"total":%s}', (_yes_no_of(f"{entry}[0]"), f"_n({entry}[1])")
    return '{"applied":%s,"points":"%s"}', (_yes_no_of(f"{entry}[0]"), f"_p({entry}[1])")


def _total_field(entry: str, rounded: str) -> Field:
    names = ("total", "weighted", "bonuses", "penalties", "subtotal", "cap", "capped", "limited")
    order = sorted(range(len(names)), key=names.__getitem__)
    text = "{" + ",".join(f'"{names[i]}":' + ("%s" if names[i] == "cap" else '"%s"') for i in order) + "}"
    values = {0: rounded % f"{entry}[0]", 5: f"_n({entry}[5])"}
    return text, tuple(values.get(i, f"_p({entry}[{i}])") for i in order)


def step_locations(program: Program) -> list[list[Any]]:
    """Every step in the order of the derivation, with where its rule is: [id, file, line, column]."""
    located = [(f"input:{i.spec.name}", i.decl.span) for i in program.model.inputs]
    located += [(step_id(step), step.span) for step in program.steps]
    located.append(("total", program.model.rubric.span))
    return [[identifier, span.path, span.line, span.column] for identifier, span in located]


def record(result: Result, prev: str | None = None) -> dict[str, Any]:
    """The audit record of a traced result (a writer made for it alone: keep a `RecordWriter` for many)."""
    return RecordWriter(result.program).record(result, prev)


def seal_body(count: int, head: str | None) -> dict[str, Any]:
    """The seal before it is hashed (and, when the ledger is signed, before its signature is added)."""
    return {"format": FORMAT, "kind": "seal", "prev": head, "count": count, "head": head}


def hashed(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "sha256": sha256(body)}


def _sealed(body: dict[str, Any], rubric_path: str) -> dict[str, Any]:
    return {**hashed(body), "context": {"rubric_path": rubric_path}}


def content_hash(document: Mapping[str, Any]) -> str:
    """What a record's `sha256` should be: everything but `sha256` and `context`."""
    return sha256({k: v for k, v in document.items() if k not in ("sha256", "context")})


@attrs.define
class Decisions:
    """What a ranking record sums up of the placings before it: their number, who was nominated, who won
    which placing. Small: nominees and placings are few, whatever the number of candidates."""

    placings: int = 0
    nominated: list[str] = attrs.field(factory=list)
    awarded: list[dict[str, Any]] = attrs.field(factory=list)

    def add(self, placing: Placing) -> None:
        self.placings += 1
        if placing.nominated:
            self.nominated.append(placing.candidate)
        self.awarded += [{"award": a.award, "candidate": placing.candidate, "group": a.group} for a in placing.awards]

    def to_dict(self) -> dict[str, Any]:
        return {"placings": self.placings, "nominated": self.nominated, "awarded": self.awarded}


def funnel_rule(model: RubricModel) -> dict[str, Any]:
    """The funnel's rules as a ranking record states them."""
    ranking = model.ranking
    return {
        "keys": list(ranking.keys) if ranking else [], "within": ranking.within if ranking else None,
        "nominate": int(ranking.nominate) if ranking and ranking.nominate is not None else None,
        "cuts": [{"stage": c.stage, "top": c.top, "within": c.within, "ties": c.ties} for c in model.cuts],
        "awards": [{"award": a.decl.name, "ranks": [a.first, a.last], "within": a.decl.within, "ties": a.decl.ties,
                    "when": a.condition is not None} for a in model.awards],
    }
