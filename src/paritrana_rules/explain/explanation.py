"""Explanations: a `Result`'s trace -> text or Markdown, in Bahasa Indonesia or English.

Nothing is recomputed here: every number comes from a trace step, and every
line that shows a number names the rubric line that produced it. Labels come
from the rubric (in the requested language, falling back to the other one,
then to the name). Numbers follow the language's conventions: 1,234.5 in
English, 1.234,5 in Bahasa Indonesia.
"""

from __future__ import annotations

import functools

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from paritrana_rules.language import ast
from paritrana_rules.check.model import RubricModel, texts
from paritrana_rules.numeric import exact, places_needed, round_to
from paritrana_rules.source import Span

if TYPE_CHECKING:
    from paritrana_rules.evaluate.rubric import CompiledRubric
    from paritrana_rules.evaluate.result import Result, TraceStep

LANGUAGES = ("en", "id")
SHOWN_PLACES = 4  # intermediate values with more decimals are shown rounded, marked with ≈

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "total": "Total", "of": "of", "eligible": "eligible", "disqualified": "disqualified",
        "edition": "edition", "period": "period", "rubric": "Rubric", "line": "line",
        "reasons": "Reasons", "derivation": "How the total is made",
        "weighted": "weighted sum of the criteria", "bonus": "bonus", "penalty": "penalty",
        "capped": "capped at {cap} because a gate failed", "limited": "limited to the scale {low} to {high}",
        "rounded": "rounded {mode} to {places} places", "gates": "Gates",
        "passed": "passed", "failed": "FAILED", "disqualifies": "disqualifies", "caps": "caps the total at {cap}",
        "criteria": "Criteria", "weight": "weight", "points": "points", "contributes": "adds {value} to the total",
        "within": "of", "sum_of": "weighted sum of its sub-criteria",
        "formula": "points = {formula}", "band": "{subject} = {value}, in band '{row}'",
        "table_first": "first matching row", "table_unique": "the one matching row",
        "table_sum": "sum of all matching rows", "table_max": "highest of the matching rows",
        "no_match": "no row matched, so 0", "row": "row '{row}' gives {value}",
        "adjustments": "Bonuses and penalties", "applies": "applies", "not_applies": "does not apply",
        "values": "Derived values", "inputs": "Inputs", "default": "default", "with": "with",
        "yes": "yes", "no": "no", "none": "none",
        "mode_half_up": "half up", "mode_half_even": "half to even", "mode_down": "down",
        "panel_mean": "mean of the jurors' scores", "panel_median": "median of the jurors' scores",
        "panel_trimmed_mean": "mean of the jurors' scores without the lowest and the highest",
        "panel_dropped": "left out as the lowest and the highest", "panel_conflict": "not counted (conflict of interest)",
        "eliminated": "did not advance", "pending": "pending", "stages": "Stages",
        "advances": "advances", "stops": "DOES NOT ADVANCE", "provisional": "provisional total {total}",
        "not_advanced": "did not advance past {stage}: {rule}",
        "awaiting": "scored at {stage}; waiting for {inputs}",
    },
    "id": {
        "total": "Nilai akhir", "of": "dari", "eligible": "memenuhi syarat", "disqualified": "didiskualifikasi",
        "edition": "edisi", "period": "periode", "rubric": "Rubrik", "line": "baris",
        "reasons": "Alasan", "derivation": "Cara nilai akhir dihitung",
        "weighted": "jumlah tertimbang kriteria", "bonus": "bonus", "penalty": "pengurangan",
        "capped": "dibatasi paling tinggi {cap} karena ada syarat yang tidak terpenuhi",
        "limited": "dibatasi pada skala {low} sampai {high}",
        "rounded": "dibulatkan {mode} ke {places} angka desimal", "gates": "Syarat",
        "passed": "terpenuhi", "failed": "TIDAK TERPENUHI", "disqualifies": "mendiskualifikasi",
        "caps": "membatasi nilai akhir paling tinggi {cap}",
        "criteria": "Kriteria", "weight": "bobot", "points": "poin", "contributes": "menyumbang {value} ke nilai akhir",
        "within": "dari", "sum_of": "jumlah tertimbang subkriteria",
        "formula": "poin = {formula}", "band": "{subject} = {value}, masuk rentang '{row}'",
        "table_first": "baris pertama yang cocok", "table_unique": "satu-satunya baris yang cocok",
        "table_sum": "jumlah semua baris yang cocok", "table_max": "nilai tertinggi dari baris yang cocok",
        "no_match": "tidak ada baris yang cocok, jadi 0", "row": "baris '{row}' memberi {value}",
        "adjustments": "Bonus dan pengurangan", "applies": "berlaku", "not_applies": "tidak berlaku",
        "values": "Nilai turunan", "inputs": "Data masukan", "default": "nilai bawaan", "with": "dengan",
        "yes": "ya", "no": "tidak", "none": "tidak ada",
        "mode_half_up": "setengah ke atas", "mode_half_even": "setengah ke genap", "mode_down": "ke bawah",
        "panel_mean": "rata-rata nilai juri", "panel_median": "median nilai juri",
        "panel_trimmed_mean": "rata-rata nilai juri tanpa nilai terendah dan tertinggi",
        "panel_dropped": "tidak dihitung sebagai nilai terendah dan tertinggi",
        "panel_conflict": "tidak dihitung (konflik kepentingan)",
        "eliminated": "tidak lolos", "pending": "belum selesai", "stages": "Tahapan",
        "advances": "lolos", "stops": "TIDAK LOLOS", "provisional": "nilai sementara {total}",
        "not_advanced": "tidak lolos tahap {stage}: {rule}",
        "awaiting": "dinilai sampai tahap {stage}; menunggu {inputs}",
    },
}


@attrs.frozen
class Line:
    level: int
    text: str
    at: Span | None = None  # the rubric line that produced the number on this line


@attrs.frozen
class Section:
    title: str
    lines: tuple[Line, ...]


@exact
def explain(result: Result, lang: str = "en", format: str = "text") -> str:
    """Render a traced result; ValueError for an unknown language or format, or an untraced result."""
    if lang not in PHRASES:
        raise ValueError(f"unknown language {lang!r}: use 'id' or 'en'")
    if format not in ("text", "markdown"):
        raise ValueError(f"unknown format {format!r}: use 'text' or 'markdown'")
    if result.trace is None:
        raise ValueError("this result was scored without a trace; evaluate with trace=True to explain it")
    writer = _Writer(result, lang)
    title, summary, sections = writer.document()
    main = result.rubric.path
    if format == "markdown":
        return _markdown(title, summary, sections, lang, main)
    return _text(title, summary, sections, lang, main)


def gate_reason(model: RubricModel, gate: str, lang: str) -> str:
    decl = next(g.decl for g in model.gates if g.decl.name == gate)
    return pick_text(texts(decl.meta, "reason"), lang) or pick_text(texts(decl.meta, "label"), lang) or gate


def stage_reasons(result: Result, lang: str) -> list[tuple[str, Span]]:
    """Why a candidate stopped at a stage, or what a pending candidate is still waiting for; each with its line."""
    if result.status not in ("eliminated", "pending"):
        return []
    words, rubric = PHRASES[lang], result.rubric
    stages, texts_by_stage = {s.decl.name: s for s in rubric.whole.stages}, _stage_texts(rubric, lang)
    stopped = []
    for name, advanced, _ in result.stages:  # the provisional total is in the trace: reasons stay the same text
        advance, (label, rule) = stages[name].advance, texts_by_stage[name]
        if not advanced and advance is not None:
            stopped.append((words["not_advanced"].format(stage=label, rule=rule), advance.span))
    if stopped or rubric.stage_name is None:
        return stopped
    return [(words["awaiting"].format(stage=texts_by_stage[rubric.stage_name][0], inputs=", ".join(rubric.awaiting)),
             stages[rubric.stage_name].decl.span)]


@functools.lru_cache(maxsize=256)
def _stage_texts(rubric: CompiledRubric, lang: str) -> dict[str, tuple[str, str | None]]:
    """Each stage's label and advance rule as written: a batch of pending or stopped candidates needs them often."""
    model = rubric.whole
    return {s.decl.name: (stage_label(model, s.decl.name, lang),
                          advance_rule(model, s.decl.name) if s.advance is not None else None) for s in model.stages}


def stage_label(model: RubricModel, name: str, lang: str) -> str:
    decl = next(s.decl for s in model.stages if s.decl.name == name)
    return pick_text(texts(decl.meta, "label"), lang) or name


def advance_rule(model: RubricModel, name: str) -> str:
    """A stage's advance rule as the rubric writes it."""
    advance = next(s.advance for s in model.stages if s.decl.name == name)
    assert advance is not None
    return model.sources.get(advance.span.path, model.source).excerpt(advance.span)


def pick_text(found: ast.Texts | None, lang: str) -> str | None:
    if found is None:
        return None
    return found.get(lang) or next((t for _, t in found.by_lang), None)


class _Writer:
    def __init__(self, result: Result, lang: str) -> None:
        self.result = result
        self.lang = lang
        self.words = PHRASES[lang]
        self.model = result.rubric.model
        self.steps = {s.id: s for s in result.trace or ()}
        self.places = self.model.rounding_places

    # ---------------------------------------------------------- pieces

    def excerpt(self, span: Any) -> str:
        """Rubric text as written, from whichever file (of an extends chain) the span is in."""
        return self.model.sources.get(span.path, self.model.source).excerpt(span)

    def label(self, decl: Any) -> str:
        label = pick_text(texts(decl.meta, "label"), self.lang)
        return f"{label} ({decl.name})" if label else decl.name

    def number(self, value: Decimal, score: bool = False) -> str:
        """A value as a person reads it: scores with the rubric's places, long fractions shortened with ≈."""
        approximate = ""
        digits = places_needed(value)
        if digits > max(SHOWN_PLACES, self.places if score else 0):
            shortened = round_to(value, SHOWN_PLACES, "half_even")
            approximate = "" if shortened == value else "≈"
            value = shortened
        if score:
            value = value.quantize(Decimal(1).scaleb(-max(self.places, min(places_needed(value), SHOWN_PLACES))))
        return approximate + localise(value, self.lang)

    def percent(self, fraction: Decimal) -> str:
        value = (fraction * 100).normalize()
        return localise(value.quantize(Decimal(1)) if value == value.to_integral_value() else value, self.lang) + "%"

    def value(self, name: str, value: Any) -> str:
        if isinstance(value, bool):
            return self.words["yes" if value else "no"]
        if isinstance(value, Decimal):
            unit = self._unit(name)
            return self.number(value) + (f" {unit}" if unit else "")
        if isinstance(value, frozenset):
            shown = [self._member(name, m) for m in sorted(value)]
            return ", ".join(shown) if shown else self.words["none"]
        if isinstance(value, str):
            return self._member(name, value)
        return str(value)

    def _unit(self, name: str) -> str:
        spec = next((i.spec for i in self.model.inputs if i.spec.name == name), None)
        if spec is None or not spec.unit:
            return ""
        return {"percent": "%", "rupiah": "rupiah"}.get(spec.unit, spec.unit)

    def _member(self, name: str, member: str) -> str:
        decl = next((i.decl for i in self.model.inputs if i.decl.name == name), None)
        if decl is None:
            return member
        for candidate in decl.type.members:
            if candidate.name == member:
                return pick_text(candidate.label, self.lang) or member
        return member

    def reads(self, step: TraceStep) -> str:
        parts = [f"{name} = {self.value(name, value)}" for name, value in step.reads if not name.startswith("criterion:")]
        return f"{self.words['with']} " + ", ".join(parts) if parts else ""

    # ---------------------------------------------------------- document

    def document(self) -> tuple[str, str, list[Section]]:
        result, words = self.result, self.words
        ident = result.rubric.identity
        who = f"{result.candidate_name} ({result.candidate_id})" if result.candidate_name else result.candidate_id
        category = pick_text(texts(self.model.rubric.meta, "label"), self.lang) or ident["category"]
        sector = f", {ident['sector']}" if ident["sector"] else ""
        heading = (f"{ident['award']}, {words['edition']} {ident['edition']} ({words['period']} {ident['period']}) — "
                   f"{category}{sector}\n{words['rubric']}: {result.rubric.path}")
        low, high = self.model.scale
        total = self.steps["total"]
        summary = (f"{words['total']}: {self.number(total.value, score=True)} {words['of']} {localise(high, self.lang)} — "
                   f"{words[result.status]}")
        sections = [self._derivation(total, low, high)]
        reasons = [Line(0, gate_reason(self.model, g.name, self.lang), self.steps[f"gate:{g.name}"].span)
                   for g in result.failed_gates]
        reasons += [Line(0, reason, span) for reason, span in stage_reasons(result, self.lang)]
        if reasons:
            sections.insert(0, Section(words["reasons"], tuple(reasons)))
        if result.stages:
            sections.append(self._stages())
        if self.model.gates:
            sections.append(self._gates())
        sections.append(self._criteria())
        if self.model.adjustments:
            sections.append(self._adjustments())
        if self.model.lets:
            sections.append(self._lets())
        sections.append(self._inputs())
        return f"{who}\n{heading}", summary, sections

    def _derivation(self, total: TraceStep, low: Decimal, high: Decimal) -> Section:
        words, detail = self.words, dict(total.detail)
        lines = [Line(0, f"{words['weighted']}: {self.number(detail['weighted'], score=True)}", total.span)]
        for root, points in total.reads:
            step = self.steps[root]
            decl = self._criterion_decl(step.name)
            lines.append(Line(1, f"{self.label(decl)}: {self.percent(step.get('weight'))} × "
                                 f"{self.number(points, score=True)} = {self.number(step.get('contribution'), score=True)}",
                              decl.weight_span))  # where the weight is set: a `change` line in a newer edition
        for adjustment in self.model.adjustments:
            step = self.steps[f"{adjustment.decl.kind}:{adjustment.decl.name}"]
            if step.get("applied") and step.value:
                sign = "+" if adjustment.decl.kind == "bonus" else "−"
                lines.append(Line(0, f"{sign} {words[adjustment.decl.kind]} {self.label(adjustment.decl)}: "
                                     f"{self.number(step.value, score=True)}", step.span))
        if detail["cap"] is not None and detail["capped"] != detail["subtotal"]:
            gate = next(g for g in self.result.failed_gates if g.cap == detail["cap"])
            lines.append(Line(0, words["capped"].format(cap=self.number(detail["cap"], score=True)),
                              self.steps[f"gate:{gate.name}"].span))
        if detail["limited"] != detail["capped"]:
            lines.append(Line(0, words["limited"].format(low=self.number(low), high=self.number(high)),
                              self.model.rubric.span))
        mode = words[f"mode_{self.model.rounding_mode}"]
        lines.append(Line(0, f"{words['rounded'].format(mode=mode, places=self.places)}: "
                             f"{self.number(total.value, score=True)}", self._header_line("rounding")))
        return Section(words["derivation"], tuple(lines))

    def _header_line(self, kind: str) -> Span:
        return next((c.span for c in self.model.rubric.clauses if c.kind == kind), self.model.rubric.span)

    def _stages(self) -> Section:
        words, lines = self.words, []
        for name, advanced, total in self.result.stages:
            step = self.steps[f"stage:{name}"]
            state = words["advances"] if advanced else words["stops"]
            provisional = "" if total is None else ": " + words["provisional"].format(
                total=self.number(total, score=True))
            lines.append(Line(0, f"[{state}] {stage_label(self.model, name, self.lang)}{provisional}", step.span))
            advance = next(s.advance for s in self.model.stages if s.decl.name == name)
            lines.append(Line(1, f"{advance_rule(self.model, name)} — {self.reads(step)}".rstrip(" —"),
                              advance.span if advance is not None else step.span))
        return Section(words["stages"], tuple(lines))

    def _gates(self) -> Section:
        words, lines = self.words, []
        for gate in self.model.gates:
            step = self.steps[f"gate:{gate.decl.name}"]
            state = words["passed"] if step.value else words["failed"]
            action = words["disqualifies"] if gate.decl.action == "disqualify" else words["caps"].format(
                cap=self.number(gate.decl.cap or Decimal(0), score=True))
            lines.append(Line(0, f"[{state}] {self.label(gate.decl)}", step.span))
            lines.append(Line(1, f"{self.excerpt(gate.decl.condition.span)} — {self.reads(step)}".rstrip(" —")))
            if not step.value:
                lines.append(Line(1, f"{action}: {gate_reason(self.model, gate.decl.name, self.lang)}", step.span))
        return Section(words["gates"], tuple(lines))

    def _criterion_decl(self, name: str) -> ast.CriterionDecl:
        return next(c.decl for c in self.model.criteria if c.decl.name == name)

    def _criteria(self) -> Section:
        lines: list[Line] = []
        for root in self.model.roots:
            self._criterion(root, 0, lines)
        return Section(self.words["criteria"], tuple(lines))

    def _criterion(self, name: str, level: int, lines: list[Line]) -> None:
        words = self.words
        step = self.steps[f"criterion:{name}"]
        model = next(c for c in self.model.criteria if c.decl.name == name)
        weight = f"{words['weight']} {self.percent(step.get('weight'))}"
        if model.decl.parent:
            weight += f" {words['within']} {model.decl.parent}"
        lines.append(Line(level, f"{self.label(model.decl)} — {weight} — {self.number(step.value, score=True)} "
                                 f"{words['points']}, {words['contributes'].format(value=self.number(step.get('contribution'), score=True))}",
                          step.span))
        form = step.get("form")
        if form == "parent":
            lines.append(Line(level + 1, f"{words['sum_of']}:"))
            for child in model.children:
                self._criterion(child, level + 2, lines)
            return
        points = model.points
        assert points is not None
        if form == "expr":
            formula = self.excerpt(points.expr.span)  # type: ignore[union-attr]
            lines.append(Line(level + 1, f"{words['formula'].format(formula=formula)} = "
                                         f"{self.number(step.get('raw'))} {self.reads(step)}".rstrip(), points.span))
        elif form == "band":
            band = points
            assert isinstance(band, ast.PointsBand)
            for index, value in step.get("matched"):
                row = band.rows[index]
                subject = self.excerpt(band.subject.span)
                lines.append(Line(level + 1, words["band"].format(
                    subject=subject, value=self.number(step.get("subject")), row=self.excerpt(row.span)
                ), row.span))
        else:
            assert isinstance(points, ast.PointsTable)
            lines.append(Line(level + 1, f"{words['table_' + points.policy]}:", points.span))
            matched = step.get("matched")
            if not matched:
                lines.append(Line(level + 2, words["no_match"], points.span))
            for index, value in matched:
                row = points.rows[index]
                lines.append(Line(level + 2, words["row"].format(row=self.excerpt(row.span),
                                                                 value=self.number(value)), row.span))
            if step.reads:
                lines.append(Line(level + 2, self.reads(step)))
        if step.get("raw") != step.value:
            mode = words[f"mode_{self.model.rounding_mode}"]
            lines.append(Line(level + 1, f"{words['rounded'].format(mode=mode, places=self.places)}: "
                                         f"{self.number(step.value, score=True)}", self._header_line("rounding")))

    def _adjustments(self) -> Section:
        words, lines = self.words, []
        for adjustment in self.model.adjustments:
            decl = adjustment.decl
            step = self.steps[f"{decl.kind}:{decl.name}"]
            state = words["applies"] if step.get("applied") else words["not_applies"]
            lines.append(Line(0, f"{words[decl.kind]} {self.label(decl)}: {state}, {self.number(step.value, score=True)} "
                                 f"{words['points']}", step.span))
            condition = f" when {self.excerpt(decl.condition.span)}" if decl.condition is not None else ""
            lines.append(Line(1, f"{self.excerpt(decl.amount.span)}{condition} — {self.reads(step)}".rstrip(" —")))
        return Section(words["adjustments"], tuple(lines))

    def _lets(self) -> Section:
        lines = []
        for let in self.model.lets:
            step = self.steps[f"let:{let.decl.name}"]
            lines.append(Line(0, f"{self.label(let.decl)} = {self.value(let.decl.name, step.value)}", step.span))
            lines.append(Line(1, f"= {self.excerpt(let.decl.expr.span)} {self.reads(step)}".rstrip()))
        return Section(self.words["values"], tuple(lines))

    def _inputs(self) -> Section:
        lines = []
        for item in self.model.inputs:
            step = self.steps[f"input:{item.spec.name}"]
            note = f" ({self.words['default']})" if step.get("defaulted") else ""
            lines.append(Line(0, f"{self.label(item.decl)} = {self.value(item.spec.name, step.value)}{note}",
                              step.span))
            if step.get("jurors"):
                lines += self._panel(step)
        return Section(self.words["inputs"], tuple(lines))

    def _panel(self, step: TraceStep) -> list[Line]:
        """Every juror's score, which were left out and why: the aggregate alone would hide the jury."""
        words, dropped = self.words, step.get("dropped")
        counted = [f"{juror} {self.number(score)}" for juror, score, conflict in step.get("jurors") if not conflict]
        lines = [Line(1, f"{words['panel_' + step.get('rule')]}: {', '.join(counted)}")]
        if dropped:
            lines.append(Line(1, f"{words['panel_dropped']}: {dropped[0]}, {dropped[1]}"))
        lines += [Line(1, f"{words['panel_conflict']}: {juror} {self.number(score)} — {conflict}")
                  for juror, score, conflict in step.get("jurors") if conflict]
        return lines


def localise(value: Decimal, lang: str) -> str:
    text = format(value, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    thousands, point = (".", ",") if lang == "id" else (",", ".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = thousands.join([whole, *groups])
    return sign + grouped + (point + fraction if fraction else "")


def _where(at: Span | None, lang: str, main: str) -> str:
    """'line 12' in the rubric explained, 'path:12' in a rubric it extends."""
    if at is None:
        return ""
    return f"{PHRASES[lang]['line']} {at.line}" if at.path == main else f"{at.path}:{at.line}"


def _text(title: str, summary: str, sections: list[Section], lang: str, main: str) -> str:
    out = [title, "", summary]
    for section in sections:
        out += ["", section.title, "-" * len(section.title)]
        for line in section.lines:
            where = f"  [{_where(line.at, lang, main)}]" if line.at is not None else ""
            out.append(f"{'  ' * line.level}{line.text}{where}")
    return "\n".join(out) + "\n"


def _markdown(title: str, summary: str, sections: list[Section], lang: str, main: str) -> str:
    name, _, rest = title.partition("\n")
    out = [f"## {name}", "", *(f"{r}  " for r in rest.splitlines()), "", f"**{summary}**"]
    for section in sections:
        out += ["", f"### {section.title}", ""]
        for line in section.lines:
            where = f" _({_where(line.at, lang, main)})_" if line.at is not None else ""
            out.append(f"{'  ' * line.level}- {_escape(line.text)}{where}")
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    return text.replace("*", "\\*").replace("_", "\\_")
