"""Recovery after a syntax error: where the parser stopped, and which declaration to blank out.

A declaration is a line at the left margin plus the indented lines under it, so
the declaration an error broke is easy to find. Blanking it out, line breaks
kept, lets the rest of the rubric parse with its positions unchanged. The names
it declared (its own, and the values of its `{...}` lists) are remembered, so
that the checker does not call them unknown where they are used.
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedEOF, UnexpectedInput

from paritrana_rules.language.grammar import LINE_STARTERS

# The keyword and the name after it, whatever stray signs stand around them (`input “nama: ...`).
_DECLARED_NAME = re.compile(r"^[^\w\s]*[A-Za-z_]\w*[^\w\n]+([A-Za-z_]\w*)", re.MULTILINE)
# A name written as several words or with hyphens (`input aparat terdaftar:`), read as the one name it meant.
_SPLIT_NAME = re.compile(r"^[^\w\s]*[A-Za-z_]\w*[ \t]+([A-Za-z_][\w \t-]*?)[ \t]*[:=]", re.MULTILINE)
_LIST = re.compile(r"\{([^{}]*)")  # a {...} list of values, closed or not
_ITEM_NAME = re.compile(r"(?:^|,|\n)\s*([A-Za-z_]\w*)")  # a list's values start it, its lines, or follow a comma
_PART_NAME = re.compile(r"\bpart\s+([A-Za-z_]\w*)")
_TEXT = re.compile(r'"(?:[^"\\\n]|\\.)*"?')


def top_level_starts(text: str) -> list[int]:
    """Offsets of lines that start at column 1 with a word: where declarations (and header lines) start.

    A line at the margin that starts with a sign (a `}` closing a list, a stray `)`) goes on with the
    declaration above it.
    """
    return [m.start() for m in re.finditer(r"^[^\W\d]", text, re.MULTILINE)]


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

    That is so at the end of the file, and when a keyword is unexpected at the
    start of a line, where it starts a clause (indented) or a declaration (at the
    margin): the parser was still inside the previous line. A name, a number, a
    text, a sign or a keyword that cannot start the line is itself the mistake.
    """
    if position >= len(text.rstrip()):
        return True
    token = getattr(error, "token", None)
    if token is None or token.type in ("NAME", "NUMBER", "STRING") or not str(token)[:1].isalpha():
        return False
    indent = text[line_start(text, position) : position]
    return not indent.strip() and (indent != "" or str(token) in LINE_STARTERS)


def broken_region(text: str, position: int, unfinished: bool) -> tuple[int, int] | None:
    """The top-level lines to blank out before parsing again; None when the header itself is broken, or a
    line that brings in other rubrics (`extends`, `uses`): without them, nothing else could be checked.

    When the parser gave up at the start of a new top-level line, only the
    declaration before it is broken; otherwise the whole declaration around the
    error is.
    """
    tops = top_level_starts(text)
    line = line_start(text, position)
    after = [t for t in tops if t > _text_broken_over_lines(text, position)]
    end = after[0] if after else len(text)
    if unfinished and (line in tops or position >= len(text.rstrip())):
        end = line if position < len(text.rstrip()) else len(text)
    before = [t for t in tops if (t < line if unfinished else t <= position)]
    start = before[-1] if before else line
    if not tops or start <= tops[0] or end <= start or re.match(r"(extends|uses)\b", text[start:end]):
        return None
    return start, end


def _text_broken_over_lines(text: str, position: int) -> int:
    """Where the mistake at `position` ends: at the end of the next line when a line break split a text
    there (each line then has a quote without its partner), else at `position` itself."""
    line_end = text.find("\n", position)
    if line_end < 0 or text[position] != '"' or _quotes(text[position:line_end]) % 2 == 0:
        return position
    next_end = text.find("\n", line_end + 1)
    next_line = text[line_end + 1 : next_end if next_end >= 0 else len(text)]
    return line_end + 1 + len(next_line) if _quotes(next_line) % 2 else position


def _quotes(line: str) -> int:
    """The double quotes of a line that open or close a text (an escaped one does neither)."""
    return len(re.findall(r'(?<!\\)"', line))


def declared_names(text: str, region: tuple[int, int], stray: int | None = None) -> set[str]:
    """The names the declaration in `region` declares, lowercased, as far as it got: its own name, and the
    values of its `{...}` lists and the parts of a group. Where a `stray` character (one the parser could
    not read) stands, the names are read with it and without it: `Aparat` meant `aparat`, `rentan“desa`
    meant `rentandesa`."""
    start, end = region
    names = _names(text[start:end])
    if stray is not None and start <= stray < end:
        names |= _names(text[start:stray] + text[stray + 1 : end])
    return names


def _names(declaration: str) -> set[str]:
    declaration = _TEXT.sub(" ", declaration)
    names = {own.group(1) for own in _DECLARED_NAME.finditer(declaration)}
    names |= {re.sub(r"[\s-]+", "_", split.group(1)) for split in _SPLIT_NAME.finditer(declaration)}
    names |= {item.group(1) for values in _LIST.finditer(declaration) for item in _ITEM_NAME.finditer(values.group(1))}
    names |= {part.group(1) for part in _PART_NAME.finditer(declaration)}
    return {name.lower() for name in names}


def blank_out(text: str, region: tuple[int, int]) -> str:
    """`text` with `region` turned into spaces, its line breaks kept so that later positions stay true."""
    start, end = region
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
