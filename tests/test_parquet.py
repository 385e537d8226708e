"""Parquet candidate files: read like the CSV file of the same table, to the same output byte for byte."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.batch.run import score_file
from paritrana_rules.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pa_csv = pytest.importorskip("pyarrow.csv")

ROOT = Path(__file__).resolve().parents[1]
KABKOTA = ROOT / "rubrics/2024/kabupaten-kota.rubric"
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402  (the benchmarks' generator of realistic candidates)


def scored(data: Path, **options: object) -> bytes:
    out = io.BytesIO()
    score_file(pr.load(KABKOTA), data, out, form="csv", **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_a_typed_parquet_file_scores_like_its_csv(tmp_path: Path) -> None:
    """Numbers stored as int64 and double, yes/no as booleans, blanks as nulls: the same cells, the same output."""
    csv_path = tmp_path / "c.csv"
    synth.write(KABKOTA, csv_path, 700, seed=11)
    table = pa_csv.read_csv(csv_path, convert_options=pa_csv.ConvertOptions(
        column_types={"id": pa.string()}, true_values=["yes"], false_values=["no"], strings_can_be_null=True))
    assert {str(t) for t in table.schema.types} >= {"int64", "double", "bool", "string"}
    pq.write_table(table, tmp_path / "c.parquet", row_group_size=250)  # several row groups, read in batches
    assert scored(tmp_path / "c.parquet") == scored(csv_path)


def test_text_columns_with_mistakes_score_like_their_csv(tmp_path: Path) -> None:
    """Every column as text, some rows with a planted mistake ("1.700", "12,5%", "ada"): the same rejections."""
    csv_path = tmp_path / "c.csv"
    synth.write(KABKOTA, csv_path, 700, seed=12, bad_share=0.1)
    names = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    table = pa_csv.read_csv(csv_path, convert_options=pa_csv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False))
    pq.write_table(table, tmp_path / "c.parquet")
    assert scored(tmp_path / "c.parquet") == scored(csv_path)


def test_wholly_empty_rows_are_no_candidates_and_rows_are_numbered_as_in_csv(tmp_path: Path) -> None:
    table = pa.table({"id": ["a", None, "b"], "peserta_pu": [1, None, None]})
    pq.write_table(table, tmp_path / "e.parquet")
    rows = scored(tmp_path / "e.parquet", columns=False).decode().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["a", "b"]
    assert "e.parquet, row 4" not in rows[1] and "rejected" in rows[2]  # b lacks every input it needs


def test_a_file_that_is_not_parquet_is_refused_with_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "not.parquet"
    bad.write_bytes(b"id,peserta_pu\na,1\n")
    assert main(["score", str(KABKOTA), str(bad)]) == 1  # a problem with the data, as for any unreadable file
    err = capsys.readouterr().err
    assert "not a readable Parquet file" in err and "to_parquet" in err and "Traceback" not in err


def test_parquet_is_not_read_from_standard_input(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"PAR1")))
    assert main(["score", str(KABKOTA), "-", "--data-format", "parquet"]) == 1
    assert "cannot be read from standard input" in capsys.readouterr().err
