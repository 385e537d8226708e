"""Numbers and counts: a raw value -> an exact `Decimal` within the input's bounds, or an `Invalid`.

A number never goes through binary floating point, stays within the limits
the engine computes with exactly (`limits.MAX_DIGITS`, `MAX_MAGNITUDE`,
`MAX_DECIMAL_PLACES`), and reads as its plain text reads back. Its text is
measured before it is converted (`number_text_issue`), so no number costs
more than its few characters. A near miss ('12,5', '1.000.000', '50%',
'1e3') is answered with how to write it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from paritrana_rules.data.limits import (
    MAX_DECIMAL_PLACES,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_MAGNITUDE,
    MAX_NUMBER_CHARS,
)
from paritrana_rules.data.specs import (
    InputSpec,
    Invalid,
    Issue,
    NonFinite,
    allowed_range,
    amount,
    clip,
    show,
    wrong_type,
)

_NOT_FINITE = "NaN/infinity is not a number"
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_NON_FINITE_TEXT = re.compile(r"[-+]?\.?(?:nan|inf|infinity)", re.IGNORECASE)
_WRITTEN_EXPONENT = re.compile(r"[eE]([-+]?[0-9]+)$")
_BELOW_MAGNITUDE = 10**MAX_MAGNITUDE


def to_number(raw: object, spec: InputSpec) -> Decimal:
    return _within_bounds(_decimal(raw, spec), spec)


def to_count(raw: object, spec: InputSpec) -> Decimal:
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= MAX_MAGNITUDE:
        return _within_bounds(Decimal(raw), spec)  # the common case, a plain whole number: no checks it could fail
    number = _decimal(raw, spec)  # within MAX_MAGNITUDE, so int() below is cheap
    if number < 0 or number != number.to_integral_value():
        wrong_type(raw, spec, _number_hint(raw.strip(), spec.kind) if isinstance(raw, str) else None)
    return _within_bounds(Decimal(int(number)), spec)  # int() drops trailing zeros: 18.0 -> 18


def _decimal(raw: object, spec: InputSpec) -> Decimal:
    """An exact Decimal from any accepted raw form; never goes through binary floating point."""
    if isinstance(raw, str):  # what files give: first
        return _parse_number(raw, spec)
    if isinstance(raw, bool):
        wrong_type(raw, spec)
    if isinstance(raw, int):
        if abs(raw) >= _BELOW_MAGNITUDE:  # compared before converting: a Python int may have millions of digits
            raise Invalid(_out_of_range(show(raw)))
        return Decimal(raw)
    if isinstance(raw, Decimal):
        return _finite(raw)
    if isinstance(raw, float):
        # Only Python callers pass floats; repr is the shortest text that round-trips.
        return _finite(Decimal(repr(float(raw))))
    if isinstance(raw, NonFinite):
        raise Invalid(Issue(_NOT_FINITE))
    wrong_type(raw, spec)


def _finite(number: Decimal) -> Decimal:
    if not number.is_finite():
        raise Invalid(Issue(_NOT_FINITE))
    return as_written(_within_precision(number))


def as_written(number: Decimal) -> Decimal:
    """The number as its plain text reads back: 1E+1 as 10, -0 as 0.

    Records hold inputs as plain text and replay reads them back, so a value
    must be the one that text gives, down to its exponent, or results computed
    from it could print differently.
    """
    if number.is_zero() and number.is_signed():
        number = number.copy_abs()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number  # type: ignore[operator]


def _within_precision(number: Decimal) -> Decimal:
    written = number.as_tuple()
    too_large = bool(number) and (number.adjusted() >= MAX_MAGNITUDE or len(written.digits) > MAX_DIGITS)
    if too_large or written.exponent < -MAX_DECIMAL_PLACES:  # type: ignore[operator]
        raise Invalid(_out_of_range(_shown_number(number)))
    return number


def _shown_number(number: Decimal) -> str:
    """The number's plain text for a message, when that is short; otherwise its scientific form (1E+999999999)."""
    near = -MAX_EXPONENT <= number.as_tuple().exponent <= MAX_EXPONENT  # type: ignore[operator]
    return clip(format(number, "f") if near and abs(number.adjusted()) <= MAX_EXPONENT else str(number))


def _out_of_range(shown: str) -> Issue:
    return Issue(f"{shown} is too large or too precise to score: numbers must be below 10^{MAX_MAGNITUDE}, with at "
                 f"most {MAX_DIGITS} digits and {MAX_DECIMAL_PLACES} decimal places",
                 "check the unit (rupiah, not sen) and remove needless decimals")


def number_text_issue(text: str) -> Issue | None:
    """Whether number text is too long, or its written exponent too large, to be converted at all.

    Checked before `Decimal(text)`: the conversion is cheap, but 1e-999999999 is a
    number whose plain text, which messages and ledgers write, takes gigabytes.
    """
    if len(text) > MAX_NUMBER_CHARS:
        return Issue(f"the number {clip(text)} is {len(text):,} characters long; at most {MAX_NUMBER_CHARS} are "
                     "allowed", "remove needless digits and zeros")
    exponent = _WRITTEN_EXPONENT.search(text)
    if exponent and abs(int(exponent[1])) > MAX_EXPONENT:
        return _out_of_range(clip(text))
    return None


def _parse_number(raw: str, spec: InputSpec) -> Decimal:
    text = raw.strip()
    if len(text) > MAX_NUMBER_CHARS:  # before any conversion, and before a hint repeats it
        wrong_type(raw, spec, f"a number is written in at most {MAX_NUMBER_CHARS} characters")
    if _PLAIN_NUMBER.fullmatch(text):
        number = Decimal(text)
        if len(text) <= MAX_DIGITS and number.adjusted() < MAX_MAGNITUDE:
            return as_written(number)  # short text cannot hold more than MAX_DIGITS digits
        return as_written(_within_precision(number))
    if _NON_FINITE_TEXT.fullmatch(text):
        raise Invalid(Issue(_NOT_FINITE))
    wrong_type(raw, spec, _number_hint(text, spec.kind))


_EXPONENT = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]{1,2}")
_GROUPED_DOTS = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")  # Indonesian: 1.234.567,5
_GROUPED_COMMAS = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")  # English: 1,234,567.5
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
_NO_SEPARATORS = "numbers are written without thousands separators"
_DECIMAL_POINT = "decimals are written with a point"


def _number_hint(text: str, kind: str) -> str | None:
    """How to write a near-miss like '12,5', '1.000.000', '50%' or '1e3' as a plain decimal."""
    if _EXPONENT.fullmatch(text):
        return f"write the number out in full: {Decimal(text):f}"
    stripped, notes = _strip_unit(text)
    advice = _separator_advice(stripped, kind)
    if advice is None and notes and _PLAIN_NUMBER.fullmatch(stripped):
        advice = f"write {stripped}"
    return "; ".join([*notes, advice]) if advice else None


def _separator_advice(text: str, kind: str) -> str | None:
    """'did you mean ...?' for a number written with separators that can be read one way only, or how to write
    one that can be read two ways. A count is whole, so '1.200' and '1,200' can only mean 1200; a number with a
    single ',' before three digits may be 1200 or 1.2, and is left for the person to say which."""
    meant = _meant(text, kind)
    if meant is not None:
        return "did you mean {}? {}".format(*meant)
    if kind != "count" and _GROUPED_COMMAS.fullmatch(text) and text.count(",") == 1 and "." not in text:
        plain, point = text.replace(",", ""), text.replace(",", ".")
        return f"write {plain} if ',' separates thousands, or {point} if it is a decimal comma"
    return None


def _meant(text: str, kind: str) -> tuple[str, str] | None:
    """The plain number a near miss can only mean, and what was wrong with how it was written; None when there is
    none (a count is never read with decimals)."""
    grouped_dots, grouped_commas = _GROUPED_DOTS.fullmatch(text), _GROUPED_COMMAS.fullmatch(text)
    single = text.count(".") + text.count(",") == 1
    if kind == "count" and (grouped_dots or grouped_commas) and single:  # '1.200' or '1,200': whole, so 1200
        return text.replace(".", "").replace(",", ""), _NO_SEPARATORS
    if grouped_commas and not single:  # '1,234,567.5'
        meant, why = text.replace(",", ""), _NO_SEPARATORS
    elif _DECIMAL_COMMA.fullmatch(text) and not grouped_commas:  # '12,5'
        meant, why = text.replace(",", "."), _DECIMAL_POINT
    elif grouped_dots and not single:  # '1.234.567' or '1.234,5'
        meant = text.replace(".", "").replace(",", ".")
        why = f"{_NO_SEPARATORS}, {_DECIMAL_POINT}" if "," in text else _NO_SEPARATORS
    else:
        return None
    return None if kind == "count" and "." in meant else (meant, why)


def _strip_unit(text: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    if text.endswith("%"):
        text = text[:-1].strip()
        notes.append("leave out the % sign")
    if text[:2].lower() == "rp":
        text = text[2:].lstrip(". ").strip()
        notes.append("leave out 'Rp'")
    if text.startswith("+"):
        text = text[1:]
        notes.append("leave out the '+'")
    return text, notes


def _within_bounds(number: Decimal, spec: InputSpec) -> Decimal:
    if spec.lower is not None and number < spec.lower:
        raise Invalid(_bound_issue(number, "below the minimum", spec.lower, spec))
    if spec.upper is not None and number > spec.upper:
        raise Invalid(_bound_issue(number, "above the maximum", spec.upper, spec))
    return number


def _bound_issue(number: Decimal, relation: str, bound: Decimal, spec: InputSpec) -> Issue:
    return Issue(f"{amount(number, spec)} is {relation} {amount(bound, spec)}", f"allowed: {allowed_range(spec)}")
