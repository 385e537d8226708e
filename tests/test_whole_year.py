"""examples/whole-year-2024.py runs the whole 2024 edition, provincial rounds to national placings, and audits it."""

from __future__ import annotations

import importlib.util
import json
import sys
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import paritrana_rules as pr
from paritrana_rules.audit.replay import replay

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "whole-year-2024.py"

pytestmark = pytest.mark.slow


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("whole_year_2024", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _records(ledger: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    out = tmp_path_factory.mktemp("whole-year-2024")
    printed = StringIO()
    with redirect_stdout(printed):
        status = _script().main([str(out)])
    return out, status, printed.getvalue()


def test_the_whole_year(year: tuple[Path, int, str]) -> None:
    """One test over the one run (about 40 s): in a test of its own, one process runs it, not one per process
    that happens to be given a test that needs it."""
    for check in (_runs_without_a_failed_step, _every_government_category_is_run, _provincial_rounds_run_per_province,
                  _every_ledger_replays_clean, _every_national_candidate_was_nominated_by_a_provincial_ledger,
                  _national_rounds_award_their_placings):
        check(year)


def _runs_without_a_failed_step(year: tuple[Path, int, str]) -> None:
    _, status, printed = year
    assert status == 0, printed
    assert "FAILED" not in printed


def _every_government_category_is_run(year: tuple[Path, int, str]) -> None:
    out, _, printed = year
    for category in ("kabupaten-kota", "pemerintah-desa", "pemerintah-kelurahan", "pemerintah-provinsi"):
        assert f"== {category}\n" in printed
    assert (out / "ledgers" / "nasional" / "kabupaten-kota-nasional.jsonl").exists()
    assert (out / "ledgers" / "nasional" / "pemerintah-desa-nasional.jsonl").exists()
    assert (out / "ledgers" / "nasional" / "pemerintah-provinsi.jsonl").exists()


def _provincial_rounds_run_per_province(year: tuple[Path, int, str]) -> None:
    out, _, _ = year
    provinces = sorted(p.stem for p in (out / "ledgers" / "provinsi" / "kabupaten-kota").glob("*.jsonl"))
    assert len(provinces) >= 3
    for ledger in (out / "ledgers" / "provinsi").rglob("*.jsonl"):
        groups = {r["placing"]["group"] for r in _records(ledger) if r.get("kind") == "placing"}
        assert len(groups) <= 1, f"{ledger} ranks more than one province"


def _every_ledger_replays_clean(year: tuple[Path, int, str]) -> None:
    out, _, _ = year
    ledgers = sorted((out / "ledgers").rglob("*.jsonl"))
    assert ledgers
    for ledger in ledgers:
        report = replay(ledger, [ROOT / "rubrics"])
        assert [f.render() for f in report.findings if f.severity == "error"] == [], ledger


def _every_national_candidate_was_nominated_by_a_provincial_ledger(year: tuple[Path, int, str]) -> None:
    out, _, _ = year
    national = sorted((out / "ledgers" / "nasional").glob("*-nasional.jsonl"))
    assert national
    for ledger in national:
        category = ledger.stem.removesuffix("-nasional")
        nominated = {i for provincial in (out / "ledgers" / "provinsi" / category).glob("*.jsonl")
                     for r in _records(provincial) if r.get("kind") == "ranking" for i in r["nominated"]}
        records = _records(ledger)
        scored = [r["candidate"]["id"] for r in records if r.get("kind") == "scored"]
        assert scored, ledger
        assert set(scored) <= nominated, ledger
        assert not [r for r in records if r.get("kind") == "rejected"], ledger


def _national_rounds_award_their_placings(year: tuple[Path, int, str]) -> None:
    out, _, printed = year
    ranking = next(r for r in _records(out / "ledgers" / "nasional" / "kabupaten-kota-nasional.jsonl")
                   if r.get("kind") == "ranking")
    zones = {a["group"] for a in ranking["awarded"] if a["award"] == "terbaik"}
    assert zones >= {"sumatera", "jawa_bali", "kalimantan", "nusa_tenggara_maluku_papua"}
    assert "placing: terbaik_1: desa-tamansari" in printed


def test_provinces_split_by_the_rubric_s_reading_of_the_province() -> None:
    script = _script()
    found = script.provinces(ROOT / "rubrics/2024/pemerintah-kelurahan.rubric",
                             ROOT / "examples/2024/pemerintah-kelurahan.yaml")
    assert found["kel-ketabang-contoh"] == found["kel-sukolilo-contoh"] == "jawa_timur"  # "Jatim" and "Jawa Timur"
    assert found["kel-kebon-contoh"] == "dki_jakarta"  # "Jakarta"
    assert pr.load(ROOT / "rubrics/2024/pemerintah-kelurahan.rubric").model.round == "provinsi"
