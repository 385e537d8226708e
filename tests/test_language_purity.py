"""Output in one language speaks that language: every bundled rubric's handbook and the explanations of its
example candidates, in Bahasa Indonesia, hold no English words, and in English no Indonesian ones.

What may stay as written: identifiers (the names of inputs, options, criteria... and file paths), rubric text
quoted as code, a rubric text that exists in one language only, shown marked as such, and the candidates' own
data (names, free-text answers). The rubrics' `source` and `assumption` lines carry no language yet and are
written in English, quoting Indonesian sources: in Bahasa Indonesia they must be shown marked; in English they
are the rubric's English text, left out of the scan.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import paritrana_rules as pr
from paritrana_rules.check.model import RubricModel
from paritrana_rules.explain.handbook import handbook
from paritrana_rules.language import ast

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = sorted(p.relative_to(ROOT) for p in (ROOT / "rubrics").rglob("*.rubric"))

# Words of the other language that the wording of rules, numbers and sections would leak.
ENGLISH = frozenset({
    "above", "and", "below", "band", "but", "default", "each", "else", "every", "exactly", "false", "from", "gives",
    "highest", "if", "in", "includes", "is", "least", "less", "line", "lowest", "months", "more", "most", "none",
    "not", "of", "only", "or", "otherwise", "people", "places", "points", "rounded", "row", "rubric", "than", "the",
    "then", "to", "true", "weight", "when", "where", "with", "yes",
})
INDONESIAN = frozenset({
    "ada", "atau", "bawah", "bukan", "bulan", "dan", "dari", "dengan", "dibulatkan", "jika", "kurang", "lebih",
    "nilai", "orang", "paling", "poin", "rentang", "sampai", "selain", "tepat", "tidak", "yang", "ya",
})
FOREIGN = {"id": ENGLISH, "en": INDONESIAN}

# A text the rubric gives in one language only, shown to a reader of the other one with its mark.
MARKED = {"id": re.compile(r"“[^”]*” \(hanya dalam bahasa Inggris\)"),
          "en": re.compile(r"“[^”]*” \(only in Bahasa Indonesia\)")}
CODE = re.compile(r"``.*?``|`[^`]*`")
PATH = re.compile(r"\S+\.(?:rubric|shared)\S*")
WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")


@functools.cache
def rubric(relative: Path) -> pr.CompiledRubric:
    return pr.load(ROOT / relative)


def identifiers(model: RubricModel) -> frozenset[str]:
    """Every name a rubric declares: shown as identifiers, never as words."""
    names = {i.decl.name for i in model.inputs} | {m.name for i in model.inputs for m in i.decl.type.members}
    names |= {let.decl.name for let in model.lets} | {c.decl.name for c in model.criteria}
    names |= {g.decl.name for g in model.gates} | {a.decl.name for a in model.adjustments}
    names |= {s.decl.name for s in model.stages} | {g.decl.name for g in model.groupings}
    return frozenset(name for name in names if name)


def free_texts(model: RubricModel) -> tuple[str, ...]:
    """Every `source` and `assumption` text of a rubric, longest first (so none is cut by a shorter one)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, ast.Meta) and node.text:
            found.add(node.text)
        elif isinstance(node, tuple | list):
            for item in node:
                walk(item)
        elif attrs.has(type(node)):
            for field in attrs.fields(type(node)):
                walk(getattr(node, field.name))

    walk(model.rubric)
    return tuple(sorted(found, key=len, reverse=True))


def foreign_words(text: str, lang: str, model: RubricModel, kept: tuple[str, ...] = ()) -> list[str]:
    """The words of the other language in a text, after what may stay as written (identifiers, code, marked
    texts, and `kept`: the candidate's data and, in English, the rubric's free texts) is taken out.
    """
    names = identifiers(model)
    for written in kept:
        text = text.replace(written, " ")
    text = MARKED[lang].sub(" ", CODE.sub(" ", PATH.sub(" ", text)))
    text = re.sub(r"[\w/]+", lambda m: " " if m.group() in names or "_" in m.group() else m.group(), text)
    return sorted({word for word in WORD.findall(text) if word.lower() in FOREIGN[lang]})


def outputs(relative: Path, lang: str) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """The handbook and the explanation of every example candidate: (what, text, the candidate's own words)."""
    compiled = rubric(relative)
    yield "handbook", handbook(compiled, lang), ()
    examples = ROOT / "examples" / relative.parent.name / (relative.stem + ".yaml")
    if examples.exists():
        candidates, _ = pr.load_candidates(examples, compiled.input_specs)
        for candidate in candidates:
            result = compiled.evaluate_candidate(candidate)
            own = (result.candidate_name or "", *(v for v in result.inputs.values() if isinstance(v, str)))
            yield f"explanation of {result.candidate_id}", result.explain(lang=lang), tuple(v for v in own if v)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_output_has_no_words_of_the_other_language(relative: Path, lang: str) -> None:
    model = rubric(relative).model
    texts = free_texts(model) if lang == "en" else ()
    found = {what: words for what, text, data in outputs(relative, lang)
             if (words := foreign_words(text, lang, model, (*data, *texts)))}
    assert not found, f"{relative} ({lang}): {found}"


def test_the_scan_finds_what_it_looks_for() -> None:
    """The scan flags leaked words and lets identifiers, code and marked texts through."""
    model = rubric(RUBRICS[0]).model
    assert foreign_words("masuk rentang 'from 500 to below 1000 -> 85'", "id", model) == ["below", "from", "to"]
    assert foreign_words("dengan `not tunggakan_iuran` dan “Band limits” (hanya dalam bahasa Inggris)", "id",
                         model) == []
    assert foreign_words("more than 0 orang", "en", model) == ["orang"]
