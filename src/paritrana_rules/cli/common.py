"""What the commands share: exit codes, standard input's name, and checks of the paths a user gives.

Like every module of the command line, it uses nothing but the public API.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import BinaryIO, TypeAlias

from paritrana_rules import api

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # what `add_subparsers` returns

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143  # 128 + the signal, as shells report them

STDIN = "-"  # a path that means standard input (or standard output, for an output)
STDIN_NAME = "<stdin>"  # what messages call it


def positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def year(text: str) -> int:
    if len(text) != 4 or not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a 4-digit year such as 2024, got {text!r}")
    return int(text)


def add_data_format(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data-format", choices=("yaml", "json", "jsonl", "csv", "xlsx", "parquet"),
                         help="how DATA is written (default: from its ending; needed for -)")


def load_rubric(path: str) -> api.CompiledRubric:
    if not Path(path).exists():
        raise api.UsageError(f"no such rubric file: {path}")
    return api.load(path)


def require_data(args: argparse.Namespace) -> None:
    """The data file exists; `-` (standard input) needs --data-format, since it has no name to tell."""
    if args.data == STDIN:
        if args.data_format is None:
            raise api.UsageError("reading standard input (-) needs --data-format yaml|json|jsonl|csv|xlsx")
        return
    require(args.data, "data file")


def require(path: str, what: str) -> None:
    if not Path(path).exists():
        raise api.UsageError(f"no such {what}: {path}")


def open_output(files: contextlib.ExitStack, path: str, what: str) -> BinaryIO:
    if Path(path).is_dir():
        raise api.UsageError(f"the {what} {path} is a folder; give a file name")
    try:
        return files.enter_context(api.atomic_file(path))
    except OSError as error:
        raise api.UsageError(f"cannot write the {what} {path}: {error.strerror or error}") from None


def write(output: str | None, text: str) -> None:
    """Print, or replace `output` atomically: a crash never leaves a half-written file."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        api.write_atomically(output, [text.encode("utf-8")])
    except OSError as error:
        raise api.UsageError(f"cannot write {output}: {error.strerror}") from None
