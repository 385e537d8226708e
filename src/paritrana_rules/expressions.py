"""Resolved expressions -> Python closures over an environment of values.

This is the one place where the meaning of every operator is defined. The
checker uses it to probe decision tables; the compiler uses it for every rule.
Closures are built from validated AST nodes only: no rubric text is ever
turned into Python source. All arithmetic goes through `numeric.CONTEXT`
explicitly, so results do not depend on the caller's decimal context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from . import ast
from .numeric import CONTEXT, round_to

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]

_ARITHMETIC: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "+": CONTEXT.add,
    "-": CONTEXT.subtract,
    "*": CONTEXT.multiply,
    "/": CONTEXT.divide,
}

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "is": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "is not": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}


def compile_expr(expr: ast.Expr, rounding_mode: str) -> Evaluator:
    """A function computing `expr` from an environment mapping names to values."""
    match expr:
        case ast.Number(value) | ast.Bool(value) | ast.String(value):
            return _constant(value)
        case ast.Member(member):
            return _constant(member)
        case ast.SetLiteral(members):
            return _constant(frozenset(m.id for m in members))
        case ast.Name(name):
            return lambda env: env[name]
        case ast.Unary("not", operand):
            inner = compile_expr(operand, rounding_mode)
            return lambda env: not inner(env)
        case ast.Unary("-", operand):
            inner = compile_expr(operand, rounding_mode)
            return lambda env: CONTEXT.minus(inner(env))
        case ast.Binary(op, left, right):
            return _binary(op, compile_expr(left, rounding_mode), compile_expr(right, rounding_mode))
        case ast.IfThenElse(condition, then, otherwise):
            return _if(*(compile_expr(e, rounding_mode) for e in (condition, then, otherwise)))
        case ast.Call(func, args):
            return _call(func, [compile_expr(a, rounding_mode) for a in args], args, rounding_mode)
    raise TypeError(f"cannot compile {expr!r}")  # unreachable for checked rubrics


def _constant(value: Any) -> Evaluator:
    return lambda env: value


def _binary(op: str, left: Evaluator, right: Evaluator) -> Evaluator:
    if op == "and":
        return lambda env: bool(left(env)) and bool(right(env))
    if op == "or":
        return lambda env: bool(left(env)) or bool(right(env))
    function = _ARITHMETIC.get(op) or _COMPARISONS[op]
    return lambda env: function(left(env), right(env))


def _if(condition: Evaluator, then: Evaluator, otherwise: Evaluator) -> Evaluator:
    return lambda env: then(env) if condition(env) else otherwise(env)


def _call(func: str, args: list[Evaluator], nodes: tuple[ast.Expr, ...], rounding_mode: str) -> Evaluator:
    if func == "min":
        return lambda env: min(a(env) for a in args)
    if func == "max":
        return lambda env: max(a(env) for a in args)
    if func == "clamp":
        value, low, high = args
        return lambda env: min(max(value(env), low(env)), high(env))
    if func == "round":
        places = int(nodes[1].value)  # type: ignore[union-attr]
        value = args[0]
        return lambda env: round_to(value(env), places, rounding_mode)
    if func == "ratio":
        numerator, denominator, if_zero = args

        def ratio(env: Env) -> Decimal:
            divisor = denominator(env)
            return if_zero(env) if divisor == 0 else CONTEXT.divide(numerator(env), divisor)

        return ratio
    if func == "count_of":
        collection = args[0]
        return lambda env: Decimal(len(collection(env)))
    raise TypeError(f"unknown function {func}")  # unreachable for checked rubrics


def names_read(expr: ast.Expr) -> list[str]:
    """Names (inputs and lets) an expression reads, in order of first appearance."""
    seen: dict[str, None] = {}
    _collect_names(expr, seen)
    return list(seen)


def _collect_names(expr: ast.Expr, seen: dict[str, None]) -> None:
    match expr:
        case ast.Name(name):
            seen.setdefault(name, None)
        case ast.Unary(_, operand):
            _collect_names(operand, seen)
        case ast.Binary(_, left, right):
            _collect_names(left, seen)
            _collect_names(right, seen)
        case ast.IfThenElse(c, a, b):
            for part in (c, a, b):
                _collect_names(part, seen)
        case ast.Call(_, args):
            for part in args:
                _collect_names(part, seen)
