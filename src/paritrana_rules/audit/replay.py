"""Replay: audit records -> a report that confirms every number, or says where and why it no longer holds.

Three layers, each reported with its own kind of finding:

1. Integrity. Each record's hash is recomputed (`edited`); in a ledger the chain
   of `prev` hashes is followed (`deleted`, `reordered`, `duplicated`) and the seal
   checked (`truncated`, `seal`), against the published head and the committee's
   key when given (`head-mismatch`, `signature-missing`, `signature-invalid`; see
   `anchors.py`). Unreadable lines are `malformed`, lines that are not the
   canonical bytes of their record `not-canonical`, and a record whose unhashed
   context differs from the first record's is `context`.
2. The rubric. It is found by identity (award, edition, period, category,
   sector) among the given rubric files, never where a record says it was, and
   its content hash compared (`rubric-not-found`, `rubric-changed`, naming the
   declarations that differ; see `rubric_search.py`).
3. The derivation. The recorded inputs are scored again with the traced path and
   the trace compared step by step; the first step that differs is the
   `divergence`, with its location, both values and what it read.

A ledger file is read once, in chunks of lines that the workers parse, check
and re-derive; what the checks across records need is gathered here, on disk
where it grows with the ledger, so memory stays flat in its length. A scored or
placing record's line that is, byte for byte, the record the rubric writes
again from what it records needs no other comparison: that is tried first, and
a scored record's trace is then not even parsed (`_written_again`,
`_placed_again`). Any other line is read whole and every check made on it, so
that what is found, and where, does not depend on that shortcut.
The records that re-deriving reads from elsewhere in the ledger (`_Setting`) are
read first where a ledger as written has them; if they are not, it is read twice.

Findings never raise: `ReplayReport.ok` says whether everything held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from paritrana_rules.audit.anchors import anchor_findings, public_key_of, published_head
from paritrana_rules.audit.ledger import (Chain, Contexts, Finding, Link, Records, as_mapping, candidate_of,
                                          check_record, hash_or_none, link_of, not_canonical, parse_line,
                                          placed_alike, read_line, text_or_none, written_alike)
from paritrana_rules.audit.records import FORMAT, Nomination, encode, step_locations
from paritrana_rules.audit.recorded import nominated_in, nominee_findings, placing_findings, recorded_placing
from paritrana_rules.audit.reports import Divergence, RecordReports, ReplayReport
from paritrana_rules.audit.rubric_search import RubricFinder, moved_steps
from paritrana_rules.audit.signing import PublicKey
from paritrana_rules.canonical import sha256
from paritrana_rules.errors import InputError
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.rubric import CompiledRubric
from paritrana_rules.language.identity import declaration_hashes
from paritrana_rules.processes import ordered_map
from paritrana_rules.rank.ranking import Entry, Funnel, Rules, result_entry
from paritrana_rules.rank.spill import Spill


# ------------------------------------------------------------------ entry point


def replay(
    source: Mapping[str, Any] | Sequence[Mapping[str, Any]] | str | Path,
    rubric_paths: Iterable[str | Path] | None = None,
    *,
    against_current: bool = False,
    nominees: Sequence[Nomination] | None = None,
    unusable_nominees: Sequence[str] = (),
    jobs: int = 1,
    head: str | None = None,
    public_key: PublicKey | str | Path | None = None,
) -> ReplayReport:
    """Verify one record, a list of ledger records, or a ledger file (.jsonl).

    Rubrics are searched for among `rubric_paths` (files and folders; default
    `rubrics/` in the current folder) only. `head` is the seal's head as the
    committee published it, `public_key` its key (loaded, or its PEM file): given
    either, only the ledger the committee sealed verifies; UsageError when `head`
    is not a SHA-256 or the key cannot be read.

    A ledger file is read a chunk of lines at a time, so its length does not
    bound what can be replayed. For a national round, `nominees` are the
    nominations read from the provincial ledgers (see
    `nominations.read_nominations`), and `unusable_nominees` says why those that
    could not be read were not: each given ledger must be one the ledger names,
    nominating the same candidates (every scored candidate is checked against the
    nominations the ledger records anyway). `jobs` > 1 reads and re-derives the
    lines in that many processes.
    """
    published = published_head(head) if head is not None else None
    key = public_key_of(public_key) if public_key is not None else None
    paths = list(rubric_paths) if rubric_paths is not None else None  # searched here, and in each worker
    replayed = Records.of(source)
    expected = _Setting.of(replayed.known())
    passed = _read_through(replayed, expected, paths, against_current, jobs)
    if passed.setting != expected:  # re-derived with other records than the ledger has: again, with those
        passed.close()
        passed = _read_through(replayed, passed.setting, paths, against_current, jobs)
    return passed.report(published, key, nominees, unusable_nominees)


@attrs.frozen
class _Setting:
    """What re-deriving a record needs of other records: where the records say their rubric was loaded from (the
    order to try the rubric files in), the rubric records (the rubric's declarations, the nominations) and the
    rubric each ranking record names."""

    paths: frozenset[str]
    rubric_records: tuple[dict[str, Any], ...]
    rankings: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, documents: Iterable[Mapping[str, Any]]) -> _Setting:
        listed = list(documents)
        paths = (as_mapping(d.get("context")).get("rubric_path") for d in listed if d.get("kind") != "seal")
        return cls(frozenset(path for path in paths if isinstance(path, str)),
                   tuple(dict(d) for d in listed if d.get("kind") == "rubric"),
                   tuple(as_mapping(d.get("rubric")) for d in listed if d.get("kind") == "ranking"))


HELD = 2_000  # of each kind of record that grows with the ledger, how many are held in memory before going to disk


def _read_through(source: Records, setting: _Setting, rubric_paths: list[str | Path] | None, against_current: bool,
                  jobs: int) -> _Pass:
    """One pass over what is replayed, its lines read and re-derived in `jobs` processes, in order."""
    rubrics = RubricFinder(rubric_paths, setting.paths)
    passed = _Pass(source, setting, rubrics)
    context = _Context(rubric_paths, setting, against_current, rubrics, sealed=not source.single)
    try:
        for chunk in ordered_map(_read_chunk, context, source.chunks(passed.read, _CHUNK_BYTES, _CHUNK), jobs, 1):
            passed.add(chunk)
    except BaseException:
        passed.close()
        raise
    return passed


class _Pass:
    """What one pass gathers from the lines as they come back from the workers, in order: findings (few), the
    records the checks across records need (few), and on disk what grows with the ledger: the chain's links, each
    record's report, the placings and the funnel's entries."""

    def __init__(self, source: Records, setting: _Setting, rubrics: RubricFinder) -> None:
        self.read: list[Finding] = []  # reading the lines, and their contexts, in line order
        if source.single:
            check_record(1, source.documents[0], self.read)
        self.derived: list[Finding] = []
        self.contexts = Contexts()
        self.rubric_records: list[dict[str, Any]] = []
        self.rankings: list[tuple[int, dict[str, Any]]] = []
        self.seal: tuple[int, dict[str, Any]] | None = None  # the last one, with its line
        self.chain = Chain(HELD) if not source.single else None
        self.records = Spill(HELD)  # (line, candidate, kind) of each record
        self.ranked = _Ranked(setting, rubrics)
        self.first: Divergence | None = None

    def add(self, chunk: _Chunk) -> None:
        self.read += chunk.findings
        for line, context, candidate in chunk.contexts:
            self.contexts.add(line, context, candidate, self.read)
        for line, kind, document in chunk.kept:
            if kind == "seal":
                self.seal = (line, document)
            elif kind == "rubric":
                self.rubric_records.append(document)
            else:
                self.rankings.append((line, document))
        self.ranked.placings.extend(chunk.placings)
        if self.chain is not None:
            for link in chunk.links:
                self.chain.add(link)
        self.records.extend(chunk.records)
        self.ranked.entries.extend(chunk.entries)
        self.ranked.broken = self.ranked.broken or chunk.unrankable
        self.derived += chunk.derived
        self.first = self.first or chunk.divergence

    @property
    def setting(self) -> _Setting:
        """The setting the ledger has: the records it was re-derived with should have been these."""
        return _Setting(frozenset(self.contexts.paths), tuple(self.rubric_records),
                        tuple(as_mapping(document.get("rubric")) for _, document in self.rankings))

    def report(self, published: str | None, key: PublicKey | None, nominees: Sequence[Nomination] | None,
               unusable_nominees: Sequence[str]) -> ReplayReport:
        """Every finding, those across records included, in line order."""
        try:
            findings = [*self.read, *(self.chain.findings() if self.chain is not None else [])]
            findings += anchor_findings(self.seal if self.chain is not None else None, self.rubric_records,
                                        published, key)
            findings += nominee_findings(self.rubric_records, nominees, unusable_nominees)
            findings += self.derived
            findings += [finding for _, finding in self.ranked.verify(self.rankings)]
        finally:
            self.close(but_records=True)  # the report reads them
        findings.sort(key=lambda f: (f.line if f.line is not None else 10**9))
        return ReplayReport(RecordReports(self.records, findings), tuple(findings), self.first)

    def close(self, *, but_records: bool = False) -> None:
        self.ranked.close()
        if self.chain is not None:
            self.chain.close()
        if not but_records:
            self.records.close()


class _Ranked:
    """Placing and ranking records checked against the funnel's decisions, made again from the scored records
    as they are re-derived. Their entries and the placings are gathered on disk, and the funnel is made only once
    the workers are done, so that its memory and theirs never add up."""

    def __init__(self, setting: _Setting, rubrics: RubricFinder) -> None:
        self.named = setting.rankings  # the rubric each ranking record names: the first found ranks
        self.rubrics = rubrics
        self.entries = Spill(HELD)  # each scored record's funnel entry (see `_gathered`)
        self.placings = Spill(HELD)  # (line, the decision it records) of each placing record, in order
        self.broken = False  # a scored record could not be derived again

    def verify(self, rankings: Sequence[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, Finding]]:
        funnel = self._funnel()
        try:
            for line, document in rankings:
                compiled = self.rubrics.find(as_mapping(document.get("rubric")))[0]
                if compiled is None or funnel is None:
                    yield line, Finding("rubric-not-found", "no rubric with this ranking rule among the rubric "
                                        "files", line)
                elif self.broken:  # why is reported on the record: not a second error here
                    yield line, Finding("ranking", "not verified: a scored record could not be derived again, so "
                                        "the funnel cannot be decided again", line, None, "note")
                else:
                    yield from placing_findings(line, document, self.placings, funnel)
            if not rankings and len(self.placings):
                line = next(iter(self.placings))[0]
                yield line, Finding("ranking", "placing records without the ranking record that sums them up", line)
        finally:
            if funnel is not None:
                funnel.close()

    def _funnel(self) -> Funnel | None:
        """The funnel of the first ranking rubric found, holding every entry."""
        found = [c for c in (self.rubrics.find(reference)[0] for reference in self.named) if c is not None]
        if not found:
            return None
        funnel = Funnel(Rules(found[0].model))
        funnel.on_arrays = False  # sorted on disk: the arrays hold every entry at once (130 MiB more at a million)
        funnel.add_all(self.entries)
        return funnel

    def close(self) -> None:
        self.entries.close()
        self.placings.close()


# ------------------------------------------------------------------ in the workers


_CHUNK_BYTES = 1 << 19  # of a ledger's lines read and re-derived per task
_CHUNK = 200  # records given in memory re-derived per task
_IDENTITIES = 64  # rubric identities whose rubric a worker remembers: a ledger's records name one


class _Context:
    """What reading and re-deriving a line needs besides the line: it travels to each worker process once, where
    the rubrics are found and compiled again."""

    def __init__(self, rubric_paths: list[str | Path] | None, setting: _Setting, against_current: bool,
                 rubrics: RubricFinder, *, sealed: bool) -> None:
        self.rubric_paths = rubric_paths
        self.recorded = setting.paths  # where the records say their rubric was: the order to try the files in
        self.described = {str(as_mapping(d.get("rubric")).get("sha256")): d for d in setting.rubric_records}
        self.nominated = nominated_in(setting.rubric_records)
        self.ranking = setting.rankings[0] if setting.rankings else None  # the rubric that ranks, when one does
        self.against_current = against_current
        self.sealed = sealed  # a ledger: each record's link is wanted
        self.finder: RubricFinder | None = rubrics
        self.found_rules: Rules | None = None
        self.found: dict[Any, tuple[CompiledRubric | None, list[str]]] = {}
        self.last: tuple[Mapping[str, Any], tuple[CompiledRubric | None, list[str]]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "finder": None, "found_rules": None, "found": {}, "last": None}

    def find(self, identity: Mapping[str, Any]) -> tuple[CompiledRubric | None, list[str]]:
        """The rubric of a record (see `RubricFinder.find`), remembered for the few identities records name; the
        last one asked for first, since a ledger's records all name one."""
        if self.last is not None and self.last[0] == identity:
            return self.last[1]
        key = tuple(sorted(identity.items()))
        try:
            known = self.found.get(key)
        except TypeError:  # a part no hash takes (after tampering): looked for each time
            return self.rubrics.find(identity)
        if known is None and len(self.found) < _IDENTITIES:
            known = self.found[key] = self.rubrics.find(identity)
        if known is None:
            return self.rubrics.find(identity)
        self.last = (identity, known)
        return known

    @property
    def rules(self) -> Rules | None:
        """The funnel of the ranking record's rubric, made where it is used."""
        if self.found_rules is None and self.ranking is not None:
            compiled = self.rubrics.find(self.ranking)[0]
            self.found_rules = Rules(compiled.model) if compiled is not None else None
        return self.found_rules

    @property
    def rubrics(self) -> RubricFinder:
        if self.finder is None:
            self.finder = RubricFinder(self.rubric_paths, self.recorded)
        return self.finder


@attrs.define
class _Chunk:
    """What a worker made of a chunk of lines, by kind: a few lists rather than an object per line (they come back
    by the million). All but the findings is about records, a seal included."""

    findings: list[Finding] = attrs.Factory(list)  # reading: cut off, not a record, not its canonical bytes
    contexts: list[tuple[int, Any, str | None]] = attrs.Factory(list)  # (line, context, candidate), seals aside
    kept: list[tuple[int, Any, dict[str, Any]]] = attrs.Factory(list)  # (line, kind, record): rubric, ranking, seal
    placings: list[tuple[int, Any]] = attrs.Factory(list)  # (line, the decision it records)
    links: list[Link] = attrs.Factory(list)  # in a ledger
    records: list[tuple[int, str | None, str]] = attrs.Factory(list)  # (line, candidate, kind) of those re-derived
    entries: list[Entry] = attrs.Factory(list)  # funnel entries of the scored records
    derived: list[Finding] = attrs.Factory(list)  # re-deriving them
    divergence: Divergence | None = None  # the first
    unrankable: bool = False  # a scored record could not be derived again

    def read(self, line: int, document: dict[str, Any], link: Link | None) -> None:
        """What the checks across records need of a record read."""
        kind = document.get("kind")
        if kind != "seal":
            context, last = document.get("context"), self.contexts[-1][1] if self.contexts else None
            self.contexts.append((line, last if context == last else context, candidate_of(document)))  # one object
        if kind in ("rubric", "ranking", "seal"):
            self.kept.append((line, kind, document))
        elif kind == "placing":
            self.placings.append((line, document.get("placing")))
        if link is not None:
            self.links.append(link)


def _read_chunk(context: _Context, chunks: list[tuple[int, bytes | Sequence[dict[str, Any]]]]) -> list[_Chunk]:
    """Each chunk (a ledger's lines as read, or records), its first line numbered, read, checked and re-derived."""
    gathered = [_Chunk() for _ in chunks]
    for (first, part), chunk in zip(chunks, gathered, strict=True):
        items: Sequence[bytes | dict[str, Any]] = Records.lines_of(part) if isinstance(part, bytes) else part
        for number, item in enumerate(items, start=first):
            _read_one(context, number, item, chunk)
    return gathered


def _read_one(context: _Context, number: int, item: bytes | dict[str, Any], chunk: _Chunk) -> None:
    """One line read and its record re-derived. A scored or placing record's line that is the record written again,
    byte for byte, needs nothing more; any other line is parsed whole, its bytes compared with the record's
    canonical form and its hash taken again."""
    if isinstance(item, bytes) and (_written_again(context, number, item, chunk)
                                    or _placed_again(context, number, item, chunk)):
        return
    raw = item.rstrip(b"\n") if isinstance(item, bytes) else None
    document = read_line(number, item, chunk.findings) if isinstance(item, bytes) else item
    if document is None:
        return
    if document.get("format") == FORMAT and document.get("kind") != "seal":
        _derive(context, number, document, chunk)
    if raw is not None and (problem := not_canonical(raw, document)) is not None:
        chunk.findings.append(Finding("not-canonical", problem, number, candidate_of(document)))
    chunk.read(number, document, link_of(number, document) if context.sealed else None)


_TRACE = b',"trace":'  # the last key of a scored record as written


def _written_again(context: _Context, number: int, line: bytes, chunk: _Chunk) -> bool:
    """Whether a ledger's line is a scored record that its rubric writes again from what it records, byte for
    byte, with its own link and context (gathered then as any record is). Such a line is canonical, matches its
    hash and its inputs' hash, and every step, the result and the engine are as recorded: nothing else needs
    comparing. Its trace, most of the line, is not even parsed, since the bytes compared cover it: what comes
    before it is all re-deriving reads. Nothing is reported here: a line that is not written again is read
    whole, and checked, by the caller."""
    if not line.startswith(b'{"candidate":') or not line.endswith(b"}\n") or (cut := line.rfind(_TRACE)) < 0:
        return False
    document = parse_line(line[:cut] + b"}")
    if document is None or document.get("format") != FORMAT or document.get("kind") != "scored":
        return False
    identity = as_mapping(document.get("rubric"))
    compiled = context.find(identity)[0]
    if compiled is None or context.rubrics.sha256(compiled) != identity.get("sha256"):
        return False
    rescored = _rescored(number, candidate_of(document) or "?", document, compiled)
    if not isinstance(rescored, tuple) or not written_alike(line[:-1], document, context.rubrics.writer(rescored[0]),
                                                             rescored[1]):
        return False
    return _taken_as_written(context, number, document, rescored[1], chunk)


def _placed_again(context: _Context, number: int, line: bytes, chunk: _Chunk) -> bool:
    """Whether a ledger's line is a placing record that its rubric writes again, byte for byte, from the decision it
    records, with its own link (gathered then as any record is): canonical and matching its hash, it needs no
    other check here. Nothing is reported here either: any other line is read whole, and checked, by the caller."""
    if not line.startswith(b'{"context":') or not line.endswith(b"}\n"):
        return False
    document = parse_line(line[:-1])
    if document is None or document.get("format") != FORMAT or document.get("kind") != "placing":
        return False
    compiled = context.find(as_mapping(document.get("rubric")))[0]
    placing = recorded_placing(document.get("placing"))
    if compiled is None or placing is None or not placed_alike(line[:-1], document, context.rubrics.writer(compiled),
                                                               placing):
        return False
    return _taken_as_written(context, number, document, None, chunk)


def _taken_as_written(context: _Context, number: int, document: dict[str, Any], result: Result | None,
                      chunk: _Chunk) -> bool:
    """A line that is its record written again (`_written_again`, `_placed_again`), gathered and read as any record
    is, its link taken as intact."""
    _gathered(context, number, document, result, chunk)
    chunk.read(number, document, link_of(number, document, intact=True) if context.sealed else None)
    return True


def _derive(context: _Context, line: int, document: dict[str, Any], chunk: _Chunk) -> None:
    """One record checked (its rubric, its derivation, its nomination) and what ranking needs of it."""
    if document.get("kind") == "rubric":
        chunk.derived += moved_steps(line, document, context.rubrics)
    divergence, result = _replay_record(context, line, document, chunk.derived)
    chunk.divergence = chunk.divergence or divergence
    _gathered(context, line, document, result, chunk)


def _gathered(context: _Context, line: int, document: Mapping[str, Any], result: Result | None,
              chunk: _Chunk) -> None:
    """What the checks across records need of a record re-derived (`result`, None when it could not be): its
    nomination checked, its report's place and, for a scored record, its entry in the funnel."""
    kind, who = document.get("kind"), candidate_of(document)
    if context.nominated is not None and kind == "scored" and who not in context.nominated:
        chunk.derived.append(Finding("not-nominated", "no provincial ledger the ledger names nominated this "
                                     "candidate", line, who))
    chunk.records.append((line, who, str(kind)))
    rules = context.rules if kind == "scored" else None
    if rules is not None and result is None:
        chunk.unrankable = True  # its derivation failed (reported): the ranking cannot be decided again
    elif rules is not None and result is not None:
        chunk.entries.append(result_entry(rules, result))


# ------------------------------------------------------------------ derivations


def _replay_record(context: _Context, line: int, document: dict[str, Any], findings: list[Finding]
                   ) -> tuple[Divergence | None, Result | None]:
    """The first divergence of a scored record, and the result derived again (None when it cannot be)."""
    if document.get("kind") != "scored":
        return None, None
    who = candidate_of(document) or "?"
    identity = as_mapping(document.get("rubric"))
    rubrics = context.rubrics
    compiled, broken = context.find(identity)
    if compiled is None:
        named = f"{identity.get('category')} edition {identity.get('edition')}"
        extra = f"; these rubric files did not load: {', '.join(broken)}" if broken else ""
        findings.append(Finding("rubric-not-found", f"no rubric {named} among {len(rubrics.files)} rubric files{extra}",
                                line, who))
        return None, None
    changed = ""
    if rubrics.sha256(compiled) != identity.get("sha256"):
        described_rubric = as_mapping(as_mapping(context.described.get(str(identity.get("sha256")))).get("rubric"))
        declarations = described_rubric.get("declarations")
        changed = _changed_declarations(as_mapping(declarations), compiled) or "its content hash differs"
    if changed and not context.against_current:
        findings.append(Finding("rubric-changed", f"{compiled.path} changed since scoring: {changed}; "
                                "replay with --against-current to re-score under it", line, who))
        return None, None
    rescored = _rescored(line, who, document, compiled)
    if hash_or_none(sha256, document.get("inputs")) != document.get("inputs_sha256"):
        findings.append(Finding("input-edited", "the recorded inputs do not match their hash", line, who))
    if isinstance(rescored, Finding):
        findings.append(rescored)
        return None, None
    scorer, result = rescored
    fresh = rubrics.writer(scorer).record(result)
    if changed:
        return _against_current(line, who, document, fresh, changed, result, findings), result
    divergence = _first_difference(line, who, document, fresh, result)
    if divergence is not None:
        findings.append(Finding("divergence", divergence.describe(), line, who))
    engine = as_mapping(document.get("engine"))
    if engine != fresh["engine"]:
        findings.append(Finding("engine", f"scored with {engine.get('name')} {engine.get('version')}, replayed with "
                                f"{fresh['engine']['version']}", line, who, "note"))
    return divergence, result


def _rescored(line: int, who: str, document: Mapping[str, Any], compiled: CompiledRubric
              ) -> tuple[CompiledRubric, Result] | Finding:
    """The recorded inputs scored again at the recorded stage, or why they cannot be."""
    inputs = as_mapping(document.get("inputs"))
    candidate = as_mapping(document.get("candidate"))
    defaulted = {str(d) for d in document.get("defaulted") or () if isinstance(d, str)} if isinstance(
        document.get("defaulted"), list) else set()
    given = {name: value for name, value in inputs.items() if name not in defaulted}
    stage = as_mapping(document.get("result")).get("stage")
    try:
        scorer = compiled.at_stage(stage) if isinstance(stage, str) else compiled
    except KeyError:
        return Finding("divergence", f"the rubric has no stage {stage!r} any more", line, who)
    try:
        return scorer, scorer.evaluate(given, str(candidate.get("id")), name=text_or_none(candidate.get("name")))
    except InputError as error:
        return Finding("divergence", f"the recorded inputs no longer validate: {error}", line, who)


def _changed_declarations(recorded: Mapping[str, str], compiled: CompiledRubric) -> str:
    current = declaration_hashes(compiled.model.rubric)
    changed = sorted(k for k in recorded.keys() & current.keys() if recorded[k] != current[k])
    added = sorted(current.keys() - recorded.keys())
    removed = sorted(recorded.keys() - current.keys())
    parts = [f"{k} changed" for k in changed] + [f"{k} added" for k in added] + [f"{k} removed" for k in removed]
    return ", ".join(parts)


def _against_current(line: int, who: str, document: Mapping[str, Any], fresh: Mapping[str, Any], changed: str,
                     result: Result, findings: list[Finding]) -> Divergence | None:
    before, after = as_mapping(document.get("result")), fresh["result"]
    findings.append(Finding("rubric-changed", f"{result.program.path} changed since scoring: {changed}", line, who))
    summary = (f"under the current rubric the total is {after['total']} (recorded {before.get('total')}), "
               f"status {after['status']} (recorded {before.get('status')})")
    findings.append(Finding("rescored", summary, line, who, "note"))
    return _first_difference(line, who, document, fresh, result)


def _first_difference(line: int, who: str, document: Mapping[str, Any], fresh: Mapping[str, Any],
                      result: Result) -> Divergence | None:
    """The first step, in the order of the derivation, whose recorded value is not the recomputed one."""
    recorded = as_mapping(document.get("trace"))
    for step_id in (str(location[0]) for location in step_locations(result.program)):
        if step_id not in fresh["trace"] or recorded.get(step_id) == fresh["trace"][step_id]:
            continue
        step = next(step for step in result.trace or () if step.id == step_id)  # traced only now: it differs
        where = {"file": step.span.path, "line": step.span.line, "column": step.span.column}
        return Divergence(line, who, step_id, where, recorded.get(step_id), fresh["trace"][step_id],
                          tuple((name, encode(value)) for name, value in step.reads))
    extra = sorted(recorded.keys() - fresh["trace"].keys())
    if extra:
        return Divergence(line, who, extra[0], {}, recorded[extra[0]], None, ())
    recorded_result = as_mapping(document.get("result"))
    for key, value in fresh["result"].items():
        if recorded_result.get(key) != value:
            return Divergence(line, who, f"result.{key}", {}, recorded_result.get(key), value, ())
    for section in ("rubric", "numeric", "inputs_sha256"):  # what the record says about how it was scored
        if document.get(section) != fresh[section]:
            return Divergence(line, who, section, {}, document.get(section), fresh[section], ())
    return None
