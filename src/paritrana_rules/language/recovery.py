"""Recovery after a syntax error: where the parser stopped, and which declaration to blank out.

A declaration is a line at the left margin plus the indented lines under it, so
the declaration an error broke is easy to find. Blanking it out, line breaks
kept, lets the rest of the rubric parse with its positions unchanged.
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedEOF, UnexpectedInput

_DECLARED_NAME = re.compile(r"^[ \t]*[A-Za-z_]\w*\s+([A-Za-z_]\w*)")


def top_level_starts(text: str) -> list[int]:
    """Offsets of lines that start at column 1 with something other than a comment."""
    return [m.start() for m in re.finditer(r"^[^\s#]", text, re.MULTILINE)]


def line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def error_offset(text: str, error: UnexpectedInput) -> int:
    """Where in `text` the parser stopped; at the end of the text when it ran out of input."""
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or (token is not None and token.type == "$END"):
        return len(text)
    return int(getattr(error, "pos_in_stream", 0) or 0)


def left_unfinished(text: str, position: int, error: UnexpectedInput) -> bool:
    """Whether the error means the declaration *before* this line was left unfinished.

    That is so at the end of the file, and when a keyword that starts a line is
    unexpected: the parser was still inside the previous declaration.
    """
    if position >= len(text.rstrip()):
        return True
    token = getattr(error, "token", None)
    if token is None or token.type in ("NAME", "NUMBER", "STRING"):
        return False
    return not text[line_start(text, position) : position].strip()


def broken_region(text: str, position: int, unfinished: bool) -> tuple[int, int] | None:
    """The top-level lines to blank out before parsing again; None when the header itself is broken.

    When the parser gave up at the start of a new top-level line, only the
    declaration before it is broken; otherwise the whole declaration around the
    error is.
    """
    tops = top_level_starts(text)
    line = line_start(text, position)
    after = [t for t in tops if t > position]
    end = after[0] if after else len(text)
    if unfinished and (line in tops or position >= len(text.rstrip())):
        end = line if position < len(text.rstrip()) else len(text)
    before = [t for t in tops if (t < line if unfinished else t <= position)]
    start = before[-1] if before else line
    if not tops or start <= tops[0] or end <= start:
        return None
    return start, end


def declared_name(text: str, region: tuple[int, int]) -> str | None:
    """The name the declaration in `region` declares, lowercased, if it got that far."""
    start, end = region
    match = _DECLARED_NAME.match(text[start:end])
    return match.group(1).lower() if match else None


def blank_out(text: str, region: tuple[int, int]) -> str:
    """`text` with `region` turned into spaces, its line breaks kept so that later positions stay true."""
    start, end = region
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
