"""How the score is made: the scale, the steps from points to total, rounding with an example, and the
weights of the criteria tree with each one's share of the total.
"""

from __future__ import annotations

from decimal import Decimal

from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, Table, items
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.numeric import round_to


def score(w: Writer) -> list[Block]:
    low, high = (w.number(v) for v in w.model.scale)
    blocks: list[Block] = [
        Heading(2, w.w("s_score")),
        Para(w.w("score_intro", low=low, high=high)),
        Para(w.w("steps")),
        items(_steps(w, low, high), numbered=True),
        Para(_rounding(w)),
        Heading(3, w.w("weights")),
        Para(w.w("weights_intro")),
    ]
    example = _weights_example(w)
    if example:
        blocks.append(Para(example))
    rows = tuple((n.number, w.label(n.model.decl.meta, n.model.decl.name), w.percent(n.model.weight),
                  w.percent(n.share), w.w("assumption_short") if w.weight_assumed(n.model.decl.name) else "")
                 for n in w.nodes)
    header = (w.w("col_number"), w.w("col_criterion"), w.w("col_weight"), w.w("col_share"), w.w("col_basis"))
    blocks.append(Table(header, rows, right=frozenset({2, 3})))
    return blocks


def _steps(w: Writer, low: str, high: str) -> list[str]:
    """The order the total is worked out in, with only the steps this rubric has."""
    gates = w.model.gates
    steps = [w.w("step_leaf", section=w.w("s_points"))]
    if any(n.model.children for n in w.nodes):
        steps.append(w.w("step_parent"))
    steps.append(w.w("step_weighted"))
    if w.model.adjustments:
        steps.append(w.w("step_adjust", section=w.w("s_adjust")))
    if any(g.decl.action == "cap" for g in gates):
        steps.append(w.w("step_cap", section=w.w("s_gates")))
    steps.append(w.w("step_scale", low=low, high=high))
    if any(g.decl.total is not None for g in gates):
        steps.append(w.w("step_set_total", section=w.w("s_gates")))
    if any(g.decl.action == "disqualify" for g in gates):
        steps.append(w.w("step_disqualify", section=w.w("s_gates")))
    return steps


def _rounding(w: Writer) -> str:
    places = w.model.rounding_places
    where = w.w("places_0") if places == 0 else w.w("places_1") if places == 1 else w.w("places", places=places)
    a, b, c, d = _rounding_example(w)
    return w.w(f"round_{w.model.rounding_mode}", where=where, a=a, b=b, c=c, d=d)


def _rounding_example(w: Writer) -> tuple[str, str, str, str]:
    """Two values and how the rubric's rounding treats them, built for its mode and places."""
    places, mode = w.model.rounding_places, w.model.rounding_mode
    digits = "4" * places
    first = Decimal(f"2.{digits}5")
    if mode == "half_even":
        second = first + Decimal(1).scaleb(-places)  # 2.455: now the 5 follows an odd digit
    elif mode == "down":
        second = Decimal(f"2.{digits}9")
    else:
        second = Decimal(f"2.{digits}4")
    shown = [w.number(v) for v in (first, round_to(first, places, mode), second, round_to(second, places, mode))]
    return shown[0], shown[1], shown[2], shown[3]


def _weights_example(w: Writer) -> str | None:
    """What full points on one criterion add to the total: a nested one when there is one, to show the product."""
    leaves = [n for n in w.nodes if not n.model.children]
    if not leaves:
        return None
    high = w.model.scale[1]
    nested = next((n for n in leaves if n.depth > 0), None)
    if nested is None:
        node = leaves[0]
        return w.w("weights_example_flat", child=w.criterion_ref(node.model.decl.name), w=w.percent(node.model.weight),
                   high=w.number(high), add=w.number(node.share * high))
    parent = w.by_name[str(nested.model.decl.parent)]
    return w.w("weights_example", child=w.criterion_ref(nested.model.decl.name), w=w.percent(nested.model.weight),
               parent=w.criterion_ref(parent.model.decl.name), pshare=w.percent(parent.share),
               share=w.percent(nested.share), high=w.number(high), add=w.number(nested.share * high))
