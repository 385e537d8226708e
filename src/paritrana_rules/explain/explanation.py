"""Explanations: a `Result`'s trace -> text or Markdown, in Bahasa Indonesia or English.

Nothing is recomputed here: every number comes from a trace step, and every
line that shows a number names the rubric line that produced it. Every rule
(a condition, a formula, a band, a table row) is said in words of the language
by `wording`, the same words the handbook uses. Labels come from the rubric
(in the requested language; a text given in the other one only is marked).
Numbers follow the language's conventions: 1,234.5 in English, 1.234,5 in
Bahasa Indonesia. The phrases are in `explanation.toml`; what explanations and
handbooks both say is in `words` and `wording`, and the layout of the page in
`lines`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from paritrana_rules.check.model import CriterionModel, RubricModel
from paritrana_rules.compile.program import Program
from paritrana_rules.evaluate.result import Result, TraceStep
from paritrana_rules.explain.lines import Line, Page, Places, Section, html, markdown, plain_text
from paritrana_rules.explain.wording import Wording
from paritrana_rules.explain.words import (
    check_request,
    excerpt,
    gate_reason,
    label,
    load_phrases,
    localise,
    member_label,
    percent,
    text_of,
    yes_no,
)
from paritrana_rules.language import ast
from paritrana_rules.numeric import add_all, exact, places_needed, round_to
from paritrana_rules.source import Span

SHOWN_PLACES = 4  # intermediate values with more decimals are shown rounded, marked with ≈
FORMATS = ("text", "markdown", "html")

PHRASES = load_phrases("paritrana_rules.explain", "explanation.toml")


@exact
def explain(result: Result, lang: str = "en", format: str = "text") -> str:
    """Render a traced result (text, markdown, or one self-contained HTML page); ValueError for an unknown language
    or format, or an untraced result."""
    check_request(lang, format, FORMATS)
    if result.trace is None:
        raise ValueError("this result was scored without a trace; evaluate with trace=True to explain it")
    page = _Writer(result, lang).page()
    places = Places(PHRASES[lang]["line"], result.program.path)
    if format == "html":
        return html(page, places, lang)
    return markdown(page, places) if format == "markdown" else plain_text(page, places)


def stage_reasons(result: Result, lang: str) -> list[tuple[str, Span]]:
    """Why a candidate stopped at a stage, or what a pending candidate is still waiting for; each with its line,
    the advance rule in words.
    """
    return stopped_reasons(result.program, [s.name for s in result.stages if not s.advanced], result.status, lang,
                           Wording(result.program.whole, lang).condition)


def stopped_reasons(program: Program, not_advanced: Sequence[str], status: str, lang: str,
                    say: Callable[[ast.Expr], str] | None = None) -> list[tuple[str, Span]]:
    """`stage_reasons` from the stages whose advance rule failed, in order, and the status.

    Without `say` an advance rule is quoted as the rubric writes it: the reasons of audit records, which
    replays compare byte for byte, keep the text they were recorded with.
    """
    if status not in ("eliminated", "pending"):
        return []
    words = PHRASES[lang]
    stages, texts_by_stage = {s.decl.name: s for s in program.whole.stages}, _stage_texts(program, lang)
    stopped = []
    for name in not_advanced:  # the provisional total is in the trace: reasons stay the same text
        advance, (shown, rule) = stages[name].advance, texts_by_stage[name]
        if advance is not None:
            said = say(advance) if say is not None else rule
            stopped.append((words["not_advanced"].format(stage=shown, rule=said), advance.span))
    if stopped or program.stage_name is None:
        return stopped
    return [(words["awaiting"].format(stage=texts_by_stage[program.stage_name][0],
                                      inputs=", ".join(program.awaiting)), stages[program.stage_name].decl.span)]


def reasons(result: Result, lang: str = "en") -> list[str]:
    """Why the candidate is not simply eligible: failed gates, a stage not passed, or what it still waits for."""
    return reasons_for(result.program, [g.name for g in result.failed_gates],
                       [s.name for s in result.stages if not s.advanced], result.status, lang)


def reasons_for(program: Program, failed_gates: Sequence[str], not_advanced: Sequence[str], status: str,
                lang: str) -> list[str]:
    """`reasons` from the names of the failed gates and of the stages not passed, and the status."""
    return ([gate_reason(program.model, gate, lang) for gate in failed_gates]
            + [reason for reason, _ in stopped_reasons(program, not_advanced, status, lang)])


@functools.lru_cache(maxsize=256)
def _stage_texts(program: Program, lang: str) -> dict[str, tuple[str, str | None]]:
    """Each stage's label and advance rule as written: a batch of pending or stopped candidates needs them often."""
    model = program.whole
    return {s.decl.name: (stage_label(model, s.decl.name, lang),
                          advance_rule(model, s.decl.name) if s.advance is not None else None) for s in model.stages}


def stage_label(model: RubricModel, name: str, lang: str) -> str:
    decl = next(s.decl for s in model.stages if s.decl.name == name)
    return label(decl.meta, name, lang)


def advance_rule(model: RubricModel, name: str) -> str:
    """A stage's advance rule as the rubric writes it."""
    advance = next(s.advance for s in model.stages if s.decl.name == name)
    assert advance is not None
    return excerpt(model, advance.span)


class _Writer:
    """A traced result in one language -> its page: each section from the trace steps it shows."""

    def __init__(self, result: Result, lang: str) -> None:
        self.result = result
        self.lang = lang
        self.words = PHRASES[lang]
        self.model = result.program.model
        self.say = Wording(self.model, lang)
        self.steps = {s.id: s for s in result.trace or ()}
        self.places = self.model.rounding_places

    # ---------------------------------------------------------- pieces

    def label(self, decl: Any) -> str:
        """A declaration by its label and its name: 'Regulation (regulasi)'."""
        found = text_of(decl.meta, "label", self.lang)
        return f"{found} ({decl.name})" if found else decl.name

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

    def value(self, name: str, value: Any) -> str:
        """A value of an input or a let as a person reads it: with its unit, options by their labels."""
        if isinstance(value, bool):
            return yes_no(value, self.lang)
        if isinstance(value, Decimal):
            unit = self.say.unit(name, value)
            return self.number(value) + (f" {unit}" if unit else "")
        if isinstance(value, frozenset):
            shown = [member_label(self.model, name, m, self.lang) for m in sorted(value)]
            return ", ".join(shown) if shown else self.words["none"]
        if isinstance(value, str):
            return member_label(self.model, name, value, self.lang)
        return str(value)

    def reads(self, step: TraceStep) -> str:
        """'with a = 1, b = yes': the values a step read, criteria left out (their points are shown already)."""
        parts = [f"{name} = {self.value(name, value)}" for name, value in step.reads
                 if not name.startswith("criterion:")]
        return f"{self.words['with']} " + ", ".join(parts) if parts else ""

    def rounded(self, level: int, value: Decimal) -> Line:
        """The line that says a value was rounded, pointing at the rubric's rounding clause."""
        mode = self.words[f"mode_{self.model.rounding_mode}"]
        return Line(level, f"{self.words['rounded'].format(mode=mode, places=self.places)}: "
                           f"{self.number(value, score=True)}", self._header_line("rounding"))

    def _header_line(self, kind: str) -> Span:
        return next((c.span for c in self.model.rubric.clauses if c.kind == kind), self.model.rubric.span)

    # ---------------------------------------------------------- the page

    def page(self) -> Page:
        result, words = self.result, self.words
        ident = result.program.identity
        who = f"{result.candidate_name} ({result.candidate_id})" if result.candidate_name else result.candidate_id
        category = label(self.model.rubric.meta, ident["category"], self.lang)
        sector = f", {ident['sector']}" if ident["sector"] else ""
        heading = (f"{ident['award']}, {words['edition']} {ident['edition']} ({words['period']} {ident['period']}) — "
                   f"{category}{sector}\n{words['rubric']}: {result.program.path}")
        low, high = self.model.scale
        total = self.steps["total"]
        summary = (f"{words['total']}: {self.number(total.value, score=True)} {words['of']} "
                   f"{localise(high, self.lang)} — {words[result.status]}")
        return Page(f"{who}\n{heading}", summary, self._sections(total, low, high))

    def _sections(self, total: TraceStep, low: Decimal, high: Decimal) -> list[Section]:
        """The reasons first when there are any, then how the total is made, then every part it is made of."""
        reasons = [Line(0, gate_reason(self.model, g.name, self.lang), self.steps[f"gate:{g.name}"].span)
                   for g in self.result.failed_gates]
        reasons += [Line(0, reason, span) for reason, span in stage_reasons(self.result, self.lang)]
        sections = [Section(self.words["reasons"], tuple(reasons))] if reasons else []
        sections.append(self._derivation(total, low, high))
        if self.result.stages:
            sections.append(self._stages())
        if self.model.gates:
            sections.append(self._gates())
        sections.append(self._criteria())
        if self.model.adjustments:
            sections.append(self._adjustments())
        if self.model.lets:
            sections.append(self._lets())
        sections.append(self._inputs())
        return sections

    def _derivation(self, total: TraceStep, low: Decimal, high: Decimal) -> Section:
        words, detail = self.words, dict(total.detail)
        lines = [Line(0, f"{words['weighted']}: {self.number(detail['weighted'], score=True)}", total.span)]
        for root, points in total.reads:
            step = self.steps[root]
            decl = self._criterion(step.name).decl
            contribution = self.number(step.get("contribution"), score=True)
            lines.append(Line(1, f"{self.label(decl)}: {percent(step.get('weight'), self.lang)} × "
                                 f"{self.number(points, score=True)} = {contribution}",
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
        given = self._given_total()
        if given is not None:
            value, name = given
            lines.append(Line(0, words["set_total"].format(total=self.number(value, score=True)),
                              self.steps[f"gate:{name}"].span))
        lines.append(self.rounded(0, total.value))
        return Section(words["derivation"], tuple(lines))

    def _given_total(self) -> tuple[Decimal, str] | None:
        """(total, gate) for the failed gate whose set total is the total (the lowest, as the program takes)."""
        failed = {g.name for g in self.result.failed_gates}
        return min(((g.decl.total, g.decl.name) for g in self.model.gates
                    if g.decl.total is not None and g.decl.name in failed), default=None)

    def _stages(self) -> Section:
        words, lines = self.words, []
        for stage in self.result.stages:
            name, step = stage.name, self.steps[f"stage:{stage.name}"]
            state = words["advances"] if stage.advanced else words["stops"]
            provisional = "" if stage.total is None else ": " + words["provisional"].format(
                total=self.number(stage.total, score=True))
            lines.append(Line(0, f"[{state}] {stage_label(self.model, name, self.lang)}{provisional}", step.span))
            advance = next(s.advance for s in self.model.stages if s.decl.name == name)
            rule = self.say.condition(advance) if advance is not None else ""
            lines.append(Line(1, f"{rule} — {self.reads(step)}".strip(" —"),
                              advance.span if advance is not None else step.span))
        return Section(words["stages"], tuple(lines))

    def _gates(self) -> Section:
        words, lines = self.words, []
        for gate in self.model.gates:
            step = self.steps[f"gate:{gate.decl.name}"]
            state = words["passed"] if step.value else words["failed"]
            action = self._gate_action(gate.decl)
            lines.append(Line(0, f"[{state}] {self.label(gate.decl)}", step.span))
            lines.append(Line(1, f"{self.say.condition(gate.condition)} — {self.reads(step)}".rstrip(" —"),
                              gate.condition.span))
            if not step.value:
                lines.append(Line(1, f"{action}: {gate_reason(self.model, gate.decl.name, self.lang)}", step.span))
        return Section(words["gates"], tuple(lines))

    def _gate_action(self, decl: ast.GateDecl) -> str:
        """What failing the gate does, in words."""
        if decl.total is not None:
            return self.words["disqualifies_with_total"].format(total=self.number(decl.total, score=True))
        if decl.action == "disqualify":
            return self.words["disqualifies"]
        return self.words["caps"].format(cap=self.number(decl.cap or Decimal(0), score=True))

    def _criterion(self, name: str) -> CriterionModel:
        return next(c for c in self.model.criteria if c.decl.name == name)

    def _criteria(self) -> Section:
        lines = [line for root in self.model.roots for line in self._criterion_lines(root, 0)]
        return Section(self.words["criteria"], tuple(lines))

    def _criterion_lines(self, name: str, level: int) -> list[Line]:
        """A criterion's points and weight, then its sub-criteria or how its points were earned."""
        words, step, model = self.words, self.steps[f"criterion:{name}"], self._criterion(name)
        weight = f"{words['weight']} {percent(step.get('weight'), self.lang)}"
        if model.decl.parent:
            weight += f" {words['within']} {model.decl.parent}"
        contributes = words["contributes"].format(value=self.number(step.get("contribution"), score=True))
        lines = [Line(level, f"{self.label(model.decl)} — {weight} — {self.number(step.value, score=True)} "
                             f"{words['points']}, {contributes}", step.span)]
        if step.get("form") == "parent":
            lines.append(Line(level + 1, f"{words['sum_of']}:"))
            return lines + [line for child in model.children for line in self._criterion_lines(child, level + 2)]
        points = model.points
        if isinstance(points, ast.PointsExpr):
            formula = words["formula"].format(formula=self.say.formula(points.expr)[0])
            lines.append(Line(level + 1, f"{formula} = {self.number(step.get('raw'))} {self.reads(step)}".rstrip(),
                              points.span))
        elif isinstance(points, ast.PointsBand):
            lines += self._band_lines(points, step, level + 1)
        elif isinstance(points, ast.PointsTable):
            lines += self._table_lines(points, step, level + 1)
        if step.get("raw") != step.value:
            lines.append(self.rounded(level + 1, step.value))
        return lines

    def _band_lines(self, band: ast.PointsBand, step: TraceStep, level: int) -> list[Line]:
        """The band the value fell in, in words, with the points it gives."""
        subject, name = self.say.band_subject(band)
        value = self.value(name, step.get("subject")) if name else self.number(step.get("subject"))
        return [Line(level, self.words["band"].format(subject=subject, value=value, row=self.say.band_row(row, name),
                                                      points=self.number(points)), row.span)
                for row, points in ((band.rows[index], points) for index, points in step.get("matched"))]

    def _table_lines(self, table: ast.PointsTable, step: TraceStep, level: int) -> list[Line]:
        """The hit policy, then each matching row with what it gave, then the values the rows read."""
        words, matched = self.words, step.get("matched")
        lines = [Line(level, f"{words['table_' + table.policy]}{self._limit(table.limit)}:", table.span)]
        if not matched:
            lines.append(Line(level + 1, words["no_match"], table.span))
        for index, value in matched:
            row = table.rows[index]
            said = words["row_otherwise"] if row.condition is None else words["row"].format(
                condition=self.say.condition(row.condition))
            lines.append(Line(level + 1, f"{said} → {self.number(value)}", row.span))
        summed = add_all(value for _, value in matched)
        if table.limit is not None and summed != step.get("raw"):
            lines.append(Line(level + 1, words["sum_kept"].format(sum=self.number(summed),
                                                                  kept=self.number(step.get("raw"))),
                              table.limit.span))
        if step.reads:
            lines.append(Line(level + 1, self.reads(step)))
        return lines

    def _limit(self, limit: ast.SumLimit | None) -> str:
        """', at most 40' or ', kept between 10 and 40' after a sum table's policy; nothing without a limit."""
        if limit is None:
            return ""
        if limit.low is None:
            return self.words["sum_at_most"].format(high=self.number(limit.high))
        return self.words["sum_between"].format(low=self.number(limit.low), high=self.number(limit.high))

    def _adjustments(self) -> Section:
        words, lines = self.words, []
        for adjustment in self.model.adjustments:
            decl = adjustment.decl
            step = self.steps[f"{decl.kind}:{decl.name}"]
            state = words["applies"] if step.get("applied") else words["not_applies"]
            lines.append(Line(0, f"{words[decl.kind]} {self.label(decl)}: {state}, "
                                 f"{self.number(step.value, score=True)} {words['points']}", step.span))
            amount = self.say.formula(adjustment.amount)[0]
            if adjustment.condition is not None:
                amount = words["amount_when"].format(amount=amount, condition=self.say.condition(adjustment.condition))
            lines.append(Line(1, f"{amount} — {self.reads(step)}".rstrip(" —"), decl.amount.span))
        return Section(words["adjustments"], tuple(lines))

    def _lets(self) -> Section:
        lines = []
        for let in self.model.lets:
            step = self.steps[f"let:{let.decl.name}"]
            lines.append(Line(0, f"{self.label(let.decl)} = {self.value(let.decl.name, step.value)}", step.span))
            lines.append(Line(1, f"= {self.say.formula(let.expr)[0]} {self.reads(step)}".rstrip(), let.expr.span))
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
