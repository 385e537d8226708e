"""The HTTP API: rubrics of one folder checked, candidates scored, explained and audited, ledgers replayed.

Every route calls the public API as the command does, so an answer is the
command's output byte for byte: an upload is kept in a temporary file and read
under the name it was sent with (`?name=`, as `score` on a file of that name
would read it), scored by `api.score_file`, and the bytes it writes are the
answer. `ROUTES` is the one table the application and its OpenAPI document
(`openapi.py`) are both made from.

Trust: a request names a rubric by its path inside the rubrics folder, and
nothing outside it is ever read (an absolute path, `..` or a link leading out
is refused). A body larger than `Limits.body_bytes` is refused before more of
it is read; an answer not ready after `Limits.seconds` is a 504 (the work in
its thread still runs to its end, bounded by the body's size). Bound to any
address but loopback, every request must carry the token
(`Authorization: Bearer TOKEN`). Errors are JSON, with the diagnostics' and
problems' own codes and the exit code the command would have given.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import io
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from paritrana_rules import api
from paritrana_rules.studio.endpoints import Endpoint
from paritrana_rules.studio.openapi import document

LANGS = ("en", "id")
DATA_FORMATS = ("json", "jsonl", "yaml", "csv", "xlsx", "parquet")
_SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx",
             ".parquet": "parquet"}
_MEDIA = {"json": "application/json", "jsonl": "application/jsonl", "csv": "text/csv; charset=utf-8",
          "table": "text/plain; charset=utf-8"}
EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3  # as the command's


@attrs.frozen
class Limits:
    body_bytes: int = 10 * 2**20  # an upload: candidates, a ledger or rubric text
    seconds: float = 60.0  # until an answer is given up (504)


class Refusal(Exception):
    """A request answered with an error: its HTTP status, kind, message and the exit code the command gives."""

    def __init__(self, status: int, kind: str, message: str, exit_code: int = EXIT_USAGE,
                 **details: Any) -> None:
        super().__init__(message)
        self.status, self.kind, self.exit_code, self.details = status, kind, exit_code, details

    def response(self) -> JSONResponse:
        error = {"kind": self.kind, "message": str(self), "exit_code": self.exit_code, **self.details}
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse({"error": error}, status_code=self.status, headers=headers)


class Studio:
    """What every request reads: the rubrics folder, the limits and the token; compiled rubrics and the listing
    are kept while no rubric or shared file under the folder changes."""

    def __init__(self, root: str | Path, limits: Limits = Limits(), token: str | None = None) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise api.UsageError(f"no such rubrics folder: {root}")
        self.limits, self.token = limits, token
        self.compiled: dict[Path, tuple[int, api.CompiledRubric]] = {}
        self.listings: dict[str, tuple[int, list[dict[str, Any]]]] = {}  # by language: checking every rubric takes

    # ------------------------------------------------------------------ what a request names

    def rubric_path(self, name: str) -> Path:
        """The rubric file a request names, inside the folder; 404 with the nearest name when there is none."""
        if not name or name.startswith("/") or "\\" in name or ".." in Path(name).parts:
            raise Refusal(400, "usage", f"a rubric is named by its path inside the rubrics folder, not '{name}'")
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):
            raise Refusal(400, "usage", f"'{name}' leads outside the rubrics folder")
        if path.suffix != ".rubric" or not path.is_file():
            known = [str(p.relative_to(self.root)) for p in api.rubric_files([self.root])]
            hint = api.did_you_mean(name, known)
            raise Refusal(404, "not_found", f"no rubric '{name}' in the rubrics folder" + (f"; {hint}" if hint else ""))
        return path

    def rubric(self, name: str) -> api.CompiledRubric:
        path = self.rubric_path(name)
        stamp = self.files_state()
        kept = self.compiled.get(path)
        if kept is None or kept[0] != stamp:
            kept = (stamp, api.load(path))
            self.compiled[path] = kept
        return kept[1]

    def files_state(self) -> int:
        """What the rubric and shared files under the folder are now (names, sizes, change times): a rubric may
        extend or use any of them, and one added, removed or changed changes this."""
        found = sorted(self.root.rglob("*.rubric")) + sorted(self.root.rglob("*.shared"))
        return hash(tuple((str(path), *_size_and_time(path)) for path in found))

    def allowed(self, request: Request) -> None:
        if self.token is None:
            return
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            raise Refusal(401, "unauthorized", "this server needs its token: send 'Authorization: Bearer TOKEN'")

    async def body(self, request: Request) -> bytes:
        """The request's body, refused past the limit before the rest of it is read."""
        limit = self.limits.body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
        return b"".join(chunks)

    async def in_time(self, work: Callable[[], Any]) -> Any:
        try:
            return await asyncio.wait_for(run_in_threadpool(work), self.limits.seconds)
        except TimeoutError:
            raise Refusal(504, "timeout", f"no answer within {self.limits.seconds:g} s; send fewer candidates",
                          EXIT_INTERNAL) from None


def _size_and_time(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError:  # removed while the folder was read: it counts as changed
        return -1, -1
    return status.st_size, status.st_mtime_ns


def _too_large(limit: int) -> Refusal:
    return Refusal(413, "too_large", f"the request body is larger than {limit:,} bytes; send fewer candidates",
                   EXIT_USAGE)


# ------------------------------------------------------------------ query parameters


def _choice(request: Request, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.query_params.get(name, default)
    if value not in choices:
        raise Refusal(400, "usage", f"'{name}' must be one of {', '.join(choices)}, not '{value}'")
    return value


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


def _upload_name(request: Request) -> tuple[str, str]:
    """The name an upload is read under (as `score` names a file in origins) and its data format."""
    name = request.query_params.get("name", "candidates.json")
    if "/" in name or "\\" in name or not name.strip() or len(name) > 200:
        raise Refusal(400, "usage", "'name' is a file name without folders")
    given = request.query_params.get("data_format")
    form = given or _SUFFIXES.get(Path(name).suffix.lower())
    if form not in DATA_FORMATS:
        raise Refusal(400, "usage", f"say how the data is written: a 'name' ending in {', '.join(_SUFFIXES)} or "
                                    f"'data_format' one of {', '.join(DATA_FORMATS)}")
    return name, form


# ------------------------------------------------------------------ routes


async def list_rubrics(studio: Studio, request: Request) -> Response:
    """Every rubric (its path inside the folder, as requests name it), made again only when a file changed."""
    lang, stamp = _choice(request, "lang", LANGS, "en"), studio.files_state()
    kept = studio.listings.get(lang)
    if kept is None or kept[0] != stamp:
        listing = await studio.in_time(lambda: api.catalogue_sections(api.catalogue(studio.root), ()))
        kept = (stamp, api.catalogue_json(listing, lang))
        studio.listings[lang] = kept
    return JSONResponse({"rubrics": kept[1]})


async def schema(studio: Studio, request: Request) -> Response:
    rubric = await studio.in_time(lambda: studio.rubric(request.path_params["rubric"]))
    return JSONResponse(api.candidate_schema(rubric, _choice(request, "lang", LANGS, "en")),
                        media_type="application/schema+json")


async def check_file(studio: Studio, request: Request) -> Response:
    path = studio.rubric_path(request.path_params["rubric"])
    return _diagnostics(await studio.in_time(lambda: api.check_file(path)), _choice(request, "lang", LANGS, "en"))


async def check_text(studio: Studio, request: Request) -> Response:
    """Rubric text checked as if it were the file `?name=` in the folder (so that its `extends` resolves)."""
    text, where = await _sent_rubric(studio, request)
    _, found = await studio.in_time(lambda: api.diagnose(text, where))
    return _diagnostics(found, _choice(request, "lang", LANGS, "en"))


async def format_text(studio: Studio, request: Request) -> Response:
    """Rubric text in the canonical layout of `paritrana-rules fmt`; 422 with the diagnostics if it does not parse."""
    text, where = await _sent_rubric(studio, request)
    formatted: str = await studio.in_time(lambda: api.format_text(text, where))
    return Response(formatted.encode("utf-8"), media_type="text/plain; charset=utf-8")


async def handbook_of_text(studio: Studio, request: Request) -> Response:
    """The handbook of rubric text as it is being written (Markdown); 422 with the diagnostics if it has errors."""
    text, where = await _sent_rubric(studio, request)
    lang = _choice(request, "lang", LANGS, "id")
    written: str = await studio.in_time(lambda: api.handbook(api.loads(text, where), lang=lang, format="markdown"))
    return Response(written.encode("utf-8"), media_type="text/markdown; charset=utf-8")


async def _sent_rubric(studio: Studio, request: Request) -> tuple[str, str]:
    """The rubric text of the body, and the path inside the folder it stands for (`?name=`)."""
    name = request.query_params.get("name", "untitled.rubric")
    where = studio.root / name
    if ".." in Path(name).parts or Path(name).is_absolute() or not where.resolve().is_relative_to(studio.root):
        raise Refusal(400, "usage", f"'{name}' leads outside the rubrics folder")
    return (await studio.body(request)).decode("utf-8", errors="replace"), str(where)


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
    body = await studio.body(request)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "usage", "a rubric is UTF-8 text") from None
    current = hashlib.sha256(path.read_bytes()).hexdigest()
    if opened != current:
        raise Refusal(409, "conflict", "the file changed on disk since it was opened: open it again, then save",
                      sha256=current)
    await studio.in_time(lambda: api.write_atomically(path, [body]))
    return JSONResponse({"sha256": hashlib.sha256(body).hexdigest()})


async def handbook(studio: Studio, request: Request) -> Response:
    """The handbook candidates read, as `paritrana-rules docs` writes it (Markdown)."""
    rubric = studio.rubric(request.path_params["rubric"])
    text = api.handbook(rubric, lang=_choice(request, "lang", LANGS, "id"), format="markdown")
    return Response(text.encode("utf-8"), media_type="text/markdown; charset=utf-8")


async def score(studio: Studio, request: Request) -> Response:
    """The upload scored as `paritrana-rules score RUBRIC NAME --format F` writes it."""
    form = _choice(request, "format", tuple(api.FORMATS), "json")
    lang, explain = _choice(request, "lang", LANGS, "en"), _flag(request, "explain")
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
    name, form = _upload_name(request)
    body = await studio.body(request)

    def work() -> tuple[bytes, api.BatchReport]:
        with _kept(body) as upload:
            output = io.BytesIO()
            report = api.score_file(rubric, upload, output, data_format=form, data_label=name,  # type: ignore[arg-type]
                                    **options)
            return output.getvalue(), report

    result: tuple[bytes, api.BatchReport] = await studio.in_time(work)
    return result


@contextlib.contextmanager
def _kept(body: bytes, name: str = "upload") -> Iterator[Path]:
    """An upload as a temporary file while the work reads it (the data layer and replay read files)."""
    with tempfile.TemporaryDirectory(prefix="paritrana-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        yield path


async def explain(studio: Studio, request: Request) -> Response:
    """One candidate of the upload explained, as `paritrana-rules explain` prints it."""
    rubric = studio.rubric(request.path_params["rubric"])
    name, form = _upload_name(request)
    lang, shape = _choice(request, "lang", LANGS, "en"), _choice(request, "format", ("text", "markdown"), "text")
    candidate = request.query_params.get("candidate")
    body = await studio.body(request)

    def work() -> str:
        with _kept(body) as upload:
            result = api.score_candidate(rubric, upload, candidate, form, data_label=name)  # type: ignore[arg-type]
            return result.explain(lang=lang, format=shape)  # type: ignore[arg-type]

    text: str = await studio.in_time(work)
    return Response(text.encode("utf-8"), media_type="text/plain; charset=utf-8")


async def replay(studio: Studio, request: Request) -> Response:
    """An uploaded ledger replayed against the folder's rubrics, as `replay --format json` reports it."""
    head = request.query_params.get("head")
    body = await studio.body(request)

    def work() -> dict[str, Any]:
        with _kept(body, "ledger.jsonl") as ledger:
            report = api.replay(ledger, [studio.root], head=head)
            return {**report.to_dict(), "text": report.render()}

    return JSONResponse(await studio.in_time(work))


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
    Endpoint("GET", "/api/rubrics/{rubric:path}/handbook", handbook, "The handbook of a rubric, in Markdown",
             answer="text/markdown", query=(("lang", "id or en"),)),
    Endpoint("GET", "/api/rubrics/{rubric:path}/check", check_file, "Every diagnostic of a rubric of the folder",
             query=_LANG),
    Endpoint("POST", "/api/check", check_text, "Every diagnostic of rubric text, as if it were a file of the folder",
             body="text/plain", query=(("name", "the file it stands for, inside the folder"), *_LANG)),
    Endpoint("POST", "/api/format", format_text, "Rubric text in the canonical layout of `paritrana-rules fmt`",
             body="text/plain", answer="text/plain", query=(("name", "the file it stands for, inside the folder"),)),
    Endpoint("POST", "/api/handbook", handbook_of_text, "The handbook of rubric text as it is being written",
             body="text/plain", answer="text/markdown",
             query=(("name", "the file it stands for, inside the folder"), ("lang", "id or en"))),
    Endpoint("POST", "/api/rubrics/{rubric:path}/score", score,
             "Candidates scored, as `paritrana-rules score` writes them", body="application/octet-stream",
             answer="application/json",
             query=(*_UPLOAD, ("format", "json, jsonl, csv or table; default json"), *_LANG,
                    ("explain", "true adds each candidate's explanation"), ("stage", "score everyone at this stage"))),
    Endpoint("POST", "/api/rubrics/{rubric:path}/explain", explain,
             "One candidate's score explained step by step", body="application/octet-stream",
             answer="text/plain",
             query=(*_UPLOAD, ("candidate", "its id, when the data holds several"), *_LANG,
                    ("format", "text or markdown")),),
    Endpoint("POST", "/api/rubrics/{rubric:path}/audit", audit,
             "The sealed audit ledger of the candidates' scores", body="application/octet-stream",
             answer="application/jsonl", query=_UPLOAD),
    Endpoint("POST", "/api/replay", replay, "An audit ledger verified record by record against the folder's rubrics",
             body="application/jsonl", query=(("head", "the seal head the committee published"),)),
    Endpoint("GET", "/api/openapi.json", openapi, "This document"),
)


def create_app(root: str | Path, *, limits: Limits = Limits(), token: str | None = None) -> Starlette:
    """The API over the rubrics under `root`; every request needs `token` when one is given."""
    return application(Studio(root, limits, token))


def application(studio: Studio, pages: list[Route] | None = None) -> Starlette:
    """The API's routes, and pages beside them (`pages.page_routes`: the studio)."""
    routes = [Route(e.path, _guarded(studio, e.run), methods=[e.method]) for e in ROUTES]
    return Starlette(routes=routes + (pages or []), exception_handlers={404: _not_found, 405: _not_allowed})


def run(app: Starlette, *, host: str, port: int) -> None:
    """Serve the application until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _guarded(studio: Studio, run: Callable[[Studio, Request], Awaitable[Response]]
             ) -> Callable[[Request], Awaitable[Response]]:
    """The route with the token checked first and every error answered as JSON, never a traceback."""

    async def endpoint(request: Request) -> Response:
        try:
            studio.allowed(request)
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
