"""The limits of the rubric language: how large a rubric, a line, a text, a number or a formula may be.

Any text given as a rubric either loads or gets located diagnostics; without
limits a few hostile lines could take minutes, gigabytes or Python's whole
stack first. Each limit is far above what the award needs (the library in
`rubrics/` has at most 24,000 characters, 1,250 words and signs, 61
declarations, lines of 340 characters and texts of 333 in a rubric), and each
is checked before the work it bounds: the text as a whole before it is
parsed, the nesting of Lark's tree before it becomes `ast` nodes, each
literal as it does. `extends.py` applies the limits of a chain of rubrics.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
from lark import Token, Tree

from paritrana_rules.errors import Diagnostic, Indonesian, grouped
from paritrana_rules.language.grammar import token_span
from paritrana_rules.source import SourceFile, Span

# Characters in one rubric text (F003). The scans of the whole text below stay in the milliseconds, and
# comments and texts, which cost little else, still have forty times the room the library needs.
MAX_RUBRIC_CHARACTERS = 1_000_000

# Characters in one line (F003): two texts of the longest kind, with their keywords, fit on one line, and a
# diagnostic's excerpt of a line stays readable.
MAX_LINE_CHARACTERS = 5_000

# Words, numbers and signs in one rubric, comments aside (F003). Parsing costs tens of microseconds each
# (Lark's LALR parser is pure Python), so this keeps the slowest parse of a rubric near a second.
MAX_WORDS = 20_000

# Words parsed in all while recovering from syntax errors. Each recovery parses the text again: a rubric of
# up to 3,000 words (twice the library's largest) still gets twenty syntax errors reported, one of 20,000
# words three, rather than twenty parses.
MAX_RECOVERY_WORDS = 60_000

# Levels of nesting (P103), counted twice: brackets in the text, and levels of the syntax tree, where each
# term of a long sum is a level (the tree nests `a + b + c` as `(a + b) + c`). The checker accepts formulas of
# at most 200 terms nested 50 deep (T320, T321), at most 250 levels; below that every step that follows the
# tree (formatting, content hashes, the checker's own) stays far inside Python's 1,000 stack frames.
MAX_NESTING = 300

# Characters in one quoted text (P104): a label, description, source, unit, value or path.
MAX_TEXT_CHARACTERS = 2_000

# Digits of a number (P105): at most 30, at most 15 of them decimals. Every number written is then a whole
# multiple of 10^-15 below 10^30, so the sum, difference or midpoint of two (the checker compares bands by
# them) has at most 47 digits, and a number times an input (at most 20 digits, `data.MAX_DIGITS`) at most 50:
# all exact in the 50 digits of `numeric.CONTEXT`. The checker asks more of the numbers formulas and bounds
# compute with (T316: below 10^15, at most 20 digits).
MAX_NUMBER_DIGITS = 30
MAX_DECIMAL_PLACES = 15

# Digits before the point of a count (P105): the edition and period (years), rounding places and how many
# candidates to nominate. What they mean is the checker's to judge (H100, H106, T314, R513).
MAX_COUNT_DIGITS = 6

# Declarations in one rubric, with everything it extends (P106).
MAX_DECLARATIONS = 1_000

# Rubrics one rubric may build on through `extends`, one extending the next (X108).
MAX_EXTENDS_DEPTH = 20

_WORD = re.compile(r'#[^\n]*|"(?:[^"\\\n]|\\.)*+"?|[\w.]+|\S')  # a comment, a text, a name or number, a sign
_OPENING, _CLOSING = frozenset("({"), frozenset(")}")
_LONG_LINE = re.compile(f"^[^\n]{{{MAX_LINE_CHARACTERS + 1}}}", re.MULTILINE)
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # control characters, but the tab
_PATH_CONTROL = re.compile("[\x00-\x1f\x7f]")
_SHOWN_BEYOND = 40  # characters of a line shown after the caret: a long line is cut short
_EXCERPT_COLUMNS = 200  # a caret further right is located without its line, which would flood the terminal

_SPLIT_HINT = ("a rubric this large cannot be reviewed: keep what several rubrics share in one, and let the others "
               "build on it with 'extends'")
_SPLIT_HINT_ID = ("rubrik sebesar ini tidak dapat ditelaah: simpan bagian yang dipakai bersama beberapa rubrik dalam "
                  "satu rubrik, dan biarkan rubrik lain membangun di atasnya dengan 'extends'")
_NESTING_HINT = "compute parts of it in 'let' declarations with names, and combine those"
_NESTING_HINT_ID = "hitung bagian-bagiannya dalam deklarasi 'let' yang bernama, lalu gabungkan"
_DECLARATIONS_HINT = ("a rubric this long cannot be reviewed: a band or a table scores many cases in one criterion, "
                      "and one rubric per category keeps each short")
_DECLARATIONS_HINT_ID = ("rubrik sepanjang ini tidak dapat ditelaah: rentang (band) atau tabel menilai banyak kasus "
                         "dalam satu kriteria, dan satu rubrik untuk setiap kategori membuat masing-masing tetap "
                         "ringkas")


@attrs.frozen
class TextMeasure:
    """What scanning a rubric's text found: how many words and signs, and the first limit it breaks."""

    words: int
    problem: Diagnostic | None


# ------------------------------------------------------------------ the text, before it is parsed


def size_problem(text: str, path: str) -> Diagnostic | None:
    """A text longer than MAX_RUBRIC_CHARACTERS, found before anything else reads it."""
    if len(text) <= MAX_RUBRIC_CHARACTERS:
        return None
    return _at(text, path, MAX_RUBRIC_CHARACTERS, "F003", f"the rubric has {len(text):,} characters; a rubric may "
               f"have at most {MAX_RUBRIC_CHARACTERS:,}", _SPLIT_HINT,
               Indonesian(f"rubrik ini memiliki {_in_id(len(text))} karakter; satu rubrik paling banyak memiliki "
                          f"{_in_id(MAX_RUBRIC_CHARACTERS)} karakter", _SPLIT_HINT_ID))


def measure_text(text: str, path: str) -> TextMeasure:
    """The text's characters, lines, words and brackets against their limits, before it is parsed."""
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        character = f"U+{ord(surrogate.group()):04X}"
        return TextMeasure(0, _at(text, path, surrogate.start(), "F002", f"the rubric is not UTF-8 text: character "
                                  f"{character}, half of a pair, cannot be written as UTF-8",
                                  "remove the character; it comes from text cut in the middle of a character",
                                  Indonesian(f"rubrik ini bukan teks UTF-8: karakter {character}, separuh dari "
                                             "sepasang, tidak dapat ditulis sebagai UTF-8", "hapus karakter itu; "
                                             "karakter itu berasal dari teks yang terpotong di tengah karakter")))
    long_line = _LONG_LINE.search(text)
    if long_line is not None:
        end = text.find("\n", long_line.start())
        length = (end if end >= 0 else len(text)) - long_line.start()
        return TextMeasure(0, _at(text, path, long_line.start() + MAX_LINE_CHARACTERS, "F003", f"this line has "
                                  f"{length:,} characters; a line may have at most {MAX_LINE_CHARACTERS:,}",
                                  "break it: a declaration goes on over indented lines, a comment over lines of "
                                  f"its own, and a text has at most {MAX_TEXT_CHARACTERS:,} characters",
                                  Indonesian(f"baris ini memiliki {_in_id(length)} karakter; satu baris paling banyak "
                                             f"memiliki {_in_id(MAX_LINE_CHARACTERS)} karakter", "pecah baris itu: "
                                             "deklarasi dapat berlanjut pada baris-baris yang menjorok, komentar "
                                             "pada baris-barisnya sendiri, dan satu teks paling banyak memiliki "
                                             f"{_in_id(MAX_TEXT_CHARACTERS)} karakter")))
    return _count_words(text, path)


def _count_words(text: str, path: str) -> TextMeasure:
    """Words and signs counted, and brackets followed, up to the first limit passed: a cheap pass over the text."""
    words = depth = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0] == "#":
            continue
        words += 1
        if words > MAX_WORDS:
            return TextMeasure(words, _at(text, path, match.start(), "F003", f"the rubric has more than "
                                          f"{MAX_WORDS:,} words, numbers and signs; this is one too many",
                                          _SPLIT_HINT, Indonesian(f"rubrik ini memiliki lebih dari {_in_id(MAX_WORDS)} "
                                                                  "kata, angka, dan tanda; yang ini kelebihan satu",
                                                                  _SPLIT_HINT_ID)))
        if word in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                return TextMeasure(words, _at(text, path, match.start(), "P103", f"brackets are nested more than "
                                              f"{MAX_NESTING} deep here", _NESTING_HINT,
                                              Indonesian(f"di sini tanda kurung bersarang lebih dari {MAX_NESTING} "
                                                         "tingkat", _NESTING_HINT_ID)))
        elif word in _CLOSING:
            depth = max(0, depth - 1)
    return TextMeasure(words, None)


# ------------------------------------------------------------------ the tree, before it becomes nodes


def nesting_problem(tree: Tree[Token], source: SourceFile) -> Diagnostic | None:
    """The first place where the syntax tree nests more than MAX_NESTING levels, found without recursion."""
    pending: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING:
            return located(source, "P103", f"this formula nests more than {MAX_NESTING} levels deep (each term of "
                           "a long sum is a level)",
                           _point(source.path, node.meta.line, node.meta.column), _NESTING_HINT,
                           Indonesian(f"rumus ini bersarang lebih dari {MAX_NESTING} tingkat (setiap suku dari "
                                      "penjumlahan yang panjang adalah satu tingkat)", _NESTING_HINT_ID))
        pending.extend((child, depth + 1) for child in reversed(node.children) if isinstance(child, Tree))
    return None


def declaration_count_problem(declarations: Sequence[Tree[Token]], source: SourceFile) -> Diagnostic | None:
    """The declaration beyond MAX_DECLARATIONS, if there is one."""
    if len(declarations) <= MAX_DECLARATIONS:
        return None
    first_beyond = declarations[MAX_DECLARATIONS].meta
    return located(source, "P106", f"the rubric has {len(declarations):,} declarations; a rubric may have at most "
                   f"{MAX_DECLARATIONS:,}", _point(source.path, first_beyond.line, first_beyond.column),
                   _DECLARATIONS_HINT, Indonesian(f"rubrik ini memiliki {_in_id(len(declarations))} deklarasi; satu "
                                                  f"rubrik paling banyak memiliki {_in_id(MAX_DECLARATIONS)} "
                                                  "deklarasi", _DECLARATIONS_HINT_ID))


def merged_declarations_problem(count: int, span: Span, source: SourceFile) -> Diagnostic | None:
    """A rubric whose declarations, with those it inherits, pass MAX_DECLARATIONS; reported at its `extends`."""
    if count <= MAX_DECLARATIONS:
        return None
    return located(source, "P106", f"with the rubrics it extends, the rubric has {count:,} declarations; a rubric "
                   f"may have at most {MAX_DECLARATIONS:,}", span, _DECLARATIONS_HINT,
                   Indonesian(f"bersama rubrik yang menjadi dasarnya (extends), rubrik ini memiliki {_in_id(count)} "
                              f"deklarasi; satu rubrik paling banyak memiliki {_in_id(MAX_DECLARATIONS)} deklarasi",
                              _DECLARATIONS_HINT_ID))


# ------------------------------------------------------------------ literals, as they become values


def text_literal_problem(value: str, token: Token, source: SourceFile) -> Diagnostic | None:
    """A quoted text longer than MAX_TEXT_CHARACTERS, with the caret where it goes past the limit."""
    if len(value) <= MAX_TEXT_CHARACTERS:
        return None
    return located(source, "P104", f"this text has {len(value):,} characters; a text may have at most "
                   f"{MAX_TEXT_CHARACTERS:,}", _point(source.path, token.line, token.column),
                   "shorten it; a longer explanation belongs in a document that a 'source' line names",
                   Indonesian(f"teks ini memiliki {_in_id(len(value))} karakter; satu teks paling banyak memiliki "
                              f"{_in_id(MAX_TEXT_CHARACTERS)} karakter", "persingkat teks itu; penjelasan yang lebih "
                              "panjang tempatnya dalam dokumen yang disebut pada baris 'source'"))


def number_problem(token: Token, source: SourceFile, count: bool = False) -> Diagnostic | None:
    """A number with more digits than the language allows; `count` for years, places and candidates."""
    whole, _, decimals = str(token).partition(".")
    whole_digits = len(whole.lstrip("0"))
    digits = len((whole + decimals).lstrip("0"))  # trailing zeros count: a Decimal keeps them
    if count and whole_digits > MAX_COUNT_DIGITS:
        return _number_problem(token, source, f"this number has {whole_digits:,} digits before the decimal point; a "
                               f"year, a number of places or of candidates has at most {MAX_COUNT_DIGITS}",
                               "write a year such as 2024, from 0 to 10 places, or how many candidates go on, e.g. 3",
                               Indonesian(f"angka ini memiliki {_in_id(whole_digits)} digit sebelum tanda desimal; "
                                          "tahun, jumlah angka desimal, atau jumlah peserta paling banyak memiliki "
                                          f"{MAX_COUNT_DIGITS} digit", "tulis tahun seperti 2024, angka desimal dari "
                                          "0 sampai 10, atau jumlah peserta yang lolos, misalnya 3"))
    if len(decimals) > MAX_DECIMAL_PLACES:
        return _number_problem(token, source, f"this number has {len(decimals):,} decimals; a number in a rubric has "
                               f"at most {MAX_DECIMAL_PLACES}", f"round it to {MAX_DECIMAL_PLACES} decimals or "
                               "fewer, so that every result stays exact",
                               Indonesian(f"angka ini memiliki {_in_id(len(decimals))} angka desimal; angka dalam "
                                          f"rubrik paling banyak memiliki {MAX_DECIMAL_PLACES} angka desimal",
                                          f"bulatkan menjadi {MAX_DECIMAL_PLACES} angka desimal atau kurang, agar "
                                          "setiap hasil tetap tepat"))
    if digits > MAX_NUMBER_DIGITS:
        return _number_problem(token, source, f"this number has {digits:,} digits; a number in a rubric has at most "
                               f"{MAX_NUMBER_DIGITS}", "write it in a larger unit, e.g. millions of rupiah",
                               Indonesian(f"angka ini memiliki {_in_id(digits)} digit; angka dalam rubrik paling "
                                          f"banyak memiliki {MAX_NUMBER_DIGITS} digit",
                                          "tulis dalam satuan yang lebih besar, misalnya juta rupiah"))
    return None


def _number_problem(token: Token, source: SourceFile, message: str, hint: str, indonesian: Indonesian) -> Diagnostic:
    """P105 under the whole number, or under its first digit when it is too long to underline."""
    short = len(token) <= _SHOWN_BEYOND
    span = token_span(token, source.path) if short else _point(source.path, token.line, token.column)
    return located(source, "P105", message, span, hint, indonesian)


def path_character(path: str) -> str | None:
    """The first control character of a path (a NUL, a tab, a line break ...), which no rubric's file name has."""
    match = _PATH_CONTROL.search(path)
    return match.group() if match else None


# ------------------------------------------------------------------ diagnostics


def located(source: SourceFile, code: str, message: str, span: Span, hint: str,
            indonesian: Indonesian | None = None) -> Diagnostic:
    """A diagnostic whose excerpt is cut short, and shows no character that cannot be printed."""
    return Diagnostic(code, message, span, _excerpt(source.line_text(span.line), span), hint,
                      indonesian=indonesian)


def shown(line: str) -> str:
    """A line as an excerpt may print it: control characters and halves of surrogate pairs as U+FFFD."""
    return _SURROGATE.sub("\ufffd", _UNPRINTABLE.sub("\ufffd", line))


def _at(text: str, path: str, offset: int, code: str, message: str, hint: str, indonesian: Indonesian) -> Diagnostic:
    """A diagnostic at an offset of a text not yet split into lines (it may be too large to)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    span = _point(path, text.count("\n", 0, start) + 1, offset - start + 1)
    line = text[start : min(end if end >= 0 else len(text), offset + _SHOWN_BEYOND)]
    return Diagnostic(code, message, span, _excerpt(line, span), hint, indonesian=indonesian)


def _in_id(count: int) -> str:
    """A count as an Indonesian message writes it: 5.000, not 5,000."""
    return grouped(count, "id")


def _excerpt(line: str, span: Span) -> str:
    """The line cut short after the caret; none when the caret is too far right to show the line up to it."""
    if span.column > _EXCERPT_COLUMNS:
        return ""
    end = span.end_column if span.end_line == span.line else span.column
    return shown(line[: end - 1 + _SHOWN_BEYOND])


def _point(path: str, line: int | None, column: int | None) -> Span:
    """One character, where a caret shows where the limit is passed."""
    return Span(path, line or 1, column or 1, line or 1, (column or 1) + 1)
