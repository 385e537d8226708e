"""Invariants over generated inputs and generated rubrics (Hypothesis)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import paritrana_rules as pr
from paritrana_rules.language.grammar import parser

from .strategies import candidate_inputs, raw_candidate, small_rubric

ROOT = Path(__file__).resolve().parents[1]
ALL_RUBRICS = sorted(p.relative_to(ROOT) for p in (ROOT / "rubrics").rglob("*.rubric"))
# One rubric of each edition and the three 2024 originals: the library's rubrics share their constructs,
# and every one of them is exercised by its own example cases and properties in test_rubrics.py.
RUBRICS = sorted({*(next(p for p in ALL_RUBRICS if p.parent == folder) for folder in {p.parent for p in ALL_RUBRICS}),
                  *(p for p in ALL_RUBRICS if p.parent.name == "2024" and p.stem in
                    ("kabupaten-kota", "pemerintah-desa", "perusahaan-besar"))})


@functools.cache
def bundled(relative: Path) -> pr.CompiledRubric:
    return pr.loads((ROOT / relative).read_text(encoding="utf-8"), relative.as_posix())


def summary(result: pr.Result) -> tuple[Any, ...]:
    return (result.total, result.status, result.criteria, result.gates, result.adjustments)


def assert_sound(rubric: pr.CompiledRubric, inputs: dict[str, Any]) -> None:
    """Totals and points stay on the scale; the fast and traced paths agree; scoring is repeatable."""
    traced = rubric.evaluate(inputs, "generated")
    fast = rubric.evaluate(inputs, "generated", trace=False)
    low, high = rubric.model.scale
    assert low <= traced.total <= high
    assert all(low <= c.points <= high for c in traced.criteria)
    assert summary(fast) == summary(traced)
    assert summary(rubric.evaluate(inputs, "generated")) == summary(traced)
    assert traced.trace is not None and traced.trace[-1].value == traced.total


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_bundled_rubrics_keep_their_promises(relative: Path) -> None:
    rubric = bundled(relative)

    @given(candidate_inputs(rubric.input_specs))
    def check(inputs: dict[str, Any]) -> None:
        assert_sound(rubric, inputs)
        for lang in ("en", "id"):
            assert rubric.evaluate(inputs, "generated").explain(lang=lang)

    check()


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_any_candidate_data_gives_a_result_or_an_input_error(relative: Path) -> None:
    rubric = bundled(relative)

    @given(raw_candidate(rubric.input_specs))
    def check(raw: dict[str, Any]) -> None:
        try:
            result = rubric.evaluate(raw, "random")
        except pr.InputError as error:
            assert error.problems
            assert all(p.candidate == "random" for p in error.problems)
        else:
            low, high = rubric.model.scale
            assert low <= result.total <= high

    check()


@given(small_rubric(), st.data())
def test_accepted_generated_rubrics_stay_on_the_scale(text: str, data: st.DataObject) -> None:
    """Whatever the checker accepts, evaluation must honour: its range reasoning is sound."""
    try:
        rubric = pr.loads(text, "generated.rubric")
    except pr.RubricError as error:
        assert error.diagnostics
        return
    assert_sound(rubric, data.draw(candidate_inputs(rubric.input_specs)))


@given(st.text(max_size=300))
def test_any_text_is_a_rubric_or_a_rubric_error(text: str) -> None:
    try:
        pr.loads(text, "random.rubric")
    except pr.RubricError as error:
        assert error.diagnostics
        assert all(d.span.line >= 1 and d.span.column >= 1 for d in error.diagnostics)


def _spaced_terminals() -> dict[str, st.SearchStrategy[str]]:
    """Terminals with spaces around them, so that generated tokens never run together."""
    keywords = {t.pattern.value for t in parser().terminals if t.pattern.type == "str"}
    explicit: dict[str, st.SearchStrategy[str]] = {
        t.name: st.just(f" {t.pattern.value} ") for t in parser().terminals if t.pattern.type == "str"
    }
    explicit["NAME"] = st.from_regex(r"\A[a-z_][a-z0-9_]{0,8}\Z").filter(lambda n: n not in keywords).map(lambda n: f" {n} ")
    explicit["NUMBER"] = st.from_regex(r"\A[0-9]{1,3}(\.[0-9]{1,2})?\Z").map(lambda n: f" {n} ")
    explicit["COMMENT"] = st.just("# a comment\n")
    explicit["STRING"] = st.from_regex(r'\A"[a-zA-Z %]{0,10}"\Z').map(lambda n: f" {n} ")
    return explicit


@given(from_lark(parser(), start="start", explicit=_spaced_terminals()))
def test_grammar_generated_text_is_a_rubric_or_a_rubric_error(text: str) -> None:
    try:
        pr.loads(text, "generated.rubric")
    except pr.RubricError as error:
        assert error.diagnostics
        assert not any(d.code.startswith("P") for d in error.diagnostics), "grammar output must parse"


def test_the_same_inputs_give_the_same_bytes() -> None:
    rubric = bundled(Path("rubrics/2024/perusahaan-besar.rubric"))
    data = ROOT / "examples/2024/perusahaan-besar.yaml"
    first = [rubric.evaluate_candidate(c).explain("id") for c in pr.load_candidates(data, rubric.input_specs)[0]]
    again = pr.loads((ROOT / "rubrics/2024/perusahaan-besar.rubric").read_text(encoding="utf-8"),
                     "rubrics/2024/perusahaan-besar.rubric")
    second = [again.evaluate_candidate(c).explain("id") for c in pr.load_candidates(data, again.input_specs)[0]]
    assert first == second
