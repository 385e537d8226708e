"""Candidate data that no file can use to bring down, hang or swamp a run.

Each hostile input a review found is here, generated in `tmp_path`: each is now
refused quickly, in little memory, as a problem of its own record (or, when
the file cannot be used at all, as one clear problem of the file), and every
other record is still judged. Then a property: whatever text a file holds,
reading and validating it gives records or problems, never another exception,
and one outcome per record of a line format.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.data import (
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    MAX_FIELDS,
    MAX_ITEMS,
    MAX_ROW_CHARS,
    MAX_TEXT_CHARS,
    MAX_XLSX_BYTES,
    Candidate,
    InputSpec,
    RawCandidate,
    Rejected,
    iter_candidates,
    judge,
    judge_candidates,
    validate,
    with_first_origins,
)
from paritrana_rules.data.files import LineReader
from paritrana_rules.errors import InputError, InputProblem
from .test_data import write

T = TypeVar("T")

SPECS = (
    InputSpec("x", "number"),
    InputSpec("s", "set_of", members=("pkh", "bpnt"), has_default=True, default=frozenset()),
    InputSpec("t", "text", has_default=True, default="-"),
)
GOOD_LINES = "".join(f'{{"id": "c{n}", "x": {n}}}\n' for n in range(3))


def quickly(action: Callable[[], T], seconds: float = 10.0, megabytes: float | None = None) -> T:
    """`action()`, which must take less than `seconds` (a blow-up guard, wide enough for a loaded machine: the
    work takes a fraction of a second, and a blow-up tens of seconds or more), and then, run again with its allocations traced (which
    slows it down), less than `megabytes` at its peak."""
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    if megabytes is not None:
        tracemalloc.start()
        try:
            action()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < megabytes * 1e6, f"took {peak / 1e6:.0f} MB"
    return result


def judged(path: Path, megabytes: float | None = None) -> list[Candidate | Rejected]:
    return quickly(lambda: judge_candidates(path, SPECS), megabytes=megabytes)


def file_problem(path: Path, megabytes: float | None = None) -> InputProblem:
    """The one problem of a file that cannot be used, found quickly."""
    def read() -> list[InputProblem]:
        with pytest.raises(InputError) as caught:
            judge_candidates(path, SPECS)
        return caught.value.problems
    [problem] = quickly(read, megabytes=megabytes)
    assert problem.candidate == str(path) and problem.hint
    return problem


def refused(values: dict[str, object], specs: tuple[InputSpec, ...] = SPECS,
            megabytes: float | None = None) -> list[InputProblem]:
    """The problems `validate` finds in `values`, found quickly."""
    def check() -> list[InputProblem]:
        with pytest.raises(InputError) as caught:
            validate(values, specs, "c")
        return caught.value.problems
    return quickly(check, megabytes=megabytes)


def outcome(outcomes: list[Candidate | Rejected]) -> tuple[list[str], dict[str, list[tuple[str | None, str]]]]:
    """The ids scored, and each rejected record's problems as (field, message)."""
    scored = [o.id for o in outcomes if isinstance(o, Candidate)]
    rejected = {o.id: [(p.field, p.message) for p in o.problems] for o in outcomes if isinstance(o, Rejected)}
    return scored, rejected


def writable(outcomes: list[Candidate | Rejected]) -> None:
    """Everything a run reports of these outcomes can be written as UTF-8 (an audit ledger, a table)."""
    for o in outcomes:
        texts = [o.id, o.name or "", o.origin]
        if isinstance(o, Rejected):
            texts += [p.render() for p in o.problems]
        "".join(texts).encode("utf-8")


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize("number", ["1e999999999", "1e99999999999", "1e-999999999", "-1E+999999999999999999"])
def test_a_number_with_a_huge_exponent_rejects_its_record_only(tmp_path: Path, number: str) -> None:
    path = write(tmp_path, "c.jsonl", GOOD_LINES + f'{{"id": "bad", "x": {number}}}\n' + GOOD_LINES.replace("c", "d"))
    scored, rejected = outcome(judged(path, megabytes=16))
    assert scored == ["c0", "c1", "c2", "d0", "d1", "d2"]
    [(field, message)] = rejected["bad"]
    assert field == "x" and message.startswith(f"{number} is too large or too precise to score")


def test_a_huge_json_integer_rejects_its_record_not_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", f'[{{"id": "a", "x": 1}}, {{"id": "b", "x": {"9" * 5000}}}, {{"id": 7}}]')
    scored, rejected = outcome(judged(path))
    assert scored == ["a"]
    assert rejected["b"] == [("x", f"the number {'9' * 39}… is 5,000 characters long; at most 100 are allowed")]
    assert rejected["7"] == [("x", "missing value")]  # a short integer id still reads as its text


@pytest.mark.parametrize("raw", ["0." + "0" * 30 + "1", "0." + "0" * 25, Decimal("1e-999999999"), Decimal("0E-999999999")])
def test_a_number_with_too_many_decimal_places_is_refused(raw: object) -> None:
    [problem] = refused({"x": raw}, SPECS[:1])
    assert "too large or too precise" in problem.message and len(problem.message) < 200


def test_number_text_is_measured_before_it_is_converted() -> None:
    [problem] = refused({"x": "1" * 5_000}, SPECS[:1])
    assert problem.message == f"expected a number, got '{'1' * 38}…"
    assert problem.hint == "a number is written in at most 100 characters"


def test_a_huge_value_is_shown_short_without_being_rendered_whole() -> None:
    huge_int = 7 ** 2_000_000  # about 1.7 million digits: converting them took minutes
    huge_text = "ab" * 5_000_000
    messages = [p.message for p in refused({"x": huge_int, "s": huge_text, "t": ["x"]}, megabytes=32)]
    assert messages[0].startswith("a whole number of about 1,690,19")
    assert messages[1] == "the value is 10,000,000 characters long; at most 10,000 are allowed"
    assert all(len(message) < 300 for message in messages)


# ------------------------------------------------------------------ YAML aliases


@pytest.mark.parametrize("text", ["- &a [*a]\n", "- &a {id: x, x: *a}\n", "candidates: &c\n- {id: a, s: *c}\n"])
def test_an_alias_inside_the_value_it_names_is_refused(tmp_path: Path, text: str) -> None:
    problem = file_problem(write(tmp_path, "c.yaml", text))
    assert "is used inside the value it names, which would make it endless" in problem.message


def laughs(levels: int) -> str:
    lines = ['  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "- id: x\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 9, 12])
def test_a_billion_laughs_is_refused_before_it_is_built(tmp_path: Path, levels: int) -> None:
    path = write(tmp_path, "c.yaml", laughs(levels))
    assert path.stat().st_size < 1000
    problem = file_problem(path, megabytes=16)
    assert problem.message.endswith(f"the aliases (*name) stand for more than {MAX_ALIAS_VALUES:,} values in all")


def test_aliases_within_the_budget_are_read_and_checked_once(tmp_path: Path) -> None:
    text = "candidates:\n- &base {id: a, x: 1, t: &long " + "y" * 5000 + "}\n"
    text += "".join(f"- {{<<: *base, id: c{n}, s: [*long]}}\n" for n in range(300))
    scored, rejected = outcome(judged(write(tmp_path, "c.yaml", text)))
    assert scored == ["a"]
    assert rejected["c0"] == [("s", "'" + "y" * 38 + "… is not one of: pkh, bpnt")]


# ------------------------------------------------------------------ .xlsx workbooks


def workbook(path: Path, rows: Iterable[str], shared: Iterable[str] = ()) -> Path:
    """A minimal workbook whose sheet rows and shared strings are written a piece at a time."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {main} xmlns:r="{relations}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, start, pieces, end in [("xl/worksheets/sheet1.xml", f"<worksheet {main}><sheetData>", rows,
                                          "</sheetData></worksheet>"), ("xl/sharedStrings.xml", f"<sst {main}>",
                                                                        shared, "</sst>")]:
            with archive.open(name, "w") as part:
                part.write(start.encode())
                for piece in pieces:
                    part.write(piece.encode())
                part.write(end.encode())
    return path


def row(number: int, *cells: str, columns: str = "ABCDEFGH") -> str:
    inline = "".join(f'<c r="{column}{number}" t="inlineStr"><is><t>{cell}</t></is></c>'
                     for column, cell in zip(columns, cells, strict=False))
    return f'<row r="{number}">{inline}</row>'


HEADER_AND_TWO = [row(1, "id", "x"), row(2, "a", "1"), row(3, "b", "2")]


def test_a_plain_workbook_reads(tmp_path: Path) -> None:
    scored, rejected = outcome(judged(workbook(tmp_path / "c.xlsx", HEADER_AND_TWO)))
    assert (scored, rejected) == (["a", "b"], {})


def test_a_workbook_that_unpacks_past_the_limit_is_refused_unopened(tmp_path: Path) -> None:
    strings = (f"<si><t>{'a' * 1000}</t></si>" * 1000 for _ in range(MAX_XLSX_BYTES // 1_000_000 + 1))
    path = workbook(tmp_path / "c.xlsx", HEADER_AND_TWO, strings)
    assert path.stat().st_size < 500_000
    assert file_problem(path, megabytes=16).message.endswith(f"bytes unpacked; at most {MAX_XLSX_BYTES:,} are read")


def test_a_part_that_expands_like_a_bomb_is_refused(tmp_path: Path) -> None:
    strings = ("<si><t>a</t></si>" * 10_000 for _ in range(30))  # 5 MB of XML in a few kilobytes
    problem = file_problem(workbook(tmp_path / "c.xlsx", HEADER_AND_TWO, strings), megabytes=16)
    assert problem.message.startswith("its part 'xl/sharedStrings.xml' would expand")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([row(1, "id", "x"), '<row r="2">' + "".join(f"<c><v>{n}</v></c>" for n in range(2000)) + "</row>"],
         f"a row of the workbook has 2,000 cells; at most {MAX_FIELDS} are read"),
        ([*HEADER_AND_TWO, '<row r="4"><c r="CW4"><v>1</v></c></row>'],
         f"a cell lies in column 101; at most {MAX_FIELDS} columns are read"),
        ([*HEADER_AND_TWO, '<row r="99999999999999"><c r="A99999999999999"><v>1</v></c></row>'],
         "a row is numbered past 1,048,576, the last row a spreadsheet can have"),
    ],
)
def test_a_sheet_openpyxl_would_expand_is_refused(tmp_path: Path, rows: list[str], message: str) -> None:
    assert file_problem(workbook(tmp_path / "c.xlsx", rows), megabytes=16).message == message


# ------------------------------------------------------------------ CSV rows


def test_one_overlong_csv_row_rejects_only_itself(tmp_path: Path) -> None:
    rows = [f"c{n},1" for n in range(1000)] + ["big," + "9" * 131_073] + [f"d{n},1" for n in range(1000)]
    path = write(tmp_path, "c.csv", "id,x\n" + "\n".join(rows) + "\n")
    outcomes = judged(path, megabytes=16)
    scored, rejected = outcome(outcomes)
    assert len(scored) == 2000
    assert rejected == {f"{path}, row 1002": [(None, "expected a candidate (field: value pairs): the row is "
                                                      f"131,078 characters long; at most {MAX_ROW_CHARS:,} are read")]}


def test_an_overlong_quoted_cell_over_many_lines_is_skipped_to_its_end(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", 'id,t,x\na,"ok, fine",1\nb,"' + "x,\n" * 40_000 + '",2\nc,"y",3\n')
    scored, rejected = outcome(judged(path))
    assert scored == ["a", "c"]
    assert list(rejected) == [f"{path}, row 3"]


def test_a_long_cell_within_its_row_is_a_problem_of_its_field(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", f"id,x,t\na,1,{'y' * 20_000}\nb,2,z\n")
    scored, rejected = outcome(judged(path))
    assert scored == ["b"]
    assert rejected == {"a": [("t", f"the value is 20,000 characters long; at most {MAX_TEXT_CHARS:,} are allowed")]}


def test_an_overlong_json_line_rejects_only_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "c.jsonl", GOOD_LINES + '{"id": "big", "t": "' + "y" * 300_000 + '"}\n' + GOOD_LINES.replace("c", "d"))
    outcomes = judged(path)
    assert [o.origin for o in outcomes if isinstance(o, Rejected)] == [f"{path}, line 4"] and len(outcomes) == 7


def test_a_csv_header_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "id," + ",".join(f"c{n}" for n in range(200)) + "\na,1\n")
    assert file_problem(path).message == f"the header has 201 columns; at most {MAX_FIELDS} are read"


# ------------------------------------------------------------------ ids, names and field names


def test_a_long_id_repeated_is_refused_without_being_remembered_or_repeated(tmp_path: Path) -> None:
    long_id = "x" * 200_000
    path = write(tmp_path, "c.yaml", f"- {{id: &i {long_id}, x: 1}}\n" + "- {id: *i, x: 1}\n" * 1000)
    assert path.stat().st_size < 250_000
    outcomes = judged(path)
    rejected = [o for o in outcomes if isinstance(o, Rejected)]
    assert len(rejected) == len(outcomes) == 1001
    assert sum(len(p.render()) for o in rejected for p in o.problems) < 1001 * 300  # was 200 MB of problems
    assert outcome(outcomes)[1][f"{path}, candidate 1 (line 1)"] == [
        ("id", "the id is 200,000 characters long; at most 100 are allowed")]


def test_long_names_and_field_names_are_problems_of_their_record(tmp_path: Path) -> None:
    record = {"id": "a", "name": "n" * 400, "k" * 150: 1, "x": 1}
    path = write(tmp_path, "c.json", json.dumps([record, {"id": "b", "x": 2}]))
    scored, rejected = outcome(judged(path))
    assert scored == ["b"]
    assert [field for field, _ in rejected["a"]] == ["name", None]


def test_a_record_with_too_many_fields_is_one_problem(tmp_path: Path) -> None:
    record = {"id": "a", **{f"f{n}": n for n in range(5000)}}
    path = write(tmp_path, "c.jsonl", json.dumps(record) + "\n" + GOOD_LINES)
    outcomes = judged(path)
    [bad] = [o for o in outcomes if isinstance(o, Rejected)]
    assert [p.message for p in bad.problems] == [
        "expected a candidate (field: value pairs): the record has 5,001 fields; at most 100 are allowed"]


# ------------------------------------------------------------------ nesting


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("name", ["c.json", "c.jsonl"])
def test_a_value_nested_900_deep_rejects_its_record_only(tmp_path: Path, name: str) -> None:
    records = ['{"id": "a", "x": 1}', f'{{"id": "deep", "x": {nested(900)}}}', '{"id": "b", "x": 2}']
    text = "[" + ", ".join(records) + "]" if name == "c.json" else "\n".join(records) + "\n"
    scored, rejected = outcome(judged(write(tmp_path, name, text), megabytes=16))
    assert scored == ["a", "b"]
    assert rejected == {"deep": [("x", f"the value is nested more than {MAX_DEPTH} levels deep")]}


def test_a_json_line_nested_past_the_parser_rejects_only_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "c.jsonl", GOOD_LINES + f'{{"id": "deep", "x": {nested(50_000)}}}\n' + GOOD_LINES)
    assert len(judged(path)) == 7


def test_a_yaml_value_nested_deeply_in_blocks_rejects_its_record_only(tmp_path: Path) -> None:
    block = "".join("  " * (level + 2) + "-\n" for level in range(100))
    path = write(tmp_path, "c.yaml", f"- {{id: a, x: 1}}\n- id: deep\n  x:\n{block}- {{id: b, x: 2}}\n")
    scored, rejected = outcome(judged(path))
    assert scored == ["a", "b"]
    assert rejected == {"deep": [("x", f"the value is nested more than {MAX_DEPTH} levels deep")]}


def test_yaml_brackets_nested_too_deeply_make_the_file_unreadable(tmp_path: Path) -> None:
    problem = file_problem(write(tmp_path, "c.yaml", f"- {{id: a, x: {nested(900)}}}\n" * 100))
    assert problem.message == "line 1, column 48: brackets are nested more than 35 levels deep"


def test_a_value_nested_deeply_in_python_is_refused_without_recursion() -> None:
    value: list[object] = []
    for _ in range(100_000):
        value = [value]
    assert [p.message for p in refused({"x": value, "s": value})] == [
        f"the value is nested more than {MAX_DEPTH} levels deep"] * 2


# ------------------------------------------------------------------ sets and panels


def test_a_set_of_many_unknown_members_is_refused_at_once(tmp_path: Path) -> None:
    members = [f"m{n}" for n in range(20_000)]
    path = write(tmp_path, "c.json", json.dumps([{"id": "a", "x": 1, "s": members}, {"id": "b", "x": 2}]))
    scored, rejected = outcome(judged(path, megabytes=16))
    assert scored == ["b"]
    assert rejected == {"a": [("s", f"20,000 values are listed; at most {MAX_ITEMS} are allowed")]}


def test_a_set_lists_each_repeat_and_unknown_once_without_quadratic_work() -> None:
    assert [p.message for p in refused({"s": ["pkh"] * 50 + ["zz"] * 50}, SPECS[1:2])] == [
        "'pkh' is listed more than once", "'zz' is not one of: pkh, bpnt"]


def test_a_panel_of_too_many_jurors_or_long_names_is_refused() -> None:
    spec = (InputSpec("p", "panel", aggregate="mean"),)
    for scores, message in [({f"j{n}": 80 for n in range(500)}, "500 jurors are listed; at most 100 are allowed"),
                            ({"j" * 400: 80}, "a juror's name is 400 characters long; at most 300 are allowed")]:
        assert [p.message for p in refused({"p": scores}, spec)] == [message]


# ------------------------------------------------------------------ text that is not Unicode


RUBRIC = """rubric "Paritrana Award" edition 2024 period 2023
category pemerintah_desa
label id "Pemerintah Desa" en "Village Government"
scale 0 to 100
rounding half_up to 2 places
input catatan: text
    label id "Catatan" en "Note"
input x: number
    between 0 and 100
    label id "X" en "X"
criterion c weight 100%
    label id "C" en "C"
    points x
"""


@pytest.mark.parametrize(("inputs", "candidate", "field"),
                         [({"x": 1, "catatan": "a\ud800"}, "c1", "catatan"), ({"x": 1, "catatan": "a"}, "c\ud800", "id")])
def test_the_api_refuses_text_that_no_ledger_can_hold(inputs: dict[str, object], candidate: str, field: str) -> None:
    rubric = pr.loads(RUBRIC, "hostile.rubric")
    with pytest.raises(pr.InputError) as caught:
        rubric.evaluate(inputs, candidate)
    [problem] = caught.value.problems
    assert problem.field == field and "not valid Unicode" in problem.message
    str(caught.value).encode("utf-8")


def test_validate_refuses_a_name_that_is_not_unicode() -> None:
    with pytest.raises(InputError) as caught:
        validate({"x": 1}, SPECS[:1], "c", name="n\udc00")
    assert [(p.candidate, p.field) for p in caught.value.problems] == [("c", "name")]


def test_a_record_built_in_python_is_held_to_the_same_limits() -> None:
    raw = RawCandidate("a\ud800", "n" * 1000, {"x": "1", "\udc00": 2}, "here\udcff")
    judged_raw = judge(raw, SPECS, None)
    assert isinstance(judged_raw, Rejected)
    assert [p.field for p in judged_raw.problems] == ["id", "name", "\\udc00"]
    writable([judged_raw])


def test_a_repeated_id_is_found_whatever_its_first_origin_holds() -> None:
    raws = [RawCandidate("a", None, {"x": "1"}, "frame\udcff, row 2"), RawCandidate("a", None, {"x": "2"}, "row 3")]
    outcomes = [judge(raw, SPECS, first) for raw, first in with_first_origins(raws)]
    writable(outcomes)
    assert [type(o) for o in outcomes] == [Candidate, Rejected]
    assert outcomes[1].problems[0].message == "id 'a' is already used by frame\\udcff, row 2"  # type: ignore[union-attr]


def test_surrogate_escapes_in_a_file_reject_their_record(tmp_path: Path) -> None:
    path = write(tmp_path, "c.jsonl", '{"id": "a\\ud800", "x": 1}\n{"id": "b", "x": 2, "t": "\\udc00"}\n' + GOOD_LINES)
    outcomes = judged(path)
    writable(outcomes)
    scored, rejected = outcome(outcomes)
    assert scored == ["c0", "c1", "c2"]
    assert rejected["b"] == [("t", "the value holds text that is not valid Unicode (a lone surrogate such as "
                                   "\\ud800)")]


# ------------------------------------------------------------------ standard input


def stdin_of(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_standard_input_reads_in_the_format_named(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_of(monkeypatch, b"id,x\na,1\nb,2\n")
    assert [(r.id, r.origin) for r in iter_candidates("-", "csv")] == [("a", "<stdin>, row 2"), ("b", "<stdin>, row 3")]


def test_standard_input_needs_its_format(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_of(monkeypatch, b"id,x\na,1\n")
    with pytest.raises(InputError) as caught:
        list(iter_candidates("-"))
    assert [(p.candidate, p.message) for p in caught.value.problems] == [
        ("<stdin>", "the format of standard input is not known")]


def test_a_workbook_reads_from_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_of(monkeypatch, workbook(tmp_path / "c.xlsx", HEADER_AND_TWO).read_bytes())
    assert [r.id for r in iter_candidates("-", "xlsx")] == ["a", "b"]


# ------------------------------------------------------------------ any text at all

NUMBERS = st.sampled_from(["0", "-0.0", "12.5", "1e3", "1e999999999", "1e-999999999", "-1E+99999999999", "9" * 150,
                           "0." + "0" * 120 + "1", "NaN", "-Infinity", "true", "null"])
STRINGS = st.sampled_from(['"a"', '"pkh;bpnt"', '"\\ud800"', '"x\\udc00"', '"\\u0000\\t"', '"' + "y" * 12_000 + '"',
                           '"' + "k" * 150 + '"'])
KEYS = st.sampled_from(['"id"', '"x"', '"s"', '"t"', '"\\ud800"', '"' + "f" * 150 + '"'])


def json_containers(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """JSON lists and objects of `inner` values, as text."""
    lists = st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    objects = st.lists(st.tuples(KEYS, inner), max_size=5).map(
        lambda pairs: "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}")
    return lists | objects


JSON_VALUES = st.recursive(NUMBERS | STRINGS | st.integers(0, 1200).map(nested), json_containers, max_leaves=12)
JSON_LINES = st.lists(JSON_VALUES | st.text(max_size=20), max_size=6).map("\n".join)
YAML_TEXT = st.lists(st.sampled_from([
    "- id: a", "  x: 1e999999999", "  x: &a [1, *a]", "- &b {id: b, x: 2}", "- *b", "  s: *b", "  <<: *b",
    "  t: " + nested(20), "- {id: c, x: " + nested(40) + "}", '- id: "\\ud800"', "  t: \x07", "\t- x", "candidates:",
    "  n: 0." + "0" * 120 + "1", laughs(9), "- id: d\n  x:\n" + "".join("  " * (n + 2) + "-\n" for n in range(40)),
]), max_size=10).map("\n".join)
CELLS = st.sampled_from(["a", "1", "", " ", "1e999999999", "9" * 150, '"quoted, comma"', '"two\nlines"', '"open',
                         'a"b', "y" * 20_000, "pkh;bpnt", "\x1f", "\r"])
CSV_TEXT = st.lists(st.lists(CELLS, max_size=4).map(",".join), max_size=8).map(lambda rows: "id,x,s\n" + "\n".join(rows))


def expected_lines(text: str) -> int:
    return sum(1 for line in io.StringIO(text.removeprefix("\ufeff"), newline="") if line.strip())


def expected_rows(text: str) -> int:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))[1:]
    return sum(1 for cells in rows if any(cell.strip() for cell in cells))


def judged_or_unreadable(folder: str, name: str, text: str) -> list[Candidate | Rejected] | None:
    try:
        outcomes = judge_candidates(write(Path(folder), name, text), SPECS)
    except InputError as error:
        assert error.problems
        return None
    assert all(isinstance(o, Candidate) or o.problems for o in outcomes)
    writable(outcomes)
    return outcomes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(JSON_LINES, YAML_TEXT, CSV_TEXT)
def test_any_text_gives_records_or_problems_and_one_outcome_per_line(lines: str, yaml_text: str, csv_text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        outcomes = judged_or_unreadable(folder, "c.jsonl", lines)
        assert outcomes is not None and len(outcomes) == expected_lines(lines)  # a line format never fails whole
        judged_or_unreadable(folder, "c.json", "[" + lines.replace("\n", ", ") + "]")
        judged_or_unreadable(folder, "c.yaml", yaml_text)
        outcomes = judged_or_unreadable(folder, "c.csv", csv_text)
        assert outcomes is None or len(outcomes) == expected_rows(csv_text)


def test_a_name_with_a_lone_surrogate_is_refused_through_the_api_too() -> None:
    root = Path(__file__).resolve().parents[1]
    rubric = pr.load(root / "rubrics/2024/pemerintah-desa.rubric")
    candidates, _ = pr.load_candidates(root / "examples/2024/pemerintah-desa.yaml", rubric.input_specs)
    values = dict(candidates[0].values)
    with pytest.raises(pr.InputError):
        rubric.evaluate(values, "desa-x", name="Desa \ud800")


@given(st.lists(st.sampled_from(["x", "yz", "\r", "\n", "\r\n"]), max_size=30), st.integers(1, 6))
def test_lines_read_a_few_characters_at_a_time_never_split_a_crlf(pieces: list[str], size: int) -> None:
    """However few characters a read may take, a CRLF stays in one read and every line ends where a whole
    reading ends it: the reads join up to the text, and each line ending is the end of a read."""
    text = "".join(pieces)
    reader, reads = LineReader(io.StringIO(text, newline="")), []
    while read := reader.readline(size):
        reads.append(read)
    assert "".join(reads) == text
    ends = {len("".join(reads[:n + 1])) for n in range(len(reads))}
    whole = io.StringIO(text, newline="").readlines()
    assert {len("".join(whole[:n + 1])) for n in range(len(whole))} <= ends
    assert not any(read.endswith("\r") and text[len("".join(reads[:n + 1])):].startswith("\n")
                   for n, read in enumerate(reads))


def test_an_id_holding_a_nul_is_rejected_not_taken_for_the_text_before_it(tmp_path: Path) -> None:
    """Ids are kept in SQLite to find repeated ones, which ends text at a NUL: 'a\\0b' and 'a\\0c' would both be
    'a'. Such an id is a problem of its record; 'a' itself is scored."""
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps({"id": candidate, "x": "1"}) + "\n" for candidate in ("a\0b", "a\0c", "a")),
                    encoding="utf-8")
    judged = judge_candidates(path, [InputSpec("x", "number")])
    assert [type(j).__name__ for j in judged] == ["Rejected", "Rejected", "Candidate"]
    assert "NUL" in judged[0].problems[0].message  # type: ignore[union-attr]
