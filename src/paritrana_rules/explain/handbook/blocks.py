"""The handbook as blocks (headings, paragraphs, lists, tables) -> Markdown or plain text.

The sections write blocks once; each format renders them. Inline markup inside
block text, code (rubric text, names) and strong emphasis, is carried by
control characters that no rubric text contains, so the sections need not know
how either format escapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

_CODE_OPEN, _CODE_CLOSE, _BOLD_OPEN, _BOLD_CLOSE = "\x0e", "\x0f", "\x10", "\x11"
_INLINE = re.compile("\x0e(.*?)\x0f|\x10(.*?)\x11", re.S)
_MD_SPECIAL = re.compile(r"[\\*`\[\]<]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_TEXT_RULES = {1: "=", 2: "-", 3: "~"}  # the underline of a heading in plain text, by level


def code(text: str) -> str:
    return f"{_CODE_OPEN}{text}{_CODE_CLOSE}"


def bold(text: str) -> str:
    return f"{_BOLD_OPEN}{text}{_BOLD_CLOSE}"


@attrs.frozen
class Heading:
    level: int
    text: str


@attrs.frozen
class Para:
    text: str


@attrs.frozen
class Items:
    """A list; each item is (depth, text). Numbered lists are flat."""

    items: tuple[tuple[int, str], ...]
    numbered: bool = False


@attrs.frozen
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()  # columns aligned right (numbers)


Block = Heading | Para | Items | Table


def items(texts: list[str], numbered: bool = False) -> Items:
    """A flat list of texts."""
    return Items(tuple((0, text) for text in texts), numbered)


# ------------------------------------------------------------------ rendering


@attrs.frozen
class _Format:
    """How one format writes each kind of block; lists are the same in both but for their inline text."""

    heading: Callable[[int, str], str]
    inline: Callable[[str], str]
    table: Callable[[Table], str]


def markdown(blocks: list[Block]) -> str:
    return _render(blocks, _MARKDOWN)


def plain_text(blocks: list[Block]) -> str:
    return _render(blocks, _TEXT)


def _render(blocks: list[Block], fmt: _Format) -> str:
    out: list[str] = []
    for block in blocks:
        match block:
            case Heading(level, heading):
                out.append(fmt.heading(level, heading))
            case Para(paragraph):
                out.append(fmt.inline(paragraph))
            case Items():
                out.append(_list(block, fmt.inline))
            case Table():
                out.append(fmt.table(block))
    return "\n\n".join(out) + "\n"


def _list(block: Items, inline: Callable[[str], str]) -> str:
    """A list, numbered or with dashes, each item indented by its depth."""
    return "\n".join(f"{'  ' * depth}{f'{index}.' if block.numbered else '-'} {inline(text)}"
                     for index, (depth, text) in enumerate(block.items, 1))


# ------------------------------------------------------------------ Markdown


def _md_heading(level: int, text: str) -> str:
    return f"{'#' * level} {_md_inline(text)}"


def _md_table(table: Table) -> str:
    lines = ["| " + " | ".join(_md_inline(h, cell=True) for h in table.header) + " |",
             "|" + "|".join("---:" if i in table.right else "---" for i in range(len(table.header))) + "|"]
    lines += ["| " + " | ".join(_md_inline(c, cell=True) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def _md_inline(text: str, cell: bool = False) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_md_escape(text[position:match.start()], cell))
        if match.group(1) is not None:
            out.append(_md_code(match.group(1), cell))
        else:
            out.append(f"**{_md_inline(match.group(2), cell)}**")
        position = match.end()
    out.append(_md_escape(text[position:], cell))
    return "".join(out)


def _md_escape(text: str, cell: bool) -> str:
    escaped = _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    return escaped.replace("|", "\\|") if cell else escaped


def _md_code(text: str, cell: bool) -> str:
    fence = "``" if "`" in text else "`"
    body = f" {text} " if fence == "``" else text
    fenced = f"{fence}{body}{fence}"
    return fenced.replace("|", "\\|") if cell else fenced


# ------------------------------------------------------------------ plain text


def _text_heading(level: int, text: str) -> str:
    plain = _plain(text)
    return f"{plain}\n{_TEXT_RULES.get(level, '.') * len(plain)}"


def _text_table(table: Table) -> str:
    cells = [[_plain(c) for c in table.header], *([_plain(c) for c in row] for row in table.rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.header))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in table.right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()

    return "\n".join([line(cells[0]), "  ".join("-" * w for w in widths), *(line(row) for row in cells[1:])])


def _plain(text: str) -> str:
    return text.translate({ord(c): None for c in (_CODE_OPEN, _CODE_CLOSE, _BOLD_OPEN, _BOLD_CLOSE)})


_MARKDOWN = _Format(_md_heading, _md_inline, _md_table)
_TEXT = _Format(_text_heading, _plain, _text_table)
