"""Canonical JSON: the one byte form of a document (sorted keys, no spaces, UTF-8), and its hash.

Audit records, rubric identities and the handbook's fingerprint are all taken
over this form, so the same content gives the same bytes on every machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from paritrana_rules.numeric import plain

_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(document: Any) -> bytes:
    """The one byte form of a JSON document: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(document).encode()


def sha256(document: Any) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def encode(value: Any, other: Callable[[Any], Any] | None = None) -> Any:
    """A value as JSON: decimals as plain strings, sets as sorted lists, tuples as lists.

    `other` gives the JSON form of anything else (or raises TypeError), at any depth.
    """
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (frozenset, set)):
        return sorted(encode(v, other) for v in value)
    if isinstance(value, (tuple, list)):
        return [encode(v, other) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v, other) for k, v in value.items()}
    if other is None:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")
    return encode(other(value), other)
