"""How points are given: per criterion, its weight and share, then its sub-criteria or how its points are
earned (bands as tables of ranges, decision tables as rows with the hit policy in words, formulas).
"""

from __future__ import annotations

from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, Table, bold, code, items
from paritrana_rules.explain.handbook.formulas import condition
from paritrana_rules.explain.handbook.legends import formula_blocks, legend, let_blocks, lets_legend
from paritrana_rules.explain.handbook.ranges import band_row
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
        blocks.append(Para(w.w("weight_root", w=w.percent(node.model.weight))))
    else:
        blocks.append(Para(w.w("weight_child", w=w.percent(node.model.weight), parent=w.criterion_ref(decl.parent),
                               share=w.percent(node.share))))
    description = w.text(decl.meta, "description")
    if description:
        blocks.append(Para(description))
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
    subject = band.subject
    name = subject.id if isinstance(subject, ast.Name) else None
    title = w.value_label(name) if name is not None else code(w.excerpt(subject))
    blocks: list[Block] = [Para(w.w("band_intro", subject=bold(title) if name else title))]
    unit = w.unit(name) if name else None
    column = f"{title} ({unit})" if unit and name else title
    rows = tuple((band_row(w, row), w.number(row.points.value) if isinstance(row.points, ast.Number)
                  else code(w.excerpt(row.points))) for row in band.rows)
    blocks.append(Table((column, w.w("col_points")), rows, right=frozenset({1})))
    if name is not None and name in w.lets:
        blocks += let_blocks(w, name)
    elif name is None:
        blocks += legend(w, subject, functions=True)
    return blocks


def _table(w: Writer, table: ast.PointsTable) -> list[Block]:
    policy = w.w(f"policy_{table.policy}")
    if table.policy in ("sum", "max") and all(r.condition is not None for r in table.rows):
        policy += " " + w.w("policy_zero")
    rows = [_table_row(w, table.policy, row) for row in table.rows]
    conditions = [row.condition for row in table.rows if row.condition is not None]
    return [Para(f"{w.w('table_intro')} {policy}"), items(rows), *lets_legend(w, conditions)]


def _table_row(w: Writer, policy: ast.HitPolicy, row: ast.TableRow) -> str:
    """'if <condition in words> → 10 points — in the rubric: <condition>', or the rubric's text alone."""
    points = bold(w.points_of(row.points))
    if row.condition is None:
        return w.w("row_otherwise" if policy in ("first", "unique") else "row_none", points=points)
    written = code(w.excerpt(row.condition))
    words = condition(w, row.condition)
    if words is None:
        return w.w("row", condition=written, points=points)
    return w.w("row_written", row=w.w("row", condition=words, points=points), code=written)


def _formula_points(w: Writer, expr: ast.Expr) -> list[Block]:
    if isinstance(expr, ast.Name):
        blocks: list[Block] = [Para(w.w("points_name", label=bold(w.value_label(expr.id))))]
        if expr.id in w.lets:
            blocks += let_blocks(w, expr.id)
        return blocks
    if isinstance(expr, ast.IfThenElse):
        test = condition(w, expr.condition)
        if test is not None and isinstance(expr.then, ast.Number) and isinstance(expr.otherwise, ast.Number):
            return [
                Para(_capitalise(w.w("points_if", then=w.points(expr.then.value), condition=test,
                                     otherwise=w.points(expr.otherwise.value)))),
                Para(w.w("as_written", code=code(w.excerpt(expr)))),
            ]
    return formula_blocks(w, expr, "points_words")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
