"""The `paritrana-rules` command: check, score, explain, replay, test, diff, fmt and docs.

Exit codes: 0 success; 1 a rubric or candidate data has a problem; 2 usage
errors (bad arguments, missing files); 3 an internal error, which prints a
one-line message (and the traceback only with --debug). No traceback reaches
a user otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import attrs


from paritrana_rules import __version__
from paritrana_rules.evaluate.rubric import CompiledRubric, diagnose, load, read_rubric
from paritrana_rules.audit.records import Ledger, atomic_file, write_atomically
from paritrana_rules.batch.rows import Options, Row, counted, csv_header, line, points_of, rank_cells, score_rows
from paritrana_rules.committee.cases import run as run_cases
from paritrana_rules.data import RawCandidate, Rejected, iter_candidates, iter_rows, with_first_origins
from paritrana_rules.committee.diff import diff_rubrics, pair_folders, render_movements, rescore
from paritrana_rules.language.format import fmt_command, rubric_files
from paritrana_rules.explain.handbook import handbook
from paritrana_rules.errors import Diagnostic, InputError, RubricError, did_you_mean, render_all
from paritrana_rules.numeric import plain
from paritrana_rules.audit.replay import replay
from paritrana_rules.language.extends import rubrics_root
from paritrana_rules.audit.nominations import Nomination, NominationError, nominated_ids, read_nominations
from paritrana_rules.rank.ranking import Entry, Placing, place
from paritrana_rules.rank.ranking import describe as describe_ranking
from paritrana_rules.evaluate.result import Result

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A mistake in how the command was called: exit 2."""


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"paritrana-rules: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RubricError as error:
        print(render_all(error.diagnostics), file=sys.stderr)
        return EXIT_PROBLEM
    except InputError as error:
        print(str(error), file=sys.stderr)
        return EXIT_PROBLEM
    except NominationError as error:
        print("\n".join(error.messages), file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("paritrana-rules: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: never a raw traceback
        if args.debug:
            traceback.print_exc()
        print(f"paritrana-rules: internal error: {type(error).__name__}: {error}"
              + ("" if args.debug else " (run with --debug to see the traceback)"), file=sys.stderr)
        return EXIT_INTERNAL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paritrana-rules",
        description="Check Paritrana Award rubrics and score candidates with explained, exact results.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", parents=[common], help="check rubric files for mistakes",
                                description="Check rubric files (or every *.rubric under a directory).")
    check.add_argument("paths", nargs="+", metavar="PATH", help="rubric file or directory")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="treat warnings as problems (exit 1)")
    check.set_defaults(run=_check)

    score = commands.add_parser("score", parents=[common], help="score candidates from a data file",
                                description="Score every candidate in a YAML, JSON, JSON Lines, CSV or .xlsx file: "
                                            "one output row per input row, in order. CSV, JSON Lines and .xlsx are "
                                            "read as a stream, so files of any size score in flat memory.")
    score.add_argument("rubric", metavar="RUBRIC")
    score.add_argument("data", metavar="DATA", help="candidates: .yaml, .yml, .json, .jsonl, .csv or .xlsx")
    score.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table",
                       help="jsonl: one JSON object per input row, in file order")
    score.add_argument("--explain", action="store_true", help="add each candidate's explanation")
    score.add_argument("--lang", choices=("en", "id"), default="en", help="language of explanations")
    score.add_argument("--output", "-o", metavar="FILE", help="write here (atomically) instead of standard output")
    score.add_argument("--audit", metavar="LEDGER", help="also write a sealed, hash-chained audit ledger (.jsonl)")
    score.add_argument("--stage", metavar="NAME",
                       help="score everyone at this stage (default: the stage each candidate's data has reached); "
                            "candidates who pass its advance rules are 'pending' the later stages")
    score.add_argument("--nominees", nargs="+", metavar="LEDGER",
                       help="a national round: score only the candidates these provincial ledgers nominate (each "
                            "must verify); the ledger written with --audit names them")
    score.add_argument("--jobs", "-j", type=_positive, default=1, metavar="N",
                       help="score in N processes (the output keeps the input's order)")
    score.set_defaults(run=_score)

    replay = commands.add_parser("replay", parents=[common], help="verify an audit ledger or record",
                                 description="Verify every record of an audit ledger: hashes, chain, seal, rubric, "
                                             "and each derivation step by step.")
    replay.add_argument("ledger", metavar="LEDGER", help="a .jsonl ledger written by 'score --audit', or one record (.json)")
    replay.add_argument("--rubrics", nargs="+", metavar="PATH",
                        help="rubric files or folders to find the rubric in (default: the recorded path, else rubrics/)")
    replay.add_argument("--against-current", action="store_true",
                        help="if the rubric changed, re-score under the current one and report the difference")
    replay.add_argument("--nominees", nargs="+", metavar="LEDGER",
                        help="for a national round: the provincial ledgers it names, to check they nominate the "
                             "candidates it scored")
    replay.add_argument("--jobs", "-j", type=_positive, default=1, metavar="N",
                        help="re-derive the records in N processes")
    replay.add_argument("--format", choices=("text", "json"), default="text")
    replay.set_defaults(run=_replay)

    test = commands.add_parser("test", parents=[common], help="run rubrics' example cases, coverage and properties",
                               description="Run each rubric's example cases (examples/ beside rubrics/), report "
                                           "which rules no case reaches, and check the rubric's properties.")
    test.add_argument("paths", nargs="*", default=["rubrics"], metavar="PATH", help="rubric files or folders")
    test.add_argument("--cases", metavar="FILE", help="example cases to use (for a single rubric)")
    test.add_argument("--examples", type=_positive, default=200, metavar="N",
                      help="generated candidates per property (default 200)")
    test.set_defaults(run=_test)

    diff = commands.add_parser("diff", parents=[common], help="what changed in meaning between two rubrics",
                               description="Compare two rubrics (or two folders of rubrics, paired by category and "
                                           "sector): criteria, weights, bands, tables, gates and labels, with "
                                           "locations; with --candidates, whose score, status and rank change.")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--candidates", metavar="FILE", help="candidate data to score under both")
    diff.set_defaults(run=_diff)

    fmt = commands.add_parser("fmt", parents=[common], help="lay rubric files out the standard way",
                              description="Rewrite rubric files (or every *.rubric under a folder) in the canonical "
                                          "layout; comments are kept and the meaning never changes.")
    fmt.add_argument("paths", nargs="+", metavar="PATH")
    fmt.add_argument("--check", action="store_true", help="only list files that would change; exit 1 if any")
    fmt.set_defaults(run=lambda args: fmt_command(args.paths, args.check))

    docs = commands.add_parser("docs", parents=[common], help="the handbook candidates read, from a rubric",
                               description="Generate the handbook of a rubric: criteria and weights, how points are "
                                           "earned, conditions, bonuses, the data to submit and its evidence.")
    docs.add_argument("rubric", metavar="RUBRIC")
    docs.add_argument("--lang", choices=("id", "en"), default="id")
    docs.add_argument("--format", choices=("markdown", "text"), default="markdown")
    docs.add_argument("--output", "-o", metavar="FILE")
    docs.set_defaults(run=_docs)

    explain = commands.add_parser("explain", parents=[common], help="explain one candidate's score",
                                  description="Explain how one candidate's score was derived, step by step.")
    explain.add_argument("rubric", metavar="RUBRIC")
    explain.add_argument("data", metavar="DATA")
    explain.add_argument("--candidate", "-c", metavar="ID", help="the candidate's id (needed if DATA has several)")
    explain.add_argument("--lang", choices=("en", "id"), default="en")
    explain.add_argument("--format", choices=("text", "markdown"), default="text")
    explain.add_argument("--output", "-o", metavar="FILE")
    explain.set_defaults(run=_explain)
    return parser


# ------------------------------------------------------------------ check


def _rubric_files(paths: Sequence[str]) -> list[Path]:
    try:
        return rubric_files(paths)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None


def _check(args: argparse.Namespace) -> int:
    files = list(_rubric_files(args.paths))
    reports: list[tuple[Path, list[Diagnostic]]] = []
    for path in files:
        try:
            _, diagnostics = diagnose(read_rubric(path), str(path))
        except RubricError as error:
            diagnostics = error.diagnostics
        reports.append((path, diagnostics))
    everything = [d for _, found in reports for d in found]
    failing = [d for d in everything if d.severity == "error" or args.strict]
    if args.format == "json":
        print(json.dumps({"files": [{"path": str(p), "diagnostics": [d.to_dict() for d in found]}
                                    for p, found in reports]}, indent=2, ensure_ascii=False))
    else:
        if everything:
            print(render_all(everything))
        clean = sum(1 for _, found in reports if not found)
        print(f"{len(files)} rubric{'s' if len(files) != 1 else ''} checked, {clean} clean")
    return EXIT_PROBLEM if failing else EXIT_OK


# ------------------------------------------------------------------ score


def _load_rubric(path: str) -> CompiledRubric:
    if not Path(path).exists():
        raise UsageError(f"no such rubric file: {path}")
    return load(path)


def _score(args: argparse.Namespace) -> int:
    rubric = _load_rubric(args.rubric)
    if not Path(args.data).exists():
        raise UsageError(f"no such data file: {args.data}")
    if args.stage is not None and args.stage not in rubric.stage_names:
        declared = ", ".join(rubric.stage_names) or "none"
        hint = did_you_mean(args.stage, rubric.stage_names)
        raise UsageError(f"the rubric has no stage '{args.stage}' (its stages: {declared})"
                         + (f"; {hint}" if hint else ""))
    if args.output is not None and args.audit is not None and Path(args.output).resolve() == Path(args.audit).resolve():
        raise UsageError("--output and --audit name the same file; the ledger would replace the scores")
    nominations = _nominations(rubric, args.nominees or [])
    if rubric.identity["round"] == "nasional" and not args.nominees:
        print(f"paritrana-rules: note: {rubric.path} scores the national round; without --nominees every row is "
              "scored, nominated or not", file=sys.stderr)
    ranking = rubric.model.ranking
    streamed = ranking is None and args.format in ("csv", "jsonl")  # placings need every row first
    options = Options(lang=args.lang, explain=args.explain, audit=args.audit is not None, stage=args.stage,
                      detail=args.format in ("json", "jsonl"), line=args.format if streamed else None,
                      nominated=nominated_ids(nominations) if args.nominees else None)
    rows = score_rows(rubric, with_first_origins(iter_rows(args.data)), options, jobs=args.jobs)
    if sys.stderr.isatty():
        rows = counted(rows, _Progress())
    rejected: list[Rejected] = []  # the first few, to show; all are in the output and the ledger
    rejected_count = 0
    entries: list[Entry] = []
    with contextlib.ExitStack() as files:
        ledger = Ledger(_open_output(files, args.audit, "audit ledger"), rubric, nominations) if args.audit else None
        output = _open_output(files, args.output, "output") if args.output else sys.stdout.buffer

        def recorded(row: Row) -> Row:
            nonlocal rejected_count
            if isinstance(row.record, Rejected):
                rejected_count += 1
                if len(rejected) < _REJECTIONS_SHOWN:
                    rejected.append(row.record)
                if ledger is not None:
                    ledger.rejected(row.record)
            elif ledger is not None and row.record is not None:
                ledger.scored(row.record)
            if row.entry is not None:
                entries.append(row.entry)
            return row

        render = _RENDERERS[args.format]
        if options.line is not None:  # rows come with their output line: write them as they come
            output.write("".join(render(rubric, [], {}, args)).encode("utf-8"))  # the header, if any
            for row in rows:
                output.write(str(recorded(row).text).encode("utf-8"))
        else:  # placings need every row first: CSV and JSON Lines rows wait on disk, not in memory
            kept = (item for row in rows if (item := recorded(row).item) is not None)
            items = _set_aside(kept, files) if args.format in ("csv", "jsonl") else list(kept)
            placings = {p.candidate: p for p in place(ranking, entries)} if ranking is not None else {}
            for text in render(rubric, items, placings, args):
                output.write(text.encode("utf-8"))
        if ledger is not None:
            ledger.close(entries)
        output.flush()
    count = rejected_count
    if count:
        print(f"{count:,} candidate{'s' if count != 1 else ''} rejected:", file=sys.stderr)
        for candidate in rejected:
            for problem in candidate.problems:
                print(f"  - {problem.render()}", file=sys.stderr)
        if count > len(rejected):
            print(f"  ... and {count - len(rejected):,} more: every rejected row is in the output with its problems",
                  file=sys.stderr)
    return EXIT_PROBLEM if count else EXIT_OK


def _set_aside(items: Iterable[dict[str, Any]], files: contextlib.ExitStack) -> Iterator[dict[str, Any]]:
    """Write every item to a temporary file now, and read them back, in order, when iterated."""
    spill = files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
    for item in items:
        spill.write(json.dumps(item, ensure_ascii=False) + "\n")
    spill.seek(0)
    return (json.loads(line) for line in spill)


def _nominations(rubric: CompiledRubric, ledgers: list[str]) -> tuple[Nomination, ...]:
    """The provincial ledgers' nominations, each for this rubric's award, edition and category."""
    for path in ledgers:
        if not Path(path).exists():
            raise UsageError(f"no such nominating ledger: {path}")
    nominations = read_nominations(ledgers, [rubrics_root(rubric.path)])
    wanted = {k: rubric.identity[k] for k in ("award", "edition", "category", "sector")}
    for nomination in nominations:
        found = {k: nomination.rubric.get(k) for k in wanted}
        if found != wanted:
            raise UsageError(f"{nomination.ledger} nominates for {found['category']} edition {found['edition']}, "
                             f"not for {wanted['category']} edition {wanted['edition']}")
        if nomination.rubric.get("round") == rubric.identity["round"]:
            raise UsageError(f"{nomination.ledger} was scored in the same round as {rubric.path}; its nominees go "
                             "on to the next round's rubric")
    return nominations


def _open_output(files: contextlib.ExitStack, path: str, what: str) -> BinaryIO:
    if Path(path).is_dir():
        raise UsageError(f"the {what} {path} is a folder; give a file name")
    try:
        return files.enter_context(atomic_file(path))
    except OSError as error:
        raise UsageError(f"cannot write the {what} {path}: {error.strerror or error}") from None


_REJECTIONS_SHOWN = 100  # rejected rows whose problems are repeated on standard error


class _Progress:
    """Rows scored so far and the rate, on standard error, refreshed a few times a second (only on a terminal)."""

    def __init__(self) -> None:
        self.start = self.shown = time.monotonic()

    def __call__(self, count: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 0.25:
            self.shown = now
            print(f"\r  {count:,} rows scored ({count / (now - self.start):,.0f}/s)", end="", file=sys.stderr,
                  flush=True)


Items = Iterable[dict[str, Any]]  # one per input row, in file order (see batch.item_of and batch.rejected_item)
Placings = dict[str, Placing]


def _table(rubric: CompiledRubric, items: Items, placings: Placings, args: argparse.Namespace) -> Iterator[str]:
    items = list(items)
    roots = list(rubric.model.roots)
    ranked = ["rank", "nominated"] if rubric.model.ranking is not None else []
    header = ["id", "status", "total", *ranked, *roots]
    rows = [[item["candidate_id"], item["status"], item.get("total", "-"),
             *(rank_cells(placings.get(item["candidate_id"])) if ranked else []),
             *(points_of(item).get(c, "-") for c in roots)] for item in items]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    if rubric.model.ranking is not None:
        out.append(f"ranked {describe_ranking(rubric.model.ranking)}; '=' marks a rank shared by a tie nothing breaks")
    out += [f"{item['candidate_id']} ({item['status']}): {'; '.join(item['reasons'])}"
            for item in items if item.get("reasons")]
    if args.explain:
        for item in items:
            if "explanation" in item:
                out += ["", "=" * 72, "", item["explanation"].rstrip()]
    yield "\n".join(out) + "\n"


def _json(rubric: CompiledRubric, items: Items, placings: Placings, args: argparse.Namespace) -> Iterator[str]:
    results, rejected = [], []
    for item in items:
        if item["status"] == "rejected":
            rejected.append({"candidate_id": item["candidate_id"], "origin": item["origin"],
                             "problems": item["problems"]})
            continue
        placing = placings.get(item["candidate_id"])
        if placing is not None:
            item = {**item, "rank": placing.rank, "nominated": placing.nominated, "tied": placing.tied,
                    "group": placing.group}
        results.append(item)
    document = {"rubric": {**rubric.identity, "path": rubric.path}, "results": results, "rejected": rejected}
    yield json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _json_lines(rubric: CompiledRubric, items: Items, placings: Placings, args: argparse.Namespace) -> Iterator[str]:
    """One object per input row, in file order: scored, disqualified or rejected, nothing dropped."""
    for item in items:
        yield line(rubric, item, placings.get(item["candidate_id"]) if item["status"] != "rejected" else None, "jsonl")


def _csv(rubric: CompiledRubric, items: Items, placings: Placings, args: argparse.Namespace) -> Iterator[str]:
    """One row per input row, in the same order: scored, disqualified or rejected with its reasons."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(csv_header(rubric))
    yield buffer.getvalue()
    for item in items:
        yield line(rubric, item, placings.get(item["candidate_id"]), "csv")


_RENDERERS = {"table": _table, "json": _json, "jsonl": _json_lines, "csv": _csv}


# ------------------------------------------------------------------ explain


def _explain(args: argparse.Namespace) -> int:
    rubric = _load_rubric(args.rubric)
    if not Path(args.data).exists():
        raise UsageError(f"no such data file: {args.data}")
    records: dict[str, tuple[RawCandidate, str | None]] = {}
    for raw, first in with_first_origins(iter_candidates(args.data)):
        records.setdefault(raw.id if raw.id is not None else raw.origin, (raw, first))
    known = list(records)
    wanted = args.candidate
    if wanted is None:
        if len(known) != 1:
            raise UsageError(f"{args.data} has {len(known)} candidates; choose one with --candidate "
                             f"({', '.join(known[:10])}{', ...' if len(known) > 10 else ''})")
        wanted = known[0]
    if wanted not in records:
        hint = did_you_mean(wanted, known)
        raise UsageError(f"no candidate '{wanted}' in {args.data}" + (f"; {hint}" if hint else ""))
    outcome = rubric.score_record(*records[wanted])  # at the stage its data has reached, as `score` does
    if isinstance(outcome, Rejected):
        raise InputError(list(outcome.problems))
    _write(args.output, outcome.explain(lang=args.lang, format=args.format))
    return EXIT_OK


# ------------------------------------------------------------------ replay


def _replay(args: argparse.Namespace) -> int:
    path = Path(args.ledger)
    if not path.exists():
        raise UsageError(f"no such ledger: {args.ledger}")
    source: Any = path
    if path.suffix == ".json":
        try:
            source = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise UsageError(f"{args.ledger} is not a JSON audit record: {error}") from None
        if not isinstance(source, dict) and not (isinstance(source, list) and all(isinstance(d, dict) for d in source)):
            raise UsageError(f"{args.ledger} holds neither an audit record nor a list of records")
    report = replay(source, args.rubrics, against_current=args.against_current, nominees=args.nominees or (),
                    jobs=args.jobs)
    if args.format == "json":
        print(json.dumps({
            "ok": report.ok, "verified": report.verified, "records": len(report.records),
            "findings": [attrs.asdict(f) for f in report.findings],
            "first_divergence": attrs.asdict(report.first_divergence) if report.first_divergence else None,
        }, indent=2, ensure_ascii=False, default=list))
    else:
        print(report.render())
    return EXIT_OK if report.ok else EXIT_PROBLEM


# ------------------------------------------------------------------ test


def _test(args: argparse.Namespace) -> int:
    files = list(_rubric_files(args.paths))
    if args.cases and len(files) != 1:
        raise UsageError("--cases needs exactly one rubric")
    if args.cases and not Path(args.cases).is_file():
        raise UsageError(f"no such example file: {args.cases}")
    passed = 0
    for path in files:
        try:
            rubric = load(path)
        except RubricError as error:
            print(f"{path}\n{render_all(error.diagnostics)}\n  FAILED")
            continue
        report = run_cases(rubric, Path(args.cases) if args.cases else None, args.examples)
        print(report.render())
        passed += report.ok
    print(f"{len(files)} rubric{'s' if len(files) != 1 else ''} tested, {passed} ok")
    return EXIT_OK if passed == len(files) else EXIT_PROBLEM


# ------------------------------------------------------------------ diff


def _diff(args: argparse.Namespace) -> int:
    old, new = Path(args.old), Path(args.new)
    for path in (old, new):
        if not path.exists():
            raise UsageError(f"no such file or directory: {path}")
    if old.is_dir() != new.is_dir():
        raise UsageError("compare two rubric files, or two folders of rubrics")
    if old.is_dir():
        if args.candidates:
            raise UsageError("--candidates needs two rubric files")
        pairs, unpaired = pair_folders([load(p) for p in _rubric_files([str(old)])],
                                       [load(p) for p in _rubric_files([str(new)])])
        lines = [change.render() for change in unpaired]
        for before, after in pairs:
            changes = diff_rubrics(before, after)
            lines += [f"{before.path} → {after.path}"] + [f"  {c.render()}" for c in changes]
        print("\n".join(lines))
        return EXIT_OK
    before, after = load(old), load(new)
    changes = diff_rubrics(before, after)
    print(f"{before.path} → {after.path}")
    print("\n".join(f"  {c.render()}" for c in changes) if changes else "  no change in meaning")
    if args.candidates:
        if not Path(args.candidates).exists():
            raise UsageError(f"no such data file: {args.candidates}")
        print()
        print(render_movements(rescore(before, after, args.candidates)))
    return EXIT_OK


# ------------------------------------------------------------------ docs


def _docs(args: argparse.Namespace) -> int:
    _write(args.output, handbook(_load_rubric(args.rubric), lang=args.lang, format=args.format))
    return EXIT_OK


# ------------------------------------------------------------------ output


def _write(output: str | None, text: str) -> None:
    """Print, or replace `output` atomically: a crash never leaves a half-written file."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomically(output, [text.encode("utf-8")])
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None
