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
import hashlib
import hmac
import ipaddress
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

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
MAX_NAME_CHARS = 1024  # a path inside the folder, as a request names it: longer is refused before any file is looked at
MAX_PART_BYTES = 255  # a file's or folder's name in it, as the systems we run on allow


@attrs.frozen
class Limits:
    body_bytes: int = 10 * 2**20  # an upload: candidates, a ledger or rubric text
    seconds: float = 60.0  # until an answer is given up (504)
    at_once: int = 4  # pieces of work running at a time, one given up after its time limit included (503 past it)


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
        self.entries: tuple[int, list[api.CatalogueEntry]] | None = None  # the library: checking every rubric takes
        self.saving = threading.Lock()  # a save compares the file's hash and replaces it as one step
        self.running = 0  # pieces of work started and not yet ended (`in_time`)

    # ------------------------------------------------------------------ what a request names

    def inside_name(self, name: str) -> str:
        """The path inside the folder a request's `name` leads to, links followed and written one way
        (`./2024//x.rubric` is `2024/x.rubric`), so that a rubric is loaded, kept and shown under one name; 400 for
        a name that is not a plain relative path (absolute, `..`, a backslash), that no file can have (a control
        character, too long) or that leads out of the folder."""
        parts = PurePosixPath(name).parts
        if not name or len(name) > MAX_NAME_CHARS or not name.isprintable() or name.startswith("/") or \
                "\\" in name or ".." in parts or any(len(part.encode()) > MAX_PART_BYTES for part in parts):
            raise Refusal(400, "usage", f"a file is named by its path inside the rubrics folder, not {_said(name)}")
        path = _real(self.root / name)
        if path is None or path == self.root or not path.is_relative_to(self.root):
            raise Refusal(400, "usage", f"{_said(name)} leads outside the rubrics folder")
        return path.relative_to(self.root).as_posix()

    def rubric_path(self, name: str) -> Path:
        """The rubric file a request names, inside the folder; 404 with the nearest name when there is none."""
        path = self.root / self.inside_name(name)
        if path.suffix != ".rubric" or not _is_file(path):
            known = [str(p.relative_to(self.root)) for p in api.rubric_files([self.root])]
            hint = api.did_you_mean(name, known)
            raise Refusal(404, "not_found", f"no rubric {_said(name)} in the rubrics folder" + (f"; {hint}" if hint
                                                                                                 else ""))
        return path

    def rubric_name(self, name: str) -> str:
        """The one name of the rubric a request names (see `inside_name`); 404 when there is none."""
        return self.rubric_path(name).relative_to(self.root).as_posix()

    def shown(self, name: str) -> str:
        """The path a rubric inside the folder is loaded and shown under: the folder's name, then `name`."""
        return f"{self.folder}/{name}"

    def inside(self, shown: str) -> str | None:
        """The path inside the folder of a path shown, or of an absolute path in the folder; None for another."""
        parts = PurePosixPath(shown.replace("\\", "/")).parts
        if parts[:1] == (self.folder,):
            return "/".join(parts[1:])
        real = _real(shown) if Path(shown).is_absolute() else None
        return real.relative_to(self.root).as_posix() if real is not None and real.is_relative_to(self.root) else None

    def read(self, shown: str) -> str:
        """The text of a file shown as `shown` (what `extends` and `uses` name); a file outside the folder, or a
        link leading out of it, is not there."""
        inside = self.inside(shown)
        path = _real(self.root / inside) if inside else None
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
        path = _real(self.root / inside)
        if path is None or not path.is_relative_to(self.root) or not _is_file(path):
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
            shown = self.shown(path.relative_to(self.root).as_posix())
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

    def catalogue(self) -> list[api.CatalogueEntry]:
        """Every rubric of the folder (`api.catalogue`), but a link leading out of it, which is not the folder's;
        made again only when a file changed."""
        stamp = self.files_state()
        if self.entries is None or self.entries[0] != stamp:
            try:
                found = api.catalogue(self.root)
            except api.UsageError:  # no rubric in the folder yet: an empty library
                found = []
            self.entries = (stamp, [entry for entry in found if self.inside(str(self.root / entry.path))])
        return self.entries[1]

    def save(self, path: Path, body: bytes, opened: str) -> str:
        """`body` saved as the rubric at `path` if the file is still the version whose hash is `opened` (409 if
        not); the new hash. One save at a time: two saves over the same version cannot both succeed."""
        with self.saving:
            current = hashlib.sha256(path.read_bytes()).hexdigest()
            if opened != current:
                raise Refusal(409, "conflict", "the file changed on disk since it was opened: open it again, then "
                                               "save", sha256=current)
            api.write_atomically(path, [body])
        return hashlib.sha256(body).hexdigest()

    def files_state(self) -> int:
        """What the rubric and shared files under the folder are now (names, sizes, change times): a rubric may
        extend or use any of them, and one added, removed or changed changes this."""
        found = sorted(self.root.rglob("*.rubric")) + sorted(self.root.rglob("*.shared"))
        return hash(tuple((str(path), *_size_and_time(path)) for path in found))

    def allowed(self, request: Request) -> None:
        """Without a token, only a request to a loopback name, from no page or the server's own and through no
        proxy, is answered: a web page the person at the machine opens can neither reach the API by pointing a name
        of its own at 127.0.0.1 (DNS rebinding) nor send it work from its own site, and a proxy in front of a
        server on loopback does not open it to everyone."""
        if self.token is None:
            if not is_loopback(request.url.hostname or ""):
                raise Refusal(403, "forbidden", "this server has no token, so it answers only requests to "
                                                "localhost or 127.0.0.1")
            if any(name in request.headers for name in _PROXIED):
                raise Refusal(403, "forbidden", "this server has no token, so it answers no request passed on by "
                                                "a proxy: set PARITRANA_TOKEN")
            origin = request.headers.get("origin")
            if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
                raise Refusal(403, "forbidden", "this server has no token, so it answers no page of another site")
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
        """The work's answer, run in a thread: 504 past the time limit, 503 while `at_once` pieces are running.

        A thread cannot be stopped, so work given up after its time limit goes on
        until it ends, and keeps its place meanwhile: slow requests, one after the
        other, cannot pile up threads without bound.
        """
        if self.running >= self.limits.at_once:
            raise Refusal(503, "busy", f"{self.running} requests are being worked on; try again shortly",
                          EXIT_INTERNAL)
        self.running += 1
        task = asyncio.ensure_future(run_in_threadpool(work))
        task.add_done_callback(self._ended)
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.limits.seconds)
        except TimeoutError:
            raise Refusal(504, "timeout", f"no answer within {self.limits.seconds:g} s; send fewer candidates",
                          EXIT_INTERNAL) from None

    def _ended(self, task: asyncio.Future[Any]) -> None:
        self.running -= 1
        if not task.cancelled():
            task.exception()  # an error of work given up is not reported again when the task is let go

    async def sent_rubric(self, request: Request) -> tuple[str, str]:
        """The rubric text of the body, and the path inside the folder it stands for (`?name=`)."""
        name = self.inside_name(request.query_params.get("name", "untitled.rubric"))
        return (await self.body(request)).decode("utf-8", errors="replace"), name


def _real(path: str | Path) -> Path | None:
    """The path with every link followed, or None when it cannot name a file (a NUL in it)."""
    real = api.real_path(path)
    return Path(real) if real is not None else None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the system
        return False


def _said(name: str) -> str:
    """A name from a request, quoted in an answer: control characters escaped, a long one cut short."""
    return repr(name[:120] + ("…" if len(name) > 120 else ""))


_PROXIED = ("forwarded", "x-forwarded-for", "x-real-ip")  # headers a proxy adds to what it passes on


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    if "/" in name or "\\" in name or not name.strip() or len(name) > 200 or not name.isprintable():
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
