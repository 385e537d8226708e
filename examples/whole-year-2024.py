"""The whole 2024 edition of the Paritrana Award, audited to the prize.

Run from anywhere:

    .venv/bin/python examples/whole-year-2024.py [OUT_DIR]

(OUT_DIR defaults to a new temporary folder; it is printed at the end.)

What it does, through the command line (`paritrana_rules.cli.main`, exactly the
`paritrana-rules` command, run in this process), for every
category of edition 2024 (assessment period 2023) that has a rubric in
rubrics/2024/:

1. The provincial rounds. The award's provincial committees each rank their
   own candidates and nominate their first place (docs/award.md section 2,
   step 6). So each category's example data is split by province, one file per
   province (the province as the rubric reads it: "Jatim" and "Jawa Timur" are
   one), and each province is scored on its own with
   `score PROVINCIAL_RUBRIC PROVINCE_FILE --audit LEDGER`: one sealed ledger per
   province and category.
2. The national rounds. Each category's national rubric (`X-nasional.rubric`)
   scores the national example rows of the candidates those ledgers nominated,
   with `score ... --nominees LEDGER ...` naming every provincial ledger of the
   category. Pemerintah Provinsi has no provincial round (provinces are judged
   nationally only, docs/award.md section 1): it is scored nationally at once.
   A category whose national rubric or national example data does not exist is
   skipped with a note (the kelurahan category has no national round).
3. The audit. `replay` re-derives every ledger: each provincial ledger on its
   own, each national one `--nominees` its provincial ledgers.

It prints, per category, who each province nominated and the placings of the
national round, and exits 1 if any step failed (0 otherwise).

OUT_DIR receives data/ (the split and filtered data files) and ledgers/.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import paritrana_rules as pr
from paritrana_rules.cli import main as paritrana_rules_cli

ROOT = Path(__file__).resolve().parents[1]
EDITION = "2024"
RUBRICS = ROOT / "rubrics" / EDITION
EXAMPLES = ROOT / "examples" / EDITION
NATIONAL_ONLY = {"pemerintah-provinsi"}  # judged at the national level only (docs/award.md section 1)
PROVINCIAL_ONLY = {"pemerintah-kelurahan": "no national round for kelurahan is on record (see its rubric)"}


@dataclass
class Outcome:
    """What happened to one category."""

    category: str
    provincial_ledgers: list[Path] = field(default_factory=list)
    national_ledger: Path | None = None
    nominees: dict[str, list[str]] = field(default_factory=dict)  # ledger stem -> ids nominated
    placings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class Result:
    """What one command printed, and its exit status."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str | Path) -> Result:
    """Run `paritrana-rules ARGS` as the command line does (`paritrana_rules.cli.main`), from the repository root:
    the rubric paths that ledgers record are relative to it. In this process, to save a start-up per command."""
    out, err = io.BytesIO(), io.BytesIO()
    stdout, stderr = io.TextIOWrapper(out, encoding="utf-8"), io.TextIOWrapper(err, encoding="utf-8")
    saved, here, handler = (sys.stdout, sys.stderr), Path.cwd(), signal.getsignal(signal.SIGTERM)
    os.chdir(ROOT)
    sys.stdout, sys.stderr = stdout, stderr
    try:
        code = paritrana_rules_cli([str(a) for a in args])
    finally:
        stdout.flush()
        stderr.flush()
        sys.stdout, sys.stderr = saved
        os.chdir(here)
        signal.signal(signal.SIGTERM, handler)
    return Result(code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace"))


def ran(outcome: Outcome, what: str, result: Result) -> bool:
    if result.returncode == 0:
        return True
    outcome.failures.append(f"{what}: exit {result.returncode}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return False


def rows_of(path: Path) -> list[dict[str, Any]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = document["candidates"] if isinstance(document, dict) else document
    return [{k: v for k, v in row.items() if k != "expect"} for row in rows]


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"candidates": rows}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def provinces(rubric: Path, data: Path) -> dict[str, str]:
    """Each candidate's province as the rubric reads it (a member name for a one-of, the text otherwise)."""
    compiled = pr.load(rubric)
    candidates, _ = pr.load_candidates(data, compiled.input_specs)
    return {c.id: str(c.values.get("provinsi", "tanpa-provinsi")) for c in candidates}


def ranking_record(ledger: Path) -> dict[str, Any]:
    for line in ledger.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("kind") == "ranking":
            return dict(record)
    return {}


def placing_records(ledger: Path) -> list[dict[str, Any]]:
    found = []
    for line in ledger.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("kind") == "placing" and record["placing"]["awards"]:
            found.append(record["placing"])
    return found


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def provincial_round(outcome: Outcome, out: Path) -> None:
    name = outcome.category
    rubric, data = RUBRICS / f"{name}.rubric", EXAMPLES / f"{name}.yaml"
    if not data.exists():
        outcome.notes.append(f"no example data {data.relative_to(ROOT)}: provincial round skipped")
        return
    province_of = provinces(rubric, data)
    by_province: dict[str, list[dict[str, Any]]] = {}
    for row in rows_of(data):
        by_province.setdefault(province_of.get(str(row["id"]), "ditolak"), []).append(row)
    for province, rows in sorted(by_province.items()):
        split = write_rows(out / "data" / "provinsi" / name / f"{slug(province)}.yaml", rows)
        ledger = out / "ledgers" / "provinsi" / name / f"{slug(province)}.jsonl"
        ledger.parent.mkdir(parents=True, exist_ok=True)
        if ran(outcome, f"score {name} in {province}", cli("score", rubric, split, "--audit", ledger)):
            outcome.provincial_ledgers.append(ledger)
            outcome.nominees[province] = list(ranking_record(ledger).get("nominated", []))


def national_round(outcome: Outcome, out: Path) -> None:
    name = outcome.category
    national = name if name in NATIONAL_ONLY else f"{name}-nasional"
    rubric, data = RUBRICS / f"{national}.rubric", EXAMPLES / f"{national}.yaml"
    if name in PROVINCIAL_ONLY:
        outcome.notes.append(PROVINCIAL_ONLY[name])
        return
    if not rubric.exists():
        outcome.notes.append(f"no national rubric {rubric.relative_to(ROOT)} (yet): national round skipped")
        return
    if not data.exists():
        outcome.notes.append(f"no national example data {data.relative_to(ROOT)}: national round skipped")
        return
    ledger = out / "ledgers" / "nasional" / f"{national}.jsonl"
    ledger.parent.mkdir(parents=True, exist_ok=True)
    nominees: list[str | Path] = []
    rows = rows_of(data)
    if name not in NATIONAL_ONLY:
        if not outcome.provincial_ledgers:
            outcome.notes.append("no provincial ledger: national round skipped")
            return
        nominated = {i for ids in outcome.nominees.values() for i in ids}
        rows = [row for row in rows if str(row["id"]) in nominated]
        missing = sorted(nominated - {str(row["id"]) for row in rows})
        if missing:
            outcome.notes.append(f"nominated but not in {data.relative_to(ROOT)}: {', '.join(missing)}")
        nominees = ["--nominees", *outcome.provincial_ledgers]
    filtered = write_rows(out / "data" / "nasional" / f"{national}.yaml", rows)
    if ran(outcome, f"score {national}", cli("score", rubric, filtered, "--audit", ledger, *nominees)):
        outcome.national_ledger = ledger
        outcome.placings = placing_records(ledger)


def audit(outcome: Outcome) -> None:
    for ledger in outcome.provincial_ledgers:
        ran(outcome, f"replay {ledger.name}", cli("replay", ledger))
    if outcome.national_ledger is not None:
        nominees: list[str | Path] = []
        if outcome.category not in NATIONAL_ONLY:
            nominees = ["--nominees", *outcome.provincial_ledgers]
        ran(outcome, f"replay {outcome.national_ledger.name}", cli("replay", outcome.national_ledger, *nominees))


def categories() -> list[str]:
    """Every category of the edition: each rubric that is not a national twin."""
    return sorted(p.stem for p in RUBRICS.glob("*.rubric") if not p.stem.endswith("-nasional"))


def summary(outcome: Outcome) -> str:
    lines = [f"== {outcome.category}"]
    if outcome.provincial_ledgers:
        lines.append(f"  provincial rounds: {len(outcome.provincial_ledgers)} provinces")
        for province, ids in sorted(outcome.nominees.items()):
            lines.append(f"    {province}: {', '.join(ids) if ids else '(nobody nominated)'}")
    awarded = [(award, placing) for placing in outcome.placings for award in placing["awards"]]
    for award, placing in sorted(awarded, key=lambda pair: (pair[0]["award"], str(pair[0].get("group")))):
        where = f" in {award['group']}" if award.get("group") else ""
        lines.append(f"  placing: {award['award']}{where}: {placing['candidate']} (rank {award['rank']} "
                     f"of {award['of']})")
    if outcome.national_ledger is not None and not outcome.placings:
        lines.append("  national round: no placing awarded")
    lines += [f"  note: {note}" for note in outcome.notes]
    lines += [f"  FAILED {failure}" for failure in outcome.failures]
    return "\n".join(lines)


def run(out: Path) -> list[Outcome]:
    outcomes = []
    for name in categories():
        outcome = Outcome(name)
        if name not in NATIONAL_ONLY:
            provincial_round(outcome, out)
        national_round(outcome, out)
        audit(outcome)
        outcomes.append(outcome)
    return outcomes


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="paritrana-2024-"))
    out.mkdir(parents=True, exist_ok=True)
    outcomes = run(out.resolve())
    for outcome in outcomes:
        print(summary(outcome))
    failed = [o.category for o in outcomes if o.failures]
    print(f"\n{len(outcomes)} categories, {len(failed)} failed; ledgers in {out / 'ledgers'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
