"""The long hostile-input run: a million generated inputs through the library, in N processes, one command.

Run:  .venv/bin/python benchmarks/fuzz.py --inputs 1000000 [--seed N] [--jobs 2] [--out DIR]
      .venv/bin/python benchmarks/fuzz.py --inputs 20000                 (the short run, about a minute)
      .venv/bin/python benchmarks/fuzz.py --seed N --only INDEX          (one input again, with its traceback)

Input number i of a run is drawn by `random.Random` seeded with the run's seed and i, from the tables
and templates of hostile_inputs.py, which the Hypothesis tests in tests/hostile.py share: rubric texts,
candidate records, data files (YAML, JSON, JSON Lines, CSV, .xlsx) scored by the batch path, the
score command on a data file, and byte edits of audit ledgers. Each is judged by the contract written
in hostile_inputs.py and measured: time, and peak memory above what the worker held before it. A
worker stops an input after hostile_inputs.STOP_AFTER seconds; one that does not stop is ended after
HANG_SECONDS, and the input is reported.

Prints a Markdown table (inputs by kind, inputs refused as a whole, foreign exceptions and other broken
promises, rows in -> out, the slowest input and the largest peak memory of one), then each distinct
failure with the folder that holds its reproducer. Writes nothing outside --out (default
/tmp/paritrana-fuzz/seed-N): reproducers, scratch files (the library's temporary files too) and the
batches done, so that a run stopped half way resumes where it stopped when started again (--fresh
starts over; a changed library or generator always does).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import multiprocessing
import os
import pickle
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.dont_write_bytecode = True  # the run writes under its folder only: no __pycache__ in the checkout either

import hostile_inputs as h  # noqa: E402


BATCH = 200  # inputs a worker is given at a time (and the unit a stopped run resumes from)
HANG_SECONDS = 60.0  # an input still running then has not answered the stop: its worker is ended
# Once an input of a family (a rubric shape, a file style...) was stopped for time, the others of that family are
# stopped after this long and reported as slow like it: a run on a library with such a flaw still ends in minutes.
EARLY_STOP = 2.0
WORKER_MEMORY = 4 * 2**30  # address space a worker may take: past it, an input meets MemoryError, not the machine
# Shares of the mix, weighed by cost: a record takes about a millisecond, a rubric text or a replay tens of them.
KINDS = {"record": 80, "file": 13, "rubric": 5, "command": 0.5, "ledger": 1.5}
SUFFIXES = {".csv": 32, ".jsonl": 28, ".json": 22, ".yaml": 16, ".xlsx": 2}
# Sizes (characters, nesting depth, rows, declarations... as each template reads it): mostly small, now and then
# large enough to find what grows faster than its input.
SIZES = {0: 4, 1: 20, 2: 14, 3: 12, 5: 10, 8: 8, 13: 8, 30: 8, 100: 6, 300: 4, 1_000: 2, 3_000: 0.6, 10_000: 0.2,
         30_000: 0.05}
RECORDS = {0: 2, 1: 25, 2: 20, 3: 15, 5: 15, 8: 10, 20: 8, 100: 3, 1_000: 0.2, 3_000: 0.05}
HOSTILE_KEYS = ("", " ", "id ", "Id", "expect", "\x00", "\ud800", "a" * 1000, "aparat_desa ", "APARAT_DESA",
                "aparat-desa", "__class__", "nilai_pemahaman\u200b", "candidates", "rubric", 1, None, (1, 2), 1.5)


def _weighted(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


# ------------------------------------------------------------------ drawing one input


@dataclass(frozen=True)
class Drawn:
    """One hostile input as drawn: what runs it again and what saves it."""

    index: int
    kind: str  # record, rubric, file, command, ledger
    recipe: str  # how it was built, for the report
    family: str = ""  # inputs built alike: once one is stopped for time, the others are stopped sooner
    rubric: str = ""  # the bundled rubric it is scored with (relative to rubrics/)
    text: str = ""  # rubric text
    encoding: str = ""  # when set, the rubric text is written in this encoding and loaded from the file
    record: Any = None  # candidate record
    file: h.DataFile | None = None
    form: str = "jsonl"
    audit: bool = False
    jobs: int = 1  # processes the batch path scores in (a pool costs a second or two to start: now and then)
    ledger: bytes = b""  # an edited ledger

    @property
    def label(self) -> str:
        """The row of the table it is counted in."""
        if self.file is not None and self.kind == "file":
            return f"data file ({self.file.suffix})"
        return {"record": "candidate record", "rubric": "rubric text", "command": "score command",
                "ledger": "ledger edit", "harness": "generator"}[self.kind]

    def size(self) -> int:
        if self.kind == "rubric":
            return len(self.rubric_bytes())
        if self.file is not None:
            return len(self.file.data)
        return len(self.ledger) if self.kind == "ledger" else approximate_size(self.record)

    def rubric_bytes(self) -> bytes:
        return h.rubric_bytes(self.text, self.encoding or "utf-8")

    def saved(self) -> tuple[str, bytes]:
        """A file name and the bytes that reproduce this input."""
        if self.kind == "rubric":
            return "input.rubric", self.rubric_bytes()
        if self.file is not None:
            return f"input{self.file.suffix}", self.file.data
        if self.kind == "ledger":
            return "input.jsonl", self.ledger
        return "input.txt", safe_repr(self.record).encode("utf-8", "backslashreplace")


def approximate_size(value: object, budget: int = 2 * h.SIZE_LIMIT) -> int:
    """About how many bytes a value takes written out; never recursive, so any nesting or loop is measured."""
    size, stack, seen = 0, [value], set()
    while stack and size < budget:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray)):
            size += len(item)
        elif isinstance(item, int):
            size += item.bit_length() // 3 + 1
        elif isinstance(item, dict | list | tuple | set | frozenset) and id(item) not in seen:
            seen.add(id(item))
            size += 2
            stack.extend([*item.keys(), *item.values()] if isinstance(item, dict) else item)
        else:
            size += 8
    return size


def safe_repr(value: object, limit: int = 2 * h.SIZE_LIMIT) -> str:
    """repr, or what can be said when repr itself fails (nesting past the recursion limit, ints past 4,300 digits)."""
    try:
        return repr(value)[:limit]
    except (RecursionError, ValueError) as error:
        return f"<not printable: {type(error).__name__}: {error}; run --only to rebuild it>"


def draw(seed: int, index: int) -> Drawn:
    """Input number `index` of a run; the same seed and number always draw the same input."""
    rng = random.Random(f"paritrana-fuzz/{seed}/{index}")
    kind = _weighted(rng, KINDS)
    try:
        return DRAWERS[kind](rng, index, kind)
    except Exception as error:  # the generator's own mistake: reported like a failure, never a lost run
        return Drawn(index, "harness", f"drawing failed: {h.exception_failure(error, 'harness').detail}")


def draw_size(rng: random.Random) -> int:
    return int(_weighted(rng, SIZES))


def draw_rubric_text(rng: random.Random, index: int, kind: str) -> Drawn:
    method = _weighted(rng, {"token": 35, "expression": 15, "declarations": 15, "noise": 20, "extends": 5, "mixed": 10})
    seeds = h.seed_rubrics()
    seed_name = _weighted(rng, dict(zip(seeds, (70, 10, 10, 10), strict=True)))
    text, recipe, family = seeds[seed_name], f"{method} on {seed_name}", f"rubric {method}"
    if method == "expression":
        shape, size = rng.choice(list(h.EXPRESSIONS)), draw_size(rng)
        text, recipe, family = h.expression_rubric(shape, size), f"expression {shape} x{size}", f"rubric {shape}"
    elif method == "declarations":
        shape, size = rng.choice(list(h.DECLARATIONS)), draw_size(rng)
        text, recipe, family = h.declaration_rubric(shape, size), f"declarations {shape} x{size}", f"rubric {shape}"
    elif method == "extends":
        path = rng.choice(h.EXTENDS_PATHS)
        text, recipe = h.extends_rubric(path), f"extends {path[:40]!r}"
    for _ in range({"token": 1, "mixed": rng.randint(2, 4)}.get(method, 0)):
        token_kind = rng.choice(("NUMBER", "STRING", "NAME"))
        text = h.with_token(text, token_kind, rng.randrange(1 << 16), draw_token(rng, token_kind))
    for _ in range({"noise": 1, "mixed": rng.randint(1, 3)}.get(method, 0)):
        text = h.noisy(text, rng.choice(h.NOISE_EDITS), rng.randrange(1 << 24), rng.choice(h.NOISE))
    while len(text.encode("utf-8", "surrogatepass")) >= h.SIZE_LIMIT // 2:  # the limits hold under 1 MB (in UTF-16 too)
        text = text[: len(text) * 3 // 4]
    encoding = rng.choice(h.RUBRIC_ENCODINGS) if rng.random() < 0.2 else ""
    return Drawn(index, kind, f"rubric {recipe}{f' as a file in {encoding}' * bool(encoding)}", family, text=text,
                 encoding=encoding)


def draw_token(rng: random.Random, token_kind: str) -> str:
    if rng.random() < 0.5:
        return rng.choice(h.FIXED_TOKENS[token_kind])
    return rng.choice(h.SIZED_TOKENS[token_kind])(draw_size(rng))


def hostile_value(rng: random.Random, python: bool) -> object:
    """A value no input should take without a word: odd numbers, control characters, formulas, deep nesting..."""
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(h.NUMBER_TEXTS)
    if roll < 0.5:
        return rng.choice((*h.TEXTS, *h.FORMULAS, *h.VALUE_WORDS))
    if roll < 0.7 or not python:
        return rng.choice(h.FILE_VALUES)(draw_size(rng))
    if roll < 0.85:
        return rng.choice(h.PYTHON_VALUES)(draw_size(rng))
    if roll < 0.95:
        return rng.choice(h.PYTHON_SCALARS)
    return "".join(rng.choices((*h.CONTROL_CHARACTERS, "1", "."), k=draw_size(rng)))


def draw_record(rng: random.Random, index: int, kind: str) -> Drawn:
    rubric = rng.choice(h.DATA_RUBRICS)
    record: dict[object, object] = {}
    for spec in h.bundled(rubric).input_specs:
        roll = rng.random()
        if roll >= 0.08:
            record[spec.name] = h.valid_value(rng, spec) if roll < 0.6 else hostile_value(rng, python=True)
    for _ in range(rng.choice((0, 0, 0, 1, 3))):
        record[rng.choice(HOSTILE_KEYS)] = hostile_value(rng, python=True)
    return Drawn(index, kind, f"record for {rubric}", f"record {rubric}", rubric=rubric, record=record)


def file_records(rng: random.Random, rubric: str) -> list[dict[str, Any]]:
    """Example candidates, copied and spoiled: hostile values, missing and unknown fields, odd or repeated ids."""
    examples = h.example_records(rubric)
    records = []
    for number in range(int(_weighted(rng, RECORDS))):
        record = dict(rng.choice(examples))
        record["id"] = f"{record.get('id')}-{number}"
        for _ in range(rng.choice((0, 0, 1, 1, 2, 4))):
            record[rng.choice(list(record))] = hostile_value(rng, python=False)
        if rng.random() < 0.1:
            del record[rng.choice(list(record))]
        if rng.random() < 0.1:
            record[str(rng.choice(HOSTILE_KEYS))] = hostile_value(rng, python=False)
        records.append(record)
    return records


def draw_file(rng: random.Random, index: int, kind: str) -> Drawn:
    rubric = rng.choice(h.DATA_RUBRICS)
    suffixes = {s: w for s, w in SUFFIXES.items() if s != ".xlsx" or has_openpyxl()}
    suffix = _weighted(rng, suffixes)
    _, styles = h.DATA_FILES[suffix]
    style, size, records = rng.choice(styles), draw_size(rng), file_records(rng, rubric)
    file = h.data_file(suffix, records, style, size)
    while len(file.data) >= h.SIZE_LIMIT:  # the limits are promised under 1 MB
        records, size = records[: len(records) // 2], size // 2
        file = h.data_file(suffix, records, style, size)
    form = rng.choice(("csv", "jsonl"))
    audit, jobs = kind == "file" and rng.random() < 0.1, 2 if kind == "file" and rng.random() < 0.001 else 1
    return Drawn(index, kind, f"{suffix[1:]} {style} for {rubric}{' in 2 processes' * (jobs > 1)}",
                 f"{kind} {suffix} {style}", rubric=rubric, file=file, form=form, audit=audit, jobs=jobs)


def draw_ledger_edit(rng: random.Random, index: int, kind: str) -> Drawn:
    rubric = rng.choice(h.LEDGER_RUBRICS)
    edit = rng.choice(h.LEDGER_EDITS)
    line, position, payload = rng.randrange(1 << 16), rng.randrange(1 << 20), rng.choice(h.LEDGER_PAYLOADS)
    edited = h.edit_ledger(h.ledger(rubric), edit, line, position, payload)
    return Drawn(index, kind, f"{edit} {payload[:12]!r} in the ledger of {rubric}", f"ledger {edit}", rubric=rubric,
                 ledger=edited)


DRAWERS: dict[str, Callable[[random.Random, int, str], Drawn]] = {
    "record": draw_record, "rubric": draw_rubric_text, "file": draw_file, "command": draw_file,
    "ledger": draw_ledger_edit,
}


def has_openpyxl() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------ running one input


def run_input(drawn: Drawn, scratch: Path) -> h.Verdict:
    """The input through the library, judged by the contract."""
    if drawn.kind == "harness":
        return h.Verdict([h.Failure("harness", "the generator failed to draw an input", drawn.recipe)])
    if drawn.kind == "rubric":
        return judge_rubric(drawn, scratch)
    if drawn.kind == "record":
        return h.judge_record(h.bundled(drawn.rubric), drawn.record)
    if drawn.kind == "ledger":
        return h.judge_ledger_edit(h.RUBRICS / drawn.rubric, scratch / "ledger.jsonl", h.ledger(drawn.rubric),
                                   drawn.ledger)
    assert drawn.file is not None
    data = scratch / f"candidates{drawn.file.suffix}"
    data.write_bytes(drawn.file.data)
    if drawn.kind == "command":
        return h.judge_command(h.RUBRICS / drawn.rubric, data, drawn.file.records, scratch / "scores.jsonl")
    return h.judge_file(h.bundled(drawn.rubric), data, drawn.file.records, drawn.form, drawn.audit, drawn.jobs)


def judge_rubric(drawn: Drawn, scratch: Path) -> h.Verdict:
    """Rubric text loaded as text, or as a file in its encoding; what loads scores two valid candidates."""
    candidates, explain = h.edge_candidates(drawn.index), drawn.index % 10 == 0
    if not drawn.encoding:
        return h.judge_rubric_text(drawn.text, candidates, explain)
    path = scratch / "rubrics" / "hostile" / "generated.rubric"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(drawn.rubric_bytes())
    return h.judge_rubric_file(path, candidates, explain)


def judged(drawn: Drawn, scratch: Path, stop_after: float = h.STOP_AFTER) -> tuple[h.Verdict, h.Usage,
                                                                                   list[h.Failure]]:
    """Run and measure one input: its verdict, its usage, and every failure (limits included)."""
    verdict = h.Verdict()
    try:
        with h.measured(stop_after) as usage:
            verdict = run_input(drawn, scratch)
    except h.TooSlow as stopped:  # stopped outside the library's work, in the harness around it
        verdict = h.Verdict([h.exception_failure(stopped, drawn.kind)])
    except Exception as error:  # the harness's own mistake: reported, and the run goes on
        verdict = h.Verdict([h.Failure("harness", f"the harness failed: {type(error).__name__}",
                                       h.exception_failure(error, "harness").detail)])
    return verdict, usage, verdict.failures + h.limit_failures(drawn.kind, drawn.size(), usage, verdict)


# ------------------------------------------------------------------ tallies


@dataclass
class KindTally:
    inputs: int = 0
    refused: int = 0  # refused as a whole with the error the contract allows
    foreign: int = 0  # inputs with a foreign exception
    broken: int = 0  # inputs with another broken promise (rows lost, an edit not found, a limit passed...)
    rows_in: int = 0
    rows_out: int = 0
    seconds: float = 0.0
    slowest: tuple[float, int] = (0.0, -1)  # seconds, input number
    largest: tuple[int, int] = (0, -1)  # bytes, input number

    def merge(self, other: KindTally) -> None:
        for name in ("inputs", "refused", "foreign", "broken", "rows_in", "rows_out", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.slowest, self.largest = max(self.slowest, other.slowest), max(self.largest, other.largest)


@dataclass
class Tally:
    kinds: dict[str, KindTally] = field(default_factory=dict)
    findings: h.Findings = field(default_factory=h.Findings)
    refusals: Counter[str] = field(default_factory=Counter)

    def add(self, drawn: Drawn, verdict: h.Verdict, usage: h.Usage, failures: list[h.Failure]) -> None:
        kind = self.kinds.setdefault(drawn.label, KindTally())
        kind.inputs += 1
        refused = verdict.refused is not None and verdict.refused != "unchanged"
        kind.refused += refused
        if refused and verdict.refused not in ("rubric error", "found"):
            self.refusals[f"{drawn.label}: {verdict.refused}"] += 1
        kind.foreign += any(f.foreign for f in failures)
        kind.broken += any(not f.foreign for f in failures)
        if verdict.rows_in is not None and verdict.rows_out is not None:
            kind.rows_in += verdict.rows_in
            kind.rows_out += verdict.rows_out or 0
        kind.seconds += usage.seconds
        kind.slowest = max(kind.slowest, (usage.seconds, drawn.index))
        kind.largest = max(kind.largest, (usage.peak, drawn.index))
        self.findings.add(failures, drawn.index, drawn.size())

    def merge(self, other: Tally) -> None:
        for label, kind in other.kinds.items():
            self.kinds.setdefault(label, KindTally()).merge(kind)
        self.findings.merge(other.findings)
        self.refusals.update(other.refusals)


# ------------------------------------------------------------------ workers


def work(connection: Connection, seed: int, scratch: Path, state: Any) -> None:
    """A worker: takes (start, stop) ranges, answers each with its Tally; `state` shows the input it is on."""
    _confine(scratch)
    for relative in h.DATA_RUBRICS:  # loaded before any input is measured
        h.bundled(relative)
    for relative in h.LEDGER_RUBRICS:
        h.ledger(relative)
    slow: set[str] = set()  # families of inputs one of which was stopped for time
    while (task := connection.recv()) is not None:
        tally = Tally()
        for index in range(*task):
            drawn = draw(seed, index)
            state[0], state[1] = index, time.monotonic()
            stop_after = EARLY_STOP if drawn.family in slow else h.STOP_AFTER
            verdict, usage, failures = judged(drawn, scratch, stop_after)
            state[0] = -1
            if any(h.stopped_for_time(f) for f in failures):
                slow.add(drawn.family)
            tally.add(drawn, verdict, usage, failures)
        connection.send((task, tally))


def _confine(scratch: Path) -> None:
    """Temporary files (the library's too: spills, SQLite) in the run's folder; memory bounded by WORKER_MEMORY."""
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = os.environ["SQLITE_TMPDIR"] = str(scratch)
    tempfile.tempdir = str(scratch)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, resource.getrlimit(resource.RLIMIT_AS)[1]))


class Worker:
    def __init__(self, context: Any, number: int, seed: int, folder: Path) -> None:
        self.connection, child = context.Pipe()
        self.state = context.Array("d", [-1.0, 0.0])  # the input it is on (-1: none), since when (monotonic)
        self.process = context.Process(target=work, args=(child, seed, folder / "scratch" / f"worker-{number}",
                                                          self.state))  # not a daemon: it may start a pool
        self.process.start()
        self.task: tuple[int, int] | None = None

    def give(self, task: tuple[int, int]) -> None:
        self.task = task
        self.connection.send(task)

    def stuck(self) -> bool:
        return self.state[0] >= 0 and time.monotonic() - self.state[1] > HANG_SECONDS

    def end(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def lost_input(seed: int, index: int, why: str, seconds: float) -> Tally:
    """The tally of an input whose worker had to be ended, or died, while it ran."""
    drawn = draw(seed, index)
    failure = h.Failure(h.KIND_AREAS[drawn.kind], f"{why} ({drawn.kind})", drawn.recipe)
    tally = Tally()
    tally.add(drawn, h.Verdict(), h.Usage(seconds=seconds), [failure])
    return tally


class Run:
    """The batches of one run over N workers, with the batches already done in the run's folder."""

    def __init__(self, seed: int, inputs: int, jobs: int, folder: Path, fresh: bool) -> None:
        self.seed, self.jobs, self.folder = seed, jobs, folder
        self.done = folder / "batches"
        self.tally = Tally()
        self.workers_started = 0
        self.pending = [(start, min(start + BATCH, inputs)) for start in range(0, inputs, BATCH)]
        self.resumed = self._resume(fresh)

    def _resume(self, fresh: bool) -> int:
        marker = self.folder / "run.txt"
        identity = f"seed {self.seed}, generator and library {fingerprint()}"
        if fresh or not marker.exists() or marker.read_text(encoding="utf-8") != identity:
            shutil.rmtree(self.done, ignore_errors=True)
        self.done.mkdir(parents=True, exist_ok=True)
        marker.write_text(identity, encoding="utf-8")
        resumed = 0
        for task in list(self.pending):
            path = self.done / f"{task[0]}-{task[1]}.pickle"
            if path.exists():
                self.tally.merge(pickle.loads(path.read_bytes()))
                self.pending.remove(task)
                resumed += task[1] - task[0]
        return resumed

    def finish(self, task: tuple[int, int], tally: Tally) -> None:
        self.tally.merge(tally)
        path = self.done / f"{task[0]}-{task[1]}.pickle"
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(tally))
        partial.replace(path)  # a run stopped while writing leaves no half batch behind

    def execute(self) -> None:
        context = multiprocessing.get_context("spawn")
        workers = [self._worker(context) for _ in range(self.jobs)]
        try:
            while self.pending or any(w.task for w in workers):
                workers = [self._healthy(w, context) for w in workers]
                for worker in workers:
                    if worker.task is None and self.pending:
                        worker.give(self.pending.pop(0))
                busy = {w.connection: w for w in workers if w.task is not None}
                for connection in wait(list(busy), timeout=1.0):
                    self._answer(busy[connection])
        finally:
            for worker in workers:
                worker.end()

    def _answer(self, worker: Worker) -> None:
        with contextlib.suppress(EOFError, OSError):  # a worker that died is replaced on the next round
            task, tally = worker.connection.recv()
            self.finish(task, tally)
            worker.task = None

    def _worker(self, context: Any) -> Worker:
        self.workers_started += 1
        return Worker(context, self.workers_started, self.seed, self.folder)

    def _healthy(self, worker: Worker, context: Any) -> Worker:
        """The worker, or a new one in place of one that died or hangs: the input it was on is a failure, and the
        rest of its batch goes back to the queue."""
        if worker.process.is_alive() and not worker.stuck():
            return worker
        if worker.task is not None and worker.state[0] < 0:  # between two inputs: none of them to blame
            self.pending.insert(0, worker.task)
        elif worker.task is not None:
            start, stop = worker.task
            index, seconds = int(worker.state[0]), time.monotonic() - worker.state[1]
            why = (f"hang: not stopped after {HANG_SECONDS:g} s, the worker was ended" if worker.process.is_alive()
                   else f"the worker died (exit {worker.process.exitcode})")
            self.tally.merge(lost_input(self.seed, index, why, seconds))
            self.pending[:0] = [task for task in ((start, index), (index + 1, stop)) if task[0] < task[1]]
        worker.process.kill()
        worker.process.join()
        return self._worker(context)


def fingerprint() -> str:
    """What the results depend on: this generator and the library's source, as they are on disk now."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("benchmarks/*.py"), *(ROOT / "src").rglob("*.py"), ROOT / "grammar/rubric.lark"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ------------------------------------------------------------------ the report


def machine() -> str:
    described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                               check=False).stdout.strip()  # outside a checkout the commit is unknown
    return (f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
            f"paritrana_rules at {described or 'an unknown commit'}")


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def mebibytes(value: int) -> str:
    return f"{value / 2**20:,.1f} MiB"


def report(run: Run, inputs: int, elapsed: float, command: str, measured_on: str) -> str:
    tally = run.tally
    total = KindTally()
    for kind in tally.kinds.values():
        total.merge(kind)
    resumed = f"; {run.resumed:,} of them from the stopped run before" if run.resumed else ""
    lines = [f"Hostile inputs: `{command}` ({measured_on}), {elapsed:,.1f} s{resumed}.", "",
             "| inputs | count | refused (allowed error) or edit found | foreign exceptions | other broken promises "
             "| rows in → out | mean | slowest (input) | largest peak memory (input) |",
             "|---|---|---|---|---|---|---|---|---|", *(table_row(label, kind) for label, kind in
                                                      [*sorted(tally.kinds.items()), ("all", total)])]
    lines += ["", f"Distinct failures: {len(tally.findings)} (reproducers in {run.folder / 'reproducers'}; "
              f"`.venv/bin/python benchmarks/fuzz.py --seed {run.seed} --only N` runs input N again). An input "
              f"stopped at {EARLY_STOP:g} s was of a family (a rubric shape, a file style) of which one input had "
              f"passed {h.STOP_AFTER:g} s already."]
    if tally.findings:
        lines += ["", "| # | area | failure | inputs | smallest (bytes) | reproducer |", "|---|---|---|---|---|---|"]
        for number, finding in enumerate(tally.findings.sorted(), 1):
            folder = save_reproducer(run, number, finding)
            lines.append(f"| {number} | {finding.failure.area} | {finding.failure.signature} | {finding.count:,} "
                         f"| {finding.size:,} (#{finding.example}) | {folder.name} |")
    lines += ["", "Refused as a whole (the error the contract allows), most common reasons:", ""]
    lines += [f"- {reason}: {count:,}" for reason, count in tally.refusals.most_common(12)]
    if inputs != total.inputs:
        lines += ["", f"Counted {total.inputs:,} inputs of the {inputs:,} asked for."]
    return "\n".join(lines)


def table_row(label: str, kind: KindTally) -> str:
    rows = f"{kind.rows_in:,} → {kind.rows_out:,}" if kind.rows_in or kind.rows_out else ""
    mean = kind.seconds / max(kind.inputs, 1)
    return (f"| {label} | {kind.inputs:,} | {kind.refused:,} | {kind.foreign:,} | {kind.broken:,} | {rows} "
            f"| {mean * 1000:,.1f} ms | {seconds(kind.slowest[0])} (#{kind.slowest[1]}) "
            f"| {mebibytes(kind.largest[0])} (#{kind.largest[1]}) |")


def save_reproducer(run: Run, number: int, finding: h.Finding) -> Path:
    drawn = draw(run.seed, finding.example)
    slug = re.sub(r"[^a-z0-9]+", "-", finding.failure.signature.lower()).strip("-")[:60]
    folder = run.folder / "reproducers" / f"{number:02d}-{finding.failure.area}-{slug}"
    folder.mkdir(parents=True, exist_ok=True)
    name, data = drawn.saved()
    (folder / name).write_bytes(data)
    (folder / "failure.txt").write_text(
        f"{finding.failure.area}: {finding.failure.signature}\n{finding.count} inputs; the smallest is input "
        f"{drawn.index} ({drawn.recipe}, {finding.size:,} bytes), saved as {name}"
        f"{f' (scored with rubrics/{drawn.rubric})' if drawn.rubric else ''}.\n"
        f"Run it again: .venv/bin/python benchmarks/fuzz.py --seed {run.seed} --only {drawn.index}\n\n"
        f"{finding.failure.detail}\n", encoding="utf-8", errors="backslashreplace")
    return folder


def only(seed: int, index: int, folder: Path) -> int:
    """One input again, in this process, with every failure's traceback."""
    drawn = draw(seed, index)
    scratch = folder / "scratch" / "only"
    _confine(scratch)
    verdict, usage, failures = judged(drawn, scratch)
    print(f"input {index} of seed {seed}: {drawn.kind}, {drawn.recipe}, {drawn.size():,} bytes")
    print(f"{seconds(usage.seconds)}, peak {mebibytes(usage.peak)}; refused: {verdict.refused}; rows "
          f"{verdict.rows_in} → {verdict.rows_out}")
    for failure in failures:
        print(f"\n{failure.area}: {failure.signature}\n{failure.detail}")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1_000_000, help="how many inputs (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed: the same seed draws the same inputs")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--out", type=Path, help="the run's folder (default /tmp/paritrana-fuzz/seed-N)")
    parser.add_argument("--fresh", action="store_true", help="start over rather than resume a stopped run")
    parser.add_argument("--only", type=int, metavar="N", help="run input N alone and show its tracebacks")
    args = parser.parse_args(argv)
    folder = (args.out or Path("/tmp/paritrana-fuzz") / f"seed-{args.seed}").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if args.only is not None:
        return only(args.seed, args.only, folder)
    start, measured_on = time.perf_counter(), machine()  # the library as the workers load it, at the start
    run = Run(args.seed, args.inputs, max(args.jobs, 1), folder, args.fresh)
    run.execute()
    shutil.rmtree(folder / "reproducers", ignore_errors=True)
    command = f".venv/bin/python benchmarks/fuzz.py --inputs {args.inputs} --seed {args.seed} --jobs {args.jobs}"
    text = report(run, args.inputs, time.perf_counter() - start, command, measured_on)
    (folder / "report.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if run.tally.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
