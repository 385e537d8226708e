"""Output files written atomically: the old file stays whole until the new one is complete and on disk."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[BinaryIO]:
    """A file written to a temporary name beside `path`, flushed to disk, then renamed into place.

    A crash or an error before the end leaves the old file (or none), never a
    half-written one that looks complete.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb", buffering=1 << 20) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write `chunks` to `path` atomically (see `atomic_file`)."""
    with atomic_file(path) as stream:
        for chunk in chunks:
            stream.write(chunk)
