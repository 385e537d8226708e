"""`paritrana-rules diff`: what changed in meaning between two rubrics, and whose score moves."""

from __future__ import annotations

import argparse
from pathlib import Path

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, require


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    diff = commands.add_parser("diff", parents=[common], help="what changed in meaning between two rubrics",
                               description="Compare two rubrics (or two folders of rubrics, paired by category and "
                                           "sector): criteria, weights, bands, tables, gates and labels, with "
                                           "locations; with --candidates, whose score, status and rank change.")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("--candidates", metavar="FILE", help="candidate data to score under both")
    diff.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    old, new = Path(args.old), Path(args.new)
    for path in (old, new):
        require(str(path), "file or directory")
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
        require(args.candidates, "data file")
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
