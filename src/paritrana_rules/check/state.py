"""What every family of checks shares while one rubric is checked.

The checker never stops at the first problem, so each check reads and adds to
one `CheckState`: the names declared and used so far, the values expressions
may read, the scale and rounding from the header, and the diagnostics found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.model import InputModel, LetModel, ValueType
from paritrana_rules.data import MAX_DIGITS, MAX_MAGNITUDE
from paritrana_rules.errors import Diagnostic, Indonesian, Severity, closest
from paritrana_rules.language import ast
from paritrana_rules.numeric import plain
from paritrana_rules.source import SourceFile, Span


@attrs.frozen
class Phrase:
    """Part of a message in English and in Bahasa Indonesia, for checks that share the sentence around it."""

    en: str
    id: str


@attrs.frozen
class Analysed:
    """An expression after checking: resolved form, type and range (None when not numeric)."""

    expr: ast.Expr
    type: ValueType
    interval: Interval | None


class CheckState:
    """One rubric being checked: what is known about its names so far, and every diagnostic found."""

    def __init__(self, rubric: ast.Rubric, sources: Mapping[str, SourceFile]) -> None:
        self.rubric = rubric
        self.sources = dict(sources)
        self.source = self.sources.get(rubric.path) or SourceFile(rubric.path, "")
        self.diagnostics: list[Diagnostic] = []
        self.values: dict[str, InputModel | LetModel] = {}  # names usable in expressions
        self.declared: dict[str, Span] = {}  # every declared name, first occurrence
        self.declared_in: dict[tuple[str, str], Span] = {}  # (namespace, name) -> where declared
        self.used: set[str] = set()
        self.member_owner: dict[str, str] = {}  # enum member -> an input that has it
        self.scale = Interval(Decimal(0), Decimal(100))  # the scale and rounding are set from the header
        self.rounding_mode = "half_up"
        self.rounding_places = 2
        self.suggested: set[str] = set()  # names offered as did-you-mean: not "unused", just misspelt
        self.stage_order: dict[str, int] = {}  # declared stage -> its index, first declaration of each name
        # stage, index, value stages: while an advance rule is checked
        self.advancing: tuple[str, int, Mapping[str, int]] | None = None

    def report(self, code: str, message: str, span: Span, hint: str | None = None,
               severity: Severity = "error", indonesian: Indonesian | None = None) -> None:
        source = self.sources.get(span.path, self.source)
        self.diagnostics.append(Diagnostic(code, message, span, source.line_text(span.line), hint, severity,
                                           indonesian))

    def errors_since(self, count: int) -> bool:
        """Whether errors were reported since; an analysis on top of them would only echo them."""
        return any(d.severity == "error" for d in self.diagnostics[count:])

    def suggest(self, name: str, known: Iterable[str]) -> str | None:
        """The name a misspelt one means (for `you_meant`); the name offered then does not count as unused."""
        meant = closest(name, known)
        if meant is not None:
            self.suggested.add(meant)
        return meant

    def check_size(self, value: Decimal, span: Span) -> None:
        """Numbers in a rubric stay well inside the engine's 50 digits, as inputs must (data.MAX_DIGITS)."""
        digits = len(value.as_tuple().digits)
        if value and (value.adjusted() >= MAX_MAGNITUDE or digits > MAX_DIGITS):
            self.report("T316", f"{plain(value)} is too large or too precise to compute with exactly", span,
                        f"numbers must be below 10^{MAX_MAGNITUDE} with at most {MAX_DIGITS} digits",
                        indonesian=Indonesian(f"{plain(value)} terlalu besar atau memiliki terlalu banyak digit "
                                              "untuk dihitung secara tepat",
                                              f"angka harus di bawah 10^{MAX_MAGNITUDE} dengan paling banyak "
                                              f"{MAX_DIGITS} digit"))
