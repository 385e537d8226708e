"""Syntax errors as diagnostics: Lark's error at a position -> a located message with a hint.

Lark names what it expected by terminal (NAME, PERCENT, ...); the messages say it
in words, and the hints guess at the mistake behind the error (a misspelt keyword,
a decimal comma, a curly quote, a declaration left unfinished).
"""

from __future__ import annotations

import re

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from paritrana_rules.errors import Diagnostic, did_you_mean
from paritrana_rules.language.grammar import DECLARATION_KEYWORDS, LINE_STARTERS, literal_terminals, token_span
from paritrana_rules.language.limits import shown
from paritrana_rules.language.recovery import line_start, top_level_starts
from paritrana_rules.source import SourceFile, Span

_TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a quoted text ("...")',
    "COMPARE": "a comparison (= != < <= > >=)",
    "YES_NO": "'yes/no'",
    "$END": "the end of the file",
}
_QUOTED_AT_MOST = 40  # characters of a text quoted in a message
_PERCENT_HINT = "weights are percentages: write the number followed by %, e.g. weight 25%"


def _describe_terminal(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    literal = literal_terminals().get(name)
    return f"'{literal}'" if literal is not None else name.lower()


def _keyword_values(expected: set[str]) -> list[str]:
    return [word for name, word in literal_terminals().items() if name in expected and word.isalpha()]


def _expected_text(expected: set[str]) -> str:
    if {"NAME", "NUMBER"} <= expected:
        return "a number, a name or an expression"
    described = sorted({_describe_terminal(name) for name in expected})
    if len(described) > 8:
        described = [*described[:8], "..."]
    return ", ".join(described)


def syntax_diagnostic(error: UnexpectedInput, source: SourceFile, text: str, position: int,
                      unfinished: bool) -> Diagnostic:
    """The diagnostic for the parser stopping at `position` of `text` (the source, broken declarations blanked)."""
    unknown_start = _unknown_line_start(source, text, position)
    if unknown_start is not None:
        return unknown_start
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_character(error, source)
    if unfinished:
        return _unfinished_declaration(error, source, text, position)
    assert isinstance(error, UnexpectedToken)
    return _unexpected_token(error, source)


def _unknown_line_start(source: SourceFile, text: str, position: int) -> Diagnostic | None:
    """A line at the left margin must start with a keyword; a misspelt one is the real mistake."""
    tops = [t for t in top_level_starts(text) if t <= position]
    if not tops:
        return None
    match = re.match(r"[A-Za-z_]\w*", text[tops[-1] :])
    if match is None or match.group() in literal_terminals().values():
        return None
    word = match.group()
    line = text.count("\n", 0, tops[-1]) + 1
    span = Span(source.path, line, 1, line, 1 + len(word))
    hint = did_you_mean(word.lower(), LINE_STARTERS) or (
        "a line at the left margin starts a declaration: " + ", ".join(DECLARATION_KEYWORDS))
    return Diagnostic("P100", f"'{word}' does not start a declaration", span, shown(source.line_text(line)), hint)


def _unexpected_character(error: UnexpectedCharacters, source: SourceFile) -> Diagnostic:
    line, column, offset = error.line, error.column, int(error.pos_in_stream or 0)
    char = source.text[offset] if offset < len(source.text) else ""
    span = Span(source.path, line, column, line, column + 1)
    hint: str | None
    if offset > 0 and source.text[offset - 1] == '"':  # a letter glued to a closing quote: a quote inside a text
        hint = 'a text ended here: to put a double quote inside a text, write \\" (e.g. "Program \\"Satu Desa\\"")'
    elif char.isalpha() and char.isupper():
        hint = "names and keywords are written in lowercase letters, digits and _"
    elif char in "'\u2018\u2019\u201c\u201d":
        hint = 'texts are written between straight double quotes: "..."'
    else:
        hint = f"expected {_expected_text(set(error.allowed or ()))}" if error.allowed else None
    return Diagnostic("P101", f"unexpected character {char!r}", span, shown(source.line_text(line)), hint)


def _unexpected_token(error: UnexpectedToken, source: SourceFile) -> Diagnostic:
    token = error.token
    expected = set(error.expected)
    span = token_span(token, source.path)
    message = f"unexpected {_token_words(token)}, expected {_expected_text(expected)}"
    before = source.text[: token.start_pos or 0].rstrip()
    hint: str | None
    after = source.text[token.end_pos or 0 : (token.end_pos or 0) + 1]
    if str(token) == "," and re.search(r"\d$", before) and after.isdigit():
        message = "unexpected ',' inside a number"
        hint = "decimals are written with a point, not a comma: e.g. 2.5"
    elif re.search(r'(\b(label|description|reason|evidence)|")$', before) and "NAME" in expected:
        hint = 'each text starts with its language: id (Bahasa Indonesia) or en (English), e.g. label id "..." en "..."'
    else:
        hint = _token_hint(token, expected)
    return Diagnostic("P100", message, span, shown(source.line_text(span.line)), hint)


def _token_words(token: Token) -> str:
    if token.type == "NAME":
        return f"name '{token}'"
    if token.type == "NUMBER":
        return f"number {token}"
    if token.type == "STRING":  # shown cut short: it may be thousands of characters long
        return f"text {shown(token[:_QUOTED_AT_MOST])}{'...' if len(token) > _QUOTED_AT_MOST else ''}"
    return f"'{token}'"


def _token_hint(token: Token, expected: set[str]) -> str | None:
    keywords = _keyword_values(expected)
    if {"count", "number", "text"} <= set(keywords):
        return "the kinds of input are: number, count, yes/no, one of {...}, set of {...}, text and panel of number"
    if "NUMBER" in expected and "NAME" not in expected and str(token).isidentifier():
        return "write the number in digits, e.g. 1 or 12.5"
    if "NAME" in expected and str(token).isidentifier() and token.type not in ("NAME", "NUMBER", "STRING"):
        return f"'{token}' is a word of the rubric language and cannot be a name; choose another, e.g. '{token}_desa'"
    if token.type == "NAME":
        suggestion = did_you_mean(str(token), keywords)
        if suggestion:
            return suggestion
    if any(_describe_terminal(e) == "'%'" for e in expected):
        return _PERCENT_HINT
    if str(token) in DECLARATION_KEYWORDS:
        return "the declaration before this line is not finished"
    if str(token) == "=" and "COMPARE" not in expected:
        return "use 'is' or '=' only inside conditions; a declaration needs a name before ="
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
    what = f"'{' '.join(heading[:2])}'" if heading else "the declaration"
    message = f"{what} is not finished"
    if expected:
        message += f": expected {_expected_text(expected)}"
    described = {_describe_terminal(name) for name in expected}
    if described == {"'%'"}:
        hint = _PERCENT_HINT
    elif len(described) == 1:
        hint = f"add {next(iter(described))} at the end of this line"
    elif position >= len(text.rstrip()):
        hint = "the file ends here; complete the last declaration or remove it"
    elif line_start(text, position) in top_level_starts(text):
        hint = "complete this line, or remove it; the next line already starts something new"
    else:
        hint = "complete this line; the indented lines below it belong to the same declaration"
    return Diagnostic("P102", message, span, shown(source.line_text(number)), hint)


def _code(line: str) -> str:
    """A line without its trailing comment and spaces (a # inside quotes is kept)."""
    if "#" in line and '"' not in line.split("#", 1)[0]:
        line = line.split("#", 1)[0]
    return line.rstrip()
