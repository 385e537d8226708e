"""Formatting: one canonical layout for any rubric that parses, with every comment kept.

`paritrana-rules fmt` lays a rubric out the way the bundled rubrics are
written, so that reviewers compare rules and not whitespace.

Why a token printer and not an AST printer: the AST drops what a formatter
must keep. It holds numbers as `Decimal`, which would print `0.0000001` as
`1E-7`; it forgets the brackets an author added for clarity; it merges the
parts of a `change` and loses their order; and it has no comments. So the
formatter parses again with a copy of the grammar's parser that keeps every
token (`keep_all_tokens`), uses the tree only to decide where lines break and
how deep they are indented, and prints the tokens in their original order
with canonical spacing. Only two tokens are ever re-spelt (`place`/`places`
follows the number; a trailing comma in a member list is dropped), so the
meaning cannot change. `format_text` still parses its own output, compares
the content hashes of both trees and counts the comments before returning,
as a safety net: a formatter bug must never reach a committee's file.

Comments are read from the gaps between the tree's tokens and placed by
their offset relative to the output lines: a comment inside a line's stretch
of source, or after its last token on the same source line, goes with that
line; a comment on a line of its own goes into the gap before the next output
line, at an indentation between the two lines' (chosen from its own column),
so that a note under the last row of a band stays with the band.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import attrs
import lark
from lark import Token, Tree

from paritrana_rules.language import ast, grammar, syntax
from paritrana_rules.errors import Indonesian, RubricError
from paritrana_rules.language.extends import read_rubric
from paritrana_rules.language.identity import rubric_hash
from paritrana_rules.language.limits import MAX_LINE_CHARACTERS, located
from paritrana_rules.language.wrap import wrapped
from paritrana_rules.outputs import write_atomically
from paritrana_rules.source import Span

INDENT = "    "
MEMBERS_WIDTH = 100  # a member list without labels stays on its line up to this many columns
WIDTH = 120  # a line holding a formula is broken at its operators beyond this many columns (see `wrap`)

_META = frozenset({"label", "description", "reason", "evidence", "source", "assumption"})
_OPTIONS = frozenset({"unit", "between", "at_least", "at_most", "default", "from_stage"})
_ROWS = frozenset({"band_row", "when_row", "otherwise_row"})
# Children of a declaration that go on lines of their own, one level in.
_CLAUSES = _META | _OPTIONS | {"points_expr", "points_band", "points_table", "advance_rule", "advance_top",
                                "group_part", "remove_text", "replace_text"}
_CALLS = frozenset({"min", "max", "clamp", "round", "ratio"})
_OPERAND_ENDS = frozenset({"NAME", "NUMBER", "STRING", ")", "}", "yes", "no"})


# ------------------------------------------------------------------ public API


def format_text(text: str, path: str = "<rubric>") -> str:
    """The canonical layout of a rubric's text.

    Raises `RubricError` with the parser's diagnostics when the text does not
    parse: a broken file is never formatted, because the parser's recovery
    blanks out broken declarations and their text would be lost.
    """
    outcome = syntax.parse(text, path)
    if outcome.rubric is None or outcome.diagnostics:
        raise RubricError(list(outcome.diagnostics))
    text = outcome.source.text  # line endings as the language reads them
    tree = _parser().parse(text)
    comments = _comments(text, _tokens(tree))
    items = _layout(tree, _CommentOffsets(tuple(c.pos for c in comments)))
    try:
        formatted, written = _render(items, comments, text)
    except _LineTooLong as long:
        raise RubricError([located(outcome.source, "F003", f"laid out canonically, this line would have "
                                   f"{long.length:,} characters; a line may have at most {MAX_LINE_CHARACTERS:,}",
                                   Span(path, long.row, 1, long.row, 2), "compute parts of the formula in 'let' "
                                   "declarations, or shorten the comment at its end", Indonesian(
                                       f"dalam tata letak baku, baris ini akan memuat {long.length:,} karakter; "
                                       f"satu baris paling banyak memuat {MAX_LINE_CHARACTERS:,} karakter",
                                       "hitung sebagian rumusnya dalam deklarasi 'let', atau persingkat komentar "
                                       "di ujung baris"))]) from None
    _ensure_same(formatted, outcome.rubric, path, written == len(comments))
    return formatted


def format_file(path: str | Path) -> tuple[str, bool]:
    """A rubric file's formatted text, and whether it differs from the file's bytes.

    The file is read as `check` and `score` read it (`read_rubric`: a lone CR
    is a line break too), so that the formatter sees the very rubric the engine
    scores with; the output always uses "\n". It is compared with the file's
    bytes, so a file with Windows line endings or a byte-order mark counts as
    changed. Raises `RubricError` when the file cannot be read, is not UTF-8 or
    does not parse.
    """
    formatted = format_text(read_rubric(path), str(path))
    return formatted, formatted.encode("utf-8") != Path(path).read_bytes()


def rewrite_rubric(path: Path, text: str) -> None:
    """Replace the file atomically, keeping its permissions and any symlink pointing at it.

    `write_atomically` creates a fresh temporary file (mode 0600) and renames it
    over the target, which suits new ledgers; a reformatted rubric keeps the
    mode it had, and a symlinked rubric stays a symlink.
    """
    target = path.resolve()
    mode = target.stat().st_mode & 0o7777
    write_atomically(target, [text.encode("utf-8")])
    os.chmod(target, mode)


# ------------------------------------------------------------------ parsing with every token


@functools.cache
def _parser() -> lark.Lark:
    """The rubric grammar, keeping the tokens that `grammar.parser()` filters out.

    Keywords, brackets and commas stay in the tree, so that every token can be
    printed in its original order and `( ... )` written by the author survives.
    Same grammar, lexer and parser as `grammar.parser()`: whatever parses there
    parses here.
    """
    return lark.Lark(grammar.grammar_text(), parser="lalr", lexer="basic", propagate_positions=True,
                     maybe_placeholders=True, keep_all_tokens=True)


@attrs.frozen
class _Comment:
    """A `#` comment: its text without trailing spaces, and where it was."""

    text: str
    pos: int
    row: int
    column: int
    own_line: bool  # nothing but spaces before it on its line


def _comments(text: str, tokens: Sequence[Token]) -> list[_Comment]:
    """Every comment of the text, in order, found in the gaps between the tree's tokens.

    The lexer ignores only whitespace and comments, so in a gap every `#`
    starts a comment that runs to the end of its line. Reading the gaps costs
    nothing next to lexing the text again, and unlike a lexer callback it keeps
    no per-call state in the shared, cached parser.
    """
    bounds = [0, *(b for t in tokens for b in (t.start_pos or 0, t.end_pos or 0)), len(text)]
    found = []
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        for match in re.finditer(r"#[^\n]*", text[start:end]):
            pos = start + match.start()
            line_start = text.rfind("\n", 0, pos) + 1
            row = text.count("\n", 0, pos) + 1
            found.append(_Comment(match.group().rstrip(), pos, row, pos - line_start + 1,
                                  own_line=not text[line_start:pos].strip()))
    return found


@attrs.frozen
class _CommentOffsets:
    """Comment offsets, to ask whether a stretch of source holds one."""

    offsets: tuple[int, ...]

    def inside(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.offsets, start)
        return index < len(self.offsets) and self.offsets[index] < end


# ------------------------------------------------------------------ lines and spacing


@attrs.frozen
class _Line:
    """One output line of code: its depth, its text, and the stretch of source it was made from."""

    depth: int
    text: str
    start: int  # offset of the first source token it covers
    end: int  # offset just after the last one
    first_row: int
    last_row: int


@attrs.frozen
class _Item:
    """A header line or a declaration: the unit that blank lines separate."""

    kind: str  # "header", or the declaration's keyword
    lines: tuple[_Line, ...]
    clause: str = ""  # a header line's clause (category, round, label ...)


def _tokens(node: Tree[Token] | Token | None) -> list[Token]:
    """The tokens under a node, in source order (placeholders of absent optional parts skipped).

    Walked without recursion: brackets nest the tree as deep as the language allows, twice over.
    """
    found: list[Token] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, Token):
            found.append(current)
        elif current is not None:
            pending.extend(reversed(current.children))
    return found


def _line(depth: int, covered: Sequence[Token], shown: Sequence[Token] | None = None,
          before: Token | None = None) -> _Line:
    """A line printing `shown` (by default all of `covered`), placed by the source of `covered`; `before` is
    the token before it when it continues a broken line."""
    first, last = covered[0], covered[-1]
    return _Line(depth, _join(covered if shown is None else shown, before), first.start_pos or 0,
                 last.end_pos or 0, first.line or 1, last.end_line or 1)


def _lines(depth: int, parts: Sequence[Tree[Token] | Token]) -> list[_Line]:
    """A line of code, broken at the operators of its formula when it is longer than WIDTH (`wrap.py`)."""
    tokens = [t for part in parts for t in _tokens(part)]
    spelt = [len(_spell(t)) for t in tokens]
    spaced = [0, *(0 if _glued(a, b, _unary(tokens, i)) else 1 for i, (a, b) in enumerate(pairwise(tokens)))]
    ends = list(itertools.accumulate(w + g for w, g in zip(spelt, spaced, strict=True)))

    def fits(level: int, start: int, end: int) -> bool:
        length = ends[end - 1] - (ends[start - 1] if start else 0) - spaced[start]
        return len(INDENT) * (depth + level) + length <= WIDTH

    return [_line(depth + level, tokens[start:end], before=tokens[start - 1] if start else None)
            for level, start, end in wrapped(parts, tokens, fits)]


def _unary(tokens: Sequence[Token], index: int) -> bool:
    """Whether tokens[index] is a unary minus: a minus that does not follow an operand."""
    return _key(tokens[index]) == "-" and (index == 0 or _key(tokens[index - 1]) not in _OPERAND_ENDS)


def _key(token: Token) -> str:
    """What spacing looks at: the kind of a name, number or text, the spelling of anything else."""
    return token.type if token.type in ("NAME", "NUMBER", "STRING") else str(token)


def _glued(before: Token, after: Token, unary_minus: bool) -> bool:
    """Whether two tokens are written with no space between them: `f(a, b)`, `{a}`, `25%`, `x:`, `-5`."""
    if unary_minus or _key(after) in (",", ")", "}", ":", "%") or _key(before) in ("(", "{"):
        return True
    return _key(after) == "(" and _key(before) in _CALLS


def _join(tokens: Sequence[Token], before: Token | None = None) -> str:
    """Tokens on one line with canonical spacing; `before` is the token before them on a broken line.

    A minus is unary when it does not follow an operand; it is glued to what
    it negates (`-5`, `-(a + b)`), while binary operators get spaces.
    """
    parts: list[str] = []
    previous: Token | None = before
    unary = False
    for index, token in enumerate(tokens):
        if index and previous is not None and not _glued(previous, token, unary):
            parts.append(" ")
        parts.append(_spell(token))
        unary = _key(token) == "-" and (previous is None or _key(previous) not in _OPERAND_ENDS)
        previous = token
    return "".join(parts)


def _spell(token: Token) -> str:
    """A token as printed; texts are quoted again with the grammar's escapes (\\" \\\\ \\n)."""
    if token.type != "STRING":
        return str(token)
    value = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), str(token)[1:-1])
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# ------------------------------------------------------------------ layout: tree -> items of lines


def _layout(tree: Tree[Token], comments: _CommentOffsets) -> list[_Item]:
    """The rubric as items, each a list of lines, in source order."""
    header, *declarations = tree.children
    assert isinstance(header, Tree)
    items = _header(header)
    for declaration in declarations:
        assert isinstance(declaration, Tree)
        lines = _declaration(declaration, comments)
        items.append(_Item(_tokens(declaration)[0].value, tuple(lines)))
    return items


def _header(header: Tree[Token]) -> list[_Item]:
    """`rubric ... edition ... period ...` (or `shared "..."`) and then each header clause, every one an item of
    its own."""
    first = 2 if header.data == "shared_header" else 6  # the tokens of the first line
    rubric_line = _line(0, _tokens(header)[:first])
    items = [_Item("header", (rubric_line,))]
    for clause in header.children[first:]:
        if isinstance(clause, Tree):
            items.append(_Item("header", tuple(_clause(clause, 0)), str(clause.data)))
    return items


def _item_order(items: list[_Item]) -> list[int]:
    """The items' output order: source order, but `round` right after the last `category` or `sector`.

    The one clause the formatter moves: the rubric's identity (category,
    sector, round) then reads as one block. `ast.canonical_clauses` puts the
    parsed clauses in the same order, so the moved text parses to an equal tree.
    """
    order = list(range(len(items)))
    rounds = [i for i in order if items[i].clause == "round"]
    anchors = [i for i in order if items[i].clause in ("category", "sector")]
    if not rounds or not anchors:
        return order
    rest = [i for i in order if i not in rounds]
    at = rest.index(anchors[-1]) + 1
    return [*rest[:at], *rounds, *rest[at:]]


def _declaration(tree: Tree[Token], comments: _CommentOffsets) -> list[_Line]:
    """The declaration's first line (up to its first clause), then its clauses one level in.

    In a `change`, a `weight` or `under` that comes before any clause stays on
    the first line, as in `change criterion pemahaman weight 50%`.
    """
    children = [c for c in tree.children if c is not None]
    cut = next((i for i, c in enumerate(children) if isinstance(c, Tree) and c.data in _CLAUSES), len(children))
    lines = _head(children[:cut], comments)
    for clause in children[cut:]:
        assert isinstance(clause, Tree)
        lines.extend(_clause(clause, 1))
    return lines


def _head(head: Sequence[Tree[Token] | Token], comments: _CommentOffsets) -> list[_Line]:
    """A declaration's first line; a long or labelled member list goes one member per line."""
    tokens = [t for part in head for t in _tokens(part)]
    kind = head[-1]
    if not (isinstance(kind, Tree) and kind.data in ("one_of_type", "set_of_type")):
        return _lines(0, head)
    members = kind.children[-1]
    assert isinstance(members, Tree)
    one_line = _line(0, tokens, [t for t in tokens if not _trailing_comma(t, members)])
    if not _members_apart(members, one_line, comments):
        return [one_line]
    brace = members.children[0]
    opening = tokens[: next(i for i, t in enumerate(tokens) if t is brace) + 1]
    lines = [_line(0, opening)]
    entries = [c for c in members.children[1:-1] if c is not None]
    groups: list[list[Tree[Token] | Token]] = []
    for entry in entries:
        if isinstance(entry, Tree):
            groups.append([entry])
        else:
            groups[-1].append(entry)
    for index, group in enumerate(groups):
        covered = [t for part in group for t in _tokens(part)]
        last = index == len(groups) - 1
        lines.append(_line(2, covered, covered[:-1] if last and len(group) > 1 else covered))
    closing = members.children[-1]
    assert isinstance(closing, Token)
    lines.append(_line(1, [closing]))
    return lines


def _trailing_comma(token: Token, members: Tree[Token]) -> bool:
    """Whether this is the optional comma before `}` (dropped: `{a, b,}` is written `{a, b}`)."""
    children = members.children
    return len(children) >= 3 and children[-2] is token and str(token) == ","


def _members_apart(members: Tree[Token], one_line: _Line, comments: _CommentOffsets) -> bool:
    """Members go one per line when any has a label, a comment sits among them, or the line is long."""
    labelled = any(isinstance(m, Tree) and m.children[-1] is not None for m in members.children)
    first, last = _tokens(members)[0], _tokens(members)[-1]
    commented = comments.inside(first.start_pos or 0, last.end_pos or 0)
    return labelled or commented or len(one_line.text) > MEMBERS_WIDTH


def _clause(clause: Tree[Token], depth: int) -> list[_Line]:
    """A clause's line; texts split per language if written so; band and table rows one level in."""
    if clause.data in _META:
        return _meta(clause, depth)
    if clause.data == "rounding":
        return [_line(depth, _rounding(clause))]
    rows = [c for c in clause.children if isinstance(c, Tree) and c.data in _ROWS]
    head = [c for c in clause.children if c is not None and not (isinstance(c, Tree) and c.data in _ROWS)]
    return [*_lines(depth, head), *(line for row in rows for line in _lines(depth + 1, [row]))]


def _rounding(clause: Tree[Token]) -> list[Token]:
    """`rounding MODE to N places`, with `place` when N is 1 (the grammar accepts either)."""
    tokens = _tokens(clause)
    word = "place" if str(tokens[3]) == "1" else "places"
    return [*tokens[:-1], Token.new_borrow_pos(word.upper(), word, tokens[-1])]


def _meta(clause: Tree[Token], depth: int) -> list[_Line]:
    """`label id "..." en "..."` on one line, or one language per line when the author wrote it so.

    The bundled rubrics write a long header description one language per line
    and every other text on one line; no width rule tells those apart, so the
    author's choice is kept. It is stable: the output is split exactly when
    its languages are on different lines.
    """
    keyword, value = clause.children
    assert isinstance(keyword, Token)
    if isinstance(value, Tree):
        entries = [e for e in value.children if isinstance(e, Tree)]
        if any(b.meta.line > a.meta.end_line for a, b in pairwise(entries)):
            return [_line(depth, [keyword]), *(_line(depth + 1, _tokens(e)) for e in entries)]
    return [_line(depth, _tokens(clause))]


# ------------------------------------------------------------------ comments and blank lines -> text


class _LineTooLong(Exception):
    """A line the canonical layout would make longer than the language allows (it joins a clause's lines)."""

    def __init__(self, row: int, length: int) -> None:
        super().__init__(row, length)
        self.row, self.length = row, length


@attrs.frozen
class _Element:
    """An output line (code or comment) with what blank-line decisions need."""

    text: str
    first_row: int
    last_row: int
    item: int  # index of the item it belongs to; len(items) for comments after the last one
    leading: bool  # in the item's leading comments, before its first line of code
    comment: bool = False


@attrs.define
class _Placed:
    """The comments a line takes: own-line ones before it (with their depth), one at its end."""

    gap: list[tuple[_Comment, int]] = attrs.field(factory=list)
    above: list[_Comment] = attrs.field(factory=list)
    trailing: list[_Comment] = attrs.field(factory=list)


def _place(lines: list[_Line], comments: list[_Comment]) -> tuple[list[_Placed], list[tuple[_Comment, int]]]:
    """Attach each comment to a line; the second result is the comments after the last line."""
    placed = [_Placed() for _ in lines]
    after_last: list[tuple[_Comment, int]] = []
    starts = [line.start for line in lines]
    for comment in comments:
        k = bisect.bisect_right(starts, comment.pos) - 1
        if k >= 0 and comment.pos < lines[k].end:
            (placed[k].above if comment.own_line else placed[k].trailing).append(comment)
        elif not comment.own_line:  # code before it on its line, so k >= 0
            placed[k].trailing.append(comment)
        else:
            gap = placed[k + 1].gap if k + 1 < len(lines) else after_last
            gap.append((comment, _gap_depth(comment, lines[k] if k >= 0 else None,
                                            lines[k + 1] if k + 1 < len(lines) else None, gap)))
    return placed, after_last


def _gap_depth(comment: _Comment, before: _Line | None, after: _Line | None,
               gap: list[tuple[_Comment, int]]) -> int:
    """How deep an own-line comment is indented, between the depths of the lines around it.

    Closing a block (a band's last row, then the next declaration), its own
    column says whether it belongs to the rows above or the line below; depths
    never increase through one gap, so a block's comments stay together.
    """
    low = after.depth if after is not None else 0
    high = before.depth if before is not None else low
    if gap:
        high = min(high, gap[-1][1])
    return max(low, min(high, (comment.column - 1) // 4))


def _render(items: list[_Item], comments: list[_Comment], text: str) -> tuple[str, int]:
    """The text, and how many comments it holds (a check that placing them lost none)."""
    lines = [line for item in items for line in item.lines]
    owners = [index for index, item in enumerate(items) for _ in item.lines]
    placed, after_last = _place(lines, comments)
    elements: list[_Element] = []
    for k, (line, owner) in enumerate(zip(lines, owners, strict=True)):
        starts_item = k == 0 or owners[k - 1] != owner
        for comment, depth in placed[k].gap:
            into = owners[k - 1] if starts_item and depth > 0 else owner  # deeper: the end of the item above
            elements.append(_comment_element(comment, depth, into, leading=starts_item and into == owner))
        notes = placed[k].above + placed[k].trailing[:-1]
        for comment in sorted(notes, key=lambda c: c.pos):
            elements.append(_comment_element(comment, line.depth, owner, leading=starts_item))
        code = INDENT * line.depth + line.text
        if placed[k].trailing:
            code += "  " + placed[k].trailing[-1].text
        if len(code) > MAX_LINE_CHARACTERS:
            raise _LineTooLong(line.first_row, len(code))
        elements.append(_Element(code, line.first_row, line.last_row, owner, leading=False))
    for comment, depth in after_last:
        owner = len(items) if depth == 0 else owners[-1]
        elements.append(_comment_element(comment, depth, owner, leading=owner == len(items)))
    written = sum(1 for e in elements if e.comment) + sum(1 for p in placed if p.trailing)
    # Comments are placed in source order above; a moved item then takes its own (leading and trailing) along.
    order = _item_order(items)
    rank = {item: position for position, item in enumerate(order)}
    elements.sort(key=lambda e: rank.get(e.item, len(items)))  # stable: the order within an item stays
    moved = frozenset(i for i in order if items[i].clause == "round") if order != sorted(order) else frozenset()
    return _join_elements(elements, items, _BlankRows.of(text), moved), written


def _comment_element(comment: _Comment, depth: int, item: int, leading: bool) -> _Element:
    return _Element(INDENT * depth + comment.text, comment.row, comment.row, item, leading, comment=True)


@attrs.frozen
class _BlankRows:
    """Which source lines are blank, to keep the author's blank-line grouping."""

    counts: tuple[int, ...]  # counts[r] = blank lines among rows 1..r

    @classmethod
    def of(cls, text: str) -> _BlankRows:
        running, counts = 0, [0]
        for row in text.split("\n"):
            running += not row.strip()
            counts.append(running)
        return cls(tuple(counts))

    def between(self, after_row: int, before_row: int) -> bool:
        """Whether a blank line lies strictly between two source lines."""
        if before_row - after_row < 2:
            return False
        return self.counts[before_row - 1] - self.counts[after_row] > 0


def _join_elements(elements: list[_Element], items: list[_Item], blank: _BlankRows, moved: frozenset[int]) -> str:
    out: list[str] = []
    for previous, element in zip([None, *elements], elements, strict=False):
        if previous is not None and _blank_line(previous, element, items, blank, moved):
            out.append("")
        out.append(element.text.rstrip())
    return "\n".join(out) + "\n"


def _blank_line(a: _Element, b: _Element, items: list[_Item], blank: _BlankRows, moved: frozenset[int]) -> bool:
    """Whether one blank line separates two output lines.

    Declarations are separated by exactly one blank line (before their leading
    comments), and so is the header from the first declaration. Inside an item
    there are none, nor between header lines that moved into a new order (the
    author's blank lines were around them elsewhere). Elsewhere (between header lines, within a block of
    comments, around comments at the end) the author's blank lines are kept,
    several collapsed into one; so are they between one-line declarations of
    the same kind, such as a run of `remove` or `property` lines.
    """
    written = blank.between(a.last_row, b.first_row)
    if a.item == b.item:
        return a.leading and written
    if b.item == len(items):
        return written
    before, after = items[a.item], items[b.item]
    if after.kind == "header":
        return written and a.item not in moved and b.item not in moved
    if before.kind == "header":
        return True
    grouped = before.kind == after.kind and len(before.lines) == 1 and len(after.lines) == 1
    return written if grouped else True


# ------------------------------------------------------------------ safety net


def _ensure_same(formatted: str, rubric: ast.Rubric, path: str, comments_kept: bool) -> None:
    """Refuse to return a layout that changes the rubric's meaning or loses a comment.

    Cheap next to a wrong file: the output is parsed again and its content hash,
    which ignores positions, compared with the input's (hashes, unlike `==`,
    do not recurse through a formula's tree).
    """
    again = syntax.parse(formatted, path)
    if again.diagnostics or again.rubric is None or rubric_hash(again.rubric) != rubric_hash(rubric):
        raise RuntimeError(f"the formatter changed the meaning of {path}; please report this as a bug")
    if not comments_kept:
        raise RuntimeError(f"the formatter lost a comment of {path}; please report this as a bug")
