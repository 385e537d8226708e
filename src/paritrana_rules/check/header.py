"""The rubric header (H1xx): edition and period, category, scale and rounding, each given once; and its label."""

from __future__ import annotations

from decimal import Decimal

from paritrana_rules.check.intervals import Interval
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian
from paritrana_rules.language import ast
from paritrana_rules.numeric import ROUNDING_MODES, places_needed, plain


def check_header(state: CheckState) -> tuple[str, str | None, str | None, tuple[Decimal, Decimal], tuple[str, int]]:
    """Category, sector, round, scale and rounding; the scale and rounding also go to `state` for later checks."""
    rubric = state.rubric
    _check_years(state)
    clauses = _clauses(state)
    category = _required(state, clauses, "category", "category pemerintah_desa")
    scale = _required(state, clauses, "scale", "scale 0 to 100")
    rounding = _required(state, clauses, "rounding", "rounding half_up to 2 places")
    sector = clauses.get("sector", [None])[0]
    round_ = clauses.get("round", [None])[0]
    low, high = _scale(state, scale)
    mode, places = _rounding(state, rounding)
    state.scale = Interval(low, high)
    state.rounding_mode = mode
    state.rounding_places = places
    for end in (low, high):
        state.check_size(end, scale.span if scale is not None else rubric.span)
    if scale is not None and any(places_needed(end) > places for end in (low, high)):
        state.report("H107", f"the scale's ends need more decimals than totals are rounded to ({places})",
                     scale.span, "a rounded total could fall outside such a scale: use ends such as 0 to 100",
                     indonesian=Indonesian("ujung-ujung skala memerlukan lebih banyak angka desimal daripada "
                                           f"pembulatan nilai akhir ({places})", "nilai akhir yang dibulatkan dapat "
                                           "jatuh di luar skala seperti itu: gunakan ujung seperti 0 to 100"))
    if not any(m.kind == "label" for m in rubric.meta):
        state.report("L803", "the rubric has no label", rubric.span,
                     'add: label id "..." en "..." under the rubric line', "warning",
                     Indonesian("rubrik ini tidak memiliki label",
                                'tambahkan: label id "..." en "..." di bawah baris rubric'))
    return (
        str(category.values[0]) if category else "",
        str(sector.values[0]) if sector else None,
        str(round_.values[0]) if round_ else None,
        (low, high),
        (mode, places),
    )


def _check_years(state: CheckState) -> None:
    rubric = state.rubric
    years_ok = True
    for year, what, span in ((rubric.edition, Phrase("edition", "edisi"), rubric.edition_span),
                             (rubric.period, Phrase("period", "periode"), rubric.period_span)):
        if year != year.to_integral_value() or not 2000 <= year <= 2100:
            years_ok = False
            state.report("H100", f"the {what.en} must be a year such as 2024, got {plain(year)}", span,
                         "write the year in four digits, e.g. edition 2024 period 2023",
                         indonesian=Indonesian(f"{what.id} harus berupa tahun seperti 2024, tertulis {plain(year)}",
                                               "tulis tahun dengan empat angka, misalnya edition 2024 period 2023"))
    if years_ok and rubric.period > rubric.edition:
        period, edition = plain(rubric.period), plain(rubric.edition)
        state.report("H101", f"the assessment period {period} is after the edition {edition}", rubric.period_span,
                     "the 2024 edition assesses the period 2023: write edition 2024 period 2023",
                     indonesian=Indonesian(f"periode penilaian {period} berada setelah edisi {edition}",
                                           "edisi 2024 menilai periode 2023: tulis edition 2024 period 2023"))


def _clauses(state: CheckState) -> dict[str, list[ast.HeaderClause]]:
    """The header clauses by kind; the first of each counts."""
    clauses: dict[str, list[ast.HeaderClause]] = {}
    for clause in state.rubric.clauses:
        clauses.setdefault(clause.kind, []).append(clause)
    for kind, found in clauses.items():
        for extra in found[1:] if kind != "uses" else ():  # a rubric may use several shared files
            state.report("H102", f"'{kind}' is given more than once", extra.span, f"keep one '{kind}' line",
                         indonesian=Indonesian(f"'{kind}' ditulis lebih dari sekali",
                                               f"sisakan satu baris '{kind}'"))
    return clauses


def _required(state: CheckState, clauses: dict[str, list[ast.HeaderClause]], kind: str,
              example: str) -> ast.HeaderClause | None:
    if kind in clauses:
        return clauses[kind][0]
    state.report("H103", f"the rubric header has no '{kind}' line", state.rubric.span,
                 f"add a line such as: {example}",
                 indonesian=Indonesian(f"kepala rubrik tidak memiliki baris '{kind}'",
                                       f"tambahkan baris seperti: {example}"))
    return None


def _scale(state: CheckState, scale: ast.HeaderClause | None) -> tuple[Decimal, Decimal]:
    """The scale's ends; 0 to 100 when it is missing or backwards."""
    low, high = (Decimal(0), Decimal(100))
    if scale is not None:
        low, high = scale.values  # type: ignore[assignment]
        if low >= high:
            state.report("H104", f"the scale runs from {plain(low)} to {plain(high)}; the first number must be smaller",
                         scale.span, "write the lowest score first, e.g. scale 0 to 100",
                         indonesian=Indonesian(f"skala tertulis dari {plain(low)} sampai {plain(high)}; angka "
                                               "pertama harus lebih kecil",
                                               "tulis nilai terendah lebih dulu, misalnya scale 0 to 100"))
            low, high = Decimal(0), Decimal(100)
    return low, high


def _rounding(state: CheckState, rounding: ast.HeaderClause | None) -> tuple[str, int]:
    """The rounding mode and places; half up to 2 places for any part that is missing or wrong."""
    mode, places = "half_up", 2
    if rounding is not None:
        mode_name, places_value = str(rounding.values[0]), Decimal(str(rounding.values[1]))
        if mode_name not in ROUNDING_MODES:
            modes = ", ".join(ROUNDING_MODES)
            state.report("H105", f"unknown rounding mode '{mode_name}'", rounding.span, f"use one of: {modes}",
                         indonesian=Indonesian(f"cara pembulatan '{mode_name}' tidak dikenal",
                                               f"gunakan salah satu dari: {modes}"))
        else:
            mode = str(mode_name)
        if places_value != places_value.to_integral_value() or not 0 <= places_value <= 10:
            state.report("H106", "rounding places must be a whole number from 0 to 10", rounding.span,
                         "e.g. rounding half_up to 2 places",
                         indonesian=Indonesian("jumlah angka desimal pembulatan harus bilangan bulat dari 0 sampai 10",
                                               "misalnya rounding half_up to 2 places"))
        else:
            places = int(places_value)
    return mode, places
