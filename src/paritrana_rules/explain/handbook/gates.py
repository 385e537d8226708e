"""The conditions (gates) every candidate must meet: each in words and as written, what failing it does,
and the reason the rubric gives.
"""

from __future__ import annotations

from decimal import Decimal

from paritrana_rules.check.model import GateModel
from paritrana_rules.explain.handbook.blocks import Block, Heading, items
from paritrana_rules.explain.handbook.legends import lets_legend
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.explain.words import gate_reason


def gates(w: Writer) -> list[Block]:
    return w.section("s_gates", "gates_intro", "gates_none", [_gate(w, gate) for gate in w.model.gates])


def _gate(w: Writer, gate: GateModel) -> list[Block]:
    decl = gate.decl
    lines = [w.condition_item("gate_must", gate.condition)]
    if decl.total is not None:
        lines.append(w.w("gate_disqualify_total", total=w.number(decl.total) + w.mark(w.assumed(decl.meta))))
    elif decl.action == "disqualify":
        lines.append(w.w("gate_disqualify"))
    else:
        lines.append(w.w("gate_cap", cap=w.number(decl.cap or Decimal(0)) + w.mark(w.assumed(decl.meta))))
    lines.append(w.w("gate_reason", reason=gate_reason(w.model, decl.name, w.lang)))
    description = w.text(decl.meta, "description")
    if description:
        lines.append(description)
    return [Heading(3, w.label(decl.meta, decl.name)), items(lines), *lets_legend(w, [gate.condition])]
