"""The package's errors: one base class, and they survive pickling, so they cross process boundaries intact."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.errors import Diagnostic, Indonesian, closest, did_you_mean, grouped, render_all, you_meant
from paritrana_rules.source import Span

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


# ------------------------------------------------------------------ diagnostics in two languages

LINE = "input aparat_dsa: count"
SPAN = Span("desa.rubric", 3, 7, 3, 17)
MISSPELT = Diagnostic("N200", "unknown name 'aparat_dsa'", SPAN, LINE, "did you mean 'aparat_desa'?",
                      indonesian=Indonesian("nama 'aparat_dsa' tidak dikenal", "maksud Anda 'aparat_desa'?"))
UNUSED = Diagnostic("L800", "input 'aparat_dsa' is never used", SPAN, LINE, "use it or remove it", "warning",
                    Indonesian("input 'aparat_dsa' tidak pernah dipakai", "pakai atau hapus"))


def test_did_you_mean_in_either_language() -> None:
    names = ["aparat_desa", "angkatan_kerja"]
    assert closest("aparat_dsa", names) == "aparat_desa"
    assert did_you_mean("aparat_dsa", names) == "did you mean 'aparat_desa'?"
    assert did_you_mean("aparat_dsa", names, "id") == "maksud Anda 'aparat_desa'?"
    assert did_you_mean("Aparat_Desa", names, "id") == "maksud Anda 'aparat_desa'?"  # case first
    assert did_you_mean("zzz", names, "id") is None
    assert you_meant(None, "id") is None


@given(st.text(max_size=12), st.lists(st.text(max_size=12), max_size=6))
def test_both_languages_offer_the_same_name(word: str, options: list[str]) -> None:
    english, indonesian = did_you_mean(word, options), did_you_mean(word, options, "id")
    assert (english is None) == (indonesian is None)
    if english is not None and indonesian is not None:
        assert english.removeprefix("did you mean ") == indonesian.removeprefix("maksud Anda ")


def test_a_diagnostic_renders_in_indonesian() -> None:
    rendered = UNUSED.render("id").splitlines()
    assert rendered[0] == "peringatan[L800]: input 'aparat_dsa' tidak pernah dipakai"
    assert rendered[-1] == "  = saran: pakai atau hapus"
    assert UNUSED.render("en").splitlines()[1:-1] == rendered[1:-1]  # location and excerpt are the same


def test_english_where_no_indonesian_was_written() -> None:
    plain = Diagnostic("N200", "unknown name 'x'", SPAN, LINE, "declare it")
    assert plain.words("id") == ("unknown name 'x'", "declare it")
    assert plain.render("id").splitlines()[0] == "kesalahan[N200]: unknown name 'x'"
    assert plain.to_dict()["indonesian"] is None


def test_render_all_counts_in_the_language() -> None:
    assert render_all([MISSPELT, UNUSED], "id").endswith("\n\n1 kesalahan, 1 peringatan")
    assert render_all([MISSPELT, MISSPELT], "id").endswith("\n\n2 kesalahan, 0 peringatan")
    assert render_all([MISSPELT, MISSPELT]).endswith("\n\n2 errors, 0 warnings")
    assert render_all([], "id") == "0 kesalahan, 0 peringatan"


def test_the_machine_form_holds_both_languages() -> None:
    found = MISSPELT.to_dict()
    assert (found["message"], found["hint"]) == ("unknown name 'aparat_dsa'", "did you mean 'aparat_desa'?")
    assert found["indonesian"] == {"message": "nama 'aparat_dsa' tidak dikenal", "hint": "maksud Anda 'aparat_desa'?"}


def test_counts_are_grouped_as_each_language_writes_them() -> None:
    assert (grouped(1_234_567), grouped(1_234_567, "id"), grouped(999, "id")) == ("1,234,567", "1.234.567", "999")


def test_rubric_error_with_indonesian_survives_pickling() -> None:
    error = pr.RubricError([MISSPELT, UNUSED])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.diagnostics == error.diagnostics
    assert {d.indonesian for d in copy.diagnostics} == {MISSPELT.indonesian, UNUSED.indonesian}
