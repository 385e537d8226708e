"""Gates and adjustments (G6xx): yes/no conditions, caps on the scale, bonuses and penalties from 0 up."""

from __future__ import annotations

from paritrana_rules.check.expressions import WHEN_CONDITION, expect
from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.model import BOOL, NUMBER, AdjustmentModel, GateModel
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian
from paritrana_rules.language import ast
from paritrana_rules.numeric import places_needed, plain

_KIND_ID = {"bonus": "bonus", "penalty": "pengurangan"}


def check_gate(state: CheckState, decl: ast.GateDecl) -> GateModel:
    condition = expect(state, decl.condition, BOOL, Phrase("a gate's condition must be yes/no",
                                                           "kondisi suatu syarat harus bernilai ya/tidak"))
    if decl.action == "cap" and decl.cap is not None and places_needed(decl.cap) > state.rounding_places:
        state.report("G603", f"the cap {plain(decl.cap)} has more decimals than totals are rounded to "
                     f"({state.rounding_places})", decl.action_span, "write the cap with at most as many decimals, "
                     "so a capped total is exactly the cap",
                     indonesian=Indonesian(f"batas {plain(decl.cap)} memiliki lebih banyak angka desimal daripada "
                                           f"pembulatan nilai akhir ({state.rounding_places})",
                                           "tulis batasnya dengan angka desimal sebanyak itu atau kurang, agar nilai "
                                           "akhir yang dibatasi tepat sama dengan batasnya"))
    if decl.action == "cap" and decl.cap is not None and not Interval.point(decl.cap).within(state.scale):
        low, high = plain(state.scale.low), plain(state.scale.high)
        state.report("G602", f"the cap {plain(decl.cap)} is outside the scale {state.scale.describe()}",
                     decl.action_span, f"choose a cap from {low} to {high}",
                     indonesian=Indonesian(f"batas {plain(decl.cap)} berada di luar skala "
                                           f"{state.scale.describe('id')}", f"pilih batas dari {low} sampai {high}"))
    if not any(m.kind == "reason" for m in decl.meta):
        state.report("G600", f"gate '{decl.name}' has no reason", decl.name_span,
                     'add: reason id "..." en "..." — it is shown to the candidate when the gate fails',
                     indonesian=Indonesian(f"syarat '{decl.name}' tidak memiliki alasan",
                                           'tambahkan: reason id "..." en "..." — alasan ini ditampilkan kepada '
                                           "peserta bila syarat tidak terpenuhi"))
    return GateModel(decl, condition.expr)


def check_adjustment(state: CheckState, decl: ast.AdjustmentDecl) -> AdjustmentModel:
    kind_id = _KIND_ID.get(decl.kind, decl.kind)
    amount = expect(state, decl.amount, NUMBER, Phrase(f"a {decl.kind} must be a number of points",
                                                       f"{kind_id} harus berupa jumlah poin"))
    if amount.interval is not None and amount.interval.low < 0:
        state.report("G601", f"{decl.kind} '{decl.name}' can be negative ({amount.interval.describe()})",
                     decl.amount.span, "a bonus adds and a penalty subtracts: give a number of points from 0 up",
                     indonesian=Indonesian(f"{kind_id} '{decl.name}' dapat bernilai negatif "
                                           f"({amount.interval.describe('id')})", "bonus menambah dan pengurangan "
                                           "mengurangi nilai: berikan jumlah poin mulai dari 0"))
    condition = None
    if decl.condition is not None:
        condition = expect(state, decl.condition, BOOL, WHEN_CONDITION).expr
    return AdjustmentModel(decl, amount.expr, condition)
