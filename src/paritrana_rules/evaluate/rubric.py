"""The pipeline in one object: rubric text -> parse -> extends -> check -> compile -> `CompiledRubric`.

A `CompiledRubric` validates candidates' values and scores them, at the last
stage or at any earlier one. It is immutable and holds no global state, so one
instance can score candidates from many threads. It pickles as its source
texts and path and is rebuilt (parsed, checked, compiled) on unpickling,
because its compiled function cannot be pickled itself.

How a result is made is the rubric's to say (`make_result`): `CompiledRubric`
makes plain `Result`s, and the public rubric of `paritrana_rules.api` makes
results that can explain and audit themselves, which this layer, below
explanations and audit records, cannot. Both share `CompiledRubricBase`;
code that takes either is typed with `AnyRubric`.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

import attrs

from paritrana_rules import data
from paritrana_rules.check import check
from paritrana_rules.check.model import RubricModel
from paritrana_rules.check.stages import last_stage
from paritrana_rules.compile.codegen import compile_rubric
from paritrana_rules.compile.program import Program
from paritrana_rules.errors import Diagnostic, InputError, InputProblem, RubricError, sort_diagnostics
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.scoring import evaluate
from paritrana_rules.language import extends
from paritrana_rules.language.extends import Reader, read_rubric
from paritrana_rules.language.syntax import parse
from paritrana_rules.numeric import exact

# Diagnostics that a declaration lost to a syntax error would cause on its own.
_CONSEQUENTIAL = {"W400", "W405", "L800", "L801", "L803", "H103"}


ResultT = TypeVar("ResultT", bound=Result)


class CompiledRubricBase(abc.ABC, Generic[ResultT]):
    """A checked, compiled rubric, ready to score any number of candidates into results of type `ResultT`."""

    def __init__(self: Self, model: RubricModel, warnings: list[Diagnostic], stage: int | None = None) -> None:
        self.whole = model  # the rubric as written; `model` is what is known at `stage`
        self.program: Program = compile_rubric(model, stage)
        self.stage = self.program.stage
        self.model = self.program.model
        self.warnings = tuple(warnings)
        self.input_specs: tuple[data.InputSpec, ...] = tuple(i.spec for i in self.model.inputs)
        self._views: dict[int, Self] = {self.stage: self}

    @classmethod
    def from_text(cls, text: str, path: str = "<rubric>", read: Reader | None = None) -> Self:
        """Compile rubric text; RubricError lists every problem if it does not check."""
        model, diagnostics = diagnose(text, path, read)
        if model is None:
            raise RubricError(diagnostics)
        return cls(model, diagnostics)

    @classmethod
    def from_file(cls, path: str | Path) -> Self:
        """Read, parse, check and compile a rubric file."""
        return cls.from_text(read_rubric(path), str(path))

    @property
    def stage_names(self) -> tuple[str, ...]:
        """The stages the rubric declares, in order (empty when it declares none)."""
        return self.program.stage_names

    @property
    def stage_name(self) -> str | None:
        """The stage this rubric scores at, when it declares stages."""
        return self.program.stage_name

    @property
    def awaiting(self) -> tuple[str, ...]:
        """The inputs of later stages: what a candidate scored at this stage is still waiting for."""
        return self.program.awaiting

    @property
    def path(self) -> str:
        return self.program.path

    @property
    def identity(self) -> dict[str, Any]:
        """Award, edition, period, category, sector and round: what a rubric is known by."""
        return self.program.identity

    def at_stage(self, stage: str | int) -> Self:
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
            view = type(self)(self.whole, list(self.warnings), index)
            view._views = self._views
            self._views[index] = view
        return self._views[index]

    def stage_for(self, values: Mapping[str, Any]) -> Self:
        """The rubric at the stage a candidate's data has reached: the last stage all of whose inputs it gives.

        An input that is missing or empty and has no default has not arrived yet;
        a stage's data counts only when every earlier stage's is there too.
        """
        if not self.whole.stages:
            return self
        reached = 0
        for index, arriving in enumerate(self.arriving[1:], 1):
            if any(data.is_missing(values.get(name)) for name in arriving):
                break
            reached = index
        return self.at_stage(reached)

    @functools.cached_property
    def arriving(self) -> list[list[str]]:
        """For each stage, the inputs without a default that arrive at it."""
        return [[i.spec.name for i in self.whole.inputs if i.stage == index and not i.spec.has_default]
                for index in range(last_stage(self.whole) + 1)]

    @abc.abstractmethod
    def make_result(self, **fields: Any) -> ResultT:
        """A result of this rubric, from `Result`'s fields (see the module's docstring)."""

    @exact
    def evaluate(
        self, inputs: Mapping[str, Any], candidate_id: str = "candidate", *, name: str | None = None, trace: bool = True
    ) -> ResultT:
        """Validate one candidate's raw inputs and score them; InputError lists every problem."""
        if not isinstance(inputs, Mapping):
            raise InputError([InputProblem(candidate_id, None, f"the inputs must be a mapping of names to values, got "
                                           f"{type(inputs).__name__}")])
        values, defaulted = data.validate_with_defaults(inputs, self.input_specs, candidate_id, name=name)
        return self._scored(values, candidate_id, name, defaulted, trace)

    def evaluate_candidate(self, candidate: data.Candidate, *, trace: bool = True) -> ResultT:
        """Score an already validated candidate (from `data.load_candidates`)."""
        return self._scored(candidate.values, candidate.id, candidate.name, candidate.defaulted, trace)

    def score_record(self, raw: data.RawCandidate, first_origin: str | None = None, *, stage: str | None = None,
                     trace: bool = True) -> ResultT | data.Rejected:
        """A record as read, validated and scored at `stage`, or at the stage its data has reached.

        Values for later stages are not read at an earlier one. `first_origin` is where
        the record's id was first used (see `data.with_first_origins`); None skips that check.
        """
        view = self.at_stage(stage) if stage is not None else self.stage_for(raw.values)
        if view.awaiting:
            raw = attrs.evolve(raw, values={k: v for k, v in raw.values.items() if k not in view.awaiting})
        judged = data.judge(raw, view.input_specs, first_origin)
        return view.score_or_reject(judged, trace=trace) if isinstance(judged, data.Candidate) else judged

    def score_or_reject(self, candidate: data.Candidate, *, trace: bool = True) -> ResultT | data.Rejected:
        """Score a validated candidate; one whose arithmetic cannot stay exact is rejected, never the whole batch."""
        try:
            return self.evaluate_candidate(candidate, trace=trace)
        except InputError as error:
            return data.Rejected(candidate.id, candidate.name, candidate.origin, tuple(error.problems),
                                 candidate.expect)

    def _scored(self, values: Mapping[str, Any], candidate_id: str, name: str | None, defaulted: frozenset[str],
                trace: bool) -> ResultT:
        """Evaluate; arithmetic that cannot stay exact becomes a problem of this candidate, not a crash of the batch."""
        try:
            return evaluate(self.program, values, self.make_result, candidate_id=candidate_id,
                            candidate_name=name, defaulted=defaulted, trace=trace)
        except ArithmeticError as error:
            raise InputError([InputProblem(candidate_id, None, "these values cannot be scored exactly: the numbers "
                                           f"they lead to are too large ({type(error).__name__})",
                                           "check the units and magnitudes of the inputs")]) from None

    def __reduce__(self) -> tuple[Any, ...]:
        texts = {path: source.text for path, source in self.model.sources.items()}
        return (_rebuild, (type(self), self.model.source.path, texts, self.stage))

    def __repr__(self) -> str:
        ident = self.identity
        return f"<{type(self).__name__} {ident['category']} edition {ident['edition']} from {self.path}>"


class CompiledRubric(CompiledRubricBase[Result]):
    """A compiled rubric whose results are plain data (`Result`)."""

    def make_result(self, **fields: Any) -> Result:
        return Result(**fields)


AnyRubric = CompiledRubricBase[Any]


@exact
def diagnose(text: str, path: str = "<rubric>",
             read: Reader | None = None) -> tuple[RubricModel | None, list[Diagnostic]]:
    """Parse, merge what it extends, and check, returning every diagnostic; the model is None if any is an error.

    `read` supplies the text of extended rubrics by path (default: read the file). Text beyond the
    language's limits (`language.limits`) is refused by `parse` and `extends.resolve` before anything
    reads it further, so no text can take the checker deeper than they allow.
    """
    outcome = parse(text, path)
    diagnostics = list(outcome.diagnostics)
    if outcome.rubric is None:
        return None, diagnostics
    merged = extends.resolve(outcome.rubric, outcome.source, read or read_rubric)
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
    return diagnostic.code[0] in "NT" and any(f"'{name}'" in diagnostic.message for name in broken)


def _rebuild(cls: type[AnyRubric], path: str, texts: dict[str, str], stage: int) -> AnyRubric:
    """Unpickling: compile again from the very texts it was built from, not from today's files.

    An extended rubric is looked up by the end of its path, which is what `extends` names; where the
    rubrics folder sits may differ in the process that unpickles.
    """
    def read(name: str) -> str:
        wanted = Path(name).parts
        best = max(texts, key=lambda key: _common_tail(Path(key).parts, wanted))
        return texts[best]

    return cls.from_text(texts[path], path, read=read).at_stage(stage)


def _common_tail(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[-1 - count] == b[-1 - count]:
        count += 1
    return count
