"""Shared test set-up: Hypothesis profiles and the one rule for golden files.

A golden file holds the output a test expects. A missing or different golden
file fails the test; golden files are written only when the run asks for it,
with `pytest --update-goldens` or `PARITRANA_UPDATE_GOLDENS=1`. Every test
that compares output with a file under `tests/golden/` goes through the
`golden` fixture:

    def test_something(golden: Golden) -> None:
        golden.check(GOLDEN / "name.txt", produce_the_output())
"""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
UPDATE_OPTION = "--update-goldens"
UPDATE_VARIABLE = "PARITRANA_UPDATE_GOLDENS"

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("long", max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    # --update-golden (singular) is the older spelling, kept so that existing instructions still work.
    parser.addoption(UPDATE_OPTION, "--update-golden", action="store_true", dest="update_goldens",
                     help=f"write golden files from the current output (or set {UPDATE_VARIABLE}=1)")


class Golden:
    """Compares output with a golden file, or writes the file when the run updates goldens."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        name = _shown(path)
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="\n")
            return
        if not path.exists():
            pytest.fail(f"golden file {name} is missing: create it with `pytest {UPDATE_OPTION}` "
                        f"(or {UPDATE_VARIABLE}=1) and review it before committing", pytrace=False)
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                                f"{name} (golden)", f"{name} (actual)"))
            pytest.fail(f"output differs from golden file {name}:\n{diff}\n"
                        f"if the change is intended, rerun with `pytest {UPDATE_OPTION}` and review the diff",
                        pytrace=False)


def _shown(path: Path) -> str:
    """The path as a reader finds it: relative to the repository when it is inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def updating_goldens(config: pytest.Config) -> bool:
    return bool(config.getoption("update_goldens")) or os.environ.get(UPDATE_VARIABLE) == "1"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(update=updating_goldens(request.config))


@pytest.fixture
def rubrics_folder(tmp_path: Path) -> Path:
    """A rubrics folder in tmp_path with the shared files the bundled rubrics `uses` (the provinces and
    zones), for tests that write an edited copy of a bundled rubric."""
    folder = tmp_path / "rubrics"
    shutil.copytree(ROOT / "rubrics" / "wilayah", folder / "wilayah")
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Each phase's report kept on the test (`item.rep_call`), so a fixture can tell at teardown that the test
    failed (the browser tests then save a screenshot)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)
