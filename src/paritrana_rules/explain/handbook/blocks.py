"""The handbook as blocks (headings, paragraphs, lists, tables) -> Markdown, plain text or HTML.

The sections write blocks once; each format renders them. Inline markup inside
block text, code (rubric text, names) and strong emphasis, is carried by
control characters that no rubric text contains, so the sections need not know
how any format escapes. HTML is one self-contained page: its style is inside
it, it loads nothing from anywhere, and it prints on A4 with tables and
headings kept whole where they fit.
"""

from __future__ import annotations

import html as escaping
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


# ------------------------------------------------------------------ HTML

_STYLE = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; line-height: 1.45; color: #111;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #999; margin-top: 2rem; }
h3 { font-size: 1.1rem; } h4, h5, h6 { font-size: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #999; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em; background: #f2f2f2;
       padding: 0 0.2em; overflow-wrap: anywhere; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; page-break-after: avoid; }
  table, tr, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  code { background: none; }
}
"""


def html(blocks: list[Block], lang: str) -> str:
    """One self-contained HTML page, titled by the first heading, in the language `lang` (for screen readers,
    hyphenation and printing).
    """
    title = next((_plain(b.text) for b in blocks if isinstance(b, Heading)), "")
    body = [_html_block(block) for block in blocks]
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escaping.escape(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>", *body,
        "</body>", "</html>",
    ]) + "\n"


def _html_block(block: Block) -> str:
    match block:
        case Heading(level, text):
            return f"<h{level}>{_html_inline(text)}</h{level}>"
        case Para(text):
            return f"<p>{_html_inline(text)}</p>"
        case Items():
            return _html_list(block)
        case Table():
            return _html_table(block)
    raise TypeError(f"not a block: {block!r}")


def _html_list(block: Items) -> str:
    """A list; an item deeper than the one before it opens a list inside that one."""
    tag = "ol" if block.numbered else "ul"
    out, depth = [f"<{tag}>"], 0
    for index, (level, text) in enumerate(block.items):
        if index and level > depth:
            out.append(f"<{tag}>" * (level - depth))
        else:
            out.append(f"</li></{tag}>" * (depth - level) + ("</li>" if index else ""))
        out.append(f"<li>{_html_inline(text)}")
        depth = level
    out.append(f"</li></{tag}>" * depth + f"</li></{tag}>")
    return "".join(out)


def _html_table(table: Table) -> str:
    def cells(row: tuple[str, ...], tag: str) -> str:
        aligned = {i: ' class="number"' for i in table.right}
        return "".join(f"<{tag}{aligned.get(i, '')}>{_html_inline(c)}</{tag}>" for i, c in enumerate(row))

    rows = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in table.rows)
    return f"<table><thead><tr>{cells(table.header, 'th')}</tr></thead><tbody>{rows}</tbody></table>"


def _html_inline(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(escaping.escape(text[position:match.start()]))
        if match.group(1) is not None:
            out.append(f"<code>{escaping.escape(match.group(1))}</code>")
        else:
            out.append(f"<strong>{_html_inline(match.group(2))}</strong>")
        position = match.end()
    out.append(escaping.escape(text[position:]))
    return "".join(out)
