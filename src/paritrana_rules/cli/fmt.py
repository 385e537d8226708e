"""`paritrana-rules fmt`: rubric files laid out the standard way, comments kept, meaning unchanged."""

from __future__ import annotations

import argparse
import sys

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, EXIT_PROBLEM, STDIN, STDIN_NAME, Commands


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    fmt = commands.add_parser("fmt", parents=[common], help="lay rubric files out the standard way",
                              description="Rewrite rubric files (or every *.rubric under a folder) in the canonical "
                                          "layout; comments are kept and the meaning never changes.")
    fmt.add_argument("paths", nargs="+", metavar="PATH",
                     help="rubric file or directory; - formats standard input to standard output")
    fmt.add_argument("--check", action="store_true", help="only list files that would change; exit 1 if any")
    fmt.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Format files, and every *.rubric under folders: one line per file that changed (or would, with --check).

    A file that does not parse is reported (its diagnostics on stderr) and the others are still formatted.
    """
    if args.paths == [STDIN]:
        return _fmt_stdin(args.check)
    status = EXIT_OK
    for file in api.rubric_files(args.paths):
        try:
            formatted, changed = api.format_file(file)
        except api.RubricError as error:
            print(error, file=sys.stderr)
            status = EXIT_PROBLEM
            continue
        if not changed:
            continue
        if args.check:
            print(f"would reformat {file}")
            status = EXIT_PROBLEM
            continue
        try:
            api.rewrite_rubric(file, formatted)
        except OSError as error:
            print(f"paritrana-rules: cannot write {file}: {error.strerror or error}", file=sys.stderr)
            status = EXIT_PROBLEM
            continue
        print(f"reformatted {file}")
    return status


def _fmt_stdin(check: bool) -> int:
    """`fmt -`: the formatted text on standard output; `fmt --check -`: only whether it would change."""
    text = sys.stdin.read()
    try:
        formatted = api.format_text(text, STDIN_NAME)
    except api.RubricError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEM
    if not check:
        sys.stdout.write(formatted)
        return EXIT_OK
    if formatted == text:
        return EXIT_OK
    print(f"would reformat {STDIN_NAME}")
    return EXIT_PROBLEM
