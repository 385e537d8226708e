"""Ranges of a number in words: the rows of a band, and two comparisons of one input that make a range.

English wording is the checker's own (`describe_band_row`), with its numbers
written the English way; Indonesian is worded here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from paritrana_rules.check.tables import describe_band_row
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast

# A number in the checker's band wording, to be shown the English way (50000 -> 50,000).
_NUMBER_IN_TEXT = re.compile(r"-?\d+(?:\.\d+)?")


def band_row(w: Writer, row: ast.BandRow) -> str:
    if w.lang == "en":
        return _NUMBER_IN_TEXT.sub(lambda m: w.number(Decimal(m.group())), describe_band_row(row))
    return _band_row_id(w, row)


def _band_row_id(w: Writer, row: ast.BandRow) -> str:
    """A band row in Indonesian: 'mulai 75 sampai di bawah 100', 'di bawah 50', 'tepat 0', 'selain itu'."""
    if row.otherwise:
        return "selain itu"
    low, high = row.lower, row.upper
    if low is not None and high is not None and low == high:
        return f"tepat {w.number(low)}"
    if low is None and high is None:
        return "berapa pun"
    if low is None:
        assert high is not None
        return f"{w.number(high)} atau kurang" if row.upper_inclusive else f"di bawah {w.number(high)}"
    if high is None:
        return f"{w.number(low)} atau lebih" if row.lower_inclusive else f"di atas {w.number(low)}"
    start = f"mulai {w.number(low)}" if row.lower_inclusive else f"di atas {w.number(low)}"
    end = f"sampai dengan {w.number(high)}" if row.upper_inclusive else f"sampai di bawah {w.number(high)}"
    return f"{start} {end}"


def range_pair(pair: list[ast.Expr]) -> tuple[str, ast.BandRow] | None:
    """'x >= 20 and x < 100' as one range of x, in the form of a band row."""
    bounds: dict[str, tuple[Decimal, bool]] = {}
    names = set()
    for operand in pair:
        match operand:
            case ast.Binary(">=" | ">" | "<=" | "<" as op, ast.Name(name), ast.Number(value)):
                bounds["lower" if op in (">=", ">") else "upper"] = (value, op in (">=", "<="))
                names.add(name)
    if len(pair) != 2 or len(names) != 1 or len(bounds) != 2:
        return None
    (lower, lower_inclusive), (upper, upper_inclusive) = bounds["lower"], bounds["upper"]
    row = ast.BandRow(lower=lower, lower_inclusive=lower_inclusive, upper=upper, upper_inclusive=upper_inclusive,
                      otherwise=False, points=ast.Number(Decimal(0), span=pair[0].span), span=pair[0].span)
    return names.pop(), row
