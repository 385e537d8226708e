"""The rubric library as a catalogue (`paritrana-rules list`), and which rubrics a title can mean.

A title such as "Paritrana Award 2024" names one year, which sources use for
two things (docs/award.md section 0): up to period 2021 the assessment period,
from period 2022 the ceremony year, which is a rubric's `edition`; some
provinces kept the old way. So a title is read both ways, the reading the
convention prefers first, and every rubric of either reading is listed.

A rubric that does not load is listed too, with its first error, sorted into
its place as far as its header can be read; what it leaves unknown could be
anything, so no filter or title leaves it out for that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs

from paritrana_rules.check.model import texts
from paritrana_rules.errors import Diagnostic, RubricError, UsageError
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.explain.words import pick_text
from paritrana_rules.language import ast, extends
from paritrana_rules.language.extends import read_rubric, rubric_files
from paritrana_rules.language.syntax import parse
from paritrana_rules.numeric import exact

FIRST_CEREMONY_PERIOD = 2022  # from this assessment period on, titles name the ceremony year (docs/award.md §0)
ROUNDS = ("provinsi", "nasional")  # the award's own rounds, in the order a candidate meets them
COLUMNS = ("path", "category", "sector", "period", "edition", "round", "label", "extends")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


@attrs.frozen
class Failure:
    """Why a rubric does not load: its first error, where it is."""

    code: str
    message: str
    file: str
    line: int

    def render(self) -> str:
        return f"error[{self.code}] {self.file}:{self.line}: {self.message}"


@attrs.frozen
class Entry:
    """One rubric of the library, by its header; None where a rubric that does not load leaves it unknown."""

    path: str  # relative to the folder listed, with forward slashes
    category: str | None
    sector: str | None
    period: int | None
    edition: int | None
    round: str | None
    labels: ast.Texts | None
    extends: str | None
    failure: Failure | None = None

    def could_be(self, field: str, value: object) -> bool:
        """Whether `field` has this value, or may have: what a rubric that does not load leaves unknown could be."""
        found = getattr(self, field)
        return found == value or (found is None and self.failure is not None)

    def sort_key(self) -> tuple[Any, ...]:
        """Category, period, edition, round, sector, path; a rubric of unknown category last."""
        return (self.category is None, self.category or "", self.period or 0, self.edition or 0,
                _round_rank(self.round), self.round or "", self.sector or "", self.path)

    def label(self, lang: str) -> str | None:
        return pick_text(self.labels, lang)

    def to_dict(self, lang: str) -> dict[str, Any]:
        """JSON-ready, keys in the table's order, then the error (null when it loads)."""
        fields = {"path": self.path, "category": self.category, "sector": self.sector, "period": self.period,
                  "edition": self.edition, "round": self.round, "label": self.label(lang), "extends": self.extends}
        return {**fields, "error": attrs.asdict(self.failure) if self.failure else None}


def _round_rank(name: str | None) -> int:
    """Rubrics not split by round first, then the award's rounds in order, then any other (by name)."""
    if name is None:
        return 0
    return ROUNDS.index(name) + 1 if name in ROUNDS else len(ROUNDS) + 1


@attrs.frozen
class Reading:
    """One meaning of a title's year: the edition (ceremony year) or the assessment period."""

    kind: Literal["edition", "period"]
    year: int
    preferred: bool

    def matches(self, entry: Entry) -> bool:
        return entry.could_be(self.kind, self.year)

    def why(self) -> str:
        if self.kind == "edition":
            return f"edition {self.year} (titles name the ceremony year, as from period {FIRST_CEREMONY_PERIOD})"
        return (f"period {self.year} (titles named the assessment period up to period {FIRST_CEREMONY_PERIOD - 1}, "
                "and some provinces still do, e.g. Jawa Timur)")


@attrs.frozen
class Section:
    """Rubrics shown together: those of one reading of a title, or the whole listing (`reading` None)."""

    reading: Reading | None
    entries: tuple[Entry, ...]


# ------------------------------------------------------------------ reading the library


def catalogue(folder: str | Path, *, category: str | None = None, period: int | None = None,
              edition: int | None = None, round: str | None = None) -> list[Entry]:
    """Every rubric under `folder` that the filters keep, sorted; UsageError when there are none to read."""
    root = Path(folder)
    if not root.is_dir():
        raise UsageError(f"no such folder: {folder}")
    wanted = {"category": category, "period": period, "edition": edition, "round": round}
    entries = [entry(path, root) for path in rubric_files([root])]
    kept = [e for e in entries if all(value is None or e.could_be(name, value) for name, value in wanted.items())]
    return sorted(kept, key=Entry.sort_key)


@exact
def entry(path: Path, root: Path) -> Entry:
    """A rubric file as the catalogue lists it: checked as `load` checks it, first error kept if it fails."""
    try:
        text = read_rubric(path)
    except RubricError as error:
        return _entry(path, root, None, _failure(error.diagnostics, root))
    model, diagnostics = diagnose(text, str(path))
    if model is not None:
        return _entry(path, root, model.rubric, None)
    return _entry(path, root, _written_header(text, str(path)), _failure(diagnostics, root))


def _written_header(text: str, path: str) -> ast.Rubric | None:
    """What a rubric that does not load says of itself: merged with what it extends if it can be, else as written."""
    outcome = parse(text, path)
    if outcome.rubric is None:
        return None
    return extends.resolve(outcome.rubric, outcome.source, read_rubric).rubric or outcome.rubric


def _entry(path: Path, root: Path, rubric: ast.Rubric | None, failure: Failure | None) -> Entry:
    """The entry of a rubric's (merged) syntax tree; the first of each header clause counts, as the checker says."""
    if rubric is None:
        return Entry(_relative(str(path), root), None, None, None, None, None, None, None, failure)
    clauses: dict[str, str] = {}
    for clause in rubric.clauses:
        clauses.setdefault(clause.kind, str(clause.values[0]))
    return Entry(_relative(str(path), root), clauses.get("category"), clauses.get("sector"), _year(rubric.period),
                 _year(rubric.edition), clauses.get("round"), texts(rubric.meta, "label"), rubric.extends, failure)


def _year(value: Decimal) -> int | None:
    """A header's year, or None when it is not a whole number (the checker reports it)."""
    return int(value) if value == value.to_integral_value() else None


def _failure(diagnostics: Iterable[Diagnostic], root: Path) -> Failure:
    first = next(d for d in diagnostics if d.severity == "error")
    return Failure(first.code, first.message, _relative(first.span.path, root), first.span.line)


def _relative(path: str, root: Path) -> str:
    """A path as written inside the folder listed, or as given when it lies outside (a parent it extends)."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


# ------------------------------------------------------------------ titles


def title_readings(title: str) -> tuple[Reading, Reading]:
    """Both meanings of a title's year, the one the convention prefers first; UsageError without one year."""
    years = list(dict.fromkeys(int(found) for found in _YEAR.findall(title)))
    if len(years) != 1:
        named = f"names the years {', '.join(map(str, years))}" if years else "names no year"
        raise UsageError(f"the title {title!r} {named}; give a title with one 4-digit year, e.g. "
                         "--title \"Paritrana Award 2024\"")
    year = years[0]
    ceremony = year - 1 >= FIRST_CEREMONY_PERIOD  # that edition assessed a period already named the new way
    as_edition, as_period = Reading("edition", year, ceremony), Reading("period", year, not ceremony)
    return (as_edition, as_period) if ceremony else (as_period, as_edition)


def sections(entries: list[Entry], readings: tuple[Reading, ...] = ()) -> list[Section]:
    """The listing: the rubrics of each reading of a title in turn, or all of them."""
    if not readings:
        return [Section(None, tuple(entries))]
    return [Section(r, tuple(e for e in entries if r.matches(e))) for r in readings]


# ------------------------------------------------------------------ output


def to_json(listing: list[Section], lang: str) -> list[dict[str, Any]]:
    """A list of rubrics; under a title each says which reading it belongs to, why, and if that one is preferred."""
    rows: list[dict[str, Any]] = []
    for section in listing:
        reading = section.reading
        extra = {"reading": reading.kind, "why": reading.why(), "preferred": reading.preferred} if reading else {}
        rows += [{**e.to_dict(lang), **extra} for e in section.entries]
    return rows


def render(listing: list[Section], lang: str, title: str | None = None) -> str:
    """The listing as a table, a blank line between categories; a failed rubric's error under its row.

    Under a title (`title`, the listing's sections being its readings), each reading heads its own rubrics.
    """
    cells = {e: _cells(e, lang) for s in listing for e in s.entries}
    widths = [max([len(name), *(len(row[i]) for row in cells.values())]) for i, name in enumerate(COLUMNS)]

    def aligned(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

    first = listing[0].reading
    lines = [] if title is None or first is None else [_title_line(title, first), ""]
    for section in listing:
        if section.reading is not None:
            lines.append(section.reading.why() + (", preferred:" if section.reading.preferred else ":"))
        lines += [aligned(COLUMNS), aligned(tuple("-" * w for w in widths))]
        previous = None
        for e in section.entries:
            if previous is not None and e.category != previous:
                lines.append("")
            previous = e.category
            lines.append(aligned(cells[e]))
            if e.failure is not None:
                lines.append(f"    {e.failure.render()}")
        lines += ["(no rubric)"] if not section.entries else []
        lines.append("")
    shown = {e for s in listing for e in s.entries}
    failed = sum(e.failure is not None for e in shown)
    lines.append(f"{len(shown)} rubric{'' if len(shown) == 1 else 's'} listed, {failed} failed to load")
    return "\n".join(lines)


def _title_line(title: str, first: Reading) -> str:
    """What the title's year can mean, and which reading comes first and why."""
    order = "ceremony-year" if first.kind == "edition" else "assessment-period"
    return (f"\"{title}\" names the year {first.year}, which can mean an edition or a period; the {order} reading "
            f"comes first, as the convention prefers for titles {'from' if first.kind == 'edition' else 'before'} "
            f"{FIRST_CEREMONY_PERIOD + 1}.")


def _cells(e: Entry, lang: str) -> tuple[str, ...]:
    values = (e.path, e.category, e.sector, e.period, e.edition, e.round, e.label(lang), e.extends)
    return tuple("-" if value is None else str(value) for value in values)
