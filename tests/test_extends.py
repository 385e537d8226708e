"""extends: building a year's rubric on the last one, checked as a whole, pointing at the right file."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.language.identity import rubric_hash

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples/2024/pemerintah-desa.yaml"


@pytest.fixture
def rubrics(tmp_path: Path) -> Path:
    """A rubrics folder holding the 2024 village rubric, for new editions to build on."""
    folder = tmp_path / "rubrics"
    (folder / "2024").mkdir(parents=True)
    shutil.copy(ROOT / "rubrics/2024/pemerintah-desa.rubric", folder / "2024")
    shutil.copytree(ROOT / "rubrics/wilayah", folder / "wilayah")  # the shared provinces it uses
    return folder


def edition(rubrics: Path, body: str, name: str = "2026/desa.rubric") -> Path:
    path = rubrics / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('rubric "Paritrana Award" edition 2026 period 2025\nextends "2024/pemerintah-desa.rubric"\n' + body,
                    encoding="utf-8")
    return path


def scores(rubric: pr.CompiledRubric) -> dict[str, str]:
    candidates, _ = pr.load_candidates(DATA, rubric.input_specs)
    return {c.id: str(rubric.evaluate_candidate(c).total) for c in candidates}


def test_an_unchanged_edition_scores_like_its_parent(rubrics: Path) -> None:
    child = pr.load(edition(rubrics, 'assumption "Nothing changed"\n'))
    parent = pr.load(rubrics / "2024/pemerintah-desa.rubric")
    assert child.identity["edition"] == 2026 and child.identity["period"] == 2025
    assert child.identity["category"] == parent.identity["category"]
    assert scores(child) == scores(parent)
    assert rubric_hash(child.model.rubric) != rubric_hash(parent.model.rubric)  # the years differ


def test_change_remove_and_replace(rubrics: Path) -> None:
    child = pr.load(edition(rubrics, (
        "change criterion inovasi weight 15%\n"
        "change criterion rentan_apbdes weight 25%\n"
        "    label id \"Pekerja rentan (APBDes)\" en \"Vulnerable workers (village budget)\"\n"
        "remove gate aparat_terlindungi\n"
        "bonus kuota_desa: 2 when kuota_per_dusun in inovasi_desa\n"
        "    label id \"Kuota per dusun\" en \"Quota per hamlet\"\n"
    )))
    model = child.model
    weights = {c.decl.name: c.decl.weight for c in model.criteria}
    assert weights["inovasi"] == 15 and weights["rentan_apbdes"] == 25
    assert [g.decl.name for g in model.gates] == ["tanpa_tunggakan"]
    assert [a.decl.name for a in model.adjustments] == ["kuota_desa"]
    label = next(c for c in model.criteria if c.decl.name == "rentan_apbdes").decl.meta
    assert any(m.texts and m.texts.get("en") == "Vulnerable workers (village budget)" for m in label)
    assert scores(child) != scores(pr.load(rubrics / "2024/pemerintah-desa.rubric"))


def test_inherited_problems_point_at_the_inherited_file(rubrics: Path) -> None:
    path = edition(rubrics, "remove criterion kehadiran_kepala_desa\n")
    with pytest.raises(pr.RubricError) as caught:
        pr.load(path)
    [weights] = [d for d in caught.value.diagnostics if d.code == "W400"]
    assert weights.span.path.endswith("2024/pemerintah-desa.rubric")
    assert "criterion pemahaman under wawancara weight 60%" in weights.line_text


def test_problems_in_the_new_file_point_at_it(rubrics: Path) -> None:
    path = edition(rubrics, "change criterion inovasi weight 15%\n")
    with pytest.raises(pr.RubricError) as caught:
        pr.load(path)
    [weights] = caught.value.diagnostics
    assert weights.code == "W400" and weights.span.path == str(path) and weights.span.line == 3


@pytest.mark.parametrize(("written", "code"), [
    ("/etc/2024/pemerintah-desa.rubric", "X100"),
    ("../2024/pemerintah-desa.rubric", "X101"),
    ("2024/pemerintah-desa.rubrik", "X102"),
])
def test_bad_paths(rubrics: Path, written: str, code: str) -> None:
    path = rubrics / "2026/desa.rubric"
    path.parent.mkdir(parents=True)
    path.write_text(f'rubric "Paritrana Award" edition 2026 period 2025\nextends "{written}"\n', encoding="utf-8")
    with pytest.raises(pr.RubricError) as caught:
        pr.load(path)
    assert [d.code for d in caught.value.diagnostics] == [code]
    assert caught.value.diagnostics[0].span.line == 2


def test_cycles_are_reported(rubrics: Path) -> None:
    edition(rubrics, "", "2026/a.rubric").write_text(
        'rubric "Paritrana Award" edition 2026 period 2025\nextends "2026/b.rubric"\n', encoding="utf-8")
    (rubrics / "2026/b.rubric").write_text(
        'rubric "Paritrana Award" edition 2026 period 2025\nextends "2026/a.rubric"\n', encoding="utf-8")
    with pytest.raises(pr.RubricError) as caught:
        pr.load(rubrics / "2026/a.rubric")
    assert [d.code for d in caught.value.diagnostics] == ["X103"]


def test_a_chain_of_editions(rubrics: Path) -> None:
    edition(rubrics, "change criterion inovasi weight 15%\nchange criterion rentan_apbdes weight 25%\n",
            "2026/desa.rubric")
    path = rubrics / "2027/desa.rubric"
    path.parent.mkdir()
    path.write_text('rubric "Paritrana Award" edition 2027 period 2026\nextends "2026/desa.rubric"\n'
                    "change criterion inovasi weight 10%\nchange criterion wawancara weight 20%\n", encoding="utf-8")
    model = pr.load(path).model
    assert {c.decl.name: c.decl.weight for c in model.criteria if c.decl.parent is None} == {
        "regulasi_desa": 20, "cakupan_desa": 25, "rentan_apbdes": 25, "inovasi": 10, "wawancara": 20}
    assert set(model.sources) == {str(path), str(rubrics / "2026/desa.rubric"),
                                  str(rubrics / "2024/pemerintah-desa.rubric"),
                                  str(rubrics / "wilayah/indonesia-38.shared")}


def test_explanations_quote_the_file_each_rule_is_in(rubrics: Path) -> None:
    child = pr.load(edition(rubrics, "change criterion inovasi weight 15%\nchange criterion rentan_apbdes weight 25%\n"
                                     "change criterion inovasi\n    points min(100, 50 * count of inovasi_desa)\n"))
    candidates, _ = pr.load_candidates(DATA, child.input_specs)
    text = child.evaluate_candidate(candidates[0]).explain()
    assert "points = min(100, 50 * count of inovasi_desa)" in text
    assert "perkades in produk_hukum_desa" in text  # from the inherited file


def test_a_compiled_edition_pickles_with_what_it_was_built_from(rubrics: Path) -> None:
    path = edition(rubrics, 'assumption "Nothing changed"\n')
    child = pr.load(path)
    frozen = pickle.dumps(child)
    (rubrics / "2024/pemerintah-desa.rubric").unlink()  # later changes to the files do not matter
    assert scores(pickle.loads(frozen)) == scores(child)


def test_bundled_editions_are_built_by_extension() -> None:
    rubric = pr.load(ROOT / "rubrics/2025/pemerintah-desa.rubric")
    assert rubric.model.rubric.extends == "2024/pemerintah-desa.rubric"
    assert rubric.identity["edition"] == 2025


def test_changing_what_was_just_removed_says_so(rubrics: Path) -> None:
    path = edition(rubrics, "remove criterion kehadiran_kepala_desa\nchange criterion kehadiran_kepala_desa weight 50%\n")
    with pytest.raises(pr.RubricError) as caught:
        pr.load(path)
    messages = [d.message for d in caught.value.diagnostics if d.code == "X104"]
    assert messages == ["criterion 'kehadiran_kepala_desa' is removed on line 3, so it cannot be changed"]
