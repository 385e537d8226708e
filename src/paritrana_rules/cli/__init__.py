"""The `paritrana-rules` command: one module per command, each with its arguments and what it runs.

`parser` builds the command line from the commands' modules; `common` holds
what they share. Like every module here, this one uses nothing but the public
API.

Exit codes: 0 success; 1 a rubric or candidate data has a problem; 2 usage
errors (bad arguments, missing files); 3 an internal error, which prints a
one-line message (and the traceback only with --debug). No traceback reaches
a user otherwise.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from paritrana_rules import api
from paritrana_rules.cli import parser
from paritrana_rules.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_PROBLEM,
    EXIT_TERMINATED,
    EXIT_USAGE,
)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser.build().parse_args(argv)
    _tolerate_any_encoding()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        with _terminals_guarded():
            status: int = args.run(args)
            return status
    except BrokenPipeError:  # the reader went away (`score ... | head`): stop quietly, as a shell tool does
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except api.UsageError as error:
        print(f"paritrana-rules: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except api.Error as error:  # a rubric, candidate data or nominating ledger with problems: each says them all
        print(str(error), file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("paritrana-rules: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except api.WorkerDied as error:  # the machine took a worker away (out of memory, most often): not our bug
        print(f"paritrana-rules: error: {error}; no output was replaced", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as error:  # the last line of defence: never a raw traceback
        if args.debug:
            traceback.print_exc()
        print(f"paritrana-rules: internal error: {type(error).__name__}: {error}"
              + ("" if args.debug else " (run with --debug to see the traceback)"), file=sys.stderr)
        return EXIT_INTERNAL


def _tolerate_any_encoding() -> None:
    """Text that standard output or error cannot encode (a terminal or PYTHONIOENCODING that is not UTF-8) is
    written with backslash escapes rather than crashing the command; set PYTHONIOENCODING=utf-8 to get it all."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="backslashreplace")


@contextlib.contextmanager
def _terminals_guarded() -> Iterator[None]:
    """On a terminal, control characters from rubric texts or candidate data are shown escaped, never obeyed."""
    streams = sys.stdout, sys.stderr
    if sys.stdout.isatty():
        sys.stdout = _TerminalText(sys.stdout)
    if sys.stderr.isatty():
        sys.stderr = _TerminalText(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = streams


class _TerminalText(io.TextIOBase):
    """A terminal's text stream that escapes control characters; its `buffer` takes UTF-8 bytes the same way."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def write(self, text: str) -> int:
        self.stream.write(api.for_terminal(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return True

    @property
    def buffer(self) -> _TerminalBytes:
        return _TerminalBytes(self)


class _TerminalBytes(io.RawIOBase):
    """Bytes for a terminal (what `score` writes), decoded as UTF-8 and escaped like text."""

    def __init__(self, text: _TerminalText) -> None:
        self.text = text

    def write(self, data: Any) -> int:
        self.text.write(self.text.decoder.decode(bytes(data)))
        return len(data)

    def flush(self) -> None:
        self.text.flush()


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM ends the command as Ctrl-C does: workers stopped, temporary files removed, old outputs kept."""
    raise SystemExit(EXIT_TERMINATED)


def _silence_stdout() -> None:
    """Point standard output at the null device, so that flushing it on exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
