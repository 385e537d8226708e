"""`paritrana-rules template`: a blank candidate sheet for a rubric, which `score` reads back as it is filled in."""

from __future__ import annotations

import argparse
from pathlib import Path

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, load_rubric


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    template = commands.add_parser(
        "template", parents=[common], help="a blank candidate sheet (.xlsx or CSV) for a rubric",
        description="Write a blank candidate sheet for a rubric: id, name and a column per input, in the rubric's "
                    "order. The .xlsx workbook explains each column (a comment on its heading, a message in its "
                    "cells and a second sheet), offers the options as drop-down lists and checks numbers against "
                    "their bounds; the CSV file is the header row. Filled in, either is read by 'score' as it is.")
    template.add_argument("rubric", metavar="RUBRIC")
    template.add_argument("--format", choices=api.TEMPLATE_FORMATS,
                          help="xlsx or csv (default: from the output's ending, else xlsx)")
    template.add_argument("--lang", choices=("id", "en"), default="id", help="language of the labels and notes")
    template.add_argument("--output", "-o", metavar="FILE", required=True,
                          help="write here (atomically); an existing file is replaced only if it is a regular file")
    template.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.exists() and not output.is_file():
        raise api.UsageError(f"{args.output} is not a regular file; give the name of a file to write")
    form = args.format or ("csv" if output.suffix.lower() == ".csv" else "xlsx")
    contents = api.candidate_template(load_rubric(args.rubric), format=form, lang=args.lang)
    try:
        api.write_atomically(output, [contents])
    except OSError as error:
        raise api.UsageError(f"cannot write {args.output}: {error.strerror or error}") from None
    return EXIT_OK
