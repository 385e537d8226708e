"""Removing and replacing inherited texts: `remove assumption "..."`, `replace evidence "..." with ...`.

A rubric that extends another inherits its labels, descriptions, reasons,
evidence, sources and assumptions. Most of them stay true from year to year;
those that do not (a weight "unchanged since 2024", a document "per 31 Desember
2024") are named by their words and removed, or replaced by a new clause in
the same place. An edit that names no inherited text is reported with the
texts that are there, so that a text copied with a typo is found at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from paritrana_rules.errors import Indonesian, closest
from paritrana_rules.language import ast
from paritrana_rules.source import Span

PER_LANGUAGE = ("label", "description", "reason", "evidence")  # always `id "..." en "..."`; sources may be one text
_LISTED = 5  # inherited texts a hint lists at most
_QUOTED = 60  # characters of each listed text

# code, span, message, hint, the same in Bahasa Indonesia
Report = Callable[[str, Span, str, str, Indonesian], None]


@attrs.frozen
class Owner:
    """Whose texts are edited, as a message names it: the rubric, or one of its declarations."""

    en: str
    id: str

    @classmethod
    def rubric(cls) -> Owner:
        return cls("the rubric it extends", "rubrik yang diperluasnya")

    @classmethod
    def declaration(cls, kind: str, name: str) -> Owner:
        return cls(f"the inherited {kind} '{name}'", f"{kind} '{name}' yang diwarisi")


def edited(meta: tuple[ast.Meta, ...], edits: Sequence[ast.TextEdit], owner: Owner,
           report: Report) -> tuple[ast.Meta, ...]:
    """The inherited clauses with each edit applied in order, in their places; an edit that cannot be is reported."""
    result: list[ast.Meta | None] = list(meta)
    done: dict[int, ast.TextEdit] = {}
    for edit in edits:
        if edit.new is not None and _wrong_form(edit, edit.new, report):
            continue
        matching = [i for i, clause in enumerate(meta) if clause.kind == edit.kind and _names(edit.old, clause)]
        free = [i for i in matching if i not in done]
        if free:
            done[free[0]] = edit
            result[free[0]] = edit.new
        elif matching:
            _already_edited(edit, done[matching[0]], report)
        else:
            _not_inherited(edit, meta, owner, report)
    return tuple(clause for clause in result if clause is not None)


def _names(old: ast.Texts | str, clause: ast.Meta) -> bool:
    """Whether an edit's words name this clause: a plain text any of its texts, each language its own."""
    if isinstance(old, str):
        return old in clause.words()
    return clause.texts is not None and all(clause.texts.get(lang) == text for lang, text in old.by_lang)


def written(value: ast.Texts | str) -> str:
    """Words as a rubric writes them: "..." or id "..." en "..."."""
    if isinstance(value, str):
        return quoted(value)
    return " ".join(f"{lang} {quoted(text)}" for lang, text in value.by_lang)


def quoted(text: str) -> str:
    """A text in double quotes with the language's escapes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _wrong_form(edit: ast.TextEdit, new: ast.Meta, report: Report) -> bool:
    """A label, description, reason or evidence replaced by one text instead of one per language: reported."""
    if edit.kind not in PER_LANGUAGE or new.texts is not None:
        return False
    report("X113", new.span, f"a {edit.kind} is written per language, and so is what replaces it",
           'write the new text in each language: with id "..." en "..."',
           Indonesian(f"'{edit.kind}' ditulis per bahasa, demikian pula penggantinya",
                      'tulis teks baru dalam setiap bahasa: with id "..." en "..."'))
    return True


def _already_edited(edit: ast.TextEdit, first: ast.TextEdit, report: Report) -> None:
    done_en = "removed" if first.new is None else "replaced"
    done_id = "dihapus" if first.new is None else "diganti"
    report("X112", edit.old_span, f"the inherited {edit.kind} {written(edit.old)} is already {done_en} on line "
           f"{first.span.line}", f"keep one '{first.verb} {edit.kind}' line for it",
           Indonesian(f"'{edit.kind}' {written(edit.old)} yang diwarisi sudah {done_id} di baris {first.span.line}",
                      f"cukup satu baris '{first.verb} {edit.kind}' untuknya"))


def _not_inherited(edit: ast.TextEdit, meta: tuple[ast.Meta, ...], owner: Owner, report: Report) -> None:
    """X112, with the closest inherited text of that kind (to copy) and the others (to choose from)."""
    there = [clause for clause in meta if clause.kind == edit.kind]
    verb_id = "dihapus" if edit.new is None else "diganti"
    message = f"{owner.en} has no {edit.kind} {written(edit.old)} to {edit.verb}"
    message_id = f"{owner.id} tidak memiliki '{edit.kind}' {written(edit.old)} yang dapat {verb_id}"
    if not there:
        report("X112", edit.old_span, message, f"it has no {edit.kind} at all; to add one, write: {edit.kind} ...",
               Indonesian(message_id, f"tidak ada '{edit.kind}' sama sekali; untuk menambahkannya, tulis: "
                                      f"{edit.kind} ..."))
        return
    by_words = {words: clause for clause in there for words in clause.words()}
    wanted = edit.old if isinstance(edit.old, str) else next((text for _, text in edit.old.by_lang), "")
    meant = closest(wanted, by_words)
    listed = ", ".join(_short(clause) for clause in there[:_LISTED]) + (
        f" and {len(there) - _LISTED} more" if len(there) > _LISTED else "")
    listed_id = ", ".join(_short(clause) for clause in there[:_LISTED]) + (
        f" dan {len(there) - _LISTED} lagi" if len(there) > _LISTED else "")
    if meant is not None:
        others, others_id = (f" (inherited {edit.kind} lines: {listed})",
                             f" (baris '{edit.kind}' yang diwarisi: {listed_id})") if len(there) > 1 else ("", "")
        report("X112", edit.old_span, message, f"did you mean {quoted(meant)}?{others}",
               Indonesian(message_id, f"maksud Anda {quoted(meant)}?{others_id}"))
    else:
        report("X112", edit.old_span, message, f"name one of the inherited {edit.kind} lines by its exact words: "
               f"{listed}", Indonesian(message_id, f"sebut salah satu baris '{edit.kind}' yang diwarisi dengan "
                                                   f"kata-kata persisnya: {listed_id}"))


def _short(clause: ast.Meta) -> str:
    text = clause.words()[0] if clause.words() else ""
    return quoted(text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…")
