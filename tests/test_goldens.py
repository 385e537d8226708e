"""The rule for golden files: a missing or different one fails, unless the run asks to update goldens."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import ROOT, UPDATE_VARIABLE, Golden

# A test that compares with a golden file next to it, run by pytester with this suite's conftest.
GOLDEN_TEST = """
from pathlib import Path

def test_output(golden):
    golden.check(Path(__file__).parent / "golden" / "out.txt", "the output\\n")
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv(UPDATE_VARIABLE, raising=False)
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_output=GOLDEN_TEST)
    return pytester


def test_missing_golden_fails_and_says_how_to_create_it(suite: pytest.Pytester) -> None:
    run = suite.runpytest()
    run.assert_outcomes(failed=1)
    run.stdout.fnmatch_lines(["*golden file *out.txt is missing: create it with `pytest --update-goldens`*"])
    assert not (suite.path / "golden" / "out.txt").exists()


@pytest.mark.parametrize("option", ["--update-goldens", "--update-golden"])
def test_update_option_writes_the_golden_and_passes(suite: pytest.Pytester, option: str) -> None:
    suite.runpytest(option).assert_outcomes(passed=1)
    assert (suite.path / "golden" / "out.txt").read_text(encoding="utf-8") == "the output\n"
    suite.runpytest().assert_outcomes(passed=1)


def test_update_variable_writes_the_golden_and_passes(suite: pytest.Pytester,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(UPDATE_VARIABLE, "1")
    suite.runpytest().assert_outcomes(passed=1)
    assert (suite.path / "golden" / "out.txt").read_text(encoding="utf-8") == "the output\n"


def test_different_golden_fails_with_a_diff(suite: pytest.Pytester) -> None:
    (suite.path / "golden").mkdir()
    (suite.path / "golden" / "out.txt").write_text("the old output\n", encoding="utf-8")
    run = suite.runpytest()
    run.assert_outcomes(failed=1)
    run.stdout.fnmatch_lines(["*output differs from golden file*", "-the old output", "+the output"])
    assert (suite.path / "golden" / "out.txt").read_text(encoding="utf-8") == "the old output\n"


def test_helper_fails_on_a_missing_file_without_writing_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(pytest.fail.Exception, match="is missing: create it with `pytest --update-goldens`"):
        Golden(update=False).check(path, "text\n")
    assert not path.exists()


def test_helper_accepts_equal_text_and_writes_when_updating(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.txt"
    Golden(update=True).check(path, "text\n")
    assert path.read_text(encoding="utf-8") == "text\n"
    Golden(update=False).check(path, "text\n")
    with pytest.raises(pytest.fail.Exception, match="differs"):
        Golden(update=False).check(path, "other\n")
