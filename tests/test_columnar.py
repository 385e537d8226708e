"""The column back end against the scalar one: the same numbers, statuses, ranks and rejections, row for row.

Two paths that must agree (`compile.columnar` and `compile.codegen`; the column lane of a batch and the
row-by-row path) are run on the same rubrics and candidates: generated rubrics, every bundled rubric at
every stage with generated candidates, and whole batches with planted mistakes and values past the columns'
range. A row the column path leaves to the scalar path must be rare and must still come out the same.
"""

from __future__ import annotations

import functools
import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.batch.run import score_file
from paritrana_rules.batch.tables import Table, missing, numbers
from paritrana_rules.compile.column_values import Fixed, Unsupported, columns_of, decimal_of
from paritrana_rules.compile.columnar import columns, statuses
from paritrana_rules.data import Candidate, InputSpec
from paritrana_rules.data.specs import Invalid
from paritrana_rules.data.values import input_value, is_missing, validate
from paritrana_rules.numeric import fixed_texts, plain

from .strategies import candidate_inputs, small_rubric

np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[1]
ALL_RUBRICS = sorted(p.relative_to(ROOT) for p in (ROOT / "rubrics").rglob("*.rubric"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402  (the benchmarks' generator of realistic candidates)


@functools.cache
def bundled(relative: Path) -> pr.CompiledRubric:
    return pr.load(ROOT / relative)


def assert_alike(view: Any, values: list[dict[str, Any]]) -> int:
    """Score `values` with `view` both ways; every row the columns keep must match. Returns how many they kept."""
    program = columns(view.program)
    inputs, unread = columns_of(view.input_specs, values)
    scores = program.run(inputs, len(values))
    status = statuses(view.program, scores)
    kept = 0
    for index, row in enumerate(values):
        if unread[index] or scores.scalar[index]:
            continue
        kept += 1
        result = view.evaluate_candidate(Candidate(f"row-{index}", None, row, "generated"), trace=False)
        assert (decimal_of(scores.total[index], scores.scale), str(status[index])) == (result.total, result.status)
        assert {k: decimal_of(v[index], scores.scale) for k, v in scores.points.items()} == result.points
        assert {g.name: g.passed for g in result.gates} == {k: bool(v[index]) for k, v in scores.gates.items()}
        assert [(s.name, s.advanced, s.total) for s in result.stages] == [
            (name, bool(advanced[index]),
             None if scores.provisional[name] is None else decimal_of(scores.provisional[name][index], scores.scale))
            for name, advanced in scores.advanced.items()]
        assert {f"{a.kind}:{a.name}": a.applied for a in result.adjustments} == {
            k: bool(v[index]) for k, v in scores.applied.items()}
        assert str(decimal_of(scores.total[index], scores.scale)) == str(result.total)  # to the last digit shown
    return kept


def known_at(view: Any, values: dict[str, Any]) -> dict[str, Any]:
    """A candidate's values as validated at the view's stage: later inputs left out, defaults filled in."""
    names = {spec.name for spec in view.input_specs}
    return validate({k: v for k, v in values.items() if k in names}, view.input_specs, "generated")


@given(small_rubric(), st.data())
def test_generated_rubrics_score_alike_in_columns(text: str, data: st.DataObject) -> None:
    try:
        rubric = pr.loads(text, "generated.rubric")
    except pr.RubricError:
        return
    candidates = data.draw(st.lists(candidate_inputs(rubric.input_specs), min_size=1, max_size=8))
    for stage in range(len(rubric.stage_names) or 1):
        view = rubric.at_stage(stage)
        try:
            assert_alike(view, [known_at(view, c) for c in candidates])
        except Unsupported as why:  # a construct the columns refuse, e.g. a product of two quotients
            assert why.construct and why.why


@pytest.mark.parametrize("relative", ALL_RUBRICS, ids=str)
@settings(max_examples=3)
@given(st.data())
def test_every_bundled_rubric_scores_alike_in_columns(relative: Path, data: st.DataObject) -> None:
    rubric = bundled(relative)
    candidates = data.draw(st.lists(candidate_inputs(rubric.input_specs), min_size=1, max_size=12))
    for stage in range(len(rubric.stage_names) or 1):
        view = rubric.at_stage(stage)
        assert_alike(view, [known_at(view, c) for c in candidates])


def test_realistic_candidates_score_alike_and_stay_in_columns(tmp_path: Path) -> None:
    """Thousands of realistic rows of the 2024 originals: all of them are kept by the columns, and agree."""
    for name in ("kabupaten-kota", "pemerintah-desa", "perusahaan-besar"):
        path = ROOT / "rubrics" / "2024" / f"{name}.rubric"
        rubric = bundled(path.relative_to(ROOT))
        synth.write(path, tmp_path / f"{name}.csv", 2_000, seed=7)
        candidates, rejected = pr.load_candidates(tmp_path / f"{name}.csv", rubric.input_specs)
        assert not rejected
        assert assert_alike(rubric, [dict(c.values) for c in candidates]) == len(candidates)


LARGE = """rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places
input a: number
input b: number
let hasil = a * b
criterion c weight 100%
    points by band of hasil
        below 10 -> 0
        from 10 -> 100
"""


def test_rows_past_the_columns_range_are_left_to_the_scalar_path() -> None:
    rubric = pr.loads(LARGE, "large.rubric")
    values = [{"a": Decimal("99999999999999"), "b": Decimal("99999999999999")},
              {"a": Decimal("3"), "b": Decimal("4")}, {"a": Decimal("0.000000001"), "b": Decimal("1")},
              {"a": Decimal("0.0000000001"), "b": Decimal("1")}]
    inputs, unread = columns_of(rubric.input_specs, values)
    scores = columns(rubric.program).run(inputs, len(values))
    assert list(scores.scalar | unread) == [True, False, False, True]  # past 10^18; more than 9 decimal places
    assert_alike(rubric, values)


@pytest.mark.parametrize(("points", "construct"), [
    ("ratio(a, b, if zero 0) + ratio(b, a, if zero 0)", "sum of two quotients"),
    ("ratio(a, b, if zero 0) * a", "product with a quotient"),
    ("ratio(a, b, if zero 0) * 3", "product with a quotient"),
])
def test_what_the_columns_refuse_is_named_with_its_line(points: str, construct: str) -> None:
    text = LARGE.replace("let hasil = a * b", f"let hasil = clamp({points}, 0, 100)")
    rubric = pr.loads(text, "refused.rubric")
    with pytest.raises(Unsupported) as refused:
        columns(rubric.program)
    assert refused.value.construct == construct
    assert "refused.rubric:8:" in str(refused.value)


def test_a_quotient_times_twos_and_fives_stays_exact() -> None:
    text = LARGE.replace("let hasil = a * b", "let hasil = clamp(ratio(a, b, if zero 0) * 12.5, 0, 100)")
    rubric = pr.loads(text, "kept.rubric")
    values = [{"a": Decimal(a), "b": Decimal(b)} for a, b in [("1", "3"), ("4", "5"), ("2", "2.5"), ("0", "0"),
                                                               ("7", "0.8"), ("0.8", "1")]]
    assert assert_alike(rubric, values) == len(values)


# ------------------------------------------------------------------ numbers read as the data layer reads them

_NUMBER_TEXT = st.text(alphabet="0123456789.-+ e,", max_size=22) | st.decimals(
    allow_nan=False, allow_infinity=False, places=4).map(str)


@given(st.lists(_NUMBER_TEXT, min_size=1, max_size=20), st.sampled_from(["number", "count"]))
def test_a_number_the_lane_reads_is_the_one_the_data_layer_reads(cells: list[str], kind: str) -> None:
    spec = InputSpec("x", kind)  # type: ignore[arg-type]
    unread = np.zeros(len(cells), dtype=bool)
    column = numbers(spec, list(cells), unread)
    assert isinstance(column, Fixed)
    for index, cell in enumerate(cells):
        if unread[index]:
            continue
        value, _ = input_value(spec, cell, True)  # what the row-by-row path reads: never Invalid here
        assert decimal_of(column.ints[index], column.scale) == value


def test_the_lane_leaves_what_the_data_layer_refuses() -> None:
    spec = InputSpec("x", "count", lower=Decimal(0))
    cells = ["12", "12.5", "-3", "", " 7", "1e3", "007", "12,5", "9" * 16]
    unread = np.zeros(len(cells), dtype=bool)
    numbers(spec, cells, unread)
    assert list(~unread) == [True, False, False, False, False, False, True, False, False]
    for cell, kept in zip(cells, ~unread, strict=True):
        if not kept:
            continue
        try:
            input_value(spec, cell, True)
        except Invalid:  # pragma: no cover - would be a disagreement
            pytest.fail(f"the lane read {cell!r}, which the data layer refuses")


# ------------------------------------------------------------------ whole batches: the lane against the row-by-row path


def batch(rubric: Any, data: Path, form: str, *, columns: bool, **options: Any) -> tuple[bytes, Any]:
    out = io.BytesIO()
    report = score_file(rubric, data, out, form=form, columns=columns, **options)
    return out.getvalue(), report


@pytest.mark.parametrize("relative", [
    "rubrics/2024/kabupaten-kota.rubric",  # ranked within provinces, nominations, stages
    "rubrics/2024/pemerintah-desa.rubric",  # a text input (the regency), sets
    "rubrics/2025/pemerintah-desa.rubric",  # a jury panel: its rows go row by row
    "rubrics/2025/kabupaten-kota-nasional.rubric",  # zones, a cut by rank, placings
    "rubrics/2023/perusahaan-besar.rubric",
])
@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_batch_in_columns_is_byte_identical_to_row_by_row(relative: str, lang: str, tmp_path: Path) -> None:
    """In both languages: Indonesian headings and status words come out of the lane as out of the row-by-row path."""
    rubric = pr.load(ROOT / relative)
    data = tmp_path / "candidates.csv"
    synth.write(ROOT / relative, data, 800, seed=3, bad_share=0.05)
    _repeat_an_id_and_blank_a_cell(data)
    for form in ("csv", "table", "xlsx"):
        fast, report = batch(rubric, data, form, columns=True, lang=lang)
        slow, slow_report = batch(rubric, data, form, columns=False, lang=lang)
        assert fast == slow
        assert (report.rows, report.rejected) == (slow_report.rows, slow_report.rejected)
        assert report.row_by_row is None


def test_a_batch_in_columns_across_processes_is_identical(tmp_path: Path) -> None:
    """Worker processes rebuild the lane from its pickle: two of them give the rows one process gives."""
    relative = "rubrics/2024/kabupaten-kota.rubric"
    data = tmp_path / "candidates.csv"
    synth.write(ROOT / relative, data, 10_500, seed=4, bad_share=0.02)  # three tasks of up to 5,000 rows
    rubric = pr.load(ROOT / relative)
    assert batch(rubric, data, "csv", columns=True, jobs=2)[0] == batch(rubric, data, "csv", columns=False)[0]


def test_a_batch_at_a_stage_asked_for_is_identical(tmp_path: Path) -> None:
    relative = "rubrics/2024/kabupaten-kota.rubric"
    rubric = pr.load(ROOT / relative)
    data = tmp_path / "candidates.csv"
    synth.write(ROOT / relative, data, 600, seed=5, bad_share=0.05)
    for stage in rubric.stage_names:
        assert batch(rubric, data, "csv", columns=True, stage=stage)[0] == \
            batch(rubric, data, "csv", columns=False, stage=stage)[0]


def test_a_rubric_the_columns_refuse_says_why_and_scores_the_same(tmp_path: Path) -> None:
    text = LARGE.replace("let hasil = a * b", "let hasil = clamp(ratio(a, b, if zero 0) * a, 0, 100)")
    rubric = pr.loads(text, "refused.rubric")
    data = tmp_path / "c.csv"
    data.write_text("id,a,b\nx,1,2\ny,3,0\n", encoding="utf-8")
    fast, report = batch(rubric, data, "csv", columns=True)
    assert fast == batch(rubric, data, "csv", columns=False)[0]
    assert report.row_by_row is not None and "product with a quotient" in report.row_by_row


def _repeat_an_id_and_blank_a_cell(path: Path) -> None:
    """A repeated id (rejected, naming the first) and a blank cell (a default, or a candidate at an earlier stage)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[5])
    header = lines[0].split(",")
    cells = lines[9].split(",")
    if len(cells) == len(header):
        cells[-1] = ""
        lines[9] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


_BLANKS = st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\x1c\u00a0\u2003\u3000a1.-"), max_size=4)


@given(st.lists(_BLANKS, max_size=20))
def test_the_lane_finds_missing_cells_as_the_data_layer_does(cells: list[str]) -> None:
    """Which cells a stage still waits for: the lane's test of a whole column is `data.is_missing` for each cell."""
    assert missing(Table(["x"], [[cell] for cell in cells]), "x").tolist() == [is_missing(cell) for cell in cells]
    assert missing(Table(["x"], [[cell] for cell in cells]), "y").tolist() == [True] * len(cells)


@given(st.lists(_BLANKS | st.sampled_from([None, True, False, (), ("a",)]), max_size=20))
def test_the_lane_finds_missing_values_of_records_as_the_data_layer_does(cells: list[object]) -> None:
    """In a record, False and an empty list are there: only null and blank text are missing."""
    table = Table(["x"], [[cell] for cell in cells])
    assert missing(table, "x").tolist() == [is_missing(cell) for cell in cells]
    assert missing(table, "y").tolist() == [True] * len(cells)


@given(st.integers(-2**63, 2**63 - 1), st.integers(0, 30))
def test_a_scaled_integer_is_written_as_plain_writes_its_decimal(scaled: int, places: int) -> None:
    """The lane writes points and totals from its 64-bit scaled integers without making Decimals: the same text."""
    assert fixed_texts([scaled], places) == [plain(Decimal(scaled).scaleb(-places))]
