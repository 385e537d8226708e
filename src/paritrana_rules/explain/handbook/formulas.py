"""Formulas and conditions of a rubric -> words, with the labels of the inputs, lets and options they read.

Each gives None for a shape beyond simple wording; the caller then shows the
rubric text as written (with a legend of its built-ins, see `legends`).
"""

from __future__ import annotations

from collections.abc import Iterable

from paritrana_rules.explain.handbook.blocks import code
from paritrana_rules.explain.handbook.ranges import band_row, range_pair
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast

# A formula in words and how tightly it binds: 3 an atom, 2 × and ÷, 1 + and −, 0 a phrase.
Said = tuple[str, int]

_OPERATORS = {"+": "+", "-": "−", "*": "×", "/": "÷"}


def formula(w: Writer, expr: ast.Expr) -> Said | None:
    """A formula in words with quoted labels, and how tightly it binds."""
    match expr:
        case ast.Number(value):
            return w.number(value), 3
        case ast.Name(name):
            return f"“{w.value_label(name)}”", 3
        case ast.Unary("-", operand):
            inner = formula(w, operand)
            return None if inner is None else (f"−{wrap(inner, 3)}", 3)
        case ast.Binary("+" | "-" | "*" | "/", left, right):
            return _arithmetic(w, expr.op, left, right)
        case ast.Call():
            return _built_in(w, expr)
        case ast.IfThenElse(test, then, otherwise):
            said_test, said = condition(w, test), _all_said(w, (then, otherwise))
            if said_test is None or said is None:
                return None
            return w.w("f_if", a=wrap(said[0], 1), c=said_test, b=wrap(said[1], 1)), 0
    return None


def _arithmetic(w: Writer, op: str, left: ast.Expr, right: ast.Expr) -> Said | None:
    said = _all_said(w, (left, right))
    if said is None:
        return None
    binding = 1 if op in "+-" else 2
    right_needs = binding + 1 if op in "-/" else binding
    return f"{wrap(said[0], binding)} {_OPERATORS[op]} {wrap(said[1], right_needs)}", binding


def _built_in(w: Writer, call: ast.Call) -> Said | None:
    match call:
        case ast.Call("count_of", (ast.Name(name),)):
            return w.w("count_of", set=f"“{w.value_label(name)}”"), 3
        case ast.Call("clamp", (value, low, high)):
            said = _all_said(w, (value, low, high))
            return None if said is None else (
                w.w("f_clamp", x=said[0][0], low=wrap(said[1], 1), high=wrap(said[2], 1)), 0)
        case ast.Call("min" | "max" as func, args):
            return _extreme(w, func, args)
        case ast.Call("ratio", (top, bottom, zero)):
            said = _all_said(w, (top, bottom, zero))
            return None if said is None else (
                w.w("f_ratio", a=wrap(said[0], 2), b=wrap(said[1], 3), z=wrap(said[2], 1)), 0)
        case ast.Call("round", (value, ast.Number(places))):
            inner = formula(w, value)
            return None if inner is None else (w.w("f_round", x=inner[0], n=w.number(places)), 0)
    return None


def _extreme(w: Writer, func: str, args: tuple[ast.Expr, ...]) -> Said | None:
    """min/max in words: 'x, but no more than 100' when one side is a number, else 'the smallest of ...'."""
    said = _all_said(w, args)
    if said is None:
        return None
    numbers = [i for i, a in enumerate(args) if isinstance(a, ast.Number)]
    if len(args) == 2 and len(numbers) == 1:
        bound, other = said[numbers[0]], said[1 - numbers[0]]
        return w.w("f_at_most" if func == "min" else "f_at_least", x=other[0], n=bound[0]), 0
    return w.w(f"f_{func}", items=w.join([wrap(p, 1) for p in said], "and")), 0


def _all_said(w: Writer, exprs: Iterable[ast.Expr]) -> list[Said] | None:
    """Each formula in words, or None when any of them cannot be put in words."""
    said = [formula(w, expr) for expr in exprs]
    complete = [part for part in said if part is not None]
    return complete if len(complete) == len(said) else None


def wrap(said: Said, binding: int) -> str:
    """A part of a formula in words, in brackets when it binds less tightly than its place needs."""
    text, strength = said
    return f"({text})" if strength < binding else text


# ------------------------------------------------------------------ conditions


def condition(w: Writer, expr: ast.Expr) -> str | None:
    """A condition in words with labels, or None when its shape is beyond simple wording."""
    match expr:
        case ast.Bool(value):
            return w.yes_no(value)
        case ast.Name(name) if _is_yes_no(w, name):
            return f"{w.value_label(name)}: {w.yes_no(True)}"
        case ast.Unary("not", ast.Name(name)) if _is_yes_no(w, name):
            return f"{w.value_label(name)}: {w.yes_no(False)}"
        case ast.Unary("not", operand):
            inner = condition(w, operand)
            return None if inner is None else w.w("not", condition=inner)
        case ast.Binary("and" | "or"):
            return _chain(w, expr.op, _flatten(expr, expr.op))
        case ast.Binary("in" | "not in", ast.Member(member), ast.Name(name)) if name in w.inputs:
            key = "set_has" if expr.op == "in" else "set_lacks"
            return w.w(key, set=w.value_label(name), member=w.member(name, member))
        case ast.Binary("is" | "=" | "is not" | "!=", ast.Name(name), ast.Member(member)) if name in w.inputs:
            key = "enum_is" if expr.op in ("is", "=") else "enum_is_not"
            return w.w(key, input=w.value_label(name), member=w.member(name, member))
        case ast.Binary("in", ast.Name(name), ast.SetLiteral(members)) if name in w.inputs:
            listed = w.join([w.member(name, m.id) for m in members], "or")
            return w.w("enum_is", input=w.value_label(name), member=listed)
        case ast.Binary("not in", ast.Name(name), ast.SetLiteral(members)) if name in w.inputs:
            labels = [w.member(name, m.id) for m in members]
            return w.w("enum_not_in", input=w.value_label(name), members=w.join(labels, "nor"))
        case ast.Binary("<" | "<=" | ">" | ">=" | "=" | "!=", left, right):
            return _comparison(w, expr.op, left, right)
    return None


def _is_yes_no(w: Writer, name: str) -> bool:
    return name in w.inputs and w.inputs[name].type.kind == "bool"


def _comparison(w: Writer, op: str, left: ast.Expr, right: ast.Expr) -> str | None:
    """'“Coverage” is at least 80%': numbers take the unit of the input they are compared with."""
    unit_name = left.id if isinstance(left, ast.Name) else right.id if isinstance(right, ast.Name) else None
    said_left, said_right = _quantity(w, left, unit_name), _quantity(w, right, unit_name)
    if said_left is None or said_right is None:
        return None
    return f"{said_left} {w.words['op_' + op]} {said_right}"


def _quantity(w: Writer, expr: ast.Expr, unit_name: str | None) -> str | None:
    if isinstance(expr, ast.Number):
        return w.with_unit(w.number(expr.value), unit_name)
    said = formula(w, expr)
    return None if said is None else wrap(said, 1)


def _chain(w: Writer, op: str, operands: list[ast.Expr]) -> str | None:
    """Conditions joined by one 'and'/'or'; tests of one set-of input next to each other are said once."""
    parts: list[str] = []
    index = 0
    while index < len(operands):
        between = range_pair(operands[index:index + 2]) if op == "and" else None
        if between is not None:
            name, row = between
            parts.append(f"“{w.value_label(name)}”: {w.with_unit(band_row(w, row), name)}")
            index += 2
            continue
        run = _set_run(operands, index)
        if len(run) > 1:
            name = run[0][1]
            members = [w.member(name, member) for member, _ in run]
            parts.append(w.w("set_has", set=w.value_label(name), member=w.join(members, op)))
            index += len(run)
            continue
        side = operands[index]
        said = condition(w, side)
        if said is None:
            return None
        if isinstance(side, ast.Binary) and side.op in ("and", "or"):
            said = f"({said})"  # the other of and/or, since same-op chains are flattened
        parts.append(said)
        index += 1
    return f" {w.words[op]} ".join(parts)


def _flatten(expr: ast.Expr, op: str) -> list[ast.Expr]:
    """The operands of a chain of one operator: a and (b and c) -> [a, b, c]."""
    if isinstance(expr, ast.Binary) and expr.op == op:
        return [*_flatten(expr.left, op), *_flatten(expr.right, op)]
    return [expr]


def _set_run(operands: list[ast.Expr], start: int) -> list[tuple[str, str]]:
    """(member, set) of the 'member in set' tests from `start` on that test the same set."""
    run: list[tuple[str, str]] = []
    for operand in operands[start:]:
        match operand:
            case ast.Binary("in", ast.Member(member), ast.Name(name)) if not run or run[0][1] == name:
                run.append((member, name))
                continue
        break
    return run


def condition_items(w: Writer, key: str, expr: ast.Expr) -> list[str]:
    """A condition in words, then the rubric text as its own item; or the rubric text alone."""
    written = code(w.excerpt(expr))
    words = condition(w, expr)
    if words is None:
        return [w.w(key, condition=written)]
    return [w.w(key, condition=words), w.w("as_written", code=written)]
