"""The 2024 regency/city rubric (rubrics/2024/kabupaten-kota.rubric) written by hand in Python.

The baseline `run.py` measures the engine against, and an independent
implementation `tests/test_handwritten_kabkota.py` compares the engine with on
generated candidates. Written the way a careful developer would without the
engine: exact decimals with 50 significant digits, each criterion's points
rounded half-up to 2 places, parents as the rounded weighted sum of their
rounded children, then bonus, penalty, cap, scale and a final rounding.

It takes validated values (as `data.validate` returns them) and returns the
total, the status and the points of every criterion.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

CENT = Decimal("0.01")
ZERO, HUNDRED = Decimal(0), Decimal(100)
# The engine's precision: ratios of inputs are exact to 50 digits before rounding.
EXACT = decimal.Context(prec=50, rounding=decimal.ROUND_HALF_EVEN,
                        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])


class Score(NamedTuple):
    total: Decimal
    status: str
    points: dict[str, Decimal]  # every criterion, leaves and parents


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole x 100, or 0 when there is nothing to divide by."""
    return ZERO if whole == 0 else part * 100 / whole


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, ZERO), HUNDRED)


def _band(value: Decimal, rows: tuple[tuple[int, int], ...], below_all: int) -> Decimal:
    """Rows are (lower bound inclusive, points), highest bound first."""
    for lower, points in rows:
        if value >= lower:
            return Decimal(points)
    return Decimal(below_all)


def _above_zero_band(value: Decimal, rows: tuple[tuple[int, int], ...], small: int) -> Decimal:
    """Bands whose lowest row is 'above 0', with 'exactly 0 -> 0'."""
    return ZERO if value == 0 else _band(value, rows, small)


LEGAL_PRODUCT_POINTS = {"perda": 100, "perkada": 75, "instruksi": 50, "surat_edaran": 40}
INNOVATION_POINTS = {"program_rentan_khusus": 30, "kuota_per_desa": 20, "perizinan_terintegrasi": 20,
                     "data_nik_terpadu": 15, "kemitraan_csr": 15}
ATTENDANCE_POINTS = {"kepala_daerah": 100, "wakil_kepala_daerah": 80, "sekda": 60, "kepala_dinas": 40}


def _leaves(v: Mapping[str, Any]) -> dict[str, Decimal]:
    aktif = v["peserta_pu"] + v["peserta_bpu"]
    growth = _percent(aktif - v["peserta_tahun_lalu"], v["peserta_tahun_lalu"])
    return {
        "jenis_produk_hukum": Decimal(max((LEGAL_PRODUCT_POINTS[p] for p in v["produk_hukum"]), default=0)),
        "nspk": HUNDRED if v["integrasi_nspk"] else ZERO,
        "cakupan_penerima_upah": _band(_clamp(_percent(v["peserta_pu"], v["potensi_pu"])),
                                       ((80, 100), (60, 80), (40, 60), (20, 40)), 20),
        "cakupan_bukan_penerima_upah": _band(_clamp(_percent(v["peserta_bpu"], v["potensi_bpu"])),
                                             ((30, 100), (20, 80), (10, 60), (5, 40)), 20),
        "pertumbuhan": _band(growth, ((10, 100), (5, 80), (0, 60), (-5, 30)), 0),
        "porsi_rentan": _clamp(_percent(v["rentan_dibiayai_apbd"], v["pekerja_rentan"])),
        "jumlah_rentan": _above_zero_band(v["rentan_dibiayai_apbd"], ((50000, 100), (20000, 85), (10000, 70),
                                                                      (5000, 55), (1000, 40)), 20),
        "anggaran_rentan": _above_zero_band(v["anggaran_iuran_rentan"], ((10000, 100), (5000, 80), (1000, 60),
                                                                         (250, 40)), 20),
        "inovasi_kebijakan": Decimal(sum(INNOVATION_POINTS[i] for i in v["inovasi"])),
        "kehadiran_pimpinan": Decimal(ATTENDANCE_POINTS.get(v["hadir_wawancara"], 0)),
        "pemahaman": v["nilai_pemahaman"],
    }


# Parent -> (child, weight); the top level is "" (the total before adjustments).
TREE: dict[str, tuple[tuple[str, str], ...]] = {
    "regulasi": (("jenis_produk_hukum", "0.80"), ("nspk", "0.20")),
    "cakupan": (("cakupan_penerima_upah", "0.45"), ("cakupan_bukan_penerima_upah", "0.40"), ("pertumbuhan", "0.15")),
    "pekerja_rentan_apbd": (("porsi_rentan", "0.50"), ("jumlah_rentan", "0.30"), ("anggaran_rentan", "0.20")),
    "wawancara": (("kehadiran_pimpinan", "0.40"), ("pemahaman", "0.60")),
    "": (("regulasi", "0.25"), ("cakupan", "0.35"), ("pekerja_rentan_apbd", "0.15"), ("inovasi_kebijakan", "0.10"),
         ("wawancara", "0.15")),
}


def _weighted(points: Mapping[str, Decimal], children: tuple[tuple[str, str], ...]) -> Decimal:
    return sum((Decimal(weight) * points[child] for child, weight in children), ZERO)


def score(v: Mapping[str, Any]) -> Score:
    """Total, status and every criterion's points for one validated candidate."""
    with decimal.localcontext(EXACT):
        points = {name: _round(value) for name, value in _leaves(v).items()}
        for parent in ("regulasi", "cakupan", "pekerja_rentan_apbd", "wawancara"):
            points[parent] = _round(_weighted(points, TREE[parent]))
        total = _adjusted(v, _weighted(points, TREE[""]))
        # The desk assessment's provisional total: everything but the interview, which comes after it.
        desk = _adjusted(v, _weighted(points, tuple(c for c in TREE[""] if c[0] != "wawancara")))
    status = "disqualified" if not v["berkas_lengkap"] else "eliminated" if desk < 40 else "eligible"
    return Score(total, status, points)


def _adjusted(v: Mapping[str, Any], weighted: Decimal) -> Decimal:
    """The bonus and penalty, the cap when no Perda or Perkada, the scale, rounding."""
    total = weighted + (5 if v["perda_perizinan_bpjs"] else 0) - (5 if v["tunggakan_iuran_pemda"] else 0)
    if not ({"perda", "perkada"} & v["produk_hukum"]):
        total = min(total, Decimal(60))
    return _round(_clamp(total))
