"""Exact numbers in columns: the values a column program computes with, and their arithmetic.

A number is a column of scaled integers with one scale for the column
(`Fixed`: 12.50 at scale 2 is 1250), so adding, subtracting and multiplying
are integer operations, exact as the scalar path's decimals are. A quotient
(`/`, `ratio`) is kept as an exact fraction (`Quotient`), compared by
cross-multiplication and rounded by integer division, never through a float.

The scalar path divides to 50 significant digits; the two agree because a
fraction whose numerator and denominator stay under `LIMIT` cannot lie within
10^-25 of a value it is compared with or rounded at without lying on it, and
one that lies on it divides exactly. The argument holds for what a quotient
may go on to meet here: a constant, a rounding, an exact number added, a
constant multiplier or divisor whose digits are 2s and 5s (100, 0.5, 25).
Anything else (two quotients added, a quotient times an input) raises
`Unsupported` and the rubric is scored by the scalar path.

A row whose numbers would leave the 64-bit range, or that the scalar path
would refuse (a division by zero), is marked in `Exact.scalar`: the caller
scores those rows with the scalar path, so every row has exactly the scalar
path's result, however large its numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from paritrana_rules.data.panels import Panel
from paritrana_rules.data.specs import InputSpec
from paritrana_rules.language import ast
from paritrana_rules.source import Span

Array = Any  # a numpy array (numpy's own types are not worth their weight in these signatures)

LIMIT = 10**18  # the largest scaled integer, numerator or denominator a column holds (int64 reaches 9.2 * 10**18)
MAX_MEMBERS_IN_SET = 63  # a set input is a bit mask in one int64
_EXPONENTS = [10**k for k in range(19)]


class Unsupported(Exception):
    """A rubric construct this back end does not compute; the rubric is scored by the scalar path instead."""

    def __init__(self, construct: str, why: str, span: Span | None = None) -> None:
        self.construct, self.why, self.span = construct, why, span
        where = f" at {span.path}:{span.line}:{span.column}" if span is not None else ""
        super().__init__(f"{construct}{where}: {why}")

    def at(self, span: Span | None) -> Unsupported:
        """The same refusal, located at `span` unless it already has a place."""
        return self if self.span is not None or span is None else Unsupported(self.construct, self.why, span)


@attrs.frozen
class Fixed:
    """Exact numbers as scaled integers: the value of row i is ints[i] / 10**scale."""

    ints: Array
    scale: int


@attrs.frozen
class Quotient:
    """Exact fractions: num[i] / den[i], den > 0 (see the module's docstring for where they may go)."""

    num: Array
    den: Array


@attrs.frozen
class Codes:
    """One member per row, as its index in `members`."""

    codes: Array
    members: tuple[str, ...]


@attrs.frozen
class Bits:
    """A set of members per row, as a bit mask over `members`."""

    bits: Array
    members: tuple[str, ...]


@attrs.frozen
class MemberName:
    """A member or text written in the rubric, before it meets the input that gives it a code."""

    name: str


Column = Fixed | Quotient | Codes | Bits | MemberName | Array  # a bare array holds booleans
Numeric = Fixed | Quotient


class Exact:
    """Exact arithmetic over columns of `size` rows; rows it cannot keep exact are marked in `scalar`."""

    def __init__(self, size: int, mode: str) -> None:
        self.size, self.mode = size, mode  # the rubric's rounding mode
        self.scalar = np.zeros(size, dtype=bool)


    def constant(self, value: Decimal) -> Fixed:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        scale = max(0, -exponent)
        ints = int(value.scaleb(scale))
        if abs(ints) > LIMIT:
            raise Unsupported(f"number {value}", "it has more digits than a 64-bit column holds")
        return Fixed(np.full(self.size, ints, dtype=np.int64), scale)

    def guard(self, ints: Array, limit: int = LIMIT) -> Array:
        """Mark rows beyond `limit` for the scalar path, and zero them so that nothing overflows after them."""
        beyond = np.abs(ints) > limit
        if beyond.any():
            self.scalar |= beyond
            ints = np.where(beyond, 0, ints)
        return ints

    def rescaled(self, value: Fixed, scale: int) -> Array:
        """`value`'s integers at a larger scale."""
        factor = _EXPONENTS[scale - value.scale] if scale - value.scale < len(_EXPONENTS) else None
        if factor is None:
            self.scalar |= value.ints != 0
            return np.zeros(self.size, dtype=np.int64)
        return self.guard(self.guard(value.ints, LIMIT // factor) * factor)

    def add(self, a: Numeric, b: Numeric) -> Numeric:
        if isinstance(a, Fixed) and isinstance(b, Fixed):
            scale = max(a.scale, b.scale)
            return Fixed(self.guard(self.rescaled(a, scale) + self.rescaled(b, scale)), scale)
        if isinstance(a, Quotient) and isinstance(b, Quotient):
            raise Unsupported("sum of two quotients", "it may not divide exactly to 50 digits as the scalar path does")
        q, f = (a, b) if isinstance(a, Quotient) else (b, a)
        assert isinstance(q, Quotient) and isinstance(f, Fixed)
        return self.fraction(self.mul(q.num, _EXPONENTS[f.scale]) + self.mul(f.ints, q.den),
                             self.mul(q.den, _EXPONENTS[f.scale]))

    def sub(self, a: Numeric, b: Numeric) -> Numeric:
        return self.add(a, self.negate(b))

    def negate(self, value: Numeric) -> Numeric:
        if isinstance(value, Fixed):
            return Fixed(-value.ints, value.scale)
        return Quotient(-value.num, value.den)

    def add_up(self, terms: Sequence[Numeric]) -> Numeric:
        total: Numeric = self.constant(Decimal(0))
        for term in terms:
            total = self.add(total, term)
        return total

    def mul(self, a: Array | int, b: Array | int) -> Array:
        """a * b for integers, rows past LIMIT marked for the scalar path."""
        a_abs, b_abs = np.abs(a), np.maximum(np.abs(b), 1)
        fits = a_abs <= LIMIT // b_abs
        if not np.all(fits):
            self.scalar |= ~fits
            a = np.where(fits, a, 0)
        return self.guard(np.multiply(a, b, dtype=np.int64))

    def times(self, weight: Fixed, points: Fixed) -> Fixed:
        """A criterion's points times its weight: both scaled integers."""
        return self.fixed(self.mul(weight.ints, points.ints), weight.scale + points.scale)

    def multiply(self, a: Numeric, b: Numeric, link: ast.Binary) -> Numeric:
        if isinstance(a, Fixed) and isinstance(b, Fixed):
            return self.times(a, b)
        if isinstance(a, Quotient) and isinstance(b, Quotient):
            raise Unsupported("product of two quotients", "it may not divide exactly to 50 digits as the scalar "
                              "path does", link.span)
        q, f, factor = (a, b, link.right) if isinstance(a, Quotient) else (b, a, link.left)
        assert isinstance(q, Quotient) and isinstance(f, Fixed)
        if not _constant_of_twos_and_fives(factor):
            raise Unsupported("product with a quotient", "only a constant whose digits are 2s and 5s multiplies a "
                              "quotient exactly as the scalar path does", link.span)
        return self.fraction(self.mul(q.num, f.ints), self.mul(q.den, _EXPONENTS[f.scale]))

    def divide(self, a: Numeric, b: Numeric, link: ast.Binary, *, check_zero: bool) -> Numeric:
        if isinstance(b, Quotient) or (isinstance(a, Quotient) and not _constant_of_twos_and_fives(link.right)):
            raise Unsupported("division of a quotient", "only by a constant whose digits are 2s and 5s", link.span)
        num_a, den_a = (a.num, a.den) if isinstance(a, Quotient) else (a.ints, _EXPONENTS[a.scale])
        num = self.mul(num_a, _EXPONENTS[b.scale])
        den = self.mul(den_a, b.ints)
        zero = den == 0
        if check_zero and zero.any():
            self.scalar |= zero  # the scalar path refuses to divide by zero: it rejects the row
        return self.fraction(num, np.where(zero, 1, den))

    def fraction(self, num: Array, den: Array) -> Quotient:
        """num / den with den > 0, reduced; rows past LIMIT are marked."""
        negative = den < 0
        num, den = np.where(negative, -num, num), np.abs(den)
        common = np.maximum(np.gcd(num, den), 1)
        return Quotient(self.guard(num // common), self.guard(den // common))

    def fixed(self, ints: Array, scale: int) -> Fixed:
        """Scaled integers; a scale past 18 is brought down to 18 where the digits dropped are zeros, else the
        row is marked."""
        if scale <= 18:
            return Fixed(ints, scale)
        factor = 10 ** (scale - 18)
        if factor > LIMIT:
            self.scalar |= ints != 0
            return Fixed(np.zeros(self.size, dtype=np.int64), 18)
        inexact = ints % factor != 0
        self.scalar |= inexact
        return Fixed(np.where(inexact, 0, ints // factor), 18)

    def is_zero(self, value: Numeric) -> Array:
        return (value.ints if isinstance(value, Fixed) else value.num) == 0

    def compare(self, op: str, a: Numeric, b: Numeric) -> Array:
        """a op b exactly: fixed numbers at one scale, or fractions cross-multiplied."""
        if isinstance(a, Fixed) and isinstance(b, Fixed):
            scale = max(a.scale, b.scale)
            left, right = self.rescaled(a, scale), self.rescaled(b, scale)
        else:
            (num_a, den_a), (num_b, den_b) = _as_fraction(a), _as_fraction(b)
            left, right = self.mul(num_a, den_b), self.mul(num_b, den_a)
        return _COMPARISONS[op](left, right)

    def select(self, condition: Array, then: Column, otherwise: Column) -> Column:
        """Row by row, `then` where `condition` holds, else `otherwise`."""
        if isinstance(then, Fixed | Quotient) and isinstance(otherwise, Fixed | Quotient):
            return self.pick(condition, then, otherwise)
        if isinstance(then, np.ndarray) and isinstance(otherwise, np.ndarray):
            return np.where(condition, then, otherwise)
        if isinstance(then, Codes) and isinstance(otherwise, Codes) and then.members == otherwise.members:
            return Codes(np.where(condition, then.codes, otherwise.codes), then.members)
        raise Unsupported("if/then/else", "its branches are of kinds chosen row by row")

    def pick(self, condition: Array, then: Numeric, otherwise: Numeric) -> Numeric:
        """`select` for numbers: one scale for both, or fractions when either is one."""
        if isinstance(then, Fixed) and isinstance(otherwise, Fixed):
            scale = max(then.scale, otherwise.scale)
            return Fixed(np.where(condition, self.rescaled(then, scale), self.rescaled(otherwise, scale)), scale)
        (num_a, den_a), (num_b, den_b) = _as_fraction(then), _as_fraction(otherwise)
        return Quotient(np.where(condition, num_a, num_b), np.where(condition, den_a, den_b))

    def rounded(self, value: Numeric, places: int) -> Fixed:
        """`value` rounded to `places` with the rubric's rounding mode, exactly (as `Decimal.quantize`)."""
        if isinstance(value, Fixed) and value.scale <= places:
            return Fixed(self.rescaled(value, places), places)
        if isinstance(value, Fixed):
            num, den = value.ints, np.full(self.size, _EXPONENTS[value.scale - places], dtype=np.int64)
        else:
            num, den = self.mul(value.num, _EXPONENTS[places]), value.den
        negative = num < 0
        quotient, remainder = np.divmod(np.abs(num), den)
        if self.mode == "half_up":
            quotient += 2 * remainder >= den
        elif self.mode == "half_even":
            quotient += (2 * remainder > den) | ((2 * remainder == den) & (quotient % 2 == 1))
        return Fixed(np.where(negative, -quotient, quotient), places)


def _as_fraction(value: Numeric) -> tuple[Array, Array]:
    if isinstance(value, Quotient):
        return value.num, value.den
    return value.ints, np.full(value.ints.shape, _EXPONENTS[value.scale], dtype=np.int64)


_COMPARISONS: dict[str, Callable[[Array, Array], Array]] = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "=": np.equal,
}


def _constant_of_twos_and_fives(expr: ast.Expr) -> bool:
    """A literal (or its negation) whose digits, trailing zeros aside, are a product of 2s and 5s."""
    if isinstance(expr, ast.Unary) and expr.op == "-":
        return _constant_of_twos_and_fives(expr.operand)
    if not isinstance(expr, ast.Number) or expr.value == 0:
        return False
    digits = int("".join(map(str, expr.value.as_tuple().digits)))
    while digits % 10 == 0:
        digits //= 10
    for prime in (2, 5):
        while digits % prime == 0:
            digits //= prime
    return digits == 1


# ------------------------------------------------------------------ validated values in, decimals out

MAX_INPUT_PLACES = 9  # decimal places of an input value a column takes; a row with more is scored by the scalar path


def columns_of(specs: Sequence[InputSpec], rows: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Column], Array]:
    """Validated candidates' values (as `data.validate` gives them) as columns, and the rows whose values a column
    cannot hold (too many digits: the scalar path scores those)."""
    scalar = np.zeros(len(rows), dtype=bool)
    made: dict[str, Column] = {}
    for spec in specs:
        values = [row[spec.name] for row in rows]
        if spec.kind in ("number", "count", "panel"):  # a jury panel enters the rules as the number it comes to
            made[spec.name] = fixed_column([v.value if isinstance(v, Panel) else v for v in values], scalar)
        elif spec.kind == "bool":
            made[spec.name] = np.array(values, dtype=bool)
        elif spec.kind in ("one_of", "text"):  # a text input's members are the texts the rows give
            members = spec.members or tuple(dict.fromkeys(values))
            index = {member: code for code, member in enumerate(members)}
            made[spec.name] = Codes(np.array([index[v] for v in values], dtype=np.int64), members)
        else:
            bits = {member: 1 << code for code, member in enumerate(spec.members)}
            made[spec.name] = Bits(np.array([sum(bits[m] for m in v) for v in values], dtype=np.int64), spec.members)
    return made, scalar


def fixed_column(values: Sequence[Decimal], scalar: Array) -> Fixed:
    """Decimals as one column, at the scale the most precise of them needs; rows past the limits are marked."""
    places = [max(0, -exponent) if isinstance(exponent := v.as_tuple().exponent, int) else 0 for v in values]
    scale = max((p for p in places if p <= MAX_INPUT_PLACES), default=0)
    ints = []
    for row, (value, needed) in enumerate(zip(values, places, strict=True)):
        scaled = int(value.scaleb(scale)) if needed <= scale else 0
        if needed > scale or abs(scaled) > LIMIT:
            scalar[row] = True
            scaled = 0
        ints.append(scaled)
    return Fixed(np.array(ints, dtype=np.int64), scale)


def decimal_of(ints: Any, scale: int) -> Decimal:
    """One scaled integer as the decimal the scalar path gives after rounding to `scale` places."""
    return Decimal(int(ints)).scaleb(-scale)
