"""Exact decimal arithmetic: the one decimal context and the rounding policies.

Every score is a `decimal.Decimal` built from literal text, computed under
`CONTEXT` (50 significant digits, traps on invalid operations, division by
zero and overflow). Only the declared rounding policy changes a value's
precision, and only where the language says so: each leaf criterion's points,
the total, and explicit `round(x, n)`.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar
from collections.abc import Callable

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = decimal.Context(
    prec=50,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

ROUNDING_MODES = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
}


def exact(function: F) -> F:
    """Run under CONTEXT whatever decimal context the caller has set (thread-local, so thread-safe)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with decimal.localcontext(CONTEXT):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


_EXPONENTS = tuple(Decimal(1).scaleb(-places) for places in range(11))  # 1, 0.1, ... 1E-10


def exponent(places: int) -> Decimal:
    """The quantum for `places` decimals (0 to 10): 2 -> Decimal('0.01')."""
    return _EXPONENTS[places]


def round_to(value: Decimal, places: int, mode: str) -> Decimal:
    """Round to `places` decimals (0 to 10) with a declared mode; `half_up` rounds 0.005 to 0.01."""
    return value.quantize(_EXPONENTS[places], rounding=ROUNDING_MODES[mode], context=CONTEXT)


def add_all(values: Iterable[Decimal]) -> Decimal:
    """Exact sum under CONTEXT (the builtin sum would use the caller's context)."""
    total = Decimal(0)
    for value in values:
        total = CONTEXT.add(total, value)
    return total


def places_needed(value: Decimal) -> int:
    """Decimal places a value needs: 99.990 needs 2, 15.000 and 100 none."""
    exponent = value.normalize(CONTEXT).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def plain(value: Decimal) -> str:
    """Decimal as plain text, never in exponent form: Decimal('1E+2') -> '100'."""
    text = str(value)  # the same digits as format(value, "f") unless it chose exponent form (fast: used per record)
    if "E" in text or text.startswith("-0"):  # exponent form, or perhaps a negative zero: "-0.00" is "0.00"
        text = format(value.copy_abs() if value.is_zero() else value, "f")
        return text or "0"
    return text


def fixed_texts(scaled: Iterable[int], places: int) -> list[str]:
    """`plain` of each decimal `scaled` / 10^`places` at that exponent, without making the Decimals (a column of
    scaled integers is written at once): exactly `places` digits after the point."""
    if not places:
        return list(map(str, scaled))
    unit = 10**places
    return [f"{value // unit}.{value % unit:0{places}d}" if value >= 0
            else f"-{-value // unit}.{-value % unit:0{places}d}" for value in scaled]


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros of integral values so that 18.0 and 18 print alike."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=CONTEXT)
    return value
