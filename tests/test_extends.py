"""extends: building a year's rubric on the last one, checked as a whole, pointing at the right file."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules import api
from paritrana_rules.language import ast
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


def errors(path: Path) -> list[pr.Diagnostic]:
    """The errors loading a rubric reports (an edition built on 2024's also gets L808 for the years it inherits)."""
    with pytest.raises(pr.RubricError) as caught:
        pr.load(path)
    return [d for d in caught.value.diagnostics if d.severity == "error"]


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
    [weights] = errors(path)
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
    lines = child.evaluate_candidate(candidates[0]).explain().splitlines()
    assert any(line.lstrip().startswith("points") and line.endswith("[line 6]") for line in lines)  # the new file
    assert any(re.search(r"Perkades.*\[.*2024/pemerintah-desa\.rubric:\d+\]$", line) for line in lines)


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


# ------------------------------------------------------------------ removing and replacing inherited texts

WEIGHTS = ("Weights follow the suggested default in docs/award.md section 3.4: regulasi 20, coverage 25, rentan via "
           "APBDes 30, inovasi 10, wawancara 15; no official weights were published")
EVIDENCE_2023 = "Daftar peserta dari kantor cabang BPJS Ketenagakerjaan per 31 Desember 2023"


def words(meta: tuple[ast.Meta, ...], kind: str) -> list[tuple[str, ...]]:
    return [m.words() for m in meta if m.kind == kind]


def declaration(child: pr.CompiledRubric, name: str) -> ast.Declaration:
    return next(d for d in child.model.rubric.declarations if d.name == name)


def test_inherited_texts_are_removed_and_replaced_in_place(rubrics: Path) -> None:
    child = pr.load(edition(rubrics, (
        f'remove assumption "{WEIGHTS}"\n'
        'assumption id "Bobot regulasi naik menjadi 25%" en "The weight of regulasi rose to 25%"\n'
        'replace source "New category in the 2023-period cycle (indojpnn.biz 2024-07-15, Jatim: Desa Tamansari '
        'juara 1)" with en "New category in the 2023-period cycle"\n'
        "change criterion regulasi_desa weight 25%\n"
        '    remove assumption "Points per instrument are the committee\'s assumption; no source states a Perdes '
        'requirement"\n'
        "change criterion cakupan_desa weight 20%\n"
        "change input aparat_terdaftar\n"
        f'    replace evidence "{EVIDENCE_2023}" with id "{EVIDENCE_2023.replace("2023", "2025")}" '
        'en "Participant list as of 31 December 2025"\n'
    )))
    header = child.model.rubric.meta
    assert (WEIGHTS,) not in words(header, "assumption")
    assert ("Bobot regulasi naik menjadi 25%", "The weight of regulasi rose to 25%") in words(header, "assumption")
    assert words(header, "source")[0] == ("New category in the 2023-period cycle",)  # in its place, first
    assert words(declaration(child, "regulasi_desa").meta, "assumption") == []
    assert words(declaration(child, "aparat_terdaftar").meta, "evidence") == [
        (EVIDENCE_2023.replace("2023", "2025"), "Participant list as of 31 December 2025")]
    handbook = api.handbook(child, "en")
    assert "regulasi 20, coverage 25" not in handbook and "31 Desember 2025" in api.handbook(child, "id")


def test_a_text_that_is_not_inherited_is_named_with_what_is(rubrics: Path) -> None:
    path = edition(rubrics, (
        f'remove assumption "{WEIGHTS.replace("regulasi 20", "regulasi 25")}"\n'
        "change input aparat_terdaftar\n"
        '    remove label "Aparat desa terdaftar"\n'
    ))
    assumption, label = errors(path)
    assert (assumption.code, assumption.span.path, assumption.span.line, assumption.span.column) == (
        "X112", str(path), 3, 19)
    assert assumption.hint == f'did you mean "{WEIGHTS}"?'
    assert assumption.indonesian is not None and assumption.indonesian.hint == f'maksud Anda "{WEIGHTS}"?'
    assert "^^^" in assumption.render()
    assert label.message == ("the inherited input 'aparat_terdaftar' has no label \"Aparat desa terdaftar\" to "
                             "remove")
    assert label.hint == 'did you mean "Aparat desa yang terdaftar aktif"?'


def test_a_text_edited_twice_or_in_the_wrong_form_is_reported(rubrics: Path) -> None:
    path = edition(rubrics, (
        f'remove assumption "{WEIGHTS}"\n'
        f'replace assumption "{WEIGHTS}" with "Weights as in 2024"\n'
        "change input aparat_terdaftar\n"
        '    replace label "Aparat desa yang terdaftar aktif" with "Aparat terdaftar"\n'
    ))
    twice, form = errors(path)
    assert twice.code == "X112" and twice.message.endswith("is already removed on line 3")
    assert form.code == "X113" and form.hint == 'write the new text in each language: with id "..." en "..."'
    assert twice.indonesian is not None and form.indonesian is not None


def test_a_text_edit_needs_a_rubric_to_build_on() -> None:
    text = ('rubric "A" edition 2024 period 2023\ncategory c\nscale 0 to 100\nrounding half_up to 2 places\n'
            'remove assumption "old"\ninput x: count between 0 and 100\n    label id "X" en "X"\ncriterion c weight 100%\n'
            '    label id "C" en "C"\n    points x\n')
    with pytest.raises(pr.RubricError) as caught:
        pr.loads(text, "a.rubric")
    [stray] = [d for d in caught.value.diagnostics if d.severity == "error"]
    assert (stray.code, stray.message, stray.span.line) == ("X105", "'remove assumption' needs a rubric to build on", 5)
    assert stray.hint is not None and stray.hint.endswith("or write the text as it should be")


def test_sources_and_assumptions_may_be_given_per_language(rubrics: Path) -> None:
    child = pr.load(edition(rubrics, 'source id "Surat edaran 2025" en "2025 circular"\nassumption en "English"\n'))
    meta = child.model.rubric.meta
    assert ("Surat edaran 2025", "2025 circular") in words(meta, "source")
    assert [m.texts.by_lang for m in meta if m.kind == "assumption" and m.texts] == [(("en", "English"),)]
    found = api.check_file(rubrics / "2026/desa.rubric")
    assert not [d for d in found if d.code == "L802"]  # cited as written: one language is no missing translation
    assert not [d for d in found if d.code == "N210"]
    wrong = api.check_file(edition(rubrics, 'source fr "Source en français"\n', "2026/fr.rubric"))
    assert [d.code for d in wrong if d.code in ("N210", "L802")] == ["N210"]


def test_removing_a_text_changes_the_identity(rubrics: Path) -> None:
    kept = pr.load(edition(rubrics, "", name="2026/kept.rubric"))
    removed = pr.load(edition(rubrics, f'remove assumption "{WEIGHTS}"\n', name="2026/removed.rubric"))
    replaced = pr.load(edition(rubrics, f'replace assumption "{WEIGHTS}" with "Other weights"\n',
                               name="2026/replaced.rubric"))
    hashes = {rubric_hash(r.model.rubric) for r in (kept, removed, replaced)}
    assert len(hashes) == 3
    assert scores(kept) == scores(removed) == scores(replaced)
