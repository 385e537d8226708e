"""Bonuses and penalties: for each, the points it adds or takes off (a number or a formula) and when it applies."""

from __future__ import annotations

from paritrana_rules.check.model import AdjustmentModel
from paritrana_rules.explain.handbook.blocks import Block, Heading, bold, code, items
from paritrana_rules.explain.handbook.formulas import condition_items, formula
from paritrana_rules.explain.handbook.legends import legend, lets_legend
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast


def adjustments(w: Writer) -> list[Block]:
    parts = [_adjustment(w, adjustment) for adjustment in w.model.adjustments]
    return w.section("s_adjust", "adjust_intro", "adjust_none", parts)


def _adjustment(w: Writer, adjustment: AdjustmentModel) -> list[Block]:
    decl, amount = adjustment.decl, adjustment.amount
    said_amount = None if isinstance(amount, ast.Number) else formula(w, amount)
    if said_amount is None:
        lines = [w.w(f"{decl.kind}_amount", points=bold(w.points_of(amount)))]
    else:
        lines = [w.w(f"{decl.kind}_formula", words=said_amount[0]), w.w("as_written", code=code(w.excerpt(amount)))]
    if adjustment.condition is None:
        lines.append(w.w("adjust_always"))
    else:
        lines += condition_items(w, "adjust_when", adjustment.condition)
    description = w.text(decl.meta, "description")
    if description:
        lines.append(description)
    blocks: list[Block] = [Heading(3, w.w(decl.kind, label=w.label(decl.meta, decl.name))), items(lines)]
    if not isinstance(amount, ast.Number):
        blocks += legend(w, amount, functions=said_amount is None)
    if adjustment.condition is not None:
        blocks += lets_legend(w, [adjustment.condition])
    return blocks
