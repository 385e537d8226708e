"""How points are given: per criterion, its weight and share, then its sub-criteria or how its points are
earned (bands as tables of ranges, decision tables as rows with the hit policy in words, formulas).
"""

from __future__ import annotations

from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, Table, bold, items
from paritrana_rules.explain.handbook.legends import formula_blocks, legend, let_blocks, lets_legend
from paritrana_rules.explain.handbook.writer import Node, Writer
from paritrana_rules.language import ast


def points_section(w: Writer) -> list[Block]:
    low, high = (w.number(v) for v in w.model.scale)
    blocks: list[Block] = [
        Heading(2, w.w("s_points")),
        Para(w.w("points_intro", low=low, high=high, section=w.w("s_inputs"))),
    ]
    for node in w.nodes:
        blocks += _criterion(w, node)
    return blocks


def _criterion(w: Writer, node: Node) -> list[Block]:
    decl = node.model.decl
    blocks: list[Block] = [Heading(min(3 + node.depth, 6), w.criterion_ref(decl.name))]
    if decl.parent is None:
        blocks.append(Para(w.w("weight_root", w=w.percent(node.model.weight),
                               assumed=w.mark(w.weight_assumed(decl.name)))))
    else:
        blocks.append(Para(w.w("weight_child", w=w.percent(node.model.weight), parent=w.criterion_ref(decl.parent),
                               share=w.percent(node.share), assumed=w.mark(w.weight_assumed(decl.name)))))
    description = w.text(decl.meta, "description")
    if description:
        blocks.append(Para(description))
    if node.model.points is not None and w.assumed(decl.meta):
        blocks.append(Para(w.w("points_assumed", section=w.w("s_sources"))))
    if node.model.children:
        terms = [w.w("parent_term", w=w.percent(w.criteria[c].weight), child=w.criterion_ref(c))
                 for c in node.model.children]
        return [*blocks, Para(w.w("parent_sum")), items(terms)]
    points = node.model.points
    assert points is not None
    if isinstance(points, ast.PointsBand):
        return blocks + _band(w, points)
    if isinstance(points, ast.PointsTable):
        return blocks + _table(w, points)
    return blocks + _formula_points(w, points.expr)


def _band(w: Writer, band: ast.PointsBand) -> list[Block]:
    title, name = w.band_subject(band)
    blocks: list[Block] = [Para(w.w("band_intro", subject=bold(title)))]
    unit = w.unit(name) if name else None
    column = f"{title} ({unit})" if unit else title
    rows = tuple((w.band_row(row), w.formula(row.points)[0], w.at(row.span)) for row in band.rows)
    blocks.append(Table((column, w.w("col_points"), w.w("col_line")), rows, right=frozenset({1})))
    if name is not None and name in w.lets:
        blocks += let_blocks(w, name)
    elif name is None:
        blocks += legend(w, band.subject)
    return blocks


def _table(w: Writer, table: ast.PointsTable) -> list[Block]:
    policy, limit = w.w(f"policy_{table.policy}"), table.limit
    raised = limit is not None and limit.low is not None and limit.low > 0  # no row holding gives the lower limit
    if table.policy in ("sum", "max") and all(r.condition is not None for r in table.rows) and not raised:
        policy += " " + w.w("policy_zero")
    if limit is not None and limit.low is None:
        policy += " " + w.w("policy_sum_at_most", high=w.number(limit.high))
    elif limit is not None and limit.low is not None:
        policy += " " + w.w("policy_sum_between", low=w.number(limit.low), high=w.number(limit.high))
    rows = [_table_row(w, table.policy, row) for row in table.rows]
    conditions = [row.condition for row in table.rows if row.condition is not None]
    return [Para(f"{w.w('table_intro')} {policy}"), items(rows), *lets_legend(w, conditions)]


def _table_row(w: Writer, policy: ast.HitPolicy, row: ast.TableRow) -> str:
    """'if <condition in words> → 10 points (line 220)'."""
    points = bold(w.points_of(row.points))
    if row.condition is None:
        said = w.w("row_otherwise" if policy in ("first", "unique") else "row_none", points=points)
    else:
        said = w.w("row", condition=w.condition(row.condition), points=points)
    return w.rule(said, row.span)


def _formula_points(w: Writer, expr: ast.Expr) -> list[Block]:
    if isinstance(expr, ast.Name):
        blocks: list[Block] = [Para(w.w("points_name", label=bold(w.value_label(expr.id))))]
        if expr.id in w.lets:
            blocks += let_blocks(w, expr.id)
        return blocks
    if isinstance(expr, ast.IfThenElse) and isinstance(expr.then, ast.Number) and isinstance(expr.otherwise,
                                                                                          ast.Number):
        said = w.w("points_if", then=w.points(expr.then.value), condition=w.condition(expr.condition),
                   otherwise=w.points(expr.otherwise.value))
        return [Para(_capitalise(w.rule(said, expr.span)) + ".")]
    return formula_blocks(w, expr, "points_words")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
