"""The pipeline in one place: rubric text -> parse -> check -> compile -> `CompiledRubric`.

A `CompiledRubric` is immutable and holds no global state, so one instance can
score candidates from many threads. It pickles as its source text and path and
is rebuilt (parsed, checked, compiled) on unpickling, because its compiled
closures cannot be pickled themselves.
"""

from __future__ import annotations

import functools

import attrs
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paritrana_rules import data
from paritrana_rules.language import extends
from paritrana_rules.check import stages
from paritrana_rules.language.extends import Reader
from paritrana_rules.check import check
from paritrana_rules.compile.program import Program, compile_rubric
from paritrana_rules.errors import Diagnostic, InputError, InputProblem, RubricError, sort_diagnostics
from paritrana_rules.evaluate.scoring import evaluate
from paritrana_rules.check.model import RubricModel
from paritrana_rules.numeric import exact
from paritrana_rules.evaluate.result import Result
from paritrana_rules.source import SourceFile, Span
from paritrana_rules.check.stages import last_stage
from paritrana_rules.language.syntax import parse

if TYPE_CHECKING:
    from paritrana_rules.audit.records import RecordWriter

# Diagnostics that a declaration lost to a syntax error would cause on its own.
_CONSEQUENTIAL = {"W400", "W405", "L800", "L801", "H103"}


class CompiledRubric:
    """A checked, compiled rubric, ready to score any number of candidates."""

    def __init__(self, model: RubricModel, warnings: list[Diagnostic], stage: int | None = None) -> None:
        self.whole = model  # the rubric as written; `model` is what is known at `stage`
        self.stage = last_stage(model) if stage is None else stage
        self.model = model if stage is None else stages.model_at(model, stage)
        self.program: Program = compile_rubric(self.model, self.stage)
        self.warnings = tuple(warnings)
        self.input_specs: tuple[data.InputSpec, ...] = tuple(i.spec for i in self.model.inputs)
        self._views: dict[int, CompiledRubric] = {self.stage: self}

    @functools.cached_property
    def stage_names(self) -> tuple[str, ...]:
        """The stages the rubric declares, in order (empty when it declares none)."""
        return tuple(s.decl.name for s in self.whole.stages)

    @property
    def stage_name(self) -> str | None:
        """The stage this rubric scores at, when it declares stages."""
        return self.stage_names[self.stage] if self.stage_names else None

    @functools.cached_property
    def awaiting(self) -> tuple[str, ...]:
        """The inputs of later stages: what a candidate scored at this stage is still waiting for."""
        return stages.inputs_after(self.whole, self.stage)

    def at_stage(self, stage: str | int) -> CompiledRubric:
        """The rubric as it scores candidates at an earlier stage, before later stages' inputs exist.

        Criteria, gates and adjustments that read only what is known by then are
        scored; the total is their provisional sum; a candidate who passes every
        advance rule so far is `pending`. Raises KeyError for an unknown stage.
        """
        index = stage if isinstance(stage, int) else self.stage_names.index(stage) if stage in self.stage_names \
            else None
        if index is None or not 0 <= index <= last_stage(self.whole):
            raise KeyError(stage)
        if index not in self._views:
            view = CompiledRubric(self.whole, list(self.warnings), index)
            view._views = self._views
            self._views[index] = view
        return self._views[index]

    def stage_for(self, values: Mapping[str, Any]) -> CompiledRubric:
        """The rubric at the stage a candidate's data has reached: the last stage all of whose inputs it gives.

        An input that is missing or empty and has no default has not arrived yet;
        a stage's data counts only when every earlier stage's is there too.
        """
        if not self.whole.stages:
            return self
        reached = 0
        for index, arriving in enumerate(self._arriving[1:], 1):
            if any(data.is_missing(values.get(name)) for name in arriving):
                break
            reached = index
        return self.at_stage(reached)

    @functools.cached_property
    def _arriving(self) -> list[list[str]]:
        """For each stage, the inputs without a default that arrive at it."""
        return [[i.spec.name for i in self.whole.inputs if i.stage == index and not i.spec.has_default]
                for index in range(last_stage(self.whole) + 1)]

    @property
    def path(self) -> str:
        return self.model.source.path

    @functools.cached_property
    def audit_identity(self) -> dict[str, Any]:
        """Identity plus content hashes, as audit records carry them (computed once: it is immutable)."""
        from paritrana_rules.audit.records import rubric_section

        return rubric_section(self)

    @functools.cached_property
    def record_writer(self) -> RecordWriter:
        """Writes this rubric's audit records (built once: what is the same in every record is encoded once)."""
        from paritrana_rules.audit.records import RecordWriter

        return RecordWriter(self)

    @property
    def identity(self) -> dict[str, Any]:
        """Award, edition, period, category, sector and round: what a rubric is known by."""
        rubric = self.model.rubric
        return {
            "award": rubric.award, "edition": int(rubric.edition), "period": int(rubric.period),
            "category": self.model.category, "sector": self.model.sector, "round": self.model.round,
        }

    @exact
    def evaluate(
        self, inputs: Mapping[str, Any], candidate_id: str = "candidate", *, name: str | None = None, trace: bool = True
    ) -> Result:
        """Validate one candidate's raw inputs and score them; InputError lists every problem."""
        if not isinstance(inputs, Mapping):
            raise InputError([InputProblem(candidate_id, None, f"the inputs must be a mapping of names to values, got "
                                           f"{type(inputs).__name__}")])
        values, defaulted = data.validate_with_defaults(inputs, self.input_specs, candidate_id)
        return _scored(self, values, candidate_id, name, defaulted, trace)

    def evaluate_candidate(self, candidate: data.Candidate, *, trace: bool = True) -> Result:
        """Score an already validated candidate (from `data.load_candidates`)."""
        return _scored(self, candidate.values, candidate.id, candidate.name, candidate.defaulted, trace)

    def score_record(self, raw: data.RawCandidate, first_origin: str | None = None, *, stage: str | None = None,
                     trace: bool = True) -> Result | data.Rejected:
        """A record as read, validated and scored at `stage`, or at the stage its data has reached.

        Values for later stages are not read at an earlier one. `first_origin` is where
        the record's id was first used (see `data.with_first_origins`); None skips that check.
        """
        view = self.at_stage(stage) if stage is not None else self.stage_for(raw.values)
        if view.awaiting:
            raw = attrs.evolve(raw, values={k: v for k, v in raw.values.items() if k not in view.awaiting})
        judged = data.judge(raw, view.input_specs, first_origin)
        return view.score_or_reject(judged, trace=trace) if isinstance(judged, data.Candidate) else judged

    def score_or_reject(self, candidate: data.Candidate, *, trace: bool = True) -> Result | data.Rejected:
        """Score a validated candidate; one whose arithmetic cannot stay exact is rejected, never the whole batch."""
        try:
            return self.evaluate_candidate(candidate, trace=trace)
        except InputError as error:
            return data.Rejected(candidate.id, candidate.name, candidate.origin, tuple(error.problems),
                                 candidate.expect)

    def __reduce__(self) -> tuple[Any, ...]:
        texts = {path: source.text for path, source in self.model.sources.items()}
        return (_rebuild, (self.model.source.path, texts, self.stage))

    def __repr__(self) -> str:
        ident = self.identity
        return f"<CompiledRubric {ident['category']} edition {ident['edition']} from {self.path}>"


def _scored(rubric: CompiledRubric, values: Mapping[str, Any], candidate_id: str, name: str | None,
            defaulted: frozenset[str], trace: bool) -> Result:
    """Evaluate; arithmetic that cannot stay exact becomes a problem of this candidate, not a crash of the batch."""
    try:
        return evaluate(rubric, values, candidate_id=candidate_id, candidate_name=name, defaulted=defaulted,
                        trace=trace)
    except ArithmeticError as error:
        raise InputError([InputProblem(candidate_id, None, "these values cannot be scored exactly: the numbers they "
                                       f"lead to are too large ({type(error).__name__})",
                                       "check the units and magnitudes of the inputs")]) from None


@exact
def diagnose(text: str, path: str = "<rubric>", read: Reader | None = None) -> tuple[RubricModel | None, list[Diagnostic]]:
    """Parse, merge what it extends, and check, returning every diagnostic; the model is None if any is an error.

    `read` supplies the text of extended rubrics by path (default: read the file).
    """
    try:
        return _diagnose(text, path, read or read_rubric)
    except RecursionError:
        where = Span(path, 1, 1, 1, 1)
        return None, [Diagnostic("P103", "the rubric nests expressions too deeply to be checked", where,
                                 text.split("\n", 1)[0], "split long formulas into several 'let' declarations")]


def _diagnose(text: str, path: str, read: Reader) -> tuple[RubricModel | None, list[Diagnostic]]:
    outcome = parse(text, path)
    diagnostics = list(outcome.diagnostics)
    if outcome.rubric is None:
        return None, diagnostics
    merged = extends.resolve(outcome.rubric, SourceFile(path, text), read)
    diagnostics.extend(merged.diagnostics)
    if merged.rubric is None:
        return None, sort_diagnostics(diagnostics)
    model, found = check(merged.rubric, merged.sources)
    if outcome.diagnostics:
        found = [d for d in found if not _consequence(d, outcome.broken_names)]
    diagnostics.extend(found)
    if outcome.diagnostics or merged.diagnostics:
        model = None
    return model, sort_diagnostics(diagnostics)


def _consequence(diagnostic: Diagnostic, broken: frozenset[str]) -> bool:
    if diagnostic.code in _CONSEQUENTIAL:
        return True
    return diagnostic.code in ("N200", "N209", "N215") and any(f"'{name}'" in diagnostic.message for name in broken)


def loads(text: str, path: str = "<rubric>", read: Reader | None = None) -> CompiledRubric:
    """Compile rubric text; RubricError lists every problem if it does not check."""
    model, diagnostics = diagnose(text, path, read)
    if model is None:
        raise RubricError(diagnostics)
    return CompiledRubric(model, diagnostics)


def _rebuild(path: str, texts: dict[str, str], stage: int | None = None) -> CompiledRubric:
    """Unpickling: compile again from the very texts it was built from, not from today's files.

    An extended rubric is looked up by the end of its path, which is what `extends` names; where the
    rubrics folder sits may differ in the process that unpickles.
    """
    def read(name: str) -> str:
        wanted = Path(name).parts
        best = max(texts, key=lambda key: _common_tail(Path(key).parts, wanted))
        return texts[best]

    whole = loads(texts[path], path, read=read)
    return whole if stage is None else whole.at_stage(stage)


def _common_tail(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count


def read_rubric(path: str | Path) -> str:
    """A rubric file's text, or RubricError saying why it cannot be read."""
    location = Span(str(path), 1, 1, 1, 1)
    try:
        return Path(path).read_text(encoding="utf-8-sig")  # a byte-order mark from Windows editors is harmless
    except UnicodeDecodeError as error:
        before = error.object[: error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        text = error.object.decode("utf-8", errors="replace").splitlines()
        where = Span(str(path), line, column, line, column + 1)
        raise RubricError([Diagnostic(
            "F002", f"the rubric is not UTF-8 text: byte 0x{error.object[error.start]:02x} cannot be read",
            where, text[line - 1] if line <= len(text) else "", hint="save the file as UTF-8 (most editors offer "
            "this under 'Save as' or 'Encoding')")]) from None
    except OSError as error:
        raise RubricError([Diagnostic("F001", f"cannot read the rubric: {error.strerror or error}", location,
                                      hint="check the path")]) from None


def load(path: str | Path) -> CompiledRubric:
    """Read, parse, check and compile a rubric file."""
    return loads(read_rubric(path), str(path))
