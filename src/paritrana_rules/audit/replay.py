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

Findings never raise: `ReplayReport.ok` says whether everything held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from paritrana_rules.audit.anchors import anchor_findings, public_key_of, published_head
from paritrana_rules.audit.ledger import (
    Finding,
    LedgerFile,
    as_mapping,
    candidate_of,
    check_links,
    check_record,
    hash_or_none,
    link_of,
    parse_line,
    text_or_none,
)
from paritrana_rules.audit.records import (
    FORMAT,
    Nomination,
    encode,
    Decisions,
    funnel_rule,
    step_locations,
)
from paritrana_rules.audit.rubric_search import RubricFinder
from paritrana_rules.audit.signing import PublicKey
from paritrana_rules.errors import InputError
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.rubric import CompiledRubric
from paritrana_rules.canonical import sha256
from paritrana_rules.language.identity import declaration_hashes
from paritrana_rules.processes import ordered_map
from paritrana_rules.rank.ranking import Funnel, Rules, result_entry
from paritrana_rules.rank.spill import Spill



@attrs.frozen
class Divergence:
    """The first step whose recomputed value differs from the recorded one."""

    line: int
    candidate: str
    step: str
    location: Mapping[str, Any]
    recorded: Any
    recomputed: Any
    reads: Sequence[Any]

    def describe(self) -> str:
        where = (f" at {self.location.get('file')}:{self.location.get('line')}:{self.location.get('column')}"
                 if self.location else "")
        read = ", ".join(f"{name} = {_show(value)}" for name, value in self.reads)
        reads = f" (it read {read})" if self.reads else ""
        return f"step {self.step}{where}: recorded {_show(self.recorded)}, recomputed {_show(self.recomputed)}{reads}"


@attrs.frozen
class RecordReport:
    line: int
    candidate: str | None
    kind: str
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


@attrs.frozen
class ReplayReport:
    records: tuple[RecordReport, ...]
    findings: tuple[Finding, ...]  # every finding, ledger-level ones included, in line order
    first_divergence: Divergence | None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def verified(self) -> int:
        return sum(1 for r in self.records if r.ok)

    def render(self) -> str:
        lines = [f.render() for f in self.findings]
        if self.first_divergence is not None:
            lines.append(f"first divergence: line {self.first_divergence.line} ({self.first_divergence.candidate}): "
                         f"{self.first_divergence.describe()}")
        count = len(self.records)
        if self.ok:
            lines.append(f"{count} record{'s' if count != 1 else ''} verified")
        else:
            problems = sum(1 for f in self.findings if f.severity == "error")
            lines.append(f"{self.verified} of {count} records verified; "
                         f"{problems} problem{'s' if problems != 1 else ''}")
        return "\n".join(lines)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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

    A ledger file is read twice, a record at a time, so its length does not
    bound what can be replayed: first its integrity (hashes, chain, seal), then
    each derivation. For a national round, `nominees` are the nominations read
    from the provincial ledgers (see `nominations.read_nominations`), and
    `unusable_nominees` says why those that could not be read were not: each
    given ledger must be one the ledger names, nominating the same candidates
    (every scored candidate is checked against the nominations the ledger
    records anyway). `jobs` > 1 re-derives the records in that many processes.
    """
    published = published_head(head) if head is not None else None
    key = public_key_of(public_key) if public_key is not None else None
    paths = list(rubric_paths) if rubric_paths is not None else None  # searched here, and in each worker
    findings: list[Finding] = []
    documents: Iterable[tuple[int, dict[str, Any]]]
    if isinstance(source, (str, Path)):
        documents = LedgerFile(Path(source), findings)
    elif isinstance(source, Mapping):
        documents = [(1, dict(source))]
        check_record(1, documents[0][1], findings)
    else:
        documents = [(i, dict(d)) for i, d in enumerate(source, start=1)]
    scan = _scan(documents, findings, sealed=not isinstance(source, Mapping))
    findings += anchor_findings(scan.seal, scan.rubric_records, published, key)
    rubrics = RubricFinder(paths, scan.contexts.paths)
    findings += _verify_nominees(scan.rubric_records, nominees, unusable_nominees)
    ranked = _Ranked(scan, rubrics)
    context = _Context(paths, scan.contexts.paths, {str(as_mapping(d.get("rubric")).get("sha256")): d
                                                     for d in scan.rubric_records},
                       _nominated(scan.rubric_records), ranked.reference, against_current, rubrics)
    by_line: dict[int | None, list[Finding]] = {}
    for finding in findings:
        by_line.setdefault(finding.line, []).append(finding)
    reports = []
    first: Divergence | None = None
    # A file's lines go to the workers as they are: parsing them is part of the work that is shared out.
    records: Iterator[tuple[int, dict[str, Any] | bytes]] = (
        documents.lines() if isinstance(documents, LedgerFile) else iter(documents))
    for derived in ordered_map(_derive, context, records, jobs, _CHUNK):
        ranked.add(derived.entries, derived.unrankable)
        first = first or derived.divergence
        reports.append(RecordReport(derived.line, derived.candidate, derived.kind,
                                    tuple(by_line.get(derived.line, []) + list(derived.findings))))
        findings.extend(derived.findings)
    for line, finding in ranked.verify():
        findings.append(finding)
        reports = [attrs.evolve(r, findings=(*r.findings, finding)) if r.line == line else r for r in reports]
    findings.sort(key=lambda f: (f.line if f.line is not None else 10**9))
    return ReplayReport(tuple(reports), tuple(findings), first)


@attrs.frozen
class _Scan:
    """What the integrity pass keeps: the few records the derivations need, and where rubrics were loaded from."""

    contexts: _Contexts
    rubric_records: tuple[dict[str, Any], ...]
    rankings: tuple[tuple[int, dict[str, Any]], ...]
    placings: Spill  # (line, placing record) in order, kept on disk past a chunk
    seal: tuple[int, dict[str, Any]] | None  # the last seal, with its line


def _scan(documents: Iterable[tuple[int, dict[str, Any]]], findings: list[Finding], sealed: bool) -> _Scan:
    """One pass: the hash chain and seal (for a ledger), the records' contexts, and what the second pass needs."""
    contexts, rubric_records, rankings, placings = _Contexts(), [], [], Spill()
    links, seal = [], None
    for line, document in documents:
        kind = document.get("kind")
        if kind == "seal":
            seal = (line, document)
        else:
            contexts.add(line, document, findings)
        if kind == "rubric":
            rubric_records.append(document)
        elif kind == "ranking":
            rankings.append((line, document))
        elif kind == "placing":
            placings.append((line, document))
        if sealed:
            links.append(link_of(line, document))
    if sealed:
        check_links(links, findings)
    return _Scan(contexts, tuple(rubric_records), tuple(rankings), placings, seal if sealed else None)


class _Contexts:
    """Where the records say their rubric was loaded from. No hash covers it, so it is only a hint to find the
    rubric by; but a ledger is written with one context throughout, so a record that says otherwise was edited."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.first: tuple[int, Any] | None = None

    def add(self, line: int, document: Mapping[str, Any], findings: list[Finding]) -> None:
        context = document.get("context")
        path = as_mapping(context).get("rubric_path")
        if isinstance(path, str):
            self.paths.add(path)
        if self.first is None:
            self.first = (line, context)
        elif context != self.first[1]:
            findings.append(Finding("context", f"the record's context (where its rubric was loaded from, which no hash "
                                    f"covers) differs from line {self.first[0]}'s: one of them was edited", line,
                                    candidate_of(document)))


class _Ranked:
    """Placing and ranking records checked against the funnel's decisions, made again from the scored records
    as they are re-derived (entries gathered on disk: memory stays flat in the ledger's size)."""

    def __init__(self, scan: _Scan, rubrics: RubricFinder) -> None:
        self.scan = scan
        self.rankings = [(line, document, rubrics.find(as_mapping(document.get("rubric")))[0])
                         for line, document in scan.rankings]
        found = [c for _, _, c in self.rankings if c is not None]
        self.rules = Rules(found[0].model) if found else None
        self.reference = as_mapping(scan.rankings[0][1].get("rubric")) if scan.rankings else None
        self.funnel = Funnel(self.rules) if self.rules is not None else None
        self.broken = False

    def add(self, entries: Sequence[Any], unrankable: bool) -> None:
        if self.funnel is not None:
            for item in entries:
                self.funnel.add(item)
        self.broken = self.broken or unrankable

    def verify(self) -> Iterator[tuple[int, Finding]]:
        try:
            for line, document, compiled in self.rankings:
                if compiled is None or self.funnel is None:
                    yield line, Finding("rubric-not-found", "no rubric with this ranking rule among the rubric files",
                                        line)
                elif self.broken:  # why is reported on the record: not a second error here
                    yield line, Finding("ranking", "not verified: a scored record could not be derived again, so "
                                        "the funnel cannot be decided again", line, None, "note")
                else:
                    yield from _verify_placings(line, document, self.scan.placings, self.funnel)
            if not self.rankings and len(self.scan.placings):
                line = next(iter(self.scan.placings))[0]
                yield line, Finding("ranking", "placing records without the ranking record that sums them up", line)
        finally:
            self.scan.placings.close()
            if self.funnel is not None:
                self.funnel.close()


_CHUNK = 200  # records re-derived per task when replaying in several processes


class _Context:
    """What re-deriving a record needs besides the record: it travels to each worker process once, where
    the rubrics are found and compiled again."""

    def __init__(self, rubric_paths: list[str | Path] | None, recorded: set[str],
                 described: dict[str, dict[str, Any]], nominated: set[str] | None, ranking: Mapping[str, Any] | None,
                 against_current: bool, rubrics: RubricFinder) -> None:
        self.rubric_paths = rubric_paths
        self.recorded = recorded  # where the records say their rubric was: the order to try the files in
        self.described = described  # rubric records by the rubric's hash
        self.nominated = nominated
        self.ranking = ranking  # the rubric the ranking record names, when the ledger ranks
        self.against_current = against_current
        self.finder: RubricFinder | None = rubrics
        self.found_rules: Rules | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "finder": None, "found_rules": None}

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


@attrs.frozen
class _Derived:
    line: int
    candidate: str | None
    kind: str
    findings: tuple[Finding, ...]
    divergence: Divergence | None
    entries: tuple[Any, ...]  # what ranking needs of it
    unrankable: bool  # a scored record whose result cannot be ranked (it was altered)


def _derive(context: _Context, records: list[tuple[int, dict[str, Any] | bytes]]) -> list[_Derived]:
    """Each record of a chunk (a ledger's line as read, or a record) re-derived; the seal and what is not a
    record (reported by the first pass) are left out."""
    derived = []
    for line, record in records:
        document = parse_line(record) if isinstance(record, bytes) else record
        if document is not None and document.get("format") == FORMAT and document.get("kind") != "seal":
            derived.append(_derived(context, line, document))
    return derived


def _derived(context: _Context, line: int, document: dict[str, Any]) -> _Derived:
    """One record checked: its rubric, its derivation, its nomination, and what ranking needs of it."""
    own: list[Finding] = []
    if document.get("kind") == "rubric":
        _verify_rubric(line, document, context.rubrics, own)
    divergence, result = _replay_record(line, document, context.rubrics, context.described, context.against_current,
                                        own)
    who = candidate_of(document)
    if context.nominated is not None and document.get("kind") == "scored" and who not in context.nominated:
        own.append(Finding("not-nominated", "no provincial ledger the ledger names nominated this candidate", line,
                           who))
    entries: list[Any] = []
    unrankable = False
    rules = context.rules if document.get("kind") == "scored" else None
    if rules is not None:
        if result is None:
            unrankable = True  # its derivation failed (reported): the ranking cannot be decided again
        else:
            entries = [result_entry(rules, result)]
    return _Derived(line, who, str(document.get("kind")), tuple(own), divergence, tuple(entries), unrankable)


# ------------------------------------------------------------------ derivations


def _recorded_nominations(rubric_records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [n for d in rubric_records for n in _list(d.get("nominations")) if isinstance(n, Mapping)]


def _nominated(rubric_records: Sequence[Mapping[str, Any]]) -> set[str] | None:
    """Every candidate the ledger's nominating ledgers nominated; None when it is not a national round's."""
    recorded = _recorded_nominations(rubric_records)
    if not recorded:
        return None
    return {str(c) for n in recorded for c in _list(n.get("nominated"))}


def _list(value: Any) -> list[Any]:
    """A part of a record that should be a list; anything else (after tampering) reads as empty."""
    return value if isinstance(value, list) else []


def _verify_nominees(rubric_records: Sequence[Mapping[str, Any]], given: Sequence[Nomination] | None,
                     unusable: Sequence[str]) -> list[Finding]:
    """Each given provincial ledger is named, with the same nominees, by the ledger's rubric record."""
    if unusable:
        return [Finding("nominations", message) for message in unusable]
    if given is None:
        return []
    recorded = {str(n.get("head")): n for n in _recorded_nominations(rubric_records)}
    findings = []
    for nomination in given:
        named = recorded.get(nomination.head)
        if named is None:
            findings.append(Finding("nominations", f"{nomination.ledger} is not a ledger this one names (its head "
                                    f"{nomination.head[:12]}… is not recorded)"))
        elif named != nomination.to_dict():
            findings.append(Finding("nominations", f"{nomination.ledger} nominates other candidates than the ledger "
                                    "records"))
    missing = recorded.keys() - {n.head for n in given}
    if missing:
        findings.append(Finding("nominations", f"the ledger names {len(recorded)} nominating ledgers and "
                                f"{len(missing)} of them were not given, so their nominees were not checked "
                                f"against them (heads {', '.join(sorted(h[:12] + '…' for h in missing))})"))
    return findings


def _verify_rubric(line: int, document: Mapping[str, Any], rubrics: RubricFinder, findings: list[Finding]) -> None:
    """A ledger's rubric record: is that rubric still there, and are its rules where the ledger says?"""
    compiled, _ = rubrics.find(as_mapping(document.get("rubric")))
    if compiled is None or rubrics.sha256(compiled) != as_mapping(document.get("rubric")).get("sha256"):
        return  # each scored record says so, naming what changed
    recorded = document.get("locations")
    recorded_steps = recorded if isinstance(recorded, list) else []  # any length, after tampering
    moved = [str(new[0]) for old, new in zip(recorded_steps, step_locations(compiled.program), strict=False)
             if old != new]
    if moved:
        findings.append(Finding("moved", f"{len(moved)} steps are recorded at other lines than the rubric has them now "
                                f"(first: {moved[0]}); the rubric's meaning is the same, its layout changed", line,
                                None, "note"))


def _replay_record(line: int, document: dict[str, Any], rubrics: RubricFinder,
                   described: Mapping[str, Mapping[str, Any]], against_current: bool,
                   findings: list[Finding]) -> tuple[Divergence | None, Any]:
    """The first divergence of a scored record, and the result derived again (None when it cannot be)."""
    if document.get("kind") != "scored":
        return None, None
    who = candidate_of(document) or "?"
    identity = as_mapping(document.get("rubric"))
    compiled, broken = rubrics.find(identity)
    if compiled is None:
        named = f"{identity.get('category')} edition {identity.get('edition')}"
        extra = f"; these rubric files did not load: {', '.join(broken)}" if broken else ""
        findings.append(Finding("rubric-not-found", f"no rubric {named} among {len(rubrics.files)} rubric files{extra}",
                                line, who))
        return None, None
    changed = ""
    if rubrics.sha256(compiled) != identity.get("sha256"):
        described_rubric = as_mapping(as_mapping(described.get(str(identity.get("sha256")))).get("rubric"))
        declarations = described_rubric.get("declarations")
        changed = _changed_declarations(as_mapping(declarations), compiled) or "its content hash differs"
    if changed and not against_current:
        findings.append(Finding("rubric-changed", f"{compiled.path} changed since scoring: {changed}; "
                                "replay with --against-current to re-score under it", line, who))
        return None, None
    inputs = as_mapping(document.get("inputs"))
    if hash_or_none(sha256, document.get("inputs")) != document.get("inputs_sha256"):
        findings.append(Finding("input-edited", "the recorded inputs do not match their hash", line, who))
    candidate = as_mapping(document.get("candidate"))
    defaulted = {str(d) for d in document.get("defaulted") or () if isinstance(d, str)} if isinstance(
        document.get("defaulted"), list) else set()
    given = {name: value for name, value in inputs.items() if name not in defaulted}
    stage = as_mapping(document.get("result")).get("stage")
    try:
        scorer = compiled.at_stage(stage) if isinstance(stage, str) else compiled
    except KeyError:
        findings.append(Finding("divergence", f"the rubric has no stage {stage!r} any more", line, who))
        return None, None
    try:
        result = scorer.evaluate(given, str(candidate.get("id")), name=text_or_none(candidate.get("name")))
    except InputError as error:
        findings.append(Finding("divergence", f"the recorded inputs no longer validate: {error}", line, who))
        return None, None
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


def _verify_placings(line: int, document: Mapping[str, Any], recorded: Spill, funnel: Funnel
                     ) -> Iterator[tuple[int, Finding]]:
    """Placings are steps too: each placing record against the funnel's decision for its candidate, in order,
    then the ranking record against what those decisions sum up to. The first difference is reported."""
    decisions = Decisions()
    records = iter(recorded)
    for placing in funnel.placings():
        decisions.add(placing)
        found = next(records, None)
        fresh = placing.to_dict()
        if found is None:
            yield line, Finding("ranking", f"no placing record for candidate {placing.candidate}: recomputed "
                                f"{_show(fresh)}", line, placing.candidate)
            return
        if as_mapping(found[1].get("placing")) != fresh:
            yield found[0], Finding("ranking", f"candidate {placing.candidate}: recorded "
                                    f"{_show(found[1].get('placing'))}, recomputed {_show(fresh)}", found[0],
                                    placing.candidate)
            return
    extra = next(records, None)
    if extra is not None:
        yield extra[0], Finding("ranking", "a placing record for a candidate the ledger did not score", extra[0])
        return
    summed = decisions.to_dict()
    for key in ("placings", "nominated", "awarded"):
        if document.get(key) != summed[key]:
            yield line, Finding("ranking", f"the ranking record's {key}: recorded {_show(document.get(key))}, "
                                f"recomputed {_show(summed[key])}", line)
            return
    if document.get("rule") != funnel_rule(funnel.rules.model):
        yield line, Finding("ranking", f"the ranking record's rule: recorded {_show(document.get('rule'))}, the "
                            f"rubric's {_show(funnel_rule(funnel.rules.model))}", line)

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
    steps = {step.id: step for step in result.trace or ()}
    for step_id in (str(location[0]) for location in step_locations(result.program)):
        if step_id not in fresh["trace"] or recorded.get(step_id) == fresh["trace"][step_id]:
            continue
        step = steps[step_id]
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
