"""Parsing: rubric text -> `ast.Rubric`, or located, hinted syntax diagnostics.

The grammar is `grammar/rubric.lark` (shipped inside the wheel as
`paritrana_rules/grammar/rubric.lark`). Lark's LALR parser stops at the first
error, so to report several syntax errors at once we blank out the broken
declaration (keeping line breaks, so positions stay true) and parse again.
Declarations start with a keyword at the start of a line, which makes the
broken region easy to find.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import lark
from lark import Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from paritrana_rules.language import ast
from paritrana_rules.errors import Diagnostic, did_you_mean
from paritrana_rules.source import SourceFile, Span

DECLARATION_KEYWORDS = ("input", "let", "criterion", "gate", "bonus", "penalty", "remove", "change", "property",
                        "rank", "stage")
_DECLARATION_LINE = re.compile(r"^[ \t]*(" + "|".join(DECLARATION_KEYWORDS) + r")\b", re.MULTILINE)
_DECLARED_NAME = re.compile(r"^[ \t]*[A-Za-z_]\w*\s+([A-Za-z_]\w*)")
LINE_STARTERS = (*DECLARATION_KEYWORDS, "rubric", "extends", "category", "sector", "round", "scale", "rounding", "label", "description",
                 "source", "assumption")
MAX_SYNTAX_ERRORS = 20


def grammar_text() -> str:
    """The grammar, from the installed package or, in a source checkout, from `grammar/`."""
    packaged = resources.files("paritrana_rules").joinpath("grammar/rubric.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[3] / "grammar" / "rubric.lark").read_text(encoding="utf-8")


@functools.cache
def parser() -> lark.Lark:
    """The LALR parser, built once per process (it is immutable and thread-safe to use)."""
    return lark.Lark(grammar_text(), parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=True)


@attrs.frozen
class ParseOutcome:
    """The tree of what parsed, the syntax diagnostics, and the names of declarations that did not."""

    rubric: ast.Rubric | None
    diagnostics: tuple[Diagnostic, ...]
    broken_names: frozenset[str]


def parse(text: str, path: str = "<rubric>") -> ParseOutcome:
    """Parse a rubric, recovering after errors to report as many as possible."""
    source = SourceFile(path, text)
    diagnostics: list[Diagnostic] = []
    broken: set[str] = set()
    current = text
    while True:
        try:
            tree = parser().parse(current)
        except UnexpectedInput as error:
            position = _error_offset(current, error)
            unfinished = _unfinished(current, position, error)
            diagnostics.append(_syntax_diagnostic(error, source, current, position, unfinished))
            region = _broken_region(current, position, unfinished)
            if region is None or len(diagnostics) >= MAX_SYNTAX_ERRORS:
                return ParseOutcome(None, tuple(diagnostics), frozenset(broken))
            start, end = region
            match = _DECLARED_NAME.match(current[start:end])
            if match:
                broken.add(match.group(1).lower())
            current = current[:start] + re.sub(r"[^\n]", " ", current[start:end]) + current[end:]
            continue
        rubric = _ToAst(source).transform(tree)
        return ParseOutcome(rubric, tuple(diagnostics), frozenset(broken))


def _top_level_starts(text: str) -> list[int]:
    """Offsets of lines that start at column 1 with something other than a comment."""
    return [m.start() for m in re.finditer(r"^[^\s#]", text, re.MULTILINE)]


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _unfinished(text: str, position: int, error: UnexpectedInput) -> bool:
    """Whether the error means the declaration *before* this line was left unfinished.

    That is so at the end of the file, and when a keyword that starts a line is
    unexpected: the parser was still inside the previous declaration.
    """
    if position >= len(text.rstrip()):
        return True
    token = getattr(error, "token", None)
    if token is None or token.type in ("NAME", "NUMBER", "STRING"):
        return False
    return not text[_line_start(text, position) : position].strip()


def _broken_region(text: str, position: int, unfinished: bool) -> tuple[int, int] | None:
    """The top-level lines to blank out before parsing again; None when the header itself is broken.

    A declaration is its top-level line plus the indented lines under it. When the
    parser gave up at the start of a new top-level line, only the declaration
    before it is broken; otherwise the whole declaration around the error is.
    """
    tops = _top_level_starts(text)
    line = _line_start(text, position)
    after = [t for t in tops if t > position]
    end = after[0] if after else len(text)
    if unfinished and (line in tops or position >= len(text.rstrip())):
        end = line if position < len(text.rstrip()) else len(text)
    before = [t for t in tops if (t < line if unfinished else t <= position)]
    start = before[-1] if before else line
    if not tops or start <= tops[0] or end <= start:
        return None
    return start, end


def _error_offset(text: str, error: UnexpectedInput) -> int:
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or token is not None and token.type == "$END":
        return len(text)
    return int(getattr(error, "pos_in_stream", 0) or 0)


# ------------------------------------------------------------------ syntax messages

_TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a quoted text ("...")',
    "COMPARE": "a comparison (= != < <= > >=)",
    "YES_NO": "'yes/no'",
    "$END": "the end of the file",
}


def _describe_terminal(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    for terminal in parser().terminals:
        if terminal.name == name and terminal.pattern.type == "str":
            return f"'{terminal.pattern.value}'"
    return name.lower()


def _keyword_values(expected: set[str]) -> list[str]:
    words = []
    for terminal in parser().terminals:
        if terminal.name in expected and terminal.pattern.type == "str" and terminal.pattern.value.isalpha():
            words.append(terminal.pattern.value)
    return words


def _expected_text(expected: set[str]) -> str:
    if {"NAME", "NUMBER"} <= expected:
        return "a number, a name or an expression"
    described = sorted({_describe_terminal(name) for name in expected})
    if len(described) > 8:
        described = [*described[:8], "..."]
    return ", ".join(described)


def _syntax_diagnostic(error: UnexpectedInput, source: SourceFile, text: str, position: int,
                       unfinished: bool) -> Diagnostic:
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
    tops = [t for t in _top_level_starts(text) if t <= position]
    if not tops:
        return None
    match = re.match(r"[A-Za-z_]\w*", text[tops[-1] :])
    keywords = {t.pattern.value for t in parser().terminals if t.pattern.type == "str"}
    if match is None or match.group() in keywords:
        return None
    word = match.group()
    line = text.count("\n", 0, tops[-1]) + 1
    span = Span(source.path, line, 1, line, 1 + len(word))
    hint = did_you_mean(word.lower(), LINE_STARTERS) or (
        "a line at the left margin starts a declaration: " + ", ".join(DECLARATION_KEYWORDS))
    return Diagnostic("P100", f"'{word}' does not start a declaration", span, source.line_text(line), hint)


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
    return Diagnostic("P101", f"unexpected character {char!r}", span, source.line_text(line), hint)


def _unexpected_token(error: UnexpectedToken, source: SourceFile) -> Diagnostic:
    token = error.token
    expected = set(error.expected)
    span = _token_span(token, source.path)
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
    return Diagnostic("P100", message, span, source.line_text(span.line), hint)


def _token_words(token: Token) -> str:
    if token.type == "NAME":
        return f"name '{token}'"
    if token.type == "NUMBER":
        return f"number {token}"
    if token.type == "STRING":
        return f"text {token}"
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
        return "weights are percentages: write the number followed by %, e.g. weight 25%"
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
    start = _top_level_starts(text[:position])
    heading = text[start[-1]:].split("\n", 1)[0].split() if start else []
    what = f"'{' '.join(heading[:2])}'" if heading else "the declaration"
    message = f"{what} is not finished"
    if expected:
        message += f": expected {_expected_text(expected)}"
    described = {_describe_terminal(name) for name in expected}
    if described == {"'%'"}:
        hint = "weights are percentages: write the number followed by %, e.g. weight 25%"
    elif len(described) == 1:
        hint = f"add {next(iter(described))} at the end of this line"
    elif position >= len(text.rstrip()):
        hint = "the file ends here; complete the last declaration or remove it"
    elif _line_start(text, position) in _top_level_starts(text):
        hint = "complete this line, or remove it; the next line already starts something new"
    else:
        hint = "complete this line; the indented lines below it belong to the same declaration"
    return Diagnostic("P102", message, span, source.line_text(number), hint)


def _code(line: str) -> str:
    """A line without its trailing comment and spaces (a # inside quotes is kept)."""
    if "#" in line and '"' not in line.split("#", 1)[0]:
        line = line.split("#", 1)[0]
    return line.rstrip()


def _token_span(token: Token, path: str) -> Span:
    line, column = token.line or 1, token.column or 1
    return Span(path, line, column, token.end_line or line, token.end_column or column + len(str(token)))


# ------------------------------------------------------------------ tree -> AST


def _unquote(token: Token) -> str:
    body = str(token)[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), body)


@v_args(meta=True, inline=True)
class _ToAst(Transformer[Token, ast.Rubric]):
    """Builds frozen AST nodes from Lark's tree; every node gets a Span."""

    def __init__(self, source: SourceFile) -> None:
        super().__init__()
        self.path = source.path

    def _span(self, meta: Any) -> Span:
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, token: Token) -> Span:
        return _token_span(token, self.path)

    # header

    def start(self, meta: Any, header: tuple[Any, ...], *statements: ast.Statement) -> ast.Rubric:
        award, edition, period, extends, clauses, metas, span, years = header
        return ast.Rubric(
            award=award, edition=edition, period=period, clauses=clauses, meta=metas,
            declarations=tuple(s for s in statements if not isinstance(s, (ast.RemoveDecl, ast.ChangeDecl,
                                                                               ast.PropertyDecl, ast.RankingDecl))),
            rankings=tuple(s for s in statements if isinstance(s, ast.RankingDecl)),
            extends=extends[0] if extends else None, extends_span=extends[1] if extends else None,
            properties=tuple(s for s in statements if isinstance(s, ast.PropertyDecl)),
            removals=tuple(s for s in statements if isinstance(s, ast.RemoveDecl)),
            changes=tuple(s for s in statements if isinstance(s, ast.ChangeDecl)),
            path=self.path, span=span, edition_span=years[0], period_span=years[1],
        )

    def header(self, meta: Any, award: Token, edition: Token, period: Token, extends: tuple[str, Span] | None,
               *clauses: Any) -> tuple[Any, ...]:
        header_clauses = ast.canonical_clauses(tuple(c for c in clauses if isinstance(c, ast.HeaderClause)))
        metas = tuple(c for c in clauses if isinstance(c, ast.Meta))
        span = Span(self.path, meta.line, meta.column, award.end_line or meta.line, award.end_column or meta.column)
        years = (self._tspan(edition), self._tspan(period))
        return (_unquote(award), Decimal(str(edition)), Decimal(str(period)), extends, header_clauses, metas, span,
                years)

    def extends_clause(self, meta: Any, path: Token) -> tuple[str, Span]:
        return (_unquote(path), self._tspan(path))

    # extending and properties

    def remove_decl(self, meta: Any, kind: str, name: Token) -> ast.RemoveDecl:
        return ast.RemoveDecl(kind=kind, name=str(name), name_span=self._tspan(name), span=self._span(meta))

    def declaration_kind(self, meta: Any, keyword: Token) -> str:
        return str(keyword)

    def change_decl(self, meta: Any, kind: str, name: Token, *items: Any) -> ast.ChangeDecl:
        weights = [i for i in items if isinstance(i, tuple) and i[0] == "weight"]
        parents = [i for i in items if isinstance(i, tuple) and i[0] == "under"]
        return ast.ChangeDecl(
            kind=kind, name=str(name), weight=weights[-1][1] if weights else None, weight_span=weights[-1][2] if weights else None,
            parent=parents[-1][1] if parents else None, parent_span=parents[-1][2] if parents else None,
            meta=tuple(i for i in items if isinstance(i, ast.Meta)),
            points=tuple(i for i in items if isinstance(i, (ast.PointsExpr, ast.PointsBand, ast.PointsTable))),
            name_span=self._tspan(name), span=self._span(meta),
        )

    def change_weight(self, meta: Any, weight: tuple[Decimal, Span]) -> tuple[str, Decimal, Span]:
        return ("weight", weight[0], weight[1])

    def change_parent(self, meta: Any, parent: Token) -> tuple[str, str, Span]:
        return ("under", str(parent), self._tspan(parent))

    def monotone_property(self, meta: Any, subject: tuple[str, Span], name: Token) -> ast.PropertyDecl:
        return ast.PropertyDecl(kind="monotone", subject=subject[0], input=str(name), subject_span=subject[1],
                                input_span=self._tspan(name), span=self._span(meta))

    def bounded_property(self, meta: Any, subject: tuple[str, Span]) -> ast.PropertyDecl:
        return ast.PropertyDecl(kind="bounded", subject=subject[0], input=None, subject_span=subject[1],
                                input_span=None, span=self._span(meta))

    def ranking_decl(self, meta: Any, *items: Any) -> ast.RankingDecl:
        keys = [i for i in items if isinstance(i, tuple) and i[0] == "key"]
        within = [i for i in items if isinstance(i, tuple) and i[0] == "within"]
        top = [i for i in items if isinstance(i, tuple) and i[0] == "top"]
        return ast.RankingDecl(
            keys=tuple(k[1] for k in keys), key_spans=tuple(k[2] for k in keys),
            within=within[-1][1] if within else None, within_span=within[-1][2] if within else None,
            nominate=top[-1][1] if top else None, nominate_span=top[-1][2] if top else None, span=self._span(meta),
        )

    def rank_key(self, meta: Any, token: Token) -> tuple[str, str, Span]:
        return ("key", str(token), self._tspan(token))

    def rank_within(self, meta: Any, name: Token) -> tuple[str, str, Span]:
        return ("within", str(name), self._tspan(name))

    def nominate_top(self, meta: Any, number: Token) -> tuple[str, Decimal, Span]:
        return ("top", Decimal(str(number)), self._tspan(number))

    def property_subject(self, meta: Any, token: Token) -> tuple[str, Span]:
        return (str(token), self._tspan(token))

    def category(self, meta: Any, name: Token) -> ast.HeaderClause:
        return ast.HeaderClause("category", (str(name),), self._span(meta))

    def sector(self, meta: Any, name: Token) -> ast.HeaderClause:
        return ast.HeaderClause("sector", (str(name),), self._span(meta))

    def round(self, meta: Any, name: Token) -> ast.HeaderClause:
        return ast.HeaderClause("round", (str(name),), self._span(meta))

    def scale(self, meta: Any, low: Decimal, high: Decimal) -> ast.HeaderClause:
        return ast.HeaderClause("scale", (low, high), self._span(meta))

    def rounding(self, meta: Any, mode: Token, places: Token) -> ast.HeaderClause:
        return ast.HeaderClause("rounding", (str(mode), Decimal(str(places))), self._span(meta))

    # free text

    def texts(self, meta: Any, *pairs: tuple[str, str, Span]) -> ast.Texts:
        return ast.Texts(tuple((lang, text) for lang, text, _ in pairs), self._span(meta), tuple(s for _, _, s in pairs))

    def lang_text(self, meta: Any, lang: Token, text: Token) -> tuple[str, str, Span]:
        return (str(lang), _unquote(text), self._tspan(lang))

    def _meta(self, kind: Any, meta: Any, value: Any) -> ast.Meta:
        if isinstance(value, ast.Texts):
            return ast.Meta(kind, value, None, self._span(meta))
        return ast.Meta(kind, None, _unquote(value), self._span(meta))

    def label(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("label", meta, texts)

    def description(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("description", meta, texts)

    def reason(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("reason", meta, texts)

    def evidence(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("evidence", meta, texts)

    def source(self, meta: Any, text: Token) -> ast.Meta:
        return self._meta("source", meta, text)

    def assumption(self, meta: Any, text: Token) -> ast.Meta:
        return self._meta("assumption", meta, text)

    # inputs

    def input_decl(self, meta: Any, name: Token, type_: ast.InputType, *rest: Any) -> ast.InputDecl:
        options = tuple(r for r in rest if isinstance(r, ast.InputOption))
        metas = tuple(r for r in rest if isinstance(r, ast.Meta))
        return ast.InputDecl(
            name=str(name), type=type_, options=options, meta=metas,
            name_span=self._tspan(name), span=self._span(meta),
        )

    def number_type(self, meta: Any) -> ast.InputType:
        return ast.InputType("number", (), self._span(meta))

    def count_type(self, meta: Any) -> ast.InputType:
        return ast.InputType("count", (), self._span(meta))

    def bool_type(self, meta: Any, _: Token) -> ast.InputType:
        return ast.InputType("bool", (), self._span(meta))

    def text_type(self, meta: Any) -> ast.InputType:
        return ast.InputType("text", (), self._span(meta))

    def panel_type(self, meta: Any) -> ast.InputType:
        return ast.InputType("panel", (), self._span(meta))

    def aggregate(self, meta: Any, rule: str) -> ast.InputOption:
        return ast.InputOption("aggregate", (rule,), self._span(meta))

    def aggregation(self, meta: Any, *words: Token) -> str:
        return "_".join(str(w) for w in words)  # mean, median or trimmed_mean

    def one_of_type(self, meta: Any, members: tuple[ast.EnumMember, ...]) -> ast.InputType:
        return ast.InputType("one_of", members, self._span(meta))

    def set_of_type(self, meta: Any, members: tuple[ast.EnumMember, ...]) -> ast.InputType:
        return ast.InputType("set_of", members, self._span(meta))

    def members(self, meta: Any, *members: ast.EnumMember) -> tuple[ast.EnumMember, ...]:
        return members

    def member(self, meta: Any, name: Token, label: ast.Texts | None) -> ast.EnumMember:
        return ast.EnumMember(str(name), label, self._tspan(name))

    def label_clause(self, meta: Any, texts: ast.Texts) -> ast.Texts:
        return texts

    def unit(self, meta: Any, value: Token) -> ast.InputOption:
        text = _unquote(value) if value.type == "STRING" else str(value)
        return ast.InputOption("unit", (text,), self._span(meta))

    def between(self, meta: Any, low: Decimal, high: Decimal) -> ast.InputOption:
        return ast.InputOption("between", (low, high), self._span(meta))

    def at_least(self, meta: Any, low: Decimal) -> ast.InputOption:
        return ast.InputOption("at_least", (low,), self._span(meta))

    def at_most(self, meta: Any, high: Decimal) -> ast.InputOption:
        return ast.InputOption("at_most", (high,), self._span(meta))

    def default(self, meta: Any, value: ast.Expr | Decimal) -> ast.InputOption:
        literal = ast.Number(value, self._span(meta)) if isinstance(value, Decimal) else value
        return ast.InputOption("default", (literal,), self._span(meta))

    def from_stage(self, meta: Any, name: Token) -> ast.InputOption:
        return ast.InputOption("stage", (str(name),), self._span(meta))

    def positive_number(self, meta: Any, number: Token) -> Decimal:
        return Decimal(str(number))

    def negative_number(self, meta: Any, number: Token) -> Decimal:
        return -Decimal(str(number))

    # let

    def let_decl(self, meta: Any, name: Token, expr: ast.Expr, *metas: ast.Meta) -> ast.LetDecl:
        return ast.LetDecl(name=str(name), expr=expr, meta=metas, name_span=self._tspan(name), span=self._span(meta))

    # criteria

    def criterion_decl(
        self, meta: Any, name: Token, parent: Token | None, weight: tuple[Decimal, Span], *items: Any
    ) -> ast.CriterionDecl:
        metas = tuple(i for i in items if isinstance(i, ast.Meta))
        points = tuple(i for i in items if not isinstance(i, ast.Meta))
        return ast.CriterionDecl(
            name=str(name), parent=str(parent) if parent is not None else None,
            weight=weight[0], meta=metas, points=points,
            name_span=self._tspan(name), parent_span=self._tspan(parent) if parent is not None else None,
            weight_span=weight[1], span=self._span(meta),
        )

    def percent(self, meta: Any, number: Token) -> tuple[Decimal, Span]:
        return (Decimal(str(number)), self._span(meta))

    def points_expr(self, meta: Any, expr: ast.Expr) -> ast.PointsExpr:
        return ast.PointsExpr(expr, self._span(meta))

    def points_band(self, meta: Any, subject: ast.Expr, *rows: ast.BandRow) -> ast.PointsBand:
        return ast.PointsBand(subject, rows, self._span(meta))

    def points_table(self, meta: Any, policy: str, *rows: ast.TableRow) -> ast.PointsTable:
        return ast.PointsTable(policy, rows, self._span(meta))  # type: ignore[arg-type]

    def first_match(self, meta: Any) -> str:
        return "first"

    def unique_match(self, meta: Any) -> str:
        return "unique"

    def sum_of_matches(self, meta: Any) -> str:
        return "sum"

    def max_of_matches(self, meta: Any) -> str:
        return "max"

    def band_row(self, meta: Any, bounds: dict[str, Any], points: ast.Expr) -> ast.BandRow:
        return ast.BandRow(points=points, span=self._span(meta), **bounds)

    @staticmethod
    def _bounds(lower: Decimal | None, lower_inc: bool, upper: tuple[Decimal, bool] | None) -> dict[str, Any]:
        high, high_inc = upper if upper is not None else (None, False)
        return {"lower": lower, "lower_inclusive": lower_inc, "upper": high, "upper_inclusive": high_inc, "otherwise": False}

    def from_range(self, meta: Any, low: Decimal, upper: tuple[Decimal, bool] | None) -> dict[str, Any]:
        return self._bounds(low, True, upper)

    def above_range(self, meta: Any, low: Decimal, upper: tuple[Decimal, bool] | None) -> dict[str, Any]:
        return self._bounds(low, False, upper)

    def below_range(self, meta: Any, high: Decimal) -> dict[str, Any]:
        return self._bounds(None, False, (high, False))

    def up_to_range(self, meta: Any, high: Decimal) -> dict[str, Any]:
        return self._bounds(None, False, (high, True))

    def exactly_range(self, meta: Any, value: Decimal) -> dict[str, Any]:
        return self._bounds(value, True, (value, True))

    def otherwise_range(self, meta: Any) -> dict[str, Any]:
        return {"lower": None, "lower_inclusive": False, "upper": None, "upper_inclusive": False, "otherwise": True}

    def to_inclusive(self, meta: Any, high: Decimal) -> tuple[Decimal, bool]:
        return (high, True)

    def to_exclusive(self, meta: Any, high: Decimal) -> tuple[Decimal, bool]:
        return (high, False)

    def when_row(self, meta: Any, condition: ast.Expr, points: ast.Expr) -> ast.TableRow:
        return ast.TableRow(condition, points, self._span(meta))

    def otherwise_row(self, meta: Any, points: ast.Expr) -> ast.TableRow:
        return ast.TableRow(None, points, self._span(meta))

    # stages

    def stage_decl(self, meta: Any, name: Token, *items: Any) -> ast.StageDecl:
        return ast.StageDecl(
            name=str(name), meta=tuple(i for i in items if isinstance(i, ast.Meta)),
            advance=tuple(i[1] for i in items if isinstance(i, tuple)), name_span=self._tspan(name),
            span=self._span(meta),
        )

    def advance_rule(self, meta: Any, condition: ast.Expr) -> tuple[str, ast.Expr]:
        return ("advance", condition)

    # gates and adjustments

    def gate_decl(self, meta: Any, name: Token, condition: ast.Expr, action: tuple[str, Decimal | None, Span], *metas: ast.Meta) -> ast.GateDecl:
        kind, cap, action_span = action
        return ast.GateDecl(
            name=str(name), condition=condition, action=kind, cap=cap, meta=metas,  # type: ignore[arg-type]
            name_span=self._tspan(name), action_span=action_span, span=self._span(meta),
        )

    def disqualify(self, meta: Any) -> tuple[str, None, Span]:
        return ("disqualify", None, self._span(meta))

    def cap(self, meta: Any, value: Decimal) -> tuple[str, Decimal, Span]:
        return ("cap", value, self._span(meta))

    def adjustment_decl(
        self, meta: Any, kind: str, name: Token, amount: ast.Expr, condition: ast.Expr | None, *metas: ast.Meta
    ) -> ast.AdjustmentDecl:
        return ast.AdjustmentDecl(
            kind=kind, name=str(name), amount=amount, condition=condition, meta=metas,  # type: ignore[arg-type]
            name_span=self._tspan(name), span=self._span(meta),
        )

    def adjustment_kind(self, meta: Any, keyword: Token) -> str:
        return str(keyword)

    # expressions

    def _binary(self, op: str, meta: Any, left: ast.Expr, right: ast.Expr) -> ast.Binary:
        return ast.Binary(op, left, right, self._span(meta))

    def if_then_else(self, meta: Any, c: ast.Expr, a: ast.Expr, b: ast.Expr) -> ast.IfThenElse:
        return ast.IfThenElse(c, a, b, self._span(meta))

    def or_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("or", meta, a, b)

    def and_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("and", meta, a, b)

    def not_(self, meta: Any, a: ast.Expr) -> ast.Unary:
        return ast.Unary("not", a, self._span(meta))

    def compare(self, meta: Any, a: ast.Expr, op: Token, b: ast.Expr) -> ast.Binary:
        return self._binary(str(op), meta, a, b)

    def equal(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("=", meta, a, b)

    def is_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("is", meta, a, b)

    def is_not(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("is not", meta, a, b)

    def in_(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("in", meta, a, b)

    def not_in(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("not in", meta, a, b)

    def add(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("+", meta, a, b)

    def sub(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("-", meta, a, b)

    def mul(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("*", meta, a, b)

    def div(self, meta: Any, a: ast.Expr, b: ast.Expr) -> ast.Binary:
        return self._binary("/", meta, a, b)

    def neg(self, meta: Any, a: ast.Expr) -> ast.Expr:
        if isinstance(a, ast.Number):
            return ast.Number(-a.value, self._span(meta))
        return ast.Unary("-", a, self._span(meta))

    def number(self, meta: Any, token: Token) -> ast.Number:
        return ast.Number(Decimal(str(token)), self._span(meta))

    def yes(self, meta: Any) -> ast.Bool:
        return ast.Bool(True, self._span(meta))

    def no(self, meta: Any) -> ast.Bool:
        return ast.Bool(False, self._span(meta))

    def string(self, meta: Any, token: Token) -> ast.String:
        return ast.String(_unquote(token), self._span(meta))

    def name(self, meta: Any, token: Token) -> ast.Name:
        return ast.Name(str(token), self._span(meta))

    def total(self, meta: Any) -> ast.Name:
        return ast.Name("total", self._span(meta))  # a keyword, so no input or let shares the name

    def set_literal(self, meta: Any, *names: Token | None) -> ast.SetLiteral:
        members = tuple(ast.Name(str(n), self._tspan(n)) for n in names if n is not None)
        return ast.SetLiteral(members, self._span(meta))

    def _call(self, func: str, meta: Any, *args: ast.Expr) -> ast.Call:
        return ast.Call(func, tuple(args), self._span(meta))  # type: ignore[arg-type]

    def min_(self, meta: Any, *args: ast.Expr) -> ast.Call:
        return self._call("min", meta, *args)

    def max_(self, meta: Any, *args: ast.Expr) -> ast.Call:
        return self._call("max", meta, *args)

    def clamp(self, meta: Any, *args: ast.Expr) -> ast.Call:
        return self._call("clamp", meta, *args)

    def round_(self, meta: Any, value: ast.Expr, places: Token) -> ast.Call:
        return self._call("round", meta, value, ast.Number(Decimal(str(places)), self._tspan(places)))

    def ratio(self, meta: Any, *args: ast.Expr) -> ast.Call:
        return self._call("ratio", meta, *args)

    def count_of(self, meta: Any, value: ast.Expr) -> ast.Call:
        return self._call("count_of", meta, value)
