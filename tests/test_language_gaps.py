"""Forms of the language met when a peer's rubric was written in ours: a disqualification that also sets the
total (`disqualify with total N`), and a `sum of matches` table whose sum is kept within limits (`at most N`,
`between L and H`).

Every form is scored by both back ends (the column program and the scalar one must agree to the last digit),
kept by the formatter, explained in both languages, and wrongly used gives a located, hinted diagnostic (the
golden files in tests/golden/check/ named after its code).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.explain.handbook import handbook
from paritrana_rules.language.format import format_text
from paritrana_rules.language.identity import canonical_form, rubric_hash

from .strategies import candidate_inputs
from .test_columnar import assert_alike

HEADER = """rubric "Paritrana Award" edition 2024 period 2023
category pemerintah_desa
label id "Pemerintah Desa" en "Village Government"
scale 0 to 100
rounding half_up to 2 places
"""

# ------------------------------------------------------------------ disqualify with total N

GATES = HEADER + """
input nilai: number
    between 0 and 100
    label id "Nilai" en "Score"
input tunggakan: yes/no
    label id "Ada tunggakan iuran" en "Contributions in arrears"
input laporan_tepat: yes/no
    label id "Laporan tepat waktu" en "Reports on time"
input berkas_lengkap: yes/no
    label id "Berkas lengkap" en "Documents complete"

gate tanpa_tunggakan: not tunggakan otherwise disqualify with total 0
    label id "Tanpa tunggakan" en "No arrears"
    reason id "Masih ada tunggakan iuran; nilai akhir 0" en "Contributions in arrears; the total is 0"
gate laporan: laporan_tepat otherwise disqualify with total 10.5
    label id "Laporan" en "Reports"
    reason id "Laporan terlambat" en "Reports late"
gate berkas: berkas_lengkap otherwise cap total at 50
    label id "Berkas" en "Documents"
    reason id "Berkas tidak lengkap" en "Documents incomplete"

criterion pemahaman weight 100%
    label id "Pemahaman" en "Understanding"
    points nilai
"""


def candidate(nilai: str, tunggakan: bool, laporan_tepat: bool, berkas_lengkap: bool) -> dict[str, Any]:
    return {"nilai": Decimal(nilai), "tunggakan": tunggakan, "laporan_tepat": laporan_tepat,
            "berkas_lengkap": berkas_lengkap}


# (inputs, total, status), worked out by hand: the weighted sum is `nilai` (one criterion at 100%).
GATE_CASES = [
    (candidate("80", False, True, True), "80.00", "eligible"),  # every gate holds: 80
    (candidate("80", False, True, False), "50.00", "eligible"),  # capped: min(80, 50) = 50
    (candidate("80", True, True, True), "0.00", "disqualified"),  # arrears: the total is set to 0, not 80
    (candidate("80", True, True, False), "0.00", "disqualified"),  # capped at 50, then set to 0
    (candidate("80", False, False, True), "10.50", "disqualified"),  # late reports: set to 10.5
    (candidate("5", False, False, True), "10.50", "disqualified"),  # set, even above the 5 it would have had
    (candidate("80", True, False, True), "0.00", "disqualified"),  # both set: the lower, min(0, 10.5) = 0
]


@pytest.fixture(scope="module")
def gates() -> pr.CompiledRubric:
    return pr.loads(GATES, "gates.rubric")


@pytest.mark.parametrize(("inputs", "total", "status"), GATE_CASES)
def test_a_failed_gate_sets_the_total_as_declared(gates: pr.CompiledRubric, inputs: dict[str, Any], total: str,
                                                  status: str) -> None:
    result = gates.evaluate(inputs, "c")
    assert (str(result.total), result.status) == (total, status)


def test_both_back_ends_agree_on_set_totals(gates: pr.CompiledRubric) -> None:
    assert assert_alike(gates, [inputs for inputs, _, _ in GATE_CASES]) == len(GATE_CASES)


def test_one_gate_gives_one_reason_and_the_explanation_says_it_once(gates: pr.CompiledRubric) -> None:
    result = gates.evaluate(candidate("80", True, True, True), "c")
    assert result.reasons("en") == ["Contributions in arrears; the total is 0"]
    english, indonesian = result.explain(lang="en"), result.explain(lang="id")
    assert english.count("set to 0.00 because the candidate is disqualified") == 1
    assert english.count("disqualifies and sets the total to 0.00: Contributions in arrears; the total is 0") == 1
    assert indonesian.count("ditetapkan 0,00 karena peserta didiskualifikasi") == 1
    assert indonesian.count("mendiskualifikasi dan menetapkan nilai akhir 0,00: Masih ada tunggakan iuran") == 1


def test_the_explanation_names_the_lowest_set_total(gates: pr.CompiledRubric) -> None:
    text = gates.evaluate(candidate("80", True, False, True), "c").explain(lang="en")
    assert "set to 0.00 because the candidate is disqualified" in text
    assert "set to 10.50" not in text


def test_the_handbook_says_what_failing_does(gates: pr.CompiledRubric) -> None:
    assert "If not: the candidate is disqualified and the total is set to 10.5." in handbook(gates, "en")
    assert "peserta didiskualifikasi (gugur) dan nilai akhirnya ditetapkan 0." in handbook(gates, "id")


def test_a_set_total_is_kept_by_the_formatter_and_counts_in_the_identity() -> None:
    formatted = format_text(GATES)
    assert "otherwise disqualify with total 0\n" in formatted
    assert format_text(formatted) == formatted
    plain = GATES.replace("disqualify with total 0", "disqualify")
    assert rubric_hash(pr.loads(plain).model.rubric) != rubric_hash(pr.loads(GATES).model.rubric)
    gate = next(d for d in pr.loads(plain).model.rubric.declarations if d.name == "tanpa_tunggakan")
    assert "total" not in canonical_form(gate)  # a plain `disqualify` keeps the hash it had before this form


def test_an_audit_record_of_a_set_total_replays(tmp_path: Path) -> None:
    path = tmp_path / "gates.rubric"
    path.write_text(GATES, encoding="utf-8")
    record = pr.load(path).evaluate(candidate("80", True, True, True), "c").audit()
    report = pr.replay(record, [path])
    assert report.ok, report.render()


@pytest.mark.parametrize(("written", "code", "hint"), [
    ("disqualify with total 101", "G604", "choose a total from 0 to 100"),
    ("disqualify with total 0.125", "G605", "write the total with at most as many decimals"),
])
def test_a_wrong_set_total_is_located_and_hinted(written: str, code: str, hint: str) -> None:
    text = GATES.replace("disqualify with total 0", written)
    _, diagnostics = diagnose(text, "gates.rubric")
    (found,) = [d for d in diagnostics if d.severity == "error"]
    line = text.splitlines().index(next(s for s in text.splitlines() if written in s)) + 1
    assert (found.code, found.span.line, found.span.column) == (code, line, text.splitlines()[line - 1].index(
        written) + 1)
    assert found.hint is not None and found.hint.startswith(hint)
    assert found.indonesian is not None and found.indonesian.hint


# ------------------------------------------------------------------ sum of matches at most N / between L and H

SUMS = HEADER + """
input program_diikuti: set of {jkk, jkm, jht, jp}
    label id "Program yang diikuti" en "Programs run"
input inovasi: set of {digital, jemput_bola, insentif}
    label id "Inovasi" en "Innovations"

criterion program weight 60%
    label id "Program" en "Programs"
    points by table, sum of matches between 10 and 70
        when jkk in program_diikuti -> 30
        when jkm in program_diikuti -> 30
        when jht in program_diikuti -> 25
        when jp in program_diikuti -> 25

criterion inovasi_desa weight 40%
    label id "Inovasi desa" en "Village innovations"
    points by table, sum of matches at most 100
        when digital in inovasi -> 60
        when jemput_bola in inovasi -> 50
        when insentif in inovasi -> 40
"""

# (programs, innovations, program points, innovation points, total), by hand:
# program = the sum kept between 10 and 70; inovasi_desa = the sum kept at most 100;
# total = 60% x program + 40% x inovasi_desa.
SUM_CASES = [
    (set(), set(), "10.00", "0.00", "6.00"),  # nothing: 0 raised to 10 -> 0.6 x 10 = 6
    ({"jkk"}, {"insentif"}, "30.00", "40.00", "34.00"),  # within: 18 + 16
    ({"jkk", "jkm"}, {"digital", "insentif"}, "60.00", "100.00", "76.00"),  # 60; exactly 100: 36 + 40
    ({"jkk", "jkm", "jht"}, {"digital", "jemput_bola"}, "70.00", "100.00", "82.00"),  # 85 -> 70; 110 -> 100
    ({"jkk", "jkm", "jht", "jp"}, {"digital", "jemput_bola", "insentif"}, "70.00", "100.00", "82.00"),  # 110; 150
]


@pytest.fixture(scope="module")
def sums() -> pr.CompiledRubric:
    return pr.loads(SUMS, "sums.rubric")


def sum_inputs(programs: set[str], innovations: set[str]) -> dict[str, Any]:
    return {"program_diikuti": frozenset(programs), "inovasi": frozenset(innovations)}


@pytest.mark.parametrize(("programs", "innovations", "program", "innovation", "total"), SUM_CASES)
def test_a_kept_sum_gives_the_points(sums: pr.CompiledRubric, programs: set[str], innovations: set[str],
                                     program: str, innovation: str, total: str) -> None:
    result = sums.evaluate(sum_inputs(programs, innovations), "c")
    assert (str(result.points["program"]), str(result.points["inovasi_desa"]), str(result.total)) == (
        program, innovation, total)


def test_both_back_ends_agree_on_kept_sums(sums: pr.CompiledRubric) -> None:
    values = [sum_inputs(p, i) for p, i, _, _, _ in SUM_CASES]
    assert assert_alike(sums, values) == len(values)


def test_the_explanation_names_the_limit_and_what_it_did(sums: pr.CompiledRubric) -> None:
    result = sums.evaluate(sum_inputs({"jkk", "jkm", "jht"}, {"digital"}), "c")
    english, indonesian = result.explain(lang="en"), result.explain(lang="id")
    assert "sum of all matching rows, kept between 10 and 70:" in english
    assert "they add up to 85, kept at 70" in english
    assert "sum of all matching rows, at most 100:" in english
    assert english.count("kept at") == 1  # 60 for the innovations is within its limit: nothing to say
    assert "jumlah semua baris yang cocok, dibatasi antara 10 dan 70:" in indonesian
    assert "jumlahnya 85, dibatasi menjadi 70" in indonesian
    assert "jumlah semua baris yang cocok, paling tinggi 100:" in indonesian


def test_the_handbook_states_the_limit(sums: pr.CompiledRubric) -> None:
    indonesian = handbook(sums, "id")
    assert ("dijumlahkan. Jika tidak ada yang terpenuhi, poinnya 0. Jumlahnya paling tinggi 100: jumlah yang lebih "
            "tinggi dihitung 100.") in indonesian
    # no row holding gives 10 there, not 0: the sentence saying 0 is left out
    assert ("dijumlahkan. Jumlahnya dibatasi antara 10 dan 70: jumlah yang lebih rendah dihitung 10, yang lebih "
            "tinggi dihitung 70.") in indonesian
    assert "The sum is kept between 10 and 70" in handbook(sums, "en")


def test_a_kept_sum_is_kept_by_the_formatter_and_counts_in_the_identity() -> None:
    formatted = format_text(SUMS.replace("sum of matches at most 100", "sum of matches   at   most 100"))
    assert "points by table, sum of matches at most 100\n" in formatted
    assert "points by table, sum of matches between 10 and 70\n" in formatted
    assert format_text(formatted) == formatted
    loose = SUMS.replace("sum of matches at most 100", "sum of matches").replace("-> 60", "-> 10")
    plain = pr.loads(loose).model.rubric
    table = next(d for d in plain.declarations if d.name == "inovasi_desa").points[0]
    assert "limit" not in canonical_form(table)  # a table without limits keeps the hash it had before this form
    assert rubric_hash(plain) != rubric_hash(pr.loads(loose.replace("sum of matches\n", "sum of matches at most "
                                                                    "100\n")).model.rubric)


def test_without_a_limit_the_full_sum_is_still_checked_against_the_scale() -> None:
    _, diagnostics = diagnose(SUMS.replace("sum of matches at most 100", "sum of matches"), "sums.rubric")
    assert [d.code for d in diagnostics if d.severity == "error"] == ["R500"]  # 60 + 50 + 40 = 150 > 100


@pytest.mark.parametrize(("written", "code", "hint"), [
    ("sum of matches at most 120", "R517", "choose a limit from 0 to 100"),
    ("sum of matches between -5 and 70", "R517", "choose a limit from 0 to 100"),
    ("sum of matches between 70 and 10", "R518", "write the lower limit first: between 10 and 70"),
])
def test_a_wrong_limit_is_located_and_hinted(written: str, code: str, hint: str) -> None:
    text = SUMS.replace("sum of matches between 10 and 70", written)
    _, diagnostics = diagnose(text, "sums.rubric")
    (found,) = [d for d in diagnostics if d.severity == "error"]
    lines = text.splitlines()
    line = next(number for number, source in enumerate(lines, 1) if written in source)
    limit = written.removeprefix("sum of matches ")
    assert (found.code, found.span.line, found.span.column) == (code, line, lines[line - 1].index(limit) + 1)
    assert found.hint == hint
    assert found.indonesian is not None and found.indonesian.hint


# ------------------------------------------------------------------ both back ends, on any candidates


@pytest.mark.parametrize("text", [GATES, SUMS], ids=["set-totals", "kept-sums"])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_both_back_ends_agree_on_any_candidates(text: str, data: st.DataObject) -> None:
    rubric = pr.loads(text, "gaps.rubric")
    values = data.draw(st.lists(candidate_inputs(rubric.input_specs), min_size=1, max_size=8))
    assert assert_alike(rubric, values) == len(values)
