"""`paritrana-rules docs`: the handbook candidates read, generated from a rubric."""

from __future__ import annotations

import argparse
import sys

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, STDIN, Commands, load_rubric, write


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    docs = commands.add_parser("docs", parents=[common], help="the handbook candidates read, from a rubric",
                               description="Generate the handbook of a rubric: criteria and weights, how points are "
                                           "earned, conditions, bonuses, the data to submit and its evidence.")
    docs.add_argument("rubric", metavar="RUBRIC")
    docs.add_argument("--lang", choices=("id", "en"), default="id")
    docs.add_argument("--format", choices=("markdown", "text", "html", "pdf"), default="markdown",
                      help="html: one self-contained page, to read in a browser or print; pdf: that page printed "
                           "on A4 (the 'pdf' extra; give -o FILE.pdf)")
    docs.add_argument("--output", "-o", metavar="FILE")
    docs.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.format == "pdf" and args.output in (None, STDIN) and sys.stdout.isatty():
        raise api.UsageError("a PDF is not for a terminal: give --output FILE.pdf")
    rubric = load_rubric(args.rubric)
    changes = [change.render(args.lang) for change in _changes(rubric)]
    if args.format == "pdf":
        _write_bytes(args.output, api.handbook_pdf(rubric, lang=args.lang, changes=changes))
    else:
        write(args.output, api.handbook(rubric, lang=args.lang, format=args.format, changes=changes))
    return EXIT_OK


def _write_bytes(output: str | None, data: bytes) -> None:
    """Replace `output` atomically (or write standard output, when it is not a terminal)."""
    try:
        api.write_atomically(output or STDIN, [data])
    except BrokenPipeError:
        raise  # the reader went away (`| head`): the command line stops quietly
    except OSError as error:
        raise api.UsageError(f"cannot write {output}: {error.strerror or error}") from None


def _changes(rubric: api.CompiledRubric) -> list[api.Change]:
    """What changed from the rubric this one extends (read from the file it was merged with); none otherwise."""
    extends = rubric.model.rubric.extends
    if extends is None:
        return []
    parent = next((path for path in rubric.model.sources if path.replace("\\", "/").endswith("/" + extends)), None)
    return api.diff_rubrics(api.load(parent), rubric) if parent is not None else []
