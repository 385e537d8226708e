"""`paritrana-rules keygen`: a key pair to sign audit ledgers with."""

from __future__ import annotations

import argparse

from paritrana_rules import api
from paritrana_rules.cli.common import EXIT_OK, Commands


def add(commands: Commands, common: argparse.ArgumentParser) -> None:
    keygen = commands.add_parser("keygen", parents=[common], help="make a key pair to sign audit ledgers",
                                 description="Make an Ed25519 key pair ('sign' extra): the private key (PEM, mode "
                                             "0600) signs ledgers with 'score --sign', the public key checks them "
                                             "with 'replay --public-key'. Existing files are never overwritten.")
    keygen.add_argument("private", metavar="PRIVATE", help="where to write the private key; keep it secret")
    keygen.add_argument("public", metavar="PUBLIC", help="where to write the public key; publish it")
    keygen.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    fingerprint = api.keygen(args.private, args.public)
    print(f"wrote {args.private} (private: keep it secret) and {args.public} (public: publish it with the "
          f"ledgers)\nkey fingerprint {fingerprint}")
    return EXIT_OK
