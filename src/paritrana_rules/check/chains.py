"""Runs of one left-associative operator family, such as `a + b - c` or `p and q and r`.

The syntax tree nests such a run one operation inside the next, as deep as the
run is long. The checker walks a run in a loop, and the code generator writes
it inside one pair of brackets (Python reads `(a + b - c)` as the same tree),
so a sum of hundreds of terms costs neither a level of recursion nor a bracket
per term.
"""

from __future__ import annotations

from paritrana_rules.language import ast

# operator -> its family: a run continues while the left operand uses an operator of the same family
_FAMILIES = {"+": "add", "-": "add", "*": "multiply", "/": "multiply", "and": "and", "or": "or"}


def is_chain(expr: ast.Expr) -> bool:
    """Whether `expr` is an operation that can start a run (a single one is a run of one)."""
    return isinstance(expr, ast.Binary) and expr.op in _FAMILIES


def chain(expr: ast.Binary) -> tuple[ast.Expr, list[ast.Binary]]:
    """The run's first operand, then its operations from the innermost out: each holds its right operand."""
    family = _FAMILIES[expr.op]
    links = []
    node: ast.Expr = expr
    while isinstance(node, ast.Binary) and _FAMILIES.get(node.op) == family:
        links.append(node)
        node = node.left
    links.reverse()
    return node, links


def operands(expr: ast.Binary) -> list[ast.Expr]:
    """Every operand of the run, in order."""
    first, links = chain(expr)
    return [first, *(link.right for link in links)]
