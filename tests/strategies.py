"""Hypothesis strategies shared by the property tests: candidate data and small rubrics."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from paritrana_rules import InputSpec
from paritrana_rules.committee.properties import candidate_strategy


def candidate_inputs(specs: tuple[InputSpec, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid candidate (the package's own generator, which `paritrana-rules test` uses too)."""
    return candidate_strategy(specs)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(), st.text(max_size=8),
    st.decimals(allow_nan=True, allow_infinity=True),
)
raw_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


def raw_candidate(specs: tuple[InputSpec, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Anything at all under the rubric's field names and a few others."""
    names = [s.name for s in specs] + ["id", "name", "unknown_field", "cakupan_pu"]
    return st.dictionaries(st.sampled_from(names), raw_values, max_size=len(names))


# ------------------------------------------------------------------ small rubrics

_OPERATORS = ("+", "-", "*")


@st.composite
def arithmetic(draw: st.DrawFn, names: list[str], depth: int = 0) -> str:
    """An expression over number inputs: literals, + - *, min, max, ratio, if/else."""
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return draw(st.sampled_from(names))
        return str(draw(st.decimals(min_value=0, max_value=50, places=1)))
    choice = draw(st.integers(0, 4))
    left = draw(arithmetic(names, depth + 1))
    right = draw(arithmetic(names, depth + 1))
    if choice == 0:
        return f"min({left}, {right})"
    if choice == 1:
        return f"max({left}, {right})"
    if choice == 2:
        return f"ratio({left}, {right}, if zero 0)"
    if choice == 3:
        return f"if {left} >= {right} then {left} else {right}"
    return f"({left} {draw(st.sampled_from(_OPERATORS))} {right})"


@st.composite
def small_rubric(draw: st.DrawFn) -> str:
    """A rubric with a few bounded number inputs and criteria whose points are arithmetic.

    Many drawn rubrics do not check (points may leave the scale); the tests
    keep the ones that do, which is exactly what exercises the checker's
    promise that accepted points stay on the scale. Some declare two stages,
    with inputs arriving at either and sometimes a rule to advance; some say
    which round they score, not always where `fmt` puts it.
    """
    count = draw(st.integers(1, 3))
    names = [f"x{i}" for i in range(count)]
    lines = ['rubric "Paritrana Award" edition 2024 period 2023', "category uji", 'label id "Uji" en "Test"',
             "scale 0 to 100", f"rounding {draw(st.sampled_from(['half_up', 'half_even', 'down']))} to 2 places"]
    round_name = draw(st.sampled_from([None, "provinsi", "nasional"]))
    if round_name is not None:  # anywhere in the header: `fmt` moves it next to the category
        lines.insert(draw(st.integers(1, len(lines))), f"round {round_name}")
    staged = draw(st.booleans())
    if staged:
        lines += ["stage awal", 'label id "Awal" en "First"']
        if draw(st.booleans()):
            lines.append(f"advance if {draw(st.sampled_from(['total >= 40', f'{names[0]} > 10', 'yes']))}")
        lines += ["stage akhir", 'label id "Akhir" en "Last"']
    for index, name in enumerate(names):
        low = draw(st.integers(-5, 50))
        high = low + draw(st.integers(0, 100))
        arrives = " from stage akhir" if staged and index > 0 and draw(st.booleans()) else ""
        lines.append(f"input {name}: number between {low} and {high}{arrives}")
    weights = draw(st.sampled_from([[100], [50, 50], [30, 70], [25, 25, 50]]))
    for index, weight in enumerate(weights):
        lines.append(f"criterion c{index} weight {weight}%")
        style = draw(st.integers(0, 2))
        expression = draw(arithmetic(names))
        if style == 0:
            lines.append(f"    points {expression}")
        elif style == 1:
            lines.append(f"    points clamp({expression}, 0, 100)")
        else:
            cut = draw(st.integers(0, 60))
            lines += [f"    points by band of clamp({expression}, 0, 100)",
                      f"        below {cut} -> 0" if cut > 0 else "", f"        from {cut} -> 100"]
    if draw(st.booleans()):
        lines.append(f"bonus extra: 5 when {names[0]} > 10")
    if draw(st.booleans()):
        lines += [f"gate batas: {names[-1]} >= 0 otherwise cap total at 60", 'reason id "Batas" en "Limit"']
    return "\n".join(line for line in lines if line) + "\n"
