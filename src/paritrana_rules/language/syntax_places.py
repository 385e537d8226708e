"""Where the parser stopped, and what a recognised mistake there says: the shared ground of `syntax_mistakes`.

A `Place` is the parser's stopping point seen as a committee member sees it: a
line, a column, what was found there. A `Mistake` is what a recogniser makes of
it (a code, the words in English and Bahasa Indonesia, the columns to underline),
and becomes a `Diagnostic` with the source line drawn under it.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from lark import Token

from paritrana_rules.errors import Diagnostic, Indonesian
from paritrana_rules.language.grammar import literal_terminals
from paritrana_rules.language.limits import shown
from paritrana_rules.source import SourceFile, Span

_SHOWN_AROUND = 36  # characters of a line shown on each side of a fix written out in a hint


@attrs.frozen
class Said:
    """What a diagnostic says: its message and hint, in English and in Bahasa Indonesia."""

    message: str
    hint: str
    message_id: str
    hint_id: str


@attrs.frozen
class Place:
    """Where the parser stopped: the text parsed (broken declarations blanked), the offset in it, the
    token it did not expect (None for a character no token starts with) and the words it expected."""

    text: str
    position: int
    token: Token | None
    expected: frozenset[str]

    @property
    def line_start(self) -> int:
        return self.text.rfind("\n", 0, self.position) + 1

    @property
    def line(self) -> str:
        end = self.text.find("\n", self.position)
        return self.text[self.line_start : end if end >= 0 else len(self.text)]

    @property
    def column(self) -> int:
        """The offset of the error in its line (0-based)."""
        return self.position - self.line_start

    @property
    def char(self) -> str:
        return self.text[self.position : self.position + 1]

    @property
    def found(self) -> str:
        """What the parser found: the token's text, or the one character it could not read."""
        return str(self.token) if self.token is not None else self.char

    def before(self, offset: int | None = None) -> str:
        """The line up to `offset` (default: the error), trailing spaces dropped."""
        return self.line[: self.column if offset is None else offset].rstrip()

    def after(self) -> str:
        """The line after what was found."""
        return self.line[self.column + max(1, len(self.found)) :]


@attrs.frozen
class Mistake:
    """A recognised mistake: what to say, and the columns it covers (0-based, end excluded) of the line the
    parser stopped in, or of an earlier line, the one starting at offset `line_start`."""

    code: str
    said: Said
    start: int
    end: int
    line_start: int | None = None

    def diagnostic(self, source: SourceFile, place: Place) -> Diagnostic:
        line = place.text.count("\n", 0, place.position if self.line_start is None else self.line_start) + 1
        end = max(self.end, self.start + 1)
        span = Span(source.path, line, self.start + 1, line, end + 1)
        return Diagnostic(self.code, self.said.message, span, shown(source.line_text(line)), self.said.hint,
                          indonesian=Indonesian(self.said.message_id, self.said.hint_id))


Recogniser = Callable[[Place], Mistake | None]


def expected_words(expected: frozenset[str]) -> set[str]:
    """The expected terminals as written: '->' for the arrow, 'weight' for WEIGHT; others by their name."""
    literals = literal_terminals()
    return {literals.get(name, name) for name in expected}


def rewritten(line: str, start: int, end: int, replacement: str) -> str:
    """The line with columns start..end replaced, cut down at spaces to the part around the fix."""
    fixed = line[:start] + replacement + line[end:]
    left = max(0, start - _SHOWN_AROUND)
    right = min(len(fixed), start + len(replacement) + _SHOWN_AROUND)
    if left > 0 and " " in fixed[left:start]:
        left = fixed.index(" ", left, start)
    if right < len(fixed) and " " in fixed[start + len(replacement) : right]:
        right = fixed.rindex(" ", start + len(replacement), right)
    text = fixed[left:right].strip()
    return shown(("... " if left > 0 else "") + text + (" ..." if fixed[right:].strip() else ""))
