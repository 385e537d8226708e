"""Complete rubrics shown in the docs check clean, so the docs never teach a broken example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paritrana_rules.evaluate.rubric import diagnose

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def complete_rubrics() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for index, block in enumerate(re.findall(r"```[a-z]*\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)):
            code = re.sub(r"\A(\s*#[^\n]*\n)*", "", block)
            if code.startswith('rubric "') and "\ncriterion " in code:
                found.append((f"{doc.name}#{index}", block))
    return found


def test_docs_contain_complete_rubrics() -> None:
    assert any(w.startswith("README") for w, _ in complete_rubrics())
    assert any(w.startswith("language") for w, _ in complete_rubrics())


@pytest.mark.parametrize(("where", "text"), complete_rubrics(), ids=[w for w, _ in complete_rubrics()])
def test_doc_rubric_checks_clean(where: str, text: str) -> None:
    model, diagnostics = diagnose(text, where)
    assert [d.render() for d in diagnostics] == []
    assert model is not None
