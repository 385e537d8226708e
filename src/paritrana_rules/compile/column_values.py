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
    """Exact numbers as scaled integers: the value of row i is ints[i] / 10**scale; no |ints[i]| exceeds `bound`."""

    ints: Array
    scale: int
    bound: int  # what the arithmetic knows of the magnitude: checks run on the rows only when it passes LIMIT

    @classmethod
    def of(cls, ints: Array, scale: int) -> Fixed:
        """A column read from data: its bound is its largest magnitude."""
        return cls(ints, scale, int(np.abs(ints).max()) if len(ints) else 0)


@attrs.frozen
class Quotient:
    """Exact fractions: num[i] / den[i], den > 0 (see the module's docstring for where they may go)."""

    num: Array
    den: Array
    num_bound: int
    den_bound: int


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
        return Fixed(np.full(self.size, ints, dtype=np.int64), scale, abs(ints))

    def guard(self, ints: Array, bound: int) -> tuple[Array, int]:
        """Rows past LIMIT marked for the scalar path and zeroed (so that nothing overflows after them); the rows
        are looked at only when `bound` says some may be."""
        if bound <= LIMIT:
            return ints, bound
        beyond = np.abs(ints) > LIMIT
        if beyond.any():
            self.scalar |= beyond
            ints = np.where(beyond, 0, ints)
        return ints, LIMIT

    def mul(self, a: Array, a_bound: int, b: Array | int, b_bound: int) -> tuple[Array, int]:
        """a * b for integers, rows past LIMIT marked for the scalar path."""
        if a_bound * b_bound <= LIMIT:
            return a * b, a_bound * b_bound
        fits = np.abs(a) <= LIMIT // np.maximum(np.abs(b), 1)
        if not np.all(fits):
            self.scalar |= ~fits
            a = np.where(fits, a, 0)
        return self.guard(np.multiply(a, b, dtype=np.int64), LIMIT)

    def rescaled(self, value: Fixed, scale: int) -> tuple[Array, int]:
        """`value`'s integers at a larger scale, with their bound."""
        if scale == value.scale:
            return value.ints, value.bound
        if scale - value.scale >= len(_EXPONENTS):
            self.scalar |= value.ints != 0
            return np.zeros(self.size, dtype=np.int64), 0
        return self.mul(value.ints, value.bound, _EXPONENTS[scale - value.scale], _EXPONENTS[scale - value.scale])

    def add(self, a: Numeric, b: Numeric) -> Numeric:
        if isinstance(a, Fixed) and isinstance(b, Fixed):
            scale = max(a.scale, b.scale)
            (left, left_bound), (right, right_bound) = self.rescaled(a, scale), self.rescaled(b, scale)
            ints, bound = self.guard(left + right, left_bound + right_bound)
            return Fixed(ints, scale, bound)
        if isinstance(a, Quotient) and isinstance(b, Quotient):
            raise Unsupported("sum of two quotients", "it may not divide exactly to 50 digits as the scalar path does")
        q, f = (a, b) if isinstance(a, Quotient) else (b, a)
        assert isinstance(q, Quotient) and isinstance(f, Fixed)
        unit = _EXPONENTS[f.scale]
        scaled_num, scaled_bound = self.mul(q.num, q.num_bound, unit, unit)
        part, part_bound = self.mul(f.ints, f.bound, q.den, q.den_bound)
        den, den_bound = self.mul(q.den, q.den_bound, unit, unit)
        num, num_bound = self.guard(scaled_num + part, scaled_bound + part_bound)
        return self.fraction(num, num_bound, den, den_bound)

    def sub(self, a: Numeric, b: Numeric) -> Numeric:
        return self.add(a, self.negate(b))

    def negate(self, value: Numeric) -> Numeric:
        if isinstance(value, Fixed):
            return Fixed(-value.ints, value.scale, value.bound)
        return Quotient(-value.num, value.den, value.num_bound, value.den_bound)

    def add_up(self, terms: Sequence[Numeric]) -> Numeric:
        total: Numeric = self.constant(Decimal(0))
        for term in terms:
            total = self.add(total, term)
        return total

    def times(self, weight: Fixed, points: Fixed) -> Fixed:
        """A criterion's points times its weight: both scaled integers."""
        return self.fixed(*self.mul(weight.ints, weight.bound, points.ints, points.bound), weight.scale + points.scale)

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
        unit = _EXPONENTS[f.scale]
        return self.fraction(*self.mul(q.num, q.num_bound, f.ints, f.bound), *self.mul(q.den, q.den_bound, unit, unit))

    def divide(self, a: Numeric, b: Numeric, link: ast.Binary, *, check_zero: bool) -> Numeric:
        if isinstance(b, Quotient) or (isinstance(a, Quotient) and not _constant_of_twos_and_fives(link.right)):
            raise Unsupported("division of a quotient", "only by a constant whose digits are 2s and 5s", link.span)
        if isinstance(a, Quotient):
            num_a, num_a_bound, den_a, den_a_bound = a.num, a.num_bound, a.den, a.den_bound
        else:
            num_a, num_a_bound, den_a, den_a_bound = a.ints, a.bound, _EXPONENTS[a.scale], _EXPONENTS[a.scale]
        unit = _EXPONENTS[b.scale]
        num, num_bound = self.mul(num_a, num_a_bound, unit, unit)
        den, den_bound = self.mul(b.ints, b.bound, den_a, den_a_bound)
        zero = den == 0
        if check_zero and zero.any():
            self.scalar |= zero  # the scalar path refuses to divide by zero: it rejects the row
        return self.fraction(num, num_bound, np.where(zero, 1, den), max(den_bound, 1))

    def fraction(self, num: Array, num_bound: int, den: Array, den_bound: int) -> Quotient:
        """num / den with den > 0; reduced only when its bounds pass LIMIT, and then rows still past it marked."""
        negative = den < 0
        if negative.any():
            num, den = np.where(negative, -num, num), np.abs(den)
        if num_bound <= LIMIT and den_bound <= LIMIT:
            return Quotient(num, den, num_bound, den_bound)
        common = np.maximum(np.gcd(num, den), 1)
        num, num_bound = self.guard(num // common, num_bound)
        den, den_bound = self.guard(den // common, den_bound)
        return Quotient(num, den, num_bound, den_bound)

    def fixed(self, ints: Array, bound: int, scale: int) -> Fixed:
        """Scaled integers; a scale past 18 is brought down to 18 where the digits dropped are zeros, else the
        row is marked."""
        if scale <= 18:
            return Fixed(ints, scale, bound)
        factor = 10 ** (scale - 18)
        if factor > LIMIT:
            self.scalar |= ints != 0
            return Fixed(np.zeros(self.size, dtype=np.int64), 18, 0)
        inexact = ints % factor != 0
        self.scalar |= inexact
        return Fixed(np.where(inexact, 0, ints // factor), 18, bound // factor)

    def is_zero(self, value: Numeric) -> Array:
        return (value.ints if isinstance(value, Fixed) else value.num) == 0

    def compare(self, op: str, a: Numeric, b: Numeric) -> Array:
        """a op b exactly: fixed numbers at one scale, or fractions cross-multiplied."""
        if isinstance(a, Fixed) and isinstance(b, Fixed):
            scale = max(a.scale, b.scale)
            left, right = self.rescaled(a, scale)[0], self.rescaled(b, scale)[0]
        else:
            (num_a, num_a_bound, den_a, den_a_bound), (num_b, num_b_bound, den_b, den_b_bound) = \
                _as_fraction(a), _as_fraction(b)
            left = self.mul(num_a, num_a_bound, den_b, den_b_bound)[0]
            right = self.mul(num_b, num_b_bound, den_a, den_a_bound)[0]
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
            (a, a_bound), (b, b_bound) = self.rescaled(then, scale), self.rescaled(otherwise, scale)
            return Fixed(np.where(condition, a, b), scale, max(a_bound, b_bound))
        (num_a, num_a_bound, den_a, den_a_bound), (num_b, num_b_bound, den_b, den_b_bound) = \
            _as_fraction(then), _as_fraction(otherwise)
        return Quotient(np.where(condition, num_a, num_b), np.where(condition, den_a, den_b),
                        max(num_a_bound, num_b_bound), max(den_a_bound, den_b_bound))

    def rounded(self, value: Numeric, places: int) -> Fixed:
        """`value` rounded to `places` with the rubric's rounding mode, exactly (as `Decimal.quantize`)."""
        if isinstance(value, Fixed) and value.scale <= places:
            ints, bound = self.rescaled(value, places)
            return Fixed(ints, places, bound)
        if isinstance(value, Fixed):
            num, num_bound, den = value.ints, value.bound, _EXPONENTS[value.scale - places]
        else:
            (num, num_bound), den = self.mul(value.num, value.num_bound, _EXPONENTS[places], _EXPONENTS[places]), \
                value.den
        negative = num < 0
        quotient, remainder = np.divmod(np.abs(num), den)
        if self.mode == "half_up":
            quotient += 2 * remainder >= den
        elif self.mode == "half_even":
            quotient += (2 * remainder > den) | ((2 * remainder == den) & (quotient % 2 == 1))
        return Fixed(np.where(negative, -quotient, quotient), places, num_bound + 1)


def _as_fraction(value: Numeric) -> tuple[Array, int, Array | int, int]:
    """(numerator, its bound, denominator, its bound)."""
    if isinstance(value, Quotient):
        return value.num, value.num_bound, value.den, value.den_bound
    return value.ints, value.bound, _EXPONENTS[value.scale], _EXPONENTS[value.scale]


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
    return Fixed.of(np.array(ints, dtype=np.int64), scale)


def decimal_of(ints: Any, scale: int) -> Decimal:
    """One scaled integer as the decimal the scalar path gives after rounding to `scale` places."""
    return Decimal(int(ints)).scaleb(-scale)
