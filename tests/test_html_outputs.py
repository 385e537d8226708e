"""Explanations and score tables as self-contained HTML pages (`explain --format html`, `score --format html`):
golden pages, loading nothing from anywhere, hostile text escaped, the same bytes every run; and explanations
that place an inherited rule by its path inside the rubrics folder, never where this machine keeps it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml

import paritrana_rules as pr
from paritrana_rules import api
from paritrana_rules.cli import main
from paritrana_rules.explain.html import CRITERIA_PER_TABLE

from .conftest import Golden
from .test_handbook_html import parsed

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "html"
DESA = Path("rubrics/2024/pemerintah-desa.rubric")
DESA_DATA = ROOT / "examples/2024/pemerintah-desa.yaml"
HOSTILE_NAME = '<script>alert("x")</script> & <img src=http://example.com/x.png> \x1b[2J \x0ekode\x0f'


def explanation_page(lang: str, candidate: str = "desa-tulungrejo") -> str:
    rubric = pr.loads((ROOT / DESA).read_text(encoding="utf-8"), DESA.as_posix())
    return api.score_candidate(rubric, DESA_DATA, candidate).explain(lang, "html")


def score_page(rubric: api.CompiledRubric, data: Path, lang: str) -> str:
    output = io.BytesIO()
    api.score_file(rubric, data, output, form="html", lang=lang)
    return output.getvalue().decode("utf-8")


@pytest.fixture
def hostile_data(tmp_path: Path) -> Path:
    """The village examples with Tamansari's name replaced by markup, a URL, a terminal escape and a handbook
    marker."""
    document = yaml.safe_load(DESA_DATA.read_text(encoding="utf-8"))
    document.pop("rubric")
    document["candidates"][0]["name"] = HOSTILE_NAME
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def loads_nothing(page: str) -> None:
    """No element that fetches or runs anything, no address in any tag, nothing fetched by the style sheet (text
    that only reads like markup, escaped, is not looked at)."""
    tags = parsed(page)
    assert tags.open == [] and tags.mismatched == []
    assert not tags.tags & {"script", "link", "img", "iframe", "object", "embed", "audio", "video", "source"}
    assert not [name for name, _ in tags.attributes if name in ("src", "href", "srcset", "style", "action")]
    markup = "".join(re.findall(r"<[^>]*>", page))
    assert not re.search(r"(?i)\b(?:src|href|srcset)\s*=|https?:|//", markup)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(styles) == 1 and "url(" not in styles[0] and "@import" not in styles[0]
    assert "http" not in styles[0]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_explanation_page_matches_golden(lang: str, golden: Golden) -> None:
    golden.check(GOLDEN / f"explain-2024-pemerintah-desa.{lang}.html", explanation_page(lang))


@pytest.mark.parametrize("lang", ["en", "id"])
def test_score_page_matches_golden(lang: str, golden: Golden) -> None:
    golden.check(GOLDEN / f"score-2024-pemerintah-desa.{lang}.html", score_page(pr.load(ROOT / DESA), DESA_DATA, lang))


@pytest.mark.parametrize("lang", ["en", "id"])
def test_pages_load_nothing_and_print_with_their_headings(lang: str) -> None:
    rubric = pr.load(ROOT / "rubrics/2024/kabupaten-kota.rubric")
    pages = [explanation_page(lang), score_page(pr.load(ROOT / DESA), DESA_DATA, lang),
             score_page(rubric, ROOT / "examples/2024/kabupaten-kota.yaml", lang),
             api.handbook(rubric, lang=lang, format="html")]
    for page in pages:
        loads_nothing(page)
        assert page.startswith("<!DOCTYPE html>\n") and f'<html lang="{lang}">' in page
        assert "@media print" in page and "thead { display: table-header-group; }" in page


def test_pages_are_the_same_bytes_every_run(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for out in (first, second):
        assert main(["score", str(ROOT / DESA), str(DESA_DATA), "--format", "html", "--jobs", "2", "-o", str(out)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text(encoding="utf-8") == score_page(pr.load(ROOT / DESA), DESA_DATA, "en")
    assert explanation_page("id") == explanation_page("id")


def test_hostile_names_come_out_escaped(hostile_data: Path, tmp_path: Path) -> None:
    rubric = pr.load(ROOT / DESA)
    out = tmp_path / "explain.html"
    assert main(["explain", str(ROOT / DESA), str(hostile_data), "-c", "desa-tamansari", "--format", "html",
                 "-o", str(out)]) == 0
    for page in (out.read_text(encoding="utf-8"), score_page(rubric, hostile_data, "id")):
        loads_nothing(page)
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=http://example.com/x.png&gt;" \
               in page
        assert "\\x1b[2J \\x0ekode\\x0f" in page  # control characters shown, not passed on
        assert "\x1b" not in page and "<code>kode</code>" not in page


def test_score_page_counts_statuses_and_keeps_tables_narrow(tmp_path: Path) -> None:
    data = tmp_path / "one-bad.yaml"
    data.write_text(DESA_DATA.read_text(encoding="utf-8").replace("rentan_dibiayai: 700", "rentan_dibiayai: -3", 1),
                    encoding="utf-8")
    page = score_page(pr.load(ROOT / DESA), data, "id")
    assert "<tr><td>ditolak</td><td class=\"number\">1</td></tr>" in page
    assert "<tr><td>seluruhnya</td><td class=\"number\">8</td></tr>" in page
    widths = [row.count("<th") for row in re.findall(r"<thead><tr>(.*?)</tr></thead>", page)]
    assert widths[0] == 2 and all(width <= CRITERIA_PER_TABLE + 1 for width in widths[2:])
    criteria = len(pr.load(ROOT / DESA).model.criteria)
    assert sum(width - 1 for width in widths[2:]) == criteria  # every criterion once, beside the id


def test_the_explain_command_writes_html_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(ROOT / DESA), str(DESA_DATA), "-c", "desa-ngadi", "--format", "html",
                 "--lang", "id"]) == 0
    page = capsys.readouterr().out
    assert '<html lang="id">' in page and "<h2>Kriteria</h2>" in page and "<title>Desa Ngadi" in page


@pytest.mark.parametrize("format", ["text", "markdown", "html"])
def test_an_inherited_rule_is_placed_inside_the_rubrics_folder(format: str) -> None:
    rubric = pr.load(ROOT / "rubrics/2025/pemerintah-desa.rubric")  # an absolute path: the parent's is too
    result = api.score_candidate(rubric, ROOT / "examples/2025/pemerintah-desa.yaml", "desa-tulungrejo")
    shown = result.explain("en", format)  # type: ignore[arg-type]
    assert "2024/pemerintah-desa.rubric:189" in shown
    assert str(ROOT / "rubrics" / "2024") not in shown
