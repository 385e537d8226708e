"""Rules in words (`explain.wording`): every expression form of the language, in both languages, with the labels
of what it reads, numbers in the language's format and units from the input declarations.
"""

from __future__ import annotations

import pytest
from hypothesis import given

import paritrana_rules as pr
from paritrana_rules.errors import RubricError
from paritrana_rules.explain.handbook import handbook
from paritrana_rules.explain.wording import Wording

from .strategies import small_rubric
from .test_language_purity import foreign_words

RUBRIC = '''rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

input peserta: count
    unit "orang"
    label id "Peserta terdaftar" en "Registered participants"
input potensi: count
    unit "orang"
    label id "Pekerja" en "Workers"
input cakupan: number
    between 0 and 100
    unit percent
    label id "Cakupan" en "Coverage"
input tunggakan: yes/no
    label id "Tunggakan iuran" en "Contribution arrears"
input hadir: one of {
        kepala label id "Kepala desa" en "Village head",
        sekdes label id "Sekretaris desa" en "Village secretary",
        lain label id "Lainnya" en "Other"
    }
    label id "Yang hadir" en "Attendee"
input program: set of {jkk label id "JKK" en "JKK", jkm label id "JKM" en "JKM"}
    label id "Program" en "Programs"
input kota: text
    label id "Kota" en "City"

let porsi = ratio(peserta * 100, potensi, if zero 0)
    label id "Porsi peserta" en "Share of participants"

criterion satu weight 100%
    label id "Satu" en "One"
    points by band of peserta
        from 1000 -> 100
        from 500 to below 1000 -> 85
        above 0 to below 500 -> 30
        exactly 0 -> 0
'''

# A rule as the rubric writes it -> (Bahasa Indonesia, English).
CONDITIONS = {
    "not tunggakan and cakupan >= 50": ("Tunggakan iuran: tidak dan “Cakupan” paling sedikit 50%",
                                        "Contribution arrears: no and “Coverage” is at least 50%"),
    "tunggakan or peserta < 1000.5": ("Tunggakan iuran: ya atau “Peserta terdaftar” kurang dari 1.000,5 orang",
                                      "Contribution arrears: yes or “Registered participants” is less than "
                                      "1,000.5 people"),
    "not (tunggakan and cakupan > 5)": ("tidak benar bahwa (Tunggakan iuran: ya dan “Cakupan” lebih dari 5%)",
                                        "it is not so that (Contribution arrears: yes and “Coverage” is more than 5%)"),
    "jkk in program and jkm in program": ("Program: ada JKK dan JKM", "Programs: includes JKK and JKM"),
    "jkm not in program": ("Program: tidak ada JKM", "Programs: does not include JKM"),
    "hadir is kepala": ("Yang hadir: Kepala desa", "Attendee: Village head"),
    "hadir is not lain": ("Yang hadir: bukan Lainnya", "Attendee: not Other"),
    "hadir in {kepala, sekdes}": ("Yang hadir: Kepala desa atau Sekretaris desa",
                                  "Attendee: Village head or Village secretary"),
    "hadir not in {kepala, sekdes}": ("Yang hadir: bukan Kepala desa maupun Sekretaris desa",
                                      "Attendee: neither Village head nor Village secretary"),
    "cakupan >= 20 and cakupan < 80": ("“Cakupan”: dari 20% sampai kurang dari 80%",
                                       "“Coverage”: from 20% to below 80%"),
    "count of program = 2": ("banyaknya pilihan pada “Program” sama dengan 2",
                             "the number of options chosen in “Programs” is 2"),
    'kota = "Batu"': ("“Kota” sama dengan teks “Batu”", "“City” is the text “Batu”"),
}
FORMULAS = {
    "min(100, max(porsi, 0) * 2 - 1)": ("(“Porsi peserta”, tetapi paling rendah 0) × 2 − 1, tetapi paling tinggi 100",
                                         "(“Share of participants”, but no less than 0) × 2 − 1, but no more than 100"),
    "ratio(peserta * 100, potensi, if zero 0)": (
        "“Peserta terdaftar” × 100 ÷ “Pekerja” (atau 0 jika “Pekerja” bernilai 0)",
        "“Registered participants” × 100 ÷ “Workers” (or 0 when “Workers” is 0)"),
    "if tunggakan then 0 else round(porsi / 3, 1)": (
        "0 jika Tunggakan iuran: ya, selain itu (“Porsi peserta” ÷ 3, dibulatkan ke 1 angka di belakang koma)",
        "0 if Contribution arrears: yes, otherwise (“Porsi peserta” ÷ 3, rounded to 1 decimal place)"),
    "clamp(-porsi, 0, 100)": ("−“Porsi peserta”, tetapi paling rendah 0 dan paling tinggi 100",
                              "−“Share of participants”, but no lower than 0 and no higher than 100"),
    "max(peserta, potensi, 10)": ("yang terbesar dari “Peserta terdaftar”, “Pekerja” dan 10",
                                  "the largest of “Registered participants”, “Workers” and 10"),
}


def wording_of(rule: str, lang: str) -> tuple[Wording, pr.CompiledRubric]:
    rubric = pr.loads(RUBRIC + f"\nlet tested = {rule}\n", "uji.rubric")
    return Wording(rubric.model, lang), rubric


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("rule", sorted(CONDITIONS))
def test_every_condition_form_in_words(rule: str, lang: str) -> None:
    wording, rubric = wording_of(rule, lang)
    tested = next(let for let in rubric.model.lets if let.decl.name == "tested")
    assert wording.condition(tested.expr) == CONDITIONS[rule][0 if lang == "id" else 1]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("rule", sorted(FORMULAS))
def test_every_formula_form_in_words(rule: str, lang: str) -> None:
    wording, rubric = wording_of(rule, lang)
    tested = next(let for let in rubric.model.lets if let.decl.name == "tested")
    expected = FORMULAS[rule][0 if lang == "id" else 1]
    if lang == "en":
        expected = expected.replace("“Porsi peserta”", "“Share of participants”")
    assert wording.formula(tested.expr)[0] == expected


@pytest.mark.parametrize(("lang", "rows"), [
    ("id", ["1.000 orang atau lebih", "dari 500 orang sampai kurang dari 1.000 orang",
            "lebih dari 0 orang sampai kurang dari 500 orang", "tepat 0 orang"]),
    ("en", ["1,000 people or more", "from 500 people to below 1,000 people",
            "more than 0 people to below 500 people", "exactly 0 people"]),
])
def test_band_rows_in_words_with_units_of_the_language(lang: str, rows: list[str]) -> None:
    wording, rubric = wording_of("1", lang)
    band = rubric.model.criteria[0].points
    assert [wording.band_row(row, "peserta") for row in band.rows] == rows  # type: ignore[union-attr]
    assert wording.at(band.rows[1].span) == ("baris 37" if lang == "id" else "line 37")  # type: ignore[union-attr]


@given(small_rubric())
def test_any_rubric_is_said_in_words_of_the_language_only(text: str) -> None:
    """Whatever expressions a rubric uses, its handbook says them in words: no operator or built-in of the
    rubric language, nor a word of the other language, is left in the text.
    """
    try:
        rubric = pr.loads(text, "uji.rubric")
    except RubricError:
        return  # a drawn rubric that does not check has no handbook
    for lang in ("id", "en"):
        out = handbook(rubric, lang)
        assert foreign_words(out, lang, rubric.model) == []
        for written in (">=", "->", "min(", "max(", "ratio(", "clamp(", " then ", "if zero"):
            assert written not in out, written


def test_a_text_in_one_language_only_is_shown_marked_never_silently_mixed() -> None:
    rubric = pr.loads(RUBRIC.replace('label id "Satu" en "One"', 'label en "One"')
                      + 'source "Band limits from the 2023 sheet"\n', "uji.rubric")
    indonesian, english = handbook(rubric, "id"), handbook(rubric, "en")
    assert "### 1 “One” (hanya dalam bahasa Inggris)" in indonesian
    assert "Sumber: “Band limits from the 2023 sheet” (hanya dalam bahasa Inggris)" in indonesian
    assert "### 1 One" in english and "Source: Band limits from the 2023 sheet" in english
    only_id = pr.loads(RUBRIC.replace('label id "Satu" en "One"', 'label id "Satu"'), "uji.rubric")
    assert "### 1 “Satu” (only in Bahasa Indonesia)" in handbook(only_id, "en")
