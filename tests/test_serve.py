"""The HTTP API (`paritrana-rules serve`) and the studio's routes: every route, bad requests, the token, answers equal
to the CLI's, and no answer naming where this machine keeps the files."""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import io
import json
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("starlette")
pytest.importorskip("httpx2")  # what starlette's test client drives requests with
jsonschema = pytest.importorskip("jsonschema")

from starlette.testclient import TestClient  # noqa: E402

import paritrana_rules as pr  # noqa: E402
from paritrana_rules import api  # noqa: E402
from paritrana_rules.cli import main  # noqa: E402
from paritrana_rules.studio.base import Refusal, Studio  # noqa: E402
from paritrana_rules.studio.pages import create_studio  # noqa: E402
from paritrana_rules.studio.server import ROUTES, Limits, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
KABKOTA = "2024/kabupaten-kota.rubric"
DESA = "2024/pemerintah-desa.rubric"


def served(app: Any) -> TestClient:
    """A client of the app as a browser on this machine reaches it: by a loopback address."""
    return TestClient(app, base_url="http://127.0.0.1:8000")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with served(create_app(RUBRICS)) as test_client:
        yield test_client


def candidates(name: str) -> list[dict[str, Any]]:
    """The example candidates of a bundled rubric, as a portal would send them (JSON, typed values)."""
    document = yaml.safe_load((ROOT / "examples" / name).read_text(encoding="utf-8"))
    return list(document["candidates"])


def json_body(records: list[dict[str, Any]]) -> bytes:
    return json.dumps({"candidates": records}, ensure_ascii=False).encode()


def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in tmp_path with the rubrics folder in it, as the command is run in a project (unless a test made its
    own rubrics folder there)."""
    monkeypatch.chdir(tmp_path)
    if not (tmp_path / "rubrics").exists():
        (tmp_path / "rubrics").symlink_to(RUBRICS)


def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes, *args: str, name: str = "candidates.json"
        ) -> tuple[int, bytes]:
    """What the command writes for the same data in a file of the upload's name, in the current folder."""
    in_project(tmp_path, monkeypatch)
    (tmp_path / name).write_bytes(body)
    code = main([*args, "--output", "out"]) if "--output" not in args else main(list(args))
    return code, (tmp_path / "out").read_bytes()


def rubric_path(name: str) -> str:
    return f"rubrics/{name}"  # what the server loads a rubric as, so what records and explanations say of it


# ------------------------------------------------------------------ answers equal the command's


@pytest.mark.parametrize("form", ["json", "csv", "jsonl", "table"])
def test_score_answers_the_cli_bytes(client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     form: str) -> None:
    body = json_body(candidates("2024/kabupaten-kota.yaml"))
    answer = client.post(f"/api/rubrics/{KABKOTA}/score", params={"format": form, "lang": "id"}, content=body)
    assert answer.status_code == 200, answer.text
    code, expected = cli(tmp_path, monkeypatch, body, "score", rubric_path(KABKOTA), "candidates.json",
                         "--format", form, "--lang", "id")
    assert answer.content == expected and code == 0
    assert answer.headers["x-rejected"] == "0"


def test_rejected_rows_are_answered_as_the_cli_writes_them(client: TestClient, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    csv_body = (ROOT / "examples/2024/pemerintah-desa.csv").read_bytes().replace(b",26,26,", b",dua,26,")
    answer = client.post(f"/api/rubrics/{DESA}/score", params={"format": "csv", "name": "desa.csv"}, content=csv_body)
    code, expected = cli(tmp_path, monkeypatch, csv_body, "score", rubric_path(DESA), "desa.csv", "--format", "csv",
                         name="desa.csv")
    assert code == 1 and answer.status_code == 200 and answer.content == expected
    assert answer.headers["x-rejected"] == "1" and b"got 'dua'" in answer.content


def test_explain_answers_the_cli_text(client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = json_body(candidates("2024/pemerintah-desa.yaml"))
    answer = client.post(f"/api/rubrics/{DESA}/explain",
                         params={"candidate": "desa-tamansari", "lang": "id", "format": "markdown"}, content=body)
    _, expected = cli(tmp_path, monkeypatch, body, "explain", rubric_path(DESA), "candidates.json", "-c",
                      "desa-tamansari", "--lang", "id", "--format", "markdown")
    assert answer.status_code == 200 and answer.content == expected


def test_margins_are_the_apis_for_the_candidate(client: TestClient) -> None:
    body = json_body(candidates("2024/pemerintah-desa.yaml"))
    answer = client.post(f"/api/rubrics/{DESA}/margins", params={"candidate": "desa-ngadi", "lang": "id"},
                         content=body).json()["margins"]
    rubric = pr.load(RUBRICS / DESA)
    result = rubric.evaluate({k: v for k, v in candidates("2024/pemerintah-desa.yaml")[3].items()
                              if k not in ("id", "name", "expect")})
    assert answer == [m.to_dict() for m in api.band_margins(rubric, result, "id")]
    funded = next(m for m in answer if m["criterion"] == "jumlah_rentan_desa")
    assert funded["state"] == "below_best" and funded["distance"] == "40" and funded["next"]["at"] == "baris 225"


def test_audit_gives_the_cli_ledger_and_replay_verifies_it(client: TestClient, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    body = json_body(candidates("2024/pemerintah-desa.yaml"))
    ledger = client.post(f"/api/rubrics/{DESA}/audit", content=body)
    assert ledger.status_code == 200
    cli(tmp_path, monkeypatch, body, "score", rubric_path(DESA), "candidates.json", "--format", "json",
        "--output", "scores.json", "--audit", "out")
    assert ledger.content == (tmp_path / "out").read_bytes()
    verified = client.post("/api/replay", content=ledger.content).json()
    assert verified["ok"] and verified["verified"] == verified["records"] > len(candidates("2024/pemerintah-desa.yaml"))


def test_replay_finds_a_tampered_record(client: TestClient) -> None:
    ledger = client.post(f"/api/rubrics/{DESA}/audit", content=json_body(candidates("2024/pemerintah-desa.yaml")))
    lines = ledger.content.splitlines()
    record = json.loads(lines[1])
    record["result"]["total"] = "99.00"
    lines[1] = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    report = client.post("/api/replay", content=b"\n".join(lines) + b"\n").json()
    assert not report["ok"]
    assert any(f["kind"] == "edited" and f["line"] == 2 for f in report["findings"])
    assert "edited" in report["text"]


# ------------------------------------------------------------------ rubrics, schemas, checks


def test_rubrics_are_listed_by_their_paths_inside_the_folder(tmp_path: Path) -> None:
    shutil.copytree(RUBRICS / "wilayah", tmp_path / "wilayah")
    (tmp_path / "2024").mkdir()
    for name in (KABKOTA, DESA):
        shutil.copy(RUBRICS / name, tmp_path / name)
    with served(create_app(tmp_path)) as small:
        listed = small.get("/api/rubrics", params={"lang": "id"})
        assert str(tmp_path) not in listed.text
        rubrics = listed.json()["rubrics"]
        assert sorted(r["path"] for r in rubrics) == [KABKOTA, DESA]
        assert {r["label"] for r in rubrics} >= {"Pemerintah Desa"}
        (tmp_path / DESA).unlink()  # a change on disk is seen at the next request
        assert [r["path"] for r in small.get("/api/rubrics").json()["rubrics"]] == [KABKOTA]


def canonical(records: list[dict[str, Any]], rubric: str) -> list[dict[str, Any]]:
    """Members named as the rubric names them ("Jawa Timur" is jawa_timur): the form the schema states."""
    specs = {i.spec.name: i.spec for i in pr.load(RUBRICS / rubric).whole.inputs}

    def member(name: str, value: Any) -> Any:
        spec = specs.get(name)
        if spec is not None and spec.kind == "one_of":
            return spec.member(value)
        if spec is not None and spec.kind == "set_of":
            return [spec.member(item) for item in value]
        return value
    return [{name: member(name, value) for name, value in record.items()} for record in records]


def test_the_schema_is_valid_and_takes_the_example_candidates(client: TestClient) -> None:
    schema = client.get(f"/api/rubrics/{KABKOTA}/schema", params={"lang": "id"}).json()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    examples = {"candidates": canonical(candidates("2024/kabupaten-kota.yaml"), KABKOTA)}
    assert not list(validator.iter_errors(json.loads(json.dumps(examples))))
    field = schema["$defs"]["candidate"]["properties"]["hadir_wawancara"]
    assert field["enum"][0] == "kepala_daerah" and field["title"]
    wrong = {"candidates": [{"id": "x", "peserta_pu": -1, "unknown": 1}]}
    assert len(list(validator.iter_errors(wrong))) >= 1


def test_check_reports_diagnostics_with_their_codes_in_either_language(client: TestClient) -> None:
    text = (RUBRICS / DESA).read_text(encoding="utf-8").replace("weight 20%", "weight 25%", 1)
    answer = client.post("/api/check", params={"name": "2024/draft.rubric", "lang": "en"}, content=text.encode())
    found = answer.json()
    assert answer.status_code == 200 and found["errors"] >= 1
    assert any(d["code"].startswith("W4") for d in found["diagnostics"])
    clean = client.get(f"/api/rubrics/{DESA}/check").json()
    assert clean["errors"] == 0


# ------------------------------------------------------------------ bad requests


@pytest.mark.parametrize("name", ["../README.md", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "2024/../../x.rubric"])
def test_a_rubric_outside_the_folder_is_refused(client: TestClient, name: str) -> None:
    answer = client.get(f"/api/rubrics/{name}/schema")
    assert answer.status_code in (400, 404)
    assert answer.json()["error"]["kind"] in ("usage", "not_found")


def test_an_unknown_rubric_is_404_with_the_nearest_name(client: TestClient) -> None:
    error = client.get("/api/rubrics/2024/kabupaten-kot.rubric/schema").json()["error"]
    assert error["kind"] == "not_found" and "did you mean '2024/kabupaten-kota.rubric'" in error["message"]


def test_malformed_data_is_a_422_listing_the_problem(client: TestClient) -> None:
    answer = client.post(f"/api/rubrics/{DESA}/score", content=b'{"candidates": [')
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["kind"] == "input" and error["exit_code"] == 1 and error["problems"][0]["candidate"] == "candidates.json"


def test_bad_parameters_unknown_routes_and_methods_are_json(client: TestClient) -> None:
    assert client.post(f"/api/rubrics/{DESA}/score", params={"format": "pdf"}, content=b"[]").json()["error"][
        "kind"] == "usage"
    assert client.post(f"/api/rubrics/{DESA}/score", params={"name": "data.txt"}, content=b"").status_code == 400
    assert client.get("/api/nothing").json()["error"]["kind"] == "not_found"
    assert client.get(f"/api/rubrics/{DESA}/score").status_code == 405


def test_a_body_past_the_limit_is_refused_before_it_is_read() -> None:
    with served(create_app(RUBRICS, limits=Limits(body_bytes=100))) as small:
        answer = small.post(f"/api/rubrics/{DESA}/score", content=b"x" * 101)
        assert answer.status_code == 413 and answer.json()["error"]["kind"] == "too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b"x" * 60
            yield b"x" * 60
        assert small.post(f"/api/rubrics/{DESA}/score", content=chunks()).status_code == 413


def test_work_past_the_time_limit_is_a_504() -> None:
    with served(create_app(RUBRICS, limits=Limits(seconds=0))) as hurried:
        answer = hurried.post(f"/api/rubrics/{DESA}/score", content=json_body(candidates("2024/pemerintah-desa.yaml")))
        assert answer.status_code == 504 and answer.json()["error"]["kind"] == "timeout"


def test_the_token_is_required_when_given() -> None:
    with served(create_app(RUBRICS, token="s3cret")) as guarded:
        assert guarded.get("/api/openapi.json").status_code == 401
        assert guarded.get("/api/openapi.json", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert guarded.get("/api/openapi.json", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_serving_beyond_loopback_without_a_token_is_refused(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARITRANA_TOKEN", raising=False)
    assert main(["serve", str(RUBRICS), "--host", "0.0.0.0"]) == 2
    assert "needs a token" in capsys.readouterr().err


# ------------------------------------------------------------------ the OpenAPI document


def test_the_openapi_document_lists_every_route(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    listed = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    assert listed == {(route.method, route.path.replace(":path", "")) for route in ROUTES}
    for operations in document["paths"].values():
        for operation in operations.values():
            assert operation["summary"] and "200" in operation["responses"] and "400" in operation["responses"]


def test_text_being_written_is_formatted_and_its_handbook_made(client: TestClient) -> None:
    text = (RUBRICS / DESA).read_text(encoding="utf-8")
    messy = text.replace("\ngate ", "\ngate   ", 1)
    formatted = client.post("/api/format", params={"name": DESA}, content=messy.encode())
    assert formatted.status_code == 200 and formatted.text == api.format_text(messy, str(RUBRICS / DESA))
    renamed = text.replace('label id "Pemerintah Desa"', 'label id "Pemerintah Desa Contoh"', 1)
    handbook = client.post("/api/handbook", params={"name": DESA, "lang": "id"}, content=renamed.encode())
    assert handbook.status_code == 200 and "Pemerintah Desa Contoh" in handbook.text
    assert handbook.text == api.handbook(api.loads(renamed, str(RUBRICS / DESA)), lang="id")
    broken = client.post("/api/handbook", params={"name": DESA}, content=text.replace("weight 20%", "weight 25%", 1)
                         .encode())
    assert broken.status_code == 422 and broken.json()["error"]["diagnostics"][0]["code"].startswith("W4")


# ------------------------------------------------------------------ the studio's review: handbook, cases, diff


def test_the_handbook_page_is_the_one_docs_writes(client: TestClient, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _, expected = cli(tmp_path, monkeypatch, b"", "docs", rubric_path(DESA), "--format", "html", "--lang", "en")
    page = client.get(f"/api/rubrics/{DESA}/handbook", params={"format": "html", "lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.content == expected
    text = (RUBRICS / DESA).read_bytes()
    assert client.post("/api/handbook", params={"name": DESA, "format": "html", "lang": "en"},
                       content=text).content == expected


def examples_beside(tmp_path: Path) -> None:
    """The example cases beside the rubrics folder, as `test` finds them when run in the project."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")


def test_cases_answer_what_test_reports_with_the_spans_no_case_reaches(
        client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (RUBRICS / DESA).read_text(encoding="utf-8")
    unreached = text.replace("        from 1000 -> 100", "        from 100000 -> 100", 1).replace(
        "from 500 to below 1000 -> 85", "from 500 to below 100000 -> 85", 1)
    answer = client.post("/api/cases", params={"name": DESA, "lang": "id"}, content=unreached.encode()).json()
    examples_beside(tmp_path)
    (tmp_path / "rubrics").mkdir()
    shutil.copytree(RUBRICS / "wilayah", tmp_path / "rubrics/wilayah")
    (tmp_path / "rubrics/2024").mkdir()
    (tmp_path / "rubrics" / DESA).write_text(unreached, encoding="utf-8")
    code, report = cli(tmp_path, monkeypatch, b"", "test", rubric_path(DESA), "--format", "json", "--lang", "id")
    expected = json.loads(report)["rubrics"][0]
    assert code == 1 and {k: v for k, v in answer.items() if k not in ("uncovered", "text")} == expected
    assert answer["coverage"] == {"rules": 30, "hit": 29} and not answer["ok"]
    [rule] = answer["uncovered"]
    line = unreached.splitlines()[rule["line"] - 1]
    assert rule["file"] == rubric_path(DESA) and line[rule["column"] - 1:rule["end_column"] - 1] == "from 100000 -> 100"
    assert "cakupan uji: 29 dari 30 aturan tercapai" in answer["text"]


def test_diff_answers_what_diff_reports_on_the_example_candidates(client: TestClient, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    new = "2025/pemerintah-desa.rubric"
    answer = client.post("/api/diff", params={"name": new, "lang": "en"},
                         content=(RUBRICS / new).read_bytes()).json()
    in_project(tmp_path, monkeypatch)
    examples_beside(tmp_path)
    capsys.readouterr()
    args = ["diff", rubric_path(DESA), rubric_path(new), "--candidates", "examples/2025/pemerintah-desa.yaml"]
    main([*args, "--format", "json"])
    as_json = capsys.readouterr().out
    main(args)
    as_text = capsys.readouterr().out
    assert answer["extends"] == rubric_path(DESA)
    assert {k: v for k, v in answer.items() if k not in ("extends", "said", "text")} == json.loads(as_json)
    assert answer["said"][0] == "~ header edition: 2024 → 2025  (rubrics/2025/pemerintah-desa.rubric:9)"
    assert answer["text"] == as_text and "desa-tulungrejo gains the nomination" in as_text
    alone = client.post("/api/diff", params={"name": DESA}, content=(RUBRICS / DESA).read_bytes()).json()
    assert alone == {"extends": None, "changed": False, "rubrics": [], "said": [], "text": ""}


# ------------------------------------------------------------------ downloads, replay, and what answers never say


def test_a_workbook_answers_the_cli_bytes(client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    csv_body = (ROOT / "examples/2024/pemerintah-desa.csv").read_bytes()
    answer = client.post(f"/api/rubrics/{DESA}/score", params={"format": "xlsx", "name": "desa.csv", "lang": "id"},
                         content=csv_body)
    code, expected = cli(tmp_path, monkeypatch, csv_body, "score", rubric_path(DESA), "desa.csv", "--format", "xlsx",
                         "--lang", "id", name="desa.csv")
    assert answer.status_code == 200 and code == 0 and answer.content == expected
    assert answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_replay_quotes_the_rubric_line_a_record_diverges_at(rubrics_folder: Path) -> None:
    (rubrics_folder / "2024").mkdir()
    path = rubrics_folder / DESA
    text = (RUBRICS / DESA).read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    with served(create_app(rubrics_folder)) as local:
        ledger = local.post(f"/api/rubrics/{DESA}/audit", content=json_body(candidates("2024/pemerintah-desa.yaml")))
        path.write_text(text.replace("        from 1000 -> 100", "        from 1000 -> 95", 1), encoding="utf-8")
        refused = local.post("/api/replay", content=ledger.content).json()
        assert not refused["ok"] and refused["first_divergence"] is None and refused["quote"] is None
        report = local.post("/api/replay", params={"against_current": "true"}, content=ledger.content).json()
    step = report["first_divergence"]
    assert step["step"] == "criterion:jumlah_rentan_desa" and step["location"]["file"] == rubric_path(DESA)
    line = text.splitlines().index("criterion jumlah_rentan_desa under rentan_apbdes weight 40%") + 1
    assert report["quote"] == {"file": rubric_path(DESA), "rubric": DESA, "line": line,
                               "text": "criterion jumlah_rentan_desa under rentan_apbdes weight 40%"}


def test_no_answer_names_where_this_machine_keeps_the_files(client: TestClient) -> None:
    body = json_body(candidates("2024/pemerintah-desa.yaml"))
    text = (RUBRICS / DESA).read_bytes()
    broken = text.replace(b"weight 20%", b"weight 25%", 1)
    answers = [
        client.post(f"/api/rubrics/{DESA}/score", params={"format": form, "explain": "true"}, content=body).content
        for form in ("json", "jsonl", "csv", "table")]
    ledger = client.post(f"/api/rubrics/{DESA}/audit", content=body).content
    tampered = ledger.replace(b'"total":"80.50"', b'"total":"99.00"', 1)
    answers += [
        ledger, client.post("/api/replay", content=tampered).content,
        client.post(f"/api/rubrics/{DESA}/explain", params={"candidate": "desa-tamansari"}, content=body).content,
        client.post("/api/check", params={"name": DESA}, content=broken).content,
        client.get(f"/api/rubrics/{DESA}/check").content,
        client.post("/api/cases", params={"name": DESA}, content=text).content,
        unexampled := client.post("/api/cases", params={"name": "2024/new.rubric"}, content=text).content,
        client.post("/api/diff", params={"name": "2025/pemerintah-desa.rubric"},
                    content=(RUBRICS / "2025/pemerintah-desa.rubric").read_bytes()).content,
        client.get(f"/api/rubrics/{DESA}/handbook", params={"format": "html"}).content,
        client.get(f"/api/rubrics/{DESA}/schema").content]  # the listing: in the test of the listing
    workbook = client.post(f"/api/rubrics/{DESA}/score", params={"format": "xlsx", "explain": "true"}, content=body)
    with zipfile.ZipFile(io.BytesIO(workbook.content)) as sheets:
        answers += [sheets.read(member) for member in sheets.namelist()]
    for answer in answers:
        assert str(ROOT).encode() not in answer and b"paritrana-upload-" not in answer
    assert b"rubrics/2024/pemerintah-desa.rubric" in ledger
    assert b"examples/2024/new.yaml" in unexampled  # the example file it has not got


@pytest.mark.parametrize("route", ["/api/cases", "/api/diff", "/api/handbook"])
def test_text_named_outside_the_folder_is_refused(client: TestClient, route: str) -> None:
    answer = client.post(route, params={"name": "../elsewhere.rubric"}, content=b"")
    assert answer.status_code == 400 and answer.json()["error"]["kind"] == "usage"


def test_a_link_leading_out_of_the_folder_is_not_read(rubrics_folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(RUBRICS / "wilayah/indonesia-38.shared", outside / "provinces.shared")
    (rubrics_folder / "wilayah/linked.shared").symlink_to(outside / "provinces.shared")
    text = (RUBRICS / DESA).read_text(encoding="utf-8").replace('uses "wilayah/indonesia-38.shared"',
                                                                 'uses "wilayah/linked.shared"', 1)
    with served(create_app(rubrics_folder)) as local:
        found = local.post("/api/check", params={"name": DESA}, content=text.encode())
    assert found.status_code == 200 and found.json()["errors"] >= 1
    [problem] = [d for d in found.json()["diagnostics"] if "linked.shared" in d["message"]]
    assert problem["file"] == "rubrics/2024/pemerintah-desa.rubric" and str(tmp_path) not in found.text


def test_pages_load_nothing_from_elsewhere_and_show_names_as_text() -> None:
    with served(create_studio(RUBRICS)) as studio:
        page = studio.get(f"/rubric/{DESA}", params={"lang": "id"})
        hostile = studio.get('/rubric/2024/<script>alert("x")</script>.rubric')
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy and "connect-src 'self' blob:" in policy
    assert f'data-shown="rubrics/{DESA}"' in page.text and "<iframe id=handbook-page sandbox" in page.text
    words = page.text.split('<script type="application/json" id=words>')[1].split("</script>")[0]
    assert json.loads(words)["coverage"].startswith("Cakupan uji")
    assert hostile.status_code == 404 and "<script>" not in hostile.text and "&lt;script&gt;" in hostile.text


# ------------------------------------------------------------------ an attacker's requests and a careless user's


HOSTILE_NAMES = ["2024/%00.rubric", "2024/pemerintah-desa.rubric%00", "2024/%0A.rubric", "x" * 2000 + ".rubric",
                 "a" * 300 + "/x.rubric", "%2e%2e/README.md", "%2e%2e%2fREADME.md", "2024%5c..%5c..%5cREADME.md",
                 "..%2f..%2fetc%2fpasswd", "%2Fetc%2Fpasswd", "2024/../../README.md"]


def plain_error(answer: Any) -> dict[str, Any]:
    """The JSON error of an answer, having checked that it says nothing of this machine."""
    assert answer.status_code < 500, answer.text
    assert "Traceback" not in answer.text and str(ROOT) not in answer.text
    error: dict[str, Any] = answer.json()["error"]
    return error


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("route", ["schema", "text", "check", "handbook"])
def test_a_rubric_name_with_a_nul_a_newline_or_past_the_systems_length_is_refused(
        client: TestClient, name: str, route: str) -> None:
    error = plain_error(client.get(f"/api/rubrics/{name}/{route}"))
    assert error["kind"] in ("usage", "not_found") and len(error["message"]) < 400


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_page_of_a_hostile_name_is_a_refusal_not_a_fault(name: str) -> None:
    with served(create_studio(RUBRICS)) as studio:
        page = studio.get(f"/rubric/{name}")
    assert page.status_code in (400, 404) and str(ROOT) not in page.text and "Traceback" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


@pytest.mark.parametrize("name", ["a\x00.rubric", "x" * 2000, "a" * 300 + ".rubric", "2024/\n.rubric", "../x.rubric",
                                  "/etc/x.rubric", "2024\\x.rubric", "", "."])
@pytest.mark.parametrize("route", ["/api/check", "/api/format", "/api/handbook", "/api/cases", "/api/diff"])
def test_text_named_by_a_hostile_name_is_refused(client: TestClient, name: str, route: str) -> None:
    answer = client.post(route, params={"name": name}, content=b"rubric")
    assert answer.status_code == 400 and plain_error(answer)["kind"] == "usage"


def test_an_upload_named_with_a_control_character_is_refused(client: TestClient) -> None:
    for name in ("a\x00.json", "a\n.json"):
        answer = client.post(f"/api/rubrics/{DESA}/score", params={"name": name}, content=b"[]")
        assert answer.status_code == 400 and plain_error(answer)["kind"] == "usage"


def test_a_rubric_has_one_name_however_the_request_writes_it(rubrics_folder: Path) -> None:
    (rubrics_folder / "2024").mkdir()
    shutil.copy(RUBRICS / DESA, rubrics_folder / DESA)
    (rubrics_folder / "this").symlink_to(rubrics_folder)  # a link to the folder itself: inside it
    with served(create_studio(rubrics_folder)) as studio:
        titles = {studio.get(f"/api/rubrics/{name}/schema").json()["title"]
                  for name in ("./2024//pemerintah-desa.rubric", "this/2024/pemerintah-desa.rubric", DESA)}
        ledger = studio.post(f"/api/rubrics/./{DESA}/audit",
                             content=json_body(candidates("2024/pemerintah-desa.yaml")))
        page = studio.get(f"/rubric/this/{DESA}")
    assert titles == {f"Candidates for {rubric_path(DESA)}"}
    records = [json.loads(line) for line in ledger.text.splitlines()]
    assert {record["context"]["rubric_path"] for record in records if "context" in record} == {rubric_path(DESA)}
    assert f'data-rubric="{DESA}"' in page.text


def test_the_library_leaves_out_a_link_leading_out_of_the_folder(rubrics_folder: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("hunter2 is the password\n", encoding="utf-8")
    (rubrics_folder / "leak.rubric").symlink_to(tmp_path / "secret.txt")
    (rubrics_folder / "2024").mkdir()
    shutil.copy(RUBRICS / DESA, rubrics_folder / DESA)
    with served(create_studio(rubrics_folder)) as studio:
        listed = studio.get("/api/rubrics")
        library = studio.get("/")
        refused = studio.get("/api/rubrics/leak.rubric/text")
    assert [entry["path"] for entry in listed.json()["rubrics"]] == [DESA]
    assert "leak" not in library.text and "hunter2" not in listed.text + library.text
    assert refused.status_code == 400 and "hunter2" not in refused.text


def test_an_empty_folder_is_an_empty_library(tmp_path: Path) -> None:
    with served(create_studio(tmp_path)) as studio:
        listed, library = studio.get("/api/rubrics"), studio.get("/")
    assert listed.status_code == 200 and listed.json() == {"rubrics": []}
    assert library.status_code == 200 and str(tmp_path) not in listed.text + library.text


def test_a_rubric_whose_name_needs_quoting_is_linked_by_its_quoted_name(rubrics_folder: Path) -> None:
    (rubrics_folder / "2024").mkdir()
    shutil.copy(RUBRICS / DESA, rubrics_folder / "2024/desa #2?.rubric")
    with served(create_studio(rubrics_folder)) as studio:
        library = studio.get("/").text
        assert 'href="/rubric/2024/desa%20%232%3F.rubric?lang=id"' in library
        assert studio.get("/api/rubrics/2024/desa%20%232%3F.rubric/schema").status_code == 200


# ------------------------------------------------------------------ saving: If-Match, and two saves at once


def saved_copy(rubrics_folder: Path) -> Path:
    (rubrics_folder / "2024").mkdir()
    path = rubrics_folder / DESA
    shutil.copy(RUBRICS / DESA, path)
    return path


def test_a_save_without_if_match_is_refused_and_a_stale_one_is_a_conflict(rubrics_folder: Path) -> None:
    path = saved_copy(rubrics_folder)
    before = path.read_bytes()
    with served(create_studio(rubrics_folder)) as studio:
        missing = studio.put(f"/api/rubrics/{DESA}/text", content=b"rubric")
        stale = studio.put(f"/api/rubrics/{DESA}/text", content=b"rubric", headers={"If-Match": "0" * 64})
    assert missing.status_code == 428 and "If-Match" in plain_error(missing)["message"]
    assert stale.status_code == 409 and plain_error(stale)["kind"] == "conflict"
    assert path.read_bytes() == before


def test_two_saves_over_the_same_version_cannot_both_succeed(rubrics_folder: Path) -> None:
    path = saved_copy(rubrics_folder)
    opened = hashlib.sha256(path.read_bytes()).hexdigest()
    edits = [path.read_bytes() + f"# edit {i}\n".encode() for i in range(4)]
    with served(create_studio(rubrics_folder)) as studio:
        start = threading.Barrier(len(edits))

        def put(body: bytes) -> int:
            start.wait()
            return studio.put(f"/api/rubrics/{DESA}/text", content=body, headers={"If-Match": opened}).status_code

        with concurrent.futures.ThreadPoolExecutor(len(edits)) as pool:
            statuses = list(pool.map(put, edits))
    assert sorted(statuses) == [200, 409, 409, 409]
    assert path.read_bytes() == edits[statuses.index(200)]


# ------------------------------------------------------------------ who is answered, and how answers are sent


def test_without_a_token_only_requests_to_a_loopback_name_from_no_other_site_are_answered() -> None:
    """A page on another site that points a name of its own at 127.0.0.1 (DNS rebinding), or sends work to
    127.0.0.1 itself, reaches nothing; nor does a request a proxy passes on."""
    for app in (create_app(RUBRICS), create_studio(RUBRICS)):
        with TestClient(app, base_url="http://rebound.example:8000") as elsewhere:
            for answer in (elsewhere.get("/api/rubrics"), elsewhere.get("/"), elsewhere.get(f"/rubric/{DESA}"),
                           elsewhere.put(f"/api/rubrics/{DESA}/text", content=b"x", headers={"If-Match": "x"})):
                assert answer.status_code == 403 and plain_error(answer)["kind"] == "forbidden"
    with served(create_studio(RUBRICS)) as studio:  # a page of another site, sending work to the studio's own name
        elsewhere = studio.post("/api/check", params={"name": DESA}, content=b"x",
                                headers={"Origin": "https://rebound.example"})
        assert elsewhere.status_code == 403 and plain_error(elsewhere)["kind"] == "forbidden"
        assert studio.post("/api/check", params={"name": DESA}, content=b"x",
                           headers={"Origin": "http://127.0.0.1:8000"}).status_code == 200
    for proxied in ({"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}):  # a proxy in front
        answer = served(create_app(RUBRICS)).get("/api/openapi.json", headers=proxied)
        assert answer.status_code == 403 and "proxy" in plain_error(answer)["message"]
    for host in ("localhost:8000", "127.0.0.2", "[::1]:8000"):
        assert served(create_app(RUBRICS)).get("/api/openapi.json", headers={"Host": host}).status_code == 200
    with TestClient(create_app(RUBRICS, token="s3cret"), base_url="http://awards.example") as guarded:
        assert guarded.get("/api/openapi.json", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_every_answer_is_kept_from_caches_sniffing_and_frames(client: TestClient) -> None:
    answers = [client.get("/api/openapi.json"), client.get(f"/api/rubrics/{DESA}/handbook", params={"format": "html"}),
               client.get("/api/nothing"), client.get(f"/api/rubrics/{DESA}/score"),
               client.post(f"/api/rubrics/{DESA}/score", content=b"[")]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["cache-control"] == "no-store"
        assert "sandbox" in answer.headers["content-security-policy"] and answer.headers["x-frame-options"] == "DENY"
    with served(create_studio(RUBRICS)) as studio:
        page, script = studio.get(f"/rubric/{DESA}"), studio.get("/static/studio.js")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert script.headers["x-content-type-options"] == "nosniff"


# ------------------------------------------------------------------ hostile bodies: refused as the command refuses them


def xlsx_bomb(unpacked: int) -> bytes:
    """A workbook of a few kilobytes whose one sheet unpacks to `unpacked` bytes."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as workbook:
        workbook.writestr("xl/workbook.xml", "<workbook/>")
        workbook.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + " " * unpacked + "</sheetData>"
                          "</worksheet>")
    return packed.getvalue()


def test_a_zip_bomb_posing_as_a_workbook_is_refused_unread(client: TestClient) -> None:
    answer = client.post(f"/api/rubrics/{DESA}/score", params={"name": "bomb.xlsx"}, content=xlsx_bomb(60_000_000))
    [problem] = plain_error(answer)["problems"]
    assert answer.status_code == 422 and "unpacked" in problem["message"]


@pytest.mark.parametrize("body", [b"5", b'"x"', b'{"candidates": 5}', b'{"candidates": [1]}', b"[" * 100_000,
                                  b'{"candidates": [], "candidates": []}', b"\xff\xfe[]", b""])
@pytest.mark.parametrize("route", ["score", "explain", "margins", "audit"])
def test_malformed_or_mistyped_json_is_a_problem_of_the_data(client: TestClient, body: bytes, route: str) -> None:
    answer = client.post(f"/api/rubrics/{DESA}/{route}", content=body)
    if answer.status_code == 200:  # a list of what is not a candidate: each such row rejected in the answer
        assert route in ("score", "audit") and body == b'{"candidates": [1]}'
        return
    error = plain_error(answer)
    assert (answer.status_code, error["kind"]) in ((422, "input"), (400, "usage"))


@pytest.mark.parametrize("body", [b"5\n", b"\x00\n", b"[" * 100_000, b"\xff\n", b'{"kind": "seal"}\n'])
def test_a_malformed_ledger_is_a_finding_not_a_fault(client: TestClient, body: bytes) -> None:
    answer = client.post("/api/replay", content=body)
    assert answer.status_code == 200 and not answer.json()["ok"] and answer.json()["findings"]


def test_work_given_up_after_its_time_limit_keeps_its_place_until_it_ends() -> None:
    """A thread cannot be stopped: slow requests one after the other must not pile up threads without bound."""
    studio = Studio(RUBRICS, Limits(seconds=0.05, at_once=1))
    release = threading.Event()

    async def scenario() -> None:
        with pytest.raises(Refusal) as slow:
            await studio.in_time(release.wait)
        with pytest.raises(Refusal) as busy:
            await studio.in_time(lambda: "never run")
        assert (slow.value.status, busy.value.status, busy.value.kind) == (504, 503, "busy")
        release.set()
        while studio.running:
            await asyncio.sleep(0.01)
        assert await studio.in_time(lambda: "answered") == "answered"
    asyncio.run(scenario())
