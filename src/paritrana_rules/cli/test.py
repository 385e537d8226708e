"""`paritrana-rules test`: each rubric's example cases, the rules no case reaches, and its properties."""

from __future__ import annotations

import argparse
from pathlib import Path

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, EXIT_PROBLEM, Commands, positive


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    test = commands.add_parser("test", parents=[common], help="run rubrics' example cases, coverage and properties",
                               description="Run each rubric's example cases (examples/ beside rubrics/), report "
                                           "which rules no case reaches, and check the rubric's properties.")
    test.add_argument("paths", nargs="*", default=["rubrics"], metavar="PATH", help="rubric files or folders")
    test.add_argument("--cases", metavar="FILE", help="example cases to use (for a single rubric)")
    test.add_argument("--examples", type=positive, default=200, metavar="N",
                      help="generated candidates per property (default 200)")
    test.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    files = api.rubric_files(args.paths)
    if args.cases and len(files) != 1:
        raise api.UsageError("--cases needs exactly one rubric")
    if args.cases and not Path(args.cases).is_file():
        raise api.UsageError(f"no such example file: {args.cases}")
    passed = 0
    for path in files:
        try:
            rubric = api.load(path)
        except api.RubricError as error:
            print(f"{path}\n{error}\n  FAILED")
            continue
        report = api.run_cases(rubric, Path(args.cases) if args.cases else None, args.examples)
        print(report.render())
        passed += report.ok
    print(f"{len(files)} rubric{'s' if len(files) != 1 else ''} tested, {passed} ok")
    return EXIT_OK if passed == len(files) else EXIT_PROBLEM
