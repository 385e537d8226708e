"""The synthetic candidate generator (benchmarks/synth.py) writes files the reader accepts.

Every good row validates and every row with a planted mistake is rejected for
that mistake alone, in both CSV and JSON Lines, for the 2024 regency/city and
village rubrics. The same seed gives the same bytes.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from paritrana_rules.data.specs import spelling

import paritrana_rules as pr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

RUBRICS = [ROOT / "rubrics/2024/kabupaten-kota.rubric", ROOT / "rubrics/2024/pemerintah-desa.rubric"]
ROWS = 300


def planted_mistakes(rubric: pr.CompiledRubric, seed: int, bad_share: float) -> dict[str, str]:
    """Id -> the mistake the generator planted, for the rows it spoiled."""
    rows = synth.generate(rubric.input_specs, ROWS, seed, bad_share, synth.id_prefix(rubric))
    return {row.id: row.mistake for row in rows if row.mistake}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_good_rows_accepted_and_bad_rows_rejected(path: Path, fmt: str, tmp_path: Path) -> None:
    rubric = pr.load(path)
    out = tmp_path / f"candidates.{fmt}"
    assert synth.write(path, out, ROWS, seed=7, fmt=fmt, bad_share=0.2) == ROWS

    candidates, rejected = pr.load_candidates(out, rubric.input_specs)
    planted = planted_mistakes(rubric, seed=7, bad_share=0.2)
    assert len(candidates) + len(rejected) == ROWS
    assert planted, "a fifth of the rows should carry a mistake"
    assert {r.id for r in rejected} == set(planted)
    for rejection in rejected:
        # One mistake, in the field the generator spoiled.
        assert [p.field for p in rejection.problems] == [planted[rejection.id].rsplit(" in ", 1)[1]]
    low, high = rubric.model.scale
    step = Decimal(1).scaleb(-rubric.model.rounding_places)
    for candidate in candidates:
        # An accepted row scores: a total on the rubric's scale, rounded as the rubric says.
        total = rubric.evaluate_candidate(candidate, trace=False).total
        assert low <= total <= high, (candidate.id, total)
        assert total == total.quantize(step), (candidate.id, total)


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_values_look_like_the_domain(path: Path, tmp_path: Path) -> None:
    rubric = pr.load(path)
    out = tmp_path / "candidates.csv"
    synth.write(path, out, ROWS, seed=1)
    candidates, rejected = pr.load_candidates(out, rubric.input_specs)
    assert not rejected
    provinces = {c.values["provinsi"] for c in candidates}
    # Read as the rubric's provinces (`jawa_timur` for "Jawa Timur"), whichever spelling the generator wrote.
    assert provinces <= {spelling(p) for p in synth.KABKOTA_PER_PROVINCE} and len(provinces) > 20
    # Candidates differ: the benchmark scores many varied candidates, not one repeated.
    totals = {rubric.evaluate_candidate(c, trace=False).total for c in candidates}
    assert len(totals) > ROWS // 2


def test_same_seed_same_file(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for out, seed in ((first, 5), (second, 5), (other, 6)):
        synth.write(RUBRICS[0], out, 50, seed=seed, bad_share=0.1)
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()


def test_command_line(tmp_path: Path) -> None:
    out = tmp_path / "candidates.jsonl"
    assert synth.main([str(RUBRICS[1]), "--count", "20", "--format", "jsonl", "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 20
