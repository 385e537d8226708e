"""Anchors: what ties a ledger to what its committee published, the seal's head and the key that signed the seal.

The chain and the seal show that a ledger is whole, and so would a forgery
scored, chained and sealed again with the engine. What a forger cannot make is
a ledger whose head is the one the committee announced, or whose seal verifies
under the committee's public key. Replay given either (`head`, `public_key`)
refuses every other ledger: `head-mismatch`, `signature-missing`,
`signature-invalid`. Given neither, a signature is only noted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from paritrana_rules.audit.ledger import Finding, as_mapping
from paritrana_rules.audit.records import rubric_reference
from paritrana_rules.audit.signing import PublicKey, load_public_key, signature_problem
from paritrana_rules.errors import UsageError

_HEAD = re.compile("[0-9a-f]{64}")

# The seal of a ledger with its line, or None when there is none (cut off, or a single record).
Seal = tuple[int, Mapping[str, Any]] | None


def published_head(text: str) -> str:
    """A head as an announcement may print it (any case, spaces around) as ledgers write it; UsageError if it is
    not a SHA-256."""
    head = text.strip().lower()
    if not _HEAD.fullmatch(head):
        raise UsageError(f"a seal's head is 64 hexadecimal digits (a SHA-256), not {text[:80]!r}")
    return head


def public_key_of(key: PublicKey | str | Path) -> PublicKey:
    """The committee's public key, given loaded or as the path of its PEM file."""
    return key if isinstance(key, PublicKey) else load_public_key(key)


def anchor_findings(seal: Seal, rubric_records: Sequence[Mapping[str, Any]], head: str | None,
                    public_key: PublicKey | None) -> list[Finding]:
    """The seal against the published head and the committee's key, when given; a signature noted when not."""
    line, document = seal if seal is not None else (None, {})
    findings = []
    if head is not None and document.get("head") != head:
        shown = document.get("head") if seal is not None else "missing: there is no seal"
        findings.append(Finding("head-mismatch", f"the seal's head is {str(shown)[:64]}, not the published "
                                f"{head}: this is not the ledger the committee sealed", line))
    signature = document.get("signature")
    if public_key is not None and signature is None:
        findings.append(Finding("signature-missing", "the seal is not signed, so nothing shows that the holder of "
                                f"the key {public_key.fingerprint[:16]}… sealed it", line))
    elif public_key is not None:
        problem = signature_problem(document, _rubric_named(rubric_records), public_key)
        if problem is not None:
            findings.append(Finding("signature-invalid", problem, line))
    elif signature is not None:
        signer = str(as_mapping(signature).get("key"))[:16]
        findings.append(Finding("signature-unchecked", f"the seal is signed (key {signer}…); the signature was not "
                                "checked: give the committee's public key", line, None, "note"))
    return findings


def _rubric_named(rubric_records: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """What the ledger's rubric record says of its rubric, as a signature names it."""
    if not rubric_records:
        return None
    return rubric_reference(as_mapping(rubric_records[0].get("rubric")))
