"""The package's errors: one base class, and they survive pickling, so they cross process boundaries intact."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import paritrana_rules as pr

ROOT = Path(__file__).resolve().parents[1]
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
BAD_INPUTS = {"angkatan_kerja": "banyak", "nilai_pemahaman": 250, "peserta_pu": 3}


def rubric_error() -> pr.RubricError:
    with pytest.raises(pr.RubricError) as raised:
        pr.loads('rubric "x" edition', "bad.rubric")
    assert raised.value.diagnostics
    return raised.value


def score_bad_inputs() -> None:
    """Scores a candidate with wrong, missing and unknown fields; raises InputError. Also the pool's worker."""
    pr.load(DESA).evaluate(BAD_INPUTS, candidate_id="desa-x")


def input_error() -> pr.InputError:
    with pytest.raises(pr.InputError) as raised:
        score_bad_inputs()
    assert len(raised.value.problems) > 1
    return raised.value


def test_rubric_error_survives_pickling() -> None:
    error = rubric_error()
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is pr.RubricError
    assert copy.diagnostics == error.diagnostics
    assert str(copy) == str(error)


def test_input_error_survives_pickling() -> None:
    error = input_error()
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is pr.InputError
    assert copy.problems == error.problems
    assert str(copy) == str(error)


@pytest.mark.parametrize("name", ["RubricError", "InputError", "NominationError", "UsageError"])
def test_every_error_is_a_paritrana_error(name: str) -> None:
    assert issubclass(getattr(pr, name), pr.Error)


def test_input_error_in_a_worker_process_reaches_the_caller() -> None:
    expected = input_error()
    with ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(score_bad_inputs)
        with pytest.raises(pr.InputError) as raised:
            future.result(timeout=120)
    assert raised.value.problems == expected.problems
    assert str(raised.value) == str(expected)
