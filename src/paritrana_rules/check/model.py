"""The checked rubric: what `check.py` hands to `compile.py`.

Names are resolved (a `Name` that means a value of a one-of or set-of input
has become a `Member`), lets are in dependency order and the criteria tree is
known. The AST declarations are kept alongside for their labels, sources and
spans, which explanations and handbooks need.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import attrs

from paritrana_rules.language import ast
from paritrana_rules.data import InputSpec
from paritrana_rules.check.intervals import Interval
from paritrana_rules.source import SourceFile


@attrs.frozen
class ValueType:
    """The type of an expression: a number, yes/no, a value or set of values of an input's members, or text."""

    kind: Literal["number", "bool", "enum", "set", "text", "unknown"]
    members: tuple[str, ...] = ()

    def describe(self, lang: str = "en") -> str:
        """The type in words of `lang` ("en" or "id"), for messages."""
        listed = ", ".join(self.members)
        if lang == "id":
            return {"enum": f"salah satu dari {{{listed}}}", "set": f"kumpulan nilai dari {{{listed}}}",
                    "number": "angka", "bool": "ya/tidak", "text": "teks", "unknown": "tidak diketahui"}[self.kind]
        return {"enum": f"one of {{{listed}}}", "set": f"a set of {{{listed}}}",
                "number": "a number", "bool": "yes/no", "text": "text", "unknown": "unknown"}[self.kind]


NUMBER = ValueType("number")
BOOL = ValueType("bool")
TEXT = ValueType("text")
UNKNOWN = ValueType("unknown")


def texts(meta: tuple[ast.Meta, ...], kind: str) -> ast.Texts | None:
    """The first label/description/reason/evidence clause of a declaration."""
    return next((m.texts for m in meta if m.kind == kind), None)


def points_exprs(points: ast.Points) -> list[ast.Expr]:
    """Every expression a points clause evaluates: a formula; a band's subject and row points; a table's rows."""
    if isinstance(points, ast.PointsExpr):
        return [points.expr]
    if isinstance(points, ast.PointsBand):
        return [points.subject, *(r.points for r in points.rows)]
    return [e for r in points.rows for e in (r.condition, r.points) if e is not None]


@attrs.frozen
class InputModel:
    spec: InputSpec
    decl: ast.InputDecl
    type: ValueType
    interval: Interval | None
    stage: int = 0  # index into RubricModel.stages of the stage it arrives at; 0 when none are declared


@attrs.frozen
class LetModel:
    decl: ast.LetDecl
    expr: ast.Expr
    type: ValueType
    interval: Interval | None


@attrs.frozen
class CriterionModel:
    decl: ast.CriterionDecl
    weight: Decimal  # as a fraction: 25% -> 0.25
    children: tuple[str, ...]
    points: ast.Points | None  # resolved; None for a parent


@attrs.frozen
class GateModel:
    decl: ast.GateDecl
    condition: ast.Expr


@attrs.frozen
class AdjustmentModel:
    decl: ast.AdjustmentDecl
    amount: ast.Expr
    condition: ast.Expr | None


@attrs.frozen
class StageModel:
    decl: ast.StageDecl
    advance: ast.Expr | None  # resolved; None: every candidate goes on to the next stage


@attrs.frozen
class GroupingModel:
    """`group zona by provinsi`: the part each member of the input belongs to."""

    decl: ast.GroupDecl
    part_of: tuple[tuple[str, str], ...]  # (member, part), in the input's member order


@attrs.frozen
class CutModel:
    """`advance top N` at a stage: the best N by the provisional total there go on to the next stage."""

    stage: str
    index: int  # of the stage
    top: int
    within: str | None
    ties: str  # "included" or "excluded"


@attrs.frozen
class AwardModel:
    decl: ast.AwardDecl
    first: int
    last: int
    condition: ast.Expr | None  # resolved


@attrs.frozen(kw_only=True)
class RubricModel:
    rubric: ast.Rubric
    source: SourceFile  # the file that was loaded
    sources: dict[str, SourceFile]  # it and every file it extends, by path
    category: str
    sector: str | None
    round: str | None = None  # the round it scores (provinsi, nasional); None: the rubric is not split by round
    scale: tuple[Decimal, Decimal]
    rounding_mode: str
    rounding_places: int
    inputs: tuple[InputModel, ...]
    lets: tuple[LetModel, ...]
    criteria: tuple[CriterionModel, ...]
    roots: tuple[str, ...]
    gates: tuple[GateModel, ...]
    adjustments: tuple[AdjustmentModel, ...]
    properties: tuple[ast.PropertyDecl, ...]
    ranking: ast.RankingDecl | None
    stages: tuple[StageModel, ...] = ()  # in order; empty when the rubric declares none (one implicit stage)
    groupings: tuple[GroupingModel, ...] = ()
    cuts: tuple[CutModel, ...] = ()  # in stage order
    awards: tuple[AwardModel, ...] = ()
