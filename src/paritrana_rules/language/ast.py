"""The rubric's abstract syntax tree: frozen attrs nodes, built by `tree_to_ast.py`.

Nodes hold what was written and where (`span`); equality ignores spans, so two
rubrics that say the same thing compare equal whatever their layout. No logic
lives here beyond tiny helpers: checking is `check.py`, meaning is `compile.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import attrs

from paritrana_rules.source import Span

# Field metadata: a field the language gained after rubrics were first hashed; left out of the content hash
# while it holds its default (see `identity.canonical_form`).
ADDED_LATER = "added_later"


def _position() -> Span:
    """A span field: kept for messages, ignored by equality."""
    return attrs.field(eq=False, repr=False)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ free text


@attrs.frozen
class Texts:
    """Text given per language, e.g. label id "Regulasi" en "Regulation"."""

    by_lang: tuple[tuple[str, str], ...]
    span: Span = _position()
    lang_spans: tuple[Span, ...] = attrs.field(eq=False, repr=False, default=())  # where each language code is

    def get(self, lang: str) -> str | None:
        return dict(self.by_lang).get(lang)


TextKind = Literal["label", "description", "reason", "evidence", "source", "assumption"]


@attrs.frozen
class Meta:
    """A label, description, reason, evidence, source or assumption clause."""

    kind: TextKind
    texts: Texts | None  # per language: always for labels, descriptions, reasons and evidence
    text: str | None  # a source or assumption written as one text for every reader
    span: Span = _position()

    def words(self) -> tuple[str, ...]:
        """What the clause says: its one text, or each language's."""
        if self.texts is not None:
            return tuple(text for _, text in self.texts.by_lang)
        return (self.text,) if self.text is not None else ()


@attrs.frozen(kw_only=True)
class TextEdit:
    """`remove assumption "..."` or `replace evidence "..." with id "..." en "..."`, in a rubric that extends another.

    `old` names the inherited clause by its words: a plain text matches a source or
    assumption with those words, or a per-language text with them in any language;
    `id "..." en "..."` must match each language it names. `new` is the clause that
    takes its place (None removes it).
    """

    kind: TextKind
    old: Texts | str
    new: Meta | None
    old_span: Span = _position()
    span: Span = _position()

    @property
    def verb(self) -> str:
        return "remove" if self.new is None else "replace"


# ------------------------------------------------------------------ expressions


@attrs.frozen
class Number:
    value: Decimal
    span: Span = _position()


@attrs.frozen
class Bool:
    value: bool
    span: Span = _position()


@attrs.frozen
class String:
    value: str
    span: Span = _position()


@attrs.frozen
class Name:
    """A reference to an input or a `let`; the checker may resolve it to a `Member`."""

    id: str
    span: Span = _position()


@attrs.frozen
class Member:
    """A value of a one-of or set-of input, e.g. `kepala_desa`. Made by the checker."""

    id: str
    span: Span = _position()


@attrs.frozen
class SetLiteral:
    members: tuple[Name, ...]
    span: Span = _position()


@attrs.frozen
class Unary:
    op: Literal["-", "not"]
    operand: Expr
    span: Span = _position()


@attrs.frozen
class Binary:
    """Arithmetic (+ - * /), logic (and, or), comparison (= != < <= > >= is, is not) and membership (in, not in)."""

    op: str
    left: Expr
    right: Expr
    span: Span = _position()


@attrs.frozen
class IfThenElse:
    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span = _position()


@attrs.frozen
class Call:
    """A built-in: min, max, clamp, round, ratio (args: numerator, denominator, value if zero), count_of."""

    func: Literal["min", "max", "clamp", "round", "ratio", "count_of"]
    args: tuple[Expr, ...]
    span: Span = _position()


Expr = Number | Bool | String | Name | Member | SetLiteral | Unary | Binary | IfThenElse | Call


# ------------------------------------------------------------------ inputs


@attrs.frozen
class EnumMember:
    name: str
    label: Texts | None
    span: Span = _position()
    # other spellings a data file may use for it (`alias "Jatim"`)
    aliases: tuple[str, ...] = attrs.field(default=(), metadata={ADDED_LATER: True})


@attrs.frozen
class InputType:
    """number, count, yes/no, one of {...}, set of {...}, text, or panel of number (jurors' scores)."""

    kind: Literal["number", "count", "bool", "one_of", "set_of", "text", "panel"]
    members: tuple[EnumMember, ...]
    span: Span = _position()


@attrs.frozen
class InputOption:
    """unit, between, at least, at most, default, aggregate or `from stage NAME` (kind "stage"), as written."""

    kind: Literal["unit", "between", "at_least", "at_most", "default", "aggregate", "stage"]
    values: tuple[object, ...]
    span: Span = _position()


@attrs.frozen(kw_only=True)
class InputDecl:
    name: str
    type: InputType
    options: tuple[InputOption, ...]
    meta: tuple[Meta, ...]
    name_span: Span = _position()
    span: Span = _position()


@attrs.frozen(kw_only=True)
class LetDecl:
    name: str
    expr: Expr
    meta: tuple[Meta, ...]
    name_span: Span = _position()
    span: Span = _position()


# ------------------------------------------------------------------ criteria


@attrs.frozen
class PointsExpr:
    expr: Expr
    span: Span = _position()


@attrs.frozen(kw_only=True)
class BandRow:
    """One band: lower/upper bound (None = unbounded) with inclusivity, or `otherwise`."""

    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool
    otherwise: bool
    points: Expr
    span: Span = _position()


@attrs.frozen
class PointsBand:
    subject: Expr
    rows: tuple[BandRow, ...]
    span: Span = _position()


HitPolicy = Literal["first", "unique", "sum", "max"]


@attrs.frozen
class TableRow:
    condition: Expr | None  # None for `otherwise`
    points: Expr
    span: Span = _position()


@attrs.frozen
class SumLimit:
    """The range a `sum of matches` table's sum is kept in: `at most HIGH` (low None) or `between LOW and HIGH`."""

    low: Decimal | None
    high: Decimal
    span: Span = _position()


@attrs.frozen
class PointsTable:
    policy: HitPolicy
    rows: tuple[TableRow, ...]
    span: Span = _position()
    limit: SumLimit | None = attrs.field(default=None, metadata={ADDED_LATER: True})  # only for "sum"


Points = PointsExpr | PointsBand | PointsTable


@attrs.frozen(kw_only=True)
class CriterionDecl:
    name: str
    parent: str | None
    weight: Decimal  # percent, e.g. Decimal("25") for 25%
    meta: tuple[Meta, ...]
    points: tuple[Points, ...]  # zero for a parent, one for a leaf; more is an error
    name_span: Span = _position()
    parent_span: Span | None = _position()
    weight_span: Span = _position()
    span: Span = _position()


# ------------------------------------------------------------------ gates and adjustments


@attrs.frozen(kw_only=True)
class GateDecl:
    name: str
    condition: Expr
    action: Literal["disqualify", "cap"]
    cap: Decimal | None
    meta: tuple[Meta, ...]
    total: Decimal | None = attrs.field(default=None, metadata={ADDED_LATER: True})  # disqualify with total N
    name_span: Span = _position()
    action_span: Span = _position()
    span: Span = _position()


@attrs.frozen(kw_only=True)
class AdjustmentDecl:
    kind: Literal["bonus", "penalty"]
    name: str
    amount: Expr
    condition: Expr | None
    meta: tuple[Meta, ...]
    name_span: Span = _position()
    span: Span = _position()


# ------------------------------------------------------------------ stages


@attrs.frozen(kw_only=True)
class StageDecl:
    """`stage NAME`: one step of the assessment funnel, in declaration order.

    `advance` is the condition for going on to the next stage (None: everyone
    goes on); it may read `total`, parsed as the name `total` (a keyword, so
    never an input's name), which evaluation binds to the provisional total.
    """

    name: str
    meta: tuple[Meta, ...]
    advance: tuple[Expr, ...]  # as written: one at most once checked
    # `advance top N`, as written: one at most once checked
    cuts: tuple[Cut, ...] = attrs.field(default=(), metadata={ADDED_LATER: True})
    name_span: Span = _position()
    span: Span = _position()


@attrs.frozen(kw_only=True)
class Cut:
    """`advance top N [within GROUP] [ties excluded]`: only the best N by the provisional total go on."""

    top: Decimal
    top_span: Span = attrs.field(eq=False, repr=False)
    within: str | None
    within_span: Span | None = attrs.field(eq=False, repr=False)
    ties: str  # "included": all who share the last place go on; "excluded": none of them do
    span: Span = _position()


# ------------------------------------------------------------------ placings and groups


@attrs.frozen(kw_only=True)
class AwardDecl:
    """`award NAME to rank N | ranks A to B | top N [within GROUP] [when COND] [ties ...]`: a named placing."""

    name: str
    first: Decimal  # the ranks it is given to, first..last (top N: 1..N)
    last: Decimal
    places_span: Span = attrs.field(eq=False, repr=False)
    within: str | None
    within_span: Span | None = attrs.field(eq=False, repr=False)
    condition: Expr | None  # only candidates for whom it holds are ranked for this placing
    ties: str
    meta: tuple[Meta, ...]
    name_span: Span = _position()
    span: Span = _position()


@attrs.frozen(kw_only=True)
class GroupPart:
    name: str
    members: tuple[str, ...]
    member_spans: tuple[Span, ...] = attrs.field(eq=False, repr=False)
    label: Texts | None
    span: Span = _position()


@attrs.frozen(kw_only=True)
class GroupDecl:
    """`group zona by provinsi`: each member of a one-of input belongs to one part; derived, never typed."""

    name: str
    by: str
    by_span: Span = attrs.field(eq=False, repr=False)
    meta: tuple[Meta, ...]
    parts: tuple[GroupPart, ...]
    name_span: Span = _position()
    span: Span = _position()


# ------------------------------------------------------------------ extending and properties


@attrs.frozen(kw_only=True)
class RemoveDecl:
    """`remove criterion NAME`: drop an inherited declaration (only in a rubric that extends another)."""

    kind: str  # input, let, criterion, gate, bonus, penalty or stage
    name: str
    name_span: Span = _position()
    span: Span = _position()


@attrs.frozen(kw_only=True)
class ChangeDecl:
    """`change criterion NAME ...`: replace some parts of an inherited declaration, keep the rest.

    Any declaration can change its texts (label, description, reason, evidence, sources), and
    remove or replace inherited ones (`text_edits`); a criterion can also change its weight, parent and points.
    """

    kind: str
    name: str
    weight: Decimal | None
    weight_span: Span | None = attrs.field(eq=False, repr=False)
    parent: str | None
    parent_span: Span | None = attrs.field(eq=False, repr=False)
    meta: tuple[Meta, ...]
    points: tuple[Points, ...]
    name_span: Span = _position()
    span: Span = _position()
    # inherited texts removed or replaced, in order
    text_edits: tuple[TextEdit, ...] = attrs.field(default=(), metadata={ADDED_LATER: True})


@attrs.frozen(kw_only=True)
class PropertyDecl:
    """A belief the committee holds, checked by `paritrana-rules test` on generated inputs.

    `monotone`: the subject (the total or a criterion) never decreases when the input rises.
    `bounded`: the subject stays within the scale.
    """

    kind: Literal["monotone", "bounded"]
    subject: str  # "total" or a criterion's name
    input: str | None
    subject_span: Span = _position()
    input_span: Span | None = attrs.field(eq=False, repr=False)
    span: Span = _position()

    @property
    def name(self) -> str:
        """The property as the rubric states it."""
        if self.kind == "monotone":
            return f"{self.subject} never decreases when {self.input} rises"
        return f"{self.subject} stays within the scale"


@attrs.frozen(kw_only=True)
class RankingDecl:
    """`rank candidates by total, then C1 ... within GROUP nominate top N`."""

    keys: tuple[str, ...]  # "total" or criterion names, highest first
    key_spans: tuple[Span, ...] = attrs.field(eq=False, repr=False)
    within: str | None
    within_span: Span | None = attrs.field(eq=False, repr=False)
    nominate: Decimal | None
    nominate_span: Span | None = attrs.field(eq=False, repr=False)
    span: Span = _position()


Declaration = InputDecl | LetDecl | CriterionDecl | GateDecl | AdjustmentDecl | StageDecl | AwardDecl | GroupDecl
Statement = Declaration | RemoveDecl | ChangeDecl | PropertyDecl | RankingDecl


# ------------------------------------------------------------------ the rubric


@attrs.frozen
class HeaderClause:
    """category, sector, round, scale, rounding: a keyword and its values, as written."""

    kind: Literal["category", "sector", "round", "scale", "rounding", "uses"]
    values: tuple[object, ...]
    span: Span = _position()


def canonical_clauses(clauses: tuple[HeaderClause, ...]) -> tuple[HeaderClause, ...]:
    """The clauses with any `round` moved right after the last `category` or `sector`, as `fmt` lays them out.

    Only the order of clauses of one kind means anything (the first counts, the
    others are reported as repeated), so this keeps the meaning and lets a
    rubric and its formatted text parse to equal trees.
    """
    rounds = tuple(c for c in clauses if c.kind == "round")
    others = tuple(c for c in clauses if c.kind != "round")
    anchor = max((i for i, c in enumerate(others) if c.kind in ("category", "sector")), default=None)
    if anchor is None or not rounds:
        return clauses
    return (*others[: anchor + 1], *rounds, *others[anchor + 1 :])


@attrs.frozen(kw_only=True)
class Rubric:
    award: str
    edition: Decimal
    period: Decimal
    clauses: tuple[HeaderClause, ...]
    meta: tuple[Meta, ...]
    declarations: tuple[Declaration, ...]
    extends: str | None = None  # as written; the merged rubric keeps it for reference
    # a shared file (`shared "..."`): declarations for rubrics to take with `uses`
    shared: bool = attrs.field(default=False, metadata={ADDED_LATER: True})
    properties: tuple[PropertyDecl, ...] = ()
    rankings: tuple[RankingDecl, ...] = ()  # at most one once checked
    removals: tuple[RemoveDecl, ...] = ()  # consumed when merging; left only in an unmerged rubric
    changes: tuple[ChangeDecl, ...] = ()
    # the rubric's own inherited texts removed or replaced (header lines); consumed when merging, like `changes`
    text_edits: tuple[TextEdit, ...] = attrs.field(default=(), metadata={ADDED_LATER: True})
    path: str = attrs.field(eq=False)
    span: Span = _position()
    edition_span: Span = _position()
    period_span: Span = _position()
    extends_span: Span | None = attrs.field(eq=False, repr=False, default=None)
