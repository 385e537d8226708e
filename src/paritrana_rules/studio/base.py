"""What every route of the HTTP API stands on: the rubrics folder, limits, refusals and the query's parameters.

A rubric is loaded under the path it is shown by, the folder's own name then
its path inside it (`rubrics/2024/pemerintah-desa.rubric`, as the command
names it when run beside the folder), and the files it extends or uses are
read through `Studio.read`, which reads nothing outside the folder. So no
answer, record or explanation names where this machine keeps the folder, and
a ledger written over HTTP replays with `paritrana-rules replay` run beside
the folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from paritrana_rules import api

LANGS = ("en", "id")
DATA_FORMATS = ("json", "jsonl", "yaml", "csv", "xlsx", "parquet")
_SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx",
             ".parquet": "parquet"}
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
        self.folder = self.root.name or "rubrics"  # how paths shown begin
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

    def shown(self, name: str) -> str:
        """The path a rubric inside the folder is loaded and shown under: the folder's name, then `name`."""
        return f"{self.folder}/{name}"

    def inside(self, shown: str) -> str | None:
        """The path inside the folder of a path shown, or of an absolute path in the folder; None for another."""
        parts = PurePosixPath(shown.replace("\\", "/")).parts
        if parts[:1] == (self.folder,):
            return "/".join(parts[1:])
        if Path(shown).is_absolute():
            with contextlib.suppress(ValueError):
                return Path(shown).resolve().relative_to(self.root).as_posix()
        return None

    def read(self, shown: str) -> str:
        """The text of a file shown as `shown` (what `extends` and `uses` name); a file outside the folder, or a
        link leading out of it, is not there."""
        inside = self.inside(shown)
        path = (self.root / inside).resolve() if inside else None
        if path is None or not path.is_relative_to(self.root):
            raise api.RubricError([api.Diagnostic(
                "F001", f"no file {shown} in the rubrics folder", api.Span(shown, 1, 1, 1, 1),
                hint="name a file inside the rubrics folder", indonesian=api.Indonesian(
                    f"tidak ada berkas {shown} di folder rubrik", "sebut berkas di dalam folder rubrik"))])
        try:
            return api.read_rubric(path)
        except api.RubricError as error:  # said of the path shown, not of where the folder is
            raise api.RubricError([attrs.evolve(d, span=attrs.evolve(d.span, path=shown))
                                   for d in error.diagnostics]) from None

    def quote(self, shown: object, line: object) -> dict[str, Any] | None:
        """A line of a file of the folder, named as a record names it: {file, rubric, line, text}; None when the
        file is not one of the folder's or has no such line."""
        inside = self.inside(shown) if isinstance(shown, str) else None
        if not inside or not isinstance(line, int):
            return None
        path = (self.root / inside).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if not 1 <= line <= len(lines):
            return None
        return {"file": self.shown(inside), "rubric": inside, "line": line, "text": lines[line - 1]}

    def rubric(self, name: str) -> api.CompiledRubric:
        path = self.rubric_path(name)
        stamp = self.files_state()
        kept = self.compiled.get(path)
        if kept is None or kept[0] != stamp:
            shown = self.shown(name)
            kept = (stamp, api.loads(self.read(shown), shown, self.read))
            self.compiled[path] = kept
        return kept[1]

    def diagnose(self, text: str, name: str) -> list[api.Diagnostic]:
        """Every diagnostic of rubric text standing for the file `name` inside the folder (as `check` gives)."""
        _, found = api.diagnose(text, self.shown(name), self.read)
        return found

    def loads(self, text: str, name: str) -> api.CompiledRubric:
        """Rubric text standing for the file `name` inside the folder, compiled; RubricError if it has errors."""
        return api.loads(text, self.shown(name), self.read)

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

    async def sent_rubric(self, request: Request) -> tuple[str, str]:
        """The rubric text of the body, and the path inside the folder it stands for (`?name=`)."""
        name = request.query_params.get("name", "untitled.rubric")
        if ".." in Path(name).parts or Path(name).is_absolute() or \
                not (self.root / name).resolve().is_relative_to(self.root):
            raise Refusal(400, "usage", f"'{name}' leads outside the rubrics folder")
        return (await self.body(request)).decode("utf-8", errors="replace"), name


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


def choice(request: Request, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.query_params.get(name, default)
    if value not in choices:
        raise Refusal(400, "usage", f"'{name}' must be one of {', '.join(choices)}, not '{value}'")
    return value


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


def upload_name(request: Request) -> tuple[str, str]:
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


@contextlib.contextmanager
def kept(body: bytes, name: str = "upload") -> Iterator[Path]:
    """An upload as a temporary file while the work reads it (the data layer and replay read files)."""
    with tempfile.TemporaryDirectory(prefix="paritrana-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        yield path
