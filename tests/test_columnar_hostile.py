"""Hostile and odd CSV input: a batch scored a column at a time writes the very bytes the row-by-row path writes.

The column lane (`batch.columns`) reads a row only when it reads it exactly as the row-by-row path does,
and leaves every other row to that path. Each test here writes a CSV file that probes one of the lane's
reading rules (numbers, words, sets, panels, the file's shape, ids, stages) and scores it both ways,
comparing the output bytes of the CSV and table forms. Every comparison also checks that the lane scored
some rows itself, so that it is never the row-by-row path compared with itself. The disagreements these
probes found (a long number wrapped past 64 bits, a NUL inside a number) are kept, each with its input, at the end.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.batch.run import score_file
from paritrana_rules.errors import InputError

lane_module = pytest.importorskip("paritrana_rules.batch.columns")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402  (the benchmarks' generator of realistic candidates)

KABKOTA = "rubrics/2024/kabupaten-kota.rubric"  # ranked within provinces, stages, counts, sets, one-of
DESA = "rubrics/2024/pemerintah-desa.rubric"  # a text input, numbers with decimals
DESA_2025 = "rubrics/2025/pemerintah-desa.rubric"  # a jury panel
RUBRICS = (KABKOTA, DESA, DESA_2025)
FORMS = ("csv", "table")


@functools.cache
def bundled(relative: str) -> pr.CompiledRubric:
    return pr.load(ROOT / relative)


@functools.cache
def synthetic(relative: str, count: int, seed: int) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A header and `count` valid, complete rows of realistic candidates for the rubric (every stage's data)."""
    specs = bundled(relative).input_specs
    header = ("id", "name", *(s.name for s in specs))
    rows = tuple((row.id, row.name, *(synth.cell(row.values[s.name]) for s in specs))
                 for row in synth.generate(specs, count, seed, prefix="k"))
    return header, rows


def csv_bytes(header: list[str] | tuple[str, ...], rows: list[list[str]], *, end: str = "\n", bom: bool = False
              ) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=end).writerows([list(header), *rows])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


@contextlib.contextmanager
def lane_counted() -> Iterator[list[int]]:
    """Counts the rows the column lane scores itself (in this process), chunk by chunk."""
    counts: list[int] = []
    original = lane_module.ColumnLane.rows

    def rows(self: Any, chunk: Any) -> Any:
        made = original(self, chunk)
        counts.append(sum(m is not None for m in made))
        return made

    with mock.patch.object(lane_module.ColumnLane, "rows", rows):
        yield counts


def scored(relative: str, path: Path, form: str, *, columns: bool, **options: Any) -> tuple[bytes, tuple[int, int]]:
    out = io.BytesIO()
    report = score_file(bundled(relative), path, out, form=form, columns=columns, **options)
    return out.getvalue(), (report.rows, report.rejected)


def assert_alike(relative: str, path: Path, *, forms: tuple[str, ...] = FORMS, lane: bool = True,
                 **options: Any) -> int:
    """Score `path` both ways in each form: the same bytes and counts. Returns the rows the lane scored itself;
    with `lane`, at least one must be (else the lane was not tested)."""
    kept = 0
    for form in forms:
        with lane_counted() as counts:
            fast = scored(relative, path, form, columns=True, **options)
        slow = scored(relative, path, form, columns=False, **options)
        assert fast[0].decode("utf-8") == slow[0].decode("utf-8")  # text first: a readable difference
        assert fast == slow
        kept += sum(counts)
    if lane:
        assert kept > 0, "the column lane scored no row: the comparison tested nothing"
    return kept


def mutated(relative: str, column: str, cells: list[str], *, count: int = 6, seed: int = 11) -> list[list[str]]:
    """Valid rows, then one row for each of `cells` written under `column` (other cells from a valid row)."""
    header, rows = synthetic(relative, count, seed)
    at = header.index(column)
    made = [list(row) for row in rows]
    for index, cell in enumerate(cells):
        row = list(rows[index % len(rows)])
        row[0], row[at] = f"h-{index:03d}", cell
        made.append(row)
    return made


# ------------------------------------------------------------------ numbers

# Whole numbers and numbers written oddly; a NUL, which numpy's fixed-width text would drop, included.
WIDE_NUMBERS = [
    " 5", "5 ", "\t5", "5\t", " 5 ", "+5", "-0", "-0.00", "-0.0", "007", "0", "00", "5.", ".5", "-.5", "1.200",
    "1,200", "12,5", "12,5%", "1.234.567", "1e3", "1E3", "5%", "Rp5", "Rp 5.000", "1 000", "1_000", "0x10",
    "NaN", "nan", "inf", "-Infinity", "٣", "٣٣", "５", "１２", "5\u00a0", "\u00a05", "1.2.3", "--5", "5-", "-", ".",
    "", " ", "\t", "-1", "-5", "100", "100.0", "100.001", "101", "1", "01",
    "123456789012345", "999999999999999", "1000000000000000", "1234567890123456", "123456789012345678",
    "1234567890123456789", "12345678901234567890", "123456789012345678901", "00000000000000000001",
    "000000000000000000001", "000000000000005", "0000000000000000005", "12345678901234.567", "99999999999999.999",
    "000000000000000.5", "0000000000000000.5", "5\x00", "5\x003", "\x005", "-\x005", "5.\x005", "\x00",
]
# Many decimal places, at and past the nine the lane takes: beside a long whole number in the same column, the
# column's scale takes that number past 64 bits.
PRECISE_NUMBERS = [
    "0.123456789", "0.1234567890", "0.12345678901", "0.000000001", "-0.000000001", "0.0000000001", "0.000000000",
    "-0.000000000", "1.10000000000", "80.5", "80.50", "80.500000000", "80.5000000000", "99.999999999",
    "99.9999999999", "100.000000000", "100.0000000000", "100.0000001", "100.000000001", "-0.0000001",
    "123456789.123456789", "123456789.1234567891", "999999999.999999999", "0.00000000000000000001",
]


def number_inputs(relative: str) -> list[str]:
    return [s.name for s in bundled(relative).input_specs if s.kind in ("number", "count")]


@pytest.mark.parametrize("relative", RUBRICS)
def test_numbers_written_oddly_score_alike(relative: str, tmp_path: Path) -> None:
    """Spaces, signs, separators, exponents, non-ASCII digits, NULs, 15 to 21 digits, 9 and 10 decimal places, all
    in one column: every number input."""
    header = synthetic(relative, 6, 11)[0]
    for name in number_inputs(relative):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(csv_bytes(header, mutated(relative, name, WIDE_NUMBERS + PRECISE_NUMBERS)))
        assert_alike(relative, path)


@pytest.mark.parametrize("relative", [KABKOTA, DESA])
def test_values_at_and_past_the_bounds_score_alike(relative: str, tmp_path: Path) -> None:
    """`between 0 and 100`, `at least 0`, `at least 1`: exactly at each bound, and the smallest step past it."""
    header = synthetic(relative, 6, 11)[0]
    cells = ["0", "0.0", "-0", "100", "100.0", "100.00000", "100.0000001", "100.000000001", "-0.000000001", "1",
             "0.999999999", "1.000000000", "-1", "-0.1"]
    for name in number_inputs(relative):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(csv_bytes(header, mutated(relative, name, cells)))
        assert_alike(relative, path)


def test_products_past_the_columns_range_score_alike(tmp_path: Path) -> None:
    """Counts of 15 digits whose products and cross-multiplied ratios pass 10^18: the lane must hand them on."""
    header, rows = synthetic(KABKOTA, 6, 5)
    big = "999999999999999"
    fields = {name: header.index(name) for name in header}
    made = [list(row) for row in rows]
    for index, pairs in enumerate([
        {"peserta_pu": big, "potensi_pu": "1"}, {"peserta_pu": big, "potensi_pu": big},
        {"peserta_pu": "1", "potensi_pu": big}, {"peserta_bpu": big, "potensi_bpu": "3"},
        {"peserta_pu": big, "peserta_bpu": big, "peserta_tahun_lalu": "1"},
        {"peserta_pu": big, "peserta_bpu": big, "peserta_tahun_lalu": big},
        {"rentan_dibiayai_apbd": big, "pekerja_rentan": "7"}, {"rentan_dibiayai_apbd": big, "pekerja_rentan": big},
        {"anggaran_iuran_rentan": big}, {"anggaran_iuran_rentan": "99999999999999.9"},
        {"peserta_pu": "0", "potensi_pu": "0", "peserta_bpu": "0", "potensi_bpu": "0", "peserta_tahun_lalu": "0"},
    ]):
        row = list(rows[index % len(rows)])
        row[0] = f"big-{index}"
        for name, cell in pairs.items():
            row[fields[name]] = cell
        made.append(row)
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(header, made))
    assert_alike(KABKOTA, path)
    header, rows = synthetic(DESA, 4, 5)
    made = [list(row) for row in rows]
    for index, (aparat, terdaftar, kerja, dibiayai) in enumerate([
        (big, big, big, big), ("1", big, "1", big), (big, "1", big, "1"), ("3", "1", "7", "1"), ("7", "7", "3", "3"),
    ]):
        row = list(rows[index % len(rows)])
        row[0] = f"big-{index}"
        for name, cell in (("aparat_desa", aparat), ("aparat_terdaftar", terdaftar), ("angkatan_kerja", kerja),
                           ("rentan_dibiayai", dibiayai)):
            row[header.index(name)] = cell
        made.append(row)
    path.write_bytes(csv_bytes(header, made))
    assert_alike(DESA, path)


# ------------------------------------------------------------------ words: yes/no, members, sets, text, panels

YES_NO = ["yes", "no", "YES", "No", "Ya", "YA", "ya", "Tidak", "TIDAK", "tidak", "true", "True", "FALSE", " yes ",
          "\tno", "y", "n", "1", "0", "ada", "sudah", "ya tidak", "yes;no", "", " "]
MEMBERS = ["Jawa Timur", "JAWA-TIMUR", "JAWA TIMUR", "jatim", "JATIM", " Jatim ", " jawa timur ", "jawa_timur",
           "Jawa_Timur", "jawa  timur", "East Java", "east java", "NAD", "nad", "DIY", "Daerah Istimewa Yogyakarta",
           "Papua Barat Daya", "pbd", "papua_barat_daya", "DKI", "Jakarta", "dki jakarta", "Jawa Timurr", "Jawa;Timur",
           "kepala_daerah", "Kepala Daerah", "KEPALA DAERAH", "kepala-daerah", "Bupati/Wali Kota", "Regent/Mayor",
           "sekda", "Sekretaris Daerah", "kepala_desa", "Kepala desa", "Sekretaris Desa", "tidak_hadir",
           "Tidak hadir", "=kepala_daerah", "", " ", "x"]
SETS = ["perda;perkada", "perda,perkada", "perda, perkada", "perda;perda", "perda;Perda", "perda; ;perkada;", "[]",
        " [] ", "[perda]", "PERDA", "Perda ; Perkada", "Peraturan Daerah (Perda)", ";", ";;", " ", "",
        "perdes;perkades;pos_apbdes", "Perdes;PERKADES", "perkades,pos_apbdes", "dana_desa;add", "add, dana_desa",
        "dana_desa;dana_desa", "Dana Desa (DD);ADD", "kuota_per_dusun;seluruh_warga;kemitraan_bumdes;agen_desa;"
        "sosialisasi_rutin", "program_rentan_khusus;kuota_per_desa;perizinan_terintegrasi;data_nik_terpadu;"
        "kemitraan_csr", "kemitraan_csr;kemitraan_csr", "x;" * 101, "perda;x"]
TEXTS = ["Kabupaten Jember", "  Kota Batu  ", "KOTA BATU", "=HYPERLINK(\"http://x\")", "+62 812", "@x", "-",
         "Kab. \"Quoted\", with a comma", "two\nlines", "two\r\nlines", "x" * 10_000, "x" * 10_001, "", " ", "\t"]
PANELS = ["ketua=80;sekretaris=75;apindo=90", "ketua=80;sekretaris=75;apindo=91", "ketua=80;sekretaris=75",
          "ketua=80;sekretaris=75;apindo=90;spsi=70", "ketua=80;sekretaris=75;apindo=90;spsi=71;kadin=60",
          "ketua=80.123456789;sekretaris=75;apindo=90", "ketua=80.1234567891;sekretaris=75.5;apindo=90.25;spsi=1",
          "ketua=100;sekretaris=100;apindo=100", "ketua=100.0000001;sekretaris=1;apindo=2",
          "ketua=-0;sekretaris=0;apindo=0", "ketua=-0.00;sekretaris=0.0;apindo=0", " ketua = 80 ; sekretaris=75;apindo=90;",
          "ketua=80;sekretaris=75 conflict;apindo=90;spsi=60", "ketua=80;sekretaris=75 CONFLICT;apindo=90",
          "ketua=80;ketua=75;apindo=90", "ketua:80;sekretaris=75;apindo=90", "ketua=80,5;sekretaris=75;apindo=90",
          "ketua=;sekretaris=75;apindo=90", "80;75;90", "ketua=1e2;sekretaris=75;apindo=90",
          "ketua=５;sekretaris=75;apindo=90", "ketua=007;sekretaris=+75;apindo= 90", "ketua=999999999999999;b=1;c=2",
          "ketua=33.333333333;sekretaris=33.333333334;apindo=33.333333333;spsi=1;kadin=99", "", " ", ";"]


def word_cells(kind: str) -> list[str]:
    return {"bool": YES_NO, "one_of": MEMBERS, "set_of": SETS, "text": TEXTS, "panel": PANELS}[kind]


@pytest.mark.parametrize("relative", RUBRICS)
def test_words_written_oddly_score_alike(relative: str, tmp_path: Path) -> None:
    """Yes/no spellings, members in odd case and spacing or by alias, sets with either separator and repeats,
    texts with quotes and line breaks, jury panels of every size: every input that is not a number."""
    header = synthetic(relative, 6, 11)[0]
    for spec in bundled(relative).input_specs:
        if spec.kind in ("number", "count"):
            continue
        path = tmp_path / f"{spec.name}.csv"
        path.write_bytes(csv_bytes(header, mutated(relative, spec.name, word_cells(spec.kind))))
        assert_alike(relative, path)


# ------------------------------------------------------------------ the file's shape


Rows = list[list[str]]


def _columns_kept(header: list[str], rows: Rows, left_out: set[str]) -> tuple[list[str], Rows]:
    keep = [index for index, name in enumerate(header) if name not in left_out]
    return [header[i] for i in keep], [[row[i] for i in keep if i < len(row)] for row in rows]


def _reordered(header: list[str], rows: Rows) -> tuple[list[str], Rows]:
    order = [*reversed(range(len(header)))]
    return [header[i] for i in order], [[row[i] for i in order] for row in rows]


# Each oddity of a file's shape: how it changes the header and the rows.
SHAPES: dict[str, Callable[[list[str], Rows], tuple[list[str], Rows]]] = {
    "as written": lambda header, rows: (header, rows),
    "short rows": lambda header, rows: (header, [row[: len(row) - index % 5] for index, row in enumerate(rows)]),
    "extra blank cells": lambda header, rows: (header, [[*row, *[""] * (index % 3)] for index, row in enumerate(rows)]),
    "extra filled cells": lambda header, rows: (header, [[*row, "x"] if index % 2 else row
                                                         for index, row in enumerate(rows)]),
    "unknown column": lambda header, rows: ([*header, "catatan"], [[*row, "note" if index % 2 else ""]
                                                                    for index, row in enumerate(rows)]),
    "unnamed column": lambda header, rows: ([*header, ""], [[*row, "x" if index % 2 else ""]
                                                             for index, row in enumerate(rows)]),
    "expect column": lambda header, rows: ([*header, "expect"], [[*row, ""] for row in rows]),
    "reordered columns": _reordered,
    "spaces around header names": lambda header, rows: ([f"  {name}\t" for name in header], rows),
    "no name column": lambda header, rows: _columns_kept(header, rows, {"name"}),
    "optional columns missing": lambda header, rows: _columns_kept(
        header, rows, {"tunggakan_iuran_pemda", "tunggakan_iuran", "inovasi", "inovasi_desa"}),
    "required column missing": lambda header, rows: _columns_kept(header, rows, {"nilai_pemahaman"}),
    "blank and whitespace rows": lambda header, rows: (header, [r for row in rows for r in (
        row, [""] * len(header), [" "] * len(header), ["", "\t"])]),
    "whitespace in empty cells": lambda header, rows: (header, [[cell or " \t " for cell in row] for row in rows]),
    "quoted cells": lambda header, rows: (header, [[row[0], f'{row[1]}, "quoted"\nand, on two lines', *row[2:]]
                                                   for row in rows]),
    "a row past the row limit": lambda header, rows: (header, [*rows[:3], [rows[3][0], "n" * 100_001, *rows[3][2:]],
                                                               *rows[4:]]),
    "only a header": lambda header, rows: (header, []),
}
WRITTEN = {"": {}, "bom, crlf": {"end": "\r\n", "bom": True}, "cr": {"end": "\r"}}  # line ends and byte-order mark
WITHOUT_LANE = {"unknown column", "unnamed column", "expect column", "only a header"}  # every row goes row by row


@pytest.mark.parametrize("relative", RUBRICS)
@pytest.mark.parametrize("shape", SHAPES)
def test_odd_file_shapes_score_alike(relative: str, shape: str, tmp_path: Path) -> None:
    """Short rows, extra cells, unknown, unnamed, missing or reordered columns, blank rows, quoted line breaks, a
    row too long to read; with a byte-order mark and CRLF line ends too."""
    header, rows = synthetic(relative, 12, 21)
    shaped = SHAPES[shape](list(header), [list(row) for row in rows])
    for written, options in WRITTEN.items():
        if written and shape not in ("as written", "quoted cells", "short rows"):
            continue  # line ends and the mark are the reader's: three shapes show them
        path = tmp_path / "shaped.csv"
        path.write_bytes(csv_bytes(*shaped, **options))
        assert_alike(relative, path, lane=shape not in WITHOUT_LANE)


@pytest.mark.parametrize(("change", "message"), [
    (lambda header: [*header, "provinsi"], "appears more than once"),
    (lambda header: ["kode", *header[1:]], "no 'id' column"),
    (lambda header: [";".join(header)], "no 'id' column"),
])
def test_a_header_the_file_cannot_be_read_by_fails_alike(change: Callable[[list[str]], list[str]], message: str,
                                                         tmp_path: Path) -> None:
    """A column named twice or no id column is the file's problem: both paths refuse the file with one message."""
    header, rows = synthetic(KABKOTA, 3, 1)
    path = tmp_path / "bad-header.csv"
    path.write_bytes(csv_bytes(change(list(header)), [list(row) for row in rows]))
    refusals = []
    for lane in (True, False):
        with pytest.raises(InputError) as refused:
            scored(KABKOTA, path, "csv", columns=lane)
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1]
    assert message in refusals[0]


# ------------------------------------------------------------------ ids and names

IDS = ["  spaced  ", "\tx", "=1+1", "+1", "-1", "-x", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")", "-5.5", "+", "=",
       "a,b", 'quote"d', "line\nbreak", "i" * 100, "i" * 101, "", " ", "ｉｄ", "٣"]
NAMES = ["  Kabupaten Sintetis  ", "=cmd|' /C calc'!A0", "+Name", "-Name", "@Name", "n" * 300, "n" * 301, "", " ",
         "Name, with comma", 'Name "quoted"', "two\nlines", "\tTabbed", "-", "-1.5"]


@pytest.mark.parametrize("relative", [KABKOTA, DESA])
@pytest.mark.parametrize("options", [{}, {"raw_csv": True}, {"lang": "id"}, {"lang": "id", "raw_csv": True}],
                         ids=["en", "en-raw", "id", "id-raw"])
def test_odd_ids_and_names_score_alike(relative: str, options: dict[str, Any], tmp_path: Path) -> None:
    """Ids and names with spaces around, at and past their limits, starting like formulas (escaped unless
    `--csv-raw`), repeated (the later ones rejected, naming the first)."""
    header, rows = synthetic(relative, len(IDS) + len(NAMES), 31)
    made = [list(row) for row in rows]
    for index, candidate_id in enumerate(IDS):
        made[index][0] = candidate_id
    for index, name in enumerate(NAMES, len(IDS)):
        made[index][1] = name
    made += [[made[i][0].strip() or "again", *made[-i - 1][1:]] for i in range(1, 4)]  # repeated ids
    made += [["-1", *made[5][1:]], ["spaced", *made[6][1:]]]  # repeats written differently
    path = tmp_path / "ids.csv"
    path.write_bytes(csv_bytes(header, made))
    assert_alike(relative, path, **options)


# ------------------------------------------------------------------ stages


def staged_rows(relative: str) -> tuple[tuple[str, ...], list[list[str]]]:
    """Candidates at every stage: complete; every later input blank (pending); one of them blank; later data given
    while an earlier stage's is not; stopped by a gate; and twins that tie on the total."""
    rubric = bundled(relative)
    header, rows = synthetic(relative, 14, 41)
    made = [list(row) for row in rows]
    by_stage = rubric.arriving
    later = [header.index(name) for names in by_stage[1:] for name in names]
    last = [header.index(name) for name in by_stage[-1]]
    for index, row in enumerate(made):
        if index % 7 == 1:  # all later data blank: pending at the first stage
            for at in later:
                row[at] = ""
        elif index % 7 == 2:  # the last stage's data blank: pending at the one before
            for at in last:
                row[at] = ""
        elif index % 7 == 3:  # one input of the last stage blank, the other given
            row[last[0]] = " "
        elif index % 7 == 4:  # the last stage's data given, one input of the middle stage blank
            row[header.index(by_stage[1][0])] = ""
        elif index % 7 == 5:  # the last stage's data written badly while the middle stage's is blank
            row[header.index(by_stage[1][-1])] = ""
            for at in last:
                row[at] = "??"
    twins = [[f"twin-{i}-{j}", *made[i][1:]] for i in range(6) for j in range(2)]
    return header, made + twins


@pytest.mark.parametrize("relative", RUBRICS)
@pytest.mark.parametrize("lang", ["en", "id"])
def test_staged_data_scores_alike_at_the_stage_reached_and_at_each_stage_asked(relative: str, lang: str,
                                                                               tmp_path: Path) -> None:
    """The lane finds each row's stage from its blank cells as the row-by-row path does, in both languages."""
    header, rows = staged_rows(relative)
    path = tmp_path / "staged.csv"
    path.write_bytes(csv_bytes(header, rows))
    assert_alike(relative, path, lang=lang)
    for stage in bundled(relative).stage_names:
        assert_alike(relative, path, forms=("csv",), lang=lang, stage=stage)


def test_candidates_stopped_or_penalised_to_nothing_score_alike(tmp_path: Path) -> None:
    """Documents incomplete, every count zero, arrears: disqualified, capped and penalised rows, and their reasons."""
    header, rows = synthetic(KABKOTA, 4, 2)
    names = list(header)
    zero = {n: "0" for n in names if n not in ("id", "name", "provinsi", "berkas_lengkap", "hadir_wawancara")}
    variants = [{"berkas_lengkap": "no"}, {**zero, "produk_hukum": "", "inovasi": "", "tunggakan_iuran_pemda": "ya",
                                            "hadir_wawancara": "tidak_hadir", "perda_perizinan_bpjs": "no",
                                            "integrasi_nspk": "no"},
                {"produk_hukum": "instruksi", "perda_perizinan_bpjs": "yes", "tunggakan_iuran_pemda": "yes"},
                {"berkas_lengkap": "tidak", "nilai_pemahaman": "", "hadir_wawancara": ""}]
    made = [list(row) for row in rows]
    for index, change in enumerate(variants):
        row = list(rows[index % len(rows)])
        row[0] = f"v-{index}"
        for name, cell in change.items():
            row[names.index(name)] = cell
        made.append(row)
    path = tmp_path / "stopped.csv"
    path.write_bytes(csv_bytes(header, made))
    for lang in ("en", "id"):
        assert_alike(KABKOTA, path, lang=lang)


# ------------------------------------------------------------------ worker processes


def test_hostile_rows_across_worker_processes_score_alike(tmp_path: Path) -> None:
    """Two worker processes, each sent a chunk with hostile rows, write what one process writes row by row."""
    header, rows = synthetic(KABKOTA, 5_100, 51)
    hostile = mutated(KABKOTA, "anggaran_iuran_rentan", WIDE_NUMBERS[:30], count=6, seed=11)[6:]
    hostile += mutated(KABKOTA, "provinsi", MEMBERS[:20], count=6, seed=11)[6:]
    hostile = [[f"w{index}-{row[0]}", *row[1:]] for index, row in enumerate(hostile)]
    path = tmp_path / "workers.csv"
    path.write_bytes(csv_bytes(header, [*hostile, *(list(row) for row in rows), *hostile[::-1]]))
    fast = scored(KABKOTA, path, "csv", columns=True, jobs=2)
    assert fast == scored(KABKOTA, path, "csv", columns=False)


# ------------------------------------------------------------------ generated mutations

# Cell text the mutations draw from: pieces of numbers, words, separators, spaces and NULs.
_PIECES = st.text(alphabet="0123456789.-+ ,;%eE\t\x00\u00a0٣５yesnoYATidak_jatimperdakepala=", max_size=12)
_CELLS = st.sampled_from(WIDE_NUMBERS + PRECISE_NUMBERS[:8] + YES_NO + MEMBERS + SETS[:-2] + PANELS) | _PIECES


@settings(max_examples=60, deadline=None)
@given(relative=st.sampled_from(RUBRICS), seed=st.integers(0, 1_000),
       edits=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 40), _CELLS), min_size=1, max_size=10),
       lang=st.sampled_from(["en", "id"]), raw_csv=st.booleans())
def test_valid_rows_with_cells_mutated_score_alike(relative: str, seed: int, edits: list[tuple[int, int, str]],
                                                   lang: str, raw_csv: bool) -> None:
    """Realistic rows with any few cells rewritten (ids and names included): the same bytes either way. The last
    two rows are left as they are, so that the lane always has rows to score."""
    header, rows = synthetic(relative, 10, seed)
    made = [list(row) for row in rows]
    for row, column, cell in edits:
        made[row][column % len(header)] = cell
    with tmp_directory() as directory:
        path = directory / "mutated.csv"
        path.write_bytes(csv_bytes(header, made))
        assert_alike(relative, path, lang=lang, raw_csv=raw_csv)


@contextlib.contextmanager
def tmp_directory() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


# ------------------------------------------------------------------ disagreements found, kept as regressions


@pytest.mark.parametrize(("relative", "name", "long", "precise"), [
    (DESA, "nilai_pemahaman", "18446744164", "0.000000001"),  # wrapped, it would read as 90.290448384: in bounds
    (KABKOTA, "anggaran_iuran_rentan", "18446744074", "0.000000001"),  # as 0.290448384: another band and rank
    (KABKOTA, "anggaran_iuran_rentan", "184467440737096", "0.00001"),  # at five places: 0.48384
])
def test_a_long_number_beside_many_decimal_places_is_not_wrapped(relative: str, name: str, long: str, precise: str,
                                                                 tmp_path: Path) -> None:
    """At the column's scale (the places of its most precise cell), a long whole number passes 64 bits: the lane
    must leave it to the row-by-row path, never read the value it wraps around to."""
    header, rows = synthetic(relative, 1, 3)
    at = header.index(name)
    made = [[f"n{index}", *rows[0][1:at], cell, *rows[0][at + 1:]] for index, cell in enumerate([long, precise])]
    path = tmp_path / "wrapped.csv"
    path.write_bytes(csv_bytes(header, made))
    assert assert_alike(relative, path, forms=("csv",)) == 1  # the precise row; the long one is left


@pytest.mark.parametrize(("name", "cell"), [("nilai_pemahaman", "5\x003"), ("nilai_pemahaman", "5.\x005"),
                                            ("aparat_desa", "2\x00")])
def test_a_nul_inside_a_number_is_left_to_the_row_by_row_path(name: str, cell: str, tmp_path: Path) -> None:
    """numpy's fixed-width text ends at a NUL, so '5\\x003' would read as 53 and '2\\x00' as 2; the data layer
    refuses both as not a number, and so must the lane."""
    header, rows = synthetic(DESA, 2, 3)
    at = header.index(name)
    path = tmp_path / "nul.csv"
    path.write_bytes(csv_bytes(header, [[*rows[0][:at], cell, *rows[0][at + 1:]], list(rows[1])]))
    assert assert_alike(DESA, path, forms=("csv",)) == 1  # the plain row; the one with a NUL is left
