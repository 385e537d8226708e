"""Work spread over processes, in order: chunks of items handed to workers, results back in the items' order.

Used by batch scoring and by replay. Each worker process is given the task's
state once, when it starts (a compiled rubric pickles as its text and is
compiled again there). Chunks go to the workers in turn, one at a time each,
so reading the input never runs ahead of the work and memory stays flat.

A run ends promptly whatever happens to it. Each worker has a pipe of its
own, and nothing else is shared, so a worker that dies (the out-of-memory
killer's SIGKILL) is seen at once, as the end of its pipe, and ends the run
with `WorkerDied`; and ending the workers never leaves anything half-written
for another process to wait on. Ctrl-C reaches every process of a terminal's
foreground group: workers ignore it, and this process ends them and reports it.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import multiprocessing
import signal
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

Item = TypeVar("Item")
Out = TypeVar("Out")
Work = Callable[[Any, list[Any]], list[Any]]  # (state, chunk of items) -> one result per item
Worker = tuple[BaseProcess, Connection]


class WorkerDied(RuntimeError):
    """A worker process ended before finishing its work (killed, most often for want of memory).

    The run cannot be completed: the results of its chunk are lost. Errors
    raised by the work itself come back as they are.
    """


class WorkerTraceback(Exception):
    """Where in a worker process an error was raised: the `__cause__` of the error, for --debug."""


def ordered_map(work: Callable[[Any, list[Item]], list[Out]], state: Any, items: Iterable[Item], jobs: int,
                chunk: int) -> Generator[Out, None, None]:
    """`work(state, chunk)` over the items in chunks, in `jobs` processes (here when 1), results in order.

    Raises `WorkerDied` when a worker process dies. However the iteration ends
    (an error, KeyboardInterrupt, the caller stopping early), no worker process
    is left running.
    """
    chunks = _chunks(items, chunk)
    with fewer_collections():
        if jobs <= 1:
            for part in chunks:
                yield from work(state, part)
            return
        workers: list[Worker] = []
        try:
            for _ in range(jobs):
                with _sigint_held():  # a Ctrl-C meanwhile arrives once the worker is listed, to be ended with the rest
                    workers.append(_start(work, state))
            yield from _in_turn(workers, chunks)
        except BaseException:
            _end(workers, now=True)
            raise
        _end(workers, now=False)


_YOUNG_OBJECTS = 50_000  # allocations between two collections of the youngest generation (Python's default: 700)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector run less often meanwhile (as it was, after).

    Batch work makes and drops many small objects (cells, rows, results) that
    hold no reference cycles; at the default rate the collector looks through
    every live object again and again, which cost a third of the time of
    handing rows between processes.
    """
    before = gc.get_threshold()
    gc.set_threshold(_YOUNG_OBJECTS, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _in_turn(workers: list[Worker], chunks: Iterator[list[Any]]) -> Iterator[Any]:
    """Chunk i to worker i mod n; a worker's next chunk is sent once its result is in, and before it is used."""
    busy: collections.deque[Worker] = collections.deque()  # in the order of their chunks
    for worker, part in zip(itertools.cycle(workers), chunks):
        done = _result(busy.popleft()) if len(busy) == len(workers) else []  # the worker about to be given `part`
        _send(worker, part)
        busy.append(worker)
        yield from done
    while busy:
        yield from _result(busy.popleft())


def _start(work: Work, state: Any) -> Worker:
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    process = context.Process(target=_serve, args=(there, work, state), daemon=True)
    process.start()
    there.close()  # the worker's end is the worker's alone: when it dies, this end reads as ended
    return process, here


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT held back in this thread meanwhile (and delivered after): a process started now never sees it.

    A process inherits the signal mask, so a worker ignores Ctrl-C even while
    it starts up, before `_serve` can tell it to. The resource tracker, which
    every spawned process uses, is started first: its start unblocks SIGINT.
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows: `_serve` alone
        yield
        return
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _send(worker: Worker, part: list[Any]) -> None:
    process, connection = worker
    try:
        connection.send(part)
    except OSError:  # the pipe is broken: the worker is gone
        raise _died(process) from None


def _result(worker: Worker) -> list[Any]:
    process, connection = worker
    try:
        kind, value, where = connection.recv()
    except (EOFError, OSError):  # the worker ended, perhaps in the middle of sending
        raise _died(process) from None
    if kind == "error":
        raise value from WorkerTraceback(where)
    return list(value)


def _died(process: BaseProcess) -> WorkerDied:
    process.join()
    return WorkerDied(f"a worker process ended before finishing its work ({_ending(process.exitcode)}); "
                      "the run was stopped")


def _ending(exitcode: int | None) -> str:
    if exitcode is None or exitcode >= 0:
        return f"exit status {exitcode}"
    name = signal.Signals(-exitcode).name
    return f"killed by {name}" + (", as the out-of-memory killer does" if -exitcode == signal.SIGKILL else "")


def _end(workers: list[Worker], *, now: bool) -> None:
    """Ask the workers to stop when they are idle, or end them `now`, mid-chunk; wait until they have."""
    for process, connection in workers:
        if now:
            process.terminate()
        else:
            with contextlib.suppress(OSError):
                connection.send(None)
    for process, connection in workers:
        process.join()
        connection.close()


def _serve(connection: Connection, work: Work, state: Any) -> None:
    """A worker's life: chunks in, results (or the error) out, until told to stop or this process's parent ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    with fewer_collections(), contextlib.suppress(EOFError, BrokenPipeError):  # the parent is gone: nothing waits
        while (part := connection.recv()) is not None:
            _reply(connection, _outcome(work, state, part))


def _outcome(work: Work, state: Any, part: list[Any]) -> tuple[str, Any, str]:
    try:
        return "done", work(state, part), ""
    except Exception as error:
        return "error", error, traceback.format_exc()


def _reply(connection: Connection, outcome: tuple[str, Any, str]) -> None:
    try:
        connection.send(outcome)  # pickled whole before anything is written
    except BrokenPipeError:
        raise
    except Exception as error:  # what does not pickle still reaches the parent, as its text
        connection.send(("error", RuntimeError(f"a worker's outcome could not be sent back: {error}"), outcome[2]))


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while part := list(itertools.islice(iterator, size)):
        yield part
