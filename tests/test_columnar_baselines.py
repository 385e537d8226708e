"""Differential test: the numpy and polars whole-column versions of the 2024 regency/city rubric agree with the engine.

Total, status and the points of every criterion, on the bundled examples, on
the varied candidates the benchmark uses and on generated batches (zero
denominators, values on band bounds, the widest ranges the inputs allow).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules import data

from .strategies import candidate_inputs

pytest.importorskip("numpy")
pytest.importorskip("polars")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import columnar_baselines as baselines  # noqa: E402
import synth  # noqa: E402

RUBRIC = pr.load(ROOT / "rubrics/2024/kabupaten-kota.rubric")


def engine_view(result: pr.Result) -> tuple[Any, str, dict[str, Any]]:
    return result.total, result.status, {c.name: c.points for c in result.criteria}


def assert_agree(values: list[Any], results: list[pr.Result]) -> None:
    """Both baselines score the whole batch of validated values as the engine scored each candidate."""
    batch = baselines.columns(values)
    expected = [engine_view(result) for result in results]
    assert list(baselines.rows(baselines.score_numpy(batch))) == expected
    scored = baselines.score_polars(baselines.frame(batch), batch.scales)
    assert list(baselines.rows(scored.to_dict())) == expected


def examples() -> list[pr.Candidate]:
    candidates, rejected = pr.load_candidates(ROOT / "examples/2024/kabupaten-kota.yaml", RUBRIC.input_specs)
    assert candidates and not rejected
    return candidates


def test_examples_agree() -> None:
    candidates = examples()
    assert_agree([c.values for c in candidates], [RUBRIC.evaluate_candidate(c) for c in candidates])


def test_realistic_candidates_agree() -> None:
    """The varied candidates the benchmark times (benchmarks/synth.py), where bands are crossed as in real data."""
    values, results = [], []
    for row in synth.generate(RUBRIC.input_specs, 400, seed=11):
        raw = {name: value for name, value in row.values.items() if value is not None}
        values.append(data.validate(raw, RUBRIC.input_specs, row.id))
        results.append(RUBRIC.evaluate(raw, row.id, trace=False))
    assert_agree(values, results)


def test_disagreements_reports_agreement() -> None:
    assert baselines.disagreements(RUBRIC, examples()) == {"numpy": None, "polars": None}


@given(st.lists(candidate_inputs(RUBRIC.input_specs), min_size=1, max_size=12))
def test_generated_batches_agree(raws: list[dict[str, Any]]) -> None:
    """Zero denominators, values on band bounds and the widest values the inputs allow, in mixed batches."""
    values = [data.validate(raw, RUBRIC.input_specs, "generated") for raw in raws]
    assert_agree(values, [RUBRIC.evaluate(raw, "generated", trace=False) for raw in raws])


def test_a_tiled_batch_repeats_the_scores() -> None:
    batch = baselines.columns([c.values for c in examples()])
    once = list(baselines.rows(baselines.score_numpy(batch)))
    tiled = baselines.tile(batch, 3 * len(once) + 1)
    assert list(baselines.rows(baselines.score_numpy(tiled))) == [*once * 3, once[0]]
