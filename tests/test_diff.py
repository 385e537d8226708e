"""diff: what changed in meaning between editions, and whom it moves."""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import pytest

import paritrana_rules as pr
from paritrana_rules.cli import main
from paritrana_rules.committee.diff import diff_rubrics, ranks, rescore

ROOT = Path(__file__).resolve().parents[1]
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DATA = ROOT / "examples/2024/pemerintah-desa.yaml"


def rubrics_folder(tmp_path: Path) -> Path:
    """A rubrics folder holding the shared files the bundled rubrics use."""
    folder = tmp_path / "rubrics"
    shutil.copytree(ROOT / "rubrics/wilayah", folder / "wilayah")
    return folder


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    folder = rubrics_folder(tmp_path)
    (folder / "2024").mkdir(parents=True)
    shutil.copy(DESA, folder / "2024")
    path = folder / "2026" / "desa.rubric"
    path.parent.mkdir()
    path.write_text(
        'rubric "Paritrana Award" edition 2026 period 2025\nextends "2024/pemerintah-desa.rubric"\n'
        "change criterion inovasi weight 15%\nchange criterion rentan_apbdes weight 25%\n"
        "remove gate aparat_terlindungi\n"
        "change criterion jumlah_rentan_desa\n    points by band of rentan_dibiayai\n"
        "        from 1000 -> 100\n        from 250 to below 1000 -> 85\n        from 100 to below 250 -> 65\n"
        "        above 0 to below 100 -> 30\n        exactly 0 -> 0\n", encoding="utf-8")
    return path


def test_reformatting_is_no_change(tmp_path: Path) -> None:
    squeezed = rubrics_folder(tmp_path) / "squeezed.rubric"
    squeezed.write_text("\n".join(line.strip() for line in DESA.read_text(encoding="utf-8").splitlines()),
                        encoding="utf-8")
    assert diff_rubrics(pr.load(DESA), pr.load(squeezed)) == []


def test_changes_are_named_and_located(edited: Path) -> None:
    found = diff_rubrics(pr.load(DESA), pr.load(edited))
    changes = {(c.sign, c.what, c.name): c for c in found}
    assert changes[("~", "criterion", "inovasi")].detail == "weight 10% → 15%"
    assert changes[("~", "criterion", "inovasi")].span.path == str(edited)
    assert ("-", "gate", "aparat_terlindungi") in changes
    band = [c.detail for c in found if c.name == "jumlah_rentan_desa"]
    assert "band row 'from 250 to below 1000' added → 85" in band
    assert "band row 'from 500 to below 1000' removed" in band
    assert changes[("~", "header", "edition")].detail == "2024 → 2026"


def test_rescoring_shows_who_moves_and_why(edited: Path) -> None:
    movements = {m.candidate: m for m in rescore(pr.load(DESA), pr.load(edited), DATA)}
    capped = movements["desa-sukamaju-contoh"]
    assert capped.old is not None and capped.new is not None
    assert capped.new.total > capped.old.total
    assert "gate aparat_terlindungi no longer fails" in capped.why
    assert movements["desa-mekarsari-contoh"].new_rank is None  # disqualified: unranked


def test_ties_share_a_rank() -> None:
    rubric = pr.load(DESA)
    candidates, _ = pr.load_candidates(DATA, rubric.input_specs)
    results = [rubric.evaluate_candidate(c) for c in candidates]
    twin = rubric.evaluate_candidate(candidates[0])
    twin = attrs.evolve(twin, candidate_id="twin")
    ranking = ranks([*results, twin])
    assert ranking["twin"] == ranking[candidates[0].id]
    assert sorted(ranking.values()).count(ranking["twin"]) == 2


def test_folders_pair_by_category(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = rubrics_folder(tmp_path) / "a", tmp_path / "rubrics" / "b"
    old.mkdir()
    new.mkdir()
    shutil.copy(ROOT / "rubrics/2024/kabupaten-kota.rubric", old)
    shutil.copy(ROOT / "rubrics/2024/kabupaten-kota.rubric", new)
    shutil.copy(DESA, new)
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "+ rubric pemerintah_desa" in out


def test_cli_diff_with_candidates(edited: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(DESA), str(edited), "--candidates", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "~ criterion inovasi: weight 10% → 15%" in out
    assert "desa-sukamaju-contoh" in out and "→" in out


def test_reordering_first_match_rows_is_a_change(tmp_path: Path) -> None:
    text = DESA.read_text(encoding="utf-8")
    first = "        when pad_desa in sumber_dana -> 80\n"
    second = "        when count of sumber_dana >= 2 -> 70\n"
    assert first in text and second in text
    swapped = rubrics_folder(tmp_path) / "swapped.rubric"
    swapped.write_text(text.replace(first, "@@").replace(second, first).replace("@@", second), encoding="utf-8")
    details = [c.detail for c in diff_rubrics(pr.load(DESA), pr.load(swapped))]
    assert any(d.startswith("table rows reordered") for d in details)


def test_header_sources_are_compared(tmp_path: Path) -> None:
    text = DESA.read_text(encoding="utf-8")
    extra = rubrics_folder(tmp_path) / "extra.rubric"
    extra.write_text(text.replace("rounding half_up", 'source "Notulen rapat 2026"\nrounding half_up', 1),
                     encoding="utf-8")
    changes = diff_rubrics(pr.load(DESA), pr.load(extra))
    assert [(c.name, c.detail) for c in changes] == [("source", 'added "Notulen rapat 2026"')]


def test_a_change_of_provinces_and_zones_is_told_by_value() -> None:
    """Edition 2024 adds four Papuan provinces to the 2023 list, each in a zone: named, not the whole list."""
    found = diff_rubrics(pr.load(ROOT / "rubrics/2023/kabupaten-kota-nasional.rubric"),
                         pr.load(ROOT / "rubrics/2024/kabupaten-kota-nasional.rubric"))
    details = {(c.what, c.name): c.detail for c in found if c.sign == "~"}
    assert details[("input", "provinsi")] == ("values added: papua_selatan, papua_tengah, papua_pegunungan, "
                                              "papua_barat_daya")
    assert details[("group", "zona")].startswith("into part nusa_tenggara_maluku_papua: papua_selatan (new)")
    added = {c.name: c.detail for c in found if c.sign == "+" and c.what == "stage"}
    assert added["penilaian"].endswith("then the best 11 go on")
