"""`paritrana-rules list`: the rubric library by category, period, edition and round, or what a title means."""

from __future__ import annotations

import argparse
import json

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, EXIT_PROBLEM, Commands, year


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
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
    listing.add_argument("--period", type=year, metavar="YEAR")
    listing.add_argument("--edition", type=year, metavar="YEAR")
    listing.add_argument("--round", metavar="NAME", help="e.g. provinsi or nasional")
    listing.add_argument("--lang", choices=("en", "id"), default="en", help="language of the labels")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
