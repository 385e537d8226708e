"""Next year's rubric: years in inherited texts (L808), and `new-edition` writing the rubric that moves them on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules import api
from paritrana_rules.check.years import Edition, rolled, years_in
from paritrana_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
OLD = "2025/pemerintah-desa.rubric"
APBDES = "APBDes 2024 dan realisasinya"


@pytest.fixture
def rubrics(tmp_path: Path) -> Path:
    """A rubrics folder holding the 2024 and 2025 village rubrics and the shared provinces they use."""
    folder = tmp_path / "rubrics"
    for year in ("2024", "2025"):
        (folder / year).mkdir(parents=True)
        shutil.copy(ROOT / "rubrics" / year / "pemerintah-desa.rubric", folder / year)
    shutil.copytree(ROOT / "rubrics/wilayah", folder / "wilayah")
    return folder


def warnings(path: Path) -> list[pr.Diagnostic]:
    _, found = pr.diagnose(path.read_text(encoding="utf-8"), str(path))
    assert not [d for d in found if d.severity == "error"]
    return [d for d in found if d.code == "L808"]


# ------------------------------------------------------------------ finding years


@pytest.mark.parametrize(("text", "years"), [
    ("APBDes 2024 dan realisasinya", [2024]),
    ("per 31 Desember 2024", [2024]),
    ("UU 24/2011 dan Permenaker 5/2021", []),
    ("Permenaker Nomor 5 Tahun 2021 dan PP No. 82 Th. 2019", []),
    ("(kompas.com 2023-10-20)", []),
    ("52,000 pekerja; 2,024 orang; 12.2024; 20240 peserta; Rp2024", []),
    ("pertumbuhan 2023 ke 2024", [2023, 2024]),
])
def test_years_are_those_a_text_dates_itself_by(text: str, years: list[int]) -> None:
    assert [year.value for year in years_in(text)] == years


def test_rolling_moves_an_editions_own_years_and_leaves_history() -> None:
    move = Edition(2024, 2025).mover(Edition(2025, 2026))
    assert rolled("Data 31 Desember 2023, APBDes 2024, edisi 2025; cakupan Maret 2021; UU 24/2011", move) == (
        "Data 31 Desember 2024, APBDes 2025, edisi 2026; cakupan Maret 2021; UU 24/2011")


@given(st.text(alphabet="0123456789 /-.,abAB", max_size=40))
def test_rolling_by_nothing_changes_nothing(text: str) -> None:
    assert rolled(text, lambda year: year) == text


# ------------------------------------------------------------------ L808


def test_an_inherited_evidence_that_names_last_years_year_is_warned_with_the_fix(rubrics: Path) -> None:
    path = rubrics / "2026/pemerintah-desa.rubric"
    path.parent.mkdir()
    path.write_text(f'rubric "Paritrana Award" edition 2026 period 2025\nextends "{OLD}"\n', encoding="utf-8")
    found = warnings(path)
    assert len(found) == 7  # the seven evidence texts of 2025 that name 2024
    sumber = next(d for d in found if APBDES in d.line_text)
    assert sumber.message == ("this evidence, inherited from the edition 2025 rubric (period 2024), names the year "
                              "2024, which is neither this rubric's period (2025) nor its edition (2026)")
    assert sumber.span.path.endswith(OLD) and sumber.line_text[sumber.span.column - 1:].startswith("2024")
    replace = ('replace evidence id "APBDes 2024 dan realisasinya" with id "APBDes 2025 dan realisasinya" '
               'en "The 2025 APBDes and its realisation report"')
    assert sumber.hint == f"move the year on under 'change input sumber_dana': {replace}"
    assert sumber.indonesian is not None and sumber.indonesian.hint is not None
    assert sumber.indonesian.hint.startswith("perbarui tahunnya di bawah 'change input sumber_dana': replace")

    with path.open("a", encoding="utf-8") as rubric:  # the fix as the hint words it
        rubric.write(f"change input sumber_dana\n    {replace}\n")
    assert len(warnings(path)) == 6 and not any(APBDES in d.line_text for d in warnings(path))


def test_the_bundled_rubrics_are_clean_of_leftover_years() -> None:
    leftovers = [d.render() for path in sorted((ROOT / "rubrics").rglob("*.rubric"))
                 for d in pr.diagnose(path.read_text(encoding="utf-8"), str(path))[1] if d.code == "L808"]
    assert leftovers == []


def test_an_edition_of_the_same_period_inherits_its_years_as_they_are(rubrics: Path) -> None:
    path = rubrics / "2025/pemerintah-desa-nasional.rubric"
    path.write_text(f'rubric "Paritrana Award" edition 2025 period 2024\nextends "{OLD}"\n', encoding="utf-8")
    assert warnings(path) == []


# ------------------------------------------------------------------ new-edition


def test_new_edition_moves_each_dated_text_on_and_scores_like_the_old(rubrics: Path) -> None:
    new = rubrics / "2026/pemerintah-desa.rubric"
    text = api.new_edition_text(rubrics / OLD, new)
    assert 'rubric "Paritrana Award" edition 2026 period 2025\nextends "2025/pemerintah-desa.rubric"\n' in text
    assert text.count("# review: the years of this evidence moved (2024 -> 2025)") == 7
    assert 'replace evidence id "APBDes 2024 dan realisasinya" with id "APBDes 2025 dan realisasinya"' in text
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "criterion" not in code and "source" not in code and "assumption" not in code  # nothing else is copied
    assert text.count("# review: inherited assumption ") == 2  # listed for the committee, as comments
    assert '#     remove assumption "Indicators, weights and bands are unchanged from the 2024 edition' in text
    assert api.format_text(text) == text
    api.write_new_rubric(new, text)
    assert warnings(new) == []
    old, fresh = pr.load(rubrics / OLD), pr.load(new)
    assert fresh.identity["edition"] == 2026 and fresh.identity["period"] == 2025
    candidates, _ = pr.load_candidates(ROOT / "examples/2025/pemerintah-desa.yaml", old.input_specs)
    assert candidates
    assert [str(fresh.evaluate_candidate(c).total) for c in candidates] == [
        str(old.evaluate_candidate(c).total) for c in candidates]


def test_new_edition_takes_the_years_it_is_given(rubrics: Path) -> None:
    text = api.new_edition_text(rubrics / OLD, rubrics / "2027/desa.rubric", edition=2027, period=2026)
    assert "edition 2027 period 2026" in text and "APBDes 2026 dan realisasinya" in text
    with pytest.raises(pr.UsageError, match="must come after"):
        api.new_edition_text(rubrics / OLD, rubrics / "2026/desa.rubric", period=2024)


def test_new_edition_never_overwrites_and_stays_in_the_folder(rubrics: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    new = rubrics / "2026/pemerintah-desa.rubric"
    assert main(["new-edition", str(rubrics / OLD), str(new)]) == 0
    assert f"wrote {new}" in capsys.readouterr().out
    written = new.read_bytes()
    assert main(["new-edition", str(rubrics / OLD), str(new)]) == 2
    assert "already exists" in capsys.readouterr().err and new.read_bytes() == written
    assert main(["new-edition", str(rubrics / "2025/nope.rubric"), str(rubrics / "2026/b.rubric")]) == 2
    assert "no such rubric file" in capsys.readouterr().err
    elsewhere = tmp_path / "other" / "rubrics" / "2026.rubric"
    assert main(["new-edition", str(rubrics / OLD), str(elsewhere)]) == 2
    assert "not inside the rubrics folder" in capsys.readouterr().err
    assert not elsewhere.exists() and sorted(p.name for p in new.parent.iterdir()) == ["pemerintah-desa.rubric"]
