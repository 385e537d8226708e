"""A result's criteria and points, read on the fast path, are exactly what the trace and the explanation show.

`Result.criteria` and `Result.points` are laid out from the compiled function's
entries through a table made once per program; the trace and the explanation
are laid out from the same entries another way. These tests hold the two ways
to the same numbers, digit for digit, on bundled rubrics (nested criteria,
stages, jury panels) and on generated ones.
"""

from __future__ import annotations

import copy
import functools
import gc
import pickle
import re
import weakref
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.evaluate.result import CriterionPlace, CriterionResult, criteria_table
from paritrana_rules.numeric import plain

from .strategies import candidate_inputs, small_rubric

ROOT = Path(__file__).resolve().parents[1]
STAGED = "rubrics/2024/kabupaten-kota.rubric"  # three stages; the interview's criteria arrive last
PANELS = "rubrics/2025/pemerintah-desa.rubric"  # a jury panel's scores enter a criterion
RUBRICS = [STAGED, PANELS, "rubrics/2024/perusahaan-besar.rubric", "rubrics/2018/ukm.rubric",
           "rubrics/2023/layanan-publik-nasional.rubric"]
# "Label (name) — weight 25% — 20.00 points, adds ...", "name — weight 80% of regulasi — 0.00 points, adds ..."
EXPLAINED_POINTS = re.compile(r"(?:\((?P<labelled>\w+)\)|^ *(?P<bare>\w+)) — weight [\d.,]+%[^—]*— "
                              r"(?P<points>[\d.,]+) points, adds ", re.MULTILINE)


@functools.cache
def bundled(relative: str) -> pr.CompiledRubric:
    return pr.load(ROOT / relative)


def exactly(value: Any) -> tuple[type, str]:
    """A value with its type and every digit as written: Decimal('5.0') and Decimal('5.00') differ here."""
    return type(value), str(value)


def traced_criteria(result: pr.Result) -> dict[str, pr.TraceStep]:
    assert result.trace is not None
    return {step.name: step for step in result.trace if step.kind == "criterion"}


def explained_points(result: pr.Result) -> dict[str, Decimal]:
    """Each criterion's points as the English explanation's criteria section prints them."""
    section = result.explain("en").split("\nCriteria\n", 1)[1]
    return {m["labelled"] or m["bare"]: Decimal(m["points"].replace(",", ""))
            for m in EXPLAINED_POINTS.finditer(section)}


def assert_points_agree(rubric: pr.CompiledRubric, inputs: dict[str, Any]) -> None:
    """The fast path's criteria and points against the traced path's trace, dict form and explanation."""
    fast = rubric.evaluate(inputs, "fast", trace=False)
    traced = rubric.evaluate(inputs, "traced")
    steps = traced_criteria(traced)
    names = [c.decl.name for c in rubric.model.criteria]

    assert list(fast.points) == names == [c.name for c in fast.criteria]
    assert {n: exactly(p) for n, p in fast.points.items()} == {n: exactly(s.value) for n, s in steps.items()}
    for criterion, model in zip(fast.criteria, rubric.model.criteria, strict=True):
        step = steps[criterion.name]
        assert criterion.parent == model.decl.parent
        assert exactly(criterion.weight) == exactly(step.get("weight"))
        assert exactly(criterion.points) == exactly(step.value)
        assert exactly(criterion.contribution) == exactly(step.get("contribution"))
        assert fast.criterion(criterion.name) is criterion
    assert fast.criteria == traced.criteria
    assert fast.points == traced.points

    shown = traced.to_dict()["criteria"]
    assert [c["name"] for c in shown] == names
    assert {c["name"]: c["points"] for c in shown} == {n: plain(p) for n, p in fast.points.items()}
    assert {c["name"]: c["contribution"] for c in shown} == {c.name: plain(c.contribution) for c in fast.criteria}
    assert traced.summary()["points"] == {n: plain(p) for n, p in fast.points.items()}
    assert explained_points(traced) == fast.points


@pytest.mark.parametrize("relative", RUBRICS)
def test_fast_points_are_what_the_trace_and_explanation_show(relative: str) -> None:
    rubric = bundled(relative)

    @given(candidate_inputs(rubric.input_specs))
    def check(inputs: dict[str, Any]) -> None:
        assert_points_agree(rubric, inputs)

    check()


@pytest.mark.parametrize("relative", [STAGED, PANELS])
def test_at_an_earlier_stage_only_what_is_known_has_points(relative: str) -> None:
    rubric = bundled(relative)
    assert rubric.stage_names
    for stage in rubric.stage_names[:-1]:
        view = rubric.at_stage(stage)
        later = {c.decl.name for c in rubric.model.criteria} - {c.decl.name for c in view.model.criteria}
        assert later, "a later stage scores something"
        early_points_check(view, later)()


def early_points_check(view: pr.CompiledRubric, later: set[str]) -> Any:
    """For a rubric at an earlier stage: its points agree, and the criteria of later stages have none."""

    @given(candidate_inputs(view.input_specs))
    def check(inputs: dict[str, Any]) -> None:
        assert_points_agree(view, inputs)
        result = view.evaluate(inputs, "early", trace=False)
        assert result.status in ("pending", "eliminated", "disqualified")
        assert later.isdisjoint(result.points)
        assert later.isdisjoint(c.name for c in result.criteria)
        assert later.isdisjoint(traced_criteria(view.evaluate(inputs, "early")))
        for name in later:
            with pytest.raises(KeyError):
                result.criterion(name)

    return check


def test_a_stage_that_scores_no_criterion_has_no_points() -> None:
    screening = bundled(STAGED).at_stage(0)
    assert not screening.model.criteria

    @given(candidate_inputs(screening.input_specs))
    def check(inputs: dict[str, Any]) -> None:
        result = screening.evaluate(inputs, "screened", trace=False)
        assert result.points == {}
        assert result.criteria == ()

    check()


@given(small_rubric(), st.data())
def test_generated_rubrics_agree_too(text: str, data: st.DataObject) -> None:
    try:
        rubric = pr.loads(text, "generated.rubric")
    except pr.RubricError:
        return
    for stage in range(len(rubric.stage_names) or 1):
        view = rubric.at_stage(stage)
        assert_points_agree(view, data.draw(candidate_inputs(view.input_specs)))


# ------------------------------------------------------------------ the criterion objects themselves


def some_result() -> pr.Result:
    """A candidate of the staged rubric's example file, scored on the fast path."""
    rubric = bundled(STAGED)
    candidates, _ = pr.load_candidates(ROOT / "examples/2024/kabupaten-kota.yaml", rubric.input_specs)
    return rubric.evaluate_candidate(candidates[0], trace=False)


def test_a_criterion_prints_and_compares_by_its_public_fields() -> None:
    result = some_result()
    criterion = result.criterion("cakupan_penerima_upah")
    assert repr(criterion) == (f"CriterionResult(name='cakupan_penerima_upah', parent='cakupan', "
                               f"weight={criterion.weight!r}, points={criterion.points!r}, "
                               f"contribution={criterion.contribution!r})")
    place = CriterionPlace(criterion.name, criterion.parent, criterion.weight,
                           result.program.path_weights[criterion.name])
    assert CriterionResult(place, criterion.points) == criterion
    assert hash(CriterionResult(place, criterion.points)) == hash(criterion)
    assert CriterionResult(place, criterion.points + 1) != criterion
    assert criterion != (criterion.name, criterion.points)


def test_a_criterion_is_read_only_and_survives_copies() -> None:
    criterion = some_result().criteria[1]
    with pytest.raises(AttributeError):
        criterion.points = Decimal(100)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        criterion.extra = 1  # type: ignore[attr-defined]
    for again in (pickle.loads(pickle.dumps(criterion)), copy.deepcopy(criterion), copy.copy(criterion)):
        assert again == criterion
        assert exactly(again.contribution) == exactly(criterion.contribution)


def test_points_is_a_fresh_mapping_each_time() -> None:
    result = some_result()
    points = result.points
    name = next(iter(points))
    points[name] = Decimal(-1)
    assert result.points[name] == result.criterion(name).points != Decimal(-1)


def test_the_table_is_made_once_per_program_and_does_not_keep_it_alive() -> None:
    rubric = pr.loads((ROOT / STAGED).read_text(encoding="utf-8"), STAGED)
    candidates, _ = pr.load_candidates(ROOT / "examples/2024/kabupaten-kota.yaml", rubric.input_specs)
    first, second = (rubric.evaluate_candidate(c, trace=False) for c in candidates[:2])
    assert criteria_table(rubric.program) is criteria_table(first.program)
    assert [c.name for c in first.criteria] == [c.name for c in second.criteria]
    gone = weakref.ref(rubric.program)
    del rubric, first, second
    gc.collect()
    assert gone() is None
