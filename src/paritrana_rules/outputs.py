"""Output files written whole or not at all, never in place of what is not a file of ours; text safe to show.

A regular file (or a name not yet taken) is replaced atomically: the new
contents go to a temporary file beside it, are flushed to disk and renamed
over it, and the folder is synced, so a crash leaves the old file or the new
one, never half of one. A symlink stays: its target is replaced. The file keeps
its permission bits; a new one gets what any new file gets (0644 under the
usual umask 022). Anything else, a device such as /dev/null, a FIFO, an open
descriptor (/dev/stdout, /dev/fd/N) or `-` for standard output, is written as
it is: replacing it would destroy what it is.

A temporary file is `.NAME.PID.RANDOM.tmp` beside NAME, removed on every way
out that Python sees. One that a killed run left is removed by the next write
to the same name once it is provably stale: its process is no longer running
here and it was last written before that write began.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

STANDARD_OUTPUT = "-"
_DESCRIPTOR = re.compile(r"/(?:dev|proc/[^/]+)/fd/\d+")  # what /dev/stdout and its kind lead to
_MAX_LINKS = 40  # symlinks followed, as the system does, before a chain is taken for a loop


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[BinaryIO]:
    """A binary stream to `path`: replaced atomically if it is a regular file or none, else written as it is.

    See the module's docstring. An error before the end leaves a regular file as
    it was and no temporary file behind.
    """
    if str(path) == STANDARD_OUTPUT:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    if _written_in_place(target):
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_APPEND), "wb") as stream:
            yield stream
        return
    with _replacing(Path(os.path.realpath(target))) as stream:
        yield stream


def write_atomically(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write `chunks` to `path` atomically (see `atomic_file`)."""
    with atomic_file(path) as stream:
        for chunk in chunks:
            stream.write(chunk)


def _written_in_place(path: Path) -> bool:
    """Whether `path` must be written as it is: not a regular file (a device, FIFO...) or an open descriptor.

    Such a stream is appended to: a device or FIFO has no contents to truncate,
    and whoever opened a descriptor (a shell's `>` or `>>`) chose already.
    """
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        regular = True  # a new file, or a symlink to one
    return not regular or _leads_to_descriptor(path)


def _leads_to_descriptor(path: Path) -> bool:
    """Whether `path` is, or links to, an open descriptor such as /proc/self/fd/1 (where /dev/stdout leads)."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        if _DESCRIPTOR.fullmatch(current):
            return True
        try:
            link = os.readlink(current)
        except OSError:  # not a symlink
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return False


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[BinaryIO]:
    """A temporary file beside `target`, renamed over it when complete, with `target`'s permission bits."""
    began = time.time()
    _remove_stale(target, began)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb",
                       buffering=1 << 20) as stream:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _remove_stale(target: Path, began: float) -> None:
    """Remove the temporary files of `target` that runs no longer running here left, last written before `began`."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]{{8}}\.tmp")
    with os.scandir(target.parent) as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match is None or not entry.is_file(follow_symlinks=False) or _running(int(match[1])):
                continue
            if entry.stat(follow_symlinks=False).st_mtime < began:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    """Whether process `pid` runs on this machine; where that cannot be asked, it is taken to run."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def _sync_folder(folder: Path) -> None:
    """Make the rename durable: after a crash the folder must not list the old file again."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows cannot open a folder
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):  # some file systems cannot sync a folder
            raise
    finally:
        os.close(descriptor)


# ------------------------------------------------------------------ text for a terminal

_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]  # reorder what is shown: U+202E and its kind
_SHOWN = {
    **{code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\n\t"},
    **{code: f"\\u{code:04x}" for code in _BIDI_CONTROLS},
}


def for_terminal(text: str) -> str:
    """`text` with its control characters shown as `\\x1b`, `\\u202e`..., not obeyed by the terminal.

    Candidate ids, names and values can hold escape sequences that retitle a
    window, hide text, recolour or rewrite a line (C0 controls but newline and
    tab, DEL, C1 controls, and the bidirectional overrides that reorder text).
    Apply to what is shown on a terminal; files keep the text as it is.
    """
    return text.translate(_SHOWN)
