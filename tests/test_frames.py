"""Scoring DataFrames: pandas in one process and Dask on a cluster give the CLI's CSV, cell for cell."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import paritrana_rules as pr  # noqa: E402
from paritrana_rules.cli import main  # noqa: E402
from paritrana_rules.batch.cells import spreadsheet_text  # noqa: E402
from paritrana_rules.batch.frames import entries_of, score_dask, score_frame, score_part  # noqa: E402
from paritrana_rules.rank.ranking import Rules, place  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KABKOTA = str(ROOT / "rubrics/2024/kabupaten-kota.rubric")
KABKOTA_DATA = ROOT / "examples/2024/kabupaten-kota.yaml"
DESA = str(ROOT / "rubrics/2024/pemerintah-desa.rubric")
DESA_CSV = ROOT / "examples/2024/pemerintah-desa.csv"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker processes: the rubric and the work really cross process boundaries (started once: it costs seconds)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local, \
            distributed.Client(local) as client:
        yield client


def cli_csv(rubric: str, data: Path, tmp_path: Path) -> list[list[str]]:
    """What `paritrana-rules score --format csv` writes for the file."""
    out = tmp_path / "cli.csv"
    main(["score", rubric, str(data), "--format", "csv", "--output", str(out)])
    with out.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def cells(frame: Any) -> list[list[str]]:
    """The frame's header and rows as CSV text: typed numbers and booleans written as the CSV writes them."""
    return [list(frame.columns), *([text(value) for value in row] for row in frame.values.tolist())]


def text(value: object) -> str:
    if isinstance(value, Decimal):
        return spreadsheet_text(str(value))
    if isinstance(value, bool):
        return "yes" if value else ""
    return "" if value is None or value is pd.NA else str(value)


def kabkota_frame() -> Any:
    """The example candidates as a frame a user would build: typed cells, lists as 'a;b', gaps as NaN."""
    records = yaml.safe_load(KABKOTA_DATA.read_text(encoding="utf-8"))["candidates"]
    return pd.DataFrame([{key: ";".join(value) if isinstance(value, list) else value
                          for key, value in record.items() if key != "expect"} for record in records])


def troubled_csv(tmp_path: Path) -> Path:
    """The village file with bad cells, a repeated id and a row without one."""
    header, tamansari, tulungrejo, tanjung_aru, ngadi = DESA_CSV.read_text(encoding="utf-8").splitlines()
    bad = tulungrejo.replace(",26,26,", ",dua puluh,26,").replace("kepala_desa", "lurah")
    path = tmp_path / "troubled.csv"
    path.write_text("\n".join([header, tamansari, bad, tanjung_aru, tamansari, "," + ngadi.partition(",")[2], ngadi])
                    + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ one process


def test_kabupaten_kota_frame_matches_the_cli(tmp_path: Path) -> None:
    frame = kabkota_frame()
    assert frame["anggaran_iuran_rentan"].dtype == "float64" and frame["berkas_lengkap"].dtype == bool
    assert cells(score_frame(pr.load(KABKOTA), frame)) == cli_csv(KABKOTA, KABKOTA_DATA, tmp_path)


def test_village_frame_matches_the_cli_with_ranks(tmp_path: Path) -> None:
    scored = score_frame(pr.load(DESA), pd.read_csv(DESA_CSV))
    assert cells(scored) == cli_csv(DESA, DESA_CSV, tmp_path)
    assert scored["rank"].tolist()[:2] == ["1 in East Java", "2 in East Java"]
    assert scored["nominated"].tolist() == [True, False, True, True]


def test_numbers_are_exact_decimals_and_as_text_gives_the_csv_cells(tmp_path: Path) -> None:
    path = troubled_csv(tmp_path)
    rubric, frame = pr.load(DESA), pd.read_csv(path)
    typed = score_frame(rubric, frame, source=str(path))
    criteria = [c.decl.name for c in rubric.model.criteria]
    assert {str(typed[name].dtype) for name in ["total", *criteria]} == {"decimal128(38, 2)[pyarrow]"}
    assert str(typed["nominated"].dtype) == "boolean"
    assert typed["total"].tolist()[0] == Decimal("80.50")
    assert typed["total"].isna().tolist() == (typed["status"] == "rejected").tolist()
    assert typed["total"].sum() == sum(Decimal(t) for t in score_frame(rubric, frame, as_text=True)["total"] if t)
    as_text = score_frame(rubric, frame, source=str(path), as_text=True)
    assert as_text.dtypes.tolist() == [object] * len(as_text.columns)
    assert [list(as_text.columns), *as_text.values.tolist()] == cells(typed) == cli_csv(DESA, path, tmp_path)


def test_bad_cells_and_repeated_ids_are_rejected_as_by_the_cli(tmp_path: Path) -> None:
    path = troubled_csv(tmp_path)
    scored = score_frame(pr.load(DESA), pd.read_csv(path), source=str(path))
    assert cells(scored) == cli_csv(DESA, path, tmp_path)
    assert scored["status"].tolist() == ["eligible", "rejected", "eligible", "rejected", "rejected", "eligible"]
    reasons = scored["reasons"].tolist()
    assert "field 'aparat_desa'" in reasons[1] and "'lurah' is not one of" in reasons[1]
    assert f"id 'desa-tamansari' is already used by {path}, row 2" in reasons[3]
    assert f"{path}, row 6, field 'id': the record has no id" in reasons[4]


def test_frame_rows_are_numbered_like_a_csv_file_and_keep_their_index() -> None:
    frame = pd.DataFrame({"id": ["a", None, "a"], "aparat_desa": [1, None, 2]}, index=[10, 20, 30])
    scored = score_frame(pr.load(DESA), frame)
    assert scored.index.tolist() == [10, 30]  # the wholly empty row is no candidate, as in a CSV file
    assert "already used by frame, row 2" in scored.loc[30, "reasons"]


def test_a_frame_without_an_id_column_is_refused() -> None:
    with pytest.raises(pr.InputError, match="the header has no 'id' column"):
        score_frame(pr.load(DESA), pd.DataFrame({"ID": ["desa-a"]}))


def test_importing_the_package_needs_neither_pandas_nor_dask() -> None:
    code = ("import sys, paritrana_rules, paritrana_rules.cli, paritrana_rules.batch.rows; "
            "print(sorted({'pandas', 'dask'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_without_pandas_the_module_says_what_to_install() -> None:
    code = ("import sys; sys.modules['pandas'] = None\n"
            "try:\n    import paritrana_rules.batch.frames\nexcept ImportError as error:\n    print(error)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'paritrana-rules[dask]'" in out


# ------------------------------------------------------------------ a cluster


def test_dask_on_a_cluster_matches_one_process_and_the_cli(cluster: Any, tmp_path: Path) -> None:
    path = troubled_csv(tmp_path)
    rubric, frame = pr.load(DESA), pd.read_csv(path)
    lazy = score_dask(rubric, dd.from_pandas(frame, npartitions=3), source=str(path))
    assert lazy.npartitions == 3 and list(lazy.columns) == cells(score_frame(rubric, frame))[0]
    scored = lazy.compute()
    pd.testing.assert_frame_equal(scored, score_frame(rubric, frame, source=str(path)))
    assert cells(scored) == cli_csv(DESA, path, tmp_path)


def test_dask_kabupaten_kota_matches_the_cli(cluster: Any, tmp_path: Path) -> None:
    scored = score_dask(pr.load(KABKOTA), dd.from_pandas(kabkota_frame(), npartitions=4)).compute()
    assert cells(scored) == cli_csv(KABKOTA, KABKOTA_DATA, tmp_path)


def test_a_repeated_id_in_another_partition_is_rejected_as_in_one_process(cluster: Any) -> None:
    villages = pd.read_csv(DESA_CSV)
    frame = pd.concat([villages, villages.iloc[[1]]], ignore_index=True)  # desa-tulungrejo again, at row 6
    parts = dd.from_pandas(frame, npartitions=5)
    assert parts.npartitions == 5  # each row its own partition: the first use is in another one
    scored = score_dask(pr.load(DESA), parts).compute()
    assert scored["status"].tolist()[-1] == "rejected"
    assert "id 'desa-tulungrejo' is already used by frame, row 3" in scored["reasons"].tolist()[-1]
    # ranks compare candidates from every partition: the two Jawa Timur villages sit in different ones
    assert scored["rank"].tolist() == ["1 in East Java", "2 in East Java", "1 in North Kalimantan", "1 in Maluku", ""]
    pd.testing.assert_frame_equal(scored, score_frame(pr.load(DESA), frame))


def test_pieces_scored_apart_with_the_whole_frames_facts_match_one_process(tmp_path: Path) -> None:
    """The recipe for engines other than Dask (docs/scale.md): number rows, find repeated ids, place, score pieces."""
    rubric, frame = pr.load(DESA), pd.read_csv(troubled_csv(tmp_path))
    frame = pd.concat([frame, pd.read_csv(DESA_CSV).assign(id=lambda f: f["id"] + "-b")], ignore_index=True)
    frame["row"] = range(2, len(frame) + 2)
    uses = frame.dropna(subset=["id"]).groupby("id")["row"].agg(["min", "count"])
    repeated = {i: f"frame, row {row}" for i, row in uses[uses["count"] > 1]["min"].items()}
    pieces = [frame.iloc[::2], frame.iloc[1::2]]  # not even in order: each row carries its number
    entries = [e for piece in pieces
               for e in entries_of(rubric, piece.drop(columns="row"), rows=piece["row"].tolist(), repeated=repeated)]
    placings = {p.candidate: p for p in place(Rules(rubric.model), entries)}
    scored = pd.concat([score_part(rubric, piece.drop(columns="row"), rows=piece["row"].tolist(),
                                   repeated=repeated, placings=placings) for piece in pieces]).sort_index()
    pd.testing.assert_frame_equal(scored, score_frame(rubric, frame.drop(columns="row")))
    assert "already used by frame, row 2" in scored.loc[3, "reasons"]
