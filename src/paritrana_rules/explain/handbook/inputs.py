"""The data to prepare: for each input, its code, what to fill in, when it is asked for, whether it may be
left out, the evidence that proves it, and where it counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from paritrana_rules.check.model import InputModel, points_exprs
from paritrana_rules.explain.handbook.blocks import Block, Heading, Items, Para, bold, code
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read


def inputs(w: Writer) -> list[Block]:
    uses = _uses(w)
    blocks: list[Block] = [Heading(2, w.w("s_inputs")), Para(w.w("inputs_intro"))]
    for item in w.model.inputs:
        blocks += [Heading(3, w.label(item.decl.meta, item.decl.name)), Items(tuple(_facts(w, item, uses)))]
    return blocks


def _facts(w: Writer, item: InputModel, uses: dict[str, list[str]]) -> list[tuple[int, str]]:
    decl, spec = item.decl, item.spec
    facts = [(0, w.w("input_code", code=code(decl.name))), (0, w.w("input_type", type=_type_words(w, item)))]
    facts += [(1, w.w("option", label=w.member(decl.name, m.name), code=code(m.name))) for m in decl.type.members]
    if w.model.stages:
        facts.append((0, w.w("input_stage", stage=w.stage_heading(item.stage))))
    description = w.text(decl.meta, "description")
    if description:
        facts.append((0, w.w("input_note", text=description)))
    if spec.has_default:
        facts.append((0, w.w("input_default", value=_default_words(w, item))))
    else:
        facts.append((0, w.w("input_required")))
    evidence = w.text(decl.meta, "evidence")
    if evidence:
        facts.append((0, w.w("input_evidence", text=evidence)))
    elif spec.kind != "text":
        facts.append((0, w.w("input_no_evidence")))
    used = uses.get(decl.name, [])
    facts.append((0, w.w("input_used", uses="; ".join(used)) if used else w.w("input_unused")))
    return facts


def _type_words(w: Writer, item: InputModel) -> str:
    """What to fill in: the kind of value, then for numbers their unit and bounds."""
    spec = item.spec
    if spec.kind == "panel":
        parts = [w.w("type_panel", rule=w.w(f"rule_{spec.aggregate}"))]
    else:
        parts = [w.w(f"type_{spec.kind}")]
    if spec.kind in ("number", "count", "panel"):
        if spec.unit in ("percent", "rupiah"):
            parts.append(w.w(f"unit_{spec.unit}"))
        elif spec.unit:
            parts.append(w.w("unit", unit=w.unit(item.decl.name)))
        parts += _bounds_words(w, None if spec.kind == "count" and spec.lower == 0 else spec.lower, spec.upper)
    return ", ".join(parts)


def _bounds_words(w: Writer, lower: Decimal | None, upper: Decimal | None) -> list[str]:
    if lower is not None and upper is not None:
        return [w.w("between", low=w.number(lower), high=w.number(upper))]
    if lower is not None:
        return [w.w("at_least", low=w.number(lower))]
    if upper is not None:
        return [w.w("at_most", high=w.number(upper))]
    return []


def _default_words(w: Writer, item: InputModel) -> str:
    """The value a left-out input is taken as, as a candidate would fill it in."""
    value, name = item.spec.default, item.decl.name
    if isinstance(value, bool):
        return bold(w.yes_no(value))
    if isinstance(value, Decimal):
        return bold(w.with_unit(w.number(value), name, value))
    if isinstance(value, frozenset):
        chosen = [w.member(name, m) for m in item.spec.members if m in value]
        return bold(", ".join(chosen) if chosen else w.w("none_chosen"))
    if isinstance(value, str) and item.spec.kind == "one_of":
        return bold(w.member(name, value))
    return f"“{value}”"


def _uses(w: Writer) -> dict[str, list[str]]:
    """For each input, where it counts: criteria (by number), gates, bonuses and penalties, through lets."""
    closure: dict[str, list[str]] = {}

    def reads(exprs: Iterable[ast.Expr]) -> list[str]:
        found: dict[str, None] = {}
        for name in (n for expr in exprs for n in names_read(expr)):
            if name in w.lets:
                if name not in closure:
                    closure[name] = reads([w.lets[name].expr])
                found.update(dict.fromkeys(closure[name]))
            else:
                found[name] = None
        return list(found)

    users: dict[str, list[str]] = {}

    def note(exprs: Iterable[ast.Expr], who: str) -> None:
        for name in reads(exprs):
            if who not in users.setdefault(name, []):
                users[name].append(who)

    for node in w.nodes:
        if node.model.points is not None:
            note(points_exprs(node.model.points), w.criterion_ref(node.model.decl.name))
    for gate in w.model.gates:
        note([gate.condition], w.ref(gate.decl))
    for adjustment in w.model.adjustments:
        condition = [adjustment.condition] if adjustment.condition is not None else []
        note([adjustment.amount, *condition], w.ref(adjustment.decl))
    return users
