"""`paritrana-rules lsp`: a language server for editors, on standard input and output (the `lsp` extra)."""

from __future__ import annotations

import argparse

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    lsp = commands.add_parser("lsp", parents=[common], help="a language server for editors ('lsp' extra)",
                              description="Serve the Language Server Protocol on standard input and output: "
                                          "diagnostics as you type, hover, go to definition across extends, "
                                          "completion and formatting. Editors start it (see editors/).")
    lsp.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from paritrana_rules.studio import lsp  # noqa: PLC0415 (the extra may not be installed)
    except ImportError:
        raise api.UsageError("the language server needs the 'lsp' extra: pip install 'paritrana-rules[lsp]'") from None
    lsp.serve_stdio()
    return EXIT_OK
