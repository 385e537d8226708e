"""The `paritrana-rules` command: check, score, explain, replay, test, diff, fmt, docs and list.

Its arguments are parsed by `cli_parser`; this module runs the commands.

Exit codes: 0 success; 1 a rubric or candidate data has a problem; 2 usage
errors (bad arguments, missing files); 3 an internal error, which prints a
one-line message (and the traceback only with --debug). No traceback reaches
a user otherwise.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import attrs

from paritrana_rules import api, cli_parser

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143  # 128 + the signal, as shells report them


def main(argv: Sequence[str] | None = None) -> int:
    args = cli_parser.build().parse_args(argv)
    _tolerate_any_encoding()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        with _terminals_guarded():
            return _RUNS[args.command](args)
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




# ------------------------------------------------------------------ check


STDIN = "-"  # a path that means standard input (or standard output, for an output)
STDIN_NAME = "<stdin>"  # what messages call it


def _check(args: argparse.Namespace) -> int:
    reports: list[tuple[str, list[api.Diagnostic]]] = []
    for name in args.paths:
        if name == STDIN:
            reports.append((STDIN_NAME, api.diagnose(sys.stdin.read(), STDIN_NAME)[1]))
        else:
            reports += [(str(path), api.check_file(path)) for path in api.rubric_files([name])]
    files = [path for path, _ in reports]
    everything = [d for _, found in reports for d in found]
    failing = [d for d in everything if d.severity == "error" or args.strict]
    if args.format == "json":
        print(json.dumps({"files": [{"path": str(p), "diagnostics": [d.to_dict() for d in found]}
                                    for p, found in reports]}, indent=2, ensure_ascii=False))
    else:
        if everything:
            print(api.render_all(everything))
        clean = sum(1 for _, found in reports if not found)
        print(f"{len(files)} rubric{'s' if len(files) != 1 else ''} checked, {clean} clean")
    return EXIT_PROBLEM if failing else EXIT_OK


# ------------------------------------------------------------------ score


def _load_rubric(path: str) -> api.CompiledRubric:
    if not Path(path).exists():
        raise api.UsageError(f"no such rubric file: {path}")
    return api.load(path)


def _score(args: argparse.Namespace) -> int:
    rubric = _load_rubric(args.rubric)
    _require_data(args)
    if args.output is not None and args.audit is not None and _same_file(args.output, args.audit):
        raise api.UsageError("--output and --audit name the same file; the ledger would replace the scores")
    nominations = api.nominations_for(rubric, args.nominees) if args.nominees else None
    if args.sign is not None and args.audit is None:
        raise api.UsageError("--sign signs the audit ledger: give --audit LEDGER too")
    signing_key = api.load_signing_key(args.sign) if args.sign is not None else None
    if rubric.identity["round"] == "nasional" and not args.nominees:
        print(f"paritrana-rules: note: {rubric.path} scores the national round; without --nominees every row is "
              "scored, nominated or not", file=sys.stderr)
    with contextlib.ExitStack() as files:
        ledger = _open_output(files, args.audit, "audit ledger") if args.audit else None
        output = _open_output(files, args.output, "output") if args.output else sys.stdout.buffer
        report = api.score_file(rubric, args.data, output, form=args.format, lang=args.lang, explain=args.explain,
                                raw_csv=args.csv_raw, signing_key=signing_key, data_format=args.data_format,
                                stage=args.stage, ledger=ledger, nominations=nominations, jobs=args.jobs,
                                tick=_Progress() if sys.stderr.isatty() else None, columns=not args.row_by_row)
    if report.row_by_row is not None:
        print(f"paritrana-rules: note: rows scored one by one, not a column at a time: {report.row_by_row}",
              file=sys.stderr)
    _show_rejections(report)
    return EXIT_PROBLEM if report.rejected else EXIT_OK


def _same_file(first: str, second: str) -> bool:
    """Two outputs that would replace each other: the same regular file (or name); a device takes both."""
    path = Path(first)
    same = path.resolve() == Path(second).resolve()
    return same and (path.is_file() or not path.exists())


def _show_rejections(report: api.BatchReport) -> None:
    """Repeat the problems of the first rejected rows on standard error (all are in the output)."""
    count = report.rejected
    if not count:
        return
    print(f"{count:,} candidate{'s' if count != 1 else ''} rejected:", file=sys.stderr)
    for candidate in report.first_rejected:
        for problem in candidate.problems:
            print(f"  - {problem.render()}", file=sys.stderr)
    if count > len(report.first_rejected):
        print(f"  ... and {count - len(report.first_rejected):,} more: every rejected row is in the output with its "
              "problems", file=sys.stderr)


def _require_data(args: argparse.Namespace) -> None:
    """The data file exists; `-` (standard input) needs --data-format, since it has no name to tell."""
    if args.data == STDIN:
        if args.data_format is None:
            raise api.UsageError("reading standard input (-) needs --data-format yaml|json|jsonl|csv|xlsx")
        return
    _require(args.data, "data file")


def _require(path: str, what: str) -> None:
    if not Path(path).exists():
        raise api.UsageError(f"no such {what}: {path}")


def _open_output(files: contextlib.ExitStack, path: str, what: str) -> BinaryIO:
    if Path(path).is_dir():
        raise api.UsageError(f"the {what} {path} is a folder; give a file name")
    try:
        return files.enter_context(api.atomic_file(path))
    except OSError as error:
        raise api.UsageError(f"cannot write the {what} {path}: {error.strerror or error}") from None


class _Progress:
    """Rows scored so far and the rate, on standard error, refreshed a few times a second (only on a terminal)."""

    def __init__(self) -> None:
        self.start = self.shown = time.monotonic()
        self.stream = sys.__stderr__  # the terminal itself: its carriage return is ours, not a candidate's

    def __call__(self, count: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 0.25 and self.stream is not None:
            self.shown = now
            print(f"\r  {count:,} rows scored ({count / (now - self.start):,.0f}/s)", end="", file=self.stream,
                  flush=True)


# ------------------------------------------------------------------ explain


def _explain(args: argparse.Namespace) -> int:
    rubric = _load_rubric(args.rubric)
    _require_data(args)
    result = api.score_candidate(rubric, args.data, args.candidate, args.data_format)
    _write(args.output, result.explain(lang=args.lang, format=args.format))
    return EXIT_OK


# ------------------------------------------------------------------ replay


def _replay(args: argparse.Namespace) -> int:
    path = Path(args.ledger)
    if not path.exists():
        raise api.UsageError(f"no such ledger: {args.ledger}")
    source: Any = path
    if path.suffix == ".json":
        try:
            source = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise api.UsageError(f"{args.ledger} is not a JSON audit record: {error}") from None
        if not isinstance(source, dict) and not (isinstance(source, list) and all(isinstance(d, dict) for d in source)):
            raise api.UsageError(f"{args.ledger} holds neither an audit record nor a list of records")
    report = api.replay(source, args.rubrics, against_current=args.against_current, nominees=args.nominees or (),
                        jobs=args.jobs, head=args.head, public_key=args.public_key)
    if args.format == "json":
        print(json.dumps({
            "ok": report.ok, "verified": report.verified, "records": len(report.records),
            "findings": [attrs.asdict(f) for f in report.findings],
            "first_divergence": attrs.asdict(report.first_divergence) if report.first_divergence else None,
        }, indent=2, ensure_ascii=False, default=list))
    else:
        print(report.render())
    return EXIT_OK if report.ok else EXIT_PROBLEM


def _keygen(args: argparse.Namespace) -> int:
    fingerprint = api.keygen(args.private, args.public)
    print(f"wrote {args.private} (private: keep it secret) and {args.public} (public: publish it with the "
          f"ledgers)\nkey fingerprint {fingerprint}")
    return EXIT_OK


# ------------------------------------------------------------------ test


def _test(args: argparse.Namespace) -> int:
    files = api.rubric_files(args.paths)
    if args.cases and len(files) != 1:
        raise api.UsageError("--cases needs exactly one rubric")
    if args.cases and not Path(args.cases).is_file():
        raise api.UsageError(f"no such example file: {args.cases}")
    passed = 0
    for path in files:
        try:
            rubric = api.load(path)
        except api.RubricError as error:
            print(f"{path}\n{error}\n  FAILED")
            continue
        report = api.run_cases(rubric, Path(args.cases) if args.cases else None, args.examples)
        print(report.render())
        passed += report.ok
    print(f"{len(files)} rubric{'s' if len(files) != 1 else ''} tested, {passed} ok")
    return EXIT_OK if passed == len(files) else EXIT_PROBLEM


# ------------------------------------------------------------------ diff


def _diff(args: argparse.Namespace) -> int:
    old, new = Path(args.old), Path(args.new)
    for path in (old, new):
        _require(str(path), "file or directory")
    if old.is_dir() != new.is_dir():
        raise api.UsageError("compare two rubric files, or two folders of rubrics")
    if old.is_dir():
        if args.candidates:
            raise api.UsageError("--candidates needs two rubric files")
        _diff_folders(old, new)
        return EXIT_OK
    before, after = api.load(old), api.load(new)
    changes = api.diff_rubrics(before, after)
    print(f"{before.path} → {after.path}")
    print("\n".join(f"  {c.render()}" for c in changes) if changes else "  no change in meaning")
    if args.candidates:
        _require(args.candidates, "data file")
        print()
        print(api.render_movements(api.rescore(before, after, args.candidates)))
    return EXIT_OK


def _diff_folders(old: Path, new: Path) -> None:
    pairs, unpaired = api.pair_folders([api.load(p) for p in api.rubric_files([old])],
                                       [api.load(p) for p in api.rubric_files([new])])
    lines = [change.render() for change in unpaired]
    for before, after in pairs:
        changes = api.diff_rubrics(before, after)
        lines += [f"{before.path} → {after.path}"] + [f"  {c.render()}" for c in changes]
    print("\n".join(lines))


# ------------------------------------------------------------------ fmt


def _fmt(args: argparse.Namespace) -> int:
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


# ------------------------------------------------------------------ docs


def _docs(args: argparse.Namespace) -> int:
    _write(args.output, api.handbook(_load_rubric(args.rubric), lang=args.lang, format=args.format))
    return EXIT_OK


# ------------------------------------------------------------------ list


def _sensitivity(args: argparse.Namespace) -> int:
    rubric = _load_rubric(args.rubric)
    _require_data(args)
    report = api.sensitivity(rubric, args.data, criteria=args.criterion, data_format=args.data_format)
    _write(args.output, report.render(args.lang))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    """The library (or what a title can mean) as a table or JSON; exit 1 if a rubric listed does not load."""
    readings = api.title_readings(args.title) if args.title is not None else ()
    entries = api.catalogue(args.folder, category=args.category, period=args.period, edition=args.edition,
                            round=args.round)
    listing = api.catalogue_sections(entries, readings)
    if args.format == "json":
        print(json.dumps(api.catalogue_json(listing, args.lang), indent=2, ensure_ascii=False))
    else:
        print(api.render_catalogue(listing, args.lang, args.title))
    return EXIT_PROBLEM if any(e.failure for section in listing for e in section.entries) else EXIT_OK


# ------------------------------------------------------------------ output


def _write(output: str | None, text: str) -> None:
    """Print, or replace `output` atomically: a crash never leaves a half-written file."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        api.write_atomically(output, [text.encode("utf-8")])
    except OSError as error:
        raise api.UsageError(f"cannot write {output}: {error.strerror}") from None


# What runs each command, by the name `cli_parser` gives it.
_RUNS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check, "score": _score, "replay": _replay, "test": _test, "diff": _diff, "fmt": _fmt, "docs": _docs,
    "explain": _explain, "keygen": _keygen, "list": _list, "sensitivity": _sensitivity,
}
