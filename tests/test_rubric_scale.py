"""Rubrics small to write but large to check or compile: the work stays bounded.

Each reproduction is a rubric that once took seconds to minutes (or gigabytes)
to check, or checked and then failed to compile. Now it checks quickly, or
gets the diagnostic of the limit it exceeds (`check/limits.py`). The large
rubrics that stay within the limits also compile, and score as a direct
computation says they must.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest

import paritrana_rules as pr
from paritrana_rules.explain.handbook import handbook
from paritrana_rules.check import tables
from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.limits import (
    MAX_CRITERIA_DEPTH,
    MAX_FORMULA_DEPTH,
    MAX_FORMULA_TERMS,
    MAX_INPUT_VALUES,
    MAX_OVERLAPS_REPORTED,
)
from paritrana_rules.errors import Diagnostic
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.language import ast
from paritrana_rules.source import Span

SECONDS = 10.0  # each check below takes a fraction of a second, and took tens of seconds to minutes when it
# blew up: wide enough to tell the two apart on a loaded machine (speed itself is measured in benchmarks/)

HEAD = """rubric "Paritrana Award" edition 2024 period 2023
category uji
label id "Uji" en "Test"
scale 0 to 100
rounding half_up to 2 places
"""


@pytest.fixture(autouse=True, scope="module")
def _parser_built() -> None:
    """The rubric grammar is built once per process; that second is not any rubric's."""
    diagnose(HEAD, "warm.rubric")


def _checked(text: str) -> tuple[list[Diagnostic], bool]:
    """The rubric's diagnostics and whether it is usable, after checking it within SECONDS."""
    start = time.perf_counter()
    model, diagnostics = diagnose(text, "scale.rubric")
    assert time.perf_counter() - start < SECONDS
    return diagnostics, model is not None


def _errors(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics if d.severity == "error"]


def _criterion(points: str) -> str:
    return f"criterion c weight 100%\n    points {points}\n"


# ------------------------------------------------------------------ reproductions


def _members(count: int) -> str:
    """Values m0, m1, ... of an input, one a line."""
    return ",\n".join(f"        m{i}" for i in range(count))


def _sum_over_set(values: int) -> str:
    members = _members(values)
    rows = "".join(f"        when m{i} in s -> 1\n" for i in range(values))
    return HEAD + f"input s: set of {{{members}}}\ncriterion c weight 100%\n    points by table, sum of matches\n{rows}"


def test_a_sum_table_over_22_set_values_is_not_enumerated() -> None:
    """Once 2^22 cases built before the cap was looked at: 39 s and 5 GB for 936 bytes."""
    tracemalloc.start()
    try:
        diagnostics, usable = _checked(_sum_over_set(22))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert usable and not _errors(diagnostics)
    assert peak < 50_000_000
    rubric = pr.CompiledRubric.from_text(_sum_over_set(22), "sum.rubric")
    assert rubric.evaluate({"s": ["m0", "m5", "m21"]}).total == 3


def test_a_table_beyond_analysis_needs_an_otherwise_row() -> None:
    """Too many cases to enumerate: a first-match table gets R511, as any table beyond analysis does."""
    members = _members(20)
    rows = "".join(f"        when m{i} in s -> 5\n" for i in range(20))
    text = HEAD + f"input s: set of {{{members}}}\n" + _criterion(f"by table, first match\n{rows}")
    diagnostics, _ = _checked(text)
    assert _errors(diagnostics) == ["R511"]
    diagnostics, usable = _checked(text + "        otherwise -> 0\n")
    assert usable and not _errors(diagnostics)


def _band_rows(count: int) -> Iterator[ast.BandRow]:
    span = Span("scale.rubric", 1, 1, 1, 2)
    for low in range(count):
        yield ast.BandRow(lower=Decimal(low), lower_inclusive=True, upper=Decimal(low + 1), upper_inclusive=False,
                          otherwise=False, points=ast.Number(Decimal(1), span), span=span)


def test_a_10000_row_band_is_analysed_in_n_log_n() -> None:
    """Once quadratic: 10,000 rows took 23 s, 20,000 took 102 s."""
    rows = list(_band_rows(10_000))
    band = ast.PointsBand(ast.Name("x", rows[0].span), tuple(rows), rows[0].span)
    start = time.perf_counter()
    assert tables.analyse_band(band, Interval(Decimal(0), Decimal(9_999)), "x") == []
    gapped = ast.PointsBand(band.subject, band.rows[:5_000] + band.rows[5_001:], band.span)
    [gap] = tables.analyse_band(gapped, Interval(Decimal(0), Decimal(9_999)), "x")
    assert gap[:2] == ("R501", "no band covers x from 5000 to below 5001")
    assert time.perf_counter() - start < SECONDS


def test_overlapping_bands_report_the_first_overlaps() -> None:
    rows = "".join("        from 0 -> 1\n" for _ in range(2_000))
    diagnostics, _ = _checked(HEAD + "input x: number between 0 and 100\n" + _criterion(f"by band of x\n{rows}"))
    overlaps = [d for d in diagnostics if d.code == "R502"]
    assert len(overlaps) == MAX_OVERLAPS_REPORTED == len(_errors(diagnostics))
    assert [d.span.line for d in overlaps] == list(range(10, 10 + MAX_OVERLAPS_REPORTED))
    assert overlaps[0].message == "bands 'from 0' (line 9) and 'from 0' both cover x from 0 to 100"


def _one_of_table(values: int) -> str:
    members = _members(values)
    rows = "".join(f"        when e is m{i} -> {i % 100}\n" for i in range(values))
    return HEAD + f"input e: one of {{{members}}}\n" + _criterion(f"by table, unique match\n{rows}")


def test_an_input_with_too_many_values() -> None:
    """A unique table over a 4,000-value one-of took 27 s; past the limit the input is reported, and the
    table is beyond analysis."""
    diagnostics, _ = _checked(_one_of_table(MAX_INPUT_VALUES + 1))
    assert sorted(_errors(diagnostics)) == ["R512", "T322"]
    [too_many] = [d for d in diagnostics if d.code == "T322"]
    assert too_many.message == f"input 'e' lists {MAX_INPUT_VALUES + 1:,} values; an input may list at most 1,000"


def test_a_unique_table_over_300_values_is_proved_unique() -> None:
    diagnostics, usable = _checked(_one_of_table(300))
    assert usable and not _errors(diagnostics)


def _lets_last_first(count: int) -> str:
    """Each let reads the one declared after it: the order they are checked in is the reverse."""
    lets = "".join(f"let l{i} = l{i + 1} + 0.01\n" for i in range(count - 1)) + f"let l{count - 1} = x\n"
    return HEAD + f"input x: number between 0 and 0.1\n{lets}" + _criterion("l0")


def test_990_lets_in_a_chain() -> None:
    """Once a recursion per let: a chain of 990 gave P103 (10,000 lets took 11 s, now P106 at parse)."""
    diagnostics, usable = _checked(_lets_last_first(990))
    assert usable and not _errors(diagnostics)


def test_a_990_deep_criteria_tree() -> None:
    """Once seconds (2,000 deep took 20 s), then P103: the criterion one level too deep is reported, once."""
    tree = "criterion c0 weight 100%\n" + "".join(f"criterion c{i} under c{i - 1} weight 100%\n"
                                                  for i in range(1, 990))
    diagnostics, _ = _checked(HEAD + "input x: number between 0 and 100\n" + tree + "    points x\n")
    [deep] = [d for d in diagnostics if d.severity == "error"]
    assert deep.code == "W409"
    assert deep.message == (f"criterion 'c{MAX_CRITERIA_DEPTH}' is {MAX_CRITERIA_DEPTH + 1} levels deep; "
                            f"criteria may be nested at most {MAX_CRITERIA_DEPTH} levels")


def _long_sum(terms: int) -> str:
    inputs = "".join(f"input x{i}: number between 0 and 0.1\n" for i in range(terms))
    return HEAD + inputs + _criterion(" + ".join(f"x{i}" for i in range(terms)))


def test_a_sum_as_long_as_allowed_compiles_scores_and_is_written_in_the_handbook() -> None:
    """A sum of 210 terms once checked and then failed to compile: too many nested parentheses."""
    rubric = pr.CompiledRubric.from_text(_long_sum(MAX_FORMULA_TERMS), "sum.rubric")
    assert rubric.evaluate({f"x{i}": "0.1" for i in range(MAX_FORMULA_TERMS)}).total == MAX_FORMULA_TERMS / 10
    assert handbook(rubric, "id")


def test_a_formula_with_too_many_terms() -> None:
    diagnostics, _ = _checked(_long_sum(MAX_FORMULA_TERMS + 1))
    assert _errors(diagnostics) == ["T320"]


def test_a_formula_nested_too_deeply() -> None:
    nested = "x"
    for _ in range(MAX_FORMULA_DEPTH + 1):
        nested = f"-({nested})"
    diagnostics, _ = _checked(HEAD + "input x: number between 0 and 0\n" + _criterion(nested))
    assert _errors(diagnostics) == ["T321"]


# ------------------------------------------------------------------ large rubrics score as computed


def test_a_2000_row_band_scores_each_row() -> None:
    rows = "".join(f"        from {i} to below {i + 1} -> {i * 7 % 101}\n" for i in range(2_000))
    text = HEAD + "input x: number between 0 and 2000\n" + _criterion(f"by band of x\n{rows}        from 2000 -> 0\n")
    rubric = pr.CompiledRubric.from_text(text, "band.rubric")
    for x in ("0", "0.5", "1", "999.99", "1234", "1999.5", "2000"):
        expected = int(Decimal(x)) * 7 % 101 if Decimal(x) < 2_000 else 0
        assert rubric.evaluate({"x": x}).total == expected, x


def test_a_2600_row_first_match_table_scores_each_row() -> None:
    """Beyond 2,500 rows an `elif` chain does not compile; the rows are written as flat `if`s."""
    rows = "".join(f"        when n = {i} -> {i % 100}\n" for i in range(2_600))
    text = HEAD + "input n: count\n" + _criterion(f"by table, first match\n{rows}        otherwise -> 100\n")
    rubric = pr.CompiledRubric.from_text(text, "table.rubric")
    for n, expected in ((0, 0), (1, 1), (2_599, 99), (2_600, 100), (10_000, 100)):
        assert rubric.evaluate({"n": n}).total == expected


def test_a_formula_as_long_as_allowed_scores_as_computed() -> None:
    terms = MAX_FORMULA_TERMS - 2  # the clamp's bounds are terms too
    signs = ["+" if i % 3 else "-" for i in range(terms)]
    formula = "x0" + "".join(f" {sign} x{i}" for i, sign in enumerate(signs) if i)
    inputs = "".join(f"input x{i}: number between 0 and 1\n" for i in range(terms))
    rubric = pr.CompiledRubric.from_text(HEAD + inputs + _criterion(f"clamp({formula}, 0, 100)"), "sum.rubric")
    values = {f"x{i}": Decimal(i % 17) / 16 for i in range(terms)}
    raw = values["x0"]
    for i, sign in enumerate(signs):
        if i:
            raw = raw + values[f"x{i}"] if sign == "+" else raw - values[f"x{i}"]
    expected = min(max(raw, Decimal(0)), Decimal(100)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert rubric.evaluate({k: str(v) for k, v in values.items()}).total == expected


def test_990_lets_score_as_computed() -> None:
    rubric = pr.CompiledRubric.from_text(_lets_last_first(990), "lets.rubric")
    assert rubric.evaluate({"x": "0.05"}).total == Decimal("9.94")


def test_500_criteria_in_a_tree_20_levels_deep_score_as_computed() -> None:
    """Totals of hundreds of criteria are added up over several lines of generated code."""
    leaves = "".join(f"criterion leaf{i} weight 0.2%\n    points x{i % 7}\n" for i in range(499))
    deep = "criterion d1 weight 0.2%\n" + "".join(f"criterion d{i} under d{i - 1} weight 100%\n"
                                                 for i in range(2, MAX_CRITERIA_DEPTH + 1)) + "    points x0\n"
    inputs = "".join(f"input x{i}: number between 0 and 100\n" for i in range(7))
    rubric = pr.CompiledRubric.from_text(HEAD + inputs + leaves + deep, "wide.rubric")
    values = {f"x{i}": Decimal(10 * i + 3) for i in range(7)}
    weighted = sum((values[f"x{i % 7}"] for i in range(499)), values["x0"]) * Decimal("0.002")
    assert rubric.evaluate({k: str(v) for k, v in values.items()}).total == weighted.quantize(Decimal("0.01"),
                                                                                              ROUND_HALF_UP)


def test_a_band_of_only_otherwise_compiles() -> None:
    """It once checked, then failed to compile: an `else` with no `if` before it."""
    text = HEAD + "input x: number between 0 and 10\n" + _criterion("by band of x\n        otherwise -> 5\n")
    assert pr.CompiledRubric.from_text(text, "band.rubric").evaluate({"x": 3}).total == 5
