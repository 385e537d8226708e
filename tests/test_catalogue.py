"""`paritrana-rules list`: the rubric library as a table or JSON, and which rubrics a title's year can mean."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from paritrana_rules import api
from paritrana_rules.cli import main
from paritrana_rules.committee import catalogue

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
HEADER = re.compile(r'^rubric "Paritrana Award" edition (\d{4}) period (\d{4})$', re.MULTILINE)
CEREMONY = "titles name the ceremony year, as from period 2022"
PERIOD = "titles named the assessment period up to period 2021, and some provinces still do, e.g. Jawa Timur"


@pytest.fixture(autouse=True, scope="module")
def _bundled_rubrics_checked_once() -> Iterator[None]:
    """Each bundled rubric is checked once for the whole module (the listing's tests list the library ten
    times); a rubric a test writes is checked every time, as the command does."""
    check = functools.cache(catalogue.entry)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalogue, "entry", lambda path, root: (check if RUBRICS in Path(path).parents
                                                               else catalogue_entry)(path, root))
        yield


catalogue_entry = catalogue.entry


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "list", *args, "--format", "json")
    assert (code, err) == (0, "")
    rows: list[dict[str, object]] = json.loads(out)
    return rows


def library() -> dict[str, tuple[int, int]]:
    """Each bundled rubric's (edition, period), read from its first line: what the listing must agree with."""
    found = {}
    for path in sorted(RUBRICS.rglob("*.rubric")):
        match = HEADER.search(path.read_text(encoding="utf-8"))
        assert match, path
        found[path.relative_to(RUBRICS).as_posix()] = (int(match[1]), int(match[2]))
    return found


def with_edition(year: int) -> set[str]:
    return {path for path, (edition, _) in library().items() if edition == year}


def with_period(year: int) -> set[str]:
    return {path for path, (_, period) in library().items() if period == year}


def order(row: dict[str, object]) -> tuple[object, ...]:
    rounds = {None: 0, "provinsi": 1, "nasional": 2}
    return (row["category"], row["period"], row["edition"], rounds[row["round"]], row["sector"] or "", row["path"])


# ------------------------------------------------------------------ the library


def test_the_library_is_listed_whole_and_sorted(capsys: pytest.CaptureFixture[str]) -> None:
    rows = listed(capsys, str(RUBRICS))
    assert {str(r["path"]) for r in rows} == set(library()) and len(rows) == len(library())
    assert {str(r["path"]): (r["edition"], r["period"]) for r in rows} == library()
    assert rows == sorted(rows, key=order)
    assert all(r["error"] is None and r["label"] for r in rows)
    assert list(rows[0]) == ["path", "category", "sector", "period", "edition", "round", "label", "extends", "error"]
    national = next(r for r in rows if r["path"] == "2024/kabupaten-kota-nasional.rubric")
    assert national == {"path": "2024/kabupaten-kota-nasional.rubric", "category": "pemerintah_kabupaten_kota",
                        "sector": None, "period": 2023, "edition": 2024, "round": "nasional",
                        "label": "Regency/City Government — national round", "extends": "2024/kabupaten-kota.rubric",
                        "error": None}


def test_the_table_groups_by_category(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the default folder is rubrics/ in the current one
    code, out, err = run(capsys, "list", "--lang", "id")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["path", "category", "sector", "period", "edition", "round", "label", "extends"]
    assert lines[-1] == f"{len(library())} rubrics listed, 0 failed to load"
    rows = [line for line in lines[2:-2] if line]
    assert len(rows) == len(library())
    categories = [row.split()[1] for row in rows]
    assert categories == sorted(categories)
    assert lines.count("") == len(set(categories))  # a blank line after each category's group
    desa = next(row for row in rows if row.startswith("2025/pemerintah-desa.rubric "))
    assert desa.split()[1:6] == ["pemerintah_desa", "-", "2024", "2025", "provinsi"]
    assert "Pemerintah Desa" in desa and desa.endswith("2024/pemerintah-desa.rubric")


def test_filters_narrow_the_listing(capsys: pytest.CaptureFixture[str]) -> None:
    rows = listed(capsys, str(RUBRICS), "--edition", "2024", "--category", "pemerintah_kabupaten_kota")
    assert [(r["path"], r["round"]) for r in rows] == [("2024/kabupaten-kota.rubric", "provinsi"),
                                                       ("2024/kabupaten-kota-nasional.rubric", "nasional")]
    national = listed(capsys, str(RUBRICS), "--round", "nasional", "--period", "2023")
    assert {str(r["path"]) for r in national} < with_period(2023)
    assert national and all(r["round"] == "nasional" for r in national)


def test_a_year_filter_must_be_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["list", str(RUBRICS), "--edition", "24"])
    assert stopped.value.code == 2 and "4-digit year" in capsys.readouterr().err


# ------------------------------------------------------------------ titles


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
def test_a_title_lists_both_readings_the_preferred_first(capsys: pytest.CaptureFixture[str], year: int) -> None:
    rows = listed(capsys, str(RUBRICS), "--title", f"Paritrana Award {year}")
    ceremony_first = year >= 2023  # the editions from period 2022 on, whose titles name the ceremony year
    first, second = ("edition", "period") if ceremony_first else ("period", "edition")
    readings = [r["reading"] for r in rows]
    assert readings == sorted(readings, key=[first, second].index)  # one reading's rubrics, then the other's
    assert {r["reading"]: r["preferred"] for r in rows} == {first: True, second: False}
    assert {str(r["path"]) for r in rows if r["reading"] == "edition"} == with_edition(year)
    assert {str(r["path"]) for r in rows if r["reading"] == "period"} == with_period(year)
    assert {r["reading"]: r["why"] for r in rows} == {"edition": f"edition {year} ({CEREMONY})",
                                                      "period": f"period {year} ({PERIOD})"}


def test_paritrana_award_2024_means_the_2024_edition_first_then_the_2025(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", str(RUBRICS), "--title", "paritrana award 2024")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ('"paritrana award 2024" names the year 2024, which can mean an edition or a period; the '
                        "ceremony-year reading comes first, as the convention prefers for titles from 2023.")
    edition_at = lines.index(f"edition 2024 ({CEREMONY}), preferred:")
    period_at = lines.index(f"period 2024 ({PERIOD}):")
    assert edition_at < period_at
    assert {line.split()[0] for line in lines[edition_at + 3:period_at] if line} == with_edition(2024)
    assert {line.split()[0] for line in lines[period_at + 3:-1] if line} == with_period(2024) == with_edition(2025)
    assert lines[-1] == f"{len(with_edition(2024) | with_edition(2025))} rubrics listed, 0 failed to load"


def test_a_title_is_any_text_with_one_year() -> None:
    assert [(r.kind, r.year, r.preferred) for r in api.title_readings("Penghargaan Paritrana 2019")] == [
        ("period", 2019, True), ("edition", 2019, False)]
    for title in ("Paritrana Award", "Paritrana Award 20245", "Paritrana Awards 2023 periode penilaian tahun 2022"):
        with pytest.raises(api.UsageError):
            api.title_readings(title)


def test_a_title_without_a_year_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", str(RUBRICS), "--title", "Paritrana Award")
    assert (code, out) == (2, "")
    assert err == ("paritrana-rules: error: the title 'Paritrana Award' names no year; give a title with one 4-digit "
                   'year, e.g. --title "Paritrana Award 2024"\n')


# ------------------------------------------------------------------ rubrics that do not load


def test_a_rubric_that_does_not_load_is_listed_with_its_first_error(rubrics_folder: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = rubrics_folder
    (folder / "2024").mkdir(parents=True)
    text = (RUBRICS / "2024/pemerintah-desa.rubric").read_text(encoding="utf-8")
    (folder / "2024/pemerintah-desa.rubric").write_text(text, encoding="utf-8")
    (folder / "2024/heavy.rubric").write_text(text.replace("weight 20%", "weight 25%", 1), encoding="utf-8")
    (folder / "2024/junk.rubric").write_text("this is not a rubric\n", encoding="utf-8")
    (folder / "2024/not-utf8.rubric").write_bytes(b"\xff\xfe not utf-8")
    code, out, err = run(capsys, "list", str(folder))
    assert (code, err) == (1, "")
    lines = out.splitlines()
    heavy = lines.index(next(line for line in lines if line.startswith("2024/heavy.rubric ")))
    assert lines[heavy].split()[1:6] == ["pemerintah_desa", "-", "2023", "2024", "provinsi"]
    assert re.fullmatch(r"    error\[W400\] 2024/heavy\.rubric:\d+: weights of .* add up to 105%, not 100%",
                        lines[heavy + 1])
    assert "    error[P100] 2024/junk.rubric:1: 'this' does not start a declaration" in lines
    assert any(line.startswith("    error[F002] 2024/not-utf8.rubric:1: ") for line in lines)
    assert lines[-1] == "4 rubrics listed, 3 failed to load"
    code, out, _ = run(capsys, "list", str(folder), "--format", "json")
    assert code == 1
    assert [(r["path"], r["error"] and r["error"]["code"]) for r in json.loads(out)] == [
        ("2024/heavy.rubric", "W400"), ("2024/pemerintah-desa.rubric", None), ("2024/junk.rubric", "P100"),
        ("2024/not-utf8.rubric", "F002")]
    # A filter leaves out only what a rubric's header rules out: these two could be of any edition.
    code, out, _ = run(capsys, "list", str(folder), "--format", "json", "--edition", "2025")
    assert code == 1
    assert [r["path"] for r in json.loads(out)] == ["2024/junk.rubric", "2024/not-utf8.rubric"]
    code, out, _ = run(capsys, "list", str(folder), "--format", "json", "--edition", "2024", "--round", "provinsi")
    assert code == 1
    assert [r["path"] for r in json.loads(out)] == ["2024/heavy.rubric", "2024/pemerintah-desa.rubric",
                                                    "2024/junk.rubric", "2024/not-utf8.rubric"]


def test_a_missing_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", str(tmp_path / "nowhere"))
    assert (code, out) == (2, "")
    assert err == f"paritrana-rules: error: no such folder: {tmp_path / 'nowhere'}\n"
