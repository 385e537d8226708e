"""Work spread over processes, in order: chunks of items handed to a pool, results back in the items' order.

Used by batch scoring and by replay. Each worker process is given the task's
state once, when it starts (a compiled rubric pickles as its text and is
compiled again there). At most a few chunks are in flight, so reading the
input never runs ahead of the work and memory stays flat.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

Item = TypeVar("Item")
Out = TypeVar("Out")
Work = Callable[[Any, list[Any]], list[Any]]  # (state, chunk of items) -> one result per item

_task: tuple[Work, Any] | None = None  # in a worker process: what it was started with


def ordered_map(work: Callable[[Any, list[Item]], list[Out]], state: Any, items: Iterable[Item], jobs: int,
                chunk: int) -> Iterator[Out]:
    """`work(state, chunk)` over the items in chunks, in `jobs` processes (here when 1), results in order."""
    chunks = _chunks(items, chunk)
    if jobs <= 1:
        for part in chunks:
            yield from work(state, part)
        return
    with multiprocessing.get_context("spawn").Pool(jobs, _start, (work, state)) as pool:
        pending: collections.deque[AsyncResult[list[Out]]] = collections.deque()
        for part in chunks:
            pending.append(pool.apply_async(_run, (part,)))
            if len(pending) >= jobs * 3:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _start(work: Work, state: Any) -> None:
    global _task  # noqa: PLW0603 (the pool's initializer: each worker keeps what it was started with)
    _task = (work, state)


def _run(part: list[Any]) -> list[Any]:
    assert _task is not None
    work, state = _task
    return work(state, part)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while part := list(itertools.islice(iterator, size)):
        yield part
