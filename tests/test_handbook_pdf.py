"""The handbook as PDF (`docs --format pdf`, the `pdf` extra): the html format's page printed by WeasyPrint, with
the handbook's headings and weights in the language asked for, the same bytes on every call; written atomically
with -o, refused on a terminal, and a usage error saying what to install when WeasyPrint or Pango is missing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

import paritrana_rules as pr
from paritrana_rules.cli import main
from paritrana_rules.explain.handbook import handbook, handbook_pdf

ROOT = Path(__file__).resolve().parents[1]
CASES = [("rubrics/2024/kabupaten-kota.rubric", "id"), ("rubrics/2025/pemerintah-desa.rubric", "en")]
WEIGHT_LINE = {"id": "Bobot ", "en": "Weight "}
OTHER = {"id": "en", "en": "id"}


def _printable() -> None:
    """Skip when WeasyPrint is installed but cannot load the system's Pango (a missing WeasyPrint is a failure)."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        pytest.skip(f"WeasyPrint cannot load Pango ({error}): apt-get install libpango-1.0-0 libpangoft2-1.0-0")


@pytest.fixture(scope="module")
def pdfs() -> dict[tuple[str, str], bytes]:
    _printable()
    return {(path, lang): handbook_pdf(pr.load(ROOT / path), lang) for path, lang in CASES}


def pdf_text(pdf: bytes) -> str:
    """The words of every page, one space between them (lines wrap where the page ends them)."""
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def headings(text: str) -> list[str]:
    return [" ".join(line.lstrip("#").split()) for line in text.splitlines() if line.startswith("#")]


@pytest.mark.parametrize(("path", "lang"), CASES)
def test_the_pdf_holds_the_handbook_in_its_language(pdfs: dict[tuple[str, str], bytes], path: str,
                                                     lang: str) -> None:
    rubric = pr.load(ROOT / path)
    pdf = pdfs[path, lang]
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert [heading for heading in headings(handbook(rubric, lang)) if heading not in text] == []
    weights = [line for line in handbook(rubric, lang, "text").splitlines() if line.startswith(WEIGHT_LINE[lang])]
    assert weights and weights[0] in text
    assert not any(line.startswith(WEIGHT_LINE[OTHER[lang]]) for line in text.split(". "))
    assert headings(handbook(rubric, OTHER[lang]))[1] not in text  # the other language's first section
    assert {"“", "”", "→", "×"} <= set(text)  # drawn from the page's fonts, not dropped


def test_the_pdf_is_the_same_bytes_on_every_call(pdfs: dict[tuple[str, str], bytes]) -> None:
    path, lang = CASES[0]
    again = handbook_pdf(pr.load(ROOT / path), lang)
    assert again == pdfs[path, lang]
    from pypdf import PdfReader

    information = PdfReader(io.BytesIO(again)).metadata or {}
    assert "/CreationDate" not in information and "/ModDate" not in information


def test_the_docs_command_writes_the_pdf_with_o(pdfs: dict[tuple[str, str], bytes], tmp_path: Path) -> None:
    path, lang = CASES[0]  # a rubric that extends none: the command adds no changes to what `pdfs` printed
    target = tmp_path / "panduan-kabupaten-kota-2024.pdf"
    target.write_bytes(b"last year's")
    assert main(["docs", str(ROOT / path), "--lang", lang, "--format", "pdf", "-o", str(target)]) == 0
    assert target.read_bytes() == pdfs[path, lang]
    assert [file.name for file in tmp_path.iterdir()] == [target.name]  # replaced, no temporary file left


def test_a_pdf_is_not_written_to_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["docs", str(ROOT / CASES[0][0]), "--format", "pdf"]) == 2
    assert capsys.readouterr().err == "paritrana-rules: error: a PDF is not for a terminal: give --output FILE.pdf\n"


def test_a_pdf_goes_down_a_pipe() -> None:
    _printable()
    done = subprocess.run([sys.executable, "-m", "paritrana_rules", "docs", str(ROOT / CASES[0][0]), "--format",
                           "pdf"], capture_output=True, check=False)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"%PDF-") and done.stdout.rstrip().endswith(b"%%EOF")


def test_without_the_extra_the_command_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails as if it were not installed
    target = tmp_path / "panduan.pdf"
    assert main(["docs", str(ROOT / CASES[0][0]), "--format", "pdf", "-o", str(target)]) == 2
    assert capsys.readouterr().err == ("paritrana-rules: error: the handbook as PDF needs the 'pdf' extra: "
                                       "pip install 'paritrana-rules[pdf]'\n")
    assert not target.exists()


class _NoPango(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds WeasyPrint as a module whose import fails the way it does when the system has no Pango."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None,
                  ) -> importlib.machinery.ModuleSpec | None:
        return importlib.machinery.ModuleSpec(name, self) if name == "weasyprint" else None

    def exec_module(self, module: ModuleType) -> None:
        raise OSError("cannot load library 'libpango-1.0-0'")


def test_without_pango_the_command_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPango(), *sys.meta_path])
    assert main(["docs", str(ROOT / CASES[0][0]), "--format", "pdf", "-o", "unused.pdf"]) == 2
    assert capsys.readouterr().err == (
        "paritrana-rules: error: the handbook as PDF needs the Pango library, which WeasyPrint could not load "
        "(cannot load library 'libpango-1.0-0'); on Debian or Ubuntu: apt-get install libpango-1.0-0 "
        "libpangoft2-1.0-0\n")


def test_the_text_formats_need_no_weasyprint() -> None:
    code = ("import sys, paritrana_rules, paritrana_rules.cli\n"
            "from paritrana_rules import api\n"
            f"api.handbook(api.load({str(ROOT / CASES[0][0])!r}), format='html')\n"
            "print('weasyprint' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"
