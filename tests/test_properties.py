"""Invariants over generated inputs and generated rubrics (Hypothesis)."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

import paritrana_rules as pr
from paritrana_rules.committee.properties import check_properties, check_property, subject_value
from paritrana_rules.language import ast
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


# ------------------------------------------------------------------ committee properties about derived values

COVERAGE = '''rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

input peserta: count
    label id "Peserta" en "Participants"
input sasaran: count
    at least 1
    label id "Sasaran" en "Target"

let cakupan = peserta * 100 / sasaran
    label id "Cakupan (%)" en "Coverage (%)"

criterion kepesertaan weight 100%
    label id "Kepesertaan" en "Participation"
    points by band of cakupan
        from 50 -> 100
        below 50 -> 40

property total never decreases when peserta rises
'''


def about(rubric: pr.CompiledRubric, subject: str, rises: str | None = None) -> ast.PropertyDecl:
    """A property of the rubric about `subject` (the bounded one when nothing rises), placed where its first is."""
    return attrs.evolve(rubric.model.properties[0], subject=subject, kind="monotone" if rises else "bounded",
                        input=rises)


def test_a_let_is_read_from_the_scored_result() -> None:
    rubric = pr.loads(COVERAGE, "uji.rubric")
    result = rubric.evaluate({"peserta": 30, "sasaran": 40})
    assert subject_value(result, "cakupan") == Decimal(75)
    assert subject_value(result, "kepesertaan") == result.total == Decimal(100)


def test_a_belief_about_a_derived_value_is_checked_and_its_counterexample_shrunk() -> None:
    rubric = pr.loads(COVERAGE, "uji.rubric")
    rises = check_property(rubric, about(rubric, "cakupan", rises="peserta"), max_examples=50)
    assert rises.holds is True
    outside = check_property(rubric, about(rubric, "cakupan"), max_examples=100)
    assert outside.holds is False and outside.counterexample is not None
    [case] = yaml.safe_load(outside.counterexample.en)
    assert int(case["peserta"]) * 100 / int(case["sasaran"]) > 100
    assert outside.message.en.startswith("cakupan is ") and outside.message.en.endswith(", outside the scale")
    assert outside.message.id.startswith("cakupan bernilai ") and outside.counterexample.id.startswith("# cakupan")


def test_a_bundled_coverage_percentage_stays_within_the_scale() -> None:
    rubric = bundled(Path("rubrics/2024/pemerintah-desa.rubric"))
    assert check_property(rubric, about(rubric, "cakupan_aparat"), max_examples=50).holds is True


def test_a_property_tells_its_progress_as_it_goes() -> None:
    rubric = pr.loads(COVERAGE, "uji.rubric")
    heard: list[tuple[str, int]] = []
    [outcome] = check_properties(rubric, 30, lambda what, count: heard.append((what, count)))
    assert outcome.holds is True
    assert heard == [(outcome.prop.name, count) for count in range(1, len(heard) + 1)] and len(heard) >= 30


def test_a_property_about_a_let_is_written_in_the_rubric_and_tested() -> None:
    text = (ROOT / "rubrics/2024/pemerintah-desa.rubric").read_text(encoding="utf-8")
    rubric = pr.loads(text + "\nproperty cakupan_aparat never decreases when aparat_terdaftar rises\n"
                      "property cakupan_aparat stays within the scale\n",
                      str(ROOT / "rubrics/2024/pemerintah-desa.rubric"))
    outcomes = check_properties(rubric, 30)
    assert {(o.prop.subject, o.holds) for o in outcomes} >= {("cakupan_aparat", True)}
    with pytest.raises(pr.RubricError, match="N211"):
        pr.loads(text + "\nproperty cakupan_apparat stays within the scale\n",
                 str(ROOT / "rubrics/2024/pemerintah-desa.rubric"))
