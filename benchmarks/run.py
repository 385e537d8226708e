"""The benchmark suite: one command prints the Markdown tables for README's Speed section.

Run:  .venv/bin/python benchmarks/run.py [--quick]

Sections:
1. Load time (parse + check + compile) of every bundled rubric, and per-candidate
   costs of the 2024 originals on their example candidates.
2. Per-candidate cost for the 2024 regency/city rubric on 2,000 varied synthetic
   candidates (benchmarks/synth.py), every scorer timed in the same rounds: the
   hand-written function (handwritten_kabkota.py); the engine's scoring call alone,
   the same with every criterion's points read (what a user does), and its audited
   and traced paths; GoRules Zen through its fast path (loader + precompiled
   `ZenDecisionContent`) and through `create_decision`, and rule-engine
   (engines.py); with the ratios against the targets. Then the batch baselines:
   the same rubric as whole-column numpy and polars code (columnar_baselines.py),
   checked on 10,000 synthetic candidates and timed per candidate over 1,000,000
   rows, beside the engine's own column back end (compile/columnar.py) on the
   same rows. The village rubric against handwritten_desa.py.
3. End to end, the 2024 regency/city rubric in columns and row by row on 1,000,000
   generated candidates (100,000 with --quick), outputs compared byte for byte; then
   `paritrana-rules score ... --audit ... --jobs 2` on 100,000 and
   1,000,000 generated candidates (20,000 and 100,000 with --quick) in a
   subprocess: wall time, peak memory of the whole process tree, rows in and out.

Figures are medians over rounds; each round scores every candidate once. Timings
are measured and reported here, never asserted by tests.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

import attrs
import numpy

import paritrana_rules as pr
from paritrana_rules.compile.column_values import columns_of
from paritrana_rules.compile.columnar import columns
from paritrana_rules.data import Candidate
from paritrana_rules.language import syntax

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import columnar_baselines  # noqa: E402
import engines  # noqa: E402
import handwritten_desa  # noqa: E402
import handwritten_kabkota  # noqa: E402
import synth  # noqa: E402

KABKOTA = ROOT / "rubrics/2024/kabupaten-kota.rubric"
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
BESAR = ROOT / "rubrics/2024/perusahaan-besar.rubric"
ORIGINALS = [KABKOTA, DESA, BESAR]
# The batch scores large companies: the one category a million candidates is realistic for (over 800,000
# registered employers, docs/award.md §6). It ranks per province and awards placings, as a provincial round
# does: rows wait for the funnel (benchmarks/funnel.py compares that with a run that ranks nothing).
BATCH = BESAR
VARIED_CANDIDATES = 2_000
COLUMN_CANDIDATES = 10_000  # checked against the engine, then repeated to BATCH_ROWS
BATCH_ROWS = 1_000_000
SEED = 2024
TARGET_FAST_VS_HAND = 1.5
TARGET_AUDITED_VS_FAST = 3.0
TARGET_COLUMNS_VS_NUMPY = 5.0  # the engine's column back end within this many times the numpy baseline
TARGET_ZEN_VS_POINTS = 2.0  # Zen's fast path at least this many times slower than the engine with points read
CACHE = Path(tempfile.gettempdir()) / "paritrana-bench"

# ------------------------------------------------------------------ timing


def median_per_call(action: Callable[[], object], rounds: int, number: int) -> float:
    """Median over rounds of the mean time of `number` calls, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            action()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def median_per_item(action: Callable[[Any], object], items: Sequence[Any], rounds: int) -> float:
    """Median over rounds of the mean time per item, each round visiting every item once."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for item in items:
            action(item)
        times.append((time.perf_counter() - start) / len(items))
    return statistics.median(times)


def race(entries: dict[str, tuple[Callable[[Any], object], Sequence[Any]]], rounds: int,
         slices: int = 8) -> dict[str, float]:
    """Median over rounds of each entry's mean time per item.

    The entries take turns within every round, a slice of their items at a time, so that a busy spell on a
    shared machine falls on all of them alike rather than on whichever ran then.
    """
    times: dict[str, list[float]] = {name: [] for name in entries}
    parts = {name: [items[i::slices] for i in range(min(slices, len(items)))] for name, (_, items) in entries.items()}
    for _ in range(rounds):
        spent = dict.fromkeys(entries, 0.0)
        for turn in range(slices):
            for name, (action, _) in entries.items():
                if turn < len(parts[name]):
                    start = time.perf_counter()
                    for item in parts[name][turn]:
                        action(item)
                    spent[name] += time.perf_counter() - start
        for name, (_, items) in entries.items():
            times[name].append(spent[name] / len(items))
    return {name: statistics.median(each) for name, each in times.items()}


def micro(seconds: float) -> str:
    if seconds < 1e-5:
        return f"{seconds * 1e6:,.2f} µs"
    return f"{seconds * 1e6:,.0f} µs"


def milli(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ------------------------------------------------------------------ 1. loading and the 2024 originals


def first_load(path: Path) -> pr.CompiledRubric:
    """A rubric loaded as for the first time: the parses a process keeps (`syntax.parse`) are let go first."""
    syntax.forget_parses()
    return pr.load(path)


def load_section(rounds: int) -> None:
    library = sorted((ROOT / "rubrics").rglob("*.rubric"))
    loads = sorted(median_per_call(functools.partial(first_load, path), rounds=rounds, number=2) for path in library)
    print(f"Loading the whole library ({len(library)} rubrics, many built with `extends`): median "
          f"{milli(statistics.median(loads))}, slowest {milli(loads[-1])} per rubric.")
    print()
    print("| rubric | load (parse + check + compile) | score, fast | score, traced | traced + explain (id) "
          "| traced + audit record | record size |")
    print("|---|---|---|---|---|---|---|")
    for path in ORIGINALS:
        print(original_row(path, rounds))


def audit_record(rubric: pr.CompiledRubric, candidate: Candidate) -> bytes:
    """The audited path: score with the trace kept and write the canonical record, as `score --audit` does."""
    line, _ = rubric.record_writer.scored(rubric.evaluate_candidate(candidate))
    return line


def original_row(path: Path, rounds: int) -> str:
    """One 2024 rubric on its bundled example candidates; "score" includes validating the raw values."""
    rubric = pr.load(path)
    load = median_per_call(lambda: first_load(path), rounds=rounds, number=3)
    candidates, _ = pr.load_candidates(ROOT / "examples/2024" / f"{path.stem}.yaml", rubric.input_specs)
    raws = [dict(c.values) for c in candidates]
    fast = median_per_item(lambda raw: rubric.evaluate(raw, trace=False), raws * 20, rounds)
    traced = median_per_item(lambda raw: rubric.evaluate(raw).trace, raws * 10, rounds)  # the trace is built lazily
    explained = median_per_item(lambda raw: rubric.evaluate(raw).explain("id"), raws * 3, rounds)
    audited = median_per_item(lambda c: audit_record(rubric, c), candidates * 3, rounds)
    size = statistics.median(len(audit_record(rubric, c)) for c in candidates)
    return (f"| {relative(path)} | {milli(load)} | {micro(fast)} | {micro(traced)} | {micro(explained)} "
            f"| {micro(audited)} | {size / 1024:.1f} KiB |")


# ------------------------------------------------------------------ 2. per candidate, against hand-written code


def synthetic_candidates(path: Path, count: int) -> list[pr.Candidate]:
    """Varied validated candidates, read back through the same reader `score` uses."""
    rubric = pr.load(path)
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "candidates.csv"
        synth.write(path, csv_path, count, seed=SEED)
        candidates, rejected = pr.load_candidates(csv_path, rubric.input_specs)
    assert not rejected, rejected[:1]
    return candidates


def check_agreement(candidates: Sequence[pr.Candidate], rubric: pr.CompiledRubric,
                    scorers: dict[str, Callable[[Any], tuple[Any, ...]]]) -> None:
    """Timing code that computes something else would be meaningless: every scorer must agree first."""
    for candidate in candidates:
        result = rubric.evaluate_candidate(candidate, trace=False)
        for name, scorer in scorers.items():
            total, status = scorer(candidate.values)[:2]
            if (total, status) != (result.total, result.status):
                raise SystemExit(f"{name} disagrees with the engine on {candidate.id}: {total} {status} "
                                 f"vs {result.total} {result.status}")


def with_points(rubric: pr.CompiledRubric) -> Callable[[pr.Candidate], dict[str, Any]]:
    """What a user of the fast path does: score, then read every criterion's points (hand-written code returns
    them too)."""
    def score(candidate: pr.Candidate) -> dict[str, Any]:
        result = rubric.evaluate_candidate(candidate, trace=False)
        return {c.name: c.points for c in result.criteria}
    return score


def kabkota_section(rounds: int) -> None:
    rubric = pr.load(KABKOTA)
    candidates = synthetic_candidates(KABKOTA, VARIED_CANDIDATES)
    values = [c.values for c in candidates]
    others = {name: make() for name, make in engines.SCORERS.items()}
    check_agreement(candidates, rubric, {"hand-written": handwritten_kabkota.score, **others})
    zen = engines.zen_fast_engine()
    encoded = [engines.candidate_json(v) for v in values]

    t = race({
        "hand": (handwritten_kabkota.score, values),
        "call": (lambda c: rubric.evaluate_candidate(c, trace=False), candidates),
        "points": (with_points(rubric), candidates),
        "audited": (lambda c: audit_record(rubric, c), candidates),
        "traced": (lambda c: rubric.evaluate_candidate(c).trace, candidates),  # built on first use
        "zen": (lambda text: zen.evaluate(engines.ZEN_KEY, text), encoded),
        "zen+json": (others["GoRules Zen"], values),
        "zen binding": (others["GoRules Zen, create_decision"], values),
        "rule-engine": (others["rule-engine"], values),
    }, rounds)
    hand, call, points, zen_fast = t["hand"], t["call"], t["points"], t["zen"]

    def vs_hand(name: str) -> str:
        return f"{t[name] / hand:.1f}×"

    zen_lead = zen_fast / points
    rows = [
        ("hand-written Python function, total, status and every criterion's points "
         "(`handwritten_kabkota.score(values)`)", "hand", "1.0×", ""),
        ("engine, scoring call alone (`evaluate_candidate(c, trace=False)`)", "call", vs_hand("call"), ""),
        ("engine, fast path with every criterion's points read (`evaluate_candidate(c, trace=False)`, then "
         "`{c.name: c.points for c in result.criteria}`)", "points", vs_hand("points"),
         f"≤ {TARGET_FAST_VS_HAND:g}× hand-written: {verdict(points / hand <= TARGET_FAST_VS_HAND)}; "
         f"Zen fast path {zen_lead:.1f}× slower, ≥ {TARGET_ZEN_VS_POINTS:g}×: "
         f"{verdict(zen_lead >= TARGET_ZEN_VS_POINTS)}"),
        ("engine, audited: every step recorded in the canonical audit record a ledger holds "
         "(`record_writer.scored(evaluate_candidate(c))`)", "audited", vs_hand("audited"),
         f"{t['audited'] / call:.1f}× scoring call, ≤ {TARGET_AUDITED_VS_FAST:g}×: "
         f"{verdict(t['audited'] / call <= TARGET_AUDITED_VS_FAST)}"),
        ("engine, trace laid out as `TraceStep` objects for explanations (`evaluate_candidate(c).trace`)", "traced",
         vs_hand("traced"), f"{t['traced'] / call:.1f}× scoring call"),
        ("GoRules Zen, fast path: `ZenEngine({\"loader\": ...}).evaluate(key, text)`, the loader handing out a "
         "`ZenDecisionContent` compiled once; the candidate's JSON text written beforehand", "zen", vs_hand("zen"),
         f"{zen_lead:.1f}× engine with points"),
        ("GoRules Zen, fast path as above, including writing the candidate as exact JSON text "
         "(`engines.candidate_json`)", "zen+json", vs_hand("zen+json"),
         f"{t['zen+json'] / points:.1f}× engine with points"),
        ("GoRules Zen, `create_decision(json).evaluate(text)`: the binding's basic usage, not its fast path "
         "(JSON writing included)", "zen binding", vs_hand("zen binding"),
         f"{t['zen binding'] / t['zen+json']:.1f}× the fast path with JSON writing"),
        ("rule-engine, one `Rule.evaluate` per step, 50-digit decimals", "rule-engine", vs_hand("rule-engine"), ""),
    ]
    print(f"2024 regency/city rubric, {len(candidates):,} varied synthetic candidates (validated), every "
          f"implementation timed in each of {rounds} rounds, medians:")
    print()
    print("| implementation (call path) | per candidate | vs hand-written | target, or ratio |")
    print("|---|---|---|---|")
    for label, name, ratio, note in rows:
        print(f"| {label} | {micro(t[name])} | {ratio} | {note} |")


def verdict(met: bool) -> str:
    return "met" if met else "not met"


def against(value: float, base: float, base_name: str, target: float) -> str:
    ratio = value / base
    return f"{ratio:.1f}× {base_name} (target ≤ {target:g}×: {verdict(ratio <= target)})"


def columnar_section(rounds: int) -> None:
    """The batch baselines: whole-column numpy and polars code, checked against the engine, then timed in the
    same rounds as the per-record hand-written function and engine on the same candidates."""
    import polars as pl

    rubric = pr.load(KABKOTA)
    candidates = synthetic_candidates(KABKOTA, COLUMN_CANDIDATES)
    wrong = {name: found for name, found in columnar_baselines.disagreements(rubric, candidates).items() if found}
    if wrong:
        raise SystemExit(f"a batch baseline disagrees with the engine: {wrong}")
    batch = columnar_baselines.tile(columnar_baselines.columns([c.values for c in candidates]), BATCH_ROWS)
    data = columnar_baselines.frame(batch)
    program, engine_columns = engine_batch(rubric, candidates)
    engine_totals = program.run(engine_columns, BATCH_ROWS).total
    if not numpy.array_equal(engine_totals, columnar_baselines.score_numpy(batch)["total"]):
        raise SystemExit("the engine's column back end disagrees with the numpy baseline")
    t = race({
        "hand": (handwritten_kabkota.score, [c.values for c in candidates]),
        "points": (with_points(rubric), candidates),
        "numpy": (columnar_baselines.score_numpy, [batch]),
        "polars": (lambda d: columnar_baselines.score_polars(d, batch.scales), [data]),
        "columns": (lambda c: program.run(c, BATCH_ROWS), [engine_columns]),
    }, rounds)
    for name in ("numpy", "polars", "columns"):
        t[name] /= BATCH_ROWS
    hand, points = t["hand"], t["points"]
    rows = [
        ("hand-written Python function, per record (`handwritten_kabkota.score(values)`)", "hand"),
        ("engine, per record, every criterion's points read (`evaluate_candidate(c, trace=False)`, then "
         "`{c.name: c.points for c in result.criteria}`)", "points"),
        ("numpy, whole batch: int64 columns of exact scaled integers (`columnar_baselines.score_numpy`), "
         "one thread", "numpy"),
        (f"polars, whole batch: Int64 columns, one lazy query (`columnar_baselines.score_polars`), "
         f"{pl.thread_pool_size()} threads", "polars"),
        ("engine, column back end, whole batch: the rubric's program over exact columns "
         "(`compile.columnar.columns(program).run`), one thread", "columns"),
    ]
    print(f"Batch baselines: the same rubric hand-written as whole-column exact code, checked to agree with the "
          f"engine (total, status and every criterion's points) on {len(candidates):,} synthetic candidates, then "
          f"timed over {BATCH_ROWS:,} rows (those candidates repeated; columns already in memory), in the same "
          f"{rounds} rounds as the per-record rows on the {len(candidates):,} candidates; medians:")
    print()
    print("| implementation (call) | per candidate | vs hand-written, per record | vs engine with points, per record |")
    print("|---|---|---|---|")
    for label, name in rows:
        print(f"| {label} | {micro(t[name])} | {times(t[name], hand)} | {times(t[name], points)} |")
    print()
    met = t["columns"] <= TARGET_COLUMNS_VS_NUMPY * t["numpy"]
    print(f"The engine's column back end takes {t['columns'] / t['numpy']:.1f}× the numpy baseline per candidate "
          f"(target ≤ {TARGET_COLUMNS_VS_NUMPY:.0f}×: {verdict(met)}); its totals equal the baseline's on every row.")


def engine_batch(rubric: pr.CompiledRubric, candidates: Sequence[pr.Candidate]) -> tuple[Any, dict[str, Any]]:
    """The rubric's column program, and the candidates' columns repeated to BATCH_ROWS rows (as the baselines')."""
    program = columns(rubric.program)
    made, left = columns_of(rubric.input_specs, [c.values for c in candidates])
    assert not left.any()
    repeat = -(-BATCH_ROWS // len(candidates))

    def tiled(column: Any) -> Any:
        if isinstance(column, numpy.ndarray):
            return numpy.tile(column, repeat)[:BATCH_ROWS]
        field = "ints" if hasattr(column, "ints") else "codes" if hasattr(column, "codes") else "bits"
        return attrs.evolve(column, **{field: numpy.tile(getattr(column, field), repeat)[:BATCH_ROWS]})
    return program, {name: tiled(column) for name, column in made.items()}


def times(value: float, base: float) -> str:
    """'1.1×', or for a small fraction '0.004× (250× faster)'."""
    ratio = value / base
    return f"{ratio:.1f}×" if ratio >= 0.1 else f"{ratio:.3f}× ({1 / ratio:,.0f}× faster)"


def village_section(rounds: int) -> None:
    rubric = pr.load(DESA)
    candidates = synthetic_candidates(DESA, VARIED_CANDIDATES)
    check_agreement(candidates, rubric, {"handwritten_desa": handwritten_desa.score})
    t = race({"hand": (handwritten_desa.score, [c.values for c in candidates]),
              "fast": (lambda c: rubric.evaluate_candidate(c, trace=False), candidates)}, rounds)
    hand, fast = t["hand"], t["fast"]
    print(f"2024 village rubric, {len(candidates):,} varied synthetic candidates:")
    print()
    print("| implementation | per candidate | ratio |")
    print("|---|---|---|")
    print(f"| hand-written Python function, total and status only (`handwritten_desa.score`) | {micro(hand)} | 1.0× |")
    print(f"| engine, scoring call alone, no points read (`evaluate_candidate(c, trace=False)`) | {micro(fast)} "
          f"| {against(fast, hand, 'hand-written', TARGET_FAST_VS_HAND)} |")


# ------------------------------------------------------------------ 3. end to end, in a subprocess


def cached_candidates(count: int, seed: int, bad_share: float, rubric: Path = BATCH, fmt: str = "csv") -> Path:
    """A generated CSV (or JSON Lines file), kept under the temp dir by rubric, generator version, seed, count and
    share of bad rows."""
    CACHE.mkdir(parents=True, exist_ok=True)
    version = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:12]  # a changed generator: new data
    path = CACHE / f"{rubric.stem}-{version}-seed{seed}-n{count}-bad{bad_share:g}.{fmt}"
    if not path.exists():
        partial = path.with_suffix(".partial")
        synth.write(rubric, partial, count, seed=seed, fmt=fmt, bad_share=bad_share)
        partial.replace(path)  # a run stopped halfway never leaves a short file behind in the cache
    return path


def process_tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, in bytes, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # the process ended while we looked
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in tree:
        with contextlib.suppress(OSError, IndexError, ValueError):  # a process that ended meanwhile
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
    return total


class Sampler(threading.Thread):
    """Samples the process tree's memory every 50 ms; stops the tree past a memory limit."""

    def __init__(self, process: subprocess.Popen[bytes], limit: int) -> None:
        super().__init__(daemon=True)
        self.process, self.limit, self.peak, self.over_limit = process, limit, 0, False

    def run(self) -> None:
        while self.process.poll() is None:
            self.peak = max(self.peak, process_tree_rss(self.process.pid))
            if self.peak > self.limit and not self.over_limit:
                self.over_limit = True
                stop(self.process)
            time.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the benchmark's own subprocess and its children (it runs in a session of its own)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 9)


class BatchRun(NamedTuple):
    candidates: int
    seconds: float
    peak: int
    statuses: Counter[str]  # output rows by status
    ledger_bytes: int
    problem: str | None  # why the run failed, or None
    stderr_tail: str

    @property
    def rows_out(self) -> int:
        return sum(self.statuses.values())


def run_batch(data: Path, count: int, timeout: float, memory_limit: int) -> BatchRun:
    with tempfile.TemporaryDirectory(prefix="paritrana-batch-") as folder:
        out, ledger, errors = Path(folder) / "scores.csv", Path(folder) / "ledger.jsonl", Path(folder) / "stderr"
        with errors.open("wb") as stderr:
            run = timed_command(["score", relative(BATCH), str(data), "--format", "csv", "--output", str(out),
                                 "--audit", str(ledger), "--jobs", "2"], timeout, memory_limit, stderr)
        statuses = output_statuses(out)
        problem = batch_problem(run.code, count, sum(statuses.values()), run.over_limit, timeout, memory_limit)
        size = ledger.stat().st_size if ledger.exists() else 0
        return BatchRun(count, run.seconds, run.peak, statuses, size, problem, tail(errors))


def output_statuses(out: Path) -> Counter[str]:
    """The status column of the output, one per row (scored, disqualified, rejected)."""
    if not out.exists():
        return Counter()
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        column = header.index("status") if "status" in header else None
        return Counter(row[column] if column is not None else "?" for row in reader)


def batch_problem(code: int | None, rows_in: int, rows_out: int, over_limit: bool, timeout: float,
                  memory_limit: int) -> str | None:
    # Exit 1 means some candidates were rejected and the others scored: a normal outcome of a batch.
    if over_limit:
        return f"stopped: the process tree passed {memory_limit / 2**30:.1f} GiB"
    if code is None:
        return f"stopped after the {timeout:,.0f} s time limit"
    if code not in (0, 1):
        return f"exit {code}"
    if rows_out != rows_in:
        return f"{rows_out:,} output rows for {rows_in:,} input rows"
    return None


def tail(path: Path, lines: int = 12) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.strip().splitlines()[-lines:])


def by_status(statuses: Counter[str]) -> str:
    """'eligible 18,221, disqualified 1,593, rejected 186': whatever statuses the output holds."""
    return ", ".join(f"{status} {n:,}" for status, n in statuses.most_common()) or "none"


def enough_disk(count: int) -> bool:
    """An audit record is ~3.5 KiB; the ledger of a million candidates needs ~3.5 GB (twice, while written)."""
    return shutil.disk_usage(tempfile.gettempdir()).free > count * 8 * 1024


class LaneRun(NamedTuple):
    seconds: float
    cpu: float  # user + system time of the process tree
    peak: int
    code: int | None
    output: str | None  # the SHA-256 of the output, or None when there is none
    ledger: str | None  # the SHA-256 of the ledger, when one was written
    ledger_bytes: int


LANE_RUNS = (  # label, flags, whether a sealed ledger is written
    ("columns (`columnar` extra)", [], False),
    ("row by row (`--row-by-row`)", ["--row-by-row"], False),
    ("columns, with the sealed ledger (`--audit LEDGER.jsonl`)", [], True),
    ("row by row, with the sealed ledger (`--row-by-row --audit LEDGER.jsonl`)", ["--row-by-row"], True),
)
RECORD_RUNS = (  # the same candidates as JSON Lines records, their values typed
    ("JSON Lines records, columns", []),
    ("JSON Lines records, row by row (`--row-by-row`)", ["--row-by-row"]),
)


def lane_section(count: int, bad_share: float, timeout: float, memory_limit: int) -> None:
    """The 2024 regency/city rubric (ranked within provinces, one nominated) CSV -> scored CSV, in columns and
    row by row, without and with the sealed ledger: wall time, CPU of the process tree, peak memory, and that the
    outputs and the ledgers are the same bytes; then the columns' ledger replayed; then the same candidates as
    JSON Lines records, in columns and row by row."""
    data = cached_candidates(count, SEED, bad_share, KABKOTA)
    print(f"End to end, in columns and row by row: `paritrana-rules score {relative(KABKOTA)} FILE.csv --format csv "
          f"--output OUT.csv --jobs 2 [--row-by-row] [--audit LEDGER.jsonl]` on {count:,} generated candidates "
          f"({bad_share:.0%} with a planted data mistake); then `paritrana-rules replay LEDGER.jsonl --jobs 2` of the "
          "ledger written in columns. CPU is user + system time of the process and its workers:")
    print()
    print("| path | wall time | per candidate | CPU | peak memory (process tree) | ledger | exit |")
    print("|---|---|---|---|---|---|---|")
    runs = []
    with tempfile.TemporaryDirectory(prefix="paritrana-lane-") as folder:
        kept = Path(folder) / "kept.jsonl"  # the columns' ledger, kept for the replay
        for label, flags, audited in LANE_RUNS:
            if audited and not enough_disk(count):
                print(f"| {label} | | | | | | skipped: not enough free disk for the ledger |")
                runs.append(LaneRun(0, 0, 0, None, None, None, 0))  # counted as a run with no output or ledger
                continue
            run = lane_run(data, Path(folder), flags, audited, timeout, memory_limit)
            if audited and not flags and run.ledger is not None:
                (Path(folder) / "ledger.jsonl").replace(kept)
            runs.append(run)
            ledger = f"{run.ledger_bytes / 2**20:,.0f} MiB" if audited else ""
            print(f"| {label} | {run.seconds:,.1f} s | {micro(run.seconds / count)} | {run.cpu:,.1f} s "
                  f"| {run.peak / 2**20:,.0f} MiB | {ledger} | {run.code} |")
        if kept.exists():
            replayed = timed_command(["replay", str(kept), "--jobs", "2"], timeout, memory_limit)
            print(f"| replay of the columns' ledger (`replay LEDGER.jsonl --jobs 2`) | {replayed.seconds:,.1f} s "
                  f"| {micro(replayed.seconds / count)} | {replayed.cpu:,.1f} s | {replayed.peak / 2**20:,.0f} MiB "
                  f"| | {replayed.code} |")
        records = cached_candidates(count, SEED, bad_share, KABKOTA, fmt="jsonl")
        typed = [lane_run(records, Path(folder), flags, False, timeout, memory_limit) for _, flags in RECORD_RUNS]
        for (label, _), run in zip(RECORD_RUNS, typed, strict=True):
            print(f"| {label} | {run.seconds:,.1f} s | {micro(run.seconds / count)} | {run.cpu:,.1f} s "
                  f"| {run.peak / 2**20:,.0f} MiB | | {run.code} |")
    outputs = {run.output for run in runs}
    ledgers = {run.ledger for run, (_, _, audited) in zip(runs, LANE_RUNS, strict=True) if audited}
    from_records = {run.output for run in typed}
    print()
    print(f"Exit 1 means some candidates were rejected (the planted mistakes). The outputs are "
          f"{'the same bytes' if len(outputs) == 1 and None not in outputs else 'NOT the same'} (SHA-256 "
          f"{next(iter(outputs))}); the ledgers are "
          f"{'the same bytes' if len(ledgers) == 1 and None not in ledgers else 'NOT the same'}"
          f"{f' (SHA-256 {next(iter(ledgers))})' if ledgers else ''}. The two outputs of the JSON Lines records are "
          f"{'the same bytes' if len(from_records) == 1 and None not in from_records else 'NOT the same'}.")


def lane_run(data: Path, folder: Path, flags: list[str], audited: bool, timeout: float, memory_limit: int
             ) -> LaneRun:
    out, ledger = folder / "scores.csv", folder / "ledger.jsonl"
    audit = ["--audit", str(ledger)] if audited else []
    run = timed_command(["score", relative(KABKOTA), str(data), "--format", "csv", "--output", str(out), "--jobs",
                         "2", *flags, *audit], timeout, memory_limit)
    digest = file_digest(out)
    written = file_digest(ledger) if audited else None
    size = ledger.stat().st_size if audited and ledger.exists() else 0
    out.unlink(missing_ok=True)
    return LaneRun(run.seconds, run.cpu, run.peak, run.code, digest, written, size)


def file_digest(path: Path) -> str | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Timed(NamedTuple):
    seconds: float
    cpu: float
    peak: int
    code: int | None  # None: stopped at the time limit
    over_limit: bool  # stopped past the memory limit


def timed_command(arguments: list[str], timeout: float, memory_limit: int,
                  stderr: IO[bytes] | int = subprocess.DEVNULL) -> Timed:
    """`paritrana-rules ARGUMENTS` in a session of its own: wall time, CPU of its tree, peak memory of its tree;
    stopped past `timeout` seconds or `memory_limit` bytes."""
    tool = Path(sys.executable).with_name("paritrana-rules")
    prefix = [str(tool)] if tool.exists() else [sys.executable, "-m", "paritrana_rules"]
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen([*prefix, *arguments], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
                               start_new_session=True)
    sampler = Sampler(process, memory_limit)
    sampler.start()
    try:
        code: int | None = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        process.wait()
        code = None
    seconds = time.perf_counter() - start
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Timed(seconds, cpu, sampler.peak, code, sampler.over_limit)


def batch_section(counts: Sequence[int], bad_share: float, timeout: float, memory_limit: int) -> None:
    print(f"End to end: `paritrana-rules score {relative(BATCH)} FILE.csv --format csv --output OUT.csv "
          f"--audit LEDGER.jsonl --jobs 2` in a subprocess, on generated candidates "
          f"({bad_share:.0%} with a planted data mistake); peak memory sums the RSS of the process and "
          f"its descendants, sampled every 50 ms:")
    print()
    print("| candidates | wall time | per candidate | peak memory (process tree) | rows in → out "
          "| output rows by status | ledger | outcome |")
    print("|---|---|---|---|---|---|---|---|")
    failures: list[BatchRun] = []
    for count in counts:
        if not enough_disk(count):
            print(f"| {count:,} | | | | | | | skipped: not enough free disk for the ledger |")
            continue
        data = cached_candidates(count, SEED, bad_share)
        run = run_batch(data, count, timeout, memory_limit)
        each = micro(run.seconds / count) if run.problem is None else ""
        print(f"| {count:,} | {run.seconds:,.1f} s | {each} | {run.peak / 2**20:,.0f} MiB "
              f"| {count:,} → {run.rows_out:,} | {by_status(run.statuses)} "
              f"| {run.ledger_bytes / 2**20:,.0f} MiB | {(run.problem and 'failed: ' + run.problem) or 'ok'} |")
        if run.problem:
            failures.append(run)
    for run in failures:
        print()
        print(f"The run with {run.candidates:,} candidates failed ({run.problem}); its standard error ends with:")
        print()
        print("```")
        print(run.stderr_tail or "(nothing)")
        print("```")


# ------------------------------------------------------------------ the command


def machine() -> str:
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                            check=False)  # outside a git checkout the commit is just unknown
    return (f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start (other jobs share a "
            f"busy machine); paritrana_rules at {commit.stdout.strip() or 'unknown commit'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds; 20,000 and 100,000 candidates end to end")
    parser.add_argument("--skip-batch", action="store_true", help="leave out the end-to-end section")
    parser.add_argument("--batch-timeout", type=float, default=3600, help="seconds before a batch run is stopped")
    parser.add_argument("--batch-memory", type=float, default=None,
                        help="GiB of memory after which a batch run is stopped (default: 3/4 of the machine's)")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 7
    memory = int(args.batch_memory * 2**30) if args.batch_memory else physical_memory() * 3 // 4

    print(f"Measured with `.venv/bin/python benchmarks/run.py{' --quick' if args.quick else ''}` "
          f"({machine()}).")
    print()
    load_section(rounds)
    print()
    kabkota_section(rounds)
    print()
    columnar_section(rounds)
    print()
    village_section(rounds)
    if not args.skip_batch:
        print()
        lane_section(100_000 if args.quick else BATCH_ROWS, bad_share=0.01, timeout=args.batch_timeout,
                     memory_limit=memory)
        print()
        batch_section((20_000, 100_000) if args.quick else (100_000, 1_000_000), bad_share=0.01,
                      timeout=args.batch_timeout, memory_limit=memory)
    return 0


def physical_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


if __name__ == "__main__":
    raise SystemExit(main())
