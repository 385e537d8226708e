"""The column lane under outputs it does not make itself: audit records, explanations, every part in JSON.

There the lane still reads and validates the plainly written rows, and hands
each over as the candidate `data.judge` would make of it; the row-by-row path
scores it and writes its record. So the ledger, the explanations and the JSON
must be the row-by-row path's byte for byte, which these tests hold them to,
and each candidate the lane hands over must be the very candidate `judge`
makes, down to the exponent of each number (its plain text is what a record
holds).
"""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.batch.run import score_file
from paritrana_rules.data import CellRow, InputSpec, iter_rows, judge, with_first_origins
from paritrana_rules.data.specs import Invalid
from paritrana_rules.data.values import input_value
from paritrana_rules.rank.ranking import Rules

np = pytest.importorskip("numpy")
columns = pytest.importorskip("paritrana_rules.batch.columns")
tables = pytest.importorskip("paritrana_rules.batch.tables")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402  (the benchmarks' generator of realistic candidates)

RUBRICS = [
    "rubrics/2024/kabupaten-kota.rubric",  # ranked within provinces, nominations, stages
    "rubrics/2024/pemerintah-desa.rubric",  # a text input, sets
    "rubrics/2025/pemerintah-desa.rubric",  # a jury panel
    "rubrics/2024/perusahaan-besar.rubric",  # ranked, three placings
]


def scored(rubric: Any, data: Path, form: str, *, columns: bool, audit: bool = True, **options: Any
           ) -> tuple[bytes, bytes]:
    out, ledger = io.BytesIO(), io.BytesIO()
    score_file(rubric, data, out, form=form, columns=columns, ledger=ledger if audit else None, **options)
    return out.getvalue(), ledger.getvalue()


def planted(relative: str, path: Path, count: int, seed: int) -> Path:
    synth.write(ROOT / relative, path, count, seed=seed, bad_share=0.05)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[3])  # a repeated id
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("relative", RUBRICS)
def test_an_audited_batch_with_the_lane_is_the_row_by_row_batch_byte_for_byte(relative: str, tmp_path: Path
                                                                             ) -> None:
    rubric = pr.load(ROOT / relative)
    data = planted(relative, tmp_path / "c.csv", 600, seed=11)
    for form in ("csv", "jsonl"):
        fast = scored(rubric, data, form, columns=True)
        slow = scored(rubric, data, form, columns=False)
        assert fast[0] == slow[0]
        assert fast[1] == slow[1]
        assert fast[1].count(b'"kind":"scored"') > 400


def test_explanations_and_json_with_the_lane_are_the_row_by_row_path_s(tmp_path: Path) -> None:
    relative = "rubrics/2024/kabupaten-kota.rubric"
    rubric = pr.load(ROOT / relative)
    data = planted(relative, tmp_path / "c.csv", 300, seed=12)
    for lang in ("en", "id"):
        assert scored(rubric, data, "json", columns=True, audit=False, explain=True, lang=lang) == \
            scored(rubric, data, "json", columns=False, audit=False, explain=True, lang=lang)
    assert scored(rubric, data, "csv", columns=True, stage=rubric.stage_names[0]) == \
        scored(rubric, data, "csv", columns=False, stage=rubric.stage_names[0])


def test_an_audited_batch_read_in_parts_by_two_workers_is_the_same(tmp_path: Path) -> None:
    """With --jobs 2 the workers read the CSV file themselves and make the records; this process chains them."""
    relative = "rubrics/2024/perusahaan-besar.rubric"
    rubric = pr.load(ROOT / relative)
    data = planted(relative, tmp_path / "c.csv", 12_000, seed=13)
    assert scored(rubric, data, "csv", columns=True, jobs=2) == scored(rubric, data, "csv", columns=False)


@pytest.mark.parametrize("relative", RUBRICS)
def test_each_candidate_the_lane_hands_over_is_the_one_judge_makes(relative: str, tmp_path: Path) -> None:
    """Compared by repr: equal decimals of different exponents (1.0 and 1) print differently in a record."""
    rubric = pr.load(ROOT / relative)
    data = planted(relative, tmp_path / "c.csv", 400, seed=14)
    form = columns.Form("csv", "en", False)
    lane, _ = columns.lane_for(rubric, Rules(rubric.model), form, None, None, scores=False, records=True)
    reads = list(with_first_origins(iter_rows(data)))
    handed = 0
    for (read, first), laned in zip(reads, lane.rows(reads), strict=True):
        assert not isinstance(laned, columns.Made)  # this lane does not score
        if laned is None:
            continue
        assert isinstance(read, CellRow)
        raw = read.record()
        view = rubric.stage_for(raw.values)
        assert laned.view.stage == view.stage
        raw = attrs.evolve(raw, values={k: v for k, v in raw.values.items() if k not in view.awaiting})
        assert repr(laned.candidate) == repr(judge(raw, view.input_specs, first))
        handed += 1
    assert handed > 300


NUMBER_CELLS = st.text(alphabet=st.sampled_from("0123456789.-"), max_size=8) | st.sampled_from(
    ["0", "-0", "-0.0", "00", "007", "0.10", "1.", ".5", "10.000", "", "-"])


@given(st.lists(NUMBER_CELLS, min_size=1, max_size=12), st.sampled_from(["number", "count"]), st.booleans())
def test_a_number_the_lane_reads_is_the_data_layer_s_to_its_exponent(cells: list[str], kind: str, default: bool
                                                                     ) -> None:
    spec = InputSpec("x", kind, default=Decimal("2.50") if default else None, has_default=default,
                     lower=Decimal(-10**6) if kind == "number" else Decimal(0), upper=Decimal(10**6))
    unread = np.zeros(len(cells), dtype=bool)
    tables.numbers(spec, cells, unread)
    indices = np.flatnonzero(~unread).tolist()
    lane = columns.ColumnLane.__new__(columns.ColumnLane)
    values, took = lane.read_column(spec, list(cells), indices)
    for index, value, default_taken in zip(indices, values, took, strict=True):
        try:
            expected, expected_default = input_value(spec, cells[index], True)
        except Invalid:  # pragma: no cover - would be a disagreement
            pytest.fail(f"the lane read {cells[index]!r}, which the data layer refuses")
        assert (repr(value), default_taken) == (repr(expected), expected_default)
