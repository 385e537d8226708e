"""`paritrana-rules sensitivity`: how far each weight can move before a nomination or placing changes."""

from __future__ import annotations

import argparse

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, add_data_format, load_rubric, require_data, write


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    sensitivity = commands.add_parser("sensitivity", parents=[common], help="how far each weight can move before "
                                      "a nomination or placing changes", description="For each criterion weight, "
                                      "the exact interval over which the nominations and placings of DATA's "
                                      "candidates stay the same (siblings rescaled to keep their sum), and the "
                                      "first change beyond it.")
    sensitivity.add_argument("rubric", metavar="RUBRIC")
    sensitivity.add_argument("data", metavar="DATA", help="candidates, as for score; - reads standard input")
    add_data_format(sensitivity)
    sensitivity.add_argument("--criterion", action="append", metavar="NAME",
                             help="analyse only this criterion's weight (repeat for several)")
    sensitivity.add_argument("--lang", choices=("en", "id"), default="en")
    sensitivity.add_argument("--output", "-o", metavar="FILE")
    sensitivity.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rubric = load_rubric(args.rubric)
    require_data(args)
    report = api.sensitivity(rubric, args.data, criteria=args.criterion, data_format=args.data_format)
    write(args.output, report.render(args.lang))
    return EXIT_OK
