"""Ledgers: audit records chained by their hashes and sealed, written as a batch is scored and read back.

A ledger (`.jsonl`) holds one record per line: first the rubric record, then
one record per candidate in input order (scored or rejected), the ranking
record when the rubric ranks, and at the end the seal: the record count and
the head hash, signed when the committee's key is given (see `signing.py`).
Each record carries the hash of the one before (`prev`), so that removing,
reordering or editing any record breaks the chain. `score --audit` writes
ledgers with `Ledger`; `replay` and the national round's nominations read them
with `Records` and check their chain with `Chain` (`check_links`), on disk
past a chunk of records, so that a ledger's length does not bound its check.

A line is read only if it is the canonical JSON of the record it holds, byte
for byte: hashes are taken over the parsed record, so bytes that parse alike
(spaces, key order, escapes, a byte order mark, a carriage return) or that
readers parse differently (a key written twice) would be edits no hash shows.
"""

from __future__ import annotations

import collections
import functools
import io
import itertools
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal, NamedTuple

import attrs

from paritrana_rules.audit.records import (FORMAT, Decisions, Nomination, RecordPieces, RecordWriter, content_hash,
                                           hashed, rubric_reference, seal_body)
from paritrana_rules.audit.signing import SigningKey
from paritrana_rules.canonical import canonical
from paritrana_rules.compile.program import Program
from paritrana_rules.data import Rejected
from paritrana_rules.evaluate.result import Result
from paritrana_rules.rank.ranking import Placing
from paritrana_rules.rank.spill import Spill, sorted_records

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
        self.lines: list[bytes] = []  # not yet written
        self.decisions = Decisions()  # of the placings recorded so far
        self.placings: Iterator[Placing] | None = None  # the funnel's, recorded as they go by (`placed`)
        self._append(self.writer.rubric_record(self.head, nominations))

    def scored(self, pieces: RecordPieces) -> None:
        """A scored record, from its pieces (see `RecordWriter.pieces`), linked to the one before."""
        line, self.head = self.writer.chain(pieces, self.head)
        self._line(line)

    def rejected(self, rejected: Rejected) -> None:
        self._append(self.writer.rejected_record(rejected, self.head))

    def placed(self, placings: Iterable[Placing]) -> Iterator[Placing]:
        """The funnel's placings, each recorded as it goes by: the outputs that show them use them meanwhile,
        so they are made once. Those the outputs leave are recorded when the ledger is closed."""
        self.placings = self._recorded(placings)
        return self.placings

    def _recorded(self, placings: Iterable[Placing]) -> Iterator[Placing]:
        for placing in placings:
            self.decisions.add(placing)
            line, self.head = self.writer.placing(placing, self.head)
            self._line(line)
            yield placing

    def close(self) -> None:
        """When the rubric ranks (`placed` was asked for), record each placing not yet recorded and the funnel's
        decisions; then seal, and sign the seal when a key was given."""
        if self.placings is not None:
            collections.deque(self.placings, maxlen=0)
            self._append(self.writer.ranking_record(self.decisions, self.head))
        seal = seal_body(self.count, self.head)
        if self.signing_key is not None:
            seal["signature"] = self.signing_key.seal_signature(seal, rubric_reference(self.writer.identity))
        self._line(canonical(hashed(seal)))
        self._flush()

    def _append(self, document: dict[str, Any]) -> None:
        """Write a record built with `prev` = the head so far."""
        self._line(canonical(document))
        self.head = document["sha256"]

    def _line(self, line: bytes) -> None:
        """A record's line, written with the next few hundred (one write of a few megabytes, not one a record)."""
        self.lines.append(line)
        self.count += 1
        if len(self.lines) >= _LINES_WRITTEN_TOGETHER:
            self._flush()

    def _flush(self) -> None:
        self.lines.append(b"")
        self.stream.write(b"\n".join(self.lines))
        self.lines.clear()


_LINES_WRITTEN_TOGETHER = 500


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


# One decoder for every line (`json.loads` would make one per line, each a cycle left to the garbage collector).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def hash_or_none(hash_of: Callable[[Any], str], part: Any) -> str | None:
    """The hash of a record or a part of it, or None if it holds something JSON cannot (after tampering)."""
    try:
        return hash_of(part)
    except (TypeError, ValueError):
        return None


def text_or_none(value: Any) -> str | None:
    """A hash or a name as written, or None when it is not even text (after tampering)."""
    return value if isinstance(value, str) else None


def shown(value: Any) -> str:
    """A recorded value as a finding shows it."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def as_mapping(value: Any) -> Mapping[str, Any]:
    """A part of a record that should be an object; anything else (after tampering) reads as empty."""
    return value if isinstance(value, Mapping) else {}


def candidate_of(document: Mapping[str, Any]) -> str | None:
    candidate = document.get("candidate")
    return str(candidate.get("id")) if isinstance(candidate, Mapping) else None


def read_ledger(path: Path, findings: list[Finding]) -> list[tuple[int, dict[str, Any]]]:
    """Every record of a ledger file, with its line number; what is not a record becomes a finding."""
    return list(_ledger_documents(path, findings))


def _last_lines(stream: BinaryIO, start: int, count: int) -> list[bytes]:
    """The last `count` lines of a stream after `start`, read backwards in growing blocks."""
    end = stream.seek(0, os.SEEK_END)
    block, tail, begin = 1 << 16, b"", end
    while begin > start and tail.count(b"\n") <= count:
        step = min(block, begin - start)
        begin -= step
        stream.seek(begin)
        tail = stream.read(step) + tail
        block *= 2
    lines = tail.splitlines(keepends=True)
    whole = lines if begin <= start else lines[1:]  # a block's first line may start before it
    return whole[-count:] if count else []


def _unreadable(path: Path, error: OSError) -> Finding:
    return Finding("unreadable", f"cannot read {path}: {error.strerror}")


def _ledger_documents(path: Path, findings: list[Finding]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        stream = path.open("rb")
    except OSError as error:
        findings.append(_unreadable(path, error))
        return
    with stream:
        for number, line in enumerate(stream, start=1):
            document = read_line(number, line, findings)
            if document is not None:
                problem = not_canonical(line.rstrip(b"\n"), document)
                if problem is not None:
                    findings.append(Finding("not-canonical", problem, number, candidate_of(document)))
                yield number, document


def read_line(number: int, line: bytes, findings: list[Finding]) -> dict[str, Any] | None:
    """The record a ledger's line holds (as read, with its line feed), or None when it holds none; a line cut off,
    or that is not a record, is a finding. Whether it is the record's canonical bytes is `not_canonical`'s."""
    complete = line.endswith(b"\n")
    document = parse_line(line[:-1] if complete else line)
    if not complete:
        findings.append(Finding("truncated", "the last line is incomplete: the ledger was cut off", number))
    if document is None:
        if complete:
            findings.append(Finding("malformed", "this line is not a JSON record", number))
        return None
    if document.get("format") != FORMAT:
        findings.append(Finding("malformed", f"this line is not a {FORMAT} record", number))
        return None
    return document


def parse_line(line: bytes) -> dict[str, Any] | None:
    """A line as a JSON object, or None when it is not JSON (bad JSON, NaN/Infinity, absurdly long numbers or
    nesting)."""
    try:
        document = _DECODER.decode(line.decode(json.detect_encoding(line), "surrogatepass"))  # as `json.loads`
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


class Link(NamedTuple):
    """What the chain check needs of one record: compact, and a plain tuple, since a ledger has millions."""

    line: int
    kind: str | None
    digest: str | None  # as written
    content: str | None  # as recomputed
    prev: Any
    candidate: str | None
    count: Any = None  # a seal's
    head: Any = None  # a seal's


def link_of(line: int, document: Mapping[str, Any], *, intact: bool = False) -> Link:
    """A record's link; `intact` when its bytes are known to be those its hash was taken over (written again
    alike), so that it need not be hashed again."""
    kind = document.get("kind")
    digest = text_or_none(document.get("sha256"))
    return Link(line, kind if isinstance(kind, str) else None, digest,
                digest if intact else hash_or_none(content_hash, document), document.get("prev"),
                candidate_of(document), document.get("count") if kind == "seal" else None,
                document.get("head") if kind == "seal" else None)


def check_links(links: Iterable[Link], findings: list[Finding]) -> None:
    """Follow the hash chain and the seal."""
    chain = Chain()
    try:
        for link in links:
            chain.add(link)
        findings.extend(chain.findings())
    finally:
        chain.close()


class Chain:
    """The hash chain and the seal, followed as the records are read; the links go to disk (a `Spill`). While
    every record matches its hash and names the one before, as in a ledger as written, none is out of place.
    Otherwise the chain is followed again from disk: the hashes sorted on disk give the records repeated
    (`duplicated`), and one more pass the records that broken links name."""

    def __init__(self, held: int | None = None) -> None:
        self.links = Spill(held)  # `held` links are held in memory at a time
        self.records = 0  # links that are not seals
        self.last: Link | None = None
        self.previous: str | None = None  # the hash of the last record read
        self.intact = True  # so far, each record matches its hash and names the one before
        self.seals: list[tuple[int, Link]] = []  # with their position among the links: few, even after tampering

    def add(self, link: Link) -> None:
        if link.kind == "seal":
            self.seals.append((len(self.links), link))
        else:
            self.intact = (self.intact and link.digest is not None and link.content == link.digest
                           and _follows(link, self.previous))
            self.previous = link.digest
            self.records += 1
        self.links.append(link)
        self.last = link

    def close(self) -> None:
        self.links.close()

    def findings(self) -> list[Finding]:
        findings: list[Finding] = []
        previous = self.previous if self.intact else self._follow(findings)
        if not self.seals:
            findings.append(Finding("truncated", "the ledger has no seal: it was cut off, or its end was removed",
                                    self.last.line if self.last is not None else None))
            return findings
        findings += self._seal_findings(previous)
        return findings

    def _follow(self, findings: list[Finding]) -> str | None:
        """The chain record by record: each edited, repeated or out-of-place record is a finding. Returns the
        hash of the last record in the chain."""
        repeats = self._repeats()
        breaks: list[tuple[int, Any, str | None, int, str | None]] = []  # where a break goes among the findings
        previous: str | None = None
        for link in self._records():
            if link.content != link.digest:
                findings.append(Finding("edited", "the record's content does not match its hash: it was changed "
                                        "after it was written", link.line, link.candidate))
            if link.line in repeats:
                findings.append(Finding("duplicated", f"this record repeats the one on line {repeats[link.line]}",
                                        link.line, link.candidate))
                continue
            if not _follows(link, previous):
                breaks.append((len(findings), text_or_none(link.prev), previous, link.line, link.candidate))
            previous = link.digest
        present = self._lines_of({prev for _, prev, *_ in breaks})
        for at, prev, before, line, candidate in reversed(breaks):
            findings.insert(at, _chain_break(prev, before, present, line, candidate))
        return previous

    def _records(self) -> Iterator[Link]:
        return (link for link in self.links if link.kind != "seal")

    def _repeats(self) -> dict[int, int]:
        """Records whose hash an earlier record has: their line -> the line of the first. The hashes are sorted on
        disk, so that the ledger's length does not bound it."""
        repeats: dict[int, int] = {}
        first: tuple[tuple[bool, str], int] | None = None
        for digest, line in sorted_records(((link.digest is None, link.digest or ""), link.line)
                                           for link in self._records()):
            if first is not None and first[0] == digest:
                repeats[line] = first[1]
            else:
                first = (digest, line)
        return repeats

    def _lines_of(self, digests: set[Any]) -> dict[Any, int]:
        """The line of the last record with each of these hashes (for the few a broken link names)."""
        present: dict[Any, int] = {}
        if digests:
            for link in self._records():
                if link.digest in digests:
                    present[link.digest] = link.line
        return present

    def _seal_findings(self, previous: str | None) -> list[Finding]:
        findings = []
        position, seal = self.seals[-1]
        if position != len(self.links) - 1 or len(self.seals) > 1:
            findings.append(Finding("seal", "records follow the seal: they were added after the ledger was closed",
                                    seal.line))
        if seal.content != seal.digest:
            findings.append(Finding("seal", "the seal's content does not match its hash: it was edited", seal.line))
        if seal.count != self.records:
            findings.append(Finding("seal", f"the seal counts {seal.count} records; the ledger holds {self.records}",
                                    seal.line))
        head = text_or_none(seal.head)
        if head != previous or seal.prev != previous or seal.head != head:
            kind = "deleted" if head is not None and head not in self._lines_of({head}) else "seal"
            detail = ("the last record(s) before the seal were removed" if kind == "deleted"
                      else "the seal does not close on the last record")
            findings.append(Finding(kind, detail, seal.line))
        return findings


def _follows(link: Link, previous: str | None) -> bool:
    """Whether a record names `previous` as the record before it."""
    prev = text_or_none(link.prev)
    return prev == previous and link.prev == prev


def _chain_break(prev: Any, previous: str | None, present: Mapping[Any, int], line: int, who: str | None) -> Finding:
    if prev in present:
        return Finding("reordered", f"this record was written after the one on line {present[prev]}, not after the "
                       "one before it", line, who)
    if previous is None:
        return Finding("deleted", "records before this one are missing from the start of the ledger", line, who)
    return Finding("deleted", "the record written before this one is missing", line, who)


# ------------------------------------------------------------------ reading for a replay


@attrs.frozen
class Records:
    """What is replayed: a ledger file, whose lines are read elsewhere (with `read_line`), or records given in
    memory."""

    path: Path | None
    documents: tuple[dict[str, Any], ...]
    single: bool  # one record, not a ledger: no chain, no seal

    @classmethod
    def of(cls, source: Mapping[str, Any] | Sequence[Mapping[str, Any]] | str | Path) -> Records:
        if isinstance(source, (str, Path)):
            return cls(Path(source), (), single=False)
        if isinstance(source, Mapping):
            return cls(None, (dict(source),), single=True)
        return cls(None, tuple(dict(d) for d in source), single=False)

    def chunks(self, findings: list[Finding], size: int, count: int
               ) -> Iterator[tuple[int, bytes | Sequence[dict[str, Any]]]]:
        """A file's whole lines as read, about `size` bytes of them at a time in one piece (split where they are
        read, by `lines_of`: one object crosses to a worker process, not a thousand), or the records, `count` at a
        time; each chunk with the number of its first line."""
        if self.path is None:
            yield from ((n + 1, self.documents[n:n + count]) for n in range(0, len(self.documents), count))
            return
        try:
            stream = self.path.open("rb")
        except OSError as error:
            findings.append(_unreadable(self.path, error))
            return
        with stream:
            first = 1
            while block := stream.read(size):
                block += stream.readline()  # to the end of the line it stopped in
                yield first, block
                first += block.count(b"\n") + (not block.endswith(b"\n"))  # the last line, when cut off

    @staticmethod
    def lines_of(block: bytes) -> list[bytes]:
        """A file's chunk (see `chunks`) as its lines, each with its line feed (so that one cut off shows)."""
        return io.BytesIO(block).readlines()

    def known(self) -> Iterator[dict[str, Any]]:
        """The records given in memory, or those of a ledger file where a ledger as written has the records that
        the others are read with: its first line (the rubric record) and its last two (the ranking, the seal)."""
        if self.path is None:
            return iter(self.documents)
        try:
            with self.path.open("rb") as stream:
                lines = [*itertools.islice(stream, 1), *_last_lines(stream, stream.tell(), 2)]
        except OSError:
            return iter(())  # a finding of the pass that reads it all
        return (document for document in (read_line(0, line, []) for line in lines) if document is not None)


class Contexts:
    """Where the records say their rubric was loaded from. No hash covers it, so it is only a hint to find the
    rubric by; but a ledger is written with one context throughout, so a record that says otherwise was edited."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.first: tuple[int, Any] | None = None
        self.last: tuple[Any, bool] = (None, False)  # the last context seen, and whether it differs from the first

    def add(self, line: int, context: Any, candidate: str | None, findings: list[Finding]) -> None:
        if self.first is None:
            self.first = (line, context)
        if context is not self.last[0]:  # equal contexts read together are one object: each is looked at once
            path = as_mapping(context).get("rubric_path")
            if isinstance(path, str):
                self.paths.add(path)
            self.last = (context, context != self.first[1])
        if self.last[1]:
            findings.append(Finding("context", f"the record's context (where its rubric was loaded from, which no hash "
                                    f"covers) differs from line {self.first[0]}'s: one of them was edited", line,
                                    candidate))


_HASH = re.compile("[0-9a-f]{64}")


def written_alike(line: bytes, document: Mapping[str, Any], writer: RecordWriter, result: Result) -> bool:
    """Whether a line is, byte for byte, the record `writer` writes for the result derived again from it (with the
    line's own link and context). Then it is canonical, matches its hash and its inputs' hash, and every step,
    the result and the engine are as recorded: nothing more needs comparing."""
    prev, context = document.get("prev"), document.get("context")
    if not _link_written(prev) or not isinstance(context, dict):
        return False
    written, _ = writer.scored(result, prev)
    if context != {"rubric_path": writer.program.path}:  # found elsewhere than the record says: its context
        try:
            recorded = b',"context":' + canonical(context)
        except (TypeError, ValueError, RecursionError):
            return False
        written = written.replace(_context_field(writer.program.path), recorded, 1)
    return written == line


def placed_alike(line: bytes, document: Mapping[str, Any], writer: RecordWriter, placing: Placing) -> bool:
    """Whether a line is, byte for byte, the placing record `writer` writes for `placing` (the decision the line
    records, read back) with the line's own link, where the rubric was found: then it is canonical and matches
    its hash. Whether that decision is the funnel's is for later, once every entry is in."""
    prev = document.get("prev")
    if not _link_written(prev) or document.get("context") != {"rubric_path": writer.program.path}:
        return False
    written, _ = writer.placing(placing, prev)
    return written == line


def _link_written(prev: Any) -> bool:
    """Whether a record's link is one a writer writes as it is (no hash, or a hash): no escapes to compare."""
    return prev is None or (isinstance(prev, str) and _HASH.fullmatch(prev) is not None)


@functools.cache
def _context_field(rubric_path: str) -> bytes:
    """A record's context as the writer writes it, after the candidate (the only key before it)."""
    return b',"context":' + canonical({"rubric_path": rubric_path})
