"""Batch scoring from the command line: streaming, processes, spreadsheets, stages, and the two rounds."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import paritrana_rules as pr
from paritrana_rules.audit.records import content_hash
from paritrana_rules.canonical import canonical
from paritrana_rules.cli import main

from .test_ledger_trust import rechain

ROOT = Path(__file__).resolve().parents[1]
KABKOTA = ROOT / "rubrics/2024/kabupaten-kota.rubric"
NATIONAL = ROOT / "rubrics/2024/kabupaten-kota-nasional.rubric"
KABKOTA_DATA = ROOT / "examples/2024/kabupaten-kota.yaml"
NATIONAL_DATA = ROOT / "examples/2024/kabupaten-kota-nasional.yaml"
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DESA_CSV = ROOT / "examples/2024/pemerintah-desa.csv"


def example_rows() -> list[dict[str, Any]]:
    """The bundled kab/kota examples as flat CSV rows (sets as 'a; b', yes/no as words)."""
    rows = []
    for candidate in yaml.safe_load(KABKOTA_DATA.read_text(encoding="utf-8"))["candidates"]:
        row = {k: v for k, v in candidate.items() if k != "expect"}
        for key, value in row.items():
            if isinstance(value, list):
                row[key] = "; ".join(value)
            elif isinstance(value, bool):
                row[key] = "yes" if value else "no"
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def many(count: int) -> list[dict[str, Any]]:
    """`count` rows made from the examples, each with its own id, and two bad ones."""
    base = example_rows()
    rows = [{**base[i % len(base)], "id": f"row-{i:05d}"} for i in range(count)]
    rows[7]["peserta_pu"] = "12,5%"
    rows[11]["id"] = rows[3]["id"]  # a repeated id: rejected, naming the first
    return rows


def score(*args: str) -> int:
    return main(["score", *args])


# ------------------------------------------------------------------ streaming and processes


def test_processes_give_the_same_rows_and_ledger_as_one(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "many.csv", many(1300))  # several chunks
    outputs = {}
    for jobs in ("1", "2"):
        out, ledger = tmp_path / f"out{jobs}.csv", tmp_path / f"ledger{jobs}.jsonl"
        assert score(str(KABKOTA), str(data), "--format", "csv", "--output", str(out),
                     "--audit", str(ledger), "--jobs", jobs) == 1  # the two bad rows
        outputs[jobs] = (out.read_bytes(), ledger.read_bytes())
    assert outputs["1"] == outputs["2"]
    rows = list(csv.DictReader(outputs["2"][0].decode().splitlines()))
    assert [r["id"] for r in rows] == [r["id"] for r in many(1300)]  # one row per input row, in order
    rejected = {r["id"]: r["reasons"] for r in rows if r["status"] == "rejected"}
    assert set(rejected) == {"row-00007", "row-00003"}  # the bad number, and the second use of an id
    assert "already used by" in "".join(rejected.values()) and "12,5%" in "".join(rejected.values())


def test_a_ledger_of_a_batch_replays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_csv(tmp_path / "many.csv", many(260))
    ledger = tmp_path / "ledger.jsonl"
    score(str(KABKOTA), str(data), "--format", "jsonl", "--output", str(tmp_path / "out.jsonl"),
          "--audit", str(ledger), "--jobs", "2")
    report = pr.replay(ledger, [ROOT / "rubrics"])
    assert report.ok, report.render()
    documents = [json.loads(line) for line in ledger.read_text().splitlines()]
    documents[5]["inputs"]["peserta_pu"] = "1"  # a tampered record, replayed in several processes
    ledger.write_bytes(b"".join(canonical(d) + b"\n" for d in documents))
    alone, shared = pr.replay(ledger, [ROOT / "rubrics"]), pr.replay(ledger, [ROOT / "rubrics"], jobs=2)
    assert alone == shared and not alone.ok and alone.first_divergence is not None
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 260 and all(json.loads(line)["candidate_id"].startswith("row-") for line in lines)


def test_a_spreadsheet_scores_like_its_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rows = example_rows()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:  # numbers as spreadsheet numbers, as a person would type them
        sheet.append([_typed(row.get(column)) for column in columns])
    book.save(tmp_path / "data.xlsx")
    outputs = []
    for data in (tmp_path / "data.xlsx", write_csv(tmp_path / "data.csv", rows)):
        out = tmp_path / f"{data.suffix[1:]}.csv"
        score(str(KABKOTA), str(data), "--format", "csv", "--output", str(out))
        outputs.append([{k: v for k, v in r.items()} for r in csv.DictReader(out.read_text().splitlines())])
    assert outputs[0] == outputs[1]
    assert {r["status"] for r in outputs[0]} >= {"eligible", "disqualified"}


def _typed(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return value
    return value


# ------------------------------------------------------------------ stages


def test_a_candidate_without_interview_data_is_pending(tmp_path: Path) -> None:
    rows = example_rows()
    for row in rows[:2]:
        del row["hadir_wawancara"], row["nilai_pemahaman"]
    out, ledger = tmp_path / "out.csv", tmp_path / "ledger.jsonl"
    score(str(KABKOTA), str(write_csv(tmp_path / "d.csv", rows)), "--format", "csv", "--output", str(out),
          "--audit", str(ledger))
    result = {r["id"]: r for r in csv.DictReader(out.read_text().splitlines())}
    first = result[rows[0]["id"]]
    assert first["status"] == "pending" and first["wawancara"] == "" and first["rank"] == "-"
    assert "waiting for hadir_wawancara, nilai_pemahaman" in first["reasons"]
    assert result[rows[2]["id"]]["status"] == "eligible"
    assert pr.replay(ledger, [ROOT / "rubrics"]).ok
    pending = next(json.loads(line) for line in ledger.read_text().splitlines() if rows[0]["id"] in line)
    assert pending["result"]["stage"] == "penilaian" and pending["result"]["awaiting"] == ["hadir_wawancara",
                                                                                          "nilai_pemahaman"]


def test_scoring_everyone_at_a_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert score(str(KABKOTA), str(KABKOTA_DATA), "--stage", "penilaian", "--format", "jsonl") == 0
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    statuses = {i["candidate_id"]: i["status"] for i in items}
    assert set(statuses.values()) <= {"pending", "eliminated", "disqualified"}
    assert {i["stage"] for i in items} == {"penilaian"}
    stopped = next(i for i in items if i["status"] == "eliminated")
    assert any("did not advance past Desk assessment" in reason for reason in stopped["reasons"])


def test_an_unknown_stage_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert score(str(KABKOTA), str(KABKOTA_DATA), "--stage", "penilain") == 2
    message = capsys.readouterr().err
    assert "no stage 'penilain'" in message and "penilaian" in message


def test_a_stage_rubric_pickles_with_its_stage() -> None:
    import pickle

    at_desk = pr.load(KABKOTA).at_stage("penilaian")
    again = pickle.loads(pickle.dumps(at_desk))
    assert again.stage_name == "penilaian" and again.awaiting == at_desk.awaiting


# ------------------------------------------------------------------ the provincial and the national round


@pytest.fixture
def provincial(tmp_path: Path) -> Path:
    ledger = tmp_path / "provincial.jsonl"
    assert score(str(KABKOTA), str(KABKOTA_DATA), "--format", "csv", "--output", str(tmp_path / "p.csv"),
                 "--audit", str(ledger)) == 0
    return ledger


def test_the_national_round_scores_the_provincial_first_places(tmp_path: Path, provincial: Path) -> None:
    out, national = tmp_path / "n.csv", tmp_path / "national.jsonl"
    assert score(str(NATIONAL), str(NATIONAL_DATA), "--format", "csv", "--output", str(out), "--audit",
                 str(national), "--nominees", str(provincial)) == 1  # the fictional rows are not nominated
    provincial_rows = list(csv.DictReader((tmp_path / "p.csv").read_text().splitlines()))
    nominated = {r["id"] for r in provincial_rows if r["nominated"] == "yes"}
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert {r["id"] for r in rows if r["status"] != "rejected"} == nominated
    assert all("not nominated" in r["reasons"] for r in rows if r["status"] == "rejected")
    assert all(" in " in r["rank"] for r in rows if r["status"] == "eligible")  # ranked within a zone
    record = json.loads(national.read_text().splitlines()[0])
    assert set(record["nominations"][0]["nominated"]) == nominated
    assert pr.replay(national, [ROOT / "rubrics"], nominees=[provincial]).ok


def test_replay_names_a_candidate_no_ledger_nominated(tmp_path: Path, provincial: Path) -> None:
    national = tmp_path / "national.jsonl"
    score(str(NATIONAL), str(NATIONAL_DATA), "--format", "csv", "--output", str(tmp_path / "n.csv"), "--audit",
          str(national), "--nominees", str(provincial))
    documents = [json.loads(line) for line in national.read_text().splitlines()]
    scored = next(d for d in documents if d["kind"] == "scored")
    documents[0]["nominations"][0]["nominated"].remove(scored["candidate"]["id"])
    documents[0]["sha256"] = content_hash(documents[0])
    national.write_bytes(b"".join(canonical(d) + b"\n" for d in documents))
    report = pr.replay(national, [ROOT / "rubrics"], nominees=[provincial])
    kinds = {f.kind for f in report.findings}
    assert {"not-nominated", "nominations"} <= kinds


def test_nominees_must_come_from_a_verified_ledger_of_the_same_category(tmp_path: Path, provincial: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    desa = tmp_path / "desa.jsonl"
    score(str(DESA), str(DESA_CSV), "--format", "csv", "--output", str(tmp_path / "d.csv"), "--audit", str(desa))
    capsys.readouterr()
    assert score(str(NATIONAL), str(NATIONAL_DATA), "--nominees", str(desa)) == 2
    assert "nominates for pemerintah_desa" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text(provincial.read_text().replace('"eligible"', '"disqualified"', 1))
    assert score(str(NATIONAL), str(NATIONAL_DATA), "--nominees", str(broken)) == 1
    assert "does not replay cleanly" in capsys.readouterr().err
    assert score(str(KABKOTA), str(KABKOTA_DATA), "--nominees", str(provincial)) == 2
    assert "same round" in capsys.readouterr().err


def test_a_forged_nomination_is_refused(tmp_path: Path, provincial: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Re-hashing a ledger after promoting a candidate keeps its chain whole; replaying its ranking catches it."""
    documents = [json.loads(line) for line in provincial.read_text().splitlines()]
    placings = [d["placing"] for d in documents if d["kind"] == "placing"]
    loser = next(p for p in placings if not p["nominated"])
    loser["nominated"] = True
    ranking = next(d for d in documents if d["kind"] == "ranking")
    ranking["nominated"] = [p["candidate"] for p in placings if p["nominated"]]
    rechain(documents)
    forged = tmp_path / "forged.jsonl"
    forged.write_bytes(b"".join(canonical(d) + b"\n" for d in documents))
    capsys.readouterr()
    assert score(str(NATIONAL), str(NATIONAL_DATA), "--nominees", str(forged)) == 1
    assert "ranking" in capsys.readouterr().err


def test_replay_says_which_named_ledgers_were_not_given(tmp_path: Path, provincial: Path) -> None:
    national = tmp_path / "national.jsonl"
    score(str(NATIONAL), str(NATIONAL_DATA), "--format", "csv", "--output", str(tmp_path / "n.csv"), "--audit",
          str(national), "--nominees", str(provincial))
    assert pr.replay(national, [ROOT / "rubrics"]).ok  # nominations are still checked against the record
    other = tmp_path / "other.jsonl"
    score(str(KABKOTA), str(KABKOTA_DATA), "--format", "csv", "--output", str(tmp_path / "o.csv"),
          "--audit", str(other), "--stage", "penilaian")
    report = pr.replay(national, [ROOT / "rubrics"], nominees=[other])
    messages = " ".join(f.message for f in report.findings if f.kind == "nominations")
    assert "not a ledger this one names" in messages and "were not given" in messages


def test_a_national_round_without_nominees_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    score(str(NATIONAL), str(NATIONAL_DATA), "--format", "csv")
    assert "without --nominees every row is scored" in capsys.readouterr().err


def test_outputs_must_be_two_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = tmp_path / "x"
    assert score(str(KABKOTA), str(KABKOTA_DATA), "--output", str(same), "--audit", str(same)) == 2
    assert score(str(KABKOTA), str(KABKOTA_DATA), "--output", str(tmp_path)) == 2
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize("line", [
    '{"id":"j1","nama":"x","y":1e1}',  # an exponent: recorded as 10, so replay must compute with 10
    '{"id":"j1","nama":"x","y":-0}',  # negative zero: recorded as 0
])
def test_numbers_written_oddly_in_json_still_replay(tmp_path: Path, line: str) -> None:
    rubric = tmp_path / "w.rubric"
    rubric.write_text(W_RUBRIC, encoding="utf-8")
    data = tmp_path / "d.jsonl"
    data.write_text(line + "\n", encoding="utf-8")
    ledger = tmp_path / "l.jsonl"
    assert score(str(rubric), str(data), "--format", "csv", "--output", str(tmp_path / "o.csv"),
                 "--audit", str(ledger)) == 0
    assert pr.replay(ledger, [rubric]).ok


W_RUBRIC = """rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

input nama: text
    label id "Nama" en "Name"
input y: number
    between -100 and 100
    label id "Y" en "Y"

let bagi = ratio(0, y, if zero 0)
    label id "Bagi" en "Divided"

criterion c weight 100%
    label id "C" en "C"
    points clamp(y * 0.05 + bagi, 0, 100)
"""


def test_a_record_with_text_that_is_not_unicode_is_rejected_alone(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text('{"id":"a1","name":"bad \\ud800","provinsi":"x"}\n', encoding="utf-8")
    assert score(str(KABKOTA), str(data), "--format", "csv") == 1
    assert "not valid Unicode" in capsys.readouterr().out


# ------------------------------------------------------------------ what people read, in the language asked for


def test_csv_and_table_speak_indonesian_while_json_keeps_its_codes(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rows = many(12)
    data = write_csv(tmp_path / "c.csv", rows)
    assert main(["score", str(KABKOTA), str(data), "--format", "csv", "--lang", "id", "-o", str(tmp_path / "id.csv")]) == 1
    header, *lines = list(csv.reader((tmp_path / "id.csv").open(encoding="utf-8")))
    assert header[:7] == ["id", "nama", "status", "nilai akhir", "peringkat", "dinominasikan", "keputusan"]
    assert header[-1] == "alasan"
    assert {line[2] for line in lines} == {"memenuhi syarat", "didiskualifikasi", "tidak lolos", "ditolak"}
    assert {line[5] for line in lines} == {"ya", ""}
    assert main(["score", str(KABKOTA), str(data), "--lang", "id"]) == 1
    table = capsys.readouterr().out
    assert table.startswith("id") and "nilai akhir" in table.splitlines()[0] and "memenuhi syarat" in table
    assert main(["score", str(KABKOTA), str(data), "--format", "jsonl", "--lang", "id",
                 "-o", str(tmp_path / "id.jsonl")]) == 1
    statuses = {json.loads(line)["status"] for line in (tmp_path / "id.jsonl").read_text(encoding="utf-8").splitlines()}
    assert statuses == {"eligible", "disqualified", "eliminated", "rejected"}


def test_an_xlsx_output_holds_numbers_ranks_and_explanations(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rows = many(12)
    rows[2]["id"] = "=HYPERLINK(\"http://x\",\"y\")"  # a candidate's text is never a formula in the workbook
    data = write_csv(tmp_path / "c.csv", rows)
    out = tmp_path / "scores.xlsx"
    assert main(["score", str(KABKOTA), str(data), "--lang", "id", "--explain", "-o", str(out)]) == 1  # by its ending
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Nilai", "Penjelasan"]
    header, *cells = [[cell for cell in row] for row in book["Nilai"].iter_rows()]
    names = [cell.value for cell in header]
    assert names[:9] == ["id", "nama", "status", "nilai akhir", "peringkat", "seri", "kelompok", "dinominasikan",
                         "keputusan"]
    by_id = {row[0].value: row for row in cells}
    first = by_id["row-00000"]
    assert (first[2].value, first[3].number_format, first[7].value) == ("memenuhi syarat", "0.00", "ya")
    assert isinstance(first[3].value, float) and isinstance(first[4].value, int)  # the total and the rank: numbers
    assert first[6].value == "Kalimantan Timur"
    assert isinstance(first[names.index("regulasi")].value, (int, float))
    assert by_id['=HYPERLINK("http://x","y")'][0].data_type == "s"
    rejected = by_id["row-00007"]
    assert (rejected[2].value, rejected[3].value) == ("ditolak", None) and "12,5%" in rejected[-1].value
    explained = [row for row in book["Penjelasan"].iter_rows(values_only=True) if row[0] == "row-00000"]
    assert len(explained) > 10 and any("Nilai akhir" in (text or "") for _, text in explained)
    again = tmp_path / "again.xlsx"
    assert main(["score", str(KABKOTA), str(data), "--lang", "id", "--explain", "--format", "xlsx", "-o", str(again)]) == 1
    assert again.read_bytes() == out.read_bytes()  # no clock in the file: the same scores, the same bytes


def test_rows_past_a_sheets_last_go_on_in_another_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from paritrana_rules.batch import workbook

    monkeypatch.setattr(workbook, "XLSX_LAST_ROW", 5)  # a sheet of a heading and four rows
    data = write_csv(tmp_path / "c.csv", many(12))
    out = tmp_path / "scores.xlsx"
    assert main(["score", str(KABKOTA), str(data), "-o", str(out)]) == 1
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["Scores", "Explanations", "Scores (2)"]
    scores = [sheet for sheet in book.worksheets if sheet.title.startswith("Scores")]
    assert all(next(sheet.iter_rows(max_row=1, values_only=True))[0] == "id" for sheet in scores)
    ids = [row[0] for sheet in scores for row in list(sheet.iter_rows(values_only=True))[1:]]
    assert ids == [row["id"] for row in many(12)]
