"""Labels and other texts: one of each kind per declaration, known languages, both id and en, a label for each."""

from __future__ import annotations

from collections.abc import Iterable

from paritrana_rules.check.state import CheckState
from paritrana_rules.errors import did_you_mean
from paritrana_rules.language import ast

LANGUAGES = ("id", "en")
_LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def check_repeated_texts(state: CheckState) -> None:
    """A second label (or description, reason, evidence) would be ignored: say so instead."""
    owners: list[tuple[str, tuple[ast.Meta, ...]]] = [("the rubric", state.rubric.meta)]
    owners += [(f"'{decl.name}'", decl.meta) for decl in state.rubric.declarations]
    for owner, meta in owners:
        seen: dict[str, ast.Meta] = {}
        for clause in meta:
            if clause.kind not in ("label", "description", "reason", "evidence"):
                continue
            if clause.kind in seen:
                first = seen[clause.kind].span
                state.report("N213", f"{owner} has a second {clause.kind} (the first is on line {first.line})",
                             clause.span, f"keep one {clause.kind}, with both its id and en texts")
            else:
                seen[clause.kind] = clause


def check_translations(state: CheckState) -> None:
    """Every text in both languages, so that explanations can be given in either; every declaration labelled."""
    for texts, what in _all_texts(state.rubric):
        langs = [lang for lang, _ in texts.by_lang]
        spans = texts.lang_spans or tuple(texts.span for _ in langs)
        for lang, lang_span in zip(langs, spans, strict=True):
            if lang not in LANGUAGES:
                state.report("N210", f"unknown language '{lang}' in {what}", lang_span,
                             did_you_mean(lang, LANGUAGES) or "use id (Bahasa Indonesia) or en (English)")
        for lang in LANGUAGES:
            if lang not in langs:
                state.report("L802", f"{what} has no '{lang}' text", texts.span,
                             f"add {lang} \"...\" so explanations in {_LANGUAGE_NAMES[lang]} can use it", "warning")
    for decl in state.rubric.declarations:
        if isinstance(decl, (ast.CriterionDecl, ast.InputDecl, ast.GateDecl, ast.AdjustmentDecl,
                             ast.StageDecl)) and not any(
            m.kind == "label" for m in decl.meta
        ):
            state.report("L803", f"'{decl.name}' has no label", decl.name_span,
                         'add: label id "..." en "..." so explanations can name it in both languages', "warning")


def _all_texts(rubric: ast.Rubric) -> Iterable[tuple[ast.Texts, str]]:
    for meta in rubric.meta:
        if meta.texts is not None:
            yield meta.texts, f"the rubric's {meta.kind}"
    for decl in rubric.declarations:
        for meta in decl.meta:
            if meta.texts is not None:
                yield meta.texts, f"the {meta.kind} of '{decl.name}'"
        if isinstance(decl, ast.InputDecl):
            for member in decl.type.members:
                if member.label is not None:
                    yield member.label, f"the label of value '{member.name}'"
