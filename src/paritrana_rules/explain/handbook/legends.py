"""Formulas as blocks: in words, then as written, then a legend of what their names and built-ins stand for.

A legend follows the derived values (lets) a formula reads down to the data
they are made from.
"""

from __future__ import annotations

from collections.abc import Iterable

from paritrana_rules.explain.handbook.blocks import Block, Items, Para, code
from paritrana_rules.explain.handbook.formulas import formula
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read

# How each operator and built-in is written in a legend, in the rubric's own notation, in the order listed.
_SYMBOLS = {
    "*": "*", "/": "/", "clamp": "clamp(x, a, b)", "ratio": "ratio(a, b, if zero z)", "min": "min(a, b, …)",
    "max": "max(a, b, …)", "round": "round(x, n)", "count_of": "count of x", "if": "if c then a else b",
}


def formula_blocks(w: Writer, expr: ast.Expr, key: str, skip: frozenset[str] | set[str] = frozenset(),
                   **values: str) -> list[Block]:
    """A formula in words, then as written, then what its names stand for; as written alone if words fail."""
    written = code(w.excerpt(expr))
    said = formula(w, expr)
    if said is None:
        return [Para(w.w(f"{key}_code", formula=written, **values)), *legend(w, expr, skip, functions=True)]
    return [Para(w.w(key, words=said[0], **values)), Para(w.w("as_written", code=written)),
            *legend(w, expr, skip)]


def let_blocks(w: Writer, name: str) -> list[Block]:
    """How a derived value is worked out."""
    return formula_blocks(w, w.lets[name].expr, "calc_as", skip={name}, subject=w.value_label(name))


def lets_legend(w: Writer, exprs: Iterable[ast.Expr]) -> list[Block]:
    """How the derived values a condition tests are computed: a reader cannot look them up anywhere else."""
    names = dict.fromkeys(name for expr in exprs for name in names_read(expr) if name in w.lets)
    return [block for name in names for block in legend(w, ast.Name(name, w.lets[name].decl.span))]


def legend(w: Writer, expr: ast.Expr, skip: frozenset[str] | set[str] = frozenset(),
           functions: bool = False) -> list[Block]:
    """What the names in a formula stand for (lets with their own formulas, recursively).

    With `functions`, or when a let's formula cannot be put in words, the operators and
    built-ins of the formulas shown as written are explained too.
    """
    items: list[tuple[int, str]] = []
    seen: set[str] = set(skip)
    formulas = [expr] if functions else []

    def explain(names: Iterable[str]) -> None:
        for name in names:
            if name in seen:
                continue
            seen.add(name)
            if name in w.lets:
                let = w.lets[name]
                said = formula(w, let.expr)
                if said is None:
                    formulas.append(let.expr)
                    entry = w.w("name_let", label=w.value_label(name), formula=code(w.excerpt(let.expr)))
                else:
                    entry = w.w("name_let_words", label=w.value_label(name), words=said[0])
                items.append((0, f"{code(name)}: {entry}"))
                explain(names_read(let.expr))
            else:
                items.append((0, f"{code(name)}: " + w.w("name_input", label=w.value_label(name))))

    explain(names_read(expr))
    used = _functions(formulas)
    items += [(0, w.w(f"fn_{f}", sym=code(symbol))) for f, symbol in _SYMBOLS.items() if f in used]
    if not items:
        return []
    return [Para(w.w("where")), Items(tuple(items))]


def _functions(exprs: Iterable[ast.Expr]) -> set[str]:
    """Which operators and built-ins a legend should explain."""
    used: set[str] = set()

    def visit(expr: ast.Expr) -> None:
        match expr:
            case ast.Binary(op, left, right):
                if op in ("*", "/"):
                    used.add(op)
                visit(left)
                visit(right)
            case ast.Unary(_, operand):
                visit(operand)
            case ast.IfThenElse(condition, then, otherwise):
                used.add("if")
                for part in (condition, then, otherwise):
                    visit(part)
            case ast.Call(func, args):
                used.add(func)
                for part in args:
                    visit(part)

    for expr in exprs:
        visit(expr)
    return used
