"""What every section of the handbook writes with: the rubric's rules in words of one language (`Wording`),
its criteria as a numbered tree, the handbook's phrases (`phrases.toml`), and the small pieces (numbers,
points, where a rule stands in the rubric).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from paritrana_rules.check.model import CriterionModel, RubricModel
from paritrana_rules.explain.handbook.blocks import Block, Heading, Para
from paritrana_rules.explain.words import load_phrases, percent, text_of
from paritrana_rules.explain.wording import Wording
from paritrana_rules.language import ast
from paritrana_rules.source import Span

PHRASES = load_phrases("paritrana_rules.explain.handbook", "phrases.toml")


@attrs.frozen
class Node:
    """A criterion in tree order, with its number (1, 2.1, ...), depth and share of the total."""

    model: CriterionModel
    number: str
    depth: int
    share: Decimal  # fraction of the total


class Writer(Wording):
    """A rubric's model in one language, with its rules in words (`Wording`), the handbook's phrases and the
    small pieces every section needs.
    """

    def __init__(self, model: RubricModel, lang: str) -> None:
        super().__init__(model, lang)
        self.words = PHRASES[lang]
        self.criteria = {c.decl.name: c for c in model.criteria}
        self.nodes = list(self._tree())
        self.by_name = {n.model.decl.name: n for n in self.nodes}

    def _tree(self) -> Iterator[Node]:
        def walk(name: str, number: str, depth: int, share: Decimal) -> Iterator[Node]:
            criterion = self.criteria[name]
            mine = share * criterion.weight
            yield Node(criterion, number, depth, mine)
            for index, child in enumerate(criterion.children, 1):
                yield from walk(child, f"{number}.{index}", depth + 1, mine)

        for index, root in enumerate(self.model.roots, 1):
            yield from walk(root, str(index), 0, Decimal(1))

    # ---------------------------------------------------------- words

    def w(self, key: str, **values: object) -> str:
        """A phrase of the handbook with its {names} filled in."""
        return self.words[key].format(**values)

    def text(self, meta: tuple[ast.Meta, ...], kind: str) -> str | None:
        return text_of(meta, kind, self.lang)

    def assumed(self, meta: tuple[ast.Meta, ...]) -> bool:
        """Whether a declaration rests on an `assumption` line: then the numbers it sets are the committee's."""
        return any(m.kind == "assumption" for m in meta)

    def weight_assumed(self, name: str) -> bool:
        """Whether a criterion's weight rests on an assumption: one on it, on a criterion above it, or on the
        rubric as a whole (where the rubrics say that their weights are the committee's).
        """
        decl = self.criteria[name].decl
        if self.assumed(decl.meta):
            return True
        return self.weight_assumed(decl.parent) if decl.parent else self.assumed(self.model.rubric.meta)

    def mark(self, assumed: bool) -> str:
        """' (the committee's assumption; see ...)' after a number that rests on an assumption, else nothing."""
        return self.w("assumed", section=self.w("s_sources")) if assumed else ""

    def rule(self, said: str, span: Span) -> str:
        """A rule in words with where it stands in the rubric beside it: '... (baris 212)'."""
        return f"{said} ({self.at(span)})"

    def condition_item(self, key: str, expr: ast.Expr) -> str:
        """A phrase about a condition, the condition in words with its rubric line."""
        return self.w(key, condition=self.rule(self.condition(expr), expr.span))

    # ---------------------------------------------------------- numbers

    def percent(self, fraction: Decimal) -> str:
        return percent(fraction, self.lang)

    def points(self, value: Decimal) -> str:
        if value == 1:
            return self.w("points_1")
        return self.w("points_n", n=self.number(value))

    def points_of(self, expr: ast.Expr) -> str:
        """Points a row gives: '10 points', or the formula in words."""
        if isinstance(expr, ast.Number):
            return self.points(expr.value)
        return self.formula(expr)[0]

    # ---------------------------------------------------------- names of things

    def criterion_ref(self, name: str) -> str:
        """A criterion by its number and label, as the headings of its section name it: '2.1 Regulation'."""
        node = self.by_name[name]
        return f"{node.number} {self.label(node.model.decl.meta, name)}"

    def ref(self, decl: ast.GateDecl | ast.AdjustmentDecl) -> str:
        """A gate, bonus or penalty as a list of where things happen names it: 'condition “...”'."""
        kind = "gate" if isinstance(decl, ast.GateDecl) else decl.kind
        return self.w(f"ref_{kind}", label=self.label(decl.meta, decl.name))

    def stage_heading(self, index: int) -> str:
        """'Stage 2: Verification', for the stage at `index` of the rubric's stages."""
        decl = self.model.stages[index].decl
        return self.w("stage_heading", number=index + 1, label=self.label(decl.meta, decl.name))

    # ---------------------------------------------------------- sections

    def section(self, title: str, intro: str, empty: str, parts: list[list[Block]]) -> list[Block]:
        """A section of one part for each thing of a kind (gates, bonuses...), or a line saying there are none."""
        if not parts:
            return [Heading(2, self.w(title)), Para(self.w(empty))]
        return [Heading(2, self.w(title)), Para(self.w(intro)), *(block for part in parts for block in part)]
