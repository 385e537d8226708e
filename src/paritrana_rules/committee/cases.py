"""Example cases: run a rubric's examples against their expectations, measure coverage, check properties.

A rubric's example file is found beside the rubrics folder: for
`rubrics/2024/pemerintah-desa.rubric` it is `examples/2024/pemerintah-desa.yaml`.
Each candidate there may carry an `expect:` block:

    expect:
      total: 80.50              # exact: no tolerance
      status: eligible          # or disqualified
      criteria: {regulasi_desa: 50.00}
      reasons: [tunggakan]      # each must appear in a failed gate's reason (id or en)
      rejected: [aparat_desa]   # the data must be rejected, with problems in these fields

Coverage is counted in rubric terms: every band row and table row matched by at
least one case, every gate failed by one, every bonus and penalty applied by one,
and every criterion scored points by one.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from paritrana_rules.language import ast
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.data import Candidate, Rejected, judge_candidates
from paritrana_rules.errors import InputError, did_you_mean
from paritrana_rules.language.extends import rubrics_root
from paritrana_rules.numeric import plain
from paritrana_rules.committee.properties import PropertyOutcome, check_properties
from paritrana_rules.evaluate.result import Result
from paritrana_rules.explain import explanation
from paritrana_rules.source import Span
from paritrana_rules.check.tables import describe_band_row

EXPECTATIONS = ("total", "status", "criteria", "reasons", "rejected")


@attrs.frozen
class CaseOutcome:
    id: str
    origin: str
    checked: bool  # whether it had expectations
    failures: tuple[str, ...]


@attrs.frozen
class Uncovered:
    description: str
    span: Span


@attrs.frozen
class RubricTests:
    rubric: str
    cases_file: str | None
    cases: tuple[CaseOutcome, ...]
    rules: int
    uncovered: tuple[Uncovered, ...]
    properties: tuple[PropertyOutcome, ...]
    problems: tuple[str, ...]  # e.g. no example file

    @property
    def ok(self) -> bool:
        return (not self.problems and not self.uncovered and all(not c.failures for c in self.cases)
                and all(p.holds is not False for p in self.properties))

    def render(self) -> str:
        lines = [f"{self.rubric}" + (f" — {self.cases_file}" if self.cases_file else "")]
        lines += [f"  problem: {p}" for p in self.problems]
        if self.cases:
            checked = [c for c in self.cases if c.checked]
            failed = [c for c in checked if c.failures]
            cases = f"{len(self.cases)} case{'s' if len(self.cases) != 1 else ''}"
            lines.append(f"  {cases}, {len(checked)} with expectations: "
                         f"{len(checked) - len(failed)} passed, {len(failed)} failed")
            for case in failed:
                lines.append(f"  FAILED {case.id} ({case.origin})")
                lines += [f"    {failure}" for failure in case.failures]
        lines.append(f"  coverage: {self.rules - len(self.uncovered)} of {self.rules} rules hit")
        lines += [f"    not hit: {u.description} ({u.span.path}:{u.span.line})" for u in self.uncovered]
        if not self.properties:
            lines.append("  note: the rubric declares no property (see docs/language.md, 12b)")
        for outcome in self.properties:
            state = {True: "holds", False: "FAILS", None: "not checked"}[outcome.holds]
            lines.append(f"  property {outcome.prop.name}: {state} ({outcome.message})")
            if outcome.counterexample:
                lines.append("    paste as example cases to keep this counterexample:")
                lines += [f"    {line}" for line in outcome.counterexample.splitlines()]
        lines.append("  ok" if self.ok else "  FAILED")
        return "\n".join(lines)


def cases_file_for(rubric_path: str | Path) -> Path:
    """Where a rubric's example cases live: examples/ beside the rubrics folder, same relative path."""
    path = Path(rubric_path)
    root = rubrics_root(str(path))
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        return path.with_suffix(".yaml")
    return root.parent / "examples" / relative.with_suffix(".yaml")


def run_cases(rubric: AnyRubric, cases_file: Path | None = None, max_examples: int = 200) -> RubricTests:
    """Run every example case of a rubric, measure coverage, and check its properties."""
    path = cases_file or cases_file_for(rubric.path)
    problems: list[str] = []
    outcomes: list[CaseOutcome] = []
    results: list[Result] = []
    if not path.exists():
        problems.append(f"no example cases: expected them in {path}")
    else:
        try:
            judged = judge_candidates(path, rubric.input_specs)
        except InputError as error:
            judged = []
            problems.append(f"the example file cannot be read: {error}")
        for item in judged:
            outcome, result = _run_case(rubric, item)
            outcomes.append(outcome)
            if result is not None:
                results.append(result)
    units = _coverage_units(rubric)
    hit = _hits(rubric, results)
    uncovered = tuple(Uncovered(description, span) for key, (description, span) in units.items() if key not in hit)
    return RubricTests(rubric.path, str(path) if path.exists() else None, tuple(outcomes), len(units), uncovered,
                       tuple(check_properties(rubric, max_examples)), tuple(problems))


# ------------------------------------------------------------------ cases


def _run_case(rubric: AnyRubric, item: Candidate | Rejected) -> tuple[CaseOutcome, Result | None]:
    expect = item.expect
    if expect is not None and not isinstance(expect, Mapping):
        return CaseOutcome(item.id, item.origin, True, ("'expect' must be a mapping such as {total: 80.50}",)), None
    expected: Mapping[str, Any] = expect or {}
    failures = [_unknown_expectation(key) for key in expected if key not in EXPECTATIONS]
    result = rubric.score_or_reject(item) if isinstance(item, Candidate) else item
    if isinstance(result, Rejected):
        return CaseOutcome(item.id, item.origin, True, tuple(failures + _rejected(result, expected))), None
    if "rejected" in expected:
        failures.append("expected the data to be rejected, but it validated")
    failures += _compare(result, expected)
    return CaseOutcome(item.id, item.origin, expect is not None, tuple(failures)), result


def _unknown_expectation(key: str) -> str:
    return f"unknown expectation '{key}'; " + (did_you_mean(str(key), EXPECTATIONS) or
                                                f"use {', '.join(EXPECTATIONS)}")


def _rejected(item: Rejected, expected: Mapping[str, Any]) -> list[str]:
    found = "; ".join(p.render() for p in item.problems)
    if "rejected" not in expected:
        return [f"the data was rejected: {found}"]
    wanted = expected["rejected"]
    if not isinstance(wanted, list):
        return ["'rejected' must be a list of the fields with problems, such as [aparat_desa]"]
    fields = {p.field for p in item.problems}
    return [f"expected a problem in field '{f}', got: {found}" for f in wanted if f not in fields]


def _compare(result: Result, expected: Mapping[str, Any]) -> list[str]:
    failures = []
    if "total" in expected:
        failures += _decimal_failure("total", expected["total"], result.total)
    if "status" in expected and str(expected["status"]) != result.status:
        failures.append(f"status: expected {expected['status']}, got {result.status}"
                        + (f" ({'; '.join(why)})" if (why := explanation.reasons(result, "en")) else ""))
    criteria = expected.get("criteria", {})
    if not isinstance(criteria, Mapping):
        failures.append("'criteria' must map criterion names to points")
        criteria = {}
    names = [c.name for c in result.criteria]
    for name, points in criteria.items():
        if name not in names:
            suggestion = did_you_mean(str(name), names)
            failures.append(f"criteria: no criterion '{name}'" + (f"; {suggestion}" if suggestion else ""))
            continue
        failures += _decimal_failure(f"criterion {name}", points, result.criterion(name).points)
    reasons = explanation.reasons(result, "en") + explanation.reasons(result, "id")
    wanted_reasons = expected.get("reasons", [])
    if not isinstance(wanted_reasons, list):
        failures.append("'reasons' must be a list of words to find in the reasons, such as [tunggakan]")
        wanted_reasons = []
    for wanted in wanted_reasons:
        if not any(str(wanted).lower() in reason.lower() for reason in reasons):
            failures.append(f"reasons: expected one mentioning '{wanted}', got {reasons or 'none'}")
    return failures


def _decimal_failure(what: str, wanted: Any, actual: Decimal) -> list[str]:
    try:
        number = Decimal(str(wanted).strip())
    except InvalidOperation:
        return [f"{what}: expected value '{wanted}' is not a number"]
    return [] if number == actual else [f"{what}: expected {plain(number)}, got {plain(actual)}"]


# ------------------------------------------------------------------ coverage


def _coverage_units(rubric: AnyRubric) -> dict[tuple[str, ...], tuple[str, Span]]:
    units: dict[tuple[str, ...], tuple[str, Span]] = {}
    model = rubric.model
    for criterion in model.criteria:
        name = criterion.decl.name
        points = criterion.points
        if isinstance(points, ast.PointsBand):
            for index, row in enumerate(points.rows):
                units[("row", name, str(index))] = (f"band row '{describe_band_row(row)}' of {name}", row.span)
        elif isinstance(points, ast.PointsTable):
            for index, table_row in enumerate(points.rows):
                excerpt = model.sources.get(table_row.span.path, model.source).excerpt(table_row.span)
                units[("row", name, str(index))] = (f"table row '{excerpt}' of {name}", table_row.span)
        elif points is not None:
            units[("criterion", name)] = (f"criterion {name} scoring above {plain(model.scale[0])}",
                                          criterion.decl.span)
    for gate in model.gates:
        units[("gate", gate.decl.name)] = (f"gate {gate.decl.name} failing", gate.decl.span)
    for adjustment in model.adjustments:
        units[("adjustment", adjustment.decl.name)] = (f"{adjustment.decl.kind} {adjustment.decl.name} applying",
                                                       adjustment.decl.span)
    return units


def _hits(rubric: AnyRubric, results: list[Result]) -> set[tuple[str, ...]]:
    low = rubric.model.scale[0]
    max_tables = {c.decl.name for c in rubric.model.criteria
                  if isinstance(c.points, ast.PointsTable) and c.points.policy == "max"}
    hit: set[tuple[str, ...]] = set()
    for result in results:
        for step in result.trace or ():
            if step.kind == "criterion":
                matched = step.get("matched", ())
                if step.name in max_tables:  # a row is reached when it decides the points, not when it merely matches
                    matched = [(index, value) for index, value in matched if value == step.get("raw")]
                hit.update(("row", step.name, str(index)) for index, _ in matched)
                if step.value > low:
                    hit.add(("criterion", step.name))
            elif step.kind == "gate" and not step.value:
                hit.add(("gate", step.name))
            elif step.kind in ("bonus", "penalty") and step.get("applied") and step.value:
                hit.add(("adjustment", step.name))
    return hit
