"""Gates and adjustments (G6xx): yes/no conditions, caps on the scale, bonuses and penalties from 0 up."""

from __future__ import annotations

from paritrana_rules.check.expressions import expect
from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.model import BOOL, NUMBER, AdjustmentModel, GateModel
from paritrana_rules.check.state import CheckState
from paritrana_rules.language import ast
from paritrana_rules.numeric import places_needed, plain


def check_gate(state: CheckState, decl: ast.GateDecl) -> GateModel:
    condition = expect(state, decl.condition, BOOL, "a gate's condition must be yes/no")
    if decl.action == "cap" and decl.cap is not None and places_needed(decl.cap) > state.rounding_places:
        state.report("G603", f"the cap {plain(decl.cap)} has more decimals than totals are rounded to "
                     f"({state.rounding_places})", decl.action_span, "write the cap with at most as many decimals, "
                     "so a capped total is exactly the cap")
    if decl.action == "cap" and decl.cap is not None and not Interval.point(decl.cap).within(state.scale):
        state.report("G602", f"the cap {plain(decl.cap)} is outside the scale {state.scale.describe()}",
                     decl.action_span, f"choose a cap from {plain(state.scale.low)} to {plain(state.scale.high)}")
    if not any(m.kind == "reason" for m in decl.meta):
        state.report("G600", f"gate '{decl.name}' has no reason", decl.name_span,
                     'add: reason id "..." en "..." — it is shown to the candidate when the gate fails')
    return GateModel(decl, condition.expr)


def check_adjustment(state: CheckState, decl: ast.AdjustmentDecl) -> AdjustmentModel:
    amount = expect(state, decl.amount, NUMBER, f"a {decl.kind} must be a number of points")
    if amount.interval is not None and amount.interval.low < 0:
        state.report("G601", f"{decl.kind} '{decl.name}' can be negative ({amount.interval.describe()})",
                     decl.amount.span, "a bonus adds and a penalty subtracts: give a number of points from 0 up")
    condition = None
    if decl.condition is not None:
        condition = expect(state, decl.condition, BOOL, "the condition after 'when' must be yes/no").expr
    return AdjustmentModel(decl, amount.expr, condition)
