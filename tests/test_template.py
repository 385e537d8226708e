"""`paritrana-rules template`: a blank candidate sheet that `score` reads back as it is filled in.

The round trip is the point: the example candidates of a bundled rubric are typed into the template as a
person would (numbers as numbers, options picked from the drop-down's own list, yes/no in the sheet's
language, blanks where a default applies) and must score exactly as the example file does; the same after
LibreOffice has opened and saved the workbook, which must keep its drop-downs and checks.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import paritrana_rules as pr
from paritrana_rules import api
from paritrana_rules.cli import main
from paritrana_rules.data import load_candidates

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[1]
KABKOTA = ROOT / "rubrics" / "2024" / "kabupaten-kota.rubric"  # one-of, set-of, yes/no, counts, numbers, stages
EXAMPLES = ROOT / "examples" / "2024" / "kabupaten-kota.yaml"


@pytest.fixture(scope="module")
def rubric() -> pr.CompiledRubric:
    return pr.load(KABKOTA)


def columns_of(rubric: pr.CompiledRubric) -> list[str]:
    return ["id", "name", *(spec.name for spec in rubric.input_specs)]


def test_the_csv_template_is_the_header_score_reads(rubric: pr.CompiledRubric) -> None:
    text = api.candidate_template(rubric, format="csv", lang="id").decode("utf-8")
    assert text == ",".join(columns_of(rubric)) + "\n"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_workbook_has_a_column_per_input_explained_in_the_language(rubric: pr.CompiledRubric,
                                                                       lang: str) -> None:
    book = openpyxl.load_workbook(io.BytesIO(api.candidate_template(rubric, lang=lang)))
    names = {"id": ["Peserta", "Petunjuk", "Pilihan"], "en": ["Candidates", "Fields", "Options"]}[lang]
    assert book.sheetnames == names
    assert book[names[2]].sheet_state == "hidden"
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == columns_of(rubric)
    assert sheet.max_row == 1  # no second header row: it would be read as a candidate
    comment = sheet.cell(1, columns_of(rubric).index("peserta_pu") + 1).comment.text
    assert comment == {
        "id": "Peserta aktif Penerima Upah (PU)\nbilangan bulat (0, 1, 2, …); orang; wajib diisi untuk tahap "
              "Penilaian dokumen; selama kosong, peserta dinilai sampai tahap sebelumnya",
        "en": "Active wage-earner (PU) participants\na whole number (0, 1, 2, …); people; required for the Desk "
              "assessment stage; while it is blank, the candidate is scored up to the stage before"}[lang]
    fields = list(book.worksheets[1].iter_rows(values_only=True))
    assert [row[0] for row in fields[1:]] == columns_of(rubric)
    produk = next(row for row in fields if row[0] == "produk_hukum")
    assert produk[5] == {"id": "dianggap tidak ada yang dipilih", "en": "taken as none of them"}[lang]
    assert produk[6]  # the evidence to attach, as the rubric names it


def checks_by_column(sheet: Any) -> dict[str, Any]:
    header = [cell.value for cell in sheet[1]]
    found = {}
    for check in sheet.data_validations.dataValidation:
        first = str(check.sqref).split(":")[0]
        column = openpyxl.utils.cell.column_index_from_string(first.rstrip("0123456789"))
        found[header[column - 1]] = check
    return found


def options_of(book: Any, check: Any) -> list[str]:
    """The values a drop-down offers, read from the sheet its list refers to."""
    sheet_name, cells = check.formula1.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    first, last = cells.replace("$", "").split(":")
    return [row[0].value for row in sheet[first:last]]


def test_drop_downs_offer_what_score_reads_back_and_numbers_are_checked(rubric: pr.CompiledRubric) -> None:
    book = openpyxl.load_workbook(io.BytesIO(api.candidate_template(rubric, lang="id")))
    checks = checks_by_column(book.worksheets[0])
    specs = {spec.name: spec for spec in rubric.input_specs}
    for name, spec in specs.items():
        check = checks[name]
        if spec.kind == "one_of":
            offered = options_of(book, check)
            assert check.type == "list"
            assert [spec.member(option) for option in offered] == list(spec.members)
        elif spec.kind == "bool":
            assert (check.type, options_of(book, check)) == ("list", ["ya", "tidak"])
        elif spec.kind in ("count", "number"):
            assert check.type == ("whole" if spec.kind == "count" else "decimal")
            low = spec.lower if spec.lower is not None else Decimal(0 if spec.kind == "count" else -(10**15 - 1))
            assert (Decimal(check.formula1), check.operator) == (low, "between")
            if spec.upper is not None:
                assert Decimal(check.formula2) == spec.upper
        assert check.showInputMessage and check.prompt
    assert "Jawa Timur" in options_of(book, checks["provinsi"])  # labels where they read back, not codes
    assert checks["id"].type == "textLength"


def test_the_same_rubric_gives_the_same_bytes(rubric: pr.CompiledRubric) -> None:
    assert api.candidate_template(rubric) == api.candidate_template(pr.load(KABKOTA))
    assert api.candidate_template(rubric, lang="en") != api.candidate_template(rubric, lang="id")


# ------------------------------------------------------------------ the round trip


def filled(rubric: pr.CompiledRubric, lang: str, path: Path) -> Path:
    """The template with the example candidates typed in: numbers as numbers, options from the drop-down's list,
    yes/no in the sheet's language, and blank cells where the example took a default."""
    book = openpyxl.load_workbook(io.BytesIO(api.candidate_template(rubric, lang=lang)))
    sheet, checks = book.worksheets[0], checks_by_column(book.worksheets[0])
    candidates, rejected = load_candidates(EXAMPLES, rubric.input_specs)
    assert not rejected
    for candidate in candidates:
        cells: list[object] = [candidate.id, candidate.name]
        for spec in rubric.input_specs:
            value = candidate.values[spec.name]
            if spec.name in candidate.defaulted:
                cells.append(None)
            elif spec.kind == "bool":  # the drop-down offers yes, then no
                cells.append(options_of(book, checks[spec.name])[0 if value else 1])
            elif spec.kind == "one_of":
                cells.append(next(o for o in options_of(book, checks[spec.name]) if spec.member(o) == value))
            elif isinstance(value, Decimal):
                cells.append(int(value) if value == value.to_integral_value() else float(value))
            elif isinstance(value, frozenset):
                cells.append(";".join(sorted(value)))
            else:
                cells.append(str(value))
        sheet.append(cells)
    book.save(path)
    return path


def scored(rubric: pr.CompiledRubric, data: Path) -> list[dict[str, Any]]:
    out = io.BytesIO()
    report = api.score_file(rubric, data, out, form="json")
    assert report.rejected == 0, out.getvalue().decode()
    return list(json.loads(out.getvalue())["results"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_filled_template_scores_as_the_example_file(rubric: pr.CompiledRubric, lang: str, tmp_path: Path) -> None:
    assert scored(rubric, filled(rubric, lang, tmp_path / "filled.xlsx")) == scored(rubric, EXAMPLES)


def test_the_command_writes_the_template_and_never_a_fifo(rubric: pr.CompiledRubric, tmp_path: Path) -> None:
    assert main(["template", str(KABKOTA), "--lang", "en", "--output", str(tmp_path / "sheet.xlsx")]) == 0
    assert (tmp_path / "sheet.xlsx").read_bytes() == api.candidate_template(rubric, lang="en")
    assert main(["template", str(KABKOTA), "-o", str(tmp_path / "sheet.csv")]) == 0
    assert (tmp_path / "sheet.csv").read_text(encoding="utf-8").startswith("id,name,provinsi,")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main(["template", str(KABKOTA), "-o", str(fifo)]) == 2  # not a regular file: refused, never opened
    assert fifo.is_fifo()


# ------------------------------------------------------------------ LibreOffice


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui (CI installs it)")
    return found


def converted(source: Path, to: str, folder: Path) -> Path:
    """`source` opened and saved by LibreOffice as `to` (its own profile, so parallel runs do not collide)."""
    profile = (folder / "profile").as_uri()
    subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", to, "--outdir",
                    str(folder), str(source)], check=True, capture_output=True, timeout=180)
    made = folder / f"{source.stem}.{to.partition(':')[0]}"
    assert made.is_file(), f"LibreOffice wrote no {made.name}"
    return made


def test_libreoffice_keeps_the_checks_and_reads_the_filled_sheet_as_score_does(rubric: pr.CompiledRubric,
                                                                              tmp_path: Path) -> None:
    original = filled(rubric, "id", tmp_path / "filled.xlsx")
    saved = converted(original, "xlsx", tmp_path / "xlsx")
    book = openpyxl.load_workbook(saved)
    assert [sheet.title for sheet in book.worksheets] == ["Peserta", "Petunjuk", "Pilihan"]
    checks = checks_by_column(book.worksheets[0])
    kinds = {spec.name: spec.kind for spec in rubric.input_specs}
    assert {name: checks[name].type for name in kinds if kinds[name] in ("one_of", "bool", "count", "number")} == {
        name: {"one_of": "list", "bool": "list", "count": "whole", "number": "decimal"}[kind]
        for name, kind in kinds.items() if kind in ("one_of", "bool", "count", "number")}
    assert book.worksheets[0].cell(1, 3).comment is not None  # the headings keep their notes
    assert scored(rubric, saved) == scored(rubric, EXAMPLES)
    as_csv = converted(original, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv")
    assert scored(rubric, as_csv) == scored(rubric, EXAMPLES)
