"""`paritrana-rules studio`: the studio in a browser, on this machine (the `studio` extra)."""

from __future__ import annotations

import argparse
import sys

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, positive


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    studio = commands.add_parser("studio", parents=[common], help="the studio in a browser ('studio' extra)",
                                 description="Start the studio on http://127.0.0.1:PORT/: the rubric library, each "
                                             "rubric's editor with live checking and saving, its handbook, a "
                                             "what-if form for one candidate, scoring a file and replaying a "
                                             "ledger. It listens on this machine only; other systems use 'serve'.")
    studio.add_argument("folder", nargs="?", default="rubrics", metavar="RUBRICS_DIR",
                        help="the rubrics folder (default: rubrics/ in the current folder); only files inside it "
                             "are read or saved")
    studio.add_argument("--port", type=positive, default=8000, help="default 8000")
    studio.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from paritrana_rules.studio import pages, server  # noqa: PLC0415 (the extra may not be installed)
    except ImportError:
        raise api.UsageError("the studio needs the 'studio' extra: pip install 'paritrana-rules[studio]'") from None
    app = pages.create_studio(args.folder)
    print(f"paritrana-rules: the studio of {args.folder} is on http://127.0.0.1:{args.port}/", file=sys.stderr)
    server.run(app, host="127.0.0.1", port=args.port)
    return EXIT_OK
