"""Ranking and nomination: who is ranked, within which groups, how ties are broken, and how many go on."""

from __future__ import annotations

from paritrana_rules.explain.handbook.blocks import Block, Heading, Para
from paritrana_rules.explain.handbook.writer import Writer


def ranking(w: Writer) -> list[Block]:
    """Nothing for a rubric that does not rank."""
    rule = w.model.ranking
    if rule is None:
        return []
    blocks: list[Block] = [Heading(2, w.w("s_rank"))]
    if rule.within:
        blocks.append(Para(w.w("rank_order_within", group=f"“{w.value_label(rule.within)}”")))
    else:
        blocks.append(Para(w.w("rank_order")))
    criteria = {c.decl.name: c.decl for c in w.model.criteria}
    tie_breaks = [w.label(criteria[k].meta, k) for k in rule.keys[1:] if k in criteria]
    blocks.append(Para(w.w("rank_ties", keys="; ".join(tie_breaks)) if tie_breaks else w.w("rank_no_ties")))
    if rule.nominate is not None:
        key = "rank_nominate" if rule.within else "rank_nominate_all"
        blocks.append(Para(w.w(key, count=w.number(rule.nominate))))
    return blocks
