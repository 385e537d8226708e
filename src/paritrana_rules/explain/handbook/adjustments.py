"""Bonuses and penalties: for each, the points it adds or takes off (a number or a formula) and when it applies."""

from __future__ import annotations

from paritrana_rules.check.model import AdjustmentModel
from paritrana_rules.explain.handbook.blocks import Block, Heading, bold, items
from paritrana_rules.explain.handbook.legends import legend, lets_legend
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast


def adjustments(w: Writer) -> list[Block]:
    parts = [_adjustment(w, adjustment) for adjustment in w.model.adjustments]
    return w.section("s_adjust", "adjust_intro", "adjust_none", parts)


def _adjustment(w: Writer, adjustment: AdjustmentModel) -> list[Block]:
    decl, amount = adjustment.decl, adjustment.amount
    if isinstance(amount, ast.Number):
        lines = [w.rule(w.w(f"{decl.kind}_amount", points=bold(w.points(amount.value))), amount.span) + "."]
    else:
        lines = [w.w(f"{decl.kind}_formula", words=w.rule(w.formula(amount)[0], amount.span))]
    if w.assumed(decl.meta):
        lines.append(w.w("amount_assumed", section=w.w("s_sources")))
    if adjustment.condition is None:
        lines.append(w.w("adjust_always"))
    else:
        lines.append(w.condition_item("adjust_when", adjustment.condition))
    description = w.text(decl.meta, "description")
    if description:
        lines.append(description)
    blocks: list[Block] = [Heading(3, w.w(decl.kind, label=w.label(decl.meta, decl.name))), items(lines)]
    if not isinstance(amount, ast.Number):
        blocks += legend(w, amount)
    if adjustment.condition is not None:
        blocks += lets_legend(w, [adjustment.condition])
    return blocks
