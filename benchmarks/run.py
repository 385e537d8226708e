"""The benchmark suite: one command prints the Markdown tables for README's Speed section.

Run:  .venv/bin/python benchmarks/run.py [--quick]

Sections:
1. Load time (parse + check + compile) of every bundled rubric, and per-candidate
   costs of the 2024 originals on their example candidates.
2. Per-candidate cost for the 2024 regency/city rubric on 2,000 varied synthetic
   candidates (benchmarks/synth.py): the hand-written function
   (handwritten_kabkota.py), the engine's fast and audited paths, GoRules Zen and
   rule-engine (engines.py), with the ratios against the targets. The same for the
   village rubric against handwritten_desa.py.
3. End to end: `paritrana-rules score ... --audit ... --jobs 2` on 100,000 and
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
from typing import Any, NamedTuple

import paritrana_rules as pr
from paritrana_rules.data import Candidate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

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
SEED = 2024
TARGET_FAST_VS_HAND = 1.5
TARGET_AUDITED_VS_FAST = 3.0
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


def micro(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def milli(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ------------------------------------------------------------------ 1. loading and the 2024 originals


def load_section(rounds: int) -> None:
    library = sorted((ROOT / "rubrics").rglob("*.rubric"))
    loads = sorted(median_per_call(functools.partial(pr.load, path), rounds=rounds, number=2) for path in library)
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
    load = median_per_call(lambda: pr.load(path), rounds=rounds, number=3)
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


class Measured(NamedTuple):
    label: str
    seconds: float
    ratio: str = ""


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


def kabkota_section(rounds: int) -> None:
    rubric = pr.load(KABKOTA)
    candidates = synthetic_candidates(KABKOTA, VARIED_CANDIDATES)
    values = [c.values for c in candidates]
    others = {name: make() for name, make in engines.SCORERS.items()}
    check_agreement(candidates, rubric, {"hand-written": handwritten_kabkota.score, **others})

    hand = median_per_item(handwritten_kabkota.score, values, rounds)
    fast = median_per_item(lambda c: rubric.evaluate_candidate(c, trace=False), candidates, rounds)
    traced = median_per_item(lambda c: rubric.evaluate_candidate(c).trace, candidates, rounds)  # built on first use
    audited = median_per_item(lambda c: audit_record(rubric, c), candidates, rounds)
    rows = [
        Measured("hand-written Python function (`handwritten_kabkota.py`)", hand, "1.0× hand-written"),
        Measured("engine, fast path (`evaluate_candidate(c, trace=False)`)", fast,
                 against(fast, hand, "hand-written", TARGET_FAST_VS_HAND)),
        Measured("engine, audited: every step recorded in the canonical audit record a ledger holds "
                 "(`record_writer.scored(evaluate_candidate(c))`)", audited,
                 against(audited, fast, "fast", TARGET_AUDITED_VS_FAST)),
        Measured("engine, trace laid out as `TraceStep` objects for explanations (`evaluate_candidate(c).trace`)",
                 traced, f"{traced / fast:.1f}× fast"),
    ]
    notes = {"GoRules Zen": "JDM graph, incl. JSON encoding", "rule-engine": "rules, 50-digit decimals"}
    rows += [Measured(f"{name} ({notes[name]})", median_per_item(scorer, values, rounds))
             for name, scorer in others.items()]
    rows = [r._replace(ratio=r.ratio or f"{r.seconds / hand:.1f}× hand-written") for r in rows]
    print(f"2024 regency/city rubric, {len(candidates):,} varied synthetic candidates (validated), "
          f"median of {rounds} rounds:")
    print()
    print("| implementation | per candidate | ratio (target) |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row.label} | {micro(row.seconds)} | {row.ratio} |")


def against(value: float, base: float, base_name: str, target: float) -> str:
    ratio = value / base
    verdict = "met" if ratio <= target else "not met"
    return f"{ratio:.1f}× {base_name} (target ≤ {target:g}×: {verdict})"


def village_section(rounds: int) -> None:
    rubric = pr.load(DESA)
    candidates = synthetic_candidates(DESA, VARIED_CANDIDATES)
    check_agreement(candidates, rubric, {"handwritten_desa": handwritten_desa.score})
    hand = median_per_item(handwritten_desa.score, [c.values for c in candidates], rounds)
    fast = median_per_item(lambda c: rubric.evaluate_candidate(c, trace=False), candidates, rounds)
    print(f"2024 village rubric, {len(candidates):,} varied synthetic candidates:")
    print()
    print("| implementation | per candidate | ratio |")
    print("|---|---|---|")
    print(f"| hand-written Python function (`handwritten_desa.py`) | {micro(hand)} | 1.0× |")
    print(f"| engine, fast path | {micro(fast)} | {against(fast, hand, 'hand-written', TARGET_FAST_VS_HAND)} |")


# ------------------------------------------------------------------ 3. end to end, in a subprocess


def cached_candidates(count: int, seed: int, bad_share: float) -> Path:
    """A generated CSV, kept under the temp dir by generator version, seed, count and share of bad rows."""
    CACHE.mkdir(parents=True, exist_ok=True)
    version = hashlib.sha256(Path(synth.__file__).read_bytes()).hexdigest()[:12]  # a changed generator: new data
    path = CACHE / f"{BATCH.stem}-{version}-seed{seed}-n{count}-bad{bad_share:g}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        synth.write(BATCH, partial, count, seed=seed, bad_share=bad_share)
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


def score_command(data: Path, out: Path, ledger: Path) -> list[str]:
    tool = Path(sys.executable).with_name("paritrana-rules")
    prefix = [str(tool)] if tool.exists() else [sys.executable, "-m", "paritrana_rules"]
    return [*prefix, "score", relative(BATCH), str(data), "--format", "csv", "--output", str(out),
            "--audit", str(ledger), "--jobs", "2"]


def run_batch(data: Path, count: int, timeout: float, memory_limit: int) -> BatchRun:
    with tempfile.TemporaryDirectory(prefix="paritrana-batch-") as folder:
        out, ledger, errors = Path(folder) / "scores.csv", Path(folder) / "ledger.jsonl", Path(folder) / "stderr"
        with errors.open("wb") as stderr:
            start = time.perf_counter()
            process = subprocess.Popen(score_command(data, out, ledger), cwd=ROOT, stdout=subprocess.DEVNULL,
                                       stderr=stderr, start_new_session=True)
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
        statuses = output_statuses(out)
        problem = batch_problem(code, count, sum(statuses.values()), sampler.over_limit, timeout, memory_limit)
        size = ledger.stat().st_size if ledger.exists() else 0
        return BatchRun(count, seconds, sampler.peak, statuses, size, problem, tail(errors))


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
            f"{os.cpu_count()} CPUs; paritrana_rules at {commit.stdout.strip() or 'unknown commit'}")


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
    village_section(rounds)
    if not args.skip_batch:
        print()
        batch_section((20_000, 100_000) if args.quick else (100_000, 1_000_000), bad_share=0.01,
                      timeout=args.batch_timeout, memory_limit=memory)
    return 0


def physical_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


if __name__ == "__main__":
    raise SystemExit(main())
