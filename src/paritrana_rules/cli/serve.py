"""`paritrana-rules serve`: the HTTP API over a folder of rubrics (the `studio` extra).

Like `studio`, the other front end over the public API, it is imported only when asked for: the extra may not
be installed.
"""

from __future__ import annotations

import argparse
import os
import sys

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands, positive

TOKEN_VARIABLE = "PARITRANA_TOKEN"  # where the token is read from: a command line is visible to every user


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser("serve", parents=[common], help="serve the HTTP API (the 'studio' extra)",
                                description="Serve check, score, explain, audit, replay and each rubric's input "
                                            "schema over HTTP, with an OpenAPI document at /api/openapi.json. "
                                            "Bound to 127.0.0.1 unless --host says otherwise; bound to any other "
                                            f"address it needs a token, read from ${TOKEN_VARIABLE}.")
    serve.add_argument("folder", nargs="?", default="rubrics", metavar="RUBRICS_DIR",
                       help="the rubrics folder (default: rubrics/ in the current folder); nothing outside it is "
                            "read")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=positive, default=8000, help="default 8000")
    serve.add_argument("--max-body", type=positive, default=10 * 2**20, metavar="BYTES",
                       help="the largest request body taken (default 10 MiB)")
    serve.add_argument("--timeout", type=positive, default=60, metavar="SECONDS",
                       help="answer 504 when a request takes longer (default 60)")
    serve.add_argument("--at-once", type=positive, default=4, metavar="N",
                       help="pieces of work run at a time, in threads; past it the answer is 503 (default 4)")
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_VARIABLE) or None
    try:
        from paritrana_rules.studio import base, server  # noqa: PLC0415 (the extra may not be installed)
    except ImportError:
        raise api.UsageError("serving needs the 'studio' extra: pip install 'paritrana-rules[studio]'") from None
    if token is None and not base.is_loopback(args.host):
        raise api.UsageError(f"bound to {args.host}, the server needs a token: set {TOKEN_VARIABLE}, and send it "
                             "as 'Authorization: Bearer TOKEN'")
    limits = server.Limits(args.max_body, float(args.timeout), args.at_once)
    app = server.create_app(args.folder, limits=limits, token=token)
    print(f"paritrana-rules: serving {args.folder} on http://{args.host}:{args.port}/api/openapi.json"
          + (" (token required)" if token else ""), file=sys.stderr)
    server.run(app, host=args.host, port=args.port)
    return EXIT_OK

