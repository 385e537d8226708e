"""The 2024 village rubric (rubrics/2024/pemerintah-desa.rubric) written by hand in Python.

It is the baseline the engine is measured against in `run.py`, and an
independent implementation that `tests/test_handwritten.py` compares the engine
with on generated candidates. It takes validated values (as `data.validate`
returns them) and gives the total and status.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _band(value: Decimal, rows: list[tuple[Decimal, Decimal]], zero: Decimal) -> Decimal:
    """Rows are (lower bound inclusive, points), highest first; values at or below 0 get `zero`."""
    for lower, points in rows:
        if value >= lower:
            return points
    return zero


def score(v: dict[str, Any]) -> tuple[Decimal, str]:
    aparat = min(max(v["aparat_terdaftar"] / v["aparat_desa"] * 100, Decimal(0)), Decimal(100))
    pengurus = Decimal(0) if v["pengurus_lembaga"] == 0 else v["pengurus_terdaftar"] * 100 / v["pengurus_lembaga"]
    pengurus = min(max(pengurus, Decimal(0)), Decimal(100))
    porsi = v["rentan_dibiayai"] / v["angkatan_kerja"] * 100

    hukum = v["produk_hukum_desa"]
    regulasi = _round(Decimal(50 * ("perdes" in hukum) + 30 * ("perkades" in hukum) + 20 * ("pos_apbdes" in hukum)))
    cakupan = _round(Decimal("0.6") * _round(aparat) + Decimal("0.4") * _round(pengurus))

    rentan = v["rentan_dibiayai"]
    jumlah_bands = [(Decimal(1000), Decimal(100)), (Decimal(500), Decimal(85)), (Decimal(100), Decimal(65))]
    jumlah = _round(Decimal(0) if rentan == 0 else _band(rentan, jumlah_bands, Decimal(30)))
    share = _round(Decimal(0) if porsi == 0 else _band(porsi, [(Decimal(50), Decimal(100)), (Decimal(25), Decimal(80)),
                                                              (Decimal(10), Decimal(60)), (Decimal(2), Decimal(40))],
                                                       Decimal(20)))
    sources = v["sumber_dana"]
    if rentan == 0:
        funding = Decimal(0)
    elif "pad_desa" in sources:
        funding = Decimal(100) if len(sources) >= 2 else Decimal(80)
    else:
        funding = {0: Decimal(0), 1: Decimal(50)}.get(len(sources), Decimal(70))
    rentan_points = _round(Decimal("0.4") * jumlah + Decimal("0.4") * share + Decimal("0.2") * _round(funding))

    inovasi = _round(min(Decimal(100), 40 * Decimal(len(v["inovasi_desa"]))))
    hadir = {"kepala_desa": 100, "sekretaris_desa": 70, "perangkat_lain": 50, "tidak_hadir": 0}[v["hadir_wawancara"]]
    wawancara = _round(Decimal("0.4") * Decimal(hadir) + Decimal("0.6") * _round(v["nilai_pemahaman"]))

    # The desk assessment's provisional total leaves out the interview, which comes after it.
    desk = _capped(v, Decimal("0.2") * regulasi + Decimal("0.25") * cakupan + Decimal("0.3") * rentan_points
                   + Decimal("0.1") * inovasi)
    total = _capped(v, Decimal("0.2") * regulasi + Decimal("0.25") * cakupan + Decimal("0.3") * rentan_points
                    + Decimal("0.1") * inovasi + Decimal("0.15") * wawancara)
    if v["tunggakan_iuran"]:
        return total, "disqualified"
    return total, "eliminated" if aparat < 50 or desk < 40 else "eligible"


def _capped(v: dict[str, Any], weighted: Decimal) -> Decimal:
    """Capped at 70 unless every apparatus member is registered, limited to the scale, rounded."""
    if v["aparat_terdaftar"] < v["aparat_desa"]:
        weighted = min(weighted, Decimal(70))
    return _round(min(max(weighted, Decimal(0)), Decimal(100)))
