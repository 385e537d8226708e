"""Lark's parse tree -> `ast` nodes: one method per grammar rule, every node with the Span it was written at.

The tree is walked without recursion (`Transformer_NonRecursive`), and each
number and quoted text is measured against the language's limits
(`limits.py`) before it becomes a value: one beyond them is reported, and
stands as 0 or "" in a rubric that is then not checked further.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import lark
from lark import Token, Transformer_NonRecursive, v_args

from paritrana_rules.errors import Diagnostic
from paritrana_rules.language import ast
from paritrana_rules.language.grammar import token_span
from paritrana_rules.language.limits import number_problem, text_literal_problem
from paritrana_rules.source import SourceFile, Span


def to_ast(tree: lark.Tree[Token], source: SourceFile) -> tuple[ast.Rubric, list[Diagnostic]]:
    """The rubric a tree parsed from `source` stands for, and its literals beyond the language's limits."""
    builder = _ToAst(source)
    return builder.transform(tree), builder.beyond_limits


def _unquote(token: Token) -> str:
    """A quoted text's content, with its escapes (\\n, \\", \\\\) resolved."""
    body = str(token)[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), body)


def _binary_rule(op: str) -> Callable[[_ToAst, Any, ast.Expr, ast.Expr], ast.Binary]:
    """The method for a rule `left <op> right`: those rules differ only in their operator."""

    def build(self: _ToAst, meta: Any, left: ast.Expr, right: ast.Expr) -> ast.Binary:
        return ast.Binary(op, left, right, self._span(meta))

    return build


def _call_rule(func: str) -> Callable[..., ast.Call]:
    """The method for a rule calling a built-in on its arguments: those rules differ only in the built-in."""

    def build(self: _ToAst, meta: Any, *args: ast.Expr) -> ast.Call:
        return ast.Call(func, args, self._span(meta))  # type: ignore[arg-type]

    return build


@v_args(meta=True, inline=True)
class _ToAst(Transformer_NonRecursive[Token, ast.Rubric]):
    """Builds frozen AST nodes from Lark's tree; every node gets a Span."""

    def __init__(self, source: SourceFile) -> None:
        super().__init__()
        self.file = source  # not `source`: that is the method for the `source` clause
        self.path = source.path
        self.beyond_limits: list[Diagnostic] = []

    def _span(self, meta: Any) -> Span:
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _tspan(self, token: Token) -> Span:
        return token_span(token, self.path)

    def _decimal(self, token: Token, count: bool = False) -> Decimal:
        """A number's value; 0 for one with more digits than the language allows (it is reported)."""
        problem = number_problem(token, self.file, count)
        if problem is None:
            return Decimal(str(token))
        self.beyond_limits.append(problem)
        return Decimal(0)

    def _text(self, token: Token) -> str:
        """A quoted text's value; "" for one longer than the language allows (it is reported)."""
        value = _unquote(token)
        problem = text_literal_problem(value, token, self.file)
        if problem is None:
            return value
        self.beyond_limits.append(problem)
        return ""

    # header

    def start(self, meta: Any, header: tuple[Any, ...], *statements: ast.Statement) -> ast.Rubric:
        award, edition, period, extends, clauses, metas, span, years, shared, edits = header
        return ast.Rubric(
            award=award, edition=edition, period=period, clauses=clauses, meta=metas,
            declarations=tuple(s for s in statements if not isinstance(s, (ast.RemoveDecl, ast.ChangeDecl,
                                                                               ast.PropertyDecl, ast.RankingDecl))),
            rankings=tuple(s for s in statements if isinstance(s, ast.RankingDecl)),
            extends=extends[0] if extends else None, extends_span=extends[1] if extends else None,
            properties=tuple(s for s in statements if isinstance(s, ast.PropertyDecl)),
            removals=tuple(s for s in statements if isinstance(s, ast.RemoveDecl)),
            changes=tuple(s for s in statements if isinstance(s, ast.ChangeDecl)),
            path=self.path, span=span, edition_span=years[0], period_span=years[1], shared=shared,
            text_edits=edits,
        )

    def header(self, meta: Any, award: Token, edition: Token, period: Token, extends: tuple[str, Span] | None,
               *clauses: Any) -> tuple[Any, ...]:
        header_clauses = ast.canonical_clauses(tuple(c for c in clauses if isinstance(c, ast.HeaderClause)))
        metas = tuple(c for c in clauses if isinstance(c, ast.Meta))
        edits = tuple(c for c in clauses if isinstance(c, ast.TextEdit))
        span = Span(self.path, meta.line, meta.column, award.end_line or meta.line, award.end_column or meta.column)
        years = (self._tspan(edition), self._tspan(period))
        edition_value, period_value = self._decimal(edition, count=True), self._decimal(period, count=True)
        return (self._text(award), edition_value, period_value, extends, header_clauses, metas, span, years, False,
                edits)

    def shared_header(self, meta: Any, title: Token, *metas: ast.Meta) -> tuple[Any, ...]:
        span = Span(self.path, meta.line, meta.column, title.end_line or meta.line, title.end_column or meta.column)
        return (self._text(title), Decimal(0), Decimal(0), None, (), metas, span, (span, span), True, ())

    def uses(self, meta: Any, path: Token) -> ast.HeaderClause:
        return ast.HeaderClause("uses", (self._text(path),), self._tspan(path))

    def extends_clause(self, meta: Any, path: Token) -> tuple[str, Span]:
        return (self._text(path), self._tspan(path))

    # extending and properties

    def remove_decl(self, meta: Any, kind: str, name: Token) -> ast.RemoveDecl:
        return ast.RemoveDecl(kind=kind, name=str(name), name_span=self._tspan(name), span=self._span(meta))

    def declaration_kind(self, meta: Any, keyword: Token) -> str:
        return str(keyword)

    def change_decl(self, meta: Any, kind: str, name: Token, *items: Any) -> ast.ChangeDecl:
        weights = [i for i in items if isinstance(i, tuple) and i[0] == "weight"]
        parents = [i for i in items if isinstance(i, tuple) and i[0] == "under"]
        return ast.ChangeDecl(
            kind=kind, name=str(name),
            weight=weights[-1][1] if weights else None, weight_span=weights[-1][2] if weights else None,
            parent=parents[-1][1] if parents else None, parent_span=parents[-1][2] if parents else None,
            meta=tuple(i for i in items if isinstance(i, ast.Meta)),
            points=tuple(i for i in items if isinstance(i, (ast.PointsExpr, ast.PointsBand, ast.PointsTable))),
            name_span=self._tspan(name), span=self._span(meta),
            text_edits=tuple(i for i in items if isinstance(i, ast.TextEdit)),
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

    def rank_within(self, meta: Any, within: tuple[str, str, Span]) -> tuple[str, str, Span]:
        return within

    def within_clause(self, meta: Any, name: Token) -> tuple[str, str, Span]:
        return ("within", str(name), self._tspan(name))

    def tie_rule(self, meta: Any, _: Token, rule: Token) -> tuple[str, str]:
        return ("ties", str(rule))

    def nominate_top(self, meta: Any, number: Token) -> tuple[str, Decimal, Span]:
        return ("top", self._decimal(number, count=True), self._tspan(number))

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
        return ast.HeaderClause("rounding", (str(mode), self._decimal(places, count=True)), self._span(meta))

    # free text

    def texts(self, meta: Any, *pairs: tuple[str, str, Span]) -> ast.Texts:
        return ast.Texts(tuple((lang, text) for lang, text, _ in pairs), self._span(meta),
                         tuple(s for _, _, s in pairs))

    def lang_text(self, meta: Any, lang: Token, text: Token) -> tuple[str, str, Span]:
        return (str(lang), self._text(text), self._tspan(lang))

    def remove_text(self, meta: Any, _: Token, kind: Any, old: Token | ast.Texts) -> ast.TextEdit:
        return ast.TextEdit(kind=kind, old=self._words(old), new=None, old_span=self._value_span(old),
                            span=self._span(meta))

    def replace_text(self, meta: Any, kind: Any, old: Token | ast.Texts, new: Token | ast.Texts) -> ast.TextEdit:
        words = self._words(new)
        clause = ast.Meta(kind, words, None, self._value_span(new)) if isinstance(words, ast.Texts) else ast.Meta(
            kind, None, words, self._value_span(new))
        return ast.TextEdit(kind=kind, old=self._words(old), new=clause, old_span=self._value_span(old),
                            span=self._span(meta))

    def text_kind(self, meta: Any, keyword: Token) -> str:
        return str(keyword)

    def _words(self, value: Token | ast.Texts) -> str | ast.Texts:
        return value if isinstance(value, ast.Texts) else self._text(value)

    def _value_span(self, value: Token | ast.Texts) -> Span:
        return value.span if isinstance(value, ast.Texts) else self._tspan(value)

    def _meta(self, kind: Any, meta: Any, value: Any) -> ast.Meta:
        if isinstance(value, ast.Texts):
            return ast.Meta(kind, value, None, self._span(meta))
        return ast.Meta(kind, None, self._text(value), self._span(meta))

    def label(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("label", meta, texts)

    def description(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("description", meta, texts)

    def reason(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("reason", meta, texts)

    def evidence(self, meta: Any, texts: ast.Texts) -> ast.Meta:
        return self._meta("evidence", meta, texts)

    def source(self, meta: Any, text: Token | ast.Texts) -> ast.Meta:
        return self._meta("source", meta, text)

    def assumption(self, meta: Any, text: Token | ast.Texts) -> ast.Meta:
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

    def alias_clause(self, meta: Any, *aliases: Token) -> tuple[str, ...]:
        return tuple(self._text(a) for a in aliases)

    def member(self, meta: Any, name: Token, label: ast.Texts | None, aliases: tuple[str, ...] | None
               ) -> ast.EnumMember:
        return ast.EnumMember(str(name), label, self._tspan(name), aliases or ())

    def label_clause(self, meta: Any, texts: ast.Texts) -> ast.Texts:
        return texts

    def unit(self, meta: Any, value: Token) -> ast.InputOption:
        text = self._text(value) if value.type == "STRING" else str(value)
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
        return self._decimal(number)

    def negative_number(self, meta: Any, number: Token) -> Decimal:
        return -self._decimal(number)

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
        return (self._decimal(number), self._span(meta))

    def points_expr(self, meta: Any, expr: ast.Expr) -> ast.PointsExpr:
        return ast.PointsExpr(expr, self._span(meta))

    def points_band(self, meta: Any, subject: ast.Expr, *rows: ast.BandRow) -> ast.PointsBand:
        return ast.PointsBand(subject, rows, self._span(meta))

    def points_table(self, meta: Any, policy: str | tuple[str, ast.SumLimit], *rows: ast.TableRow) -> ast.PointsTable:
        kind, limit = policy if isinstance(policy, tuple) else (policy, None)
        return ast.PointsTable(kind, rows, self._span(meta), limit)  # type: ignore[arg-type]

    def first_match(self, meta: Any) -> str:
        return "first"

    def unique_match(self, meta: Any) -> str:
        return "unique"

    def sum_of_matches(self, meta: Any) -> str:
        return "sum"

    def limited_sum_of_matches(self, meta: Any, limit: ast.SumLimit) -> tuple[str, ast.SumLimit]:
        return ("sum", limit)

    def sum_at_most(self, meta: Any, high: Decimal) -> ast.SumLimit:
        return ast.SumLimit(None, high, self._span(meta))

    def sum_between(self, meta: Any, low: Decimal, high: Decimal) -> ast.SumLimit:
        return ast.SumLimit(low, high, self._span(meta))

    def max_of_matches(self, meta: Any) -> str:
        return "max"

    def band_row(self, meta: Any, bounds: dict[str, Any], points: ast.Expr) -> ast.BandRow:
        return ast.BandRow(points=points, span=self._span(meta), **bounds)

    @staticmethod
    def _bounds(lower: Decimal | None, lower_inc: bool, upper: tuple[Decimal, bool] | None) -> dict[str, Any]:
        high, high_inc = upper if upper is not None else (None, False)
        return {"lower": lower, "lower_inclusive": lower_inc, "upper": high, "upper_inclusive": high_inc,
                "otherwise": False}

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
            advance=tuple(i[1] for i in items if isinstance(i, tuple)),
            cuts=tuple(i for i in items if isinstance(i, ast.Cut)), name_span=self._tspan(name),
            span=self._span(meta),
        )

    def advance_top(self, meta: Any, top: Token, within: tuple[str, str, Span] | None,
                    ties: tuple[str, str] | None) -> ast.Cut:
        return ast.Cut(top=self._decimal(top, count=True), top_span=self._tspan(top),
                       within=within[1] if within else None, within_span=within[2] if within else None,
                       ties=ties[1] if ties else "included", span=self._span(meta))

    # placings and groups

    def award_decl(self, meta: Any, name: Token, places: tuple[Decimal, Decimal, Span],
                   within: tuple[str, str, Span] | None, condition: ast.Expr | None, ties: tuple[str, str] | None,
                   *metas: ast.Meta) -> ast.AwardDecl:
        first, last, places_span = places
        return ast.AwardDecl(name=str(name), first=first, last=last, places_span=places_span,
                             within=within[1] if within else None, within_span=within[2] if within else None,
                             condition=condition, ties=ties[1] if ties else "included", meta=metas,
                             name_span=self._tspan(name), span=self._span(meta))

    def award_rank(self, meta: Any, rank: Token) -> tuple[Decimal, Decimal, Span]:
        value = self._decimal(rank, count=True)
        return (value, value, self._span(meta))

    def award_ranks(self, meta: Any, first: Token, last: Token) -> tuple[Decimal, Decimal, Span]:
        return (self._decimal(first, count=True), self._decimal(last, count=True), self._span(meta))

    def award_top(self, meta: Any, top: Token) -> tuple[Decimal, Decimal, Span]:
        return (Decimal(1), self._decimal(top, count=True), self._span(meta))

    def group_decl(self, meta: Any, name: Token, by: Token, *items: Any) -> ast.GroupDecl:
        return ast.GroupDecl(name=str(name), by=str(by), by_span=self._tspan(by),
                             meta=tuple(i for i in items if isinstance(i, ast.Meta)),
                             parts=tuple(i for i in items if isinstance(i, ast.GroupPart)),
                             name_span=self._tspan(name), span=self._span(meta))

    def group_part(self, meta: Any, name: Token, *rest: Any) -> ast.GroupPart:
        members = [t for t in rest if isinstance(t, Token)]
        label = rest[-1] if rest and not isinstance(rest[-1], Token) else None
        return ast.GroupPart(name=str(name), members=tuple(str(m) for m in members),
                             member_spans=tuple(self._tspan(m) for m in members), label=label,
                             span=self._span(meta))

    def advance_rule(self, meta: Any, condition: ast.Expr) -> tuple[str, ast.Expr]:
        return ("advance", condition)

    # gates and adjustments

    def gate_decl(self, meta: Any, name: Token, condition: ast.Expr,
                  action: tuple[str, Decimal | None, Decimal | None, Span], *metas: ast.Meta) -> ast.GateDecl:
        kind, cap, total, action_span = action
        return ast.GateDecl(
            name=str(name), condition=condition, action=kind, cap=cap, total=total,  # type: ignore[arg-type]
            meta=metas, name_span=self._tspan(name), action_span=action_span, span=self._span(meta),
        )

    def disqualify(self, meta: Any) -> tuple[str, None, None, Span]:
        return ("disqualify", None, None, self._span(meta))

    def disqualify_with_total(self, meta: Any, value: Decimal) -> tuple[str, None, Decimal, Span]:
        return ("disqualify", None, value, self._span(meta))

    def cap(self, meta: Any, value: Decimal) -> tuple[str, Decimal, None, Span]:
        return ("cap", value, None, self._span(meta))

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

    def if_then_else(self, meta: Any, c: ast.Expr, a: ast.Expr, b: ast.Expr) -> ast.IfThenElse:
        return ast.IfThenElse(c, a, b, self._span(meta))

    def not_(self, meta: Any, a: ast.Expr) -> ast.Unary:
        return ast.Unary("not", a, self._span(meta))

    def compare(self, meta: Any, a: ast.Expr, op: Token, b: ast.Expr) -> ast.Binary:
        return ast.Binary(str(op), a, b, self._span(meta))

    or_ = _binary_rule("or")
    and_ = _binary_rule("and")
    equal = _binary_rule("=")
    is_ = _binary_rule("is")
    is_not = _binary_rule("is not")
    in_ = _binary_rule("in")
    not_in = _binary_rule("not in")
    add = _binary_rule("+")
    sub = _binary_rule("-")
    mul = _binary_rule("*")
    div = _binary_rule("/")

    def neg(self, meta: Any, a: ast.Expr) -> ast.Expr:
        if isinstance(a, ast.Number):
            return ast.Number(-a.value, self._span(meta))
        return ast.Unary("-", a, self._span(meta))

    def number(self, meta: Any, token: Token) -> ast.Number:
        return ast.Number(self._decimal(token), self._span(meta))

    def yes(self, meta: Any) -> ast.Bool:
        return ast.Bool(True, self._span(meta))

    def no(self, meta: Any) -> ast.Bool:
        return ast.Bool(False, self._span(meta))

    def string(self, meta: Any, token: Token) -> ast.String:
        return ast.String(self._text(token), self._span(meta))

    def name(self, meta: Any, token: Token) -> ast.Name:
        return ast.Name(str(token), self._span(meta))

    def total(self, meta: Any) -> ast.Name:
        return ast.Name("total", self._span(meta))  # a keyword, so no input or let shares the name

    def set_literal(self, meta: Any, *names: Token | None) -> ast.SetLiteral:
        members = tuple(ast.Name(str(n), self._tspan(n)) for n in names if n is not None)
        return ast.SetLiteral(members, self._span(meta))

    min_ = _call_rule("min")
    max_ = _call_rule("max")
    clamp = _call_rule("clamp")
    ratio = _call_rule("ratio")
    count_of = _call_rule("count_of")

    def round_(self, meta: Any, value: ast.Expr, places: Token) -> ast.Call:
        places_number = ast.Number(self._decimal(places, count=True), self._tspan(places))
        return ast.Call("round", (value, places_number), self._span(meta))
