"""Differential test: the engine and a hand-written Python version of the village rubric agree."""

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

from handwritten_desa import score  # noqa: E402

RUBRIC = pr.load(ROOT / "rubrics/2024/pemerintah-desa.rubric")


def test_examples_agree() -> None:
    candidates, _ = pr.load_candidates(ROOT / "examples/2024/pemerintah-desa.yaml", RUBRIC.input_specs)
    for candidate in candidates:
        result = RUBRIC.evaluate_candidate(candidate)
        assert (result.total, result.status) == score(dict(candidate.values))


@given(candidate_inputs(RUBRIC.input_specs))
def test_generated_candidates_agree(raw: dict[str, Any]) -> None:
    values = data.validate(raw, RUBRIC.input_specs, "generated")
    result = RUBRIC.evaluate(raw, "generated", trace=False)
    assert (result.total, result.status) == score(values)
