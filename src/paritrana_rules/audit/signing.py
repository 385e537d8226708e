"""Signed seals: a committee's Ed25519 key signs what a ledger's seal closes on.

A hash chain shows that a ledger is whole, not who wrote it: anyone with the
engine can score, chain and seal a forgery. The seal's head commits to every
record before it, so a signature over the seal ties the whole ledger to whoever
holds the private key, and replay with the committee's public key refuses any
other.

Keys are PEM files as OpenSSL writes them: the private key unencrypted PKCS#8,
readable by its owner only; the public key SubjectPublicKeyInfo, to publish. A
key is named by its fingerprint, the SHA-256 of its 32 raw bytes in hex, which
the signature records so an auditor can see which key signed.

`cryptography` comes with the `sign` extra and is imported only when a key is
made, loaded or used: a ledger that is not signed, or not checked, needs none.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from paritrana_rules.canonical import canonical
from paritrana_rules.errors import UsageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SCHEME = "paritrana-seal-ed25519/1"  # what is signed and how; a new way of signing gets a new scheme
_VALUE = re.compile("[0-9a-f]{128}")  # an Ed25519 signature's 64 bytes, in the one way hex writes them


@attrs.frozen
class PublicKey:
    """A committee's published key, which checks the signatures of the seals it made."""

    key: Ed25519PublicKey
    fingerprint: str

    def signed(self, signature: bytes, message: bytes) -> bool:
        """Whether `signature` is this key's holder's signature of `message`."""
        from cryptography.exceptions import InvalidSignature

        try:
            self.key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@attrs.frozen
class SigningKey:
    """A committee's private key, which signs the seal of each ledger it writes."""

    key: Ed25519PrivateKey
    fingerprint: str

    def seal_signature(self, seal: Mapping[str, Any], rubric: Mapping[str, Any]) -> dict[str, Any]:
        """The seal's `signature` member: what it vouches for (scheme, key, the rubric's identity and hash),
        and the signature of the seal with those."""
        unsigned = {"scheme": SCHEME, "key": self.fingerprint, "rubric": dict(rubric)}
        return {**unsigned, "value": self.key.sign(signed_bytes(seal, unsigned)).hex()}


def signed_bytes(seal: Mapping[str, Any], signature: Mapping[str, Any]) -> bytes:
    """What a seal's signature signs: the seal as canonical JSON, without `sha256`, `context` and the signature's
    `value` (format, kind, prev, count and head; the scheme, the key and the rubric)."""
    statement = {k: v for k, v in seal.items() if k not in ("sha256", "context", "signature")}
    return canonical({**statement, "signature": {k: v for k, v in signature.items() if k != "value"}})


def signature_problem(seal: Mapping[str, Any], rubric: Mapping[str, Any] | None, public_key: PublicKey) -> str | None:
    """Why a seal's signature does not show that the holder of `public_key` sealed this ledger, whose rubric
    record names `rubric`; None when it does."""
    signature = seal.get("signature")
    if not isinstance(signature, Mapping):
        return "the signature is not an object"
    if signature.get("scheme") != SCHEME:
        return f"the signature's scheme is {str(signature.get('scheme'))[:40]!r}, not {SCHEME}"
    if signature.get("key") != public_key.fingerprint:
        return (f"signed with the key {str(signature.get('key'))[:16]}…, not the given public key "
                f"{public_key.fingerprint[:16]}…")
    if signature.get("rubric") != rubric:
        return "the signature vouches for another rubric than the ledger's rubric record names"
    value = signature.get("value")
    if not isinstance(value, str) or not _VALUE.fullmatch(value):
        return "the signature's value is not 128 lowercase hexadecimal digits"
    try:
        message = signed_bytes(seal, signature)
    except (TypeError, ValueError, RecursionError):
        return "the seal holds values that JSON cannot"
    if not public_key.signed(bytes.fromhex(value), message):
        return "the signature does not match the seal: the seal, or the ledger it closes, changed after signing"
    return None


# ------------------------------------------------------------------ keys


def keygen(private_path: str | Path, public_path: str | Path) -> str:
    """Make a key pair: the private key readable by its owner only (mode 0600), the public key to publish.

    Returns the key's fingerprint. UsageError if either file exists: a key is never overwritten.
    """
    _require_extra()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = Path(private_path)
    _create(private, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()), 0o600)
    try:
        _create(Path(public_path), key.public_key().public_bytes(serialization.Encoding.PEM,
                                                                 serialization.PublicFormat.SubjectPublicKeyInfo),
                0o644)
    except UsageError:
        private.unlink()  # half a pair is no use, and it would block the next try
        raise
    return fingerprint(key.public_key())


def load_signing_key(path: str | Path) -> SigningKey:
    """A private key as `keygen` (or `openssl genpkey -algorithm ed25519`) writes it; UsageError if it is not."""
    _require_extra()
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(_read(path), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):  # TypeError: it is encrypted
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{path} is not an unencrypted Ed25519 private key in PEM form, as 'keygen' writes it")
    return SigningKey(key, fingerprint(key.public_key()))


def load_public_key(path: str | Path) -> PublicKey:
    """A public key as `keygen` (or `openssl pkey -pubout`) writes it; UsageError if it is not."""
    _require_extra()
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(_read(path))
    except (ValueError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{path} is not an Ed25519 public key in PEM form, as 'keygen' writes it")
    return PublicKey(key, fingerprint(key))


def fingerprint(key: Ed25519PublicKey) -> str:
    """A public key's name: the SHA-256 of its 32 raw bytes, in hex."""
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _require_extra() -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError:
        raise UsageError("signing and checking the signatures of ledgers needs the 'sign' extra: "
                         "pip install 'paritrana-rules[sign]'") from None


def _read(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read the key {path}: {error.strerror or error}") from None


def _create(path: Path, content: bytes, mode: int) -> None:
    """A new file with `mode` from the start (never readable by others, not even for a moment)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise UsageError(f"{path} already exists; a key is never overwritten") from None
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(content)
