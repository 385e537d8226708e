"""Parsing: rubric text -> `ast.Rubric`, or located, hinted syntax diagnostics.

The grammar is `grammar/rubric.lark` (`grammar.py` builds the parser). Lark's LALR
parser stops at the first error, so to report several syntax errors at once we
blank out the broken declaration (keeping line breaks, so positions stay true)
and parse again (`recovery.py`): one error per declaration, and none that the
blanking itself caused. Each error becomes a diagnostic
(`syntax_diagnostics.py`); the tree that finally parses becomes `ast` nodes
(`tree_to_ast.py`). The language's limits (`limits.py`) are checked first:
a text beyond one is reported, not parsed, and neither is a tree nested
too deeply turned into nodes.
"""

from __future__ import annotations

import functools

import attrs
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput

from paritrana_rules.errors import Diagnostic
from paritrana_rules.language import ast
from paritrana_rules.language.grammar import parser
from paritrana_rules.language.limits import (
    MAX_RECOVERY_WORDS,
    declaration_count_problem,
    measure_text,
    nesting_problem,
    size_problem,
)
from paritrana_rules.language.recovery import (
    blank_out,
    broken_region,
    declared_names,
    error_offset,
    left_unfinished,
)
from paritrana_rules.language.syntax_diagnostics import syntax_diagnostic
from paritrana_rules.language.tree_to_ast import to_ast
from paritrana_rules.source import SourceFile


MAX_SYNTAX_ERRORS = 20


@attrs.frozen
class ParseOutcome:
    """The tree of what parsed, the syntax diagnostics, the names of declarations that did not, and the source.

    `source` holds the text as read (see `rubric_text`): what positions refer to.
    """

    rubric: ast.Rubric | None
    diagnostics: tuple[Diagnostic, ...]
    broken_names: frozenset[str]
    source: SourceFile


def rubric_text(text: str) -> str:
    """Text as the language reads it, whether given as a string or read from a file.

    A line ends at \\n, \\r\\n or a lone \\r (as Python reads files), and a byte-order mark
    at the start, which Windows editors write, is not part of the rubric.
    """
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str, path: str = "<rubric>") -> ParseOutcome:
    """Parse a rubric, recovering after errors to report as many as possible.

    The same text at the same path always parses to the same outcome, which is immutable: the last few are kept,
    since replays, the studio and the language server parse the same files again and again (a rubric is read
    afresh each time; only its parsing, most of the cost of loading it, is not repeated).
    """
    if len(text) <= _KEPT_TEXT_CHARACTERS:
        return _parse_kept(text, path)
    return _parse(text, path)


_KEPT_TEXT_CHARACTERS = 200_000  # ten times the largest bundled rubric: larger texts are parsed every time
_KEPT_OUTCOMES = 48


@functools.lru_cache(maxsize=_KEPT_OUTCOMES)
def _parse_kept(text: str, path: str) -> ParseOutcome:
    return _parse(text, path)


def forget_parses() -> None:
    """Let go of the parses kept, so that the next load of a rubric parses it (what a benchmark of loading times)."""
    _parse_kept.cache_clear()


def _parse(text: str, path: str) -> ParseOutcome:
    too_large = size_problem(text, path)
    if too_large is not None:
        return ParseOutcome(None, (too_large,), frozenset(), SourceFile(path, ""))
    source = SourceFile(path, rubric_text(text))
    measured = measure_text(source.text, path)
    if measured.problem is not None:
        return ParseOutcome(None, (measured.problem,), frozenset(), source)
    diagnostics: list[Diagnostic] = []
    broken: set[str] = set()
    reported: set[int] = set()
    blanked: list[int] = []  # where each blanked region starts
    current = source.text
    attempts = max(1, min(MAX_SYNTAX_ERRORS, MAX_RECOVERY_WORDS // max(1, measured.words)))  # each parses it all
    for _ in range(attempts):
        try:
            tree = parser().parse(current)
        except UnexpectedInput as error:
            position = error_offset(current, error)
            # Stopping again where an error was reported means the guess that the declaration before was
            # unfinished was wrong: the mistake is in this line's own declaration, already reported.
            unfinished = position not in reported and left_unfinished(current, position, error)
            region = broken_region(current, position, unfinished)
            # A declaration left unfinished by the blanking of lines that went on with it is no new mistake.
            caused = unfinished and region is not None and any(region[0] < start < position for start in blanked)
            if position not in reported and not caused:
                diagnostics.append(syntax_diagnostic(error, source, current, position, unfinished))
                reported.add(position)
            if region is None:
                break
            broken |= declared_names(current, region, position if isinstance(error, UnexpectedCharacters) else None)
            blanked.append(region[0])
            current = blank_out(current, region)
            continue
        return _outcome(tree, source, diagnostics, frozenset(broken))
    return ParseOutcome(None, tuple(diagnostics), frozenset(broken), source)


def _outcome(tree: Tree[Token], source: SourceFile, diagnostics: list[Diagnostic],
             broken: frozenset[str]) -> ParseOutcome:
    """The parsed tree as `ast` nodes, unless it nests too deeply, or a literal or the count of
    declarations passes a limit: such a rubric is not checked further."""
    too_deep = nesting_problem(tree, source)
    if too_deep is not None:
        return ParseOutcome(None, (*diagnostics, too_deep), broken, source)
    too_many = declaration_count_problem([c for c in tree.children[1:] if isinstance(c, Tree)], source)
    if too_many is not None:
        return ParseOutcome(None, (*diagnostics, too_many), broken, source)
    rubric, beyond = to_ast(tree, source)
    if beyond:
        return ParseOutcome(None, (*diagnostics, *beyond), broken, source)
    return ParseOutcome(rubric, tuple(diagnostics), broken, source)
