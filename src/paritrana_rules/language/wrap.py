"""Where `fmt` breaks a line holding a formula too long for one line, as a person would.

A line is broken at the operators of its outermost formula that is too long:
before each `or` of a run of `or`s (then `and`, comparisons, `+ -`, `* /`),
before `then` and `else`, after each comma of a call such as `min(...)`. As
many pieces as fit go on each line (but `if`, `then` and `else` one per
line); the ones after the first are continuation lines, one level deeper. A
piece still too long is broken the same way, at its own operators, one level
deeper again. Only the tokens and the tree decide, never how the input was
laid out, so formatting stays idempotent.
"""
from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from itertools import pairwise

import attrs
from lark import Token, Tree

# Runs of one operator family, broken before each operator: a + b - c is one run.
_RUNS = {"or_": "or", "and_": "and", "add": "sum", "sub": "sum", "mul": "product", "div": "product"}
_COMPARISONS = frozenset({"compare", "equal", "is_", "is_not", "in_", "not_in"})
_LISTS = frozenset({"min_", "max_", "clamp", "round_", "ratio", "set_literal"})

# Whether tokens [start, end) fit on a line `level` continuations deep.
Fits = Callable[[int, int, int], bool]


@attrs.frozen
class _Breakable:
    """A formula a line may break inside: its tokens [start, end) and the tokens a new line may start at."""

    start: int
    end: int
    breaks: tuple[int, ...]
    packed: bool  # pieces share a line while they fit (a run, a list); else one per line (if, then, else)


def wrapped(parts: Sequence[Tree[Token] | Token], tokens: Sequence[Token], fits: Fits) -> list[tuple[int, int, int]]:
    """The line's tokens as lines: (continuation level, start, end) each, in order; one line when it fits."""
    if fits(0, 0, len(tokens)):
        return [(0, 0, len(tokens))]
    index = {id(token): i for i, token in enumerate(tokens)}
    breakables = sorted(_breakables(parts, index), key=lambda b: b.start)
    return _wrap(0, 0, len(tokens), _Found(breakables, [b.start for b in breakables]), fits)


@attrs.frozen
class _Found:
    """The line's breakable formulas, by where they start: they nest or lie apart, never overlap."""

    breakables: list[_Breakable]
    starts: list[int]

    def widest(self, start: int, end: int) -> _Breakable | None:
        """The widest formula within tokens [start, end): each is looked at once per level of breaking."""
        inside = itertools.takewhile(lambda b: b.start < end, self.breakables[bisect.bisect_left(self.starts, start):])
        return max((b for b in inside if b.end <= end), key=lambda b: b.end - b.start, default=None)


def _wrap(level: int, start: int, end: int, found: _Found, fits: Fits) -> list[tuple[int, int, int]]:
    if fits(level, start, end):
        return [(level, start, end)]
    inner = found.widest(start, end)
    if inner is None:
        return [(level, start, end)]
    cuts = [start, *inner.breaks, end]
    pieces: list[tuple[int, int]] = []
    for piece_start, piece_end in pairwise(cuts):
        if pieces and inner.packed and fits(level + (len(pieces) > 1), pieces[-1][0], piece_end):
            pieces[-1] = (pieces[-1][0], piece_end)
        else:
            pieces.append((piece_start, piece_end))
    first, *rest = pieces
    return [*_wrap(level, *first, found, fits),
            *(line for piece in rest for line in _wrap(level + 1, *piece, found, fits))]


def _breakables(parts: Sequence[Tree[Token] | Token], index: dict[int, int]) -> list[_Breakable]:
    """Every formula under the parts that a line may break inside (walked without recursion).

    The inner links of a run (`a + b` in `a + b + c`) are the run's own breaks, not formulas of their own.
    """
    found: list[_Breakable] = []
    pending: list[tuple[Tree[Token], str | None]] = [(part, None) for part in parts if isinstance(part, Tree)]
    while pending:
        node, outer_run = pending.pop()
        run = _RUNS.get(str(node.data))
        breaks = _breaks(node) if run is None or run != outer_run else []
        span = _extent(node, index) if breaks else None
        if span is not None:
            found.append(_Breakable(span[0], span[1], tuple(index[id(t)] for t in breaks),
                                    packed=node.data != "if_then_else"))
        pending.extend((child, run) for child in node.children if isinstance(child, Tree))
    return found


def _breaks(node: Tree[Token]) -> list[Token]:
    """The tokens a new line may start with inside this node (none when it is no formula to break)."""
    data = str(node.data)
    if data in _RUNS:
        operators: list[Token] = []
        current: Tree[Token] | Token = node
        while isinstance(current, Tree) and _RUNS.get(str(current.data)) == _RUNS[data]:
            operator = current.children[1]
            assert isinstance(operator, Token)
            operators.append(operator)
            current = current.children[0]
        return operators[::-1]
    if data in _COMPARISONS:
        operator = node.children[1]
        return [operator] if isinstance(operator, Token) else []
    if data == "if_then_else":
        return [c for c in node.children if isinstance(c, Token) and str(c) in ("then", "else")]
    if data in _LISTS:
        after_commas = [_first_token(after) for comma, after in pairwise(node.children)
                        if isinstance(comma, Token) and str(comma) == "," and after is not None]
        return [token for token in after_commas if token is not None]
    return []


def _first_token(node: Tree[Token] | Token) -> Token | None:
    while isinstance(node, Tree):
        children = [c for c in node.children if c is not None]
        if not children:
            return None
        node = children[0]
    return node


def _extent(node: Tree[Token], index: dict[int, int]) -> tuple[int, int] | None:
    """The node's tokens as [start, end) in the line's tokens."""
    first, last = _first_token(node), _last_token(node)
    if first is None or last is None or id(first) not in index or id(last) not in index:
        return None
    return index[id(first)], index[id(last)] + 1


def _last_token(node: Tree[Token] | Token) -> Token | None:
    while isinstance(node, Tree):
        children = [c for c in node.children if c is not None]
        if not children:
            return None
        node = children[-1]
    return node
