"""Audit records, ledgers and replay: schema, determinism, and every tamper class named correctly."""

from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.audit.records import _placing_json, content_hash
from paritrana_rules.canonical import canonical
from paritrana_rules.language.identity import rubric_hash
from paritrana_rules.rank.ranking import AwardOutcome, CutOutcome, Placing
from paritrana_rules.cli import main

from .strategies import candidate_inputs

ROOT = Path(__file__).resolve().parents[1]
RUBRICS_DIR = ROOT / "rubrics"
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DESA_DATA = ROOT / "examples/2024/pemerintah-desa.yaml"
VALIDATOR = jsonschema.Draft202012Validator(json.loads((ROOT / "docs/audit.schema.json").read_text(encoding="utf-8")))


@functools.cache
def rubric() -> pr.CompiledRubric:
    return pr.load(DESA)


def write_ledger(tmp_path: Path, data: Path = DESA_DATA) -> Path:
    ledger = tmp_path / "ledger.jsonl"
    assert main(["score", str(DESA), str(data), "--format", "json", "--output", str(tmp_path / "scores.json"),
                 "--audit", str(ledger)]) in (0, 1)
    return ledger


def lines(ledger: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]


def save(ledger: Path, documents: list[dict[str, Any]]) -> None:
    ledger.write_bytes(b"".join(canonical(d) + b"\n" for d in documents))


def kinds(report: pr.ReplayReport) -> set[str]:
    return {f.kind for f in report.findings if f.severity == "error"}


# ------------------------------------------------------------------ records


def test_every_record_follows_the_schema(tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(DESA_DATA.read_text(encoding="utf-8") + "  - id: desa-rusak\n    aparat_desa: banyak\n",
                     encoding="utf-8")
    documents = lines(write_ledger(tmp_path, mixed))
    assert [d["kind"] for d in documents][:1] == ["rubric"]
    assert {d["kind"] for d in documents} == {"rubric", "scored", "rejected", "placing", "ranking", "seal"}
    for document in documents:
        VALIDATOR.validate(document)
        assert content_hash(document) == document["sha256"]
    locations = documents[0]["locations"]
    assert [step[0] for step in locations][-1] == "total" and all(step[2] >= 1 for step in locations)
    assert set(documents[0]["rubric"]["declarations"]) >= {"header", "criterion:regulasi_desa"}


def test_a_record_holds_the_inputs_every_step_and_the_result() -> None:
    candidates, _ = pr.load_candidates(DESA_DATA, rubric().input_specs)
    result = rubric().evaluate_candidate(candidates[0])
    record = result.audit()
    assert record["rubric"]["edition"] == 2024 and record["rubric"]["period"] == 2023
    assert record["numeric"]["rounding"] == "half_up" and record["numeric"]["places"] == 2
    assert record["result"]["total"] == "80.50" and record["trace"]["total"]["total"] == "80.50"
    assert record["trace"]["criterion:jumlah_rentan_desa"]["rows"]
    assert result.trace is not None
    assert {s.id for s in result.trace if s.kind != "input"} == set(record["trace"])
    assert record["inputs"]["rentan_dibiayai"] == str(candidates[0].values["rentan_dibiayai"])
    VALIDATOR.validate(record)


@given(candidate_inputs(rubric().input_specs))
def test_records_are_canonical_json(inputs: dict[str, Any]) -> None:
    """Records are filled into templates for speed; they must be exactly what `canonical` writes."""
    line, digest = rubric().record_writer.scored(rubric().evaluate(inputs, "generated"), "0" * 64)
    document = json.loads(line)
    assert canonical(document) == line
    assert content_hash(document) == digest == document["sha256"]
    VALIDATOR.validate(document)


def test_reformatting_a_rubric_keeps_its_hash() -> None:
    """Identity is the rubric's meaning: comments and layout do not change the hash."""
    text = DESA.read_text(encoding="utf-8")
    squeezed = "\n".join(line.strip() for line in text.splitlines() if not line.strip().startswith("#"))
    assert squeezed != text
    beside = str(DESA.parent / "b.rubric")  # where `uses` finds the shared provinces; the file is never read
    assert rubric_hash(pr.loads(squeezed, beside).model.rubric) == rubric_hash(rubric().model.rubric)
    repointed = text.replace("when perkades in produk_hukum_desa -> 30", "when perkades in produk_hukum_desa -> 25")
    assert rubric_hash(pr.loads(repointed, beside).model.rubric) != rubric_hash(rubric().model.rubric)


def test_records_are_identical_across_runs_and_processes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = write_ledger(tmp_path / "a"), write_ledger(tmp_path / "b")
    other = tmp_path / "c.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "paritrana_rules", "score", str(DESA), str(DESA_DATA), "--format", "csv",
                    "--output", str(tmp_path / "c.csv"), "--audit", str(other)], check=True, env=env)
    assert first.read_bytes() == second.read_bytes() == other.read_bytes()


@given(candidate_inputs(rubric().input_specs))
def test_replaying_a_fresh_record_verifies(inputs: dict[str, Any]) -> None:
    record = rubric().evaluate(inputs, "generated").audit()
    report = pr.replay(record, [DESA])
    assert report.ok, report.render()
    assert report.first_divergence is None and report.verified == 1


# ------------------------------------------------------------------ a clean ledger


def test_a_clean_ledger_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = write_ledger(tmp_path)
    capsys.readouterr()
    assert main(["replay", str(ledger), "--rubrics", str(RUBRICS_DIR)]) == 0
    count = len(lines(ledger)) - 1  # every record but the seal
    assert capsys.readouterr().out.strip() == f"{count} records verified"


# ------------------------------------------------------------------ tampering


def tampered(tmp_path: Path, change: Any) -> pr.ReplayReport:
    ledger = write_ledger(tmp_path)
    documents = lines(ledger)
    save(ledger, change(documents) or documents)
    return pr.replay(ledger, [RUBRICS_DIR])


def test_edited_input(tmp_path: Path) -> None:
    def change(documents: list[dict[str, Any]]) -> None:
        documents[1]["inputs"]["rentan_dibiayai"] = "2150"

    report = tampered(tmp_path, change)
    assert {"edited", "input-edited"} <= kinds(report)
    divergence = report.first_divergence
    assert divergence is not None and divergence.line == 2
    assert dict(divergence.reads)["rentan_dibiayai"] == "2150"  # the first step that read the edited value


def test_edited_step_value(tmp_path: Path) -> None:
    def change(documents: list[dict[str, Any]]) -> None:
        documents[2]["trace"]["criterion:regulasi_desa"]["points"] = "100.00"

    report = tampered(tmp_path, change)
    assert "edited" in kinds(report)
    divergence = report.first_divergence
    assert divergence is not None and divergence.step == "criterion:regulasi_desa" and divergence.line == 3
    assert divergence.recorded["points"] == "100.00" and divergence.location["line"] > 1
    assert "produk_hukum_desa" in dict(divergence.reads)


def test_edited_total(tmp_path: Path) -> None:
    def change(documents: list[dict[str, Any]]) -> None:
        documents[3]["result"]["total"] = "99.99"

    report = tampered(tmp_path, change)
    assert "edited" in kinds(report)
    assert report.first_divergence is not None and report.first_divergence.step == "result.total"


def test_record_edited_and_rehashed_breaks_the_chain(tmp_path: Path) -> None:
    def change(documents: list[dict[str, Any]]) -> None:
        documents[1]["result"]["total"] = "99.99"
        documents[1]["sha256"] = content_hash(documents[1])

    report = tampered(tmp_path, change)
    assert "edited" not in kinds(report)
    assert "deleted" in kinds(report)  # the next record points at a record that is no longer there
    assert report.first_divergence is not None and report.first_divergence.step == "result.total"


def test_deleted_record(tmp_path: Path) -> None:
    report = tampered(tmp_path, lambda d: d[:2] + d[3:])
    assert "deleted" in kinds(report)
    assert any(f.kind == "deleted" and f.line == 3 for f in report.findings)


def test_deleted_last_record(tmp_path: Path) -> None:
    report = tampered(tmp_path, lambda d: d[:-2] + d[-1:])
    assert "deleted" in kinds(report)


def test_reordered_records(tmp_path: Path) -> None:
    report = tampered(tmp_path, lambda d: [d[0], d[1], d[3], d[2], *d[4:]])
    assert "reordered" in kinds(report)
    assert "edited" not in kinds(report)


def test_duplicated_record(tmp_path: Path) -> None:
    report = tampered(tmp_path, lambda d: [d[0], d[1], copy.deepcopy(d[1]), *d[2:]])
    assert "duplicated" in kinds(report)
    assert any(f.kind == "duplicated" and f.line == 3 for f in report.findings)


def test_truncated_ledger(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path)
    ledger.write_bytes(ledger.read_bytes()[: len(ledger.read_bytes()) // 2])
    report = pr.replay(ledger, [RUBRICS_DIR])
    assert "truncated" in kinds(report)


def test_ledger_without_its_seal(tmp_path: Path) -> None:
    report = tampered(tmp_path, lambda d: d[:-1])
    assert "truncated" in kinds(report)


def test_wrong_seal(tmp_path: Path) -> None:
    def change(documents: list[dict[str, Any]]) -> None:
        documents[-1]["count"] = 7
        documents[-1]["sha256"] = content_hash(documents[-1])

    report = tampered(tmp_path, change)
    assert "seal" in kinds(report)


def test_edited_seal(tmp_path: Path) -> None:
    def change(documents: list[dict[str, Any]]) -> None:
        documents[-1]["count"] = 5

    assert "seal" in kinds(tampered(tmp_path, change))


def test_edited_rubric_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = write_ledger(tmp_path)
    rubrics = tmp_path / "rubrics"
    shutil.copytree(RUBRICS_DIR / "wilayah", rubrics / "wilayah")  # the shared provinces the rubric uses
    (rubrics / "2024").mkdir()
    shutil.copy(RUBRICS_DIR / "2024/pemerintah-desa.rubric", rubrics / "2024")
    changed = rubrics / "2024/pemerintah-desa.rubric"
    text = changed.read_text(encoding="utf-8")
    assert "when perkades in produk_hukum_desa -> 30" in text
    changed.write_text(text.replace("when perkades in produk_hukum_desa -> 30",
                                    "when perkades in produk_hukum_desa -> 25"), encoding="utf-8")
    report = pr.replay(ledger, [rubrics])
    assert kinds(report) == {"rubric-changed"}
    assert "criterion:regulasi_desa changed" in report.findings[0].message
    current = pr.replay(ledger, [rubrics], against_current=True)
    assert any(f.kind == "rescored" for f in current.findings)
    assert current.first_divergence is not None and current.first_divergence.step == "criterion:regulasi_desa"
    capsys.readouterr()
    assert main(["replay", str(ledger), "--rubrics", str(rubrics)]) == 1
    assert "rubric-changed" in capsys.readouterr().out


def test_missing_rubric(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path)
    report = pr.replay(ledger, [tmp_path / "nowhere"])
    assert kinds(report) == {"rubric-not-found"}


def test_garbage_line(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path)
    content = ledger.read_text(encoding="utf-8").splitlines()
    content.insert(2, "not json at all")
    ledger.write_text("\n".join(content) + "\n", encoding="utf-8")
    assert "malformed" in kinds(pr.replay(ledger, [RUBRICS_DIR]))


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                       max_size=3), max_leaves=5)


@given(st.data())
def test_any_tampering_is_a_finding_never_a_crash(data: st.DataObject) -> None:
    candidates, _ = pr.load_candidates(DESA_DATA, rubric().input_specs)
    record: Any = rubric().evaluate_candidate(candidates[0]).audit()
    target = record
    path = []
    while isinstance(target, (dict, list)) and target and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(target)) if isinstance(target, dict) else
                        st.integers(0, len(target) - 1))
        path.append(key)
        if not isinstance(target[key], (dict, list)) or not target[key]:
            break
        target = target[key]
    replacement = data.draw(json_values)
    if path:
        holder = record
        for key in path[:-1]:
            holder = holder[key]
        if holder[path[-1]] == replacement:
            return
        holder[path[-1]] = replacement
    else:
        record = replacement if isinstance(replacement, dict) else {"junk": replacement}
    report = pr.replay(record, [DESA]) if isinstance(record, dict) else None
    assert report is None or not report.ok or path[:1] == ["context"]


@pytest.mark.parametrize("taken", [0, 1, 3, 5])
def test_each_placing_is_recorded_once_however_many_the_outputs_take(taken: int, tmp_path: Path) -> None:
    """The ledger records placings as the outputs take them (`Ledger.placed`) and the rest when it closes."""
    import io
    import itertools

    from paritrana_rules.audit.ledger import Ledger
    from paritrana_rules.rank.ranking import Funnel, Rules, result_entry

    rubric = pr.load(Path(__file__).resolve().parents[1] / "rubrics/2024/perusahaan-besar.rubric")
    candidates, _ = pr.load_candidates(Path(__file__).resolve().parents[1] / "examples/2024/perusahaan-besar.yaml",
                                       rubric.input_specs)
    results = [rubric.evaluate_candidate(c) for c in candidates]
    stream = io.BytesIO()
    ledger, funnel = Ledger(stream, rubric.program), Funnel(Rules(rubric.model))
    for result in results:
        ledger.scored(ledger.writer.pieces(result))
        funnel.add(result_entry(funnel.rules, result))
    list(itertools.islice(ledger.placed(funnel.placings()), taken))
    ledger.close()
    funnel.close()
    kinds = [json.loads(line)["kind"] for line in stream.getvalue().splitlines()]
    assert kinds.count("placing") == len(results)
    assert kinds[-2:] == ["ranking", "seal"]
    assert json.loads(stream.getvalue().splitlines()[-1])["count"] == len(kinds) - 1


_NUMBERS = st.none() | st.integers(0, 10**12)
_PLACINGS = st.builds(
    Placing, candidate=st.text(), group=st.none() | st.text(), rank=_NUMBERS, of=_NUMBERS, nominated=st.booleans(),
    tied=st.booleans(),
    cut=st.none() | st.builds(CutOutcome, stage=st.text(max_size=5), rank=_NUMBERS, of=st.integers(0, 99),
                              group=st.none() | st.text(max_size=5), top=st.integers(1, 9)),
    awards=st.lists(st.builds(AwardOutcome, award=st.text(max_size=5), rank=st.integers(1, 9), of=st.integers(1, 9),
                              group=st.none() | st.text(max_size=5), ahead=st.none() | st.text(max_size=5),
                              behind_by=st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=2)),
                    max_size=2).map(tuple))


@given(_PLACINGS)
def test_a_placing_filled_into_its_template_is_its_canonical_json(placing: Placing) -> None:
    """A placing record's placing is written from a template when it has no cut and no award (any text: quotes,
    control characters, other scripts), and by the encoder otherwise: the same bytes either way."""
    assert _placing_json(placing) == canonical(placing.to_dict())
