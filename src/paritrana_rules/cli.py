"""The `paritrana-rules` command: check, score, explain, replay, test, diff, fmt and docs.

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
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO, TypeAlias

import attrs

from paritrana_rules import api

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143  # 128 + the signal, as shells report them

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # what `add_subparsers` returns


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _tolerate_any_encoding()
    signal.signal(signal.SIGTERM, _terminated)
    try:
        with _terminals_guarded():
            return int(args.run(args))
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paritrana-rules",
        description="Check Paritrana Award rubrics and score candidates with explained, exact results.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {api.VERSION}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_check(commands, common)
    _add_score(commands, common)
    _add_replay(commands, common)
    _add_test(commands, common)
    _add_diff(commands, common)
    _add_fmt(commands, common)
    _add_docs(commands, common)
    _add_explain(commands, common)
    _add_keygen(commands, common)
    return parser


def _add_check(commands: Commands, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser("check", parents=[common], help="check rubric files for mistakes",
                                description="Check rubric files (or every *.rubric under a directory).")
    check.add_argument("paths", nargs="+", metavar="PATH", help="rubric file or directory; - reads standard input")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="treat warnings as problems (exit 1)")
    check.set_defaults(run=_check)


def _add_score(commands: Commands, common: argparse.ArgumentParser) -> None:
    score = commands.add_parser("score", parents=[common], help="score candidates from a data file",
                                description="Score every candidate in a YAML, JSON, JSON Lines, CSV or .xlsx file: "
                                            "one output row per input row, in order. CSV, JSON Lines and .xlsx are "
                                            "read as a stream, so files of any size score in flat memory.")
    score.add_argument("rubric", metavar="RUBRIC")
    score.add_argument("data", metavar="DATA", help="candidates: .yaml, .yml, .json, .jsonl, .csv or .xlsx; - reads "
                                                    "standard input (with --data-format)")
    _add_data_format(score)
    score.add_argument("--format", choices=api.FORMATS, default="table",
                       help="jsonl: one JSON object per input row, in file order")
    score.add_argument("--explain", action="store_true", help="add each candidate's explanation")
    score.add_argument("--lang", choices=("en", "id"), default="en", help="language of explanations")
    score.add_argument("--output", "-o", metavar="FILE", help="write here (atomically) instead of standard output")
    score.add_argument("--audit", metavar="LEDGER", help="also write a sealed, hash-chained audit ledger (.jsonl)")
    score.add_argument("--stage", metavar="NAME",
                       help="score everyone at this stage (default: the stage each candidate's data has reached); "
                            "candidates who pass its advance rules are 'pending' the later stages")
    score.add_argument("--nominees", nargs="+", metavar="LEDGER",
                       help="a national round: score only the candidates these provincial ledgers nominate (each "
                            "must verify); the ledger written with --audit names them")
    score.add_argument("--jobs", "-j", type=_positive, default=1, metavar="N",
                       help="score in N processes (the output keeps the input's order)")
    score.add_argument("--sign", metavar="KEY",
                       help="sign the audit ledger's seal with this private key (from 'paritrana-rules keygen'; the "
                            "'sign' extra)")
    score.add_argument("--csv-raw", action="store_true",
                       help="write CSV cells as they are, even those a spreadsheet would run as formulas (by "
                            "default a cell starting with =, +, -, @, tab or CR gets a leading ')")
    score.set_defaults(run=_score)


def _add_replay(commands: Commands, common: argparse.ArgumentParser) -> None:
    replay = commands.add_parser("replay", parents=[common], help="verify an audit ledger or record",
                                 description="Verify every record of an audit ledger: hashes, chain, seal, rubric, "
                                             "and each derivation step by step.")
    replay.add_argument("ledger", metavar="LEDGER",
                        help="a .jsonl ledger written by 'score --audit', or one record (.json)")
    replay.add_argument("--rubrics", nargs="+", metavar="PATH",
                        help="rubric files or folders to find the rubric in (default: rubrics/ in the current "
                             "folder); what a record says of its rubric's path is never opened")
    replay.add_argument("--against-current", action="store_true",
                        help="if the rubric changed, re-score under the current one and report the difference")
    replay.add_argument("--nominees", nargs="+", metavar="LEDGER",
                        help="for a national round: the provincial ledgers it names, to check they nominate the "
                             "candidates it scored")
    replay.add_argument("--jobs", "-j", type=_positive, default=1, metavar="N",
                        help="re-derive the records in N processes")
    replay.add_argument("--head", metavar="HASH",
                        help="the seal head the committee published: any other ledger is a finding")
    replay.add_argument("--public-key", metavar="FILE",
                        help="the committee's public key: a seal it did not sign is a finding ('sign' extra)")
    replay.add_argument("--format", choices=("text", "json"), default="text")
    replay.set_defaults(run=_replay)


def _add_data_format(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data-format", choices=("yaml", "json", "jsonl", "csv", "xlsx"),
                         help="how DATA is written (default: from its ending; needed for -)")


def _add_keygen(commands: Commands, common: argparse.ArgumentParser) -> None:
    keygen = commands.add_parser("keygen", parents=[common], help="make a key pair to sign audit ledgers",
                                 description="Make an Ed25519 key pair ('sign' extra): the private key (PEM, mode "
                                             "0600) signs ledgers with 'score --sign', the public key checks them "
                                             "with 'replay --public-key'. Existing files are never overwritten.")
    keygen.add_argument("private", metavar="PRIVATE", help="where to write the private key; keep it secret")
    keygen.add_argument("public", metavar="PUBLIC", help="where to write the public key; publish it")
    keygen.set_defaults(run=_keygen)


def _add_test(commands: Commands, common: argparse.ArgumentParser) -> None:
    test = commands.add_parser("test", parents=[common], help="run rubrics' example cases, coverage and properties",
                               description="Run each rubric's example cases (examples/ beside rubrics/), report "
                                           "which rules no case reaches, and check the rubric's properties.")
    test.add_argument("paths", nargs="*", default=["rubrics"], metavar="PATH", help="rubric files or folders")
    test.add_argument("--cases", metavar="FILE", help="example cases to use (for a single rubric)")
    test.add_argument("--examples", type=_positive, default=200, metavar="N",
                      help="generated candidates per property (default 200)")
    test.set_defaults(run=_test)


def _add_diff(commands: Commands, common: argparse.ArgumentParser) -> None:
    diff = commands.add_parser("diff", parents=[common], help="what changed in meaning between two rubrics",
                               description="Compare two rubrics (or two folders of rubrics, paired by category and "
                                           "sector): criteria, weights, bands, tables, gates and labels, with "
                                           "locations; with --candidates, whose score, status and rank change.")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--candidates", metavar="FILE", help="candidate data to score under both")
    diff.set_defaults(run=_diff)


def _add_fmt(commands: Commands, common: argparse.ArgumentParser) -> None:
    fmt = commands.add_parser("fmt", parents=[common], help="lay rubric files out the standard way",
                              description="Rewrite rubric files (or every *.rubric under a folder) in the canonical "
                                          "layout; comments are kept and the meaning never changes.")
    fmt.add_argument("paths", nargs="+", metavar="PATH",
                     help="rubric file or directory; - formats standard input to standard output")
    fmt.add_argument("--check", action="store_true", help="only list files that would change; exit 1 if any")
    fmt.set_defaults(run=_fmt)


def _add_docs(commands: Commands, common: argparse.ArgumentParser) -> None:
    docs = commands.add_parser("docs", parents=[common], help="the handbook candidates read, from a rubric",
                               description="Generate the handbook of a rubric: criteria and weights, how points are "
                                           "earned, conditions, bonuses, the data to submit and its evidence.")
    docs.add_argument("rubric", metavar="RUBRIC")
    docs.add_argument("--lang", choices=("id", "en"), default="id")
    docs.add_argument("--format", choices=("markdown", "text"), default="markdown")
    docs.add_argument("--output", "-o", metavar="FILE")
    docs.set_defaults(run=_docs)


def _add_explain(commands: Commands, common: argparse.ArgumentParser) -> None:
    explain = commands.add_parser("explain", parents=[common], help="explain one candidate's score",
                                  description="Explain how one candidate's score was derived, step by step.")
    explain.add_argument("rubric", metavar="RUBRIC")
    explain.add_argument("data", metavar="DATA", help="candidates, as for score; - reads standard input")
    _add_data_format(explain)
    explain.add_argument("--candidate", "-c", metavar="ID", help="the candidate's id (needed if DATA has several)")
    explain.add_argument("--lang", choices=("en", "id"), default="en")
    explain.add_argument("--format", choices=("text", "markdown"), default="text")
    explain.add_argument("--output", "-o", metavar="FILE")
    explain.set_defaults(run=_explain)


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
                                tick=_Progress() if sys.stderr.isatty() else None)
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
