"""A test run as CI systems read it: JUnit XML or JSON, and the closing line of the text report.

Each rubric's results become checks: one per example case (skipped when it has
no expectations), one per property (skipped when not checked), one for
coverage, and one for a problem that keeps the cases from running (no example
file, a file that cannot be read, a rubric that does not load). JUnit XML has
one `testsuite` per rubric and one `testcase` per check, with the failures'
messages; JSON has the same checks. Both count exactly what the text report
counts, and read the same bytes for the same run.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, Literal

import attrs

from paritrana_rules.committee.cases import RubricTests
from paritrana_rules.committee.words import Said, counted, said, same

FORMS = ("text", "junit", "json")
State = Literal["passed", "failed", "skipped"]


@attrs.frozen
class Check:
    """One thing a test run decided about a rubric: a case, a property, coverage, or a problem."""

    kind: Literal["case", "property", "coverage", "problem"]
    name: Said
    state: State
    messages: tuple[Said, ...] = ()  # why it failed, or why it was skipped
    path: str | None = None  # where it is written
    line: int | None = None
    detail: Said | None = None  # a failed property's counterexample, ready to paste


def checks(tests: RubricTests) -> list[Check]:
    """Every check of one rubric, in the text report's order."""
    found = [Check("problem", said("loading" if not tests.loaded else "example_cases"), "failed", (problem,),
                   tests.cases_file or tests.rubric) for problem in tests.problems]
    if not tests.loaded:
        return found
    for case in tests.cases:
        state: State = "failed" if case.failures else "passed" if case.checked else "skipped"
        why = case.failures or ((said("no_expectations"),) if not case.checked else ())
        found.append(Check("case", same(case.id), state, why, case.path, case.line))
    uncovered = tuple(said("not_hit", what=u.description, where=f"{u.span.path}:{u.span.line}")
                      for u in tests.uncovered)
    found.append(Check("coverage", said("coverage_name"), "failed" if uncovered else "passed", uncovered, tests.rubric))
    for outcome in tests.properties:
        found.append(Check("property", same(f"property {outcome.prop.name}"), _PROPERTY_STATES[outcome.state],
                           () if outcome.holds else (outcome.message,), outcome.prop.span.path, outcome.prop.span.line,
                           outcome.counterexample))
    return found


_PROPERTY_STATES: dict[str, State] = {"holds": "passed", "fails": "failed", "unchecked": "skipped"}


def summary(reports: Sequence[RubricTests], lang: str) -> str:
    """The text report's closing line: "3 rubrics tested, 2 ok"."""
    return said("tested", rubrics=counted(len(reports), "rubric"), ok=sum(r.ok for r in reports))(lang)


def render(reports: Sequence[RubricTests], form: str, lang: str) -> str:
    """The whole report in `form` ("text", "junit" or "json") and `lang` ("en" or "id")."""
    if form == "junit":
        return junit(reports, lang)
    if form == "json":
        return json.dumps(to_json(reports, lang), ensure_ascii=False, indent=2) + "\n"
    return "".join(f"{r.render(lang)}\n" for r in reports) + summary(reports, lang) + "\n"


def tally(found: Sequence[Check]) -> dict[str, int]:
    return {state: sum(c.state == state for c in found) for state in ("passed", "failed", "skipped")}


# ------------------------------------------------------------------ JSON


def to_json(reports: Sequence[RubricTests], lang: str) -> dict[str, Any]:
    rubrics: list[dict[str, Any]] = []
    for tests in reports:
        found = checks(tests)
        rubrics.append({"rubric": tests.rubric, "cases_file": tests.cases_file, "ok": tests.ok, **tally(found),
                        "coverage": {"rules": tests.rules, "hit": tests.rules - len(tests.uncovered)},
                        "checks": [_check_json(c, lang) for c in found]})
    totals = {state: sum(r[state] for r in rubrics) for state in ("passed", "failed", "skipped")}
    return {"ok": all(r.ok for r in reports), "rubrics_tested": len(reports), "rubrics_ok": sum(r.ok for r in reports),
            **totals, "summary": summary(reports, lang), "rubrics": rubrics}


def _check_json(check: Check, lang: str) -> dict[str, Any]:
    return {"kind": check.kind, "name": check.name(lang), "state": check.state, "path": check.path, "line": check.line,
            "messages": [m(lang) for m in check.messages],
            **({"counterexample": check.detail(lang)} if check.detail is not None else {})}


# ------------------------------------------------------------------ JUnit XML


def junit(reports: Sequence[RubricTests], lang: str) -> str:
    """JUnit XML as Jenkins, GitLab, GitHub Actions reporters and Azure Pipelines read it."""
    root = ET.Element("testsuites", name="paritrana-rules test")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for tests in reports:
        found = checks(tests)
        counts = tally(found)
        suite_counts = {"tests": len(found), "failures": counts["failed"], "skipped": counts["skipped"]}
        suite = ET.SubElement(root, "testsuite", name=_xml(tests.rubric), tests=str(len(found)),
                              failures=str(counts["failed"]), errors="0", skipped=str(counts["skipped"]))
        for check in found:
            _testcase(suite, _classname(tests.rubric), check, lang)
        totals = {key: totals[key] + suite_counts[key] for key in totals}
    root.attrib.update({"tests": str(totals["tests"]), "failures": str(totals["failures"]), "errors": "0",
                        "skipped": str(totals["skipped"])})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(suite: ET.Element, classname: str, check: Check, lang: str) -> None:
    case = ET.SubElement(suite, "testcase", classname=classname, name=_xml(check.name(lang)))
    if check.path is not None:
        case.set("file", _xml(check.path))
    if check.line is not None:
        case.set("line", str(check.line))
    messages = [m(lang) for m in check.messages]
    if check.state == "failed":
        failure = ET.SubElement(case, "failure", message=_xml(messages[0].splitlines()[0]), type=check.kind)
        text = "\n".join(messages) + (f"\n\n{said('paste')(lang)}\n{check.detail(lang)}" if check.detail else "")
        failure.text = _xml(text)
    elif check.state == "skipped":
        ET.SubElement(case, "skipped", message=_xml(messages[0] if messages else ""))


def _classname(rubric: str) -> str:
    """rubrics/2024/uji.rubric -> rubrics.2024.uji: readers split a class name at its dots into packages."""
    parts = PurePath(rubric).with_suffix("").parts
    return _xml(".".join(part for part in parts if part not in ("/", ".", "..")))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: a character it cannot (a control character from data) written as \\xNN."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)
