"""diff: what changed in meaning between editions, and whom it moves, ranked the way each rubric ranks."""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules import api
from paritrana_rules.cli import main
from paritrana_rules.committee.diff import diff_rubrics
from paritrana_rules.committee.diff_report import compare
from paritrana_rules.committee.moves import parts, rescore
from tests.conftest import Golden
from tests.strategies import candidate_inputs

ROOT = Path(__file__).resolve().parents[1]
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DATA = ROOT / "examples/2024/pemerintah-desa.yaml"
KABKOTA = ROOT / "rubrics/2024/kabupaten-kota.rubric"
GOLDEN = ROOT / "tests/golden/diff"


def rubrics_folder(tmp_path: Path) -> Path:
    """A rubrics folder holding the shared files the bundled rubrics use."""
    folder = tmp_path / "rubrics"
    shutil.copytree(ROOT / "rubrics/wilayah", folder / "wilayah")
    return folder


def village_edition(tmp_path: Path, body: str) -> Path:
    """A 2026 village rubric that extends the bundled 2024 one with `body`, in a rubrics folder of its own."""
    folder = rubrics_folder(tmp_path)
    (folder / "2024").mkdir(parents=True)
    shutil.copy(DESA, folder / "2024")
    path = folder / "2026" / "desa.rubric"
    path.parent.mkdir()
    path.write_text('rubric "Paritrana Award" edition 2026 period 2025\nextends "2024/pemerintah-desa.rubric"\n' + body,
                    encoding="utf-8")
    return path


@pytest.fixture
def edited(tmp_path: Path) -> Path:
    return village_edition(tmp_path, (
        "change criterion inovasi weight 15%\nchange criterion rentan_apbdes weight 25%\n"
        "remove gate aparat_terlindungi\n"
        "change criterion jumlah_rentan_desa\n    points by band of rentan_dibiayai\n"
        "        from 1000 -> 100\n        from 250 to below 1000 -> 85\n        from 100 to below 250 -> 65\n"
        "        above 0 to below 100 -> 30\n        exactly 0 -> 0\n"))


@pytest.fixture
def kabkota(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """The bundled 2024 regency/city rubric, the golden 2026 edition that extends it, and the golden candidates
    (seven, in five provinces), in a folder the test runs in, so that paths read the same on every machine."""
    folder = rubrics_folder(tmp_path)
    (folder / "2024").mkdir()
    (folder / "2026").mkdir()
    shutil.copy(KABKOTA, folder / "2024")
    shutil.copy(GOLDEN / "edition-2026.rubric", folder / "2026" / "kabupaten-kota.rubric")
    shutil.copy(GOLDEN / "candidates.yaml", tmp_path / "candidates.yaml")
    monkeypatch.chdir(tmp_path)
    return Path("rubrics/2024/kabupaten-kota.rubric"), Path("rubrics/2026/kabupaten-kota.rubric"), \
        Path("candidates.yaml")


# ------------------------------------------------------------------ rubric changes


def test_reformatting_is_no_change(tmp_path: Path) -> None:
    squeezed = rubrics_folder(tmp_path) / "squeezed.rubric"
    squeezed.write_text("\n".join(line.strip() for line in DESA.read_text(encoding="utf-8").splitlines()),
                        encoding="utf-8")
    assert diff_rubrics(pr.load(DESA), pr.load(squeezed)) == []


def test_changes_are_named_and_located(edited: Path) -> None:
    found = diff_rubrics(pr.load(DESA), pr.load(edited))
    changes = {(c.sign, c.what, c.name): c for c in found}
    assert changes[("~", "criterion", "inovasi")].detail == "weight 10% → 15%"
    span = changes[("~", "criterion", "inovasi")].span
    assert span is not None and span.path == str(edited)
    assert ("-", "gate", "aparat_terlindungi") in changes
    band = [c.detail for c in found if c.name == "jumlah_rentan_desa"]
    assert "band row 'from 250 to below 1000' added → 85" in band
    assert "band row 'from 500 to below 1000' removed" in band
    assert changes[("~", "header", "edition")].detail == "2024 → 2026"


def test_each_change_is_told_in_either_language(edited: Path) -> None:
    changes = {(c.sign, c.what, c.name): c for c in diff_rubrics(pr.load(DESA), pr.load(edited))}
    weight = changes[("~", "criterion", "inovasi")]
    assert weight.render().startswith("~ criterion inovasi: weight 10% → 15%  (")
    assert weight.render("id").startswith("~ kriteria inovasi: bobot 10% → 15%  (")
    assert changes[("~", "header", "edition")].render("id").startswith("~ identitas edisi: 2024 → 2026")
    assert changes[("-", "gate", "aparat_terlindungi")].render("id").startswith("- syarat aparat_terlindungi  (")
    assert weight.to_dict("id")["detail"] == "bobot 10% → 15%"


def test_a_changed_ranking_is_a_change(tmp_path: Path) -> None:
    folder = rubrics_folder(tmp_path)
    (folder / "2024").mkdir()
    shutil.copy(KABKOTA, folder / "2024")
    wider = folder / "wider.rubric"
    text = KABKOTA.read_text(encoding="utf-8")
    assert "within provinsi nominate top 1" in text
    wider.write_text(text.replace("within provinsi nominate top 1", "within provinsi nominate top 3"),
                     encoding="utf-8")
    found = [c for c in diff_rubrics(pr.load(folder / "2024/kabupaten-kota.rubric"), pr.load(wider))
             if c.what == "ranking"]
    assert [(c.sign, c.name) for c in found] == [("~", "candidates")]
    assert found[0].detail.endswith("within provinsi nominate top 3'")


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
    assert changes[0].render("id").startswith('~ identitas sumber: ditambahkan "Notulen rapat 2026"')


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


# ------------------------------------------------------------------ candidates


def test_rescoring_shows_who_moves_and_why(edited: Path) -> None:
    movements = {m.candidate: m for m in rescore(pr.load(DESA), pr.load(edited), DATA)}
    capped = movements["desa-sukamaju-contoh"]
    assert capped.old.result is not None and capped.new.result is not None
    assert capped.new.result.total > capped.old.result.total
    assert any(m.kind == "cap" and m.change > 0 for m in capped.moves)  # the gate that capped it is gone
    disqualified = movements["desa-mekarsari-contoh"]
    assert disqualified.new.placing is not None and disqualified.new.placing.rank is None


def test_golden_text_en(kabkota: tuple[Path, Path, Path], golden: Golden,
                        capsys: pytest.CaptureFixture[str]) -> None:
    old, new, data = kabkota
    assert main(["diff", str(old), str(new), "--candidates", str(data)]) == 1
    golden.check(GOLDEN / "kabupaten-kota-2026.en.txt", capsys.readouterr().out)


def test_golden_text_id(kabkota: tuple[Path, Path, Path], golden: Golden,
                        capsys: pytest.CaptureFixture[str]) -> None:
    old, new, data = kabkota
    assert main(["diff", str(old), str(new), "--candidates", str(data), "--lang", "id"]) == 1
    golden.check(GOLDEN / "kabupaten-kota-2026.id.txt", capsys.readouterr().out)


def test_golden_json(kabkota: tuple[Path, Path, Path], golden: Golden, capsys: pytest.CaptureFixture[str]) -> None:
    old, new, data = kabkota
    assert main(["diff", str(old), str(new), "--candidates", str(data), "--format", "json"]) == 1
    golden.check(GOLDEN / "kabupaten-kota-2026.json", capsys.readouterr().out)


def test_nominations_are_decided_per_province(kabkota: tuple[Path, Path, Path]) -> None:
    """The regency rubric nominates the first of each province: the lower cap hands Jawa Barat's nomination
    from kota-contoh-raya to kab-contoh-pasundan, and nobody else's changes."""
    old, new, data = kabkota
    movements = rescore(pr.load(old), pr.load(new), data)
    assert {m.candidate: m.nomination for m in movements if m.nomination} == {
        "kota-contoh-raya": -1, "kab-contoh-pasundan": 1}
    nominated = [m.candidate for m in movements if m.new.placing is not None and m.new.placing.nominated]
    assert len(nominated) == 4  # one per province with an eligible candidate (Sulawesi Tengah has none)


def test_ranks_are_those_score_gives_for_each_rubric(kabkota: tuple[Path, Path, Path]) -> None:
    old, new, data = kabkota
    document = json.loads(api.render_json([compare(pr.load(old), pr.load(new), str(data))]))
    candidates = document["rubrics"][0]["candidates"]
    for side, path in (("old", old), ("new", new)):
        output = io.BytesIO()
        api.score_file(pr.load(path), data, output, form="json")
        scored = {r["candidate_id"]: r for r in json.loads(output.getvalue())["results"]}
        for candidate in candidates:
            placing = dict(candidate[side]["placing"])
            placing.pop("candidate")
            assert placing == {key: scored[candidate["candidate"]][key] for key in placing}
            assert candidate[side]["total"] == scored[candidate["candidate"]]["total"]


def test_a_tighter_cut_moves_placings_and_tells_the_cut(kabkota: tuple[Path, Path, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The national round placed per zone: with only the best 3 going on after the desk assessment, the Java and
    Bali placing passes from kab-kulon-progo (cut) to kota-contoh-raya, whose total does not move."""
    _, _, data = kabkota
    national = Path("rubrics/2024/kabupaten-kota-nasional.rubric")
    shutil.copy(ROOT / national, national)
    tighter = Path("rubrics/2026/kabupaten-kota-nasional.rubric")
    text = national.read_text(encoding="utf-8")
    assert "    advance top 11\n" in text
    tighter.write_text(text.replace("    advance top 11\n", "    advance top 3\n"), encoding="utf-8")
    movements = {m.candidate: m for m in rescore(pr.load(national), pr.load(tighter), data)}
    assert movements["kab-kulon-progo"].placings_lost == ("terbaik",)
    assert movements["kota-contoh-raya"].placings_gained == ("terbaik",)
    assert movements["kota-contoh-raya"].change == 0 and movements["kota-contoh-raya"].moved
    assert main(["diff", str(national), str(tighter), "--candidates", str(data)]) == 1
    out = capsys.readouterr().out
    assert "kab-kulon-progo loses Best Regency/City Government of the Zone in Java and Bali: rank 1 of 3" in out
    assert ("reasons after: cut after Central verification and desk assessment: rank 4 of 5; the best 3 go on"
            in out)


def _written(values: dict[str, Any]) -> Any:
    """A generated value as a JSON data file writes it: decimals as their text, sets as lists."""
    if isinstance(values, dict):
        return {key: _written(value) for key, value in values.items()}
    if isinstance(values, (set, frozenset, list, tuple)):
        return sorted(_written(v) for v in values)
    return str(values) if isinstance(values, Decimal) else values


@pytest.fixture(scope="module")
def golden_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[pr.CompiledRubric, pr.CompiledRubric]:
    """The bundled 2024 regency/city rubric and the golden 2026 edition, loaded once."""
    rubrics = rubrics_folder(tmp_path_factory.mktemp("pair"))
    (rubrics / "2024").mkdir()
    (rubrics / "2026").mkdir()
    shutil.copy(KABKOTA, rubrics / "2024")
    shutil.copy(GOLDEN / "edition-2026.rubric", rubrics / "2026" / "kabupaten-kota.rubric")
    return pr.load(rubrics / "2024/kabupaten-kota.rubric"), pr.load(rubrics / "2026/kabupaten-kota.rubric")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_moves_add_up_to_the_change_of_the_total(
        tmp_path_factory: pytest.TempPathFactory, golden_pair: tuple[pr.CompiledRubric, pr.CompiledRubric],
        data: st.DataObject) -> None:
    folder = tmp_path_factory.mktemp("moves")
    old, new = golden_pair
    drawn = data.draw(st.lists(candidate_inputs(old.input_specs), min_size=1, max_size=4))
    candidates = [{"id": f"c{number}", **_written(values)} for number, values in enumerate(drawn)]
    path = folder / "candidates.json"
    path.write_text(json.dumps({"candidates": candidates}), encoding="utf-8")
    for movement in rescore(old, new, path):
        assert movement.old.result is not None and movement.new.result is not None
        for standing in (movement.old, movement.new):
            assert standing.result is not None
            assert sum(parts(standing.result).values()) == standing.result.total
        assert sum(m.change for m in movement.moves) == movement.change
        assert all(m.change == m.change.quantize(Decimal("0.01")) for m in movement.moves)


# ------------------------------------------------------------------ exit codes


def test_nothing_changed_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    squeezed = rubrics_folder(tmp_path) / "squeezed.rubric"
    squeezed.write_text("\n".join(line.strip() for line in DESA.read_text(encoding="utf-8").splitlines()),
                        encoding="utf-8")
    assert main(["diff", str(DESA), str(squeezed), "--candidates", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "no change in meaning" in out and "of whom 0 move" in out


def test_a_change_exits_1_even_when_nobody_moves(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(KABKOTA), str(ROOT / "rubrics/2025/kabupaten-kota.rubric"), "--candidates",
                 str(GOLDEN / "candidates.yaml")]) == 1
    out = capsys.readouterr().out
    assert "~ header edition: 2024 → 2025" in out and "of whom 0 move" in out


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["diff", "--help"])
    out = capsys.readouterr().out
    assert "0  nothing changed in meaning, and no candidate moved" in out
    assert "1  something changed" in out and "2  usage error" in out


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(DESA), str(tmp_path / "missing.rubric")]) == 2
    assert main(["diff", str(DESA), str(ROOT / "rubrics/2024")]) == 2
    assert main(["diff", str(ROOT / "rubrics/2023"), str(ROOT / "rubrics/2024"), "--candidates", str(DATA)]) == 2
    assert main(["diff", str(DESA), str(DESA), "--candidates", str(tmp_path / "missing.yaml")]) == 2
    assert "no such data file" in capsys.readouterr().err


def test_folders_pair_by_category_and_exit_1_for_a_rubric_added(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    old, new = rubrics_folder(tmp_path) / "a", tmp_path / "rubrics" / "b"
    old.mkdir()
    new.mkdir()
    shutil.copy(KABKOTA, old)
    shutil.copy(KABKOTA, new)
    assert main(["diff", str(old), str(new)]) == 0
    assert "no change in meaning" in capsys.readouterr().out
    shutil.copy(DESA, new)
    assert main(["diff", str(old), str(new), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["changed"] is True
    assert [(c["sign"], c["name"]) for c in document["unpaired"]] == [("+", "pemerintah_desa (round provinsi)")]


def test_data_rejected_under_one_rubric_is_told_in_full(capsys: pytest.CaptureFixture[str]) -> None:
    """The 2023 rubric does not know Papua Barat Daya, and asks for non-ASN staff the 2024 data lacks: every
    problem of every such candidate is shown, with its field and hint."""
    assert main(["diff", str(ROOT / "rubrics/2023/kabupaten-kota.rubric"), str(KABKOTA), "--candidates",
                 str(GOLDEN / "candidates.yaml")]) == 1
    out = capsys.readouterr().out
    assert "kab-raja-ampat: data rejected → " in out
    assert "field 'provinsi': 'Papua Barat Daya' is not one of" in out
    assert "field 'pegawai_non_asn': missing value (hint: " in out
    assert "kab-raja-ampat gains the nomination" in out


def test_a_total_set_by_disqualification_is_its_own_move(tmp_path: Path) -> None:
    path = village_edition(tmp_path, (
        "remove gate tanpa_tunggakan\n"
        "gate tanpa_tunggakan_nol: not tunggakan_iuran otherwise disqualify with total 0\n"
        '    label id "Tidak ada tunggakan iuran" en "No contribution arrears"\n'
        '    reason id "Desa menunggak iuran; nilai akhir 0" en "The village is in arrears; the total is 0"\n'))
    movements = {m.candidate: m for m in rescore(pr.load(DESA), pr.load(path), DATA)}
    moved = movements["desa-mekarsari-contoh"]
    assert moved.new.result is not None and moved.new.result.total == 0 and moved.new.result.status == "disqualified"
    [set_by_gate] = [m for m in moved.moves if m.kind == "disqualified"]
    assert set_by_gate.name == "tanpa_tunggakan_nol" and set_by_gate.change < 0
    assert moved.old.result is not None
    assert sum(m.change for m in moved.moves) == moved.new.result.total - moved.old.result.total
