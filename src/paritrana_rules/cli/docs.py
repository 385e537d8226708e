"""`paritrana-rules docs`: the handbook candidates read, generated from a rubric."""

from __future__ import annotations

import argparse

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, load_rubric, write


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    docs = commands.add_parser("docs", parents=[common], help="the handbook candidates read, from a rubric",
                               description="Generate the handbook of a rubric: criteria and weights, how points are "
                                           "earned, conditions, bonuses, the data to submit and its evidence.")
    docs.add_argument("rubric", metavar="RUBRIC")
    docs.add_argument("--lang", choices=("id", "en"), default="id")
    docs.add_argument("--format", choices=("markdown", "text"), default="markdown")
    docs.add_argument("--output", "-o", metavar="FILE")
    docs.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    write(args.output, api.handbook(load_rubric(args.rubric), lang=args.lang, format=args.format))
    return EXIT_OK
