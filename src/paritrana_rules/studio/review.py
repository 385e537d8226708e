"""What the committee reviews of rubric text being written: its example cases and coverage, and its diff.

Both take the editor's text (checked as the file `?name=` of the folder) and
answer what `paritrana-rules test --format json` and `paritrana-rules diff
--candidates --format json` report for it, with the spans the editor marks:
the rules no case reaches, and where each change is written. The example
cases are those `test` finds, in `examples/` beside the rubrics folder; every
path is shown from beside the folder, as those commands name it there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from paritrana_rules import api
from paritrana_rules.studio.base import LANGS, Studio, choice
from paritrana_rules.studio.endpoints import Endpoint


async def cases(studio: Studio, request: Request) -> Response:
    """The example cases run on the text, coverage measured, properties checked (`test --format json`), with the
    span of every rule no case reaches."""
    text, name = await studio.sent_rubric(request)
    lang = choice(request, "lang", LANGS, "en")

    def work() -> dict[str, Any]:
        tested = _shown(studio, api.run_cases(studio.loads(text, name), _examples(studio, name)))
        report = json.loads(api.report_of_tests([tested], "json", lang))["rubrics"][0]
        uncovered = [{"description": u.description(lang), "file": u.span.path, "line": u.span.line,
                      "column": u.span.column, "end_line": u.span.end_line, "end_column": u.span.end_column}
                     for u in tested.uncovered]
        return {**report, "uncovered": uncovered, "text": tested.render(lang)}

    return JSONResponse(await studio.in_time(work))


def _examples(studio: Studio, name: str) -> Path:
    """Where `test` finds the rubric's example cases: examples/ beside the rubrics folder, same path."""
    return api.cases_file_for(studio.root / name)


def _shown(studio: Studio, tested: api.RubricTests) -> api.RubricTests:
    """The report with its example file named from beside the rubrics folder, not where this machine keeps it."""
    def shown(text: str) -> str:
        return text.replace(f"{studio.root.parent}/", "")

    return attrs.evolve(
        tested, cases_file=shown(tested.cases_file) if tested.cases_file else None,
        cases=tuple(attrs.evolve(case, path=shown(case.path)) for case in tested.cases),
        problems=tuple(attrs.evolve(problem, en=shown(problem.en), id=shown(problem.id))
                       for problem in tested.problems))


async def diff(studio: Studio, request: Request) -> Response:
    """What the text changes from the rubric it extends, and how the example candidates move under it
    (`diff OLD NEW --candidates EXAMPLES --format json`, each change in words, and the text); `extends` is null
    when it extends none."""
    text, name = await studio.sent_rubric(request)
    lang = choice(request, "lang", LANGS, "en")

    def work() -> dict[str, Any]:
        rubric = studio.loads(text, name)
        parent = _parent(studio, rubric)
        if parent is None:
            return {"extends": None, "changed": False, "rubrics": [], "said": [], "text": ""}
        examples = _examples(studio, name)
        compared = [api.compare(parent, rubric, examples if examples.is_file() else None)]
        answer = json.loads(api.render_json(compared, [], lang))
        said = [change.render(lang) for change in compared[0].changes]  # each change in words of the language
        return {"extends": parent.path, **answer, "said": said, "text": api.render_text(compared, [], lang)}

    return JSONResponse(await studio.in_time(work))


def _parent(studio: Studio, rubric: api.CompiledRubric) -> api.CompiledRubric | None:
    """The rubric the text extends, as the folder holds it now (the file its `extends` was merged with)."""
    extends = rubric.model.rubric.extends
    if extends is None:
        return None
    merged = next(path for path in rubric.model.sources if path.endswith("/" + extends))
    inside = studio.inside(merged)
    assert inside is not None  # every file a rubric of the folder extends is read from inside it
    return studio.rubric(inside)


_TEXT = (("name", "the file it stands for, inside the folder"), ("lang", "en or id"))

ROUTES = (
    Endpoint("POST", "/api/cases", cases, "Rubric text's example cases run, its coverage and properties, as "
             "`paritrana-rules test --format json` reports them, with the span of each rule no case reaches",
             body="text/plain", query=_TEXT),
    Endpoint("POST", "/api/diff", diff, "What rubric text changes from the rubric it extends, and how its example "
             "candidates move, as `paritrana-rules diff --candidates --format json` reports it, with its text",
             body="text/plain", query=_TEXT),
)
