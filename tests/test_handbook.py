"""The candidate handbook: golden files in both languages, and what every handbook must contain."""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules import api
from paritrana_rules.language import ast
from paritrana_rules.explain.handbook import handbook
from paritrana_rules.check.model import texts

from .conftest import Golden

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "handbook"
RUBRICS = sorted(p.relative_to(ROOT) for p in (ROOT / "rubrics").rglob("*.rubric"))
# Pinned as golden handbooks: the first three rubrics of the library and one that extends another. Every
# rubric of the library goes through the checks on content below; they share these rubrics' code paths.
PINNED = [Path("rubrics/2024/kabupaten-kota.rubric"), Path("rubrics/2024/pemerintah-desa.rubric"),
          Path("rubrics/2024/perusahaan-besar.rubric"), Path("rubrics/2025/pemerintah-desa.rubric")]
LANGS = ("id", "en")


@functools.cache
def load(relative: Path) -> pr.CompiledRubric:
    """A bundled rubric, compiled once for the module (compiled rubrics are immutable)."""
    return pr.load(ROOT / relative)


def unescape(markdown: str) -> str:
    """Markdown with its backslash escapes and code ticks removed, to look for rubric text in it."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("`", "")


def pick(found: ast.Texts | None, lang: str) -> str | None:
    if found is None:
        return None
    return found.get(lang) or next((t for _, t in found.by_lang), None)


# ------------------------------------------------------------------ golden files


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("relative", PINNED, ids=str)
def test_markdown_handbook_matches_golden(relative: Path, lang: str, golden: Golden) -> None:
    golden.check(GOLDEN / f"{relative.parent.name}-{relative.stem}.{lang}.md", handbook(load(relative), lang))


@pytest.mark.parametrize("lang", LANGS)
def test_text_handbook_matches_golden(lang: str, golden: Golden) -> None:
    rubric = load(Path("rubrics/2024/pemerintah-desa.rubric"))
    golden.check(GOLDEN / f"2024-pemerintah-desa.{lang}.txt", handbook(rubric, lang, "text"))


# ------------------------------------------------------------------ what every handbook contains


# Every rubric in Markdown; the plain text, made from the same blocks, for the pinned ones.
FORMATS_OF = [(relative, "markdown") for relative in RUBRICS] + [(relative, "text") for relative in PINNED]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("relative", "fmt"), FORMATS_OF, ids=[f"{r}-{f}" for r, f in FORMATS_OF])
def test_every_label_reason_and_source_appears(relative: Path, lang: str, fmt: str) -> None:
    rubric = load(relative)
    model = rubric.model
    out = handbook(rubric, lang, fmt)
    shown = unescape(out) if fmt == "markdown" else out
    expected: list[str] = []
    for criterion in model.criteria:
        expected.append(pick(texts(criterion.decl.meta, "label"), lang) or criterion.decl.name)
    for item in model.inputs:
        expected.append(pick(texts(item.decl.meta, "label"), lang) or item.decl.name)
        expected += [pick(m.label, lang) or m.name for m in item.decl.type.members]
        evidence = pick(texts(item.decl.meta, "evidence"), lang)
        if evidence:
            expected.append(evidence)
    for gate in model.gates:
        reason = pick(texts(gate.decl.meta, "reason"), lang)
        assert reason, f"gate {gate.decl.name} has no reason"
        expected.append(reason)
    metas = [model.rubric.meta, *(d.meta for d in model.rubric.declarations)]
    for meta in metas:  # every source and assumption line, as written
        expected += [m.text for m in meta if m.kind in ("source", "assumption") and m.text is not None]
    missing = [text for text in expected if text not in shown]
    assert missing == []


def weight_rows(markdown: str) -> list[tuple[str, Decimal, Decimal]]:
    """(number, weight, share) from the criteria table, numbers read back from either language."""
    rows = []
    for line in markdown.splitlines():
        match = re.fullmatch(r"\| (\d+(?:\.\d+)*) \| .* \| ([\d.,]+)% \| ([\d.,]+)% \| [^|]* \|", line)
        if match:
            number, weight, share = match.groups()
            rows.append((number, read_number(weight), read_number(share)))
    return rows


def read_number(text: str) -> Decimal:
    if "," in text:  # Indonesian: 1.234,5
        return Decimal(text.replace(".", "").replace(",", "."))
    return Decimal(text.replace(",", ""))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_leaf_shares_add_up_to_100_percent(relative: Path, lang: str) -> None:
    rubric = load(relative)
    rows = weight_rows(handbook(rubric, lang))
    assert len(rows) == len(rubric.model.criteria)
    numbers = [number for number, _, _ in rows]
    leaves = [(n, w, s) for n, w, s in rows if not any(other.startswith(n + ".") for other in numbers)]
    assert sum(share for _, _, share in leaves) == 100
    shares = {number: share for number, _, share in rows}
    for number, weight, share in rows:
        parent = number.rpartition(".")[0]
        above = shares[parent] if parent else Decimal(100)
        assert share == above * weight / 100, number


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_output_is_identical_across_calls_and_loads(relative: Path) -> None:
    first = load(relative)
    for lang in LANGS:
        for fmt in ("markdown", "text"):
            once = handbook(first, lang, fmt)
            assert handbook(first, lang, fmt) == once
            assert handbook(pr.load(ROOT / relative), lang, fmt) == once  # compiled again


def test_indonesian_handbook_uses_indonesian_numbers() -> None:
    rubric = load(Path("rubrics/2024/kabupaten-kota.rubric"))
    indonesian, english = handbook(rubric, "id"), handbook(rubric, "en")
    assert "| dari 20.000 sampai kurang dari 50.000 | 85 | baris 285 |" in indonesian
    assert "| from 20,000 to below 50,000 | 85 | line 285 |" in english
    assert "| 2.1 | Cakupan Penerima Upah (PU) | 45% | 15,75% |" in indonesian
    assert "| 2.1 | Wage-earner (PU) coverage | 45% | 15.75% |" in english
    assert "2,445 menjadi 2,45" in indonesian
    assert "2.445 becomes 2.45" in english
    assert "Pembulatan: 2 angka di belakang koma" in indonesian


def test_default_language_is_indonesian_markdown() -> None:
    rubric = load(Path("rubrics/2024/pemerintah-desa.rubric"))
    out = handbook(rubric)
    assert out == handbook(rubric, "id", "markdown")
    assert out.startswith("# Paritrana Award edisi 2024 — periode penilaian 2023\n")
    assert "Kategori: Pemerintah Desa" in out


def test_text_format_has_no_markup() -> None:
    for relative in RUBRICS:
        rubric = load(relative)
        for lang in LANGS:
            text = handbook(rubric, lang, "text")
            assert "**" not in text and "`" not in text and "\n#" not in text
            assert not re.search(r"[\x00-\x09\x0b-\x1f]", text)
            assert not re.search(r"[\x00-\x09\x0b-\x1f]", handbook(rubric, lang))


def test_sections_come_in_order() -> None:
    rubric = load(Path("rubrics/2024/kabupaten-kota.rubric"))
    headings = {"id": ["Cara nilai dihitung", "Cara poin diberikan", "Syarat", "Bonus dan pengurangan nilai",
                       "Tahapan", "Peringkat dan nominasi", "Data yang perlu disiapkan", "Sumber dan asumsi"],
                "en": ["How the score is made", "How points are given", "Conditions", "Bonuses and penalties",
                       "Stages", "Ranking and nomination", "Data to prepare", "Sources and assumptions"]}
    for lang, expected in headings.items():
        found = re.findall(r"^## (.*)$", handbook(rubric, lang), re.M)
        assert found == expected


def test_unknown_language_or_format_is_a_value_error() -> None:
    rubric = load(Path("rubrics/2024/pemerintah-desa.rubric"))
    with pytest.raises(ValueError, match="language"):
        handbook(rubric, "fr")
    with pytest.raises(ValueError, match="format"):
        handbook(rubric, "id", "pdf")


# ------------------------------------------------------------------ wording of bands, tables and conditions

BANDS = """rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji | coba" en "Test | case"
scale 0 to 100
rounding half_even to 1 place

input x: number
    label id "Nilai x" en "Value x"
input y: number
    unit percent
    label id "Nilai y" en "Value y"
input z: count
    label id "Nilai z" en "Value z"
input pilihan: one of {
        a label id "Pilihan A" en "Option A",
        b label id "Pilihan B" en "Option B",
        c label id "Pilihan C" en "Option C"
    }
    label id "Pilihan" en "Choice"
input centang: set of {p label id "Butir P" en "Item P", q}
    default {q}
    label id "Daftar centang" en "Checklist"
input aktif: yes/no
    default yes
    label id "Aktif" en "Active"

input kota: text
    label id "Kota" en "City"

gate rentang: x >= -100 and x < 1000 otherwise cap total at 50
    label id "Rentang x" en "Range of x"
    reason id "x di luar rentang" en "x is out of range"

bonus tambahan: min(5, count of centang)
    label id "Tambahan" en "Extra"

penalty potongan: 2 when kota = "Batu"
    label id "Potongan" en "Deduction"

criterion satu weight 40%
    label id "Kriteria *satu*" en "Criterion *one*"
    points by band of x
        below -10 -> 0
        from -10 to -5 -> 10
        above -5 to below 0 -> 20
        exactly 0 -> 30
        above 0 to 10 -> 40
        above 10 to below 20 -> 50
        from 20 to below 30 -> 60
        otherwise -> 70

criterion dua weight 30%
    label id "Kriteria dua" en "Criterion two"
    points by band of y
        up to 0.5 -> 0
        above 0.5 to below 1000 -> 50
        from 1000 -> 100

criterion tiga weight 20%
    label id "Kriteria tiga" en "Criterion three"
    points by band of z
        below 5 -> 0
        exactly 5 -> 50
        above 5 -> 100

criterion empat weight 10%
    label id "Kriteria empat" en "Criterion four"
    points by table, first match
        when pilihan in {a, b} and aktif -> 100
        when pilihan not in {a, b} and not aktif -> 50
        when p not in centang or pilihan is b -> 20
        otherwise -> 0
"""


def bands_rubric() -> pr.CompiledRubric:
    return pr.loads(BANDS, "uji.rubric")


def test_indonesian_band_rows() -> None:
    out = handbook(bands_rubric(), "id")
    for row in ["kurang dari -10", "dari -10 sampai -5", "lebih dari -5 sampai kurang dari 0", "tepat 0",
                "lebih dari 0 sampai 10", "lebih dari 10 sampai kurang dari 20", "dari 20 sampai kurang dari 30",
                "selain itu", "0,5 atau kurang", "lebih dari 0,5 sampai kurang dari 1.000", "1.000 atau lebih",
                "kurang dari 5", "tepat 5", "lebih dari 5"]:
        assert f"| {row} |" in out, row


def test_english_band_rows_in_words_with_english_numbers() -> None:
    out = handbook(bands_rubric(), "en")
    for row in ["below -10", "from -10 to -5", "more than -5 to below 0", "exactly 0", "more than 0 up to 10",
                "more than 10 to below 20", "from 20 to below 30", "any other value", "0.5 or less",
                "more than 0.5 to below 1,000", "1,000 or more", "below 5", "exactly 5", "more than 5"]:
        assert f"| {row} |" in out, row
    assert "| Value y (%) | Points | In the rubric |" in out


def test_conditions_in_words_with_labels_and_their_rubric_line() -> None:
    out = handbook(bands_rubric(), "id")
    assert "jika Pilihan: Pilihan A atau Pilihan B dan Aktif: ya → **100 poin** (baris 69)" in out
    assert "jika Pilihan: bukan Pilihan A maupun Pilihan B dan Aktif: tidak → **50 poin**" in out
    assert "jika Daftar centang: tidak ada Butir P atau Pilihan: Pilihan B → **20 poin**" in out
    english = handbook(bands_rubric(), "en")
    assert "if Choice: neither Option A nor Option B and Active: no → **50 points**" in english
    assert "Baris dibaca dari atas; baris pertama yang kondisinya terpenuhi menentukan poin." in out


def test_defaults_and_types_in_words() -> None:
    out = handbook(bands_rubric(), "id")
    assert "Boleh dikosongkan; jika kosong dianggap **q**." in out  # a value without a label shows its name
    assert "Boleh dikosongkan; jika kosong dianggap **ya**." in out
    assert "Isian: angka (boleh desimal), dalam persen (%)" in out
    english = handbook(bands_rubric(), "en")
    assert "What to fill in: a whole number (0, 1, 2, …)" in english


def test_markdown_escapes_labels() -> None:
    out = handbook(bands_rubric(), "en")
    assert "Criterion \\*one\\*" in out
    assert "| 1 | Criterion \\*one\\* | 40% | 40% |" in out
    assert "Category: Test | case" in out
    rounding = "Rounding: to 1 decimal place; a 5 rounds to the even neighbour (2.45 becomes 2.4; 2.55 becomes 2.6)."
    assert rounding in out


def test_gates_and_adjustments_in_words_with_their_rubric_line() -> None:
    out = handbook(bands_rubric(), "id")
    assert "- Yang harus terpenuhi: “Nilai x”: dari -100 sampai kurang dari 1.000 (baris 30)" in out
    assert "- Jika tidak terpenuhi: nilai akhir dibatasi paling tinggi 50." in out
    assert ("- Poin yang ditambahkan pada nilai akhir: banyaknya pilihan pada “Daftar centang”, tetapi paling tinggi 5 "
            "(baris 34).\n- Selalu berlaku.") in out
    assert "- Berlaku jika: “Kota” sama dengan teks “Batu” (baris 37)" in out
    english = handbook(bands_rubric(), "en")
    assert "- Must hold: “Value x”: from -100 to below 1,000 (line 30)" in english
    assert "- Takes **2 points** off the total (line 37)." in english


def test_a_derived_value_tested_only_by_a_condition_is_explained(tmp_path: Path) -> None:
    rubric = pr.loads('''rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places
input peserta: count
    label id "Peserta" en "Participants"
input potensi: count
    label id "Potensi" en "Potential"
let rasio = ratio(peserta, potensi, if zero 0)
    label id "Rasio" en "Ratio"
criterion c weight 100%
    label id "Cakupan" en "Coverage"
    points by table, first match
        when rasio >= 2 -> 100
        otherwise -> 0
''', str(tmp_path / "x.rubric"))
    points_section = handbook(rubric, lang="en").split("## How points are given")[1].split("## Conditions")[0]
    assert "`rasio`: Ratio, worked out as: “Participants” ÷ “Potential” (or 0 when “Potential” is 0)" in points_section


def test_numbers_resting_on_an_assumption_are_marked_as_such() -> None:
    out = handbook(load(Path("rubrics/2024/kabupaten-kota.rubric")), "id")
    assert "| 1.1 | Jenis produk hukum tertinggi | 80% | 20% | asumsi |" in out
    assert ("Bobot 80% di dalam 1 Regulasi dan kebijakan; porsi 20% dari nilai akhir (asumsi panitia; lihat "
            "“Sumber dan asumsi”).") in out
    assert "Jika tidak terpenuhi: nilai akhir dibatasi paling tinggi 60 (asumsi panitia" in out
    english = handbook(load(Path("rubrics/2024/kabupaten-kota.rubric")), "en")
    assert "Its size is the committee's assumption (see “Sources and assumptions”)." in english


def test_an_extending_rubric_lists_what_changed_this_edition() -> None:
    rubric = load(Path("rubrics/2025/pemerintah-desa.rubric"))
    changes = [change.render("id") for change in api.diff_rubrics(load(Path("rubrics/2024/pemerintah-desa.rubric")),
                                                                  rubric)]
    out = handbook(rubric, "id", changes=changes)
    section = out.partition("## Perubahan pada edisi ini\n")[2].partition("\n## ")[0]
    assert "`2024/pemerintah-desa.rubric`" in section
    assert all(f"- {unescape(change)}" in unescape(section) for change in changes)
    assert "What changed" not in handbook(rubric, "en") and "Perubahan pada edisi" not in handbook(rubric, "id")
    assert "## What changed this edition" in handbook(rubric, "en", changes=changes)
