"""`paritrana-rules test`: each rubric's example cases, the rules no case reaches, and its properties.

The text report goes to standard output as each rubric is tested; `--format junit|json` writes the report CI
systems read, to `--output` (replaced atomically) or, without it (or with `-`), to standard output instead of
the text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, EXIT_PROBLEM, STDIN, Commands, positive, write


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    test = commands.add_parser("test", parents=[common], help="run rubrics' example cases, coverage and properties",
                               description="Run each rubric's example cases (examples/ beside rubrics/), report "
                                           "which rules no case reaches, and check the rubric's properties.")
    test.add_argument("paths", nargs="*", default=["rubrics"], metavar="PATH", help="rubric files or folders")
    test.add_argument("--cases", metavar="FILE", help="example cases to use (for a single rubric)")
    test.add_argument("--examples", type=positive, default=200, metavar="N",
                      help="generated candidates per property (default 200)")
    test.add_argument("--format", choices=api.TEST_REPORT_FORMS, default="text",
                      help="the report: text (default), junit (JUnit XML for CI) or json")
    test.add_argument("--output", metavar="FILE",
                      help="write the report in --format to FILE, replaced atomically; the text still goes to "
                           "standard output")
    test.add_argument("--lang", choices=("en", "id"), default="en", help="the report's language (default en)")
    test.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    files = api.rubric_files(args.paths)
    if args.cases and len(files) != 1:
        raise api.UsageError("--cases needs exactly one rubric")
    if args.cases and not Path(args.cases).is_file():
        raise api.UsageError(f"no such example file: {args.cases}")
    if args.output is not None and Path(args.output).is_dir():
        raise api.UsageError(f"the output {args.output} is a folder; give a file name")
    to_stdout = args.output in (None, STDIN)  # where the report in --format goes
    text = args.format == "text" or not to_stdout  # the text report is printed unless that report is
    progress = _Progress() if sys.stderr.isatty() else None
    reports = []
    for path in files:
        report = _tested(str(path), Path(args.cases) if args.cases else None, args.examples, progress)
        if progress is not None:
            progress.clear()
        if text:
            print(report.render(args.lang), flush=True)
        reports.append(report)
    if text:
        print(api.summary_of_tests(reports, args.lang))
    if args.format != "text" or not to_stdout:
        write(None if to_stdout else args.output, api.report_of_tests(reports, args.format, args.lang))
    return EXIT_OK if all(r.ok for r in reports) else EXIT_PROBLEM


def _tested(path: str, cases: Path | None, examples: int, progress: _Progress | None) -> api.RubricTests:
    try:
        rubric = api.load(path)
    except api.RubricError as error:
        return api.RubricTests.unloaded(path, error)
    return api.run_cases(rubric, cases, examples, progress)


class _Progress:
    """Candidates a property has tried, on standard error, refreshed a few times a second (only on a terminal)."""

    def __init__(self) -> None:
        self.what, self.started, self.shown = "", 0.0, 0.0
        self.visible = False
        self.stream = sys.__stderr__  # the terminal itself: its carriage return is ours, not a rubric's

    def __call__(self, what: str, count: int) -> None:
        now = time.monotonic()
        if what != self.what:
            self.what, self.started = what, now
        if now - self.started >= 0.5 and now - self.shown >= 0.25 and self.stream is not None:  # only a long one
            self.shown, self.visible = now, True
            print(f"\r\x1b[K  property {api.for_terminal(what)}: {count:,} candidates tried", end="",
                  file=self.stream, flush=True)

    def clear(self) -> None:
        """Take the line away before the report is printed where it stood."""
        if self.visible and self.stream is not None:
            print("\r\x1b[K", end="", file=self.stream, flush=True)
        self.visible = False
