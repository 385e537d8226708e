"""Differential test: the engine and a hand-written Python version of the 2024 regency/city rubric agree.

Total, status and the points of every criterion, on the bundled examples and on
candidates generated from the rubric's input declarations.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hypothesis import given

import paritrana_rules as pr
from paritrana_rules import data

from .strategies import candidate_inputs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402
from handwritten_kabkota import score  # noqa: E402

RUBRIC = pr.load(ROOT / "rubrics/2024/kabupaten-kota.rubric")


def engine_view(result: pr.Result) -> tuple[Any, str, dict[str, Any]]:
    return result.total, result.status, {c.name: c.points for c in result.criteria}


def test_examples_agree() -> None:
    candidates, rejected = pr.load_candidates(ROOT / "examples/2024/kabupaten-kota.yaml", RUBRIC.input_specs)
    assert candidates and not rejected
    for candidate in candidates:
        assert engine_view(RUBRIC.evaluate_candidate(candidate)) == tuple(score(candidate.values))


def test_realistic_candidates_agree() -> None:
    """The varied candidates the benchmark times (benchmarks/synth.py), where bands are crossed as in real data."""
    for row in synth.generate(RUBRIC.input_specs, 400, seed=11):
        raw = {name: value for name, value in row.values.items() if value is not None}
        values = data.validate(raw, RUBRIC.input_specs, row.id)
        assert engine_view(RUBRIC.evaluate(raw, row.id, trace=False)) == tuple(score(values))


@given(candidate_inputs(RUBRIC.input_specs))
def test_generated_candidates_agree(raw: dict[str, Any]) -> None:
    values = data.validate(raw, RUBRIC.input_specs, "generated")
    result = RUBRIC.evaluate(raw, "generated", trace=False)
    assert engine_view(result) == tuple(score(values))
