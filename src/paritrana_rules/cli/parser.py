"""The command line's arguments: each command's module adds its parser and says what runs it."""

from __future__ import annotations

import argparse

from paritrana_rules import api
from paritrana_rules.cli import (
    check,
    diff,
    docs,
    edition,
    explain,
    fmt,
    keygen,
    listing,
    lsp,
    replay,
    score,
    sensitivity,
    serve,
    studio,
    template,
    test,
)

# in --help's order
COMMANDS = (check, score, replay, test, diff, edition, fmt, docs, template, explain, keygen, listing, sensitivity,
            serve, studio, lsp)


def build() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paritrana-rules",
        description="Check Paritrana Award rubrics and score candidates with explained, exact results.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {api.VERSION}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add(commands, common)
    return parser
