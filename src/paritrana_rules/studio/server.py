"""The HTTP API: rubrics of one folder checked, candidates scored, explained and audited, ledgers replayed.

Every route calls the public API as the command does, so an answer is the
command's output byte for byte: an upload is kept in a temporary file and read
under the name it was sent with (`?name=`, as `score` on a file of that name
would read it), scored by `api.score_file`, and the bytes it writes are the
answer. `ROUTES` is the one table the application and its OpenAPI document
(`openapi.py`) are both made from; the review of rubric text (its example
cases, its diff) is in `review.py`.

Trust: a request names a rubric by its path inside the rubrics folder, and
nothing outside it is ever read but the example cases beside it (an absolute
path, `..` or a link leading out is refused); no answer names where this
machine keeps the folder (see `base.py`). A body larger than
`Limits.body_bytes` is refused before more of it is read; an answer not ready
after `Limits.seconds` is a 504 (the work in its thread still runs to its end,
bounded by the body's size). Bound to any address but loopback, every request
must carry the token (`Authorization: Bearer TOKEN`); without a token, only
requests to a loopback name from no other site's page are answered (`_Gate`,
which also sends every answer with `HEADERS`). Errors are JSON, with the
diagnostics' and problems' own codes and the exit code the command would have
given.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paritrana_rules import api
from paritrana_rules.studio.base import (
    EXIT_INTERNAL,
    EXIT_PROBLEM,
    LANGS,
    Limits,
    Refusal,
    Studio,
    choice,
    flag,
    kept,
    upload_name,
)
from paritrana_rules.studio.endpoints import Endpoint
from paritrana_rules.studio.openapi import document
from paritrana_rules.studio.review import ROUTES as REVIEW

__all__ = ["ROUTES", "Limits", "application", "create_app", "run"]

_MEDIA = {"json": "application/json", "jsonl": "application/jsonl", "csv": "text/csv; charset=utf-8",
          "table": "text/plain; charset=utf-8", "html": "text/html; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# ------------------------------------------------------------------ routes


async def list_rubrics(studio: Studio, request: Request) -> Response:
    """Every rubric (its path inside the folder, as requests name it), made again only when a file changed."""
    lang = choice(request, "lang", LANGS, "en")
    entries = await studio.in_time(studio.catalogue)
    return JSONResponse({"rubrics": api.catalogue_json(api.catalogue_sections(entries, ()), lang)})


async def schema(studio: Studio, request: Request) -> Response:
    rubric = await studio.in_time(lambda: studio.rubric(request.path_params["rubric"]))
    return JSONResponse(api.candidate_schema(rubric, choice(request, "lang", LANGS, "en")),
                        media_type="application/schema+json")


async def check_file(studio: Studio, request: Request) -> Response:
    name = request.path_params["rubric"]
    studio.rubric_path(name)

    def work() -> list[api.Diagnostic]:
        try:
            return studio.diagnose(studio.read(studio.shown(name)), name)
        except api.RubricError as error:  # it cannot be read
            return error.diagnostics

    return _diagnostics(await studio.in_time(work), choice(request, "lang", LANGS, "en"))


async def check_text(studio: Studio, request: Request) -> Response:
    """Rubric text checked as if it were the file `?name=` in the folder (so that its `extends` resolves)."""
    text, name = await studio.sent_rubric(request)
    found = await studio.in_time(lambda: studio.diagnose(text, name))
    return _diagnostics(found, choice(request, "lang", LANGS, "en"))


async def format_text(studio: Studio, request: Request) -> Response:
    """Rubric text in the canonical layout of `paritrana-rules fmt`; 422 with the diagnostics if it does not parse."""
    text, name = await studio.sent_rubric(request)
    formatted: str = await studio.in_time(lambda: api.format_text(text, studio.shown(name)))
    return Response(formatted.encode("utf-8"), media_type="text/plain; charset=utf-8")


async def handbook_of_text(studio: Studio, request: Request) -> Response:
    """The handbook of rubric text as it is being written; 422 with the diagnostics if it has errors."""
    text, name = await studio.sent_rubric(request)
    return await _handbook(studio, request, lambda: studio.loads(text, name))


def _diagnostics(found: list[api.Diagnostic], lang: str) -> JSONResponse:
    errors = sum(d.severity == "error" for d in found)
    return JSONResponse({"errors": errors, "warnings": len(found) - errors,
                         "diagnostics": [d.to_dict() for d in found],
                         "text": "\n\n".join(d.render(lang) for d in found)})


async def rubric_text(studio: Studio, request: Request) -> Response:
    """A rubric's text as saved, and the hash a save must name (so that no change made on disk meanwhile is lost)."""
    data = studio.rubric_path(request.path_params["rubric"]).read_bytes()
    return JSONResponse({"text": data.decode("utf-8", errors="replace"), "sha256": hashlib.sha256(data).hexdigest()})


async def save(studio: Studio, request: Request) -> Response:
    """The body saved as the rubric, atomically, only over the version the editor opened (`If-Match`: its hash)."""
    path = studio.rubric_path(request.path_params["rubric"])
    opened = request.headers.get("if-match", "").strip('"')
    if not opened:
        raise Refusal(428, "usage", "a save names the version it replaces: send 'If-Match' with the sha256 that "
                                    "GET .../text answered")
    body = await studio.body(request)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "usage", "a rubric is UTF-8 text") from None
    saved: str = await studio.in_time(lambda: studio.save(path, body, opened))
    return JSONResponse({"sha256": saved})


async def handbook(studio: Studio, request: Request) -> Response:
    """The handbook candidates read, as `paritrana-rules docs` writes it."""
    return await _handbook(studio, request, lambda: studio.rubric(request.path_params["rubric"]))


_HANDBOOK_MEDIA = {"markdown": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


async def _handbook(studio: Studio, request: Request, rubric: Callable[[], api.CompiledRubric]) -> Response:
    """Markdown, or the self-contained page of `docs --format html` (`?format=html`), in `?lang=`."""
    lang, form = choice(request, "lang", LANGS, "id"), choice(request, "format", tuple(_HANDBOOK_MEDIA), "markdown")
    written: str = await studio.in_time(lambda: api.handbook(rubric(), lang=lang, format=form))
    return Response(written.encode("utf-8"), media_type=_HANDBOOK_MEDIA[form])


async def score(studio: Studio, request: Request) -> Response:
    """The upload scored as `paritrana-rules score RUBRIC NAME --format F` writes it."""
    form = choice(request, "format", tuple(api.FORMATS), "json")
    lang, explain = choice(request, "lang", LANGS, "en"), flag(request, "explain")
    stage = request.query_params.get("stage")
    output, report = await _scored(studio, request, form=form, lang=lang, explain=explain, stage=stage)
    return Response(output, media_type=_MEDIA.get(form, "application/octet-stream"),
                    headers={"X-Rows": str(report.rows), "X-Rejected": str(report.rejected)})


async def audit(studio: Studio, request: Request) -> Response:
    """The sealed ledger `score --audit` writes for the upload: one record a candidate, the ranking, the seal."""
    ledger = io.BytesIO()
    await _scored(studio, request, form="jsonl", ledger=ledger)
    return Response(ledger.getvalue(), media_type="application/jsonl")


async def _scored(studio: Studio, request: Request, **options: Any) -> tuple[bytes, api.BatchReport]:
    rubric = studio.rubric(request.path_params["rubric"])
    name, form = upload_name(request)
    body = await studio.body(request)

    def work() -> tuple[bytes, api.BatchReport]:
        with kept(body) as upload:
            output = io.BytesIO()
            report = api.score_file(rubric, upload, output, data_format=form, data_label=name,  # type: ignore[arg-type]
                                    **options)
            return output.getvalue(), report

    result: tuple[bytes, api.BatchReport] = await studio.in_time(work)
    return result


async def explain(studio: Studio, request: Request) -> Response:
    """One candidate of the upload explained, as `paritrana-rules explain` prints it."""
    lang, shape = choice(request, "lang", LANGS, "en"), choice(request, "format", ("text", "markdown"), "text")
    text: str = await _one_candidate(studio, request, lambda result: result.explain(
        lang=lang, format=shape))  # type: ignore[arg-type]
    return Response(text.encode("utf-8"), media_type="text/plain; charset=utf-8")


async def margins(studio: Studio, request: Request) -> Response:
    """How far one candidate of the upload is from each criterion's next better band (`api.band_margins`)."""
    lang = choice(request, "lang", LANGS, "en")
    found = await _one_candidate(studio, request, lambda result: [
        margin.to_dict() for margin in api.band_margins(result.rubric, result, lang)])
    return JSONResponse({"margins": found})


async def _one_candidate(studio: Studio, request: Request, then: Callable[[api.Result], Any]) -> Any:
    """What `then` makes of one candidate of the upload (`?candidate=`, its id, when it holds several), scored at
    the stage its data has reached, as a batch scores it."""
    rubric = studio.rubric(request.path_params["rubric"])
    name, form = upload_name(request)
    candidate = request.query_params.get("candidate")
    body = await studio.body(request)

    def work() -> Any:
        with kept(body) as upload:
            return then(api.score_candidate(rubric, upload, candidate, form, data_label=name))  # type: ignore[arg-type]

    return await studio.in_time(work)


async def replay(studio: Studio, request: Request) -> Response:
    """An uploaded ledger replayed against the folder's rubrics, as `replay --format json` reports it, with the
    rubric line the first divergence names (`quote`: its file, line and text; null when it names none)."""
    head, current = request.query_params.get("head"), flag(request, "against_current")
    body = await studio.body(request)

    def work() -> dict[str, Any]:
        with kept(body, "ledger.jsonl") as ledger:
            report = api.replay(ledger, [studio.root], head=head, against_current=current)
            shown = {str(ledger): "ledger.jsonl", str(studio.root): studio.folder}
            answer: dict[str, Any] = _hidden({**report.to_dict(), "text": report.render()}, shown)
        where = (answer["first_divergence"] or {}).get("location") or {}
        return {**answer, "quote": studio.quote(where.get("file"), where.get("line"))}

    return JSONResponse(await studio.in_time(work))


def _hidden(value: Any, shown: dict[str, str]) -> Any:
    """`value` with every path of this machine (the keys of `shown`) written as it is shown instead."""
    if isinstance(value, str):
        for path, name in shown.items():
            value = value.replace(path, name)
        return value
    if isinstance(value, list):
        return [_hidden(item, shown) for item in value]
    if isinstance(value, dict):
        return {key: _hidden(item, shown) for key, item in value.items()}
    return value


async def openapi(studio: Studio, request: Request) -> Response:
    return JSONResponse(document(ROUTES, api.VERSION))


_UPLOAD = (("name", "the file name the data is read under (its ending tells the format); default candidates.json"),
           ("data_format", "json, jsonl, yaml, csv, xlsx or parquet, when the name does not tell"))
_LANG = (("lang", "en or id"),)

ROUTES = (
    Endpoint("GET", "/api/rubrics", list_rubrics, "The rubrics of the folder, by category, period and round",
             query=_LANG),
    Endpoint("GET", "/api/rubrics/{rubric:path}/schema", schema,
             "The JSON Schema of a JSON data file of this rubric's candidates", answer="application/schema+json",
             query=_LANG),
    Endpoint("GET", "/api/rubrics/{rubric:path}/text", rubric_text, "A rubric's text and the hash a save names"),
    Endpoint("PUT", "/api/rubrics/{rubric:path}/text", save,
             "Save a rubric (atomically; refused with 409 if the file changed since the version `If-Match` names)",
             body="text/plain"),
    Endpoint("GET", "/api/rubrics/{rubric:path}/handbook", handbook,
             "The handbook of a rubric, in Markdown or as one self-contained HTML page", answer="text/markdown",
             query=(("lang", "id or en"), ("format", "markdown (default) or html"))),
    Endpoint("GET", "/api/rubrics/{rubric:path}/check", check_file, "Every diagnostic of a rubric of the folder",
             query=_LANG),
    Endpoint("POST", "/api/check", check_text, "Every diagnostic of rubric text, as if it were a file of the folder",
             body="text/plain", query=(("name", "the file it stands for, inside the folder"), *_LANG)),
    Endpoint("POST", "/api/format", format_text, "Rubric text in the canonical layout of `paritrana-rules fmt`",
             body="text/plain", answer="text/plain", query=(("name", "the file it stands for, inside the folder"),)),
    Endpoint("POST", "/api/handbook", handbook_of_text, "The handbook of rubric text as it is being written",
             body="text/plain", answer="text/markdown",
             query=(("name", "the file it stands for, inside the folder"), ("lang", "id or en"),
                    ("format", "markdown (default) or html"))),
    Endpoint("POST", "/api/rubrics/{rubric:path}/score", score,
             "Candidates scored, as `paritrana-rules score` writes them", body="application/octet-stream",
             answer="application/json",
             query=(*_UPLOAD, ("format", "json, jsonl, csv, table or xlsx; default json"), *_LANG,
                    ("explain", "true adds each candidate's explanation"), ("stage", "score everyone at this stage"))),
    Endpoint("POST", "/api/rubrics/{rubric:path}/explain", explain,
             "One candidate's score explained step by step", body="application/octet-stream",
             answer="text/plain",
             query=(*_UPLOAD, ("candidate", "its id, when the data holds several"), *_LANG,
                    ("format", "text or markdown")),),
    Endpoint("POST", "/api/rubrics/{rubric:path}/margins", margins,
             "For each criterion, how far one candidate is from the band that gives it more points",
             body="application/octet-stream",
             query=(*_UPLOAD, ("candidate", "its id, when the data holds several"), *_LANG)),
    Endpoint("POST", "/api/rubrics/{rubric:path}/audit", audit,
             "The sealed audit ledger of the candidates' scores", body="application/octet-stream",
             answer="application/jsonl", query=_UPLOAD),
    Endpoint("POST", "/api/replay", replay, "An audit ledger verified record by record against the folder's rubrics",
             body="application/jsonl", query=(("head", "the seal head the committee published"),
                                              ("against_current", "true: re-score a record whose rubric changed "
                                                                  "under the rubric as it is now"))),
    *REVIEW,
    Endpoint("GET", "/api/openapi.json", openapi, "This document"),
)


def create_app(root: str | Path, *, limits: Limits | None = None, token: str | None = None) -> Starlette:
    """The API over the rubrics under `root`; every request needs `token` when one is given."""
    return application(Studio(root, limits or Limits(), token))


def application(studio: Studio, pages: list[Route] | None = None) -> Starlette:
    """The API's routes, and pages beside them (`pages.page_routes`: the studio)."""
    routes = [Route(e.path, _guarded(studio, e.run), methods=[e.method]) for e in ROUTES]
    return Starlette(routes=routes + (pages or []), exception_handlers={404: _not_found, 405: _not_allowed},
                     middleware=[Middleware(_Gate, studio=studio)])


# What every answer carries unless it says otherwise (the pages set their own policy): it is what it says it is,
# kept in no cache (a token may have asked for it), shown in no other site's frame, and an HTML answer opened
# directly runs nothing.
HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; "
                                      "frame-ancestors 'none'"}


class _Gate:
    """Before any route, page or error: the request refused unless `Studio.allowed`, and every answer sent with
    `HEADERS`."""

    def __init__(self, app: ASGIApp, studio: Studio) -> None:
        self.app, self.studio = app, studio

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        try:
            self.studio.allowed(Request(scope))
        except Refusal as refusal:
            await refusal.response()(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)


def run(app: Starlette, *, host: str, port: int) -> None:
    """Serve the application until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _guarded(studio: Studio, run: Callable[[Studio, Request], Awaitable[Response]]
             ) -> Callable[[Request], Awaitable[Response]]:
    """The route with every error answered as JSON, never a traceback (the token is checked before: `_Gate`)."""

    async def endpoint(request: Request) -> Response:
        try:
            return await run(studio, request)
        except Refusal as refusal:
            return refusal.response()
        except api.UsageError as error:
            return Refusal(400, "usage", str(error)).response()
        except api.RubricError as error:
            return Refusal(422, "rubric", "the rubric has problems", EXIT_PROBLEM,
                           diagnostics=[d.to_dict() for d in error.diagnostics]).response()
        except api.InputError as error:
            return Refusal(422, "input", "the candidate data has problems", EXIT_PROBLEM,
                           problems=[p.to_dict() for p in error.problems]).response()
        except Exception as error:  # the last line of defence: a message, never a traceback
            return Refusal(500, "internal", f"internal error: {type(error).__name__}", EXIT_INTERNAL).response()

    return endpoint


async def _not_found(request: Request, exc: Exception) -> Response:
    return Refusal(404, "not_found", f"no such route: {request.url.path} (see /api/openapi.json)").response()


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return Refusal(405, "usage", f"{request.method} is not how {request.url.path} is used (see /api/openapi.json)"
                   ).response()
