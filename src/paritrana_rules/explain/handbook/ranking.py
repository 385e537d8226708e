"""The funnel: who is ranked, within which groups (and how a group follows from the data), how ties are broken,
how many go on at each cut and to the next round, and the placings awarded."""

from __future__ import annotations

from paritrana_rules.explain.handbook.blocks import Block, Heading, Items, Para
from paritrana_rules.explain.handbook.sources import citations
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.explain.words import pick_text


def ranking(w: Writer) -> list[Block]:
    """Nothing for a rubric that does not rank or cut."""
    rule = w.model.ranking
    if rule is None and not w.model.cuts:
        return []
    blocks: list[Block] = [Heading(2, w.w("s_rank")), *_cuts(w)]
    if rule is None:
        return [*blocks, *_groupings(w)]
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
    return [*blocks, *_awards(w), *_groupings(w)]


def _cuts(w: Writer) -> list[Block]:
    blocks: list[Block] = []
    for cut in w.model.cuts:
        stage = next(s for s in w.model.stages if s.decl.name == cut.stage)
        where = w.w("within_group", group=f"“{w.value_label(cut.within)}”") if cut.within else ""
        blocks.append(Para(w.w("cut_top", stage=w.label(stage.decl.meta, cut.stage), count=cut.top, where=where,
                               ties=w.w(f"ties_{cut.ties}"))))
    return blocks


def _awards(w: Writer) -> list[Block]:
    """Each placing: its label, the ranks it goes to, per which group, for whom, and how ties at its ends go."""
    if not w.model.awards:
        return []
    rows = []
    for award in w.model.awards:
        first, last = award.first, award.last
        places = w.w("award_rank", rank=first) if first == last else (
            w.w("award_top", count=last) if first == 1 else w.w("award_ranks", first=first, last=last))
        where = w.w("within_group", group=f"“{w.value_label(award.decl.within)}”") if award.decl.within else ""
        when = w.condition_item("award_when", award.decl.condition) if award.decl.condition else ""
        rows.append((0, w.w("award", label=w.label(award.decl.meta, award.decl.name), places=places, where=where,
                            when=when, ties=w.w(f"ties_{award.decl.ties}"))))
        rows += [(1, text) for text in citations(w, award.decl.meta)]
    return [Heading(3, w.w("s_awards")), Items(tuple(rows))]


def _groupings(w: Writer) -> list[Block]:
    """Each grouping with its parts, the members of each by their labels (a zone's provinces)."""
    blocks: list[Block] = []
    for grouping in w.model.groupings:
        members = dict(grouping.part_of)
        rows = []
        for part in grouping.decl.parts:
            names = [w.member(grouping.decl.by, m) for m in part.members if members.get(m) == part.name]
            rows.append((0, f"{pick_text(part.label, w.lang) or part.name}: {', '.join(names)}"))
        blocks += [Heading(3, w.w("group_heading", group=w.label(grouping.decl.meta, grouping.decl.name),
                                  source=w.value_label(grouping.decl.by))),
                   Items(tuple(rows)), *(Para(text) for text in citations(w, grouping.decl.meta))]
    return blocks
