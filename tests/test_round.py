"""The `round` header clause: which round of the award (provincial, national) a rubric scores."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.language import ast, syntax
from paritrana_rules.committee.diff import diff_rubrics, pair_folders
from paritrana_rules.language.format import format_text
from paritrana_rules.explain.handbook import handbook

ROOT = Path(__file__).resolve().parents[1]
KABKOTA = ROOT / "rubrics/2024/kabupaten-kota.rubric"

SMALL = """rubric "Paritrana Award" edition 2024 period 2023
category pemerintah_kabupaten_kota
{round}label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

input x: number
    between 0 and 10
    label id "X" en "X"

criterion c weight 100%
    label id "C" en "C"
    points x * 10
"""


def small(round_line: str = "") -> str:
    return SMALL.format(round=round_line)


def clauses(text: str) -> tuple[ast.HeaderClause, ...]:
    outcome = syntax.parse(text, "x.rubric")
    assert not outcome.diagnostics and outcome.rubric is not None
    return outcome.rubric.clauses


# ------------------------------------------------------------------ parsing and checking


def test_the_clause_parses_into_the_header_and_the_model() -> None:
    text = small("round nasional\n")
    assert [(c.kind, c.values) for c in clauses(text)][:2] == [("category", ("pemerintah_kabupaten_kota",)),
                                                                ("round", ("nasional",))]
    assert pr.loads(text).model.round == "nasional"


def test_without_the_clause_the_rubric_is_not_split_by_round() -> None:
    assert pr.loads(small()).model.round is None


def test_round_is_set_beside_the_category_wherever_it_is_written() -> None:
    early = small().replace("category", "round provinsi\ncategory", 1)
    assert clauses(early) == clauses(small("round provinsi\n"))
    assert [c.kind for c in clauses(early)][:2] == ["category", "round"]


def test_a_repeated_round_is_reported_like_a_repeated_category() -> None:
    model, found = pr.diagnose(small("round nasional\nround provinsi\n"), "x.rubric")
    assert model is None
    assert [(d.code, d.message, d.span.line) for d in found if d.severity == "error"] == [
        ("H102", "'round' is given more than once", 4)]


def test_round_is_a_keyword_a_misspelt_line_start_is_pointed_at() -> None:
    outcome = syntax.parse(small("rund nasional\n"), "x.rubric")
    assert [d.code for d in outcome.diagnostics] == ["P100"]
    assert "round" in (outcome.diagnostics[0].hint or "")


# ------------------------------------------------------------------ extends


@pytest.fixture
def rubrics(tmp_path: Path) -> Path:
    folder = tmp_path / "rubrics" / "2024"
    folder.mkdir(parents=True)
    (folder / "provinsi.rubric").write_text(small("round provinsi\n"), encoding="utf-8")
    return folder.parent


def child(rubrics: Path, body: str) -> pr.CompiledRubric:
    path = rubrics / "2024" / "child.rubric"
    path.write_text('rubric "Paritrana Award" edition 2024 period 2023\nextends "2024/provinsi.rubric"\n' + body,
                    encoding="utf-8")
    return pr.load(path)


def test_an_extending_rubric_inherits_the_round(rubrics: Path) -> None:
    assert child(rubrics, "").model.round == "provinsi"


def test_an_extending_rubric_may_change_the_round(rubrics: Path) -> None:
    national = child(rubrics, "round nasional\n")
    assert national.model.round == "nasional"
    assert national.model.category == "pemerintah_kabupaten_kota"  # the rest of the header is inherited


def test_an_extending_rubric_may_set_a_round_its_parent_lacks(tmp_path: Path) -> None:
    folder = tmp_path / "rubrics" / "2024"
    folder.mkdir(parents=True)
    (folder / "plain.rubric").write_text(small(), encoding="utf-8")
    path = folder / "nasional.rubric"
    path.write_text('rubric "Paritrana Award" edition 2024 period 2023\nextends "2024/plain.rubric"\nround nasional\n',
                    encoding="utf-8")
    assert pr.load(path).model.round == "nasional"


# ------------------------------------------------------------------ diff


def _rounds(folder: Path, edition: int) -> list[pr.CompiledRubric]:
    folder.mkdir(parents=True)
    loaded = []
    for name in ("provinsi", "nasional"):
        text = small(f"round {name}\n").replace("edition 2024 period 2023", f"edition {edition} period {edition - 1}")
        if name == "nasional":
            text = text.replace("points x * 10", "points x * 5")
        (folder / f"{name}.rubric").write_text(text, encoding="utf-8")
        loaded.append(pr.load(folder / f"{name}.rubric"))
    return loaded


def test_folders_with_both_rounds_pair_each_with_its_counterpart(tmp_path: Path) -> None:
    old, new = _rounds(tmp_path / "2024", 2024), _rounds(tmp_path / "2026", 2026)
    pairs, unpaired = pair_folders(old, new)
    assert unpaired == []
    assert sorted((a.model.round, b.model.round) for a, b in pairs) == [("nasional", "nasional"),
                                                                          ("provinsi", "provinsi")]
    for before, after in pairs:
        assert [c.name for c in diff_rubrics(before, after)] == ["edition", "period"]


def test_unpaired_rubrics_name_their_round(tmp_path: Path) -> None:
    old, new = _rounds(tmp_path / "2024", 2024), _rounds(tmp_path / "2026", 2026)
    _, unpaired = pair_folders(old[:1], new)
    assert [(c.sign, c.name) for c in unpaired] == [("+", "pemerintah_kabupaten_kota (round nasional)")]


def test_two_rubrics_of_one_round_are_still_ambiguous(tmp_path: Path) -> None:
    old = _rounds(tmp_path / "a", 2024)
    twin = tmp_path / "b" / "provinsi.rubric"
    twin.parent.mkdir()
    shutil.copy(tmp_path / "a" / "provinsi.rubric", twin)
    _, found = pair_folders(old, [*old, pr.load(twin)])
    assert [(c.sign, c.name) for c in found] == [("!", "pemerintah_kabupaten_kota (round provinsi)")]
    assert "same category, sector and round" in found[0].detail


def test_a_changed_round_is_a_header_change() -> None:
    found = diff_rubrics(pr.loads(small("round provinsi\n")), pr.loads(small("round nasional\n")))
    assert [(c.name, c.detail) for c in found] == [("round", "provinsi → nasional")]


# ------------------------------------------------------------------ fmt


def test_fmt_keeps_a_round_beside_the_category() -> None:
    text = small("round nasional\n")
    assert format_text(text) == text


def test_fmt_moves_a_round_with_its_comments_next_to_the_category_and_sector() -> None:
    text = small().replace("category pemerintah_kabupaten_kota\n",
                           "# the national round\nround  nasional  # after the provinces\n\n"
                           "category pemerintah_kabupaten_kota\nsector x\n")
    formatted = format_text(text)
    assert formatted.startswith('rubric "Paritrana Award" edition 2024 period 2023\n\ncategory pemerintah_kabupaten_kota\n'
                                "sector x\n# the national round\nround nasional  # after the provinces\n"
                                'label id "Uji" en "Test"\n')
    assert format_text(formatted) == formatted
    assert syntax.parse(formatted, "x.rubric").rubric == syntax.parse(text, "x.rubric").rubric


# ------------------------------------------------------------------ handbook


@pytest.mark.parametrize(("name", "lang", "wording"), [
    ("nasional", "id", "Tingkat nasional"), ("nasional", "en", "National round"),
    ("provinsi", "id", "Tingkat provinsi"), ("provinsi", "en", "Provincial round"),
    ("zona", "id", "Tingkat `zona`"), ("zona", "en", "Round `zona`"),
])
def test_the_handbook_title_names_the_round(name: str, lang: str, wording: str) -> None:
    title = handbook(pr.loads(small(f"round {name}\n")), lang).split("\n## ", 1)[0]
    assert f"\n{wording}\n" in title


def test_a_handbook_without_a_round_does_not_mention_one() -> None:
    title = handbook(pr.loads(small()), "en").split("\n## ", 1)[0]
    assert "round" not in title.lower()


def test_a_bundled_rubric_can_be_given_a_round(tmp_path: Path) -> None:
    folder = tmp_path / "rubrics" / "2024"
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "rubrics" / "wilayah", folder.parent / "wilayah")  # the provinces it `uses`
    national = folder / "perusahaan-besar-nasional.rubric"
    text = (ROOT / "rubrics/2024/perusahaan-besar.rubric").read_text(encoding="utf-8")
    text = re.sub(r"\nround \w+\n", "\n", text, count=1)  # whatever round it has now
    national.write_text(text.replace("\ncategory ", "\nround nasional\ncategory ", 1), encoding="utf-8")
    assert pr.load(national).model.round == "nasional"
    assert format_text(national.read_text(encoding="utf-8")).count("round nasional") == 1


# ------------------------------------------------------------------ the bundled government rounds

GOVERNMENT = ("kabupaten-kota", "pemerintah-desa", "pemerintah-kelurahan", "pemerintah-provinsi")


def _government(edition: str) -> dict[str, pr.CompiledRubric]:
    folder = ROOT / "rubrics" / edition
    return {p.stem: pr.load(p) for p in sorted(folder.glob("*.rubric")) if p.stem.startswith(GOVERNMENT)}


def _label(meta: tuple[ast.Meta, ...]) -> dict[str, str]:
    return next((dict(m.texts.by_lang) for m in meta if m.kind == "label" and m.texts is not None), {})


@pytest.mark.parametrize(("edition", "provinces"), [("2023", 34), ("2024", 38), ("2025", 38)])
def test_government_rubrics_take_the_provinces_and_zones_of_their_period(edition: str, provinces: int) -> None:
    for name, rubric in _government(edition).items():
        specs = {spec.name: spec for spec in rubric.input_specs}
        assert specs["provinsi"].kind == "one_of" and len(specs["provinsi"].members) == provinces, name
        assert "zona" not in specs, f"{name}: the zone is derived, never typed"
        zona = [g for g in rubric.model.groupings if g.decl.name == "zona"]
        assert len(zona) == 1 and zona[0].decl.by == "provinsi", name
        assert sorted(p.name for p in zona[0].decl.parts) == [
            "jawa_bali", "kalimantan", "nusa_tenggara_maluku_papua", "sulawesi", "sumatera"]
        assert sorted(m for p in zona[0].decl.parts for m in p.members) == sorted(specs["provinsi"].members)


@pytest.mark.parametrize("edition", ["2023", "2024", "2025"])
def test_provincial_rounds_nominate_the_first_of_each_province(edition: str) -> None:
    provincial = {n: r for n, r in _government(edition).items() if r.model.round == "provinsi"}
    assert provincial
    for name, rubric in provincial.items():
        ranking = rubric.model.ranking
        assert ranking is not None and ranking.within == "provinsi" and ranking.nominate == 1, name
        assert not rubric.model.awards, name


@pytest.mark.parametrize(("edition", "national"), [
    ("2023", ["kabupaten-kota-nasional", "pemerintah-provinsi"]),
    ("2024", ["kabupaten-kota-nasional", "pemerintah-desa-nasional", "pemerintah-provinsi"]),
    ("2025", ["kabupaten-kota-nasional", "pemerintah-desa-nasional", "pemerintah-provinsi"]),
])
def test_national_rounds_award_placings_and_have_a_provincial_twin(edition: str, national: list[str]) -> None:
    rubrics = _government(edition)
    assert sorted(n for n, r in rubrics.items() if r.model.round == "nasional") == national
    for name in national:
        rubric = rubrics[name]
        assert rubric.model.awards, name
        for award in rubric.model.awards:
            assert set(_label(award.decl.meta)) >= {"id", "en"}, f"{name}: {award.decl.name}"
        if name.endswith("-nasional"):
            twin = rubrics[name.removesuffix("-nasional")]
            assert twin.model.round == "provinsi"
            assert twin.model.category == rubric.model.category


def test_the_2024_national_desk_assessment_shortlists_for_the_interview() -> None:
    rubrics = _government("2024")
    assert [(c.stage, c.top) for c in rubrics["kabupaten-kota-nasional"].model.cuts] == [("penilaian", 11)]
    assert [(c.stage, c.top) for c in rubrics["pemerintah-provinsi"].model.cuts] == [("penilaian", 12)]
    assert [a.decl.within for a in rubrics["kabupaten-kota-nasional"].model.awards] == ["zona"]
    assert [(a.first, a.last) for a in rubrics["pemerintah-desa-nasional"].model.awards] == [(1, 1), (2, 2), (3, 3)]


def test_kelurahan_have_no_village_budget_criteria() -> None:
    kelurahan = _government("2024")["pemerintah-kelurahan"]
    assert kelurahan.model.category == "pemerintah_kelurahan"
    names = {c.decl.name for c in kelurahan.model.criteria}
    assert not names & {"rentan_apbdes", "jumlah_rentan_desa", "porsi_rentan_desa", "sumber_pendanaan"}
    assert not {s.name for s in kelurahan.input_specs} & {"rentan_dibiayai", "sumber_dana", "produk_hukum_desa"}
    top = {c.decl.name: c.decl.weight for c in kelurahan.model.criteria if c.decl.parent is None}
    assert top == {"regulasi_desa": 25, "cakupan_desa": 45, "inovasi": 15, "wawancara": 15}
