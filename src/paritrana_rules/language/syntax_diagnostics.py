"""Syntax errors as diagnostics: Lark's error at a position -> a located message with a hint, in two languages.

Lark names what it expected by terminal (NAME, PERCENT, ...); the messages say it
in words. The writing mistakes behind most errors (a quote, an arrow, a '%', a
decimal comma, ...) are recognised first (`syntax_mistakes.py`) and named with
their fix; what is left gets "unexpected ..., expected ..." with a hint where one
can be guessed (a misspelt keyword, a reserved word as a name, a declaration left
unfinished).
"""

from __future__ import annotations

import re

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from paritrana_rules.errors import Diagnostic, Indonesian, closest, you_meant
from paritrana_rules.language.grammar import DECLARATION_KEYWORDS, LINE_STARTERS, literal_terminals, token_span
from paritrana_rules.language.limits import shown
from paritrana_rules.language.recovery import line_start, top_level_starts
from paritrana_rules.language.syntax_mistakes import recognise, unclosed_bracket
from paritrana_rules.language.syntax_places import Place, expected_words
from paritrana_rules.source import SourceFile, Span

_TERMINAL_WORDS = {  # (English, Bahasa Indonesia)
    "NAME": ("a name", "nama"),
    "NUMBER": ("a number", "angka"),
    "STRING": ('a quoted text ("...")', 'teks dalam tanda kutip ("...")'),
    "COMPARE": ("a comparison (= != < <= > >=)", "perbandingan (= != < <= > >=)"),
    "YES_NO": ("'yes/no'", "'yes/no'"),
    "$END": ("the end of the file", "akhir berkas"),
}
_QUOTED_AT_MOST = 40  # characters of a text quoted in a message
_PERCENT_HINT = ("weights are percentages: write the number followed by %, e.g. weight 25%",
                 "bobot adalah persentase: tulis angkanya diikuti %, misalnya weight 25%")


def _describe_terminal(name: str, lang: int = 0) -> str:
    """A terminal in words: `lang` 0 for English, 1 for Bahasa Indonesia."""
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name][lang]
    literal = literal_terminals().get(name)
    return f"'{literal}'" if literal is not None else name.lower()


def _expected_text(expected: set[str], lang: int = 0) -> str:
    if {"NAME", "NUMBER"} <= expected:
        return ("a number, a name or an expression", "angka, nama, atau rumus")[lang]
    described = sorted({_describe_terminal(name, lang) for name in expected})
    if len(described) > 8:
        described = [*described[:8], "..."]
    return ", ".join(described)


def syntax_diagnostic(error: UnexpectedInput, source: SourceFile, text: str, position: int,
                      unfinished: bool) -> Diagnostic:
    """The diagnostic for the parser stopping at `position` of `text` (the source, broken declarations blanked)."""
    unknown_start = _unknown_line_start(source, text, position)
    if unknown_start is not None:
        return unknown_start
    token = error.token if isinstance(error, UnexpectedToken) else None
    expected = frozenset(getattr(error, "expected", ()) or ()) if token is not None else frozenset()
    place = Place(text, position, token if token is not None and token.type != "$END" else None, expected)
    mistake = recognise(place) if isinstance(error, UnexpectedCharacters) or not unfinished else (
        unclosed_bracket(place))
    if mistake is not None:
        return mistake.diagnostic(source, place)
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_character(error, source)
    if unfinished:
        return _unfinished_declaration(error, source, text, position)
    assert token is not None
    return _unexpected_token(token, expected, source)


def _unknown_line_start(source: SourceFile, text: str, position: int) -> Diagnostic | None:
    """A line at the left margin must start with a keyword; a misspelt one is the real mistake."""
    tops = [t for t in top_level_starts(text) if t <= position]
    if not tops:
        return None
    match = re.match(r"[A-Za-z_]\w*", text[tops[-1] :])
    keyword = match is not None and match.group() in literal_terminals().values()
    if match is None or match.group() in LINE_STARTERS or (keyword and tops[-1] != position):
        return None
    word = match.group()
    line = text.count("\n", 0, tops[-1]) + 1
    span = Span(source.path, line, 1, line, 1 + len(word))
    if word.lower() in LINE_STARTERS:
        hint = (f"the words of the rubric language are written in lowercase letters: {word.lower()}",
                f"kata-kata bahasa rubrik ditulis dengan huruf kecil: {word.lower()}")
    else:
        meant = closest(word, LINE_STARTERS)
        starters = ", ".join(DECLARATION_KEYWORDS)
        hint = (you_meant(meant) or f"a line at the left margin starts a declaration: {starters}",
                you_meant(meant, "id") or f"baris yang dimulai di tepi kiri adalah awal deklarasi: {starters}")
    return Diagnostic("P100", f"'{word}' does not start a declaration", span, shown(source.line_text(line)), hint[0],
                      indonesian=Indonesian(f"'{word}' bukan awal sebuah deklarasi", hint[1]))


def _unexpected_character(error: UnexpectedCharacters, source: SourceFile) -> Diagnostic:
    line, column, offset = error.line, error.column, int(error.pos_in_stream or 0)
    char = source.text[offset] if offset < len(source.text) else ""
    span = Span(source.path, line, column, line, column + 1)
    if char.isalpha() and char.isupper():
        hint = ("names and keywords are written in lowercase letters, digits and _",
                "nama dan kata kunci ditulis dengan huruf kecil, angka, dan _")
    else:
        hint = ("this character has no meaning in a rubric: remove it (a text between double quotes may hold "
                "any character)", "karakter ini tidak bermakna dalam rubrik: hapus (teks di antara tanda kutip "
                "ganda boleh memuat karakter apa pun)")
    return Diagnostic("P101", f"unexpected character {char!r}", span, shown(source.line_text(line)), hint[0],
                      indonesian=Indonesian(f"karakter {char!r} tidak diharapkan", hint[1]))


def _unexpected_token(token: Token, expected: frozenset[str], source: SourceFile) -> Diagnostic:
    span = token_span(token, source.path)
    wanted = set(expected)
    before = source.text[: token.start_pos or 0].rstrip()
    if re.search(r'(\b(label|description|reason|evidence)|")$', before) and "NAME" in wanted:
        hint: tuple[str, str] | None = (
            'each text starts with its language: id (Bahasa Indonesia) or en (English), e.g. label id "..." en "..."',
            'setiap teks diawali kode bahasanya: id (Bahasa Indonesia) atau en (bahasa Inggris), misalnya '
            'label id "..." en "..."')
    else:
        hint = _token_hint(token, wanted)
    message = f"unexpected {_token_words(token)}, expected {_expected_text(wanted)}"
    message_id = f"{_token_words(token, 1)} tidak diharapkan di sini; yang diharapkan: {_expected_text(wanted, 1)}"
    return Diagnostic("P100", message, span, shown(source.line_text(span.line)), hint[0] if hint else None,
                      indonesian=Indonesian(message_id, hint[1] if hint else None))


def _token_words(token: Token, lang: int = 0) -> str:
    if token.type == "NAME":
        return (f"name '{token}'", f"nama '{token}'")[lang]
    if token.type == "NUMBER":
        return (f"number {token}", f"angka {token}")[lang]
    if token.type == "STRING":  # shown cut short: it may be thousands of characters long
        quoted = f"{shown(token[:_QUOTED_AT_MOST])}{'...' if len(token) > _QUOTED_AT_MOST else ''}"
        return (f"text {quoted}", f"teks {quoted}")[lang]
    return f"'{token}'"


def _token_hint(token: Token, expected: set[str]) -> tuple[str, str] | None:
    """A hint for what is left when no writing mistake was recognised: (English, Bahasa Indonesia)."""
    keywords = [word for word in expected_words(frozenset(expected)) if word.isalpha()]
    word = str(token)
    if {"count", "number", "text"} <= set(keywords):
        return ("the kinds of input are: number, count, yes/no, one of {...}, set of {...}, text and panel of number",
                "jenis input adalah: number, count, yes/no, one of {...}, set of {...}, text, dan panel of number")
    if "NUMBER" in expected and "NAME" not in expected and word.isidentifier():
        return "write the number in digits, e.g. 1 or 12.5", "tulis bilangannya dengan angka, misalnya 1 atau 12.5"
    if "NAME" in expected and word.isidentifier() and token.type not in ("NAME", "NUMBER", "STRING"):
        return (f"'{word}' is a word of the rubric language and cannot be a name; choose another, e.g. '{word}_desa'",
                f"'{word}' adalah kata bahasa rubrik dan tidak dapat dipakai sebagai nama; pilih nama lain, "
                f"misalnya '{word}_desa'")
    meant = closest(word, sorted(keywords)) if token.type == "NAME" else None
    if meant is not None:
        return you_meant(meant) or "", you_meant(meant, "id") or ""
    if any(_describe_terminal(e) == "'%'" for e in expected):
        return _PERCENT_HINT
    if word in DECLARATION_KEYWORDS:
        return "the declaration before this line is not finished", "deklarasi sebelum baris ini belum selesai"
    if word == "=":
        return ("'=' compares inside a condition, or gives a let its value: let name = ...",
                "'=' membandingkan di dalam syarat, atau memberi nilai pada let: let nama = ...")
    return None


def _unfinished_declaration(error: UnexpectedInput, source: SourceFile, text: str, position: int) -> Diagnostic:
    """Point at the last thing written before the line where the parser gave up."""
    lines = text[:position].splitlines() or [""]
    number = len(lines)
    while number > 1 and not _code(lines[number - 1]):
        number -= 1
    content = _code(lines[number - 1])
    column = max(1, len(content))
    span = Span(source.path, number, column, number, column + 1)
    expected = set(getattr(error, "expected", ()) or ())
    start = top_level_starts(text[:position])
    heading = text[start[-1]:].split("\n", 1)[0].split() if start else []
    what_en, what_id = (f"'{' '.join(heading[:2])}'",) * 2 if heading else ("the declaration", "deklarasi")
    message, message_id = f"{what_en} is not finished", f"{what_id} belum selesai"
    if expected:
        message += f": expected {_expected_text(expected)}"
        message_id += f"; yang diharapkan: {_expected_text(expected, 1)}"
    described = {_describe_terminal(name) for name in expected}
    if described == {"'%'"}:
        hint = _PERCENT_HINT
    elif len(described) == 1:
        hint = (f"add {next(iter(described))} at the end of this line",
                f"tambahkan {_describe_terminal(next(iter(expected)), 1)} di akhir baris ini")
    elif position >= len(text.rstrip()):
        hint = ("the file ends here; complete the last declaration or remove it",
                "berkas berakhir di sini; lengkapi deklarasi terakhir atau hapus")
    elif line_start(text, position) in top_level_starts(text):
        hint = ("complete this line, or remove it; the next line already starts something new",
                "lengkapi baris ini atau hapus; baris berikutnya sudah memulai deklarasi baru")
    else:
        hint = ("complete this line; the indented lines below it belong to the same declaration",
                "lengkapi baris ini; baris-baris menjorok di bawahnya termasuk deklarasi yang sama")
    return Diagnostic("P102", message, span, shown(source.line_text(number)), hint[0],
                      indonesian=Indonesian(message_id, hint[1]))


def _code(line: str) -> str:
    """A line without its trailing comment and spaces (a # inside quotes is kept)."""
    if "#" in line and '"' not in line.split("#", 1)[0]:
        line = line.split("#", 1)[0]
    return line.rstrip()

