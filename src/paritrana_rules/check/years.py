"""Years in texts: a label or evidence that still names last year's year (L808), and how to move it on.

A rubric that extends last year's inherits its texts, and with them their
years: "APBDes 2024", written when 2024 was the period, is a leftover in the
edition-2026 rubric (period 2025) that a candidate would follow. The warning
is about such leftovers only: an inherited text for candidates (a label,
description, reason or evidence) naming a year that was the period or the
edition of the rubric it was written in, and is neither this rubric's period
nor its edition. Sources and assumptions describe the past and name the years
they are about; a year that was already history where it was written ("data
of March 2021") stays true; a date written 2023-10-20 is a citation's, and a
regulation's number is not a year (`UU 24/2011`, `Nomor 5 Tahun 2021`).
`years_in` finds the years and `rolled` moves them: the warning's hint and
`new-edition` both use them, so the replace line suggested is the one that
`new-edition` writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

import attrs

from paritrana_rules.check.state import CheckState
from paritrana_rules.errors import Indonesian
from paritrana_rules.language import ast
from paritrana_rules.language.extends import declaration_kind
from paritrana_rules.language.syntax import parse
from paritrana_rules.language.text_edits import PER_LANGUAGE, written
from paritrana_rules.source import SourceFile, Span

# A year as texts write one: 1950-2099, a word of its own, not part of a number ("2,024", "20240", "12.2024",
# "Rp2024").
_YEAR = re.compile(r"(?<![\w.,])(19[5-9]\d|20\d\d)(?!\w|[.,]\d)")
# Four digits that are not a year of the text's own: a regulation's number ("24/2011", "Nomor 5 Tahun 2021",
# "No. 82 Th. 2019") and a citation's date (2023-10-20).
_NOT_YEARS = re.compile(r"\d+\s*/\s*\d{4}|\b(?:nomor|no\.?)\s*\d+\s+(?:tahun|th\.?)\s+\d{4}|\b\d{4}-\d\d-\d\d\b",
                        re.IGNORECASE)

Mover = Callable[[int], int]


@attrs.frozen
class Year:
    """A year named in a text, and where: text[start:end]."""

    value: int
    start: int
    end: int


@attrs.frozen
class Edition:
    """A rubric's period and edition: the years its texts may name as their own."""

    period: int
    edition: int

    def years(self) -> tuple[int, int]:
        """The years a text may name in this edition."""
        return (self.period, self.edition)

    def own_years(self) -> tuple[int, int, int]:
        """The years this edition's texts name relative to it: the year before the period (figures of the
        previous year), the period and the edition."""
        return (self.period - 1, self.period, self.edition)

    def mover(self, to: Edition) -> Mover:
        """How this edition's own years move to another's: by as much as the period moves; history stays."""
        return lambda year: year + to.period - self.period if year in self.own_years() else year


def edition_of(rubric: ast.Rubric) -> Edition:
    return Edition(int(rubric.period), int(rubric.edition))


def years_in(text: str) -> list[Year]:
    """The years a text names, in order; a regulation's number and a citation's date are not such years."""
    excluded = [match.span() for match in _NOT_YEARS.finditer(text)]
    return [Year(int(match.group()), match.start(), match.end()) for match in _YEAR.finditer(text)
            if not any(start <= match.start() < end for start, end in excluded)]


def rolled(text: str, move: Mover) -> str:
    """The text with every year it names moved by `move`, the rest as it was."""
    parts, at = [], 0
    for year in years_in(text):
        parts += [text[at:year.start], str(move(year.value))]
        at = year.end
    return "".join(parts) + text[at:]


def own_years(clause: ast.Meta, origin: Edition) -> list[Year]:
    """The years a text for candidates names that were its edition's own where it was written.

    Sources and assumptions are the committee's record: they name the years they are about, on purpose.
    """
    if clause.kind not in PER_LANGUAGE:
        return []
    return [year for text in clause.words() for year in years_in(text) if year.value in origin.own_years()]


def replace_line(clause: ast.Meta, move: Mover) -> str:
    """The line that replaces an inherited clause by its years moved, naming it by its first text."""
    if clause.texts is not None:
        old: ast.Texts | str = attrs.evolve(clause.texts, by_lang=clause.texts.by_lang[:1])
        new: ast.Texts | str = attrs.evolve(clause.texts, by_lang=tuple(
            (lang, rolled(text, move)) for lang, text in clause.texts.by_lang))
    else:
        old = clause.text or ""
        new = rolled(old, move)
    return f"replace {clause.kind} {written(old)} with {written(new)}"


class Origins:
    """The edition of each file a rubric's texts were written in, each file read once."""

    def __init__(self, sources: Mapping[str, SourceFile]) -> None:
        self.sources = sources
        self.found: dict[str, Edition | None] = {}

    def of(self, path: str) -> Edition | None:
        """The file's period and edition; None for a shared file or one that does not parse."""
        if path not in self.found:
            source = self.sources.get(path)
            parsed = parse(source.text, path).rubric if source is not None else None
            self.found[path] = edition_of(parsed) if parsed is not None and not parsed.shared else None
        return self.found[path]


# ------------------------------------------------------------------ the warning


def check_years(state: CheckState) -> None:
    """L808 for each inherited text that still names a year of the edition it was written in."""
    rubric = state.rubric
    now = edition_of(rubric)
    origins = Origins(state.sources)
    for owner, clause in _clauses(rubric):
        origin = origins.of(clause.span.path) if clause.span.path != rubric.path else None
        if origin is None or origin.period == now.period:
            continue
        stale = [year for year in own_years(clause, origin) if year.value not in now.years()]
        if not stale:
            continue
        line = replace_line(clause, origin.mover(now))
        where, where_id = ("in the header", "di bagian kepala rubrik") if owner is None else (
            f"under 'change {declaration_kind(owner)} {owner.name}'",
            f"di bawah 'change {declaration_kind(owner)} {owner.name}'")
        state.report("L808", f"this {clause.kind}, inherited from the edition {origin.edition} rubric (period "
                     f"{origin.period}), names the year {stale[0].value}, which is neither this rubric's period "
                     f"({now.period}) nor its edition ({now.edition})", _where(state, clause, stale[0]),
                     f"move the year on {where}: {line}", "warning", Indonesian(
                         f"'{clause.kind}' ini, yang diwarisi dari rubrik edisi {origin.edition} (periode "
                         f"{origin.period}), menyebut tahun {stale[0].value}, yang bukan periode ({now.period}) "
                         f"maupun edisi ({now.edition}) rubrik ini", f"perbarui tahunnya {where_id}: {line}"))


def _clauses(rubric: ast.Rubric) -> Iterable[tuple[ast.Declaration | None, ast.Meta]]:
    """Every clause of the rubric, with the declaration it belongs to (None: the rubric's own)."""
    for clause in rubric.meta:
        yield None, clause
    for decl in rubric.declarations:
        for clause in decl.meta:
            yield decl, clause


def _where(state: CheckState, clause: ast.Meta, year: Year) -> Span:
    """The year itself when it is on the clause's first line, else the whole clause."""
    source = state.sources.get(clause.span.path, state.source)
    line = source.line_text(clause.span.line)
    column = line.find(str(year.value), clause.span.column - 1)
    if column < 0:
        return clause.span
    return Span(clause.span.path, clause.span.line, column + 1, clause.span.line, column + 5)
