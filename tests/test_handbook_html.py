"""The handbook as one self-contained HTML page (`docs --format html`): well formed, loading nothing from anywhere,
in the language asked for, with the same content as the other formats; and the command that writes it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.cli import main
from paritrana_rules.explain.handbook import handbook

ROOT = Path(__file__).resolve().parents[1]
PINNED = [Path("rubrics/2024/kabupaten-kota.rubric"), Path("rubrics/2024/pemerintah-desa.rubric"),
          Path("rubrics/2025/pemerintah-desa.rubric")]
EMPTY = {"meta", "br", "link", "img"}


class _Tags(HTMLParser):
    """Every tag and attribute of a page, and whether each element closes where it should."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.mismatched: list[tuple[str, str]] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += attrs
        if tag not in EMPTY:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        top = self.open.pop() if self.open else ""
        if top != tag:
            self.mismatched.append((top, tag))


def parsed(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    return tags


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("relative", PINNED, ids=str)
def test_html_is_well_formed_self_contained_and_in_the_language(relative: Path, lang: str) -> None:
    page = handbook(pr.load(ROOT / relative), lang, "html")
    tags = parsed(page)
    assert tags.open == [] and tags.mismatched == []
    assert page.startswith("<!DOCTYPE html>\n") and f'<html lang="{lang}">' in page
    assert not tags.tags & {"script", "link", "img", "iframe", "object", "embed"}  # nothing loaded or run
    assert not [value for _, value in tags.attributes if value and re.search(r"(?i)\b(?:https?|ftp):|//", value)]
    assert "url(" not in page and "@import" not in page  # nor from the style sheet
    assert "@media print" in page and "@page" in page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_html_holds_what_the_plain_text_holds(lang: str) -> None:
    rubric = pr.load(ROOT / "rubrics/2024/kabupaten-kota.rubric")
    text = html.unescape(re.sub(r"<[^>]+>", "", handbook(rubric, lang, "html")))
    for line in handbook(rubric, lang, "text").splitlines():
        words = line.strip().lstrip("-0123456789. ").strip()
        if words and not set(words) <= set("=-~ ") and "  " not in words:  # table rows are aligned with spaces
            assert words in text, words


def test_html_escapes_rubric_text() -> None:
    rubric = pr.loads('''rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji <b>&" en "Test <b>&"
scale 0 to 100
rounding half_up to 2 places

input x: number
    between 0 and 100
    label id "Nilai <x>" en "Value <x>"

criterion satu weight 100%
    label id "Satu" en "One"
    points x
''', "uji.rubric")
    page = handbook(rubric, "en", "html")
    assert "Test &lt;b&gt;&amp;" in page and "<b>" not in page
    assert parsed(page).mismatched == []


def test_the_docs_command_writes_html_and_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "handbook.html"
    assert main(["docs", str(ROOT / "rubrics/2025/pemerintah-desa.rubric"), "--format", "html", "--lang", "en",
                 "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h2>What changed this edition</h2>" in page
    assert "<li>1. What changed this edition" not in page and "<li>What changed this edition</li>" in page
    markdown = tmp_path / "handbook.md"
    assert main(["docs", str(ROOT / "rubrics/2024/pemerintah-desa.rubric"), "-o", str(markdown)]) == 0
    assert "Perubahan pada edisi ini" not in markdown.read_text(encoding="utf-8")
