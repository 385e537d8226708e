"""`paritrana-rules diff`: what changed in meaning between two rubrics, and whom it moves."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, EXIT_PROBLEM, Commands, require

EPILOG = """exit codes:
  0  nothing changed in meaning, and no candidate moved
  1  something changed: a rubric change, a rubric added or removed, or a candidate who moves
  2  usage error (a missing file, a file compared with a folder)"""


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    diff = commands.add_parser("diff", parents=[common], help="what changed in meaning between two rubrics",
                               description="Compare two rubrics (or two folders of rubrics, paired by category, "
                                           "sector and round): criteria, weights, bands, tables, gates, stages, "
                                           "ranking and labels, with locations; with --candidates, each rubric "
                                           "scores and ranks the candidates its own way (groups, cuts, "
                                           "nominations, placings), and the diff shows who gains or loses a "
                                           "nomination or placing, rank moves within each group, and each total's "
                                           "change split into what every criterion, bonus, penalty, cap and the "
                                           "rounding add to it.",
                               epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--candidates", metavar="FILE", help="candidate data to score under both")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.add_argument("--lang", choices=("en", "id"), default="en", help="the language of the words (default en)")
    diff.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    old, new = Path(args.old), Path(args.new)
    for path in (old, new):
        require(str(path), "file or directory")
    if old.is_dir() != new.is_dir():
        raise api.UsageError("compare two rubric files, or two folders of rubrics")
    if args.candidates:
        if old.is_dir():
            raise api.UsageError("--candidates needs two rubric files")
        require(args.candidates, "data file")
    if old.is_dir():
        pairs, unpaired = api.pair_folders([api.load(p) for p in api.rubric_files([old])],
                                           [api.load(p) for p in api.rubric_files([new])])
        diffs = [api.compare(before, after) for before, after in pairs]
    else:
        diffs, unpaired = [api.compare(api.load(old), api.load(new), args.candidates)], []
    render = api.render_json if args.format == "json" else api.render_text
    sys.stdout.write(render(diffs, unpaired, args.lang))
    return EXIT_PROBLEM if unpaired or any(d.changed for d in diffs) else EXIT_OK
