"""The stages of the assessment, in order: per stage, the data asked for, what is scored once it is in,
and who goes on to the next stage.
"""

from __future__ import annotations

from paritrana_rules.check.stages import stage_index
from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, items
from paritrana_rules.explain.handbook.legends import lets_legend
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast


def stages(w: Writer) -> list[Block]:
    """The funnel; nothing for a rubric without stages."""
    if not w.model.stages:
        return []
    index = stage_index(w.model)
    last = len(w.model.stages) - 1
    blocks: list[Block] = [Heading(2, w.w("s_stages")), Para(w.w("stages_intro", section=w.w("s_score")))]
    for number, stage in enumerate(w.model.stages):
        blocks.append(Heading(3, w.stage_heading(number)))
        description = w.text(stage.decl.meta, "description")
        if description:
            blocks.append(Para(description))
        arriving = [w.label(i.decl.meta, i.decl.name) for i in w.model.inputs if i.stage == number]
        blocks += _listed(w, "stage_data", "stage_no_data", arriving)
        blocks += _listed(w, "stage_scored", "stage_nothing_scored", _scored_at(w, number, index))
        blocks += _advance_rule(w, stage.advance, last=number == last)
        if stage.advance is not None and number != last and w.assumed(stage.decl.meta):
            blocks.append(Para(w.w("rule_assumed", section=w.w("s_sources"))))
    return blocks


def _listed(w: Writer, key: str, key_none: str, things: list[str]) -> list[Block]:
    if not things:
        return [Para(w.w(key_none))]
    return [Para(w.w(key)), items(things)]


def _scored_at(w: Writer, stage: int, index: dict[str, int]) -> list[str]:
    """Criteria (by number), conditions, bonuses and penalties whose derived stage is this one."""
    scored = [w.criterion_ref(n.model.decl.name) for n in w.nodes if index[f"criterion:{n.model.decl.name}"] == stage]
    scored += [w.ref(g.decl) for g in w.model.gates if index[f"gate:{g.decl.name}"] == stage]
    scored += [w.ref(a.decl) for a in w.model.adjustments if index[f"{a.decl.kind}:{a.decl.name}"] == stage]
    return scored


def _advance_rule(w: Writer, advance: ast.Expr | None, last: bool) -> list[Block]:
    if last:
        return [Para(w.w("stage_last"))]
    if advance is None:
        return [Para(w.w("stage_all_advance"))]
    return [items([w.condition_item("stage_advance", advance)]), *lets_legend(w, [advance])]
