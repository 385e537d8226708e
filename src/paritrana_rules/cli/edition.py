"""`paritrana-rules new-edition`: next year's rubric, extending this year's, with its dated texts moved on."""

from __future__ import annotations

import argparse
from pathlib import Path

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, year


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    edition = commands.add_parser(
        "new-edition", parents=[common], help="start next year's rubric from this year's",
        description="Write NEW, a rubric that extends OLD for the next edition: the edition and the period moved "
                    "on by one (or as given), and every label, description, reason or evidence that names a year "
                    "of OLD's edition replaced with the year moved on, each under a 'review' comment. NEW is "
                    "checked before it is written; an existing file is never overwritten.")
    edition.add_argument("old", metavar="OLD", help="this year's rubric")
    edition.add_argument("new", metavar="NEW", help="where to write the new rubric, inside the same rubrics folder")
    edition.add_argument("--edition", type=year, help="the new edition's year (default: OLD's plus one)")
    edition.add_argument("--period", type=year, help="the new assessment period (default: OLD's plus one)")
    edition.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not Path(args.old).is_file():
        raise api.UsageError(f"no such rubric file: {args.old}")
    api.write_new_rubric(args.new, api.new_edition_text(args.old, args.new, args.edition, args.period))
    print(f"wrote {args.new}: review the lines marked 'review', then 'paritrana-rules check --strict {args.new}'")
    return EXIT_OK
