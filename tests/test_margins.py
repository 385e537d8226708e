"""How far a candidate is from the next band (`api.band_margins`): on the bundled village rubric and its example
candidates, on tables over one number, and as properties checked by scoring with the engine: moving the subject by
the reported distance lands in the reported band, and nothing nearer gives more points.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules import api

ROOT = Path(__file__).resolve().parents[1]
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DESA_DATA = ROOT / "examples/2024/pemerintah-desa.yaml"

# A number input with bounds, bands with open and closed ends out of order, a let, and a first-match table over
# one number: every shape a margin is found for.
SHAPES = '''rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

input nilai: number
    between 0 and 200
    unit "juta rupiah"
    label id "Nilai" en "Value"
input pekerja: count
    label id "Pekerja" en "Workers"

let separuh = nilai / 2
    label id "Separuh nilai" en "Half the value"

criterion pita weight 40%
    label id "Pita" en "Band"
    points by band of nilai
        above 150 -> 100
        from 50 to 150 -> 60
        exactly 20 -> 80
        otherwise -> 10

criterion tabel weight 30%
    label id "Tabel" en "Table"
    points by table, first match
        when separuh >= 60 -> 100
        when separuh > 10 and separuh < 60 -> 50
        when 10 >= separuh -> 0

criterion orang weight 30%
    label id "Orang" en "People"
    points by band of pekerja
        above 10 -> 100
        above 0 to 10 -> 40
        exactly 0 -> 0
'''
SHAPES_RUBRIC = pr.loads(SHAPES, "uji.rubric")


def margins_of(rubric: api.CompiledRubric, values: dict[str, Any], lang: str = "en") -> dict[str, api.Margin]:
    return {m.criterion: m for m in api.band_margins(rubric, values, lang)}


def example(candidate: str) -> api.Result:
    return api.score_candidate(pr.load(DESA), DESA_DATA, candidate)


def test_a_village_below_its_best_band_is_told_the_exact_distance_in_its_unit() -> None:
    margins = {m.criterion: m for m in api.band_margins(pr.load(DESA), example("desa-tulungrejo"), "en")}
    workers = margins["jumlah_rentan_desa"]
    assert (workers.state, workers.subject, workers.subject_kind) == ("below_best", "rentan_dibiayai", "input")
    assert (workers.value, workers.distance, workers.beyond) == (Decimal(700), Decimal(300), False)
    assert workers.band is not None and workers.next is not None
    assert (workers.band.points, workers.next.points, workers.next.at) == (Decimal(85), Decimal(100), "line 223")
    assert "raise it by 300 people to reach 100 points (1,000 people or more, line 223)" in workers.said


def test_an_inherited_band_is_placed_inside_the_rubrics_folder() -> None:
    rubric = pr.load(ROOT / "rubrics/2025/pemerintah-desa.rubric")
    result = api.score_candidate(rubric, ROOT / "examples/2025/pemerintah-desa.yaml", "desa-tulungrejo")
    workers = {m.criterion: m for m in api.band_margins(rubric, result, "id")}["jumlah_rentan_desa"]
    assert workers.next is not None and workers.next.at == "2024/pemerintah-desa.rubric baris 223"


def test_a_band_over_a_let_reports_the_lets_distance() -> None:
    share = {m.criterion: m for m in api.band_margins(pr.load(DESA), example("desa-tulungrejo"), "id")}[
        "porsi_rentan_desa"]
    assert (share.subject, share.subject_kind, share.value) == ("porsi_rentan", "let", Decimal("12.5"))
    assert share.distance == Decimal("12.5") and share.next is not None and share.next.points == 80
    assert share.said == ("Porsi pekerja rentan dibiayai: 60 poin (dari 10 sampai kurang dari 25); “Pekerja rentan "
                          "dibiayai APBDes (% penduduk bekerja)” = 12,5: naikkan sebesar 12,5 untuk mencapai 80 poin "
                          "(dari 25 sampai kurang dari 50, baris 234)")


def test_a_long_fraction_is_exact_in_the_fields_and_shortened_in_words() -> None:
    share = {m.criterion: m for m in api.band_margins(pr.load(DESA), example("desa-tamansari"))}["porsi_rentan_desa"]
    assert share.value is not None and share.distance is not None
    assert share.value + share.distance == 25  # 1150 / 7400 × 100 raised to 25, exactly
    assert "≈ 15.5405: raise it by ≈9.4595" in share.said


def test_the_best_band_and_criteria_not_banded_say_so() -> None:
    margins = {m.criterion: m for m in api.band_margins(pr.load(DESA), example("desa-tamansari"))}
    assert margins["jumlah_rentan_desa"].state == "at_best" and margins["jumlah_rentan_desa"].next is None
    assert "already in the best band (1,000 people or more)" in margins["jumlah_rentan_desa"].said
    for name in ("regulasi_desa", "aparat", "sumber_pendanaan", "inovasi", "kehadiran_kepala_desa", "pemahaman"):
        assert margins[name].state == "not_banded" and margins[name].distance is None, name
    assert set(margins) == {c.decl.name for c in pr.load(DESA).model.criteria if c.points is not None}


def test_criteria_of_a_later_stage_are_not_scored_yet() -> None:
    rubric = pr.load(DESA)
    values = dict(example("desa-tulungrejo").inputs)
    pending = rubric.at_stage(1).evaluate({k: v for k, v in values.items()
                                          if k not in rubric.at_stage(1).awaiting})
    margins = {m.criterion: m for m in api.band_margins(rubric, pending, "id")}
    assert margins["kehadiran_kepala_desa"].state == "not_scored"
    assert margins["kehadiran_kepala_desa"].said.endswith("belum dinilai pada tahap yang telah dicapai data peserta")
    assert margins["jumlah_rentan_desa"].state == "below_best"


def test_tables_over_one_number_open_ends_and_counts() -> None:
    margins = margins_of(SHAPES_RUBRIC, {"nilai": 30, "pekerja": 0})
    band, table, people = margins["pita"], margins["tabel"], margins["orang"]
    # from 30 (10 points) the nearest better band is 'exactly 20' (80), 10 below, before 'from 50' (60)
    assert (band.distance, band.beyond, band.next and band.next.points) == (Decimal(-10), False, Decimal(80))
    assert "lower it by 10 million rupiah to reach 80 points" in band.said
    assert (table.subject_kind, table.subject, table.value) == ("let", "separuh", Decimal(15))
    assert (table.distance, table.next and table.next.points) == (Decimal(45), Decimal(100))
    # a count passes 'above 0' at 1
    assert (people.distance, people.beyond, people.next and people.next.points) == (Decimal(1), False, Decimal(40))
    at_top = margins_of(SHAPES_RUBRIC, {"nilai": 150, "pekerja": 5})
    # a number must go past 150: more than 0.00... is not a number, so the distance is the bound's, to be passed
    assert (at_top["pita"].distance, at_top["pita"].beyond) == (Decimal(0), True)
    assert "raise it by more than 0 million rupiah" in at_top["pita"].said
    assert at_top["orang"].distance == Decimal(6)  # from 5 to 11, the first count above 10


def test_margins_are_plain_data() -> None:
    margins = api.band_margins(pr.load(DESA), example("desa-tulungrejo"))
    document = json.loads(json.dumps([m.to_dict() for m in margins]))
    workers = next(m for m in document if m["criterion"] == "jumlah_rentan_desa")
    assert workers["distance"] == "300" and workers["next"] == {"range": "1,000 people or more", "points": "100",
                                                                 "at": "line 223"}
    with pytest.raises(ValueError, match="unknown language"):
        api.band_margins(pr.load(DESA), example("desa-tulungrejo"), "fr")
    with pytest.raises(pr.InputError):
        api.band_margins(SHAPES_RUBRIC, {"nilai": 500, "pekerja": 1})


def points_of(rubric: api.CompiledRubric, values: dict[str, Any], criterion: str) -> Decimal:
    return rubric.evaluate(values).criterion(criterion).points


def check_moves(rubric: api.CompiledRubric, values: dict[str, Any]) -> None:
    """For each criterion banded on an input: the reported move lands in the reported band (past it by a hair when
    the band starts past a bound), and no value nearer than the move gives more points."""
    for margin in api.band_margins(rubric, values):
        if margin.subject_kind != "input" or margin.state == "not_banded":
            continue
        assert margin.subject is not None and margin.value is not None and margin.band is not None
        now = points_of(rubric, values, margin.criterion)
        assert now == margin.band.points
        if margin.state == "at_best":
            continue
        assert margin.distance is not None and margin.next is not None
        hair = Decimal("1e-9") * (1 if margin.distance >= 0 else -1)
        moved = margin.value + margin.distance + (hair if margin.beyond else 0)
        assert points_of(rubric, {**values, margin.subject: moved}, margin.criterion) == margin.next.points
        if margin.beyond:  # the bound itself is not in the band
            at_bound = {**values, margin.subject: margin.value + margin.distance}
            assert points_of(rubric, at_bound, margin.criterion) != margin.next.points
        whole = next(spec.kind == "count" for spec in rubric.input_specs if spec.name == margin.subject)
        for halfway in (margin.value + margin.distance / 2, margin.value + margin.distance - hair):
            nearer = halfway.to_integral_value(rounding="ROUND_DOWN") if whole else halfway
            if abs(nearer - margin.value) < abs(margin.distance):
                assert points_of(rubric, {**values, margin.subject: nearer}, margin.criterion) <= now


@given(nilai=st.decimals(min_value=0, max_value=200, places=2), pekerja=st.integers(0, 40))
def test_moving_by_the_distance_reaches_the_band(nilai: Decimal, pekerja: int) -> None:
    check_moves(SHAPES_RUBRIC, {"nilai": nilai, "pekerja": pekerja})


VILLAGE = pr.load(DESA)
TULUNGREJO = dict(api.score_candidate(VILLAGE, DESA_DATA, "desa-tulungrejo").inputs)


@given(funded=st.integers(0, 5_000), workforce=st.integers(5_000, 20_000))
def test_moving_a_village_by_the_distance_reaches_the_band(funded: int, workforce: int) -> None:
    check_moves(VILLAGE, {**TULUNGREJO, "rentan_dibiayai": funded, "angkatan_kerja": workforce})
