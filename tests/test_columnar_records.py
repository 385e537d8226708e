"""Records (JSON Lines, JSON, YAML) in the column lane: the very bytes the row-by-row path writes.

A record's values are typed: JSON numbers, yes/no, lists, null and text. The lane reads a record only when it
reads every value as the data layer does (`batch.tables.record_cells`: a number as its text, a list of texts
as a tuple) and leaves every other record to the row-by-row path. Each test writes records both ways and
compares the output bytes, the audit ledger's too; every comparison also checks that the lane scored some
records itself (`assert_alike`), so that it is never the row-by-row path compared with itself.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from paritrana_rules.batch.run import score_file
from tests.test_columnar_hostile import DESA, DESA_2025, KABKOTA, assert_alike, bundled, lane_counted, tmp_directory

pytest.importorskip("paritrana_rules.batch.columns")

import synth  # the benchmarks' generator, on the path `test_columnar_hostile` set


def json_text(value: Any) -> str:
    """A value as JSON text, a Decimal written as the JSON number of its very digits (`1.50`, `-0.0`)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{json_text(item)}" for key, item in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def typed(value: object) -> object:
    """A generated value as a JSON record holds it: a set as a list of its members, a panel as an object."""
    return sorted(value) if isinstance(value, frozenset) else value


def records(relative: str, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` valid, complete records of realistic candidates for the rubric, their values typed."""
    specs = bundled(relative).input_specs
    return [{"id": row.id, "name": row.name, **{s.name: typed(row.values[s.name]) for s in specs}}
            for row in synth.generate(specs, count, seed, prefix="r")]


def write_lines(path: Path, made: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json_text(record) + "\n" for record in made), encoding="utf-8")
    return path


RUBRICS = (KABKOTA, DESA)  # DESA_2025's jury panel is an object in a record: left to the row-by-row path


@pytest.mark.parametrize("relative", RUBRICS)
def test_realistic_records_score_alike_in_columns(relative: str, tmp_path: Path) -> None:
    """Typed records, as a program writes them, in every form, at the stage each has reached: all in the lane."""
    path = write_lines(tmp_path / "records.jsonl", records(relative, 60, 3))
    assert assert_alike(relative, path, forms=("csv", "table", "jsonl")) == 3 * 60


def test_records_with_a_jury_panel_go_row_by_row_alike(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "records.jsonl", records(DESA_2025, 20, 3))
    assert assert_alike(DESA_2025, path, forms=("csv",), lane=False) == 0


def test_an_audited_batch_of_records_is_byte_identical(tmp_path: Path) -> None:
    """The ledger too: the lane validates each record and the row-by-row path writes its audit record."""
    path = write_lines(tmp_path / "records.jsonl", records(KABKOTA, 40, 5))
    written = []
    for columns in (True, False):
        out, ledger = io.BytesIO(), io.BytesIO()
        with lane_counted() as counts:
            score_file(bundled(KABKOTA), path, out, form="csv", columns=columns, ledger=ledger)
        written.append((out.getvalue(), ledger.getvalue(), sum(counts) > 0))
    assert written[0][:2] == written[1][:2]
    assert written[0][2] and written[0][1].count(b'"kind":"scored"') == 40


# Values a record may hold for any input: numbers written every way JSON allows (and Python's Decimal keeps),
# words, lists, null, yes/no where a number is wanted, nested values.
_ODD_VALUES: list[object] = [
    None, "", "  ", True, False, 0, -0, 7, -3, 10**15, 10**16, 2**63, -(2**63) - 1, Decimal("12.50"),
    Decimal("-0.0"), Decimal("0.000001"), Decimal("1E+3"), Decimal("1.5E-7"), Decimal("123456789012345.6"),
    Decimal("99.999999999999999999"), "12.5", "12,5", " 7 ", "1e3", "-0", "Jawa Timur", "jatim", "perda;perkada",
    "yes", "TIDAK", [], ["perda"], ["perda", "perkada"], ["perda", "perda"], ["Perda "], [1, 2], [["perda"]],
    {"ketua": 80}, ["perda", None], "\u00a0", "٣", "x" * 200,
]


@settings(max_examples=60, deadline=None)
@given(relative=st.sampled_from(RUBRICS), seed=st.integers(0, 1_000),
       edits=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 40), st.sampled_from(_ODD_VALUES) | st.booleans()
                                | st.integers(-10**6, 10**6) | st.decimals(allow_nan=False, allow_infinity=False,
                                                                          places=3)),
                      min_size=1, max_size=10),
       dropped=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 40)), max_size=4))
def test_records_with_values_changed_score_alike(relative: str, seed: int, edits: list[tuple[int, int, object]],
                                                 dropped: list[tuple[int, int]]) -> None:
    """Realistic records with any few values replaced by odd ones, or left out: the same bytes either way. The
    last two records are left as they are, so that the lane always has records to score."""
    made = records(relative, 10, seed)
    names = list(made[0])[2:]  # the inputs: the id and name stay
    for row, column, value in edits:
        made[row][names[column % len(names)]] = value
    for row, column in dropped:
        made[row].pop(names[column % len(names)], None)
    with tmp_directory() as directory:
        assert_alike(relative, write_lines(directory / "odd.jsonl", made), forms=("csv", "jsonl"))


def test_every_odd_value_in_every_input_scores_alike(tmp_path: Path) -> None:
    """Each odd value in each input of a valid record, one record each: the same bytes either way."""
    base = records(KABKOTA, 1, 4)[0]
    made = [{**base, "id": f"odd-{index:04d}", name: value}
            for index, (name, value) in enumerate((name, value) for name in list(base)[2:] for value in _ODD_VALUES)]
    assert_alike(KABKOTA, write_lines(tmp_path / "odd.jsonl", [base, *made]), forms=("csv", "jsonl"))


def test_records_with_a_problem_of_their_own_go_row_by_row(tmp_path: Path) -> None:
    """A key written twice, a name that is not text, a field past its name's limits: reported, as row by row."""
    base = json_text(records(KABKOTA, 1, 4)[0])
    lines = [base, base.replace('"id":"r-', '"id":"twice-').replace("{", '{"berkas_lengkap":true,', 1),
             base.replace('"id":"r-', '"id":"named-').replace('"name":"', '"name":7,"x":"', 1),
             base.replace('"id":"r-', '"id":"long-').replace("{", '{"' + "k" * 300 + '":1,', 1)]
    path = tmp_path / "own.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_alike(KABKOTA, path, forms=("csv", "jsonl"))


# Yes/no and a set arriving at the second stage, without a default: False and an empty list are there (the stage
# is reached), null and blank text are not.
STAGED = """rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places

stage satu
    label id "Satu" en "One"
    advance if lengkap

stage dua
    label id "Dua" en "Two"

input lengkap: yes/no
    label id "Lengkap" en "Complete"

input hadir: yes/no
    from stage dua
    label id "Hadir" en "Present"

input program: set of { a, b }
    from stage dua
    label id "Program" en "Programmes"

criterion dasar weight 50%
    label id "Dasar" en "Base"
    points if lengkap then 100 else 0

criterion kehadiran weight 50%
    label id "Kehadiran" en "Attendance"
    points by table, max of matches
        when hadir -> 100
        when a in program -> 60
        otherwise -> 20
"""


@pytest.mark.parametrize("hadir", [True, False, None, "", " ", "no"])
@pytest.mark.parametrize("program", [[], ["a"], None, "", "a;b"])
def test_a_later_stage_is_reached_as_the_data_layer_decides(hadir: object, program: object, tmp_path: Path) -> None:
    rubric = tmp_path / "staged.rubric"
    rubric.write_text(STAGED, encoding="utf-8")
    made = [{"id": "plain", "lengkap": True, "hadir": True, "program": ["a"]},
            {"id": "odd", "lengkap": True, "hadir": hadir, "program": program}]
    assert_alike(str(rubric), write_lines(tmp_path / "staged.jsonl", made), forms=("csv", "jsonl"))


def test_a_json_document_and_a_yaml_file_score_alike(tmp_path: Path) -> None:
    """The other record formats take the lane too: a JSON document, and YAML (whose reader types its values)."""
    made = records(KABKOTA, 30, 9)
    document = tmp_path / "records.json"
    document.write_text("[" + ",".join(json_text(record) for record in made) + "]", encoding="utf-8")
    assert_alike(KABKOTA, document, forms=("csv",))
    plain = [{key: (format(v, "f") if isinstance(v, Decimal) else v) for key, v in record.items()} for record in made]
    written = tmp_path / "records.yaml"
    written.write_text(yaml.safe_dump({"candidates": plain}, allow_unicode=True), encoding="utf-8")
    assert_alike(KABKOTA, written, forms=("csv",))


def test_a_record_with_an_example_expectation_or_a_repeated_id_goes_row_by_row(tmp_path: Path) -> None:
    made = records(KABKOTA, 6, 2)
    made[1]["expect"] = {"total": "1"}
    made[2]["id"] = made[3]["id"]
    assert_alike(KABKOTA, write_lines(tmp_path / "records.jsonl", made), forms=("csv", "jsonl"))
