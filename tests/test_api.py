"""The Python API as README and docs/api.md describe it, plus the promises developers rely on."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.numeric import round_to

ROOT = Path(__file__).resolve().parents[1]
TAMANSARI = {
    "provinsi": "Jawa Timur", "kabupaten": "Kabupaten Jember", "produk_hukum_desa": ["perkades", "pos_apbdes"],
    "aparat_desa": 24, "aparat_terdaftar": 24, "pengurus_lembaga": 118, "pengurus_terdaftar": 118,
    "angkatan_kerja": 7400, "rentan_dibiayai": 1150, "sumber_dana": ["dana_desa", "add"],
    "inovasi_desa": ["kuota_per_dusun", "sosialisasi_rutin"], "hadir_wawancara": "kepala_desa", "nilai_pemahaman": 90,
}


@pytest.fixture(scope="module")
def rubric() -> pr.CompiledRubric:
    return pr.load(ROOT / "rubrics/2024/pemerintah-desa.rubric")


def test_the_documented_api(rubric: pr.CompiledRubric) -> None:
    result = rubric.evaluate(TAMANSARI, candidate_id="desa-tamansari")
    assert isinstance(result.total, Decimal)
    assert result.status == "eligible"
    assert result.criterion("regulasi_desa").points == Decimal("50.00")
    assert sum(c.contribution for c in result.criteria if c.parent is None) == Decimal("80.50")
    assert result.total == Decimal("80.50")
    assert "Nilai akhir: 80,50 dari 100" in result.explain(lang="id")
    assert "Total: 80.50 of 100" in result.explain(lang="en", format="markdown")


def test_a_failed_gate_disqualifies_with_its_reason(rubric: pr.CompiledRubric) -> None:
    result = rubric.evaluate({**TAMANSARI, "tunggakan_iuran": "yes"}, candidate_id="x")
    assert result.status == "disqualified"
    assert [g.name for g in result.failed_gates] == ["tanpa_tunggakan"]
    assert result.reasons("en") and result.reasons("id") != result.reasons("en")


def test_a_failed_cap_gate_caps_the_total(rubric: pr.CompiledRubric) -> None:
    result = rubric.evaluate({**TAMANSARI, "aparat_terdaftar": 20}, candidate_id="x")
    assert result.status == "eligible"
    assert result.total == Decimal("70.00")
    total_step = result.trace[-1]  # type: ignore[index]
    assert total_step.get("cap") == Decimal("70") and total_step.get("subtotal") > Decimal("70")


def test_every_problem_of_a_candidate_at_once(rubric: pr.CompiledRubric) -> None:
    bad = {**TAMANSARI, "aparat_desa": "banyak", "hadir_wawancara": "kepala_dsa", "cakupan": 5}
    del bad["angkatan_kerja"]
    with pytest.raises(pr.InputError) as caught:
        rubric.evaluate(bad, candidate_id="desa-x")
    fields = {p.field for p in caught.value.problems}
    assert fields >= {"aparat_desa", "hadir_wawancara", "cakupan", "angkatan_kerja"}
    assert any("kepala_desa" in (p.hint or "") for p in caught.value.problems)


def test_rubric_errors_carry_every_diagnostic() -> None:
    with pytest.raises(pr.RubricError) as caught:
        pr.loads('rubric "Paritrana Award" edition 2024 period 2023\ncategory x\nscale 0 to 100\n'
                 'rounding half_up to 2 places\ncriterion a weight 60%\n    points nilai\n', "bad.rubric")
    codes = [d.code for d in caught.value.diagnostics]
    assert "N200" in codes and "W400" in codes
    assert all(d.span.path == "bad.rubric" for d in caught.value.diagnostics)


def test_missing_rubric_file_is_a_rubric_error(tmp_path: Path) -> None:
    with pytest.raises(pr.RubricError, match="F001"):
        pr.load(tmp_path / "nope.rubric")


def test_compiled_rubrics_pickle(rubric: pr.CompiledRubric) -> None:
    again = pickle.loads(pickle.dumps(rubric))
    assert again.evaluate(TAMANSARI).total == rubric.evaluate(TAMANSARI).total


def test_compiled_rubrics_are_thread_safe(rubric: pr.CompiledRubric) -> None:
    inputs = [{**TAMANSARI, "rentan_dibiayai": n} for n in range(0, 2000, 50)]
    expected = [rubric.evaluate(i).total for i in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda i: rubric.evaluate(i).total, inputs)) == expected


def test_caller_decimal_context_does_not_matter(rubric: pr.CompiledRubric) -> None:
    import decimal

    expected = rubric.evaluate(TAMANSARI).explain()
    with decimal.localcontext() as context:
        context.prec = 3
        context.rounding = decimal.ROUND_FLOOR
        assert rubric.evaluate(TAMANSARI).explain() == expected


@pytest.mark.parametrize(("value", "mode", "expected"), [
    ("0.005", "half_up", "0.01"), ("0.015", "half_up", "0.02"), ("2.675", "half_up", "2.68"),
    ("0.005", "half_even", "0.00"), ("0.015", "half_even", "0.02"), ("0.025", "half_even", "0.02"),
    ("0.019", "down", "0.01"), ("-0.005", "half_up", "-0.01"), ("79.995", "half_up", "80.00"),
])
def test_rounding_table(value: str, mode: str, expected: str) -> None:
    assert str(round_to(Decimal(value), 2, mode)) == expected


def test_yaml_decimals_stay_exact(tmp_path: Path) -> None:
    rubric = pr.loads('rubric "Paritrana Award" edition 2024 period 2023\ncategory uji\nlabel id "Uji" en "Test"\n'
                      'scale 0 to 100\nrounding half_up to 2 places\n'
                      'input a: number between 0 and 1 label id "A" en "A"\n'
                      'input b: number between 0 and 1 label id "B" en "B"\n'
                      'criterion c weight 100% label id "C" en "C"\n    points (a + b) * 50\n', "exact.rubric")
    data = tmp_path / "c.yaml"
    data.write_text("- id: x\n  a: 0.1\n  b: 0.2\n", encoding="utf-8")
    candidates, rejected = pr.load_candidates(data, rubric.input_specs)
    assert not rejected
    assert rubric.evaluate_candidate(candidates[0]).total == Decimal("15.00")
