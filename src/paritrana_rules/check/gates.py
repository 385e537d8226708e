"""Gates and adjustments (G6xx): yes/no conditions, caps and set totals on the scale, bonuses and penalties from
0 up."""

from __future__ import annotations

from decimal import Decimal

from paritrana_rules.check.expressions import WHEN_CONDITION, expect
from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.model import BOOL, NUMBER, AdjustmentModel, GateModel
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian
from paritrana_rules.language import ast
from paritrana_rules.numeric import places_needed, plain
from paritrana_rules.source import Span

_KIND_ID = {"bonus": "bonus", "penalty": "pengurangan"}


def check_gate(state: CheckState, decl: ast.GateDecl) -> GateModel:
    condition = expect(state, decl.condition, BOOL, Phrase("a gate's condition must be yes/no",
                                                           "kondisi suatu syarat harus bernilai ya/tidak"))
    if decl.cap is not None:
        _check_cap(state, decl.cap, decl.action_span)
    if decl.total is not None:
        _check_set_total(state, decl.total, decl.action_span)
    if not any(m.kind == "reason" for m in decl.meta):
        state.report("G600", f"gate '{decl.name}' has no reason", decl.name_span,
                     'add: reason id "..." en "..." — it is shown to the candidate when the gate fails',
                     indonesian=Indonesian(f"syarat '{decl.name}' tidak memiliki alasan",
                                           'tambahkan: reason id "..." en "..." — alasan ini ditampilkan kepada '
                                           "peserta bila syarat tidak terpenuhi"))
    return GateModel(decl, condition.expr)


def _check_cap(state: CheckState, cap: Decimal, span: Span) -> None:
    if places_needed(cap) > state.rounding_places:
        state.report("G603", f"the cap {plain(cap)} has more decimals than totals are rounded to "
                     f"({state.rounding_places})", span, "write the cap with at most as many decimals, "
                     "so a capped total is exactly the cap",
                     indonesian=Indonesian(f"batas {plain(cap)} memiliki lebih banyak angka desimal daripada "
                                           f"pembulatan nilai akhir ({state.rounding_places})",
                                           "tulis batasnya dengan angka desimal sebanyak itu atau kurang, agar nilai "
                                           "akhir yang dibatasi tepat sama dengan batasnya"))
    if not Interval.point(cap).within(state.scale):
        low, high = plain(state.scale.low), plain(state.scale.high)
        state.report("G602", f"the cap {plain(cap)} is outside the scale {state.scale.describe()}",
                     span, f"choose a cap from {low} to {high}",
                     indonesian=Indonesian(f"batas {plain(cap)} berada di luar skala "
                                           f"{state.scale.describe('id')}", f"pilih batas dari {low} sampai {high}"))


def _check_set_total(state: CheckState, total: Decimal, span: Span) -> None:
    """The total a disqualifying gate sets is the total given, exactly: on the scale, and already rounded."""
    if places_needed(total) > state.rounding_places:
        state.report("G605", f"the total {plain(total)} set by a disqualification has more decimals than totals "
                     f"are rounded to ({state.rounding_places})", span,
                     "write the total with at most as many decimals, so it is given exactly as written",
                     indonesian=Indonesian(f"nilai akhir {plain(total)} yang ditetapkan saat diskualifikasi memiliki "
                                           "lebih banyak angka desimal daripada pembulatan nilai akhir "
                                           f"({state.rounding_places})", "tulis nilai akhirnya dengan angka desimal "
                                           "sebanyak itu atau kurang, agar diberikan tepat seperti yang tertulis"))
    if not Interval.point(total).within(state.scale):
        low, high = plain(state.scale.low), plain(state.scale.high)
        state.report("G604", f"the total {plain(total)} set by a disqualification is outside the scale "
                     f"{state.scale.describe()}", span, f"choose a total from {low} to {high}",
                     indonesian=Indonesian(f"nilai akhir {plain(total)} yang ditetapkan saat diskualifikasi berada "
                                           f"di luar skala {state.scale.describe('id')}",
                                           f"pilih nilai akhir dari {low} sampai {high}"))


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
