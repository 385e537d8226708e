"""The funnel at scale: what cuts, ranking and placings cost a `score` batch, in time and memory.

Run:  .venv/bin/python benchmarks/funnel.py [--candidates N] [--jobs J] [--runs abcd] [--out DIR]

N synthetic large companies (default 800,000, docs/award.md §6: over 800,000 registered
employers; benchmarks/synth.py) are generated once to a CSV, cached in the output folder.
Two rubrics are written to OUT/rubrics/, both extending rubrics/2024/perusahaan-besar.rubric
(copied there without its own ranking and placings, which `extends` cannot remove) with the
same two stages (desk assessment, then the interview, whose two inputs arrive at it):

- plain.rubric declares nothing across candidates;
- ranked.rubric adds a cut (`advance top 40 within provinsi` after the desk assessment), a
  ranking (`rank candidates by total, then kepatuhan, then csr_pekerja_rentan within provinsi
  nominate top 3`) and three placings per province (rank 1, rank 2, ranks 4 to 6).

Each run is a separate process tree, timed on the wall clock and the CPU (user + system of
the whole tree, from `os.wait4`), with two memory figures: the peak of the tree's summed RSS
(sampled every 50 ms from /proc) and the kernel's peak RSS of its largest single process:

a. `paritrana-rules score plain.rubric DATA --format csv -o OUT --jobs J`
b. the same with ranked.rubric
c. b with `--audit LEDGER`
d. `paritrana-rules replay LEDGER --rubrics OUT/rubrics --jobs J`

Checks, cheap ones: every run exits 0 or 1 (1: some rows rejected, as planted); a, b and c
write one row per input row; c writes the same bytes as b (the audit changes nothing);
in b each province's ranks are a competition ranking (1, 1, 3), and its nominated and
placed are those its ranks 1 to 3 and each placing's ranks hold: provinces × quota, more
where a tie shares the last place, fewer where a province ranks too few; d verifies
every record. The target: b under 300 MB and within 1.5× a's wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

import paritrana_rules as pr  # noqa: E402

BASE = "2024/perusahaan-besar.rubric"  # inside rubrics/: what both benchmark rubrics extend
SEED = 2024
CUT_TOP = 40
QUOTA = 3  # nominated per province
AWARDS = (("terbaik_1", "First place", 1, 1), ("terbaik_2", "Second place", 2, 2),
          ("harapan", "Honourable mention", 4, 6))  # award, its English label, the ranks it takes
FUNNEL_DECLARATIONS = ("rank candidates", "award ", "group ")
TARGET_MEMORY = 300 * 10**6
TARGET_RATIO = 1.5

# ------------------------------------------------------------------ the two rubrics

STAGES = """rubric "Paritrana Award" edition 2024 period 2023
extends "{base}"
assumption "Benchmark twin (benchmarks/funnel.py): the interview is a stage of its own"

stage penilaian
    label id "Penilaian dokumen" en "Desk assessment"
{cut}
stage wawancara
    label id "Wawancara Tim 9" en "Tim 9 interview"

input hadir_wawancara: one of {{
        pimpinan_tertinggi label id "Direktur utama/CEO/pemilik/rektor" en "President director/CEO/owner/rector",
        direktur label id "Direktur" en "Director",
        manajer label id "GM/manajer SDM" en "General manager/HR manager",
        tidak_hadir label id "Tidak ada pimpinan yang hadir" en "No leader attended"
    }}
    from stage wawancara
    label id "Pimpinan tertinggi yang hadir pada wawancara" en "Most senior leader at the interview"

input nilai_pemahaman: number
    between 0 and 100
    from stage wawancara
    label id "Nilai komitmen dan pemahaman pada wawancara" en "Commitment and understanding shown at the interview"
"""

FUNNEL = f"""
rank candidates by total, then kepatuhan, then csr_pekerja_rentan within provinsi nominate top {QUOTA}

award terbaik_1 to rank 1 within provinsi
    label id "Terbaik I" en "First place"
award terbaik_2 to rank 2 within provinsi
    label id "Terbaik II" en "Second place"
award harapan to ranks 4 to 6 within provinsi
    label id "Harapan" en "Honourable mention"
"""


def without_funnel(text: str) -> str:
    """A rubric's text without what it decides across candidates (top-level `rank candidates`, `award` and
    `group` blocks, and `advance top` lines), so that the two benchmark rubrics differ in exactly that."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.strip() and not line[0].isspace():
            skipping = line.startswith(FUNNEL_DECLARATIONS)
        if not skipping and not line.lstrip().startswith("advance top"):
            kept.append(line)
    return "".join(kept)


def write_rubrics(out: Path) -> tuple[Path, Path]:
    """OUT/rubrics/{plain,ranked}.rubric, in a copy of the bundled rubrics folder (for the shared files the
    base uses), whose base rubric declares no funnel of its own: `extends` cannot remove a ranking."""
    folder = out / "rubrics"
    shutil.copytree(ROOT / "rubrics", folder, dirs_exist_ok=True)
    (folder / BASE).write_text(without_funnel((ROOT / "rubrics" / BASE).read_text(encoding="utf-8")),
                               encoding="utf-8")
    plain, ranked = folder / "plain.rubric", folder / "ranked.rubric"
    plain.write_text(STAGES.format(base=BASE, cut=""), encoding="utf-8")
    cut = f"    advance top {CUT_TOP} within provinsi\n"
    ranked.write_text(STAGES.format(base=BASE, cut=cut) + FUNNEL, encoding="utf-8")
    return plain, ranked


def cached_candidates(out: Path, rubric: Path, count: int, bad_share: float) -> Path:
    """The generated CSV, kept by the generator's version, the inputs it draws, count and share of bad rows."""
    version = hashlib.sha256(Path(synth.__file__).read_bytes())  # a changed generator or inputs: new data
    version.update(repr(pr.load(rubric).input_specs).encode("utf-8"))
    path = out / f"companies-{version.hexdigest()[:12]}-seed{SEED}-n{count}-bad{bad_share:g}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        start = time.perf_counter()
        synth.write(rubric, partial, count, seed=SEED, bad_share=bad_share)
        partial.replace(path)  # a run stopped halfway never leaves a short file behind
        print(f"generated {count:,} candidates in {time.perf_counter() - start:,.0f} s: {path}", file=sys.stderr)
    return path


# ------------------------------------------------------------------ measuring a process tree


def children(pid: int) -> list[int]:
    """A process's children, from /proc/PID/task/*/children (cheap), else from a scan of every process."""
    found: list[int] = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            found += [int(child) for child in Path(task.path, "children").read_text().split()]
    except FileNotFoundError:
        if not Path("/proc/self/task", str(os.getpid()), "children").exists():  # a kernel without the file
            return [child for child, parent in all_parents().items() if parent == pid]
    except (OSError, ValueError):
        pass  # ended while we looked
    return found


def all_parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):  # ended while we looked
                parents[int(entry.name)] = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
    return parents


def tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, in bytes, from /proc."""
    tree, frontier = {root}, [root]
    while frontier:
        found = [pid for pid in children(frontier.pop()) if pid not in tree]
        tree.update(found)
        frontier.extend(found)
    page, total = os.sysconf("SC_PAGE_SIZE"), 0
    for pid in tree:
        with contextlib.suppress(OSError, IndexError, ValueError):  # ended meanwhile
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
    return total


class Measured(NamedTuple):
    label: str
    command: list[str]
    seconds: float
    cpu: float  # user + system seconds of the whole tree
    tree_peak: int  # bytes, the summed RSS of the tree, sampled
    process_peak: int  # bytes, the largest single process (kernel's ru_maxrss)
    code: int | None  # None: stopped at the time limit
    stderr: str
    stdout: str


def measure(label: str, command: list[str], folder: Path, timeout: float) -> Measured:
    """Run a command in a session of its own; wait4 gives the CPU time and peak RSS of it and its reaped
    descendants, a sampling thread the peak of their sum."""
    errors, output = folder / f"{label}.stderr", folder / f"{label}.stdout"
    with errors.open("wb") as stderr, output.open("wb") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=stdout, stderr=stderr, start_new_session=True)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss(process.pid))
                done.wait(0.05)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        def stop() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        timer = threading.Timer(timeout, stop)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        process.returncode = code = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
        done.set()
        sampler.join()
    return Measured(label, command, seconds, usage.ru_utime + usage.ru_stime, peak[0], usage.ru_maxrss * 1024,
                    None if code == -signal.SIGKILL else code, errors.read_text(errors="replace"),
                    output.read_text(errors="replace"))


# ------------------------------------------------------------------ checks


class Rows(NamedTuple):
    count: int
    statuses: Counter[str]
    digest: str
    findings: list[str]  # what is implausible about the funnel's outcome
    funnel: str = ""  # the funnel's outcome in words


def read_output(path: Path, ranked: bool) -> Rows:
    """Rows, statuses and a digest of a score output; for the ranked rubric, whether nominations and placings
    fit the rank column: provinces × quota, more where a tie shares the last place, fewer where a province
    ranks fewer candidates or a tie above leaves a rank empty."""
    if not path.exists():
        return Rows(0, Counter(), "", ["no output"])
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            digest.update(block)
    statuses: Counter[str] = Counter()
    ranks: dict[str, Counter[int]] = {}  # province -> how many share each rank
    won: Counter[tuple[str, str]] = Counter()  # (nominated or a placing's label, province)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            statuses[row["status"]] += 1
            match = re.fullmatch(r"(\d+)=? in (.+)", row.get("rank", "")) if ranked else None
            if match is None:
                continue
            rank, province = int(match[1]), match[2]
            ranks.setdefault(province, Counter())[rank] += 1
            won[("nominated", province)] += row["nominated"] == "yes"
            for _, label, _, _ in AWARDS:
                won[(label, province)] += row["placing"].startswith(label + " ")
    if not ranked:
        return Rows(sum(statuses.values()), statuses, digest.hexdigest(), [])
    totals = Counter(what for what, _ in won.elements())
    words = (f"{len(ranks)} provinces ranked; nominated {totals['nominated']:,} (provinces × {QUOTA} = "
             f"{len(ranks) * QUOTA:,}); placings " + ", ".join(
                 f"{label} {totals[label]:,} (provinces × {last - first + 1} = {len(ranks) * (last - first + 1):,})"
                 for _, label, first, last in AWARDS))
    return Rows(sum(statuses.values()), statuses, digest.hexdigest(), funnel_findings(ranks, won), words)


def funnel_findings(ranks: dict[str, Counter[int]], won: Counter[tuple[str, str]]) -> list[str]:
    """Each province's ranks a competition ranking (1, 1, 3), and as many nominated and placed as the ranks
    1..QUOTA and each placing's ranks hold (ties included, the default)."""
    if not ranks:
        return ["nobody ranked"]
    findings = []
    for province, shared in sorted(ranks.items()):
        expected_next = 1
        for rank in sorted(shared):
            if rank != expected_next:
                findings.append(f"{province}: rank {rank} follows rank {expected_next - 1}'s block")
            expected_next = rank + shared[rank]
        wanted = [("nominated", 1, QUOTA)] + [(label, first, last) for _, label, first, last in AWARDS]
        for what, first, last in wanted:
            expected = sum(n for rank, n in shared.items() if first <= rank <= last)
            if won[(what, province)] != expected:
                findings.append(f"{province}: {won[(what, province)]} {what}, expected {expected}")
    return findings


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


# ------------------------------------------------------------------ the command


def tool() -> list[str]:
    command = Path(sys.executable).with_name("paritrana-rules")
    return [str(command)] if command.exists() else [sys.executable, "-m", "paritrana_rules"]


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def machine() -> str:
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                            check=False)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {load} at the start; paritrana_rules at "
            f"{commit.stdout.strip() or 'unknown commit'}")


class Step(NamedTuple):
    label: str
    command: list[str]
    out: Path | None  # the score output, or None for the replay
    ranked: bool


def plan(args: argparse.Namespace, data: Path, plain: Path, ranked: Path, work: Path, ledger: Path) -> dict[str, Step]:
    jobs = ["--jobs", str(args.jobs)]

    def score(rubric: Path, out: Path, *extra: str) -> list[str]:
        return [*tool(), "score", str(rubric), str(data), "--format", "csv", "-o", str(out), *jobs, *extra]

    return {
        "a": Step("a. score, plain rubric", score(plain, work / "a.csv"), work / "a.csv", False),
        "b": Step("b. score, ranked, cut and placed", score(ranked, work / "b.csv"), work / "b.csv", True),
        "c": Step("c. b with --audit", score(ranked, work / "c.csv", "--audit", str(ledger)), work / "c.csv", True),
        "d": Step("d. replay of c's ledger", [*tool(), "replay", str(ledger), "--rubrics", str(ranked.parent), *jobs],
                  None, False),
    }


def check(key: str, step: Step, run: Measured, rows_in: int, outputs: dict[str, Rows], timeout: float) -> str:
    """What is wrong with a run, or 'ok'; reads (and records in `outputs`) a score run's output."""
    problems = []
    if run.code is None:
        problems.append(f"stopped after {timeout:,.0f} s")
    elif run.code not in (0, 1) or (key == "d" and run.code != 0):  # 1: some rows rejected, as planted
        problems.append(f"exit {run.code}: {' '.join(run.stderr.strip().splitlines()[-1:])}")
    if step.out is not None:
        rows = outputs[key] = read_output(step.out, step.ranked)
        if rows.count != rows_in:
            problems.append(f"{rows.count:,} rows out for {rows_in:,} in")
        problems += rows.findings[:5]
        if key == "c" and "b" in outputs and rows.digest != outputs["b"].digest:
            problems.append("output differs from b's")
    elif re.search(r"[\d,]+ records verified", run.stdout) is None:
        problems.append("no 'records verified' line")
    return "; ".join(problems) or "ok"


def report(args: argparse.Namespace, started: str, steps: dict[str, Step], results: dict[str, Measured],
           checks: dict[str, str], outputs: dict[str, Rows], rows_in: int, ledger_size: int) -> None:
    print(f"Measured with `.venv/bin/python benchmarks/funnel.py --candidates {args.candidates} --jobs {args.jobs}"
          f"{'' if args.runs == 'abcd' else ' --runs ' + args.runs}` ({started}).")
    print()
    print(f"{rows_in:,} synthetic large companies ({args.bad_share:.0%} with a planted mistake), "
          f"`--jobs {args.jobs}`; peak memory of the tree sums the RSS of the process and its workers, sampled "
          f"every 50 ms; the largest process is the kernel's peak RSS (`ru_maxrss`). CPU is user + system time "
          f"of the whole tree: on a shared machine it varies less than the wall time.")
    print()
    print("| run | wall time | CPU (user + sys) | peak memory (tree) | largest process | vs a (wall / CPU) "
          "| rows out | check |")
    print("|---|---|---|---|---|---|---|---|")
    for key, run in results.items():
        versus = ""
        if "a" in results and key != "a":
            versus = f"{run.seconds / results['a'].seconds:.2f}× / {run.cpu / results['a'].cpu:.2f}×"
        rows = outputs.get(key)
        verified = re.search(r"([\d,]+) records verified", run.stdout)
        out_rows = f"{rows.count:,}" if rows else f"{verified[1] if verified else 'no'} records verified"
        print(f"| {steps[key].label} | {run.seconds:,.1f} s | {run.cpu:,.1f} s | {mib(run.tree_peak)} "
              f"| {mib(run.process_peak)} | {versus} | {out_rows} | {checks[key]} |")
    print()
    if "b" in outputs:
        statuses = ", ".join(f"{s} {n:,}" for s, n in outputs["b"].statuses.most_common())
        print(f"b's rows by status: {statuses}. {outputs['b'].funnel}.")
    if ledger_size:
        print(f"c's ledger: {mib(ledger_size)}.")
    if "b" in results:
        run = results["b"]
        verdicts = [f"peak memory {run.tree_peak / 1e6:,.0f} MB "
                    f"({'met' if run.tree_peak <= TARGET_MEMORY else 'not met'}: target under 300 MB)"]
        if "a" in results:
            ratio = run.seconds / results["a"].seconds
            verdicts.append(f"wall time {ratio:.2f}× a's ({'met' if ratio <= TARGET_RATIO else 'not met'}: "
                            f"target ≤ {TARGET_RATIO:g}×)")
        print(f"Targets for b: {'; '.join(verdicts)}.")
    print()
    print("Commands:")
    print()
    for key, run in results.items():
        print(f"- {key}: `{' '.join(run.command)}`")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=800_000, help="how many companies (default 800,000)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of each run (default 2)")
    parser.add_argument("--runs", default="abcd", help="which runs, of a (plain), b (ranked), c (b audited), "
                        "d (replay of c's ledger); d needs c (default abcd)")
    parser.add_argument("--bad-share", type=float, default=0.01, help="rows with one planted mistake (default 0.01)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/paritrana-funnel"),
                        help="folder for the data (cached), rubrics, outputs (default /tmp/paritrana-funnel)")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds before a run is stopped")
    parser.add_argument("--keep", action="store_true", help="keep the outputs and the ledger")
    args = parser.parse_args(argv)
    if not set(args.runs) <= set("abcd") or ("d" in args.runs and "c" not in args.runs):
        parser.error("--runs takes letters among a, b, c, d; d needs c")
    if args.candidates < 1 or not 0 <= args.bad_share <= 1:
        parser.error("--candidates must be 1 or more and --bad-share between 0 and 1")

    args.out.mkdir(parents=True, exist_ok=True)
    plain, ranked = write_rubrics(args.out)
    data = cached_candidates(args.out, ranked, args.candidates, args.bad_share)
    rows_in = count_rows(data)
    work = args.out / f"runs-n{args.candidates}"
    work.mkdir(exist_ok=True)
    ledger = work / "ledger.jsonl"
    steps = plan(args, data, plain, ranked, work, ledger)
    started = machine()
    results: dict[str, Measured] = {}
    checks: dict[str, str] = {}
    outputs: dict[str, Rows] = {}
    for key in (k for k in "abcd" if k in args.runs):
        print(f"running {steps[key].label} ...", file=sys.stderr, flush=True)
        run = results[key] = measure(key, steps[key].command, work, args.timeout)
        checks[key] = check(key, steps[key], run, rows_in, outputs, args.timeout)
        if steps[key].out is not None and not args.keep:
            steps[key].out.unlink(missing_ok=True)
        print(f"  {run.seconds:,.1f} s, {mib(run.tree_peak)}: {checks[key]}", file=sys.stderr, flush=True)
    ledger_size = ledger.stat().st_size if ledger.exists() else 0
    if not args.keep:
        ledger.unlink(missing_ok=True)
    report(args, started, steps, results, checks, outputs, rows_in, ledger_size)
    return 0 if all(verdict == "ok" for verdict in checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
