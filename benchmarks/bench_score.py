"""Measure loading each bundled rubric, scoring one candidate (fast and traced), and auditing it.

Run:  .venv/bin/python benchmarks/bench_score.py
Prints a Markdown table (the one in README). For the village rubric it also times
a hand-written Python function of the same rules (handwritten_desa.py), the
baseline the engine is compared with. Figures are medians of repeated runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import paritrana_rules as pr
from paritrana_rules.audit import canonical

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from handwritten_desa import score as handwritten  # noqa: E402


ORIGINALS = [ROOT / "rubrics/2024" / f"{name}.rubric" for name in ("kabupaten-kota", "pemerintah-desa", "perusahaan-besar")]


def median_seconds(action: Callable[[], object], repeat: int, number: int) -> float:
    """Median over `repeat` rounds of the mean time of `number` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            action()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def micro(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def main() -> None:
    library = sorted((ROOT / "rubrics").rglob("*.rubric"))
    loads = sorted(median_seconds(lambda p=p: pr.load(p), repeat=3, number=2) for p in library)
    print(f"Loading the whole library ({len(library)} rubrics, many built with `extends`): median "
          f"{statistics.median(loads) * 1e3:,.1f} ms, slowest {loads[-1] * 1e3:,.1f} ms per rubric.")
    print()
    print("| rubric | load (parse + check + compile) | score, fast | score, traced | traced + explain (id) |")
    print("|---|---|---|---|---|")
    for path in ORIGINALS:
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        load = median_seconds(lambda: pr.loads(text, relative), repeat=7, number=5)
        rubric = pr.loads(text, relative)
        examples = ROOT / "examples" / path.parent.name / (path.stem + ".yaml")
        candidates, _ = pr.load_candidates(examples, rubric.input_specs)
        raw = dict(candidates[0].values)
        fast = median_seconds(lambda: rubric.evaluate(raw, trace=False), repeat=7, number=300)
        traced = median_seconds(lambda: rubric.evaluate(raw), repeat=7, number=300)
        explained = median_seconds(lambda: rubric.evaluate(raw).explain("id"), repeat=7, number=100)
        print(f"| {relative} | {load * 1e3:,.1f} ms | {micro(fast)} | {micro(traced)} | {micro(explained)} |")

    rubric = pr.load(ROOT / "rubrics/2024/pemerintah-desa.rubric")
    candidates, _ = pr.load_candidates(ROOT / "examples/2024/pemerintah-desa.yaml", rubric.input_specs)
    values = dict(candidates[0].values)
    engine = median_seconds(lambda: rubric.evaluate_candidate(candidates[0], trace=False), repeat=7, number=1000)
    baseline = median_seconds(lambda: handwritten(values), repeat=7, number=1000)
    print()
    print("| village rubric, validated candidate | per candidate |")
    print("|---|---|")
    print(f"| engine, fast path | {micro(engine)} |")
    print(f"| hand-written Python function | {micro(baseline)} |")
    print(f"| ratio | {engine / baseline:.1f}× |")

    print()
    print("| audit (per candidate) | fast score | traced score | traced + audit record (canonical bytes) | record size |")
    print("|---|---|---|---|---|")
    for path in ORIGINALS:
        rubric = pr.load(path)
        examples = ROOT / "examples" / path.parent.name / (path.stem + ".yaml")
        candidate = pr.load_candidates(examples, rubric.input_specs)[0][0]
        fast = median_seconds(lambda: rubric.evaluate_candidate(candidate, trace=False), repeat=7, number=300)
        traced = median_seconds(lambda: rubric.evaluate_candidate(candidate), repeat=7, number=300)
        audited = median_seconds(lambda: canonical(rubric.evaluate_candidate(candidate).audit()), repeat=7, number=100)
        size = len(canonical(rubric.evaluate_candidate(candidate).audit()))
        relative = path.relative_to(ROOT).as_posix()
        print(f"| {relative} | {micro(fast)} | {micro(traced)} | {micro(audited)} | {size / 1024:.1f} KiB |")


if __name__ == "__main__":
    main()
