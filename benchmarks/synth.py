"""Realistic synthetic candidates for any rubric, streamed row by row.

Run:  .venv/bin/python benchmarks/synth.py RUBRIC --count N [--seed S] [--format csv|jsonl]
                                            [--bad-share F] --out FILE

Every value comes from the rubric's input declarations (`rubric.input_specs`:
kind, bounds, members, defaults). Inputs this module knows by name (the
regency/city and village inputs of the 2024 rubrics) follow the distributions
in the tables below, each citing the docs/award.md section it comes from; any
other input gets a plain value within its declaration. Rows are written one at
a time, so a million rows take no more memory than ten. The same seed gives
the same file.

`--bad-share` turns that fraction of rows into records with one realistic
mistake each (a missing value, `12,5%` written Indonesian-style, a wrong
member, `ada` for yes), so a batch's rejection path is exercised too.
"""

from __future__ import annotations

import argparse
import csv
import json
import itertools
import math
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import paritrana_rules as pr
from paritrana_rules import InputSpec

# ------------------------------------------------------------------ distributions (small named tables)

# The 38 provinces, weighted by how many kab/kota each has. These counts are our
# figure (Kemendagri, 2023), not docs/award.md's; they add up to the 514 kab/kota of
# docs/award.md §2 "Funnel sizes" (2019 and 2021 pools). Villages use the same
# weights, a rough stand-in: docs/award.md has no village counts per province.
KABKOTA_PER_PROVINCE: dict[str, int] = {
    "Aceh": 23, "Sumatera Utara": 33, "Sumatera Barat": 19, "Riau": 12, "Jambi": 11, "Sumatera Selatan": 17,
    "Bengkulu": 10, "Lampung": 15, "Kepulauan Bangka Belitung": 7, "Kepulauan Riau": 7, "DKI Jakarta": 6,
    "Jawa Barat": 27, "Jawa Tengah": 35, "DI Yogyakarta": 5, "Jawa Timur": 38, "Banten": 8, "Bali": 9,
    "Nusa Tenggara Barat": 10, "Nusa Tenggara Timur": 22, "Kalimantan Barat": 14, "Kalimantan Tengah": 14,
    "Kalimantan Selatan": 13, "Kalimantan Timur": 10, "Kalimantan Utara": 5, "Sulawesi Utara": 15,
    "Sulawesi Tengah": 13, "Sulawesi Selatan": 24, "Sulawesi Tenggara": 17, "Gorontalo": 6, "Sulawesi Barat": 6,
    "Maluku": 11, "Maluku Utara": 10, "Papua": 9, "Papua Barat": 7, "Papua Selatan": 4, "Papua Tengah": 8,
    "Papua Pegunungan": 8, "Papua Barat Daya": 6,
}
# Of the 514, about 98 are cities (kota); the rest are regencies (kabupaten). Our figure.
SHARE_OF_CITIES = 98 / 514

# Wage-earner (PU) coverage of a kab/kota, as a share: national coverage was 54.09% in
# March 2021 and Bengkulu about 33.7% in 2024 (docs/award.md §6 "Coverage and participation
# figures"). Beta(a, b) has mean a / (a + b): here 0.55, most regions between 30% and 80%.
PU_COVERAGE_BETA = (5.0, 4.1)
# Non-wage-earner (BPU) coverage is far lower: 9.58 jt BPU against 26.26 jt PU participants
# in Feb 2025 (docs/award.md §6); mean about 14%, a long tail above 30%.
BPU_COVERAGE_BETA = (1.6, 10.0)
# Formal wage workers (PU potential) of one kab/kota: log-normal around 40,000, from Raja
# Ampat's ~10,000 to city-sized pools; Kota Banjarmasin alone reports 65,000-86,000
# registered workers a year (docs/award.md §6, Banjarmasin table).
PU_POTENTIAL_MEDIAN, PU_POTENTIAL_SIGMA = 40_000, 0.9
# Informal workers per formal one, from the BPS Sakernas pattern the rubric cites (our figure).
BPU_PER_PU = (0.8, 3.0)
# Year-on-year growth of active participants: Banjarmasin's workers moved -20%, +16%, +6%,
# +8% and the rubric bands growth from -5% to 10% (docs/award.md §6 Banjarmasin table, §3.3 trend).
GROWTH_MEAN, GROWTH_SD = 0.04, 0.07
# Vulnerable workers as a share of the informal universe (our figure), and the share of
# them a budget pays for: Kukar 52,000, PBD 77,500 (docs/award.md §6 "Vulnerable-worker programs").
VULNERABLE_SHARE = (0.2, 0.5)
SHARE_WITHOUT_BUDGET_PROGRAMME = 0.25
FUNDED_SHARE_BETA = (1.2, 3.5)
# Rp16,800 a month per worker (JKK + JKM BPU minimum), as examples/2024/kabupaten-kota.yaml
# notes (our figure, not docs/award.md's); most budgets pay the whole year.
MONTHLY_CONTRIBUTION_RUPIAH = 16_800
MONTHS_PAID = (12, 12, 12, 9, 6)

# Legal products, drawn independently: "only four of six pemda met the coverage and
# regulation indicators" (docs/award.md §2 "Initial data ... screening"; §3.1 legal products).
LEGAL_PRODUCT_SHARE = {"perda": 0.30, "perkada": 0.50, "instruksi": 0.15, "surat_edaran": 0.35}
# "Nilai plus" for a licensing Perda is the one published bonus and rare (docs/award.md §3.3).
LICENSING_PERDA_SHARE = 0.08
NSPK_SHARE = 0.25  # SE Mendagri 842.2/5193/SJ asks for it (docs/award.md §3.1 policy background)
# Innovations are a named aspect from 2022 (docs/award.md §3.3); each one's share is our figure.
REGION_INNOVATION_SHARE = {"program_rentan_khusus": 0.35, "kuota_per_desa": 0.15, "perizinan_terintegrasi": 0.20,
                           "data_nik_terpadu": 0.30, "kemitraan_csr": 0.20}
# Who attends the interview: the kepala daerah is required nationally and a "poin penting"
# (docs/award.md §2 "Interview format", §3.2); the others share what is left (our figure).
REGION_ATTENDANCE = {"kepala_daerah": 0.45, "wakil_kepala_daerah": 0.20, "sekda": 0.20, "kepala_dinas": 0.12,
                     "tidak_hadir": 0.03}
# Administrative screening ("seleksi berkas administrasi", docs/award.md §2): most pass.
COMPLETE_DOCUMENTS_SHARE = 0.92
REGION_ARREARS_SHARE = 0.07  # non-ASN arrears; no source, our figure
# Interview understanding: averages of assessors' sheets, one or two decimals (our figure).
UNDERSTANDING_MEAN, UNDERSTANDING_SD = 74, 11

# Villages (docs/award.md §5 "Concrete winning profiles": Tamansari 3,803 workers, Tulungrejo 714 + 700
# funded; the apparatus sizes, Tamansari 24, Tulungrejo 26 with 688 functionaries, Tanjung Aru 20,
# Ngadi 15, are the invented figures of examples/2024/pemerintah-desa.csv).
VILLAGE_APPARATUS = (10, 35, 22)  # triangular: low, high, mode
VILLAGE_FULLY_REGISTERED_SHARE = 0.55
VILLAGE_FUNCTIONARIES = (20, 750, 120)
VILLAGE_WORKFORCE = (600, 9000, 2500)
VILLAGE_WITHOUT_FUNDED_SHARE = 0.20
VILLAGE_FUNDED_SHARE_BETA = (1.1, 6.0)  # of the workforce: Tamansari 1,150 of 7,400, Ngadi 60 of 1,300
VILLAGE_LEGAL_PRODUCT_SHARE = {"perdes": 0.30, "perkades": 0.45, "pos_apbdes": 0.50}
VILLAGE_FUND_SOURCE_SHARE = {"dana_desa": 0.60, "add": 0.55, "pad_desa": 0.20}  # DD / ADD / PAD (§5)
VILLAGE_INNOVATION_SHARE = {"kuota_per_dusun": 0.25, "seluruh_warga": 0.08, "kemitraan_bumdes": 0.15,
                            "agen_desa": 0.20, "sosialisasi_rutin": 0.35}
VILLAGE_ATTENDANCE = {"kepala_desa": 0.60, "sekretaris_desa": 0.20, "perangkat_lain": 0.15, "tidak_hadir": 0.05}
VILLAGE_ARREARS_SHARE = 0.05  # our figure

# ------------------------------------------------------------------ realistic profiles

Draw = dict[str, Any]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _subset(rng: random.Random, shares: dict[str, float]) -> frozenset[str]:
    return frozenset(member for member, share in shares.items() if rng.random() < share)


PROVINCES = list(KABKOTA_PER_PROVINCE)
PROVINCE_CUMULATIVE = list(itertools.accumulate(KABKOTA_PER_PROVINCE.values()))


def _province(rng: random.Random) -> str:
    return rng.choices(PROVINCES, cum_weights=PROVINCE_CUMULATIVE)[0]


def _triangular(rng: random.Random, spec: tuple[int, int, int]) -> int:
    low, high, mode = spec
    return round(rng.triangular(low, high, mode))


def _understanding(rng: random.Random) -> Decimal:
    score = min(100.0, max(0.0, rng.gauss(UNDERSTANDING_MEAN, UNDERSTANDING_SD)))
    return Decimal(f"{score:.{rng.choice((0, 1, 2))}f}")


def region_profile(rng: random.Random) -> Draw:
    """One regency or city: coverage, budget programmes, legal products and the interview."""
    potensi_pu = max(1_000, round(rng.lognormvariate(math.log(PU_POTENTIAL_MEDIAN), PU_POTENTIAL_SIGMA)))
    potensi_bpu = round(potensi_pu * rng.uniform(*BPU_PER_PU))
    peserta_pu = round(potensi_pu * rng.betavariate(*PU_COVERAGE_BETA))
    peserta_bpu = round(potensi_bpu * rng.betavariate(*BPU_COVERAGE_BETA))
    growth = max(-0.5, rng.gauss(GROWTH_MEAN, GROWTH_SD))
    pekerja_rentan = round(potensi_bpu * rng.uniform(*VULNERABLE_SHARE))
    funded = 0 if rng.random() < SHARE_WITHOUT_BUDGET_PROGRAMME else round(
        pekerja_rentan * rng.betavariate(*FUNDED_SHARE_BETA))
    rupiah = funded * MONTHLY_CONTRIBUTION_RUPIAH * rng.choice(MONTHS_PAID)
    products = _subset(rng, LEGAL_PRODUCT_SHARE)
    return {
        "kind": "Kota" if rng.random() < SHARE_OF_CITIES else "Kabupaten",
        "provinsi": _province(rng),
        "berkas_lengkap": rng.random() < COMPLETE_DOCUMENTS_SHARE,
        "produk_hukum": products,
        # A licensing Perda is a Perda: drawn among them so that its overall share is LICENSING_PERDA_SHARE.
        "perda_perizinan_bpjs": "perda" in products
        and rng.random() < LICENSING_PERDA_SHARE / LEGAL_PRODUCT_SHARE["perda"],
        "integrasi_nspk": rng.random() < NSPK_SHARE,
        "peserta_pu": peserta_pu, "potensi_pu": potensi_pu, "peserta_bpu": peserta_bpu, "potensi_bpu": potensi_bpu,
        "peserta_tahun_lalu": round((peserta_pu + peserta_bpu) / (1 + growth)),
        "pekerja_rentan": pekerja_rentan,
        "rentan_dibiayai_apbd": funded,
        "anggaran_iuran_rentan": (Decimal(rupiah) / 1_000_000).quantize(Decimal("0.1")),  # juta rupiah
        "inovasi": _subset(rng, REGION_INNOVATION_SHARE),
        "hadir_wawancara": _pick(rng, REGION_ATTENDANCE),
        "nilai_pemahaman": _understanding(rng),
        "tunggakan_iuran_pemda": rng.random() < REGION_ARREARS_SHARE,
    }


def village_profile(rng: random.Random) -> Draw:
    """One village: its apparatus and functionaries, workers its budget pays for, the interview."""
    aparat = _triangular(rng, VILLAGE_APPARATUS)
    registered = aparat if rng.random() < VILLAGE_FULLY_REGISTERED_SHARE else rng.randint(0, aparat)
    functionaries = _triangular(rng, VILLAGE_FUNCTIONARIES)
    workforce = _triangular(rng, VILLAGE_WORKFORCE)
    funded = 0 if rng.random() < VILLAGE_WITHOUT_FUNDED_SHARE else max(
        1, round(workforce * rng.betavariate(*VILLAGE_FUNDED_SHARE_BETA)))
    sources = _subset(rng, VILLAGE_FUND_SOURCE_SHARE) if funded else frozenset()
    provinsi = _province(rng)
    return {
        "kind": "Desa",
        "provinsi": provinsi,
        "kabupaten": f"Kabupaten Sintetis {rng.randint(1, KABKOTA_PER_PROVINCE[provinsi])}",
        "produk_hukum_desa": _subset(rng, VILLAGE_LEGAL_PRODUCT_SHARE),
        "aparat_desa": aparat, "aparat_terdaftar": registered,
        "pengurus_lembaga": functionaries, "pengurus_terdaftar": round(functionaries * rng.random()),
        "angkatan_kerja": workforce, "rentan_dibiayai": funded,
        "sumber_dana": sources or (frozenset({"dana_desa"}) if funded else frozenset()),
        "inovasi_desa": _subset(rng, VILLAGE_INNOVATION_SHARE),
        "hadir_wawancara": _pick(rng, VILLAGE_ATTENDANCE),
        "nilai_pemahaman": _understanding(rng),
        "tunggakan_iuran": rng.random() < VILLAGE_ARREARS_SHARE,
    }


# Large companies (docs/award.md §1 and §2): candidates are the employers a provincial Tim 9 invites, so most
# are compliant; the gates (all four programmes for all workers, no arrears) still stop a few. Our figures.
COMPANY_WORKERS = (100, 6_000, 450)  # triangular: 100+ workers is "large" (BPS, docs/award.md §1)
COMPANY_ALL_REGISTERED_SHARE = 0.90
COMPANY_ALL_PROGRAMMES_SHARE = 0.93  # JKK, JKM, JHT and JP: the "PDS Program" gate (docs/award.md §2)
COMPANY_ARREARS_SHARE = 0.04
COMPANY_ON_TIME_MONTHS = (12, 12, 12, 11, 10, 8)
COMPANY_WAGE_REPORTED = (82.0, 100.0, 98.0)  # % of the real wage bill reported: triangular
COMPANY_SIPP = {"lengkap": 0.70, "terlambat": 0.22, "tidak_lengkap": 0.08}
COMPANY_JMO_SHARE_BETA = (3.0, 2.0)  # workers using the JMO app
COMPANY_VENDORS = (0, 60, 8)
COMPANY_CSR_SHARE = 0.30  # companies paying vulnerable workers' contributions from CSR
COMPANY_INNOVATION_SHARE = {"manfaat_tambahan": 0.30, "perlindungan_mitra_bpu": 0.15, "program_k3": 0.45,
                            "layanan_klaim_internal": 0.25, "sosialisasi_pekerja": 0.60}
COMPANY_ATTENDANCE = {"pimpinan_tertinggi": 0.35, "direktur": 0.30, "manajer": 0.30, "tidak_hadir": 0.05}
COMPANY_WARNED_SHARE = 0.03


def company_profile(rng: random.Random) -> Draw:
    """One large company: its workforce and how much of it is protected, reporting, vendors, CSR, the interview."""
    workers = _triangular(rng, COMPANY_WORKERS)
    vendors = _triangular(rng, COMPANY_VENDORS)
    programmes = {"jkk", "jkm", "jht", "jp"}
    if rng.random() >= COMPANY_ALL_PROGRAMMES_SHARE:
        programmes.discard(rng.choice(("jht", "jp")))
    return {
        "kind": "PT",
        "provinsi": _province(rng),
        "jumlah_pekerja": workers,
        "pekerja_terdaftar": workers if rng.random() < COMPANY_ALL_REGISTERED_SHARE else rng.randint(workers // 2,
                                                                                                    workers),
        "program_diikuti": frozenset(programmes),
        "tunggakan_iuran": rng.random() < COMPANY_ARREARS_SHARE,
        "bulan_tepat_waktu": rng.choice(COMPANY_ON_TIME_MONTHS),
        "rasio_upah_dilaporkan": Decimal(f"{rng.triangular(*COMPANY_WAGE_REPORTED):.1f}"),
        "laporan_sipp": _pick(rng, COMPANY_SIPP),
        "pekerja_jmo": round(workers * rng.betavariate(*COMPANY_JMO_SHARE_BETA)),
        "jumlah_vendor": vendors,
        "vendor_terdaftar": round(vendors * rng.random()),
        "rentan_dibiayai_csr": round(workers * rng.uniform(0, 0.5)) if rng.random() < COMPANY_CSR_SHARE else 0,
        "inovasi_perusahaan": _subset(rng, COMPANY_INNOVATION_SHARE),
        "hadir_wawancara": _pick(rng, COMPANY_ATTENDANCE),
        "nilai_pemahaman": _understanding(rng),
        "teguran_tertulis": rng.random() < COMPANY_WARNED_SHARE,
    }


class Profile(NamedTuple):
    draw: Callable[[random.Random], Draw]
    marker: str  # an input only this kind of candidate has


PROFILES = (Profile(region_profile, "potensi_pu"), Profile(village_profile, "aparat_desa"),
            Profile(company_profile, "jumlah_pekerja"))


def profile_for(specs: Sequence[InputSpec]) -> Profile | None:
    """The realistic profile whose characteristic input the rubric declares, if any."""
    names = {spec.name for spec in specs}
    return next((p for p in PROFILES if p.marker in names), None)


# ------------------------------------------------------------------ values from declarations

UNBOUNDED_SPAN = Decimal(1000)  # how far past its one bound an unbounded input is drawn


def plain_value(spec: InputSpec, rng: random.Random) -> object:
    """A valid value for an input this module has no distribution for."""
    if spec.kind in ("number", "count"):
        low = spec.lower if spec.lower is not None else (spec.upper - UNBOUNDED_SPAN if spec.upper is not None else 0)
        high = spec.upper if spec.upper is not None else low + UNBOUNDED_SPAN
        if spec.kind == "count":
            return rng.randint(math.ceil(low), math.floor(high))
        return (low + (high - low) * Decimal(rng.random())).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    if spec.kind == "bool":
        return rng.random() < 0.5
    if spec.kind == "one_of":
        return rng.choice(spec.members)
    if spec.kind == "set_of":
        return frozenset(m for m in spec.members if rng.random() < 0.3)
    if spec.kind == "panel":
        return {juror: plain_value(InputSpec(spec.name, "number", lower=spec.lower, upper=spec.upper), rng)
                for juror in ("ketua", "sekretaris", "apindo")}
    return f"{spec.name} {rng.randint(1, 99)}"


def fits(spec: InputSpec, value: object) -> bool:
    """Whether a profile's value is valid for this rubric's declaration of the input."""
    if spec.kind in ("number", "count"):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return False
        return (spec.lower is None or value >= spec.lower) and (spec.upper is None or value <= spec.upper)
    if spec.kind == "bool":
        return isinstance(value, bool)
    if spec.kind == "one_of":
        return value in spec.members
    if spec.kind == "set_of":
        return isinstance(value, frozenset) and value <= set(spec.members)
    return spec.kind == "text" and isinstance(value, str) and bool(value.strip())


class Row(NamedTuple):
    id: str
    name: str
    values: dict[str, object]  # None = left empty (the input's default applies)
    mistake: str | None  # what is wrong with the row, or None for a good one


def generate(specs: Sequence[InputSpec], count: int, seed: int = 0, bad_share: float = 0.0,
             prefix: str = "kandidat") -> Iterator[Row]:
    """`count` rows, one at a time; the same arguments give the same rows."""
    rng = random.Random(seed)
    profile = profile_for(specs)
    for index in range(1, count + 1):
        drawn = profile.draw(rng) if profile else {}
        values: dict[str, object] = {}
        for spec in specs:
            value = drawn.get(spec.name)
            values[spec.name] = value if value is not None and fits(spec, value) else plain_value(spec, rng)
            if spec.has_default and values[spec.name] == spec.default and rng.random() < 0.5:
                values[spec.name] = None  # left out, as people do when the default is right
        mistake = make_mistake(specs, values, rng) if rng.random() < bad_share else None
        yield Row(f"{prefix}-{index:07d}", display_name(drawn, index), values, mistake)


def display_name(drawn: Draw, index: int) -> str:
    """'Kabupaten Sintetis 12, Jawa Timur': plainly invented, never a real government's name."""
    name = f"{drawn.get('kind', 'Kandidat')} Sintetis {index}"
    return f"{name}, {drawn['provinsi']}" if "provinsi" in drawn else name


# ------------------------------------------------------------------ realistic mistakes


class Mistake(NamedTuple):
    kind: str
    applies: Callable[[InputSpec], bool]
    write: Callable[[InputSpec, object, random.Random], object]  # the wrong cell text, or None for missing


def _indonesian_number(spec: InputSpec, value: object, rng: random.Random) -> str:
    """`12,5%` for a number (decimal comma and a unit); `1.234.567` for a count (dots for thousands)."""
    if spec.kind == "number":
        whole = int(value) if isinstance(value, (int, Decimal)) else 12
        return f"{whole},{rng.randint(1, 9)}%"
    thousands = max(1, int(value) // 1000 if isinstance(value, (int, Decimal)) else 1)
    return f"{thousands:,}".replace(",", ".") + f".{rng.randint(1, 999):03d}"


def _wrong_member(spec: InputSpec, value: object, rng: random.Random) -> str:
    """A label written out and misspelt ('Kepala Daerahh': written out alone it would be accepted) or a set
    separated by commas ('perda, perkada')."""
    if spec.kind == "set_of" and len(spec.members) >= 2:
        return ", ".join(rng.sample(spec.members, 2))
    label = rng.choice(spec.members).replace("_", " ").title()
    label += label[-1]
    return label if spec.member(label) is None else label + "x"


def _yes_in_words(spec: InputSpec, value: object, rng: random.Random) -> str:
    return rng.choice(("ada", "Y", "1", "sudah"))


MISTAKES = (
    Mistake("missing value", lambda s: not s.has_default and s.kind != "set_of", lambda s, v, r: None),
    Mistake("Indonesian number", lambda s: s.kind in ("number", "count"), _indonesian_number),
    Mistake("wrong member", lambda s: s.kind in ("one_of", "set_of") and len(s.members) >= 2, _wrong_member),
    Mistake("yes/no in words", lambda s: s.kind == "bool", _yes_in_words),
)


def make_mistake(specs: Sequence[InputSpec], values: dict[str, object], rng: random.Random) -> str | None:
    """Spoil one value of the row in place; the description, or None when no mistake fits the rubric."""
    choices = [(m, s) for m in MISTAKES for s in specs if m.applies(s)]
    if not choices:
        return None
    mistake, spec = rng.choice(choices)
    written = mistake.write(spec, values[spec.name], rng)
    values[spec.name] = MISSING if written is None else BadCell(written)
    return f"{mistake.kind} in {spec.name}"


class BadCell(str):
    """Text written where a typed value belongs; written as it is in every format."""


MISSING = BadCell("")  # a required value left empty (left out entirely in JSON Lines)

# ------------------------------------------------------------------ writers


def cell(value: object) -> str:
    """A value as `paritrana-rules score` reads a CSV cell (see examples/2024/pemerintah-desa.csv)."""
    if value is None or isinstance(value, BadCell):
        return "" if value is None else str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return ";".join(sorted(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return ";".join(f"{juror}={cell(score)}" for juror, score in value.items())
    return str(value)


def json_value(value: object) -> str:
    if isinstance(value, BadCell):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")  # a JSON number, exact: the reader parses it as a Decimal
    if isinstance(value, frozenset):
        return json.dumps(sorted(value))
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{json_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def write_csv(rows: Iterator[Row], specs: Sequence[InputSpec], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", *(s.name for s in specs)])
    written = 0
    for row in rows:
        writer.writerow([row.id, row.name, *(cell(row.values[s.name]) for s in specs)])
        written += 1
    return written


def write_jsonl(rows: Iterator[Row], specs: Sequence[InputSpec], out: TextIO) -> int:
    written = 0
    for row in rows:
        fields = [f'"id":{json.dumps(row.id)}', f'"name":{json.dumps(row.name, ensure_ascii=False)}']
        fields += [f"{json.dumps(s.name)}:{json_value(row.values[s.name])}" for s in specs
                   if row.values[s.name] is not None and row.values[s.name] is not MISSING]
        out.write("{" + ",".join(fields) + "}\n")
        written += 1
    return written


WRITERS = {"csv": write_csv, "jsonl": write_jsonl}


def id_prefix(rubric: pr.CompiledRubric) -> str:
    return str(rubric.identity["category"]).replace("_", "-")


def write(rubric_path: str | Path, out: str | Path, count: int, seed: int = 0, fmt: str = "csv",
          bad_share: float = 0.0) -> int:
    """Write `count` candidates for the rubric to `out`; returns the number written."""
    rubric = pr.load(rubric_path)
    rows = generate(rubric.input_specs, count, seed, bad_share, id_prefix(rubric))
    with open(out, "w", encoding="utf-8", newline="") as handle:
        return WRITERS[fmt](rows, rubric.input_specs, handle)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rubric")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=sorted(WRITERS), default="csv")
    parser.add_argument("--bad-share", type=float, default=0.0, help="fraction of rows with one realistic mistake")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.count < 0 or not 0 <= args.bad_share <= 1:
        parser.error("--count must be 0 or more and --bad-share between 0 and 1")
    written = write(args.rubric, args.out, args.count, args.seed, args.format, args.bad_share)
    print(f"wrote {written:,} candidates to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
