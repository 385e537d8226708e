"""A CSV file read in parts by the workers against the same file read whole: the same rows, row for row.

Parts are cut where the count of quotes is even, which is wrong for a file with
a quote inside an unquoted field; each part's reader must notice, and the rest
of the file is then read as a stream. Either way the rows, their origins, the
repeated ids and the file's errors must be exactly those of a whole reading. The tests
parametrized by file name take a JSON Lines file too (its other tests: `test_json_lines_parts.py`).
"""

from __future__ import annotations

import functools
import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.batch.parts import score_parts
from paritrana_rules.batch.rows import Options, Scorer, score_rows
from paritrana_rules.data import iter_rows, with_first_origins
from paritrana_rules.data.parts import file_parts, read_part
from paritrana_rules.errors import InputError

pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "rubrics/2024/kabupaten-kota.rubric"
HEADER = ("id,name,provinsi,berkas_lengkap,produk_hukum,perda_perizinan_bpjs,integrasi_nspk,peserta_pu,potensi_pu,"
          "peserta_bpu,potensi_bpu,peserta_tahun_lalu,pekerja_rentan,rentan_dibiayai_apbd,anggaran_iuran_rentan,"
          "inovasi,hadir_wawancara,nilai_pemahaman,tunggakan_iuran_pemda")
ROW = "{id},{name},jawa_timur,yes,perda;perkada,yes,yes,{pu},30000,5000,40000,25000,17000,6000,1300.5,,sekda,{u},no"
LINE = ('{{"id":"{id}","name":"{name}","provinsi":"jawa_timur","berkas_lengkap":true,"produk_hukum":["perda"],'
        '"peserta_pu":{pu},"potensi_pu":30000,"peserta_bpu":5000,"potensi_bpu":40000,"peserta_tahun_lalu":25000,'
        '"pekerja_rentan":17000,"rentan_dibiayai_apbd":6000,"anggaran_iuran_rentan":1300.5,"inovasi":[],'
        '"hadir_wawancara":"sekda","nilai_pemahaman":{u},"tunggakan_iuran_pemda":false}}')  # the same, as JSON Lines


@functools.cache
def scorer(line: str = "csv-around") -> Scorer:
    return Scorer(pr.load(RUBRIC), Options(detail=False, line=line))


def whole(path: Path, line: str = "csv-around") -> list[object] | str:
    """The rows as a whole reading scores them, or the message of the error that stops it."""
    try:
        return [row for chunk in score_rows(scorer(line), with_first_origins(iter_rows(path)), jobs=1) for row in chunk.rows()]
    except InputError as error:
        return str(error)


def in_parts(path: Path, size: int, line: str = "csv-around") -> list[object] | str:
    """The rows as the workers' parts of the file (CSV or JSON Lines, by its name) score them, or the error."""
    try:
        return [row for chunk in score_parts(scorer(line), path, str(path), path.suffix[1:], size=size, jobs=1)
                for row in chunk.rows()]
    except InputError as error:
        return str(error)


def row(number: int, *, name: str = "Kab. Contoh", pu: str = "24000", understanding: str = "80.5",
        identity: str | None = None, written: str = ROW) -> str:
    return written.format(id=identity or f"kab-{number:04d}", name=name, pu=pu, u=understanding)


def line(number: int, **fields: str) -> str:
    """A JSON Lines record of the candidate `row` writes."""
    return row(number, **fields, written=LINE)


def write(path: Path, rows: list[str], ending: str = "\n", prefix: str = "") -> Path:
    """Rows as a CSV file (with its header), or records as a JSON Lines file, by the file's name."""
    path.write_bytes((prefix + ending.join([HEADER, *rows] if path.suffix == ".csv" else rows) + ending)
                     .encode("utf-8"))
    return path


def sample(path: Path, count: int) -> list[str]:
    """`count` rows or records of the file's kind."""
    return [(row if path.suffix == ".csv" else line)(number) for number in range(count)]


def test_parts_cover_the_file_and_each_ends_where_a_row_ends(tmp_path: Path) -> None:
    data = write(tmp_path / "c.csv", [row(n) for n in range(300)])
    parts = list(file_parts(data, str(data), "csv", 2_000))
    assert len(parts) > 10
    assert parts[0].start == len(HEADER) + 1 and parts[-1].end == data.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    assert all(read_part(part).clean for part in parts)
    assert [r for part in parts for r in read_part(part).rows] == list(iter_rows(data))


@pytest.mark.parametrize("size", [64, 300, 5_000, 1 << 20])
def test_quoted_fields_across_lines_and_repeated_ids_across_parts(tmp_path: Path, size: int) -> None:
    rows = [row(n, name='"Kab. ""Baru"",\nJawa Timur"' if n % 7 == 0 else "Kab. Biasa") for n in range(120)]
    rows[90] = row(90, identity="kab-0003")  # used by an earlier part: rejected, naming where it was first used
    rows[91] = row(91, identity="kab-0003")
    rows[40] = row(40, pu="1.234")  # a data mistake: rejected by the row-by-row path
    data = write(tmp_path / "c.csv", rows)
    assert in_parts(data, size) == whole(data)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_other_line_endings_and_a_byte_order_mark(tmp_path: Path, ending: str) -> None:
    rows = [row(n, name='"two\nlines"' if n == 5 else "x") for n in range(60)]
    data = write(tmp_path / "c.csv", rows, ending=ending, prefix="\ufeff")
    assert in_parts(data, 200) == whole(data)


def test_a_quote_inside_an_unquoted_field_falls_back_to_one_stream(tmp_path: Path) -> None:
    """`Kab. 5"` holds a quote the csv reader takes as a letter: the quote count is odd from there on, so the
    next cut falls inside a quoted field that spans two lines; that part's reader says so and the rest is read
    whole."""
    rows = [row(n, name='Kab. 5" Timur' if n == 10 else '"Kab.\nBaru"' if n % 3 == 0 else "Kab.") for n in range(200)]
    data = write(tmp_path / "c.csv", rows)
    parts = list(file_parts(data, str(data), "csv", 500))
    assert not all(read_part(part).clean for part in parts)
    assert in_parts(data, 500) == whole(data)


@pytest.mark.parametrize("name", ["c.csv", "c.jsonl"])
def test_an_error_of_the_file_is_the_same(tmp_path: Path, name: str) -> None:
    data = write(tmp_path / name, sample(tmp_path / name, 100))
    raw = data.read_bytes()
    data.write_bytes(raw[:-300] + b"\xff" + raw[-300:])  # not UTF-8, in the last part
    expected = whole(data)
    assert isinstance(expected, str) and "not UTF-8" in expected
    assert in_parts(data, 400) == expected


@pytest.mark.parametrize("name", ["c.csv", "c.jsonl"])
def test_a_row_past_the_longest_and_no_final_line_ending(tmp_path: Path, name: str) -> None:
    data = tmp_path / name
    rows = sample(data, 50)
    rows[20] = (row if name.endswith(".csv") else line)(20, name="x" * 120_000)
    write(data, rows)
    data.write_bytes(data.read_bytes()[:-1])  # no line ending after the last row
    assert in_parts(data, 1_000) == whole(data)


def test_a_file_with_only_a_header(tmp_path: Path) -> None:
    data = write(tmp_path / "c.csv", [])
    assert in_parts(data, 100) == whole(data) == []


PIECES = st.sampled_from(["kab-1", "kab-2", "kab-3", "x", '"', '""', ",", "\n", "\r\n", "\r", " ", "5", "1.5",
                          "jawa_timur", "yes", "é", ";"])


@settings(max_examples=150, deadline=None)
@given(body=st.lists(PIECES, max_size=120), size=st.integers(min_value=1, max_value=80))
def test_any_text_reads_the_same_in_parts(tmp_path_factory: pytest.TempPathFactory, body: list[str],
                                          size: int) -> None:
    """Whatever the quotes, line endings and repeated ids, parts give the rows (or the error) of a whole reading."""
    data = tmp_path_factory.mktemp("parts") / "c.csv"
    data.write_text(HEADER + "\n" + "".join(body), encoding="utf-8", newline="")
    assert in_parts(data, size, "csv") == whole(data, "csv")


def test_the_command_gives_the_same_bytes_with_workers_reading_parts(tmp_path: Path) -> None:
    rows = [row(n, name='Kab. 5" Timur' if n == 3000 else f'"Kab. {n}, Jatim"', understanding=str(n % 101))
            for n in range(6_000)]
    rows[5_500] = row(5_500, identity="kab-0007")
    data = write(tmp_path / "c.csv", rows)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}.csv"
        subprocess.run([sys.executable, "-m", "paritrana_rules", "score", str(RUBRIC), str(data), "--format", "csv",
                        "--output", str(out), "--jobs", jobs], capture_output=True, check=False)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == 6_001


def test_a_file_cut_short_while_it_is_read_is_an_error_not_fewer_rows(tmp_path: Path) -> None:
    data = write(tmp_path / "c.csv", [row(n) for n in range(100)])
    parts = list(file_parts(data, str(data), "csv", 1_000))
    data.write_bytes(data.read_bytes()[: parts[-1].start + 10])
    with pytest.raises(InputError, match="the file changed while it was read"):
        read_part(parts[-1])


def test_a_crlf_just_past_the_longest_row_is_one_line_ending(tmp_path: Path) -> None:
    """A row whose CR is the last character a read takes: its LF still ends that row, so the rows after it keep
    their numbers, read whole or in parts."""
    rows = [row(n) for n in range(2_000)]
    rows[1] = row(1, name="x" * (100_000 - len(row(1, name=""))))
    rows.append(row(2_000, identity=" "))  # a last row with no id: rejected, under its number
    data = write(tmp_path / "c.csv", rows, ending="\r\n")
    read = whole(data)
    assert not isinstance(read, str) and f"row {len(rows) + 1}," in str(read[-1])
    assert in_parts(data, 50_000) == read
