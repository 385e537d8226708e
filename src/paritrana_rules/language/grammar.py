"""The rubric grammar: the Lark parser built from `grammar/rubric.lark`, and the words a line starts with.

The grammar ships inside the wheel as `paritrana_rules/grammar/rubric.lark`; in a
source checkout it is read from `grammar/` at the top of the repository.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import lark
from lark import Token

from paritrana_rules.source import Span

DECLARATION_KEYWORDS = ("input", "let", "criterion", "gate", "bonus", "penalty", "remove", "change", "property",
                        "rank", "stage", "award", "group")
LINE_STARTERS = (*DECLARATION_KEYWORDS, "rubric", "shared", "extends", "uses", "category", "sector", "round", "scale",
                 "rounding", "label", "description", "source", "assumption", "replace")


def grammar_text() -> str:
    """The grammar, from the installed package or, in a source checkout, from `grammar/`."""
    packaged = resources.files("paritrana_rules").joinpath("grammar/rubric.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[3] / "grammar" / "rubric.lark").read_text(encoding="utf-8")


@functools.cache
def parser() -> lark.Lark:
    """The LALR parser, built once per process (it is immutable and thread-safe to use)."""
    return lark.Lark(grammar_text(), parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=True)


@functools.cache
def literal_terminals() -> Mapping[str, str]:
    """The text of each terminal written literally in the grammar (keywords and signs), by terminal name.

    Syntax messages quote these words rather than Lark's terminal names.
    """
    return {terminal.name: terminal.pattern.value for terminal in parser().terminals
            if terminal.pattern.type == "str"}


def token_span(token: Token, path: str) -> Span:
    """Where a token stands; a token without an end position ends after its text."""
    line, column = token.line or 1, token.column or 1
    return Span(path, line, column, token.end_line or line, token.end_column or column + len(str(token)))
