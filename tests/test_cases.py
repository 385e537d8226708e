"""paritrana-rules test: expectations, coverage in rubric terms, and committee properties."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import paritrana_rules as pr
from paritrana_rules.committee.cases import cases_file_for, run_cases
from paritrana_rules.cli import main

RUBRIC = '''rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

input peserta: count
    label id "Peserta" en "Participants"
input tunggakan: yes/no default no
    label id "Tunggakan" en "Arrears"

gate tanpa_tunggakan: not tunggakan otherwise disqualify
    label id "Tanpa tunggakan" en "No arrears"
    reason id "Ada tunggakan iuran" en "There are contribution arrears"

criterion cakupan weight 100%
    label id "Cakupan" en "Coverage"
    points by band of peserta
        from 100 -> 100
        from 10 to below 100 -> 60
        below 10 -> 0

property total never decreases when peserta rises
'''

CASES = '''rubric: ../../rubrics/2024/uji.rubric
candidates:
  - id: besar
    peserta: 150
    expect: {total: 100.00, status: eligible, criteria: {cakupan: 100}}
  - id: sedang
    peserta: 50
    expect: {total: 60, status: eligible}
  - id: kecil
    peserta: 3
    expect: {total: 0}
  - id: menunggak
    peserta: 150
    tunggakan: yes
    expect: {status: disqualified, reasons: [tunggakan]}
'''


def layout(tmp_path: Path, rubric: str = RUBRIC, cases: str = CASES) -> Path:
    path = tmp_path / "rubrics" / "2024" / "uji.rubric"
    path.parent.mkdir(parents=True)
    path.write_text(rubric, encoding="utf-8")
    examples = tmp_path / "examples" / "2024" / "uji.yaml"
    examples.parent.mkdir(parents=True)
    examples.write_text(cases, encoding="utf-8")
    return path


def test_cases_are_found_beside_the_rubrics_folder(tmp_path: Path) -> None:
    path = layout(tmp_path)
    assert cases_file_for(path) == tmp_path / "examples" / "2024" / "uji.yaml"


def test_a_rubric_with_passing_complete_cases_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_cases(pr.load(layout(tmp_path)), max_examples=30)
    assert report.ok, report.render()
    assert report.rules == 4 and report.uncovered == ()
    assert report.properties[0].holds is True
    assert main(["test", str(tmp_path / "rubrics"), "--examples", "20"]) == 0
    assert capsys.readouterr().out.strip().endswith("1 rubric tested, 1 ok")


def test_wrong_expectations_are_reported_exactly(tmp_path: Path) -> None:
    cases = CASES.replace("{total: 60, status: eligible}", "{total: 60.01, status: disqualified, critera: {}}")
    report = run_cases(pr.load(layout(tmp_path, cases=cases)), max_examples=10)
    [failed] = [c for c in report.cases if c.failures]
    assert failed.id == "sedang"
    assert "total: expected 60.01, got 60.00" in failed.failures
    assert "status: expected disqualified, got eligible" in failed.failures
    assert any("did you mean 'criteria'" in f for f in failed.failures)
    assert not report.ok


def test_rules_no_case_reaches_are_listed(tmp_path: Path) -> None:
    cases = "\n".join(CASES.splitlines()[:8]) + "\n"  # only the first two candidates
    report = run_cases(pr.load(layout(tmp_path, cases=cases)), max_examples=10)
    missing = {u.description for u in report.uncovered}
    assert missing == {"band row 'below 10' of cakupan", "gate tanpa_tunggakan failing"}
    assert all(u.span.line > 1 for u in report.uncovered)
    assert not report.ok


def test_a_false_belief_comes_with_a_ready_to_paste_counterexample(tmp_path: Path) -> None:
    rubric = RUBRIC.replace("from 100 -> 100", "from 100 -> 50")
    report = run_cases(pr.load(layout(tmp_path, rubric=rubric)), max_examples=100)
    [outcome] = report.properties
    assert outcome.holds is False
    assert outcome.counterexample is not None
    pasted = yaml.safe_load(outcome.counterexample)
    before, after = pasted
    assert before["id"] == "counterexample-before" and int(after["peserta"]) > int(before["peserta"])
    rubric_loaded = pr.load(tmp_path / "rubrics" / "2024" / "uji.rubric")
    totals = [rubric_loaded.evaluate({k: v for k, v in case.items() if k != "id"}).total for case in pasted]
    assert totals[1] < totals[0]


def test_missing_examples_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = layout(tmp_path)
    (tmp_path / "examples" / "2024" / "uji.yaml").unlink()
    assert main(["test", str(path)]) == 1
    assert "no example cases" in capsys.readouterr().out


def test_expected_rejections(tmp_path: Path) -> None:
    cases = CASES + "  - id: rusak\n    peserta: banyak\n    expect: {rejected: [peserta]}\n"
    report = run_cases(pr.load(layout(tmp_path, cases=cases)), max_examples=10)
    assert report.ok, report.render()


def test_expectations_must_be_lists_where_the_guide_says_so(tmp_path: Path) -> None:
    cases = CASES.replace("reasons: [tunggakan]", 'reasons: "tunggakan"')
    report = run_cases(pr.load(layout(tmp_path, cases=cases)), max_examples=10)
    [failed] = [c for c in report.cases if c.failures]
    assert failed.failures == ("'reasons' must be a list of words to find in the reasons, such as [tunggakan]",)
