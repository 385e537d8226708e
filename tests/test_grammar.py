"""The grammar itself: conflict-free under strict LALR, and the parse errors it leads to."""

from __future__ import annotations

import lark
import pytest

import paritrana_rules as pr
from paritrana_rules.language.grammar import grammar_text
from paritrana_rules.language.syntax import parse

HEADER = 'rubric "Paritrana Award" edition 2024 period 2023\ncategory uji\nscale 0 to 100\nrounding half_up to 2 places\n'


def test_grammar_builds_in_strict_mode() -> None:
    """Strict mode turns shift/reduce conflicts and terminal collisions into errors."""
    lark.Lark(grammar_text(), parser="lalr", lexer="basic", strict=True)


def test_keywords_are_reserved_with_a_hint() -> None:
    with pytest.raises(pr.RubricError) as caught:
        pr.loads(HEADER + "input count: number\n", "r.rubric")
    [diagnostic] = [d for d in caught.value.diagnostics if d.severity == "error"]
    assert diagnostic.code == "P100" and "cannot be a name" in (diagnostic.hint or "")


def test_several_syntax_errors_are_reported_at_once() -> None:
    text = HEADER + (
        "input a: count\n"
        "criterion x weight 50\n"
        "    points a\n"
        "critera y weight 50%\n"
        "    points 1\n"
        "input b: Count\n"
        "let c = a +\n"
        "criterion z weight 10%\n"
        "    label id 'x' en \"y\"\n"
    )
    outcome = parse(text, "r.rubric")
    found = [(d.code, d.span.line) for d in outcome.diagnostics]
    assert found == [("P102", 6), ("P100", 8), ("P101", 10), ("P102", 11), ("P101", 13)]


def test_header_order_and_clauses_are_free() -> None:
    text = ('rubric "Paritrana Award" edition 2024 period 2023\nrounding half_even to 1 place\nscale 0 to 10\n'
            'category uji\nlabel id "Uji" en "Test"\ninput a: number between 0 and 10 label id "A" en "A"\n'
            'criterion c weight 100% label id "C" en "C" points a\n')
    rubric = pr.loads(text, "free.rubric")
    assert rubric.model.scale[1] == 10 and rubric.model.rounding_places == 1


def test_comparisons_do_not_chain() -> None:
    outcome = parse(HEADER + "let x = 1 < 2 < 3\n", "r.rubric")
    assert [d.code for d in outcome.diagnostics] == ["P100"]
