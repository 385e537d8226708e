"""What one rubric input accepts (`InputSpec`), and the words a problem with a raw value is told in.

Every other data module builds its problems from these: an `Issue` is one
thing wrong with one value, raised as `Invalid` by the code that converts it,
and a raw value is always shown short and safe (`show`), whatever its size:
only its start is ever rendered.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Literal, NoReturn

import attrs

_InputKind = Literal["number", "count", "bool", "one_of", "set_of", "text", "panel"]

_SHOWN_CHARS = 40
_SHOWN_BITS = 4 * _SHOWN_CHARS  # an int this short has fewer digits than a message shows
_DIGITS_PER_BIT = 0.30103  # log10(2)


@attrs.frozen(cache_hash=True)
class InputSpec:
    """What one rubric input accepts; built by the compiler from an `input` declaration."""

    name: str
    kind: _InputKind
    members: tuple[str, ...] = ()  # allowed values for one_of / set_of
    lower: Decimal | None = None  # inclusive bound, None = unbounded
    upper: Decimal | None = None  # inclusive bound
    has_default: bool = False
    default: object = None  # already a validated value when has_default
    unit: str | None = None  # "percent", "rupiah" or free text, for messages only
    aggregate: str | None = None  # for a panel: mean, median or trimmed_mean
    aliases: tuple[tuple[str, str], ...] = ()  # (another spelling, the member it means) for one_of / set_of

    @functools.cached_property
    def spellings(self) -> Mapping[str, str]:
        """Every accepted spelling of a member, normalised (see `spelling`), to the member it means."""
        return {spelling(text): member for text, member in (*((m, m) for m in self.members), *self.aliases)}

    def member(self, text: str) -> str | None:
        """The member a data value names: its name or a declared alias, in any case, with spaces, hyphens,
        dots or underscores between the words ("Jawa Timur", "jawa-timur" and "JAWA_TIMUR" all name
        jawa_timur); None when it names none."""
        return text if text in self.members else self.spellings.get(spelling(text))


def spelling(text: str) -> str:
    """A value as compared with members and aliases: lower case, words joined by one underscore."""
    return "_".join(re.split(r"[\s._-]+", text.strip().casefold())).strip("_")


@attrs.frozen
class Issue:
    message: str
    hint: str | None = None


class Invalid(Exception):
    """Raised by a converter with every issue it found in one value."""

    def __init__(self, *issues: Issue) -> None:
        super().__init__(*issues)
        self.issues = issues


@attrs.frozen
class NonFinite:
    """NaN or Infinity read from JSON: kept as a marker so validation can name it."""

    text: str


@attrs.frozen
class Refused:
    """A raw value that reading refused to build (past a limit of `limits`): kept as a marker so that
    validation reports it under its own field, and the rest of the record is still judged."""

    issue: Issue
    shown: str  # how a message shows the value: short, whatever its size


def wrong_type(raw: object, spec: InputSpec, hint: str | None = None) -> NoReturn:
    raise Invalid(Issue(f"expected {_expected(spec)}, got {show(raw)}", hint))


def _expected(spec: InputSpec) -> str:
    return {
        "number": "a number",
        "count": "a whole number ≥ 0 (count)",
        "bool": "yes or no",
        "one_of": f"one of: {listing(spec.members)}",
        "set_of": f"a list of values from: {listing(spec.members)}",
        "text": "some text",
        "panel": "the jurors' scores, e.g. {sekda: 80, kadisnaker: 85}",
    }[spec.kind]


def describe(spec: InputSpec) -> str:
    bounds = allowed_range(spec) if spec.kind in ("number", "count", "panel") else None
    return f"{_expected(spec)}, {bounds}" if bounds else _expected(spec)


def allowed_range(spec: InputSpec) -> str | None:
    if spec.lower is not None and spec.upper is not None:
        return f"from {amount(spec.lower, spec)} to {amount(spec.upper, spec)}"
    if spec.lower is not None:
        return f"at least {amount(spec.lower, spec)}"
    if spec.upper is not None:
        return f"at most {amount(spec.upper, spec)}"
    return None


def amount(number: Decimal, spec: InputSpec) -> str:
    if spec.unit == "percent":
        return f"{number}%"
    if spec.unit == "rupiah":
        return f"Rp {number}"
    return f"{number} {spec.unit}" if spec.unit else str(number)


def show(raw: object) -> str:
    """A short, safe rendering of a raw value for a message."""
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return clip(repr(raw[:_SHOWN_CHARS + 1]))  # the repr of the start only: the value may be huge
    if isinstance(raw, int):
        return _show_int(raw)
    if isinstance(raw, (Decimal, float)):
        return clip(str(raw))
    if isinstance(raw, NonFinite):
        return raw.text
    if isinstance(raw, Refused):
        return raw.shown
    return _describe_type(raw)


def _show_int(number: int) -> str:
    """An int's digits when they fit in a message; past that, how many there are (computing them all is slow)."""
    if number.bit_length() <= _SHOWN_BITS:
        return clip(str(number))
    return f"a whole number of about {int(number.bit_length() * _DIGITS_PER_BIT):,} digits"


def _describe_type(raw: object) -> str:
    if isinstance(raw, (list, tuple)):
        return "a list"
    if isinstance(raw, Mapping):
        return "a mapping (key: value pairs)"
    if isinstance(raw, (set, frozenset)):
        return "a set"
    if isinstance(raw, (bytes, bytearray)):
        return "binary data"
    return f"a value of type {type(raw).__name__}"


def clip(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def listing(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + ", …" if len(names) > limit else shown or "(none)"
