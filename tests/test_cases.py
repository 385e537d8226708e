"""paritrana-rules test: expectations, coverage in rubric terms, and committee properties."""

from __future__ import annotations

import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.api import score_file, report_of_tests
from paritrana_rules.cli import main
from paritrana_rules.committee.cases import RubricTests, cases_file_for, run_cases

from .conftest import Golden

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
    failures = [f.en for f in failed.failures]
    assert "total: expected 60.01, got 60.00" in failures
    assert "status: expected disqualified, got eligible" in failures
    assert any("did you mean 'criteria'" in f for f in failures)
    assert "status: diharapkan disqualified, hasilnya eligible" in [f.id for f in failed.failures]
    assert not report.ok


def test_rules_no_case_reaches_are_listed(tmp_path: Path) -> None:
    cases = "\n".join(CASES.splitlines()[:8]) + "\n"  # only the first two candidates
    report = run_cases(pr.load(layout(tmp_path, cases=cases)), max_examples=10)
    missing = {u.description.en for u in report.uncovered}
    assert missing == {"band row 'below 10' of cakupan", "gate tanpa_tunggakan failing"}
    assert all(u.span.line > 1 for u in report.uncovered)
    assert not report.ok


def test_a_false_belief_comes_with_a_ready_to_paste_counterexample(tmp_path: Path) -> None:
    rubric = RUBRIC.replace("from 100 -> 100", "from 100 -> 50")
    report = run_cases(pr.load(layout(tmp_path, rubric=rubric)), max_examples=100)
    [outcome] = report.properties
    assert outcome.holds is False
    assert outcome.counterexample is not None
    pasted = yaml.safe_load(outcome.counterexample.en)
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
    assert [f.en for f in failed.failures] == [
        "'reasons' must be a list of words to find in the reasons, such as [tunggakan]"]


# ------------------------------------------------------------------ the funnel: rank, nomination, placing, stage

GOLDEN = Path(__file__).resolve().parent / "golden" / "cases"
RANKED = (GOLDEN / "rubrics" / "2024" / "uji.rubric").read_text(encoding="utf-8")

# Provisional totals at penilaian (cakupan only, 60%): besar 60, sedang 36, kecil 24, menunggu 60; the best 2 of
# each province go on, so kecil is cut (rank 3 of 3 in Jawa Timur); rendah's 0 is under the 20 needed.
RANKED_CASES = '''rubric: ../../rubrics/2024/uji.rubric
candidates:
  - id: besar
    provinsi: Jawa Timur
    peserta: 150
    nilai: 90
    expect: {total: 96.00, rank: 1 in Jawa Timur, nominated: yes, placing: terbaik, reached: wawancara}
  - id: sedang
    provinsi: Jatim
    peserta: 50
    nilai: 80
    expect: {total: 68.00, rank: 2 in east java, nominated: no, placing: none}
  - id: kecil
    provinsi: Jawa Timur
    peserta: 40
    nilai: 70
    expect: {total: 52.00, rank: none, nominated: no, placing: cut after penilaian, reached: penilaian}
  - id: menunggu
    provinsi: Maluku
    peserta: 120
    expect: {status: pending, rank: none, reached: wawancara}
  - id: rendah
    provinsi: Maluku
    peserta: 3
    nilai: 100
    expect: {status: eliminated, total: 40.00, reached: penilaian}
  - id: menunggak
    provinsi: Maluku
    peserta: 150
    nilai: 50
    tunggakan: yes
    expect: {status: disqualified, reasons: [tunggakan], rank: none, reached: penilaian}
'''


def ranked_report(tmp_path: Path, cases: str = RANKED_CASES) -> RubricTests:
    return run_cases(pr.load(layout(tmp_path, RANKED, cases)), max_examples=5)


def failures_of(report: RubricTests, case_id: str, lang: str = "en") -> list[str]:
    return [f(lang) for c in report.cases if c.id == case_id for f in c.failures]


def test_the_funnel_decides_rank_nomination_placing_and_stage_across_the_file(tmp_path: Path) -> None:
    report = ranked_report(tmp_path)
    assert report.ok, report.render()
    assert all(c.checked for c in report.cases)


def test_a_wrong_rank_names_the_case_where_it_is_written_what_was_expected_and_what_came(tmp_path: Path) -> None:
    report = ranked_report(tmp_path, RANKED_CASES.replace("rank: 2 in east java", "rank: 1 in Jawa Timur"))
    [failed] = [c for c in report.cases if c.failures]
    assert failed.id == "sedang"
    assert failed.location == f"{tmp_path / 'examples' / '2024' / 'uji.yaml'}:8"
    assert [f.en for f in failed.failures] == ["rank: expected 1 in Jawa Timur, got 2 in East Java"]
    assert [f.id for f in failed.failures] == ["peringkat: diharapkan 1 di Jawa Timur, hasilnya 2 di Jawa Timur"]
    assert f"FAILED sedang ({failed.location})" in report.render()


@pytest.mark.parametrize(("old", "new", "case_id", "message"), [
    ("nominated: yes, placing: terbaik", "nominated: no, placing: terbaik", "besar",
     "nominated: expected no, got yes"),
    ("placing: none}", "placing: terbaik}", "sedang", "placing: expected terbaik, got none"),
    ("placing: cut after penilaian", "placing: none", "kecil",
     "placing: expected none, got cut after penilaian (cut after Desk assessment: rank 3 of 3 in East Java; "
     "the best 2 go on)"),
    ("placing: cut after penilaian", "placing: cut after wawancara", "kecil",
     "placing: the rubric cuts after no stage 'wawancara'; it cuts only after penilaian"),
    ("placing: terbaik,", "placing: terbaik_1,", "besar",
     "placing: the rubric awards no 'terbaik_1'; did you mean 'terbaik'?"),
    ("reached: penilaian}\n  - id: menunggu", "reached: wawancara}\n  - id: menunggu", "kecil",
     "reached: expected stage wawancara, got stage penilaian"),
    ("reached: wawancara}\n  - id: rendah", "reached: penilaian}\n  - id: rendah", "menunggu",
     "reached: expected stage penilaian, got stage wawancara (scored at Desk assessment; waiting for nilai)"),
    ("rank: 1 in Jawa Timur", "rank: 1= in Jawa Timur", "besar", "rank: expected 1= in Jawa Timur, got 1 in East Java"),
    ("rank: 1 in Jawa Timur", "rank: 1 in Maluku", "besar", "rank: expected 1 in Maluku, got 1 in East Java"),
    ("rank: 1 in Jawa Timur", "rank: first", "besar",
     "'rank' must be a rank as score shows it, such as 1, 2= or '1 in Jawa Timur', or none"),
    ("nominated: yes", "nominated: maybe", "besar", "'nominated' must be yes or no"),
    ("placing: terbaik,", "placing: {cut: penilaian},", "besar",
     "'placing' must name the placings won (one, or a list), 'cut after STAGE', or none"),
    ("reached: wawancara}\n  - id: sedang", "reached: interview}\n  - id: sedang", "besar",
     "reached: the rubric has no stage 'interview'"),
    ("rank: 1 in Jawa Timur,", "ranked: 1,", "besar", "unknown expectation 'ranked'; did you mean 'rank'?"),
])
def test_each_funnel_expectation_that_is_not_met_says_so(tmp_path: Path, old: str, new: str, case_id: str,
                                                         message: str) -> None:
    assert RANKED_CASES.count(old) == 1
    report = ranked_report(tmp_path, RANKED_CASES.replace(old, new))
    assert failures_of(report, case_id) == [message]
    assert len([c for c in report.cases if c.failures]) == 1


def test_funnel_expectations_need_a_rubric_that_ranks_and_stages(tmp_path: Path) -> None:
    cases = CASES.replace("{total: 60, status: eligible}", "{total: 60, rank: 1, placing: none, reached: penilaian}")
    report = run_cases(pr.load(layout(tmp_path, cases=cases)), max_examples=5)
    assert failures_of(report, "sedang") == ["rank: the rubric ranks no one, so none can be expected",
                                             "placing: the rubric ranks no one, so none can be expected",
                                             "reached: the rubric declares no stages"]
    assert failures_of(report, "sedang", "id")[0] == (
        "rank: rubrik ini tidak memeringkat peserta, sehingga hal ini tidak dapat diharapkan")


def test_a_rejected_case_is_not_in_the_field(tmp_path: Path) -> None:
    cases = RANKED_CASES + "  - id: rusak\n    provinsi: Bali\n    peserta: 10\n    expect: {rank: 1}\n"
    report = ranked_report(tmp_path, cases)
    assert failures_of(report, "rusak")[-1] == "rank: the data was rejected, so it is not in the field"
    assert [c.id for c in report.cases if c.failures] == ["rusak"]  # the others' ranks are as before


# ------------------------------------------------------------------ an expectation of rank against the funnel

PROVINCES = {"Jawa Timur": "jawa_timur", "Jatim": "jawa_timur", "East Java": "jawa_timur", "Maluku": "maluku"}


@st.composite
def fields(draw: st.DrawFn) -> list[tuple[dict[str, Any], tuple[int | None, bool, str | None]]]:
    """Candidates of a file (some pending, some disqualified), each with an expectation of rank."""
    rows = []
    for number in range(draw(st.integers(1, 7))):
        row: dict[str, Any] = {"id": f"c{number}", "provinsi": draw(st.sampled_from(["Jawa Timur", "Jatim", "Maluku"])),
                               "peserta": draw(st.sampled_from([3, 40, 50, 99, 150]))}
        if draw(st.booleans()) or number == 0:
            row["nilai"] = draw(st.sampled_from([0, 50, 70, 100]))
        if draw(st.integers(0, 5)) == 0:
            row["tunggakan"] = True
        rank = draw(st.none() | st.integers(1, 4))
        rows.append((row, (rank, draw(st.booleans()), draw(st.none() | st.sampled_from(sorted(PROVINCES))))))
    return rows


def written_rank(rank: int | None, tied: bool, group: str | None) -> str:
    if rank is None:
        return "none"
    return f"{rank}{'=' if tied else ''}" + (f" in {group}" if group else "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=fields())
def test_an_expectation_of_rank_is_met_exactly_when_the_funnel_gives_that_rank(
        tmp_path: Path, field: list[tuple[dict[str, Any], tuple[int | None, bool, str | None]]]) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    rubric_path = layout(folder, RANKED.replace("property total never decreases when peserta rises\n", ""),
                         "candidates: []\n")
    data = folder / "field.yaml"
    data.write_text(yaml.safe_dump({"candidates": [row for row, _ in field]}), encoding="utf-8")
    scored = io.BytesIO()
    rubric = pr.load(rubric_path)
    score_file(rubric, data, scored, form="json")  # what `score` decides for the same field
    decided = {r["candidate_id"]: r for r in json.loads(scored.getvalue())["results"]}
    cases = [{**row, "expect": {"rank": written_rank(*wanted)}} for row, wanted in field]
    (folder / "examples" / "2024" / "uji.yaml").write_text(yaml.safe_dump({"candidates": cases}), encoding="utf-8")
    report = run_cases(rubric, max_examples=1)
    for (row, (rank, tied, group)), case in zip(field, report.cases, strict=True):
        got = decided[row["id"]]
        met = rank == got.get("rank") and (rank is None or (tied == got["tied"] and (
            group is None or PROVINCES[group] == got["group"])))
        assert (not case.failures) == met, (row, written_rank(rank, tied, group), got.get("rank"), case.failures)


# ------------------------------------------------------------------ reports for CI: JUnit XML and JSON


def text_counts(text: str) -> tuple[int, int, int]:
    """(passed, failed, skipped) as the text report counts them: cases, coverage, properties, problems."""
    passed = failed = skipped = 0
    for line in text.splitlines():
        if match := re.fullmatch(r"  (\d+) cases?, (\d+) with expectations: (\d+) passed, (\d+) failed", line):
            total, checked, ok, bad = map(int, match.groups())
            passed, failed, skipped = passed + ok, failed + bad, skipped + total - checked
        elif match := re.fullmatch(r"  coverage: (\d+) of (\d+) rules hit", line):
            passed, failed = (passed + 1, failed) if match[1] == match[2] else (passed, failed + 1)
        elif line.startswith("  property "):
            state = line.split(": ")[1].split(" (")[0]
            passed, failed, skipped = (passed + (state == "holds"), failed + (state == "FAILS"),
                                       skipped + (state == "not checked"))
        elif line.startswith("  problem: "):
            failed += 1
    return passed, failed, skipped


def junit_counts(xml: str) -> tuple[int, int, int]:
    root = ET.fromstring(xml)
    tests, failures, skipped = (int(root.get(key, "0")) for key in ("tests", "failures", "skipped"))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == tests == sum(int(s.get("tests", "0")) for s in root.findall("testsuite"))
    assert failures == sum(c.find("failure") is not None for c in cases)
    assert skipped == sum(c.find("skipped") is not None for c in cases)
    return tests - failures - skipped, failures, skipped


expectation_values = st.fixed_dictionaries({}, optional={
    "total": st.sampled_from(["100.00", "60", "0", "60.01", "lots"]),
    "status": st.sampled_from(["eligible", "disqualified"]),
    "criteria": st.sampled_from([{"cakupan": "60"}, {"cakupan": "100"}, {"cakupn": "0"}]),
    "reasons": st.sampled_from([["tunggakan"], ["arrears"], ["nothing-like-this"]]),
    "rank": st.sampled_from([1, "none"]),
    "rejected": st.just(["peserta"]),
})


@settings(max_examples=15, deadline=None,  # the report's properties are searched with Hypothesis too: nested
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.nested_given])
@given(cases=st.lists(st.tuples(st.sampled_from([0, 3, 50, 150, "banyak"]), st.booleans(),
                                st.none() | expectation_values), max_size=5),
       holds=st.booleans())
def test_junit_and_json_count_what_the_text_report_counts(tmp_path: Path, cases: list[tuple[Any, bool, Any]],
                                                          holds: bool) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    records = [{"id": f"c{n}", "peserta": peserta, "tunggakan": arrears, **({"expect": e} if e is not None else {})}
               for n, (peserta, arrears, e) in enumerate(cases)]
    rubric = RUBRIC if holds else RUBRIC.replace("from 100 -> 100", "from 100 -> 50")
    report = run_cases(pr.load(layout(folder, rubric, yaml.safe_dump({"candidates": records}))), max_examples=20)
    text = report_of_tests([report], "text", "en")
    counts = text_counts(text)
    assert junit_counts(report_of_tests([report], "junit", "en")) == counts
    as_json = json.loads(report_of_tests([report], "json", "en"))
    assert (as_json["passed"], as_json["failed"], as_json["skipped"]) == counts
    assert as_json["ok"] == report.ok == (counts[1] == 0)
    assert junit_counts(report_of_tests([report], "junit", "id")) == counts


def test_the_command_writes_junit_for_ci_and_still_prints_the_text(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    layout(tmp_path, RANKED, RANKED_CASES.replace("rank: 2 in east java", "rank: 1 in Jawa Timur"))
    output = tmp_path / "report.xml"
    code = main(["test", str(tmp_path / "rubrics"), "--examples", "5", "--format", "junit", "--output", str(output)])
    assert code == 1
    out, err = capsys.readouterr()
    assert "FAILED sedang" in out and out.endswith("1 rubric tested, 0 ok\n") and err == ""
    root = ET.fromstring(output.read_text(encoding="utf-8"))
    [failure] = root.iter("failure")
    assert failure.get("message") == "rank: expected 1 in Jawa Timur, got 2 in East Java"
    [case] = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert (case.get("name"), case.get("line")) == ("sedang", "8")


def test_json_goes_to_standard_output_alone_without_output(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    layout(tmp_path, RANKED, RANKED_CASES)
    assert main(["test", str(tmp_path / "rubrics"), "--examples", "5", "--format", "json", "--lang", "id"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["summary"] == "1 rubrik diuji, 1 lulus"
    assert [c["name"] for c in report["rubrics"][0]["checks"]][-2:] == [
        "cakupan uji", "property total never decreases when peserta rises"]


def test_an_output_that_is_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    layout(tmp_path)
    assert main(["test", str(tmp_path / "rubrics"), "--format", "junit", "--output", str(tmp_path)]) == 2


def test_a_rubric_that_does_not_load_is_one_failed_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = layout(tmp_path, RUBRIC.replace("weight 100%", "weight 90%"))
    output = tmp_path / "report.xml"
    assert main(["test", str(path), "--format", "junit", "--output", str(output), "--lang", "id"]) == 1
    assert "W400" in capsys.readouterr().out
    [case] = ET.fromstring(output.read_text(encoding="utf-8")).iter("testcase")
    failure = case.find("failure")
    assert case.get("name") == "memuat rubrik" and failure is not None and "W400" in (failure.text or "")


def test_xml_never_carries_a_control_character_from_the_data(tmp_path: Path) -> None:
    cases = CASES.replace("id: sedang", 'id: "sed\\x1bang"').replace("{total: 60, status", "{total: 61, status")
    report = run_cases(pr.load(layout(tmp_path, cases=cases)), max_examples=5)
    xml = report_of_tests([report], "junit", "en")
    assert "\x1b" not in xml and 'name="sed\\x1bang"' in xml
    ET.fromstring(xml)


# ------------------------------------------------------------------ golden reports


def test_the_reports_of_a_small_rubric_read_as_the_golden_files(tmp_path: Path, golden: Golden,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    output = tmp_path / "report.xml"
    arguments = ["test", "rubrics/2024/uji.rubric", "--examples", "10"]
    assert main([*arguments, "--format", "junit", "--output", str(output)]) == 1
    golden.check(GOLDEN / "uji.txt", capsys.readouterr().out)
    golden.check(GOLDEN / "uji.junit.xml", output.read_text(encoding="utf-8"))
    assert main([*arguments, "--lang", "id"]) == 1
    golden.check(GOLDEN / "uji.id.txt", capsys.readouterr().out)
