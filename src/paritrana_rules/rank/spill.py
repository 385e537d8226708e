"""Many small records kept in order, and sorted, with memory bounded by a chunk whatever their number.

Ranking 800,000 employers must not hold 800,000 entries in memory: records are
kept in chunks, and every chunk past the first goes to a temporary file. A sort
sorts each chunk and merges the sorted runs from their files (`heapq.merge`), so
it holds one chunk and one record per run at a time. Below one chunk nothing
touches the disk.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

CHUNK = 20_000  # records held in memory at a time (an entry pickles to about a kilobyte)


class Spill:
    """An append-only sequence of picklable records, read back in order as often as needed."""

    def __init__(self, held: int | None = None) -> None:
        self.held = held  # how many records are held in memory before they go to disk (default `CHUNK`)
        self.files = contextlib.ExitStack()
        self.head: list[Any] = []  # the records not yet written out
        self.store: IO[bytes] | None = None
        self.chunks = 0
        self.count = 0

    def append(self, record: Any) -> None:
        self.head.append(record)
        self.count += 1
        if len(self.head) >= (self.held or CHUNK):
            self._write(self.head)
            self.head = []

    def extend(self, records: Iterable[Any]) -> None:
        """`append` of each record, in order, in a few steps."""
        before = len(self.head)
        self.head.extend(records)
        self.count += len(self.head) - before
        held = self.held or CHUNK
        while len(self.head) >= held:
            self._write(self.head[:held])
            del self.head[:held]

    def __iter__(self) -> Iterator[Any]:
        return itertools.chain.from_iterable(self._chunks())  # the records of each chunk handed on without a step

    def _chunks(self) -> Iterator[list[Any]]:
        if self.store is not None:
            self.store.flush()
            with open(self.store.name, "rb") as reading:  # a second handle: appending may go on afterwards
                for _ in range(self.chunks):
                    yield pickle.load(reading)
        yield self.head

    def __len__(self) -> int:
        return self.count

    def close(self) -> None:
        self.files.close()

    def _write(self, records: list[Any]) -> None:
        if self.store is None:
            self.store = self.files.enter_context(tempfile.NamedTemporaryFile(prefix=".paritrana-rank-"))  # noqa: SIM115
        pickle.dump(records, self.store, protocol=pickle.HIGHEST_PROTOCOL)
        self.chunks += 1


def sorted_records(records: Iterable[Any], key: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """The records in order (by `key`), sorting one chunk at a time in memory and merging the runs from disk."""
    with contextlib.ExitStack() as files:
        runs: list[Iterator[Any]] = []
        chunk: list[Any] = []
        for record in records:
            chunk.append(record)
            if len(chunk) >= CHUNK:
                runs.append(_run(sorted(chunk, key=key), files))
                chunk = []
        chunk.sort(key=key)
        if not runs:
            yield from chunk
            return
        yield from heapq.merge(*runs, iter(chunk), key=key)


def _run(records: list[Any], files: contextlib.ExitStack) -> Iterator[Any]:
    """A sorted run written to a temporary file, read back lazily in pieces."""
    store = files.enter_context(tempfile.TemporaryFile(prefix=".paritrana-rank-"))  # noqa: SIM115
    piece = max(1, CHUNK // 10)
    for start in range(0, len(records), piece):
        pickle.dump(records[start:start + piece], store, protocol=pickle.HIGHEST_PROTOCOL)
    pieces = -(-len(records) // piece)
    store.seek(0)

    def read() -> Iterator[Any]:
        for _ in range(pieces):
            yield from pickle.load(store)
    return read()
