"""Jury panels: every juror's score, combined by the rubric's rule, with conflicts of interest left out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.canonical import canonical

RUBRIC = '''rubric "Paritrana Award" edition 2024 period 2023
category pemerintah_desa
label id "Pemerintah Desa" en "Village Government"
scale 0 to 100
rounding half_up to 2 places

input nilai_wawancara: panel of number
    between 0 and 100
    aggregate RULE
    label id "Nilai wawancara Tim 9" en "Tim 9 interview scores"

criterion wawancara weight 100%
    label id "Wawancara" en "Interview"
    points nilai_wawancara
'''

TIM_9 = {"sekda": 80, "kadisnaker": "85.5", "apindo": 90, "spsi": 70,
         "akademisi": {"score": 95, "conflict": "kerabat kepala desa"}}


def rubric(rule: str) -> pr.CompiledRubric:
    return pr.loads(RUBRIC.replace("RULE", rule), "panel.rubric")


@pytest.mark.parametrize(("rule", "expected"), [
    ("mean", "81.375"),            # (80 + 85.5 + 90 + 70) / 4; the conflicted juror is not counted
    ("median", "82.75"),           # between 80 and 85.5
    ("trimmed mean", "82.75"),     # 70 and 90 dropped: (80 + 85.5) / 2
])
def test_rules(rule: str, expected: str) -> None:
    result = rubric(rule).evaluate({"nilai_wawancara": TIM_9})
    assert result.trace is not None
    assert result.trace[0].value == Decimal(expected)
    assert result.total == Decimal(expected).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def test_the_trace_keeps_every_juror_and_what_was_left_out() -> None:
    result = rubric("trimmed mean").evaluate({"nilai_wawancara": TIM_9})
    step = result.trace[0]  # type: ignore[index]
    assert step.get("dropped") == ("spsi", "apindo")
    jurors = {juror: (score, conflict) for juror, score, conflict in step.get("jurors")}
    assert jurors["akademisi"] == (Decimal(95), "kerabat kepala desa")
    for lang, words in (("en", "conflict of interest"), ("id", "konflik kepentingan")):
        text = result.explain(lang=lang)
        assert words in text and "kerabat kepala desa" in text and "sekda 80" in text


def test_every_problem_of_a_panel_is_listed() -> None:
    with pytest.raises(pr.InputError) as caught:
        rubric("mean").evaluate({"nilai_wawancara": {"sekda": "banyak", "spsi": 120}}, "desa-x")
    messages = [p.message for p in caught.value.problems]
    assert any(m.startswith("juror 'sekda': expected a number") for m in messages)
    assert any(m.startswith("juror 'spsi':") and "100" in m for m in messages)


def test_a_trimmed_mean_needs_three_jurors_without_conflict() -> None:
    with pytest.raises(pr.InputError, match="needs at least 3"):
        rubric("trimmed mean").evaluate({"nilai_wawancara": {"sekda": 80, "spsi": 70, "apindo": {"score": 90,
                                                                                              "conflict": "x"}}})


def test_csv_cells(tmp_path: Path) -> None:
    data = tmp_path / "panel.csv"
    data.write_text('id,nilai_wawancara\ndesa-a,"sekda=80; kadisnaker=85.5; apindo=90; spsi=70; akademisi=95 conflict"\n',
                    encoding="utf-8")
    compiled = rubric("trimmed mean")
    [candidate], rejected = pr.load_candidates(data, compiled.input_specs)
    assert rejected == []
    assert compiled.evaluate_candidate(candidate).total == Decimal("82.75")


def test_audit_records_do_not_depend_on_the_order_jurors_are_listed_in() -> None:
    compiled = rubric("median")
    shuffled = dict(reversed(list(TIM_9.items())))
    first = compiled.evaluate({"nilai_wawancara": TIM_9}, "desa-a").audit()
    again = compiled.evaluate({"nilai_wawancara": shuffled}, "desa-a").audit()
    assert canonical(first) == canonical(again)


def test_replaying_a_panel_verifies(tmp_path: Path) -> None:
    path = tmp_path / "panel.rubric"
    path.write_text(RUBRIC.replace("RULE", "trimmed mean"), encoding="utf-8")
    record = pr.load(path).evaluate({"nilai_wawancara": TIM_9}, "desa-a").audit()
    report = pr.replay(record, [path])
    assert report.ok, report.render()


@pytest.mark.parametrize("rule", ["mean", "median", "trimmed mean"])
def test_generated_panels_stay_between_the_lowest_and_highest_counted_score(rule: str) -> None:
    from hypothesis import given

    from .strategies import candidate_inputs

    compiled = rubric(rule)

    @given(candidate_inputs(compiled.input_specs))
    def check(inputs: dict[str, object]) -> None:
        scores = [Decimal(str(v)) for v in inputs["nilai_wawancara"].values()]  # type: ignore[attr-defined]
        traced = compiled.evaluate(inputs)
        fast = compiled.evaluate(inputs, trace=False)
        assert traced.total == fast.total
        assert traced.trace is not None
        assert min(scores) <= traced.trace[0].value <= max(scores)

    check()
