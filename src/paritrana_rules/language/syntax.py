"""Parsing: rubric text -> `ast.Rubric`, or located, hinted syntax diagnostics.

The grammar is `grammar/rubric.lark` (`grammar.py` builds the parser). Lark's LALR
parser stops at the first error, so to report several syntax errors at once we
blank out the broken declaration (keeping line breaks, so positions stay true)
and parse again (`recovery.py`). Each error becomes a diagnostic
(`syntax_diagnostics.py`); the tree that finally parses becomes `ast` nodes
(`tree_to_ast.py`).
"""

from __future__ import annotations

import attrs
from lark.exceptions import UnexpectedInput

from paritrana_rules.errors import Diagnostic
from paritrana_rules.language import ast
from paritrana_rules.language.grammar import parser
from paritrana_rules.language.recovery import (
    blank_out,
    broken_region,
    declared_name,
    error_offset,
    left_unfinished,
)
from paritrana_rules.language.syntax_diagnostics import syntax_diagnostic
from paritrana_rules.language.tree_to_ast import to_ast
from paritrana_rules.source import SourceFile


MAX_SYNTAX_ERRORS = 20


@attrs.frozen
class ParseOutcome:
    """The tree of what parsed, the syntax diagnostics, and the names of declarations that did not."""

    rubric: ast.Rubric | None
    diagnostics: tuple[Diagnostic, ...]
    broken_names: frozenset[str]


def parse(text: str, path: str = "<rubric>") -> ParseOutcome:
    """Parse a rubric, recovering after errors to report as many as possible."""
    source = SourceFile(path, text)
    diagnostics: list[Diagnostic] = []
    broken: set[str] = set()
    current = text
    while True:
        try:
            tree = parser().parse(current)
        except UnexpectedInput as error:
            position = error_offset(current, error)
            unfinished = left_unfinished(current, position, error)
            diagnostics.append(syntax_diagnostic(error, source, current, position, unfinished))
            region = broken_region(current, position, unfinished)
            if region is None or len(diagnostics) >= MAX_SYNTAX_ERRORS:
                return ParseOutcome(None, tuple(diagnostics), frozenset(broken))
            name = declared_name(current, region)
            if name is not None:
                broken.add(name)
            current = blank_out(current, region)
            continue
        return ParseOutcome(to_ast(tree, source), tuple(diagnostics), frozenset(broken))
