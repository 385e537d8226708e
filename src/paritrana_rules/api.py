"""The public API: rubrics loaded from text or files, whose results explain and audit themselves, and what
each command of the `paritrana-rules` tool does, as functions other front ends can call too.

Below this module every stage works on plain data and looks only down: a
`evaluate.result.Result` knows nothing of explanations or audit records. The
conveniences a user reaches for (`result.explain()`, `result.audit()`,
`result.to_dict()`) are defined here, above `explain` and `audit`, by the
public `CompiledRubric`, which makes its results as this module's `Result`.
`paritrana_rules` exports the core of it; the command line uses nothing else.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

import paritrana_rules.evaluate.result as evaluated
import paritrana_rules.evaluate.rubric as compiled
from paritrana_rules.audit import replay as replaying
from paritrana_rules.audit.ledger import Finding
from paritrana_rules.audit.nominations import nominations_for, read_nominations
from paritrana_rules.audit.records import Nomination, RecordWriter
from paritrana_rules.audit.reports import Divergence, ReplayReport
from paritrana_rules.audit.signing import PublicKey, SigningKey, keygen, load_public_key, load_signing_key
from paritrana_rules.batch.cells import status_word
from paritrana_rules.batch.run import FORMATS, BatchReport, score_file
from paritrana_rules.committee.cases import RubricTests, cases_file_for, run_cases
from paritrana_rules.committee.ci_report import FORMS as TEST_REPORT_FORMS
from paritrana_rules.committee.ci_report import render as report_of_tests
from paritrana_rules.committee.ci_report import summary as summary_of_tests
from paritrana_rules.committee.catalogue import Entry as CatalogueEntry
from paritrana_rules.committee.catalogue import Reading as TitleReading
from paritrana_rules.committee.catalogue import Section as CatalogueSection
from paritrana_rules.committee.catalogue import catalogue, title_readings
from paritrana_rules.committee.catalogue import render as render_catalogue
from paritrana_rules.committee.catalogue import sections as catalogue_sections
from paritrana_rules.committee.catalogue import to_json as catalogue_json
from paritrana_rules.committee.diff import Change, diff_rubrics, pair_folders
from paritrana_rules.committee.edition import new_edition_text, write_new_rubric
from paritrana_rules.committee.moves import Movement, rescore
from paritrana_rules.committee.diff_report import RubricDiff, compare, render_json, render_movements, render_text
from paritrana_rules.data import Format, RawCandidate, Rejected, iter_candidates, with_first_origins
from paritrana_rules.data.schema import candidate_schema as schema_of_inputs
from paritrana_rules.errors import (
    Diagnostic,
    Error,
    Indonesian,
    InputError,
    InputProblem,
    NominationError,
    RubricError,
    UsageError,
    did_you_mean,
    render_all,
)
from paritrana_rules.evaluate.result import Status
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.explain import explanation, outcome
from paritrana_rules.explain.handbook import handbook, handbook_pdf
from paritrana_rules.explain.margins import Band, Margin
from paritrana_rules.explain.margins import band_margins as margins_of
from paritrana_rules.explain.template import FORMATS as TEMPLATE_FORMATS
from paritrana_rules.explain.template import candidate_template
from paritrana_rules.explain.words import label
from paritrana_rules.language.extends import Reader, read_rubric, real_path, rubric_files
from paritrana_rules.language.format import format_file, format_text, rewrite_rubric
from paritrana_rules.numeric import plain
from paritrana_rules.outputs import atomic_file, for_terminal, write_atomically
from paritrana_rules.processes import WorkerDied
from paritrana_rules.rank.sensitivity import SensitivityReport
from paritrana_rules.rank.sensitivity import sensitivity as rank_sensitivity
from paritrana_rules.source import Span
from paritrana_rules.version import VERSION

__all__ = [
    "FORMATS",
    "TEMPLATE_FORMATS",
    "TEST_REPORT_FORMS",
    "VERSION",
    "Band",
    "BatchReport",
    "CatalogueEntry",
    "CatalogueSection",
    "Change",
    "CompiledRubric",
    "Diagnostic",
    "Divergence",
    "Error",
    "Finding",
    "Indonesian",
    "InputError",
    "Margin",
    "Movement",
    "NominationError",
    "PublicKey",
    "ReplayReport",
    "Result",
    "RubricDiff",
    "RubricError",
    "RubricTests",
    "SensitivityReport",
    "SigningKey",
    "Span",
    "Status",
    "TitleReading",
    "UsageError",
    "WorkerDied",
    "atomic_file",
    "band_margins",
    "candidate_schema",
    "candidate_template",
    "cases_file_for",
    "catalogue",
    "catalogue_json",
    "catalogue_sections",
    "check_file",
    "compare",
    "diagnose",
    "did_you_mean",
    "diff_rubrics",
    "for_terminal",
    "format_file",
    "format_text",
    "handbook",
    "handbook_pdf",
    "keygen",
    "label",
    "load",
    "load_public_key",
    "load_signing_key",
    "loads",
    "new_edition_text",
    "nominations_for",
    "pair_folders",
    "plain",
    "read_rubric",
    "real_path",
    "render_all",
    "render_catalogue",
    "render_json",
    "render_movements",
    "render_text",
    "replay",
    "report_of_tests",
    "rescore",
    "rewrite_rubric",
    "rubric_files",
    "run_cases",
    "score_candidate",
    "score_file",
    "sensitivity",
    "status_word",
    "summary_of_tests",
    "title_readings",
    "write_atomically",
    "write_new_rubric",
]


@attrs.frozen(kw_only=True, slots=False)
class Result(evaluated.Result):
    """The score of one candidate, as the public API returns it: it can explain and audit itself."""

    rubric: CompiledRubric = attrs.field(eq=False, repr=False)

    def explain(self, lang: str = "en", format: Literal["text", "markdown", "html"] = "text") -> str:
        """A person-readable derivation in Bahasa Indonesia ("id") or English ("en"); "html": one whole page."""
        return explanation.explain(self, lang=lang, format=format)

    def audit(self, prev: str | None = None) -> dict[str, Any]:
        """The audit record (JSON-ready, hashed; schema in docs/audit.schema.json) that `replay` verifies."""
        return self.rubric.record_writer.record(self, prev)

    def reasons(self, lang: str = "en") -> list[str]:
        """Why the candidate is not simply eligible: failed gates, a stage not passed, or what it still waits for."""
        return explanation.reasons(self, lang)

    def summary(self, lang: str = "en") -> dict[str, Any]:
        """The outcome with each criterion's points: what a CSV row or a table shows (cheaper than `to_dict`)."""
        return outcome.summary(self, lang)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready: decimals as strings, in a fixed key order; reasons in `lang`."""
        return outcome.to_dict(self, lang)


class CompiledRubric(compiled.CompiledRubricBase["Result"]):
    """A checked, compiled rubric whose results explain and audit themselves (see `Result`)."""

    def make_result(self, **fields: Any) -> Result:
        return Result(rubric=self, **fields)

    @functools.cached_property
    def record_writer(self) -> RecordWriter:
        """Writes this rubric's audit records (built once: what is the same in every record is encoded once)."""
        return RecordWriter(self.program)


def loads(text: str, path: str = "<rubric>", read: Reader | None = None) -> CompiledRubric:
    """Compile rubric text; RubricError lists every problem if it does not check.

    `read` supplies the text of extended rubrics by path (default: read the file).
    """
    return CompiledRubric.from_text(text, path, read)


def load(path: str | Path) -> CompiledRubric:
    """Read, parse, check and compile a rubric file."""
    return CompiledRubric.from_file(path)


def replay(
    source: Mapping[str, Any] | Sequence[Mapping[str, Any]] | str | Path,
    rubric_paths: Iterable[str | Path] | None = None,
    *,
    against_current: bool = False,
    nominees: Iterable[str | Path] = (),
    jobs: int = 1,
    head: str | None = None,
    public_key: PublicKey | str | Path | None = None,
) -> ReplayReport:
    """Verify one record, a list of ledger records, or a ledger file (.jsonl); see `audit.replay.replay`.

    For a national round, `nominees` are the provincial ledgers' paths: each is
    replayed first, and must be one the ledger names, nominating the same
    candidates. A provincial ledger that cannot be used is a finding. `head` is
    the seal head the committee published, `public_key` its public key (or the
    key file's path): a ledger whose seal differs, or is not signed by it, is a finding.
    """
    paths = list(nominees)
    searched = list(rubric_paths) if rubric_paths is not None else None
    given: Sequence[Nomination] | None = None
    unusable: Sequence[str] = ()
    if paths:
        try:
            given = read_nominations(paths, searched or ())
        except NominationError as error:
            unusable = error.messages
    return replaying.replay(source, searched, against_current=against_current, nominees=given,
                            unusable_nominees=unusable, jobs=jobs, head=head, public_key=public_key)


def check_file(path: str | Path) -> list[Diagnostic]:
    """Every diagnostic of one rubric file (its own and those of what it extends), or why it cannot be read."""
    try:
        _, diagnostics = diagnose(read_rubric(path), str(path))
    except RubricError as error:
        diagnostics = error.diagnostics
    return diagnostics


def sensitivity(rubric: CompiledRubric, data: str | Path, *, criteria: Sequence[str] | None = None,
                data_format: Format | None = None) -> SensitivityReport:
    """How far each weight can move, exactly, before the funnel's decisions over a data file's candidates change.

    InputError listing every problem when any candidate's data does not validate (an analysis over part of the
    candidates would mislead); UsageError when the rubric does not rank or names no such criterion.
    """
    if rubric.model.ranking is None:
        raise UsageError(f"{rubric.path} does not rank its candidates, so no decision can move: sensitivity "
                         "needs a 'rank candidates by ...'")
    results: list[Result] = []
    problems: list[InputProblem] = []
    for raw, first in with_first_origins(iter_candidates(data, data_format)):
        scored = rubric.score_record(raw, first)
        if isinstance(scored, Rejected):
            problems += scored.problems
        else:
            results.append(scored)
    if problems:
        raise InputError(problems)
    names = [c.decl.name for c in rubric.model.criteria]
    for name in criteria or ():
        if name not in names:
            hint = did_you_mean(name, names)
            raise UsageError(f"the rubric has no criterion '{name}'" + (f"; {hint}" if hint else ""))
    return rank_sensitivity(rubric, results, criteria=criteria)


def band_margins(rubric: CompiledRubric, candidate: Result | Mapping[str, Any], lang: str = "en") -> list[Margin]:
    """For each criterion with points of its own, how far one candidate is from its next better band.

    `candidate` is a traced result of `rubric` (as `evaluate` or `score_candidate` give) or a mapping of input
    values, scored with `rubric.evaluate` (InputError listing every problem). Each `Margin` (`to_dict()` for
    JSON) says, in `lang`, the band the criterion is in, the nearest band giving more points and the exact change
    of the number it bands that reaches it (a let's change when the band is over a let); a criterion at its best
    band says so, one whose points are not the band of one number, or not scored yet at the candidate's stage,
    says that (`explain.margins`).
    """
    result = candidate if isinstance(candidate, evaluated.Result) else rubric.evaluate(candidate)
    return margins_of(result, lang)


def candidate_schema(rubric: CompiledRubric, lang: str = "en") -> dict[str, Any]:
    """The JSON Schema of a JSON data file of this rubric's candidates, titled in `lang` (see `data.schema`)."""
    inputs = rubric.whole.inputs
    return schema_of_inputs([i.spec for i in inputs], {i.spec.name: label(i.decl.meta, i.spec.name, lang)
                                                        for i in inputs}, title=f"Candidates for {rubric.path}")


def score_candidate(rubric: CompiledRubric, data: str | Path, candidate: str | None = None,
                    data_format: Format | None = None, data_label: str | None = None) -> Result:
    """One candidate of a data file, scored at the stage its data has reached (as a batch would score it).

    `candidate` is its id, which may be left out when the file holds one candidate only; `data_label` is what
    problems call the file, if not its path. UsageError when there is no such candidate; InputError when its
    data does not validate.
    """
    records: dict[str, tuple[RawCandidate, str | None]] = {}
    for raw, first in with_first_origins(iter_candidates(data, data_format, data_label)):
        records.setdefault(raw.id if raw.id is not None else raw.origin, (raw, first))
    known = list(records)
    named = data_label or data
    if candidate is None:
        if len(known) != 1:
            raise UsageError(f"{named} has {len(known)} candidates; choose one with --candidate "
                             f"({', '.join(known[:10])}{', ...' if len(known) > 10 else ''})")
        candidate = known[0]
    if candidate not in records:
        hint = did_you_mean(candidate, known)
        raise UsageError(f"no candidate '{candidate}' in {named}" + (f"; {hint}" if hint else ""))
    scored = rubric.score_record(*records[candidate])
    if isinstance(scored, Rejected):
        raise InputError(list(scored.problems))
    return scored
