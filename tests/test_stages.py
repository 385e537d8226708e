"""Stages: declared in order, inputs arriving `from stage`, every rule's derived stage, the rubric at a stage."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.check import stages
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.committee.diff import diff_rubrics
from paritrana_rules.language.format import format_text
from paritrana_rules.explain.handbook import handbook

from .strategies import candidate_inputs, small_rubric

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "rubrics").rglob("*.rubric"))

FUNNEL = """rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

stage penapisan
    label id "Seleksi administrasi" en "Administrative screening"
    advance if berkas_lengkap

stage penilaian
    label id "Penilaian dokumen" en "Desk assessment"
    advance if total >= 30 and separuh >= 10

stage wawancara
    label id "Wawancara Tim 9" en "Tim 9 interview"

input berkas_lengkap: yes/no
    label id "Berkas lengkap" en "Documents complete"

input cakupan: number
    between 0 and 100
    from stage penilaian
    label id "Cakupan" en "Coverage"

input nilai_pemahaman: number
    between 0 and 100
    from stage wawancara
    label id "Nilai pemahaman" en "Understanding"

let separuh = cakupan / 2
    label id "Separuh" en "Half"

gate berkas: berkas_lengkap otherwise disqualify
    label id "Berkas" en "Documents"
    reason id "Berkas tidak lengkap" en "Documents incomplete"

criterion dokumen weight 60%
    label id "Dokumen" en "Documents"

criterion cak under dokumen weight 50%
    label id "Cakupan" en "Coverage"
    points cakupan

criterion paham_dokumen under dokumen weight 50%
    label id "Pemahaman dokumen" en "Understanding of the documents"
    points nilai_pemahaman

criterion paham weight 40%
    label id "Pemahaman" en "Understanding"
    points separuh * 2

bonus tambahan: 5 when nilai_pemahaman > 90
    label id "Tambahan" en "Extra"
"""

CANDIDATE = {"berkas_lengkap": True, "cakupan": 80, "nilai_pemahaman": 95}


def load(text: str, path: str = "funnel.rubric") -> pr.CompiledRubric:
    return pr.loads(text, path)


def at(rubric: pr.CompiledRubric, index: int) -> pr.CompiledRubric:
    return rubric.at_stage(index)


def known_by(rubric: pr.CompiledRubric, index: int) -> dict[str, object]:
    later = stages.inputs_after(rubric.model, index)
    return {name: value for name, value in CANDIDATE.items() if name not in later}


# ------------------------------------------------------------------ the model


def test_stages_come_in_declaration_order_and_inputs_know_theirs() -> None:
    model = load(FUNNEL).model
    assert [s.decl.name for s in model.stages] == ["penapisan", "penilaian", "wawancara"]
    assert {i.decl.name: i.stage for i in model.inputs} == {"berkas_lengkap": 0, "cakupan": 1, "nilai_pemahaman": 2}
    assert model.stages[2].advance is None
    assert stages.last_stage(model) == 2


def test_every_rule_is_at_the_latest_stage_of_what_it_reads() -> None:
    assert stages.stage_index(load(FUNNEL).model) == {
        "input:berkas_lengkap": 0, "input:cakupan": 1, "input:nilai_pemahaman": 2,
        "let:separuh": 1,
        "criterion:cak": 1, "criterion:paham_dokumen": 2, "criterion:dokumen": 2, "criterion:paham": 1,
        "gate:berkas": 0, "bonus:tambahan": 2,
    }


def test_a_rubric_without_stages_is_one_stage() -> None:
    model = pr.load(ROOT / "rubrics/2023/kabupaten-kota.rubric").model
    assert model.stages == () and stages.last_stage(model) == 0
    assert set(stages.stage_index(model).values()) == {0}
    assert stages.model_at(model, 0) == model


def test_inputs_after_a_stage_are_those_a_candidate_need_not_give_yet() -> None:
    model = load(FUNNEL).model
    assert stages.inputs_after(model, 0) == ("cakupan", "nilai_pemahaman")
    assert stages.inputs_after(model, 1) == ("nilai_pemahaman",)
    assert stages.inputs_after(model, 2) == ()


# ------------------------------------------------------------------ the rubric at a stage


def test_the_provisional_total_sums_what_is_scored_so_far_with_full_weights() -> None:
    rubric = load(FUNNEL)
    totals = [at(rubric, i).evaluate(known_by(rubric, i)).total for i in range(3)]
    # screening: nothing scored yet; desk: cak 80 x 50% x 60% = 24 and paham 80 x 40% = 32; then
    # paham_dokumen 95 x 50% x 60% = 28.5 and the bonus of 5 complete the total.
    assert totals == [Decimal("0.00"), Decimal("56.00"), Decimal("89.50")]
    assert totals[2] == rubric.evaluate(CANDIDATE).total


def test_a_parent_keeps_its_scored_children_and_waits_for_the_rest() -> None:
    model = stages.model_at(load(FUNNEL).model, 1)
    criteria = {c.decl.name: c for c in model.criteria}
    assert set(criteria) == {"dokumen", "cak", "paham"}
    assert criteria["dokumen"].children == ("cak",) and criteria["cak"].weight == Decimal("0.5")
    assert model.roots == ("dokumen", "paham")
    assert [g.decl.name for g in model.gates] == ["berkas"] and model.adjustments == ()
    assert [i.decl.name for i in model.inputs] == ["berkas_lengkap", "cakupan"]


def test_the_screening_stage_can_already_disqualify() -> None:
    rubric = load(FUNNEL)
    assert at(rubric, 0).evaluate({"berkas_lengkap": False}).status == "disqualified"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_bundled_rubric_compiles_at_every_stage_and_is_whole_at_the_last(path: Path) -> None:
    rubric = pr.load(path)
    for index in range(stages.last_stage(rubric.model) + 1):
        assert rubric.at_stage(index).model == stages.model_at(rubric.model, index)
    assert stages.model_at(rubric.model, stages.last_stage(rubric.model)) == rubric.model


@given(small_rubric(), st.data())
def test_generated_rubrics_score_at_every_stage_and_in_full_at_the_last(text: str, data: st.DataObject) -> None:
    try:
        rubric = pr.loads(text, "generated.rubric")
    except pr.RubricError:
        return
    last = stages.last_stage(rubric.model)
    assert stages.model_at(rubric.model, last) == rubric.model
    values = data.draw(candidate_inputs(rubric.input_specs))
    for index in range(last + 1):
        early = {k: v for k, v in values.items() if k not in stages.inputs_after(rubric.model, index)}
        low, high = rubric.model.scale
        assert low <= at(rubric, index).evaluate(early).total <= high + 5  # the only bonus adds 5
    assert at(rubric, last).evaluate(values).total == rubric.evaluate(values).total


def test_the_village_rubric_screens_on_arrears_and_apparatus_then_invites_on_the_provisional_total() -> None:
    model = pr.load(ROOT / "rubrics/2024/pemerintah-desa.rubric").model
    assert [s.decl.name for s in model.stages] == ["penapisan", "penilaian", "wawancara"]
    arriving = {i.decl.name for i in model.inputs if i.stage == 2}
    assert arriving == {"hadir_wawancara", "nilai_pemahaman"}
    extended = pr.load(ROOT / "rubrics/2025/pemerintah-desa.rubric").model
    assert {i.decl.name for i in extended.inputs if i.stage == 2} == arriving  # the 2025 panel too


# ------------------------------------------------------------------ checking


def codes(text: str) -> list[str]:
    _, diagnostics = diagnose(text, "funnel.rubric")
    return [d.code for d in diagnostics]


def test_the_funnel_checks_clean() -> None:
    assert codes(FUNNEL) == []


def test_an_advance_rule_may_read_a_let_of_its_own_stage_but_not_a_later_one() -> None:
    assert codes(FUNNEL.replace("advance if berkas_lengkap", "advance if berkas_lengkap and separuh > 1")) == ["N218"]


def test_total_is_for_advance_rules_only() -> None:
    assert codes(FUNNEL.replace("points separuh * 2", "points clamp(total, 0, 100)")) == ["N217"]


# ------------------------------------------------------------------ extends


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rubrics = tmp_path / "rubrics"
    (rubrics / "2024").mkdir(parents=True)
    shutil.copy(ROOT / "rubrics/2024/pemerintah-desa.rubric", rubrics / "2024")
    shutil.copytree(ROOT / "rubrics/wilayah", rubrics / "wilayah")  # the shared provinces it uses
    return rubrics


def edition(folder: Path, body: str) -> Path:
    path = folder / "2026" / "desa.rubric"
    path.parent.mkdir(exist_ok=True)
    path.write_text('rubric "Paritrana Award" edition 2026 period 2025\nextends "2024/pemerintah-desa.rubric"\n' + body,
                    encoding="utf-8")
    return path


def test_an_edition_adds_replaces_and_removes_stages(folder: Path) -> None:
    model = pr.load(edition(folder, (
        "stage penilaian\n"
        '    label id "Penilaian" en "Assessment"\n'
        "    advance if total >= 50\n"
        "stage kunjungan\n"
        '    label id "Kunjungan lapangan" en "Site visit"\n'
        "input hasil_kunjungan: number\n"
        "    between 0 and 100\n"
        "    from stage kunjungan\n"
        '    label id "Hasil kunjungan" en "Site visit result"\n'
        "bonus kunjungan_baik: 2 when hasil_kunjungan >= 90\n"
        '    label id "Kunjungan baik" en "Good site visit"\n'
        "remove stage penapisan\n"
    ))).model
    assert [s.decl.name for s in model.stages] == ["penilaian", "wawancara", "kunjungan"]
    assert model.stages[0].decl.span.path.endswith("2026/desa.rubric")  # the edition's own declaration
    arrivals = {i.decl.name: i.stage for i in model.inputs}
    assert arrivals["hasil_kunjungan"] == 2 and arrivals["aparat_desa"] == 0  # screening's data now comes first
    assert stages.stage_index(model)["bonus:kunjungan_baik"] == 2


def test_an_inherited_input_naming_a_removed_stage_is_reported_in_the_file_that_names_it(folder: Path) -> None:
    path = edition(folder, "remove stage wawancara\n")
    _, diagnostics = diagnose(path.read_text(encoding="utf-8"), str(path))
    # L808 besides: the 2025 edition inherits 2024's dated evidence texts (see check/years.py)
    assert {d.code for d in diagnostics} - {"L808"} == {"N215", "L804"}
    unknown = [d for d in diagnostics if d.code == "N215"]
    assert all(d.span.path.endswith("2024/pemerintah-desa.rubric") for d in unknown)
    assert all("wawancara" in d.message for d in unknown)


def test_an_edition_moves_an_input_to_another_stage_by_declaring_it_again(folder: Path) -> None:
    parent = pr.load(folder / "2024/pemerintah-desa.rubric")
    child = pr.load(edition(folder, (
        "stage penilaian\n"
        '    label id "Penilaian dokumen" en "Desk assessment"\n'
        "    advance if total >= 45\n"
        "input hadir_wawancara: one of {kepala_desa, sekretaris_desa, perangkat_lain, tidak_hadir}\n"
        "    from stage penilaian\n"
        '    label id "Hadir" en "Attendance"\n'
    )))
    assert [s.decl.name for s in child.model.stages] == ["penapisan", "penilaian", "wawancara"]  # replaced in place
    assert next(i.stage for i in child.model.inputs if i.decl.name == "hadir_wawancara") == 1
    changes = [c.render().split("  (")[0] for c in diff_rubrics(parent, child) if c.what in ("stage", "input")]
    assert "~ stage penilaian: advance if total >= 40 → advance if total >= 45" in changes
    assert "~ input hadir_wawancara: moved from stage wawancara to stage penilaian" in changes


def test_diff_reports_stages_added_and_removed(folder: Path) -> None:
    parent = pr.load(folder / "2024/pemerintah-desa.rubric")
    child = pr.load(edition(folder, 'stage kunjungan\n    label id "Kunjungan" en "Site visit"\n'))
    changes = [c.render().split("  (")[0] for c in diff_rubrics(parent, child) if c.what == "stage"]
    assert changes == ["+ stage kunjungan: stage 4 of 4"]
    changes = [c.render().split("  (")[0] for c in diff_rubrics(child, parent) if c.what == "stage"]
    assert changes == ["- stage kunjungan"]


# ------------------------------------------------------------------ layout and handbook


def test_stages_and_from_stage_get_their_own_lines() -> None:
    messy = FUNNEL.replace(
        'stage penapisan\n    label id "Seleksi administrasi" en "Administrative screening"\n    advance if berkas_lengkap\n',
        'stage penapisan label id "Seleksi administrasi" en "Administrative screening" advance if  berkas_lengkap\n',
    ).replace("    between 0 and 100\n    from stage penilaian\n", "    between 0 and 100 from stage penilaian\n")
    assert messy != FUNNEL
    assert format_text(messy) == FUNNEL


@pytest.mark.parametrize(("lang", "heading", "advance", "rule"), [
    ("en", "### Stage 2: Desk assessment", "To go on to the next stage:",
     "“the provisional total” is at least 30 and “Half” is at least 10 (line 13)"),
    ("id", "### Tahap 2: Penilaian dokumen", "Syarat lanjut ke tahap berikutnya:",
     "“nilai total sementara” paling sedikit 30 dan “Separuh” paling sedikit 10 (baris 13)"),
])
def test_the_handbook_walks_through_the_stages(lang: str, heading: str, advance: str, rule: str) -> None:
    text = handbook(load(FUNNEL), lang)
    section = text[text.index(heading):]
    section = section[: section.index("### ", 4)]
    assert "Coverage" in section or "Cakupan" in section
    assert advance in section and rule in section
    assert ("1.1 " in section) and ("2 " in section)  # cak and paham are scored once the desk data is in


def test_a_stage_lost_to_a_syntax_error_is_reported_once() -> None:
    broken = FUNNEL.replace("    advance if total >= 30 and separuh >= 10", "    advance if if if")
    _, diagnostics = pr.diagnose(broken, "broken.rubric")
    assert [d.code for d in diagnostics if d.severity == "error"] == ["P102"]
