"""Ledgers: audit records chained by their hashes and sealed, written as a batch is scored and read back.

A ledger (`.jsonl`) holds one record per line: first the rubric record, then
one record per candidate in input order (scored or rejected), the ranking
record when the rubric ranks, and at the end the seal: the record count and
the head hash, signed when the committee's key is given (see `signing.py`).
Each record carries the hash of the one before (`prev`), so that removing,
reordering or editing any record breaks the chain. `score --audit` writes
ledgers with `Ledger`; `replay` and the national round's nominations read them
with `LedgerFile` and check their chain with `check_links`.

A line is read only if it is the canonical JSON of the record it holds, byte
for byte: hashes are taken over the parsed record, so bytes that parse alike
(spaces, key order, escapes, a byte order mark, a carriage return) or that
readers parse differently (a key written twice) would be edits no hash shows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal

import attrs

from paritrana_rules.audit.records import (
    FORMAT,
    Decisions,
    Nomination,
    RecordPieces,
    RecordWriter,
    content_hash,
    hashed,
    rubric_reference,
    seal_body,
)
from paritrana_rules.audit.signing import SigningKey
from paritrana_rules.canonical import canonical
from paritrana_rules.compile.program import Program
from paritrana_rules.data import Rejected
from paritrana_rules.rank.ranking import Funnel

Severity = Literal["error", "note"]


class Ledger:
    """A ledger being written: the rubric record, one record per candidate in order, and at the end the seal.

    Records are appended as they come, so a batch of any size is written with
    flat memory; written to an atomic file, it appears only when `close` seals it,
    with `signing_key`'s signature when given.
    """

    def __init__(self, stream: BinaryIO, program: Program, nominations: Sequence[Nomination] = (), *,
                 signing_key: SigningKey | None = None) -> None:
        self.stream, self.program, self.signing_key = stream, program, signing_key
        self.writer = RecordWriter(program)
        self.head: str | None = None
        self.count = 0
        self._append(self.writer.rubric_record(self.head, nominations))

    def scored(self, pieces: RecordPieces) -> None:
        """A scored record, from its pieces (see `RecordWriter.pieces`), linked to the one before."""
        line, self.head = self.writer.chain(pieces, self.head)
        self.stream.write(line + b"\n")
        self.count += 1

    def rejected(self, rejected: Rejected) -> None:
        self._append(self.writer.rejected_record(rejected, self.head))

    def close(self, funnel: Funnel | None = None) -> None:
        """Record each scored candidate's placing and the funnel's decisions (when the rubric ranks), then
        seal, and sign the seal when a key was given."""
        if funnel is not None:
            decisions = Decisions()
            for placing in funnel.placings():
                decisions.add(placing)
                self._append(self.writer.placing_record(placing, self.head))
            self._append(self.writer.ranking_record(decisions, self.head))
        seal = seal_body(self.count, self.head)
        if self.signing_key is not None:
            seal["signature"] = self.signing_key.seal_signature(seal, rubric_reference(self.writer.identity))
        self.stream.write(canonical(hashed(seal)) + b"\n")

    def _append(self, document: dict[str, Any]) -> None:
        """Write a record built with `prev` = the head so far."""
        self.stream.write(canonical(document) + b"\n")
        self.head = document["sha256"]
        self.count += 1


@attrs.frozen
class Finding:
    """One thing a replay found. `line` is the record's line in the ledger (1 for a single record)."""

    kind: str
    message: str
    line: int | None = None
    candidate: str | None = None
    severity: Severity = "error"

    def render(self) -> str:
        where = f"line {self.line}" if self.line is not None else "ledger"
        who = f" ({self.candidate})" if self.candidate else ""
        return f"{where}{who}: {self.kind}: {self.message}"


# ------------------------------------------------------------------ reading


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an audit record")


def hash_or_none(hash_of: Callable[[Any], str], part: Any) -> str | None:
    """The hash of a record or a part of it, or None if it holds something JSON cannot (after tampering)."""
    try:
        return hash_of(part)
    except (TypeError, ValueError):
        return None


def text_or_none(value: Any) -> str | None:
    """A hash or a name as written, or None when it is not even text (after tampering)."""
    return value if isinstance(value, str) else None


def as_mapping(value: Any) -> Mapping[str, Any]:
    """A part of a record that should be an object; anything else (after tampering) reads as empty."""
    return value if isinstance(value, Mapping) else {}


def candidate_of(document: Mapping[str, Any]) -> str | None:
    candidate = document.get("candidate")
    return str(candidate.get("id")) if isinstance(candidate, Mapping) else None


def read_ledger(path: Path, findings: list[Finding]) -> list[tuple[int, dict[str, Any]]]:
    """Every record of a ledger file, with its line number; what is not a record becomes a finding."""
    return list(_ledger_documents(path, findings))


class LedgerFile:
    """A ledger file that is read again on each pass over it; problems with its lines are reported once."""

    def __init__(self, path: Path, findings: list[Finding]) -> None:
        self.path, self.findings, self.read = path, findings, False

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        findings: list[Finding] = self.findings if not self.read else []
        self.read = True
        return _ledger_documents(self.path, findings)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """Each line as read, numbered (for a pass that parses them elsewhere)."""
        try:
            with self.path.open("rb") as stream:
                yield from ((number, line.rstrip(b"\n")) for number, line in enumerate(stream, start=1))
        except OSError:
            return  # reported by the first pass


def _ledger_documents(path: Path, findings: list[Finding]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        stream = path.open("rb")
    except OSError as error:
        findings.append(Finding("unreadable", f"cannot read {path}: {error.strerror}"))
        return
    with stream:
        for number, line in enumerate(stream, start=1):
            complete = line.endswith(b"\n")
            text = line[:-1] if complete else line
            document = parse_line(text)
            if not complete:
                findings.append(Finding("truncated", "the last line is incomplete: the ledger was cut off", number))
                if document is None:
                    return
            if document is None:
                findings.append(Finding("malformed", "this line is not a JSON record", number))
            elif document.get("format") != FORMAT:
                findings.append(Finding("malformed", f"this line is not a {FORMAT} record", number))
            else:
                problem = not_canonical(text, document)
                if problem is not None:
                    findings.append(Finding("not-canonical", problem, number, candidate_of(document)))
                yield number, document


def parse_line(line: bytes) -> dict[str, Any] | None:
    """A line as a JSON object, or None when it is not JSON (bad JSON, NaN/Infinity, absurdly long numbers or
    nesting)."""
    try:
        document = json.loads(line, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else {"format": None}


def not_canonical(line: bytes, document: Mapping[str, Any]) -> str | None:
    """Why a ledger line is not the canonical JSON of the record it holds, byte for byte; None when it is."""
    try:
        expected = canonical(document)
    except (ValueError, RecursionError):  # a lone surrogate, a number too large for a float
        return "the line holds a value that canonical JSON cannot"
    if expected == line:
        return None
    repeated = _repeated_key(line)
    if repeated is not None:
        return (f"the key {repeated[:40]!r} is written twice in one object: readers disagree on which one counts "
                "(the first, or the last)")
    differs = next((at for at, (byte, wanted) in enumerate(zip(line, expected, strict=False)) if byte != wanted),
                   min(len(line), len(expected)))
    return (f"from byte {differs + 1} the line is not the record's canonical JSON (no spaces, sorted keys, UTF-8 "
            "without escapes, no byte order mark or carriage return): it was changed after it was written")


def _repeated_key(line: bytes) -> str | None:
    """A key written twice in one object of the line (which the parsed record no longer shows)."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        repeated.extend(key for key, count in Counter(key for key, _ in items).items() if count > 1)
        return dict(items)

    try:
        json.loads(line, object_pairs_hook=pairs, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None
    return repeated[0] if repeated else None


def check_record(line: int, document: Mapping[str, Any], findings: list[Finding]) -> None:
    """A record on its own: the right format and kind, and content matching its hash."""
    if document.get("format") != FORMAT or document.get("kind") not in ("scored", "rejected"):
        findings.append(Finding("malformed", f"this is not a {FORMAT} record of a candidate", line))
    elif hash_or_none(content_hash, document) != document.get("sha256"):
        findings.append(Finding("edited", "the record's content does not match its hash: it was changed after it "
                                "was written", line, candidate_of(document)))


@attrs.frozen
class Link:
    """What the chain check needs of one record: compact, so a long ledger's chain fits in memory."""

    line: int
    kind: str | None
    digest: str | None  # as written
    content: str | None  # as recomputed
    prev: Any
    candidate: str | None
    count: Any = None  # a seal's
    head: Any = None  # a seal's


def link_of(line: int, document: Mapping[str, Any]) -> Link:
    kind = document.get("kind")
    return Link(line, kind if isinstance(kind, str) else None, text_or_none(document.get("sha256")),
                 hash_or_none(content_hash, document), document.get("prev"), candidate_of(document),
                 document.get("count") if kind == "seal" else None, document.get("head") if kind == "seal" else None)


def check_links(links: list[Link], findings: list[Finding]) -> None:
    """Follow the hash chain and the seal."""
    seals = [(i, link) for i, link in enumerate(links) if link.kind == "seal"]
    records = [link for link in links if link.kind != "seal"]
    present = {link.digest: link.line for link in records}
    seen: dict[str | None, int] = {}
    previous: str | None = None
    for link in records:
        if link.content != link.digest:
            findings.append(Finding("edited", "the record's content does not match its hash: it was changed after "
                                    "it was written", link.line, link.candidate))
        if link.digest in seen:
            findings.append(Finding("duplicated", f"this record repeats the one on line {seen[link.digest]}",
                                    link.line, link.candidate))
            continue
        seen[link.digest] = link.line
        prev = text_or_none(link.prev)
        if prev != previous or link.prev != prev:
            findings.append(_chain_break(prev, previous, present, link.line, link.candidate))
        previous = link.digest
    if not seals:
        findings.append(Finding("truncated", "the ledger has no seal: it was cut off, or its end was removed",
                                links[-1].line if links else None))
        return
    position, seal = seals[-1]
    if position != len(links) - 1 or len(seals) > 1:
        findings.append(Finding("seal", "records follow the seal: they were added after the ledger was closed",
                                seal.line))
    if seal.content != seal.digest:
        findings.append(Finding("seal", "the seal's content does not match its hash: it was edited", seal.line))
    if seal.count != len(records):
        findings.append(Finding("seal", f"the seal counts {seal.count} records; the ledger holds {len(records)}",
                                seal.line))
    head = text_or_none(seal.head)
    if head != previous or seal.prev != previous or seal.head != head:
        kind = "deleted" if head not in present and head is not None else "seal"
        detail = ("the last record(s) before the seal were removed" if kind == "deleted"
                  else "the seal does not close on the last record")
        findings.append(Finding(kind, detail, seal.line))


def _chain_break(prev: Any, previous: str | None, present: Mapping[Any, int], line: int, who: str | None) -> Finding:
    if prev in present:
        return Finding("reordered", f"this record was written after the one on line {present[prev]}, not after the "
                       "one before it", line, who)
    if previous is None:
        return Finding("deleted", "records before this one are missing from the start of the ledger", line, who)
    return Finding("deleted", "the record written before this one is missing", line, who)


