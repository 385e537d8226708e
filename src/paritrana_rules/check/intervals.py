"""Closed intervals over decimals, for reasoning about every value a rule can take.

The checker uses these to prove that points stay on the scale and that a
divisor cannot be zero, from the bounds declared on inputs. Bounds may be
infinite. The reasoning is sound but not always tight: a range may be wider
than what is really reachable, never narrower.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import attrs

from paritrana_rules.numeric import CONTEXT, plain

INF = Decimal("Infinity")


@attrs.frozen
class Interval:
    low: Decimal
    high: Decimal

    @classmethod
    def point(cls, value: Decimal) -> Interval:
        return cls(value, value)

    @classmethod
    def everything(cls) -> Interval:
        return cls(-INF, INF)

    def contains_zero(self) -> bool:
        return self.low <= 0 <= self.high

    def within(self, other: Interval) -> bool:
        return other.low <= self.low and self.high <= other.high

    def hull(self, other: Interval) -> Interval:
        return Interval(min(self.low, other.low), max(self.high, other.high))

    def describe(self, lang: str = "en") -> str:
        """'0 to 100' ("en"), '0 sampai 100' ("id")."""
        return f"{_show(self.low, lang)} {'sampai' if lang == 'id' else 'to'} {_show(self.high, lang)}"


def _show(value: Decimal, lang: str) -> str:
    if value.is_infinite():
        if lang == "id":
            return "minus tak hingga" if value < 0 else "tak hingga"
        return "-infinity" if value < 0 else "infinity"
    return plain(value)


def _mul(a: Decimal, b: Decimal) -> Decimal:
    if a == 0 or b == 0:
        return Decimal(0)
    return CONTEXT.multiply(a, b)


def _div(a: Decimal, b: Decimal) -> list[Decimal]:
    """Quotients of two interval ends; an infinite end over an infinite end can be 0 or unbounded."""
    if b.is_infinite():
        if not a.is_infinite():
            return [Decimal(0)]
        return [Decimal(0), INF if (a > 0) == (b > 0) else -INF]
    return [CONTEXT.divide(a, b)] if not a.is_infinite() else [a if b > 0 else -a]


def add(a: Interval, b: Interval) -> Interval:
    return Interval(_sum(a.low, b.low, -INF), _sum(a.high, b.high, INF))


def _sum(x: Decimal, y: Decimal, on_conflict: Decimal) -> Decimal:
    if x.is_infinite() and y.is_infinite() and x != y:
        return on_conflict
    return CONTEXT.add(x, y)


def negate(a: Interval) -> Interval:
    return Interval(-a.high, -a.low)


def sub(a: Interval, b: Interval) -> Interval:
    return add(a, negate(b))


def mul(a: Interval, b: Interval) -> Interval:
    products = [_mul(x, y) for x, y in product((a.low, a.high), (b.low, b.high))]
    return Interval(min(products), max(products))


def div(a: Interval, b: Interval) -> Interval:
    """a / b for a divisor that excludes zero (the checker ensures it)."""
    quotients = [q for x, y in product((a.low, a.high), (b.low, b.high)) for q in _div(x, y)]
    return Interval(min(quotients), max(quotients))


def ratio(a: Interval, b: Interval, if_zero: Interval) -> Interval:
    """a / b, or the if-zero value when b is 0; near-zero divisors make it unbounded."""
    if not b.contains_zero():
        return div(a, b).hull(if_zero)
    if (a.low >= 0 and b.low >= 0) or (a.high <= 0 and b.high <= 0):
        quotient = Interval(Decimal(0), INF)
    elif (a.low >= 0 and b.high <= 0) or (a.high <= 0 and b.low >= 0):
        quotient = Interval(-INF, Decimal(0))
    else:
        quotient = Interval.everything()
    if a.low == a.high == 0:
        quotient = Interval.point(Decimal(0))
    return quotient.hull(if_zero)


def minimum(items: list[Interval]) -> Interval:
    return Interval(min(i.low for i in items), min(i.high for i in items))


def maximum(items: list[Interval]) -> Interval:
    return Interval(max(i.low for i in items), max(i.high for i in items))


def clamp(value: Interval, low: Interval, high: Interval) -> Interval:
    return minimum([maximum([value, low]), high])
