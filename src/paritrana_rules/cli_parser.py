"""The command line's arguments: one parser per command of `paritrana-rules`, each named as `cli` runs it.

Kept apart from `cli`, which runs the commands; like it, this module uses nothing but the public API.
"""

from __future__ import annotations

import argparse
from typing import TypeAlias

from paritrana_rules import api

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"  # what `add_subparsers` returns


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def build() -> argparse.ArgumentParser:
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
    _add_list(commands, common)
    _add_sensitivity(commands, common)
    return parser


def _add_check(commands: Commands, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser("check", parents=[common], help="check rubric files for mistakes",
                                description="Check rubric files (or every *.rubric under a directory).")
    check.add_argument("paths", nargs="+", metavar="PATH", help="rubric file or directory; - reads standard input")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="treat warnings as problems (exit 1)")


def _add_score(commands: Commands, common: argparse.ArgumentParser) -> None:
    score = commands.add_parser("score", parents=[common], help="score candidates from a data file",
                                description="Score every candidate in a YAML, JSON, JSON Lines, CSV or .xlsx file: "
                                            "one output row per input row, in order. CSV, JSON Lines and .xlsx are "
                                            "read as a stream, so files of any size score in flat memory.")
    score.add_argument("rubric", metavar="RUBRIC")
    score.add_argument("data", metavar="DATA", help="candidates: .yaml, .yml, .json, .jsonl, .csv, .xlsx or "
                                                    ".parquet; - reads standard input (with --data-format)")
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
    score.add_argument("--row-by-row", action="store_true",
                       help="score every row on its own, not a column at a time (the same output, slower; with "
                            "the 'columnar' extra installed, plainly written CSV and xlsx rows are scored in "
                            "columns)")


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


def _add_data_format(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data-format", choices=("yaml", "json", "jsonl", "csv", "xlsx", "parquet"),
                         help="how DATA is written (default: from its ending; needed for -)")


def _add_keygen(commands: Commands, common: argparse.ArgumentParser) -> None:
    keygen = commands.add_parser("keygen", parents=[common], help="make a key pair to sign audit ledgers",
                                 description="Make an Ed25519 key pair ('sign' extra): the private key (PEM, mode "
                                             "0600) signs ledgers with 'score --sign', the public key checks them "
                                             "with 'replay --public-key'. Existing files are never overwritten.")
    keygen.add_argument("private", metavar="PRIVATE", help="where to write the private key; keep it secret")
    keygen.add_argument("public", metavar="PUBLIC", help="where to write the public key; publish it")


def _add_test(commands: Commands, common: argparse.ArgumentParser) -> None:
    test = commands.add_parser("test", parents=[common], help="run rubrics' example cases, coverage and properties",
                               description="Run each rubric's example cases (examples/ beside rubrics/), report "
                                           "which rules no case reaches, and check the rubric's properties.")
    test.add_argument("paths", nargs="*", default=["rubrics"], metavar="PATH", help="rubric files or folders")
    test.add_argument("--cases", metavar="FILE", help="example cases to use (for a single rubric)")
    test.add_argument("--examples", type=_positive, default=200, metavar="N",
                      help="generated candidates per property (default 200)")


def _add_diff(commands: Commands, common: argparse.ArgumentParser) -> None:
    diff = commands.add_parser("diff", parents=[common], help="what changed in meaning between two rubrics",
                               description="Compare two rubrics (or two folders of rubrics, paired by category and "
                                           "sector): criteria, weights, bands, tables, gates and labels, with "
                                           "locations; with --candidates, whose score, status and rank change.")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--candidates", metavar="FILE", help="candidate data to score under both")


def _add_fmt(commands: Commands, common: argparse.ArgumentParser) -> None:
    fmt = commands.add_parser("fmt", parents=[common], help="lay rubric files out the standard way",
                              description="Rewrite rubric files (or every *.rubric under a folder) in the canonical "
                                          "layout; comments are kept and the meaning never changes.")
    fmt.add_argument("paths", nargs="+", metavar="PATH",
                     help="rubric file or directory; - formats standard input to standard output")
    fmt.add_argument("--check", action="store_true", help="only list files that would change; exit 1 if any")


def _add_docs(commands: Commands, common: argparse.ArgumentParser) -> None:
    docs = commands.add_parser("docs", parents=[common], help="the handbook candidates read, from a rubric",
                               description="Generate the handbook of a rubric: criteria and weights, how points are "
                                           "earned, conditions, bonuses, the data to submit and its evidence.")
    docs.add_argument("rubric", metavar="RUBRIC")
    docs.add_argument("--lang", choices=("id", "en"), default="id")
    docs.add_argument("--format", choices=("markdown", "text"), default="markdown")
    docs.add_argument("--output", "-o", metavar="FILE")


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


def _add_sensitivity(commands: Commands, common: argparse.ArgumentParser) -> None:
    sensitivity = commands.add_parser("sensitivity", parents=[common], help="how far each weight can move before "
                                      "a nomination or placing changes", description="For each criterion weight, "
                                      "the exact interval over which the nominations and placings of DATA's "
                                      "candidates stay the same (siblings rescaled to keep their sum), and the "
                                      "first change beyond it.")
    sensitivity.add_argument("rubric", metavar="RUBRIC")
    sensitivity.add_argument("data", metavar="DATA", help="candidates, as for score; - reads standard input")
    _add_data_format(sensitivity)
    sensitivity.add_argument("--criterion", action="append", metavar="NAME",
                             help="analyse only this criterion's weight (repeat for several)")
    sensitivity.add_argument("--lang", choices=("en", "id"), default="en")
    sensitivity.add_argument("--output", "-o", metavar="FILE")


def _add_list(commands: Commands, common: argparse.ArgumentParser) -> None:
    listing = commands.add_parser("list", parents=[common], help="the rubric library, or which rubrics a title means",
                                  description="List the rubrics of a folder by category, period, edition, round and "
                                              "sector; a rubric that does not load is listed with its first error "
                                              "(exit 1). With --title, every rubric the title's year can mean: the "
                                              "edition (ceremony year) or the assessment period.")
    listing.add_argument("folder", nargs="?", default="rubrics", metavar="RUBRICS_DIR",
                         help="the rubrics folder (default: rubrics/ in the current folder)")
    listing.add_argument("--title", metavar="TEXT",
                         help='a title with a 4-digit year, e.g. "Paritrana Award 2021": both its readings, the '
                              "one the convention prefers first")
    listing.add_argument("--category", metavar="NAME")
    listing.add_argument("--period", type=_year, metavar="YEAR")
    listing.add_argument("--edition", type=_year, metavar="YEAR")
    listing.add_argument("--round", metavar="NAME", help="e.g. provinsi or nasional")
    listing.add_argument("--lang", choices=("en", "id"), default="en", help="language of the labels")
    listing.add_argument("--format", choices=("table", "json"), default="table")


def _year(text: str) -> int:
    if len(text) != 4 or not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a 4-digit year such as 2024, got {text!r}")
    return int(text)
