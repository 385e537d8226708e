"""Labels and other texts: one of each kind per declaration, known languages, both id and en, a label for each."""

from __future__ import annotations

from collections.abc import Iterable

from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian, closest, you_meant
from paritrana_rules.language import ast

LANGUAGES = ("id", "en")
_LANGUAGE_NAMES = {"id": Phrase("Bahasa Indonesia", "bahasa Indonesia"), "en": Phrase("English", "bahasa Inggris")}
# The texts a declaration may have one of each; `label` and the others are keywords, kept as written.
_ONE_OF_EACH = ("label", "description", "reason", "evidence")


def check_repeated_texts(state: CheckState) -> None:
    """A second label (or description, reason, evidence) would be ignored: say so instead."""
    owners: list[tuple[Phrase, tuple[ast.Meta, ...]]] = [(Phrase("the rubric", "rubrik ini"), state.rubric.meta)]
    owners += [(Phrase(f"'{decl.name}'", f"'{decl.name}'"), decl.meta) for decl in state.rubric.declarations]
    for owner, meta in owners:
        seen: dict[str, ast.Meta] = {}
        for clause in meta:
            if clause.kind not in _ONE_OF_EACH:
                continue
            if clause.kind in seen:
                kind, first = clause.kind, seen[clause.kind].span
                state.report("N213", f"{owner.en} has a second {kind} (the first is on line {first.line})",
                             clause.span, f"keep one {kind}, with both its id and en texts",
                             indonesian=Indonesian(f"{owner.id} memiliki {kind} kedua (yang pertama di baris "
                                                   f"{first.line})", f"sisakan satu {kind}, dengan teks id dan en"))
            else:
                seen[clause.kind] = clause


def check_translations(state: CheckState) -> None:
    """Every text in both languages, so that explanations can be given in either; every declaration labelled."""
    for texts, what, kind in _all_texts(state.rubric):
        langs = [lang for lang, _ in texts.by_lang]
        spans = texts.lang_spans or tuple(texts.span for _ in langs)
        for lang, lang_span in zip(langs, spans, strict=True):
            if lang not in LANGUAGES:
                meant = closest(lang, LANGUAGES)
                state.report("N210", f"unknown language '{lang}' in {what.en}", lang_span,
                             you_meant(meant) or "use id (Bahasa Indonesia) or en (English)",
                             indonesian=Indonesian(f"bahasa '{lang}' tidak dikenal dalam {what.id}",
                                                   you_meant(meant, "id") or "gunakan id (bahasa Indonesia) atau en "
                                                   "(bahasa Inggris)"))
        for lang in LANGUAGES if kind not in ("source", "assumption") else ():  # cited as written: may be one language
            if lang not in langs:
                name = _LANGUAGE_NAMES[lang]
                state.report("L802", f"{what.en} has no '{lang}' text", texts.span,
                             f"add {lang} \"...\" so explanations in {name.en} can use it", "warning",
                             Indonesian(f"{what.id} tidak memiliki teks '{lang}'", f"tambahkan {lang} \"...\" agar "
                                        f"penjelasan dalam {name.id} dapat memakainya"))
    for decl in state.rubric.declarations:
        if isinstance(decl, (ast.CriterionDecl, ast.InputDecl, ast.GateDecl, ast.AdjustmentDecl,
                             ast.StageDecl)) and not any(
            m.kind == "label" for m in decl.meta
        ):
            state.report("L803", f"'{decl.name}' has no label", decl.name_span,
                         'add: label id "..." en "..." so explanations can name it in both languages', "warning",
                         Indonesian(f"'{decl.name}' tidak memiliki label", 'tambahkan: label id "..." en "..." agar '
                                    "penjelasan dapat menyebut namanya dalam kedua bahasa"))


def _all_texts(rubric: ast.Rubric) -> Iterable[tuple[ast.Texts, Phrase, str]]:
    """Every text of the rubric, with what it is in both languages (its kind is a keyword, kept as written), and
    its kind."""
    for meta in rubric.meta:
        if meta.texts is not None:
            yield meta.texts, Phrase(f"the rubric's {meta.kind}", f"{meta.kind} rubrik"), meta.kind
    for decl in rubric.declarations:
        for meta in decl.meta:
            if meta.texts is not None:
                yield meta.texts, Phrase(f"the {meta.kind} of '{decl.name}'", f"{meta.kind} '{decl.name}'"), meta.kind
        if isinstance(decl, ast.InputDecl):
            for member in decl.type.members:
                if member.label is not None:
                    yield (member.label, Phrase(f"the label of value '{member.name}'", f"label nilai '{member.name}'"),
                           "label")
