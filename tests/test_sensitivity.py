"""Weight sensitivity (rank/sensitivity.py): exact intervals where the decisions stay, checked against the engine.

The exact mirror is compared with the engine itself: a rubric re-declared with
`extends` and `change criterion ... weight` lines must score every candidate
exactly as the mirror says, and the reported bounds must hold when the engine
scores re-declared rubrics inside and just past them.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.rank.sensitivity import Bound, nominations, rescore, round_exact, sensitivity

ROOT = Path(__file__).resolve().parents[1]
KABKOTA = ROOT / "rubrics/2024/kabupaten-kota.rubric"
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

# Three candidates, one group; weights ca 50% + cb 50%.
SMALL = """rubric "Paritrana Award" edition 2024 period 2023
category uji
scale 0 to 100
rounding half_up to 2 places
input grp: text
input a: number
    between 0 and 100
input b: number
    between 0 and 100
criterion ca weight {ca}%
    points a
criterion cb weight {cb}%
    points b
rank candidates by total within grp nominate top 1
"""
THREE = {"x": {"grp": "g", "a": 90, "b": 40}, "y": {"grp": "g", "a": 40, "b": 70}, "z": {"grp": "g", "a": 10, "b": 10}}


def small(ca: Decimal = Decimal(50)) -> pr.CompiledRubric:
    return pr.loads(SMALL.format(ca=ca, cb=100 - ca))


def scored(rubric: pr.CompiledRubric, candidates: dict[str, dict[str, Any]]) -> list[Any]:
    return [rubric.evaluate(values, name) for name, values in candidates.items()]


def decimal_of(weight: Fraction, places: int = 12) -> Decimal:
    """A weight as a percent, rounded to a finite decimal (for re-declaring a rubric)."""
    percent = round_exact(weight * 100, places, "half_even")
    return Decimal(percent.numerator * 10**places // percent.denominator).scaleb(-places)


def test_the_hand_computed_crossing() -> None:
    # With ca at w (cb at 1 - w): x = 90w + 40(1 - w) = 40 + 50w and y = 40w + 70(1 - w) = 70 - 30w; z is far behind.
    # At w = 50%: x 65.00 (rank 1, nominated), y 55.00. Lowering w, the rounded totals first tie (rank 1= for both,
    # both nominated) when x rounds to y's value. They cross at 40 + 50w = 70 - 30w, w = 3/8, both 58.75. Just above
    # 3/8 + e: x = 58.75 + 50e rounds (half up) to 58.75 while 50e < 0.005, i.e. e < 1/10000, and y = 58.75 - 30e
    # also rounds to 58.75 there. At e = 1/10000 exactly x is 58.755 -> 58.76 and y 58.747 -> 58.75: not tied.
    # So the decisions hold down to 3751/10000 inclusive and change just below it.
    rubric = small()
    report = sensitivity(rubric, scored(rubric, THREE))
    ca, cb = report.weights
    assert ca.lower == Bound(Fraction(3751, 10000), True, "change", ca.lower.shifts, ca.lower.seen_at)
    assert {(s.candidate, s.before, s.after) for s in ca.lower.shifts} == {
        ("x", "rank 1 in g, nominated", "rank 1= in g, nominated"),
        ("y", "not nominated", "rank 1= in g, nominated")}
    assert ca.upper is not None and ca.upper.reached == "limit" and ca.upper.weight == 1
    assert cb.upper is not None and cb.upper.weight == Fraction(6249, 10000) and cb.upper.included
    assert cb.lower is not None and cb.lower.reached == "limit" and cb.lower.weight == 0
    text = report.render("en")
    assert "ca 50% of the total: decisions unchanged from 37.51% to 100%" in text
    assert "if ca weighed just below 37.51% (instead of 50%)" in text
    assert "jika bobot ca sedikit di bawah 37,51% (bukan 50%)" in report.render("id")


def redeclared(criterion: str, percent: Decimal, rubric: pr.CompiledRubric) -> pr.CompiledRubric:
    """The bundled rubric with `criterion` at `percent` and its siblings rescaled (all finite decimals here)."""
    model = rubric.whole
    by_name = {c.decl.name: c for c in model.criteria}
    parent = by_name[criterion].decl.parent
    family = by_name[parent].children if parent else model.roots
    declared = by_name[criterion].decl.weight
    lines = [f"change criterion {criterion} weight {percent}%"]
    for sibling in family:
        if sibling != criterion:
            weight = by_name[sibling].decl.weight * (100 - percent) / (100 - declared)
            lines.append(f"change criterion {sibling} weight {weight.normalize():f}%")
    text = 'rubric "Paritrana Award" edition 2024 period 2023\nextends "2024/kabupaten-kota.rubric"\n' + "\n".join(lines)
    return pr.loads(text + "\n", str(ROOT / "rubrics/2024/sensitivity-test.rubric"))


def generated(rubric: pr.CompiledRubric, count: int, seed: int) -> list[dict[str, Any]]:
    rows = synth.generate(rubric.input_specs, count, seed, 0.0, "kab")
    return [{"id": row.id, **{k: v for k, v in row.values.items() if v is not None}} for row in rows]


def test_the_mirror_equals_the_engine_on_the_bundled_rubric() -> None:
    rubric = pr.load(KABKOTA)
    candidates = generated(rubric, 40, seed=11)
    results = [rubric.evaluate({k: v for k, v in c.items() if k != "id"}, c["id"]) for c in candidates]
    assert {r.status for r in results} >= {"eligible", "eliminated"}
    cases = {"cakupan": ["22", "48", "34.2005", "2.5", "99.35", "61"],  # 100 - 65f for finite f
             "pertumbuhan": ["32", "6.5", "13.3", "1.4", "57.5"],  # 100 - 85f
             "nspk": ["37.5", "3.25", "91"]}  # siblings of a 20% child: 80% rescaled
    for criterion, percents in cases.items():
        for percent in map(Decimal, percents):
            engine = redeclared(criterion, percent, rubric)
            mirror = rescore(rubric, results, criterion, Fraction(percent) / 100)
            for candidate, view in zip(candidates, mirror, strict=True):
                expected = engine.evaluate({k: v for k, v in candidate.items() if k != "id"}, candidate["id"])
                assert (view.total, view.status) == (expected.total, expected.status), (criterion, percent)
                assert view.points == expected.points
                assert [(s.advanced, s.total) for s in view.stages] == [(s.advanced, s.total) for s in expected.stages]


groups = st.sampled_from(["g", "h"])
values = st.integers(4000, 4200).map(lambda n: Decimal(n).scaleb(-2))  # close totals: crossings, few breakpoints
candidate_sets = st.dictionaries(st.sampled_from(["p", "q", "r", "s"]),
                                 st.fixed_dictionaries({"grp": groups, "a": values, "b": values}), min_size=2)


def decisions_at(rubric: pr.CompiledRubric, candidates: dict[str, dict[str, Any]], weight: Fraction) -> Any:
    engine = small(decimal_of(weight))
    return nominations(rubric.whole)(scored(engine, candidates))


@given(candidate_sets, st.fractions(0, 1), st.booleans())
def test_inside_the_bounds_nothing_changes_and_just_past_them_something_does(
        candidates: dict[str, dict[str, Any]], where: Fraction, upwards: bool) -> None:
    rubric = small()
    results = scored(rubric, candidates)
    base = nominations(rubric.whole)(results)
    (ca,) = sensitivity(rubric, results, criteria=["ca"]).weights
    assert ca.lower is not None and ca.upper is not None
    low, high = ca.lower.weight, ca.upper.weight
    inside = decimal_of(low + (high - low) * where, 6) / 100
    assume(0 < inside < 1)  # a weight of 0% or 100% cannot be declared
    assume((low <= inside if ca.lower.included else low < inside)
           and (inside <= high if ca.upper.included else inside < high))
    assert decisions_at(rubric, candidates, Fraction(inside)) == base
    bound = ca.upper if upwards else ca.lower
    if bound.reached == "change":
        assert bound.seen_at is not None
        past = Fraction(decimal_of(bound.seen_at)) / 100
        assume(0 < past < 1)
        assume(nominations(rubric.whole)(rescore(rubric, results, "ca", past)) != base)  # still past the bound
        assert decisions_at(rubric, candidates, past) != base


def test_the_report_is_deterministic() -> None:
    rubric = small()
    first = sensitivity(rubric, scored(rubric, THREE))
    again = sensitivity(small(), scored(small(), dict(reversed(THREE.items()))))
    assert first.weights == again.weights and first.render("id") == again.render("id")
