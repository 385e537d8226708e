"""The limits of candidate data, part of its contract: how large, long or deep anything read may be.

Each is checked before the work it bounds (converting a number, building a
nested value, keeping an id), so that no file, however made, can bring a run
down, hang it or swamp its output; and each limit broken is a problem of the
one record it is in (the file's own, only when the file cannot be read). Rows
are not limited: files that stream are read a row at a time, each row bounded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from paritrana_rules.data.specs import Issue, Refused, show

# ---- numbers

# The engine computes with 50 significant digits; inputs stay far inside that, so every
# product and ratio of two inputs is still exact (a rupiah budget of trillions has 13 digits).
MAX_DIGITS = 20
MAX_MAGNITUDE = 15  # numbers below 10^15
# The last digit of a number is at most this many places after the point, so that its plain
# text, which records and ledgers hold, stays short (0.00000000000000000001 is the smallest step).
MAX_DECIMAL_PLACES = MAX_DIGITS
# Number text longer than this is refused before it is converted: every number the engine accepts,
# written with any sign, point, exponent and leading or trailing zeros, fits many times over.
MAX_NUMBER_CHARS = 100
# A JSON number's written exponent, refused beyond this before the number is built: the accepted
# numbers lie between 10^-20 and 10^15, and 1e-999999999 would take gigabytes to write out.
MAX_EXPONENT = 100

# ---- values

# Lists and mappings nest at most this deep in one value: an input is at most a panel of jurors'
# scores, two levels, so anything deeper is not candidate data, and is never walked further.
MAX_DEPTH = 32
# Characters in one text value (or CSV cell): a long remark fits; a pasted document does not.
MAX_TEXT_CHARS = 10_000
# Members of a set-of value and jurors of a panel: a set lists each member at most once, and no
# rubric's set or panel has nearly this many, so a longer list is refused before each entry is looked at.
MAX_ITEMS = 100

# ---- records

# Characters in an id or a field name: both are codes, and both are repeated in every message about
# the record and remembered while a batch is read (to find repeated ids).
MAX_ID_CHARS = 100
# Characters in a candidate's or a juror's name: the longest official names take a third of this.
MAX_NAME_CHARS = 300
# Fields of one record, and columns of a CSV or spreadsheet header: five times the inputs of the
# largest rubric (20), with id, name and expect; each field costs work in every row.
MAX_FIELDS = 100
# Characters in one CSV row or JSON Lines line, its line ending included: room for every field at
# its longest text several times over; a longer row is skipped unread and rejected alone.
MAX_ROW_CHARS = 100_000

# ---- YAML

# Values that YAML aliases (*name) stand for, summed over a document: an alias is read as the whole
# value it names, so a few lines of aliases of aliases would otherwise stand for billions of values.
# Sharing a 20-field base with `<<: *base` costs 41 a candidate, so 2,000 candidates can share one.
MAX_ALIAS_VALUES = 100_000

# ---- .xlsx workbooks

# A workbook's parts, decompressed, as its zip archive declares them (and Python's zipfile holds
# them to): about 1.5 million cells of typical data. Larger batches go in CSV or JSON Lines,
# which stream without limit.
MAX_XLSX_BYTES = 50_000_000
# How much larger than its compressed size a part may be: XML compresses about ten times, a
# bomb a thousand (Apache POI refuses the same ratio). Parts below a megabyte are not held to it.
MAX_XLSX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1_000_000
# The last row a spreadsheet can have (Excel's); a row numbered past it is no spreadsheet's.
XLSX_LAST_ROW = 1_048_576


# ------------------------------------------------------------------ checks

_SURROGATE = re.compile("[\ud800-\udfff]")
_SHORTEN = "shorten it; a long text belongs in a document the record refers to"
_TOO_DEEP = Issue(f"the value is nested more than {MAX_DEPTH} levels deep",
                  "an input's value is a number, text, yes/no, a list of members or a panel of scores")


def text_issue(text: str, limit: int = MAX_TEXT_CHARS, what: str = "the value", hint: str = _SHORTEN) -> Issue | None:
    """Whether text is too long, or holds a lone surrogate (which no file or ledger can hold)."""
    if len(text) > limit:
        return Issue(f"{what} is {len(text):,} characters long; at most {limit:,} are allowed", hint)
    if _has_surrogate(text):
        return Issue(f"{what} holds text that is not valid Unicode (a lone surrogate such as \\ud800)",
                     "fix the escape sequence, or the encoding, that produced it")
    return None


_SHORT_CODE = "use a short code, e.g. desa-sukamaju-01"
_NUL_IN_ID = Issue("the id holds a NUL character (\\0): where ids are kept to find repeated ones, it would end the id "
                   "there", _SHORT_CODE)


def id_issue(text: str) -> Issue | None:
    """Whether an id is too long, not valid Unicode, or holds a NUL (ids are kept in SQLite to find repeated ones,
    which takes text only up to a NUL: 'a\\0b' would be 'a')."""
    return _NUL_IN_ID if "\0" in text else text_issue(text, MAX_ID_CHARS, "the id", _SHORT_CODE)


def name_issue(text: str, what: str = "the name") -> Issue | None:
    return text_issue(text, MAX_NAME_CHARS, what)


def field_name_issue(text: str) -> Issue | None:
    if len(text) <= MAX_ID_CHARS and not _has_surrogate(text):
        return None  # the common case, checked without building a message
    return text_issue(text, MAX_ID_CHARS, f"the field name {show(text)}", "use the input's name as the rubric has it")


_SCALARS = frozenset({bool, int, float, Decimal, type(None)})  # values no limit here applies to (their size is the
# converters' to check)


def value_issue(value: object) -> Issue | None:
    """The first limit a raw value breaks (nesting, a text's length or Unicode, a value refused while read), or None.

    Walked without recursion; a part shared by YAML aliases is looked at once for each depth it
    is found at, so a value is checked in time proportional to what was written, not to what it expands to.
    """
    if isinstance(value, str):
        return text_issue(value)  # the common case, a cell of text
    if type(value) in _SCALARS:
        return None  # nothing nested, nothing long: the next most common case, looked up at once
    if isinstance(value, Refused):
        return value.issue
    pending: list[tuple[object, int]] = [(value, 0)]
    seen: set[tuple[int, int]] = set()
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            issue = text_issue(item)
            if issue:
                return issue
        elif isinstance(item, Refused):
            return item.issue
        elif isinstance(item, (Mapping, list, tuple, set, frozenset)):
            if depth >= MAX_DEPTH:
                return _TOO_DEEP
            if (id(item), depth) not in seen:
                seen.add((id(item), depth))
                parts = [*item.keys(), *item.values()] if isinstance(item, Mapping) else item
                pending.extend((part, depth + 1) for part in parts)
    return None


def too_deep(shown: str) -> Refused:
    """What stands for a value nested past `MAX_DEPTH`, where a reader stops building it."""
    return Refused(_TOO_DEEP, shown)


def usable_id(text: str) -> str | None:
    """An id as it is kept and compared: stripped; None when blank or past a limit (it is reported elsewhere)."""
    text = text.strip()
    return text if text and id_issue(text) is None else None


def safe_text(text: str, limit: int = MAX_ID_CHARS) -> str:
    """Text to label a problem with: cut to `limit`, and `escaped`."""
    return escaped(text[:limit] + "…" if len(text) > limit else text)


def escaped(text: str) -> str:
    """Text that any message, file or ledger can hold: each lone surrogate written as its escape (\\udcff)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None  # isascii() is a flag: most text is done at once
