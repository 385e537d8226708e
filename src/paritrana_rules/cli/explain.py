"""`paritrana-rules explain`: how one candidate's score was derived, step by step."""

from __future__ import annotations

import argparse

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, add_data_format, load_rubric, require_data, write


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    explain = commands.add_parser("explain", parents=[common], help="explain one candidate's score",
                                  description="Explain how one candidate's score was derived, step by step.")
    explain.add_argument("rubric", metavar="RUBRIC")
    explain.add_argument("data", metavar="DATA", help="candidates, as for score; - reads standard input")
    add_data_format(explain)
    explain.add_argument("--candidate", "-c", metavar="ID", help="the candidate's id (needed if DATA has several)")
    explain.add_argument("--lang", choices=("en", "id"), default="en")
    explain.add_argument("--format", choices=("text", "markdown", "html"), default="text",
                         help="html: one self-contained page, to read in a browser or print")
    explain.add_argument("--output", "-o", metavar="FILE")
    explain.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rubric = load_rubric(args.rubric)
    require_data(args)
    result = api.score_candidate(rubric, args.data, args.candidate, args.data_format)
    write(args.output, result.explain(lang=args.lang, format=args.format))
    return EXIT_OK
