"""The 2024 regency/city rubric written by hand as whole-column code, twice: numpy and polars.

The batch baselines `run.py` measures: what scoring a whole batch costs when the
rubric (rubrics/2024/kabupaten-kota.rubric) is transcribed into column
operations instead of run candidate by candidate. Each scores every row at once
and returns the total, the status and every criterion's points, in columns.

Why exact: no float is ever computed, so the results equal the engine's decimals
digit for digit.
- Every number is an int64 column. Counts are integers; a decimal input is scaled
  by 10**k, k its most decimal places in the data (`columns` checks each value
  converts exactly).
- Points are held in hundredths (the rubric rounds to 2 places). A ratio is never
  divided out to be banded: `part * 100 / whole >= 80` is tested as
  `part * 100 >= 80 * whole`. The one ratio that is itself points (porsi_rentan)
  is rounded half up to hundredths by integer floor division.
- Weights are whole percents, so a weighted sum of hundredths is an integer in
  ten-thousandths, rounded half up to hundredths by integer floor division; every
  value rounded is at least 0 there, which is what makes `(x + 50) // 100` half up.

Statuses are codes into STATUSES. `disagreements` compares both with the engine.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
import polars as pl

# ------------------------------------------------------------------ the rubric, transcribed
# Points are in hundredths throughout; weights in whole percents.

STATUSES = ("eligible", "eliminated", "disqualified")
ELIGIBLE, ELIMINATED, DISQUALIFIED = range(3)

LEGAL_PRODUCTS = {"perda": 100_00, "perkada": 75_00, "instruksi": 50_00, "surat_edaran": 40_00}  # max of matches
INNOVATIONS = {"program_rentan_khusus": 30_00, "kuota_per_desa": 20_00, "perizinan_terintegrasi": 20_00,
               "data_nik_terpadu": 15_00, "kemitraan_csr": 15_00}  # sum of matches
ATTENDANCE = ("kepala_daerah", "wakil_kepala_daerah", "sekda", "kepala_dinas", "tidak_hadir")  # the codes
ATTENDANCE_POINTS = (100_00, 80_00, 60_00, 40_00, 0)  # first match; tidak_hadir is "otherwise"

# Bands: (lower bound, points), highest first, then the points below every bound. A ratio band tests
# part * 100 >= bound * whole; bounds are in the ratio's units (percent).
PU_BANDS = ((80, 100_00), (60, 80_00), (40, 60_00), (20, 40_00)), 20_00
BPU_BANDS = ((30, 100_00), (20, 80_00), (10, 60_00), (5, 40_00)), 20_00
GROWTH_BANDS = ((10, 100_00), (5, 80_00), (0, 60_00), (-5, 30_00)), 0
# "above 0 -> 20, exactly 0 -> 0" is the last row, bound 0 exclusive: handled where used.
FUNDED_BANDS = ((50_000, 100_00), (20_000, 85_00), (10_000, 70_00), (5_000, 55_00), (1_000, 40_00)), 20_00
BUDGET_BANDS = ((10_000, 100_00), (5_000, 80_00), (1_000, 60_00), (250, 40_00)), 20_00

PARENTS = {
    "regulasi": (("jenis_produk_hukum", 80), ("nspk", 20)),
    "cakupan": (("cakupan_penerima_upah", 45), ("cakupan_bukan_penerima_upah", 40), ("pertumbuhan", 15)),
    "pekerja_rentan_apbd": (("porsi_rentan", 50), ("jumlah_rentan", 30), ("anggaran_rentan", 20)),
    "wawancara": (("kehadiran_pimpinan", 40), ("pemahaman", 60)),
}
TOP = (("regulasi", 25), ("cakupan", 35), ("pekerja_rentan_apbd", 15), ("inovasi_kebijakan", 10), ("wawancara", 15))
DESK = tuple(part for part in TOP if part[0] != "wawancara")  # the desk stage's total: all but the interview
ADVANCE_AT = 40_00  # stage penilaian: advance if total >= 40
BONUS = PENALTY = 5 * 100_00  # in ten-thousandths, as the weighted sums
CAP = 60 * 100_00  # unless perda or perkada is among the legal products
SCALE = 100 * 100_00
CRITERIA = (*PARENTS, "jenis_produk_hukum", "nspk", "cakupan_penerima_upah", "cakupan_bukan_penerima_upah",
            "pertumbuhan", "porsi_rentan", "jumlah_rentan", "anggaran_rentan", "inovasi_kebijakan",
            "kehadiran_pimpinan", "pemahaman")

COUNTS = ("peserta_pu", "potensi_pu", "peserta_bpu", "potensi_bpu", "peserta_tahun_lalu", "pekerja_rentan",
          "rentan_dibiayai_apbd")
DECIMALS = ("anggaran_iuran_rentan", "nilai_pemahaman")
LIMIT = 10**13  # counts and scaled decimals stay below this, so that every product computed fits in int64
FLAGS = ("berkas_lengkap", "perda_perizinan_bpjs", "integrasi_nspk", "tunggakan_iuran_pemda")


# ------------------------------------------------------------------ columns


class Batch(NamedTuple):
    """Candidates as columns: int64 counts and scaled decimals, bool flags and set members, attendance codes."""

    columns: dict[str, np.ndarray]
    scales: dict[str, int]  # decimal input -> k: the column holds value * 10**k

    def __len__(self) -> int:
        return len(self.columns["berkas_lengkap"])


def columns(values: Sequence[Mapping[str, Any]]) -> Batch:
    """Validated values (as `data.validate` returns them) as columns; raises if one cannot be held exactly."""
    scales = {name: max(0, max((-_exponent(v[name]) for v in values), default=0)) for name in DECIMALS}
    scales["nilai_pemahaman"] = max(2, scales["nilai_pemahaman"])  # it is rounded to hundredths as points
    held = {name: [Decimal(v[name]) for v in values] for name in COUNTS}
    held |= {name: [Decimal(v[name]).scaleb(k) for v in values] for name, k in scales.items()}
    cols: dict[str, np.ndarray] = {}
    for name, column in held.items():
        if any(x != x.to_integral_value() or abs(x) >= LIMIT for x in column):
            raise ValueError(f"{name} cannot be held exactly in an int64 column here")
        cols[name] = np.array([int(x) for x in column], dtype=np.int64)
    cols |= {name: np.array([v[name] for v in values], dtype=bool) for name in FLAGS}
    for field, members in (("produk_hukum", LEGAL_PRODUCTS), ("inovasi", INNOVATIONS)):
        cols |= {f"{field}.{m}": np.array([m in v[field] for v in values], dtype=bool) for m in members}
    cols["hadir_wawancara"] = np.array([ATTENDANCE.index(v["hadir_wawancara"]) for v in values], dtype=np.int8)
    return Batch(cols, scales)


def _exponent(value: Decimal | int) -> int:
    exponent = Decimal(value).as_tuple().exponent
    assert isinstance(exponent, int), value  # validated values are finite
    return exponent


def tile(batch: Batch, rows: int) -> Batch:
    """The batch repeated to `rows` rows: a large batch of realistic values."""
    return Batch({name: np.resize(column, rows) for name, column in batch.columns.items()}, batch.scales)


# ------------------------------------------------------------------ numpy


def _np_band(tests: list[np.ndarray], points_highest_first: list[int], below: int) -> np.ndarray:
    """Points by how many of the bounds (highest first, so each test implies the ones after it) are reached."""
    table = np.array([below, *reversed(points_highest_first)], dtype=np.int64)
    return table[sum(tests)]


def _np_ratio_band(part: np.ndarray, whole: np.ndarray, bands: tuple[tuple[tuple[int, int], ...], int]) -> np.ndarray:
    """Band of ratio(part * 100, whole, if zero 0), without dividing: part * 100 >= bound * whole."""
    rows, below = bands
    nothing = whole == 0  # the ratio is 0 then: as 0 / 1
    part, whole = np.where(nothing, 0, part) * 100, np.where(nothing, 1, whole)
    return _np_band([part >= bound * whole for bound, _ in rows], [p for _, p in rows], below)


def _np_above_zero_band(value: np.ndarray, scale: int, bands: tuple[tuple[tuple[int, int], ...], int]) -> np.ndarray:
    rows, above_zero = bands
    tests = [value >= bound * 10**scale for bound, _ in rows] + [value > 0]
    return _np_band(tests, [p for _, p in rows] + [above_zero], 0)


def _np_half_up(numerator: np.ndarray, denominator: int | np.ndarray) -> np.ndarray:
    """numerator / denominator rounded half up, for numerator >= 0 and denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def score_numpy(batch: Batch) -> dict[str, np.ndarray]:
    """Every criterion's points (hundredths), "total" (hundredths) and "status" (codes into STATUSES)."""
    c, k = batch.columns, batch.scales
    funded, vulnerable = c["rentan_dibiayai_apbd"], c["pekerja_rentan"]
    last_year = c["peserta_tahun_lalu"]
    # clamp(…, 0, 100) leaves these bands as they are: every bound is within 0..100.
    points = {
        "jenis_produk_hukum": np.maximum.reduce([c[f"produk_hukum.{m}"] * p for m, p in LEGAL_PRODUCTS.items()]),
        "nspk": c["integrasi_nspk"] * 100_00,
        "cakupan_penerima_upah": _np_ratio_band(c["peserta_pu"], c["potensi_pu"], PU_BANDS),
        "cakupan_bukan_penerima_upah": _np_ratio_band(c["peserta_bpu"], c["potensi_bpu"], BPU_BANDS),
        "pertumbuhan": _np_ratio_band(c["peserta_pu"] + c["peserta_bpu"] - last_year, last_year, GROWTH_BANDS),
        # clamp(ratio(funded * 100, vulnerable, if zero 0), 0, 100) in hundredths, rounded half up.
        "porsi_rentan": np.where(vulnerable == 0, 0, np.minimum(
            _np_half_up(funded * 100_00, np.maximum(vulnerable, 1)), 100_00)),
        "jumlah_rentan": _np_above_zero_band(funded, 0, FUNDED_BANDS),
        "anggaran_rentan": _np_above_zero_band(c["anggaran_iuran_rentan"], k["anggaran_iuran_rentan"], BUDGET_BANDS),
        "inovasi_kebijakan": sum(c[f"inovasi.{m}"] * p for m, p in INNOVATIONS.items()),
        "kehadiran_pimpinan": np.array(ATTENDANCE_POINTS, dtype=np.int64)[c["hadir_wawancara"]],
        "pemahaman": _np_half_up(c["nilai_pemahaman"], 10 ** (k["nilai_pemahaman"] - 2)),
    }
    for parent, children in PARENTS.items():
        points[parent] = _np_half_up(sum(w * points[child] for child, w in children), 100)
    binding = c["produk_hukum.perda"] | c["produk_hukum.perkada"]
    adjustment = c["perda_perizinan_bpjs"] * BONUS - c["tunggakan_iuran_pemda"] * PENALTY

    def total(parts: tuple[tuple[str, int], ...]) -> np.ndarray:
        subtotal = sum(w * points[part] for part, w in parts) + adjustment
        capped = np.where(binding, subtotal, np.minimum(subtotal, CAP))
        return _np_half_up(np.clip(capped, 0, SCALE), 100)

    points["total"] = total(TOP)
    points["status"] = np.where(c["berkas_lengkap"], np.where(total(DESK) >= ADVANCE_AT, ELIGIBLE, ELIMINATED),
                                DISQUALIFIED).astype(np.int8)
    return points


# ------------------------------------------------------------------ polars


def frame(batch: Batch) -> pl.DataFrame:
    """The columns as a polars DataFrame (Int64, Boolean, and Int8 attendance codes)."""
    return pl.DataFrame(batch.columns)


def _pl_band(tests: list[pl.Expr], points_highest_first: list[int], below: int) -> pl.Expr:
    """The first row whose test holds, as `when … then … otherwise`."""
    chain: Any = pl
    for test, points in zip(tests, points_highest_first, strict=True):
        chain = chain.when(test).then(points)
    return chain.otherwise(below)


def _pl_ratio_band(part: pl.Expr, whole: pl.Expr, bands: tuple[tuple[tuple[int, int], ...], int]) -> pl.Expr:
    """Band of ratio(part * 100, whole, if zero 0), without dividing: part * 100 >= bound * whole."""
    rows, below = bands
    nothing = whole == 0  # the ratio is 0 then: as 0 / 1
    part = pl.when(nothing).then(0).otherwise(part) * 100
    whole = pl.when(nothing).then(1).otherwise(whole)
    return _pl_band([part >= bound * whole for bound, _ in rows], [p for _, p in rows], below)


def _pl_above_zero_band(value: pl.Expr, scale: int, bands: tuple[tuple[tuple[int, int], ...], int]) -> pl.Expr:
    rows, above_zero = bands
    tests = [value >= bound * 10**scale for bound, _ in rows] + [value > 0]
    return _pl_band(tests, [p for _, p in rows] + [above_zero], 0)


def _pl_half_up(numerator: pl.Expr, denominator: int | pl.Expr) -> pl.Expr:
    return (2 * numerator + denominator) // (2 * denominator)


def _points_if(flag: str, points: int) -> pl.Expr:
    return pl.when(pl.col(flag)).then(points).otherwise(0)


def score_polars(data: pl.DataFrame, scales: Mapping[str, int]) -> pl.DataFrame:
    """Every criterion's points (hundredths), "total" (hundredths) and "status" (codes into STATUSES).

    One lazy query over the frame from `frame`: leaves, then parents, then the totals and the status.
    """
    col = pl.col
    funded, vulnerable, last_year = col("rentan_dibiayai_apbd"), col("pekerja_rentan"), col("peserta_tahun_lalu")
    leaves = {
        "jenis_produk_hukum": pl.max_horizontal([_points_if(f"produk_hukum.{m}", p)
                                                 for m, p in LEGAL_PRODUCTS.items()]),
        "nspk": _points_if("integrasi_nspk", 100_00),
        "cakupan_penerima_upah": _pl_ratio_band(col("peserta_pu"), col("potensi_pu"), PU_BANDS),
        "cakupan_bukan_penerima_upah": _pl_ratio_band(col("peserta_bpu"), col("potensi_bpu"), BPU_BANDS),
        "pertumbuhan": _pl_ratio_band(col("peserta_pu") + col("peserta_bpu") - last_year, last_year, GROWTH_BANDS),
        # clamp(ratio(funded * 100, vulnerable, if zero 0), 0, 100) in hundredths, rounded half up.
        "porsi_rentan": pl.when(vulnerable == 0).then(0).otherwise(
            pl.min_horizontal(_pl_half_up(funded * 100_00, pl.max_horizontal(vulnerable, 1)), pl.lit(100_00))),
        "jumlah_rentan": _pl_above_zero_band(funded, 0, FUNDED_BANDS),
        "anggaran_rentan": _pl_above_zero_band(col("anggaran_iuran_rentan"), scales["anggaran_iuran_rentan"],
                                               BUDGET_BANDS),
        "inovasi_kebijakan": pl.sum_horizontal([_points_if(f"inovasi.{m}", p) for m, p in INNOVATIONS.items()]),
        "kehadiran_pimpinan": col("hadir_wawancara").replace_strict(
            dict(enumerate(ATTENDANCE_POINTS)), return_dtype=pl.Int64),
        "pemahaman": _pl_half_up(col("nilai_pemahaman"), 10 ** (scales["nilai_pemahaman"] - 2)),
    }
    parents = {parent: _pl_half_up(pl.sum_horizontal([w * col(child) for child, w in children]), 100)
               for parent, children in PARENTS.items()}
    binding = col("produk_hukum.perda") | col("produk_hukum.perkada")
    adjustment = _points_if("perda_perizinan_bpjs", BONUS) - _points_if("tunggakan_iuran_pemda", PENALTY)

    def total(parts: tuple[tuple[str, int], ...]) -> pl.Expr:
        subtotal = pl.sum_horizontal([w * col(part) for part, w in parts]) + adjustment
        capped = pl.when(binding).then(subtotal).otherwise(pl.min_horizontal(subtotal, pl.lit(CAP)))
        return _pl_half_up(capped.clip(0, SCALE), 100)

    status = (pl.when(~col("berkas_lengkap")).then(DISQUALIFIED).when(total(DESK) < ADVANCE_AT).then(ELIMINATED)
              .otherwise(ELIGIBLE).cast(pl.Int8))
    return (data.lazy().with_columns(**{name: e.cast(pl.Int64) for name, e in leaves.items()})
            .with_columns(**parents).select(*CRITERIA, total=total(TOP), status=status).collect())


# ------------------------------------------------------------------ agreement with the engine


def hundredths(value: int) -> Decimal:
    return Decimal(int(value)).scaleb(-2)


def rows(scores: Mapping[str, Any]) -> Iterator[tuple[Decimal, str, dict[str, Decimal]]]:
    """Each row's total, status and points as the engine gives them, from either baseline's columns."""
    names = ("total", "status", *CRITERIA)
    table = zip(*(list(scores[name]) for name in names), strict=True)
    for total, status, *points in table:
        yield hundredths(total), STATUSES[status], {n: hundredths(p) for n, p in zip(CRITERIA, points, strict=True)}


def disagreements(rubric: Any, candidates: Sequence[Any]) -> dict[str, str | None]:
    """For each baseline, the first candidate it scores differently from the engine, or None when it agrees.

    Compares the total, the status and every criterion's points.
    """
    batch = columns([c.values for c in candidates])
    results = {"numpy": score_numpy(batch), "polars": score_polars(frame(batch), batch.scales).to_dict()}
    engine = [rubric.evaluate_candidate(c, trace=False) for c in candidates]
    expected = [(r.total, r.status, {c.name: c.points for c in r.criteria}) for r in engine]
    found: dict[str, str | None] = dict.fromkeys(results)
    for name, scores in results.items():
        for candidate, got, want in zip(candidates, rows(scores), expected, strict=True):
            if got != want:
                found[name] = f"{candidate.id}: {got} vs the engine's {want}"
                break
    return found
