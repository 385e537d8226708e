"""Example cases: run a rubric's examples against their expectations, measure coverage, check properties.

A rubric's example file is found beside the rubrics folder: for
`rubrics/2024/pemerintah-desa.rubric` it is `examples/2024/pemerintah-desa.yaml`.
Each candidate is scored as `score` scores a data file (at the stage its data
has reached), and the candidates of the file are the field the rubric's
funnel ranks. Each may carry an `expect:` block:

    expect:
      total: 80.50              # exact: no tolerance
      status: eligible          # or disqualified, eliminated, pending
      criteria: {regulasi_desa: 50.00}
      reasons: [tunggakan]      # each must appear in a failed gate's reason (id or en)
      rejected: [aparat_desa]   # the data must be rejected, with problems in these fields
      rank: 1 in Jawa Timur     # and nominated, placing, reached: see `standing`

Coverage is counted in rubric terms: every band row and table row matched by at
least one case, every gate failed by one, every bonus and penalty applied by one,
and every criterion scored points by one. Findings are kept in both languages
(`words.Said`); `render` and `report` show them in either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from paritrana_rules.check.tables import describe_band_row
from paritrana_rules.committee.properties import Progress, PropertyOutcome, check_properties
from paritrana_rules.committee.standing import FUNNEL_EXPECTATIONS, rejected_failures, standing_failures
from paritrana_rules.committee.words import Said, counted, hint, said, same
from paritrana_rules.data import Rejected, iter_candidates, with_first_origins
from paritrana_rules.errors import InputError, RubricError, render_all
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain import explanation
from paritrana_rules.language import ast
from paritrana_rules.language.extends import rubrics_root
from paritrana_rules.numeric import plain
from paritrana_rules.rank.ranking import Placing, Rules, place_results
from paritrana_rules.source import Span

EXPECTATIONS = ("total", "status", "criteria", "reasons", "rejected", *FUNNEL_EXPECTATIONS)


@attrs.frozen
class CaseOutcome:
    id: str
    path: str  # the example file; the record's origin where no line is known
    line: int | None  # where the case starts in it
    checked: bool  # whether it had expectations
    failures: tuple[Said, ...]

    @property
    def location(self) -> str:
        """"examples/2024/ukm.yaml:41", as editors and terminals open it."""
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@attrs.frozen
class Uncovered:
    description: Said
    span: Span


@attrs.frozen
class RubricTests:
    rubric: str
    cases_file: str | None
    cases: tuple[CaseOutcome, ...]
    rules: int
    uncovered: tuple[Uncovered, ...]
    properties: tuple[PropertyOutcome, ...]
    problems: tuple[Said, ...]  # e.g. no example file, or a rubric that does not load
    loaded: bool = True

    @classmethod
    def unloaded(cls, path: str, error: RubricError) -> RubricTests:
        """A rubric that does not load: its diagnostics are the one problem found, and nothing else is run."""
        diagnostics = Said(*(render_all(error.diagnostics, lang) for lang in ("en", "id")))
        return cls(path, None, (), 0, (), (), (diagnostics,), loaded=False)

    @property
    def ok(self) -> bool:
        return (not self.problems and not self.uncovered and all(not c.failures for c in self.cases)
                and all(p.holds is not False for p in self.properties))

    def render(self, lang: str = "en") -> str:
        """The report a committee member reads, in `lang` ("en" or "id")."""
        lines = [f"{self.rubric}" + (f" — {self.cases_file}" if self.cases_file else "")]
        for problem in self.problems:
            first, *rest = said("problem", text=problem)(lang).split("\n")
            lines += [f"  {first}", *(f"    {line}" if line else "" for line in rest)]
        if not self.loaded:
            lines.append(f"  {said('failed')(lang)}")
            return "\n".join(lines)
        if self.cases:
            checked = [c for c in self.cases if c.checked]
            failed = [c for c in checked if c.failures]
            lines.append("  " + said("cases_summary", cases=counted(len(self.cases), "case"), checked=len(checked),
                                     passed=len(checked) - len(failed), failed=len(failed))(lang))
            for case in failed:
                lines.append("  " + said("case_failed", id=case.id, where=case.location)(lang))
                lines += [f"    {failure(lang)}" for failure in case.failures]
        lines.append("  " + said("coverage", hit=self.rules - len(self.uncovered), rules=self.rules)(lang))
        lines += ["    " + said("not_hit", what=u.description, where=f"{u.span.path}:{u.span.line}")(lang)
                  for u in self.uncovered]
        if not self.properties:
            lines.append("  " + said("no_property")(lang))
        for outcome in self.properties:
            lines.append("  " + said("property", name=outcome.prop.name, state=said(outcome.state),
                                     message=outcome.message)(lang))
            if outcome.counterexample:
                lines.append("    " + said("paste")(lang))
                lines += [f"    {line}" for line in outcome.counterexample(lang).splitlines()]
        lines.append("  " + said("ok" if self.ok else "failed")(lang))
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


def run_cases(rubric: AnyRubric, cases_file: Path | None = None, max_examples: int = 200,
              progress: Progress | None = None) -> RubricTests:
    """Run every example case of a rubric, measure coverage, and check its properties.

    Each case is scored at the stage its data has reached, and the funnel decides for all of them together;
    `progress` hears how many candidates each property has tried.
    """
    path = cases_file or cases_file_for(rubric.path)
    problems: list[Said] = []
    outcomes: list[CaseOutcome] = []
    results: list[Result] = []
    if not path.exists():
        problems.append(said("no_cases_file", path=str(path)))
    else:
        try:
            scored = [(raw.expect, raw.origin, rubric.score_record(raw, first))
                      for raw, first in with_first_origins(iter_candidates(path))]
        except InputError as error:
            scored = []
            problems.append(said("unreadable", error=str(error)))
        results = [outcome for *_, outcome in scored if not isinstance(outcome, Rejected)]
        placings = iter(_placings(rubric, results))
        outcomes = [_run_case(rubric, expect, *_location(str(path), origin), outcome,
                              None if isinstance(outcome, Rejected) else next(placings))
                    for expect, origin, outcome in scored]
    units = _coverage_units(rubric)
    hit = _hits(rubric, results)
    uncovered = tuple(Uncovered(description, span) for key, (description, span) in units.items() if key not in hit)
    return RubricTests(rubric.path, str(path) if path.exists() else None, tuple(outcomes), len(units), uncovered,
                       tuple(check_properties(rubric, max_examples, progress)), tuple(problems))


def _placings(rubric: AnyRubric, results: list[Result]) -> list[Placing | None]:
    """What the rubric's funnel decides for the field, in the results' order; None for each when it ranks no one."""
    rules = Rules(rubric.model)
    return list(place_results(rules, results)) if rules.ranks else [None] * len(results)


_LINE = re.compile(r", candidate \d+ \(line (\d+)\)")


def _location(path: str, origin: str) -> tuple[str, int | None]:
    """The file and line of a record from its origin ("..., candidate 3 (line 41)"), else the origin alone."""
    line = _LINE.search(origin)
    return (path, int(line[1])) if line else (origin, None)


# ------------------------------------------------------------------ cases


def _run_case(rubric: AnyRubric, expect: object, path: str, line: int | None, scored: Result | Rejected,
              placing: Placing | None) -> CaseOutcome:
    case_id = scored.id if isinstance(scored, Rejected) else scored.candidate_id
    if expect is not None and not isinstance(expect, Mapping):
        return CaseOutcome(case_id, path, line, True, (said("expect_mapping"),))
    expected: Mapping[str, Any] = expect or {}
    failures = [_unknown_expectation(str(key)) for key in expected if key not in EXPECTATIONS]
    if isinstance(scored, Rejected):
        failures += _rejected(scored, expected) + rejected_failures(expected)
        return CaseOutcome(case_id, path, line, True, tuple(failures))
    if "rejected" in expected:
        failures.append(said("validated"))
    failures += _compare(scored, expected) + standing_failures(rubric, scored, placing, expected)
    return CaseOutcome(case_id, path, line, expect is not None, tuple(failures))


def _unknown_expectation(key: str) -> Said:
    found = hint(key, EXPECTATIONS)
    return said("unknown_expectation", key=key,
                hint=found if found.en else said("use_expectations", names=", ".join(EXPECTATIONS)))


def _rejected(item: Rejected, expected: Mapping[str, Any]) -> list[Said]:
    found = "; ".join(p.render() for p in item.problems)
    if "rejected" not in expected:
        return [said("rejected_data", found=found)]
    wanted = expected["rejected"]
    if not isinstance(wanted, list):
        return [said("rejected_list")]
    fields = {p.field for p in item.problems}
    return [said("rejected_field", field=f, found=found) for f in wanted if f not in fields]


def _compare(result: Result, expected: Mapping[str, Any]) -> list[Said]:
    failures = []
    if "total" in expected:
        failures += _decimal_failure(said("total"), expected["total"], result.total)
    if "status" in expected and str(expected["status"]) != result.status:
        why = Said(*("; ".join(explanation.reasons(result, lang)) for lang in ("en", "id")))
        got = said("because", text=result.status, why=why) if why.en else same(result.status)
        failures.append(said("mismatch", what=said("status"), expected=str(expected["status"]), got=got))
    criteria = expected.get("criteria", {})
    if not isinstance(criteria, Mapping):
        failures.append(said("criteria_mapping"))
        criteria = {}
    names = list(result.points)
    for name, points in criteria.items():
        if name not in names:
            failures.append(said("no_criterion", name=name, hint=hint(str(name), names)))
            continue
        failures += _decimal_failure(said("criterion", name=name), points, result.points[name])
    return failures + _reasons(result, expected.get("reasons", []))


def _reasons(result: Result, wanted_reasons: object) -> list[Said]:
    if not isinstance(wanted_reasons, list):
        return [said("reasons_list")]
    reasons = explanation.reasons(result, "en") + explanation.reasons(result, "id")
    got = same(str(reasons)) if reasons else said("none")
    return [said("reason_missing", wanted=wanted, got=got) for wanted in wanted_reasons
            if not any(str(wanted).lower() in reason.lower() for reason in reasons)]


def _decimal_failure(what: Said, wanted: Any, actual: Decimal) -> list[Said]:
    try:
        number = Decimal(str(wanted).strip())
    except InvalidOperation:
        return [said("not_a_number", what=what, wanted=wanted)]
    return [] if number == actual else [said("mismatch", what=what, expected=plain(number), got=plain(actual))]


# ------------------------------------------------------------------ coverage


def _coverage_units(rubric: AnyRubric) -> dict[tuple[str, ...], tuple[Said, Span]]:
    units: dict[tuple[str, ...], tuple[Said, Span]] = {}
    model = rubric.model
    for criterion in model.criteria:
        name = criterion.decl.name
        points = criterion.points
        if isinstance(points, ast.PointsBand):
            for index, row in enumerate(points.rows):
                units[("row", name, str(index))] = (said("band_row", row=describe_band_row(row), name=name), row.span)
        elif isinstance(points, ast.PointsTable):
            for index, table_row in enumerate(points.rows):
                excerpt = model.sources.get(table_row.span.path, model.source).excerpt(table_row.span)
                units[("row", name, str(index))] = (said("table_row", row=excerpt, name=name), table_row.span)
        elif points is not None:
            units[("criterion", name)] = (said("criterion_scoring", name=name, low=plain(model.scale[0])),
                                          criterion.decl.span)
    for gate in model.gates:
        units[("gate", gate.decl.name)] = (said("gate_failing", name=gate.decl.name), gate.decl.span)
    for adjustment in model.adjustments:
        units[("adjustment", adjustment.decl.name)] = (said(f"{adjustment.decl.kind}_applying",
                                                            name=adjustment.decl.name), adjustment.decl.span)
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
