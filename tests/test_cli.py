"""The paritrana-rules command as a user runs it: outputs, exit codes, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from paritrana_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
DESA = str(ROOT / "rubrics/2024/pemerintah-desa.rubric")
DESA_DATA = str(ROOT / "examples/2024/pemerintah-desa.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_bundled_rubrics_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(ROOT / "rubrics"))
    bundled = len(list((ROOT / "rubrics").rglob("*.rubric")))
    assert code == 0
    assert out.splitlines()[-1] == f"{bundled} rubrics checked, {bundled} clean"


def test_check_reports_problems_with_exit_1(rubrics_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = rubrics_folder / "bad.rubric"
    bad.write_text((ROOT / "rubrics/2024/pemerintah-desa.rubric").read_text(encoding="utf-8")
                   .replace("weight 20%", "weight 25%", 1), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1
    assert "error[W400]" in out and f"{bad}:" in out and "^" in out and "= hint:" in out


def test_check_json_lists_diagnostics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.rubric"
    bad.write_text('rubric "Paritrana Award" edition 2024 period 2023\ncriterion x weight 50%\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", "--format", "json", str(bad))
    assert code == 1
    diagnostics = json.loads(out)["files"][0]["diagnostics"]
    assert {d["code"] for d in diagnostics} >= {"H103", "W400", "W401"}
    assert all(d["line"] >= 1 and d["column"] >= 1 and d["file"] == str(bad) for d in diagnostics)


def test_warnings_fail_only_with_strict(rubrics_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "rubrics/2024/pemerintah-desa.rubric").read_text(encoding="utf-8")
    noisy = rubrics_folder / "noisy.rubric"
    noisy.write_text(text + "\ninput tidak_dipakai: count\n", encoding="utf-8")
    assert run(capsys, "check", str(noisy))[0] == 0
    code, out, _ = run(capsys, "check", "--strict", str(noisy))
    assert code == 1 and "warning[L800]" in out


def test_score_table_lists_every_candidate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", DESA, DESA_DATA)
    assert code == 0
    assert "desa-tamansari" in out and "disqualified" in out


def test_score_json_and_csv_agree(capsys: pytest.CaptureFixture[str]) -> None:
    _, as_json, _ = run(capsys, "score", DESA, DESA_DATA, "--format", "json")
    _, as_csv, _ = run(capsys, "score", DESA, DESA_DATA, "--format", "csv")
    document = json.loads(as_json)
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert [(r["candidate_id"], r["total"], r["status"]) for r in document["results"]] == [
        (r["id"], r["total"], r["status"]) for r in rows
    ]
    assert document["rubric"]["edition"] == 2024 and document["rubric"]["period"] == 2023


def test_score_explains_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", DESA, DESA_DATA, "--explain", "--lang", "id")
    assert code == 0
    assert "Nilai akhir" in out and "[baris " in out


def test_score_keeps_good_rows_when_one_is_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "mixed.csv"
    source = (ROOT / "examples/2024/pemerintah-desa.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(source)))
    broken = {**rows[0], "id": "desa-rusak", "aparat_desa": "banyak"}  # a word where a count belongs
    with data.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([rows[0], broken, *rows[1:]])
    rows.append(broken)
    code, out, err = run(capsys, "score", DESA, str(data), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert len(document["results"]) == len(rows) - 1
    assert [r["candidate_id"] for r in document["rejected"]] == ["desa-rusak"]
    assert "desa-rusak" in err


def test_output_file_is_written_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "scores.json"
    code, out, _ = run(capsys, "score", DESA, DESA_DATA, "--format", "json", "--output", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["results"]
    assert [p.name for p in tmp_path.iterdir()] == ["scores.json"]


def test_explain_one_candidate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", DESA, DESA_DATA, "--candidate", "desa-tamansari", "--format", "markdown")
    assert code == 0 and out.startswith("## Desa Tamansari")


def test_explain_unknown_candidate_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", DESA, DESA_DATA, "--candidate", "desa-tamansary")
    assert code == 2 and "did you mean 'desa-tamansari'" in err


@pytest.mark.parametrize("args", [
    ["score", "missing.rubric", DESA_DATA],
    ["score", DESA, "missing.yaml"],
    ["check", "nowhere/"],
    ["frobnicate"],
    ["score", DESA],
])
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    _, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err


def test_broken_rubric_when_scoring_exits_1_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.rubric"
    bad.write_bytes(b"\xff\xfe not utf-8")
    code, _, err = run(capsys, "score", str(bad), DESA_DATA)
    assert code == 1 and "F002" in err and "Traceback" not in err


def test_python_dash_m_runs_the_tool() -> None:
    done = subprocess.run([sys.executable, "-m", "paritrana_rules", "check", DESA], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


HUGE = '''rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places
input x: number at least 0
    label id "X" en "X"
let a = x * x * x * x * x * x * x * x
let b = a * a * a * a * a * a * a * a
let c = b * b * b * b * b * b * b * b
let d = c * c * c * c * c * c * c * c
let e = d * d * d * d * d * d * d * d
let f = e * e * e * e * e * e * e * e
criterion c1 weight 100%
    label id "C" en "C"
    points clamp(f, 0, 100)
'''


def test_a_candidate_that_cannot_be_scored_exactly_is_rejected_alone(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    rubric = tmp_path / "huge.rubric"
    rubric.write_text(HUGE, encoding="utf-8")
    data = tmp_path / "data.yaml"
    data.write_text("- id: besar\n  x: 100000\n- id: kecil\n  x: 1\n", encoding="utf-8")
    code, out, err = run(capsys, "score", str(rubric), str(data), "--format", "csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["status"]) for r in rows] == [("besar", "rejected"), ("kecil", "eligible")]
    assert "too large" in err and "Traceback" not in err


def test_fmt_reads_line_endings_like_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "rubrics/2024/pemerintah-desa.rubric").read_text(encoding="utf-8")
    old_mac = tmp_path / "cr.rubric"
    old_mac.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    assert run(capsys, "fmt", str(old_mac))[0] == 0
    assert old_mac.read_text(encoding="utf-8") == text


def test_a_byte_order_mark_is_harmless(rubrics_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marked = rubrics_folder / "bom.rubric"
    marked.write_bytes(b"\xef\xbb\xbf" + (ROOT / "rubrics/2024/pemerintah-desa.rubric").read_bytes())
    assert run(capsys, "check", str(marked))[0] == 0


def test_jsonl_output_has_one_object_per_input_row(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", DESA, DESA_DATA, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    records = yaml.safe_load(Path(DESA_DATA).read_text(encoding="utf-8"))["candidates"]
    assert code == 0 and [r["candidate_id"] for r in rows] == [r["id"] for r in records]
    assert {"rank", "nominated", "total", "status"} <= set(rows[0])
