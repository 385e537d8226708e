"""What every section of the handbook writes with: the rubric's model in one language, its criteria as a
numbered tree, the handbook's phrases (`phrases.toml`), and the small pieces (labels, numbers, points,
rubric text).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from paritrana_rules.check.model import CriterionModel, RubricModel
from paritrana_rules.check.stages import TOTAL
from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, code
from paritrana_rules.explain.words import (
    excerpt,
    input_unit,
    label,
    load_phrases,
    member_label,
    percent,
    plain_number,
    text_of,
    yes_no,
)
from paritrana_rules.language import ast

PHRASES = load_phrases("paritrana_rules.explain.handbook", "phrases.toml")


@attrs.frozen
class Node:
    """A criterion in tree order, with its number (1, 2.1, ...), depth and share of the total."""

    model: CriterionModel
    number: str
    depth: int
    share: Decimal  # fraction of the total


class Writer:
    """A rubric's model in one language, with the lookups and the small pieces every section needs."""

    def __init__(self, model: RubricModel, lang: str) -> None:
        self.model = model
        self.lang = lang
        self.words = PHRASES[lang]
        self.inputs = {i.decl.name: i for i in model.inputs}
        self.lets = {let.decl.name: let for let in model.lets}
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

    def label(self, meta: tuple[ast.Meta, ...], name: str) -> str:
        return label(meta, name, self.lang)

    def text(self, meta: tuple[ast.Meta, ...], kind: str) -> str | None:
        return text_of(meta, kind, self.lang)

    def yes_no(self, value: bool) -> str:
        return yes_no(value, self.lang)

    def join(self, parts: list[str], word: str) -> str:
        """'a, b and c': the last two joined by the phrase `word` ('and', 'or' or 'nor')."""
        if len(parts) <= 1:
            return "".join(parts)
        return f"{', '.join(parts[:-1])} {self.words[word]} {parts[-1]}"

    def excerpt(self, node: ast.Expr) -> str:
        return excerpt(self.model, node.span)

    # ---------------------------------------------------------- numbers

    def number(self, value: Decimal) -> str:
        return plain_number(value, self.lang)

    def percent(self, fraction: Decimal) -> str:
        return percent(fraction, self.lang)

    def points(self, value: Decimal) -> str:
        if value == 1:
            return self.w("points_1")
        return self.w("points_n", n=self.number(value))

    def points_of(self, expr: ast.Expr) -> str:
        """Points a row gives: a number in words, or the formula as written."""
        if isinstance(expr, ast.Number):
            return self.points(expr.value)
        return code(self.excerpt(expr))

    def unit(self, name: str) -> str | None:
        return input_unit(self.model, name)

    def with_unit(self, shown: str, name: str | None) -> str:
        """A number or a range in words, with the unit of the input it is about: 80%, 850 juta rupiah."""
        unit = self.unit(name) if name else None
        if unit is None:
            return shown
        return shown + unit if unit == "%" else f"{shown} {unit}"

    # ---------------------------------------------------------- names of things

    def criterion_ref(self, name: str) -> str:
        """A criterion by its number and label, as the headings of its section name it: '2.1 Regulation'."""
        node = self.by_name[name]
        return f"{node.number} {self.label(node.model.decl.meta, name)}"

    def value_label(self, name: str) -> str:
        """What a name in a formula stands for: an input's or a let's label, or the provisional total."""
        if name == TOTAL:
            return self.w("provisional_total")
        if name in self.inputs:
            return self.label(self.inputs[name].decl.meta, name)
        if name in self.lets:
            return self.label(self.lets[name].decl.meta, name)
        grouping = next((g for g in self.model.groupings if g.decl.name == name), None)
        if grouping is not None:
            return self.label(grouping.decl.meta, name)
        return name

    def member(self, name: str, member: str) -> str:
        return member_label(self.model, name, member, self.lang)

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
