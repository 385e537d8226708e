"""Replay names the rubric's files by their place inside the rubrics folder: a ledger scored with a relative path
and replayed with the rubric found elsewhere (another working folder, an absolute --rubrics) has nothing moved,
while a rule that truly moved lines is still a note."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.audit.records import content_hash
from paritrana_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
DESA = "2024/pemerintah-desa.rubric"
DESA_DATA = ROOT / "examples/2024/pemerintah-desa.yaml"


def scored_ledger(rubrics: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A ledger scored from the rubrics folder's parent, the rubric named by a relative path."""
    ledger = tmp_path / "ledger.jsonl"
    monkeypatch.chdir(rubrics.parent)
    assert main(["score", f"{rubrics.name}/{DESA}", str(DESA_DATA), "--format", "json", "--output",
                 str(tmp_path / "scores.json"), "--audit", str(ledger)]) == 0
    return ledger


@pytest.fixture
def rubrics(rubrics_folder: Path) -> Path:
    (rubrics_folder / "2024").mkdir()
    shutil.copy(ROOT / "rubrics" / DESA, rubrics_folder / DESA)
    return rubrics_folder


@pytest.mark.parametrize("found", ["absolute", "relative from elsewhere"])
def test_the_same_rubric_found_by_another_path_has_nothing_moved(
        found: str, rubrics: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    ledger = scored_ledger(rubrics, monkeypatch, tmp_path)
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    given = str(rubrics) if found == "absolute" else "../../rubrics"
    capsys.readouterr()
    assert main(["replay", str(ledger), "--rubrics", given]) == 0
    out = capsys.readouterr().out
    assert "moved" not in out
    assert "records verified" in out


def test_a_ledger_scored_by_an_absolute_path_replays_by_a_relative_one(
        rubrics: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.jsonl"
    assert main(["score", str(rubrics / DESA), str(DESA_DATA), "--format", "json", "--output",
                 str(tmp_path / "scores.json"), "--audit", str(ledger)]) == 0
    monkeypatch.chdir(rubrics / "2024")
    capsys.readouterr()
    assert main(["replay", str(ledger), "--rubrics", "pemerintah-desa.rubric"]) == 0
    assert "moved" not in capsys.readouterr().out


def test_a_rule_that_moved_lines_is_still_a_note(rubrics: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    ledger = scored_ledger(rubrics, monkeypatch, tmp_path)
    text = (rubrics / DESA).read_text(encoding="utf-8")
    (rubrics / DESA).write_text("# one more line of comment, nothing else\n" + text, encoding="utf-8")
    capsys.readouterr()
    assert main(["replay", str(ledger), "--rubrics", str(rubrics)]) == 0  # a note: the meaning is the same
    out = capsys.readouterr().out
    assert "line 1: moved: 33 steps are recorded at other lines" in out  # all but the provinces, in wilayah/
    assert "(first: input:kabupaten)" in out


def test_a_rule_recorded_in_another_file_is_a_note(rubrics: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = scored_ledger(rubrics, monkeypatch, tmp_path)
    document = json.loads(ledger.read_text(encoding="utf-8").splitlines()[0])
    assert document["kind"] == "rubric"
    provinces = next(step for step in document["locations"] if step[0] == "input:provinsi")
    assert provinces[1] == "rubrics/wilayah/indonesia-38.shared"
    provinces[1] = f"rubrics/{DESA}"  # the same line and column, in the rubric rather than the shared file
    document["sha256"] = content_hash(document)
    report = pr.replay(document, [rubrics])
    [moved] = [finding for finding in report.findings if finding.kind != "malformed"]  # alone: not a candidate's
    assert (moved.kind, moved.severity) == ("moved", "note")
    assert "1 steps are recorded at other lines" in moved.message and "(first: input:provinsi)" in moved.message
