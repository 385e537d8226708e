"""`paritrana-rules check`: rubric files checked for the mistakes committees make."""

from __future__ import annotations

import argparse
import json
import sys

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, EXIT_PROBLEM, STDIN, STDIN_NAME, Commands


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser("check", parents=[common], help="check rubric files for mistakes",
                                description="Check rubric files (or every *.rubric under a directory).")
    check.add_argument("paths", nargs="+", metavar="PATH", help="rubric file or directory; - reads standard input")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="treat warnings as problems (exit 1)")
    check.add_argument("--lang", choices=("en", "id"), default="en",
                       help="language of the messages and hints (default en); --format json gives both")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
            print(api.render_all(everything, args.lang))
        print(_checked(len(files), sum(1 for _, found in reports if not found), args.lang))
    return EXIT_PROBLEM if failing else EXIT_OK


def _checked(files: int, clean: int, lang: str) -> str:
    """The closing line: how many rubrics were checked, and how many had nothing to report."""
    if lang == "id":
        return f"{files} rubrik diperiksa, {clean} bersih"
    return f"{files} rubric{'s' if files != 1 else ''} checked, {clean} clean"
