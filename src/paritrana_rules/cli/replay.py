"""`paritrana-rules replay`: every record of an audit ledger verified, step by step."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, EXIT_PROBLEM, Commands, positive


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
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
    replay.add_argument("--jobs", "-j", type=positive, default=1, metavar="N",
                        help="re-derive the records in N processes")
    replay.add_argument("--head", metavar="HASH",
                        help="the seal head the committee published: any other ledger is a finding")
    replay.add_argument("--public-key", metavar="FILE",
                        help="the committee's public key: a seal it did not sign is a finding ('sign' extra)")
    replay.add_argument("--format", choices=("text", "json"), default="text")
    replay.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.render())
    return EXIT_OK if report.ok else EXIT_PROBLEM
