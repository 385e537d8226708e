"""Formulas as blocks: in words with their rubric line, then a legend of what their names stand for.

A legend follows the derived values (lets) a formula reads down to the data
they are made from.
"""

from __future__ import annotations

from collections.abc import Iterable

from paritrana_rules.explain.handbook.blocks import Block, Items, Para, code
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read


def formula_blocks(w: Writer, expr: ast.Expr, key: str, skip: frozenset[str] | set[str] = frozenset(),
                   **values: str) -> list[Block]:
    """A formula in words with its rubric line, then what its names stand for."""
    return [Para(w.w(key, words=w.rule(w.formula(expr)[0], expr.span), **values)), *legend(w, expr, skip)]


def let_blocks(w: Writer, name: str) -> list[Block]:
    """How a derived value is worked out."""
    return formula_blocks(w, w.lets[name].expr, "calc_as", skip={name}, subject=w.value_label(name))


def lets_legend(w: Writer, exprs: Iterable[ast.Expr]) -> list[Block]:
    """How the derived values a condition tests are computed: a reader cannot look them up anywhere else."""
    names = dict.fromkeys(name for expr in exprs for name in names_read(expr) if name in w.lets)
    return [block for name in names for block in legend(w, ast.Name(name, w.lets[name].decl.span))]


def legend(w: Writer, expr: ast.Expr, skip: frozenset[str] | set[str] = frozenset()) -> list[Block]:
    """What the names in a formula stand for: the data field of each input, and each let's own formula in
    words (recursively), so a reader can find every figure in the data files.
    """
    items: list[tuple[int, str]] = []
    seen: set[str] = set(skip)

    def explain(names: Iterable[str]) -> None:
        for name in names:
            if name in seen:
                continue
            seen.add(name)
            if name in w.lets:
                let = w.lets[name]
                said = w.rule(w.formula(let.expr)[0], let.expr.span)
                items.append((0, f"{code(name)}: " + w.w("name_let", label=w.value_label(name), words=said)))
                explain(names_read(let.expr))
            else:
                items.append((0, f"{code(name)}: " + w.w("name_input", label=w.value_label(name))))

    explain(names_read(expr))
    if not items:
        return []
    return [Para(w.w("where")), Items(tuple(items))]
