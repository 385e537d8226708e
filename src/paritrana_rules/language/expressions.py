"""Resolved expressions -> Python source, and the one definition of every operator.

A rubric is compiled into one Python function (see `compile.py`); this module
writes the source of its expressions. No rubric text ever reaches that source:
names become generated local variables and every constant (number, member,
set, input name) is passed in by reference through the function's namespace,
so the source holds only generated identifiers, operators and row indices.

Arithmetic uses the plain operators under `numeric.CONTEXT`: every generated
function runs inside `numeric.exact`, so results do not depend on the caller's
decimal context. The checker uses `compile_expr` to probe decision tables, so
it and the evaluator share these semantics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from paritrana_rules.language import ast
from paritrana_rules.numeric import ROUNDING_MODES, exact, exponent

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]

# How each operator is written in Python; `is` and `=` compare values, never identities.
_OPERATORS = {
    "+": "+", "-": "-", "*": "*", "/": "/",
    "=": "==", "is": "==", "!=": "!=", "is not": "!=",
    "<": "<", "<=": "<=", ">": ">", ">=": ">=",
    "in": "in", "not in": "not in", "and": "and", "or": "or",
}


class Emitter:
    """Writes Python source for expressions and keeps the constants that source refers to."""

    def __init__(self, rounding_mode: str) -> None:
        self.namespace: dict[str, Any] = {"_Decimal": Decimal, "_mode": ROUNDING_MODES[rounding_mode]}
        self._constants: dict[tuple[type, Any], str] = {}
        self._temporaries = 0

    def constant(self, value: Any) -> str:
        """A name bound to `value` in the namespace (equal values of one type share a name)."""
        key = (type(value), str(value) if isinstance(value, Decimal) else value)
        if key not in self._constants:
            name = f"_k{len(self._constants)}"
            self._constants[key] = name
            self.namespace[name] = value
        return self._constants[key]

    def temporary(self) -> str:
        self._temporaries += 1
        return f"_t{self._temporaries}"

    def quantize(self, value: str, places: int) -> str:
        return f"{value}.quantize({self.constant(exponent(places))}, rounding=_mode)"

    def expr(self, expr: ast.Expr, name: Callable[[str], str]) -> str:
        """Source computing `expr`; `name` gives the source that reads a named value."""
        match expr:
            case ast.Number(value) | ast.Bool(value) | ast.String(value):
                return self.constant(value)
            case ast.Member(member):
                return self.constant(member)
            case ast.SetLiteral(members):
                return self.constant(frozenset(m.id for m in members))
            case ast.Name(identifier):
                return name(identifier)
            case ast.Unary("not", operand):
                return f"(not {self.expr(operand, name)})"
            case ast.Unary("-", operand):
                return f"(-{self.expr(operand, name)})"
            case ast.Binary(op, left, right):
                return f"({self.expr(left, name)} {_OPERATORS[op]} {self.expr(right, name)})"
            case ast.IfThenElse(condition, then, otherwise):
                parts = (self.expr(e, name) for e in (then, condition, otherwise))
                return "({} if {} else {})".format(*parts)
            case ast.Call(func, args):
                return self._call(func, args, name)
        raise TypeError(f"cannot compile {expr!r}")  # unreachable for checked rubrics

    def _call(self, func: str, args: tuple[ast.Expr, ...], name: Callable[[str], str]) -> str:
        sources = [self.expr(a, name) for a in args]
        if func in ("min", "max"):
            return f"{func}({', '.join(sources)})"
        if func == "clamp":
            value, low, high = sources
            return f"min(max({value}, {low}), {high})"
        if func == "round":
            return self.quantize(sources[0], int(args[1].value))  # type: ignore[union-attr]
        if func == "ratio":
            numerator, denominator, if_zero = sources
            divisor = self.temporary()
            return f"({if_zero} if ({divisor} := {denominator}) == 0 else {numerator} / {divisor})"
        if func == "count_of":
            return f"_Decimal(len({sources[0]}))"
        raise TypeError(f"unknown function {func}")  # unreachable for checked rubrics


def compile_expr(expr: ast.Expr, rounding_mode: str) -> Evaluator:
    """A function computing `expr` from an environment mapping names to values."""
    emitter = Emitter(rounding_mode)
    source = emitter.expr(expr, lambda identifier: f"env[{emitter.constant(identifier)}]")
    function: Evaluator = eval(f"lambda env: {source}", emitter.namespace)  # generated: see the module docstring
    return exact(function)


def names_read(expr: ast.Expr) -> list[str]:
    """Names (inputs and lets) an expression reads, in order of first appearance.

    Walked without recursion: the checker asks this of formulas too large to analyse, to count their names
    as used.
    """
    seen: dict[str, None] = {}
    pending = [expr]
    while pending:
        node = pending.pop()
        match node:
            case ast.Name(name):
                seen.setdefault(name, None)
            case ast.Unary(_, operand):
                pending.append(operand)
            case ast.Binary(_, left, right):
                pending += (right, left)
            case ast.IfThenElse(condition, then, otherwise):
                pending += (otherwise, then, condition)
            case ast.Call(_, args):
                pending.extend(reversed(args))
    return list(seen)
