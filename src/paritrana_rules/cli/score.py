"""`paritrana-rules score`: every candidate of a data file scored, into an output and, if asked, a ledger."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

from paritrana_rules import api
from paritrana_rules.cli.common import (
    EXIT_OK,
    EXIT_PROBLEM,
    Commands,
    add_data_format,
    load_rubric,
    open_output,
    positive,
    require_data,
)


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    score = commands.add_parser("score", parents=[common], help="score candidates from a data file",
                                description="Score every candidate in a YAML, JSON, JSON Lines, CSV or .xlsx file: "
                                            "one output row per input row, in order. CSV, JSON Lines and .xlsx are "
                                            "read as a stream, so files of any size score in flat memory.")
    score.add_argument("rubric", metavar="RUBRIC")
    score.add_argument("data", metavar="DATA", help="candidates: .yaml, .yml, .json, .jsonl, .csv, .xlsx or "
                                                    ".parquet; - reads standard input (with --data-format)")
    add_data_format(score)
    score.add_argument("--format", choices=api.FORMATS,
                       help="jsonl: one JSON object per input row, in file order; xlsx: a workbook of the scores as "
                            "numbers, with a sheet of explanations; html: one self-contained page of the CSV's "
                            "table and a count by status, to read in a browser or print (default: xlsx for an "
                            "--output ending in .xlsx, else table)")
    score.add_argument("--explain", action="store_true", help="add each candidate's explanation")
    score.add_argument("--lang", choices=("en", "id"), default="en",
                       help="language of explanations, and of the headings and statuses of the table, CSV and xlsx "
                            "outputs (JSON and JSON Lines keep their keys and status codes)")
    score.add_argument("--output", "-o", metavar="FILE", help="write here (atomically) instead of standard output")
    score.add_argument("--audit", metavar="LEDGER", help="also write a sealed, hash-chained audit ledger (.jsonl)")
    score.add_argument("--stage", metavar="NAME",
                       help="score everyone at this stage (default: the stage each candidate's data has reached); "
                            "candidates who pass its advance rules are 'pending' the later stages")
    score.add_argument("--nominees", nargs="+", metavar="LEDGER",
                       help="a national round: score only the candidates these provincial ledgers nominate (each "
                            "must verify); the ledger written with --audit names them")
    score.add_argument("--jobs", "-j", type=positive, default=1, metavar="N",
                       help="score in N processes (the output keeps the input's order)")
    score.add_argument("--sign", metavar="KEY",
                       help="sign the audit ledger's seal with this private key (from 'paritrana-rules keygen'; the "
                            "'sign' extra)")
    score.add_argument("--csv-raw", action="store_true",
                       help="write CSV cells as they are, even those a spreadsheet would run as formulas (by "
                            "default a cell starting with =, +, -, @, tab or CR gets a leading ')")
    score.add_argument("--row-by-row", action="store_true",
                       help="score every row on its own, not a column at a time (the same output, slower; with "
                            "the 'columnar' extra installed, plainly written CSV and xlsx rows are scored in "
                            "columns)")
    score.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rubric = load_rubric(args.rubric)
    require_data(args)
    if args.output is not None and args.audit is not None and _same_file(args.output, args.audit):
        raise api.UsageError("--output and --audit name the same file; the ledger would replace the scores")
    nominations = api.nominations_for(rubric, args.nominees) if args.nominees else None
    if args.sign is not None and args.audit is None:
        raise api.UsageError("--sign signs the audit ledger: give --audit LEDGER too")
    signing_key = api.load_signing_key(args.sign) if args.sign is not None else None
    form = args.format or ("xlsx" if args.output is not None and args.output.lower().endswith(".xlsx") else "table")
    if form == "xlsx" and args.output is None and sys.stdout.isatty():
        raise api.UsageError("an .xlsx workbook is not for a terminal: give --output FILE.xlsx")
    if rubric.identity["round"] == "nasional" and not args.nominees:
        print(f"paritrana-rules: note: {rubric.path} scores the national round; without --nominees every row is "
              "scored, nominated or not", file=sys.stderr)
    with contextlib.ExitStack() as files:
        ledger = open_output(files, args.audit, "audit ledger") if args.audit else None
        output = open_output(files, args.output, "output") if args.output else sys.stdout.buffer
        report = api.score_file(rubric, args.data, output, form=form, lang=args.lang, explain=args.explain,
                                raw_csv=args.csv_raw, signing_key=signing_key, data_format=args.data_format,
                                stage=args.stage, ledger=ledger, nominations=nominations, jobs=args.jobs,
                                tick=_Progress() if sys.stderr.isatty() else None, columns=not args.row_by_row)
    if report.row_by_row is not None:
        print(f"paritrana-rules: note: rows scored one by one, not a column at a time: {report.row_by_row}",
              file=sys.stderr)
    _show_rejections(report)
    return EXIT_PROBLEM if report.rejected else EXIT_OK


def _same_file(first: str, second: str) -> bool:
    """Two outputs that would replace each other: the same regular file (or name); a device takes both."""
    path = Path(first)
    same = path.resolve() == Path(second).resolve()
    return same and (path.is_file() or not path.exists())


def _show_rejections(report: api.BatchReport) -> None:
    """Repeat the problems of the first rejected rows on standard error (all are in the output)."""
    count = report.rejected
    if not count:
        return
    print(f"{count:,} candidate{'s' if count != 1 else ''} rejected:", file=sys.stderr)
    for candidate in report.first_rejected:
        for problem in candidate.problems:
            print(f"  - {problem.render()}", file=sys.stderr)
    if count > len(report.first_rejected):
        print(f"  ... and {count - len(report.first_rejected):,} more: every rejected row is in the output with its "
              "problems", file=sys.stderr)


class _Progress:
    """Rows scored so far and the rate, on standard error, refreshed a few times a second (only on a terminal)."""

    def __init__(self) -> None:
        self.start = self.shown = time.monotonic()
        self.stream = sys.__stderr__  # the terminal itself: its carriage return is ours, not a candidate's

    def __call__(self, count: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 0.25 and self.stream is not None:
            self.shown = now
            print(f"\r  {count:,} rows scored ({count / (now - self.start):,.0f}/s)", end="", file=self.stream,
                  flush=True)
