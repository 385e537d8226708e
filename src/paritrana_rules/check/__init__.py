"""Checking: `ast.Rubric` -> `model.RubricModel` plus every diagnostic, sorted.

The checker never stops at the first problem. It resolves names, infers types,
reasons over the ranges that input declarations allow (`intervals.py`) to prove
that points stay on the scale and divisors are never zero, checks that weights
add up, and analyses bands and decision tables for gaps, overlaps and rows
that can never apply (`tables.py`). Diagnostic codes are stable and documented
in docs/errors.md: P syntax, N names, T types, W weights and criteria tree,
R ranges, bands and tables, G gates and adjustments, H header, L lint (warnings).
Stages are checked here too: an input's `from stage`, and each advance rule,
which may read `total` and only what is known by its stage (`stages.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from paritrana_rules.language import ast
from paritrana_rules.check import intervals, stages, tables
from paritrana_rules.data import MAX_DIGITS, MAX_MAGNITUDE, InputSpec
from paritrana_rules.errors import Diagnostic, Severity, did_you_mean
from paritrana_rules.language.expressions import names_read
from paritrana_rules.check.intervals import INF, Interval
from paritrana_rules.check.model import (
    BOOL,
    NUMBER,
    TEXT,
    UNKNOWN,
    AdjustmentModel,
    CriterionModel,
    GateModel,
    InputModel,
    LetModel,
    RubricModel,
    StageModel,
    ValueType,
)
from paritrana_rules.numeric import ROUNDING_MODES, add_all, normalize, places_needed, plain, round_to
from paritrana_rules.source import SourceFile, Span

LANGUAGES = ("id", "en")
RESERVED_INPUT_NAMES = ("id", "name")
_OPTION_SLOTS = {
    "between": ("lower bound", "upper bound"), "at_least": ("lower bound",), "at_most": ("upper bound",),
    "unit": ("unit",), "default": ("default",), "aggregate": ("aggregate",), "stage": ("stage",),
}


@attrs.frozen
class Analysed:
    """An expression after checking: resolved form, type and range (None when not numeric)."""

    expr: ast.Expr
    type: ValueType
    interval: Interval | None


def check(rubric: ast.Rubric, sources: Mapping[str, SourceFile]) -> tuple[RubricModel | None, list[Diagnostic]]:
    """Check a parsed (and merged) rubric; the model is None when any error (not warning) was found.

    `sources` maps each file path the rubric's spans name to its text, for excerpts.
    """
    checker = _Checker(rubric, sources)
    model = checker.run()
    has_errors = any(d.severity == "error" for d in checker.diagnostics)
    return (None if has_errors else model), checker.diagnostics


class _Checker:
    def __init__(self, rubric: ast.Rubric, sources: Mapping[str, SourceFile]) -> None:
        self.rubric = rubric
        self.sources = dict(sources)
        self.source = self.sources.get(rubric.path) or SourceFile(rubric.path, "")
        self.diagnostics: list[Diagnostic] = []
        self.values: dict[str, InputModel | LetModel] = {}  # names usable in expressions
        self.declared: dict[str, Span] = {}  # every declared name, first occurrence
        self.declared_in: dict[tuple[str, str], Span] = {}  # (namespace, name) -> where declared
        self.used: set[str] = set()
        self.member_owner: dict[str, str] = {}  # enum member -> an input that has it
        self.rounding_mode = "half_up"
        self.rounding_places = 2
        self.suggested: set[str] = set()  # names offered as did-you-mean: not "unused", just misspelt
        self.stage_order: dict[str, int] = {}  # declared stage -> its index, first declaration of each name
        self.advancing: tuple[str, int, Mapping[str, int]] | None = None  # stage, index, value stages: in an advance rule

    # ------------------------------------------------------------ reporting

    def report(self, code: str, message: str, span: Span, hint: str | None = None, severity: Severity = "error") -> None:
        source = self.sources.get(span.path, self.source)
        self.diagnostics.append(Diagnostic(code, message, span, source.line_text(span.line), hint, severity))

    # ------------------------------------------------------------ driver

    def run(self) -> RubricModel:
        category, sector, round_, scale, rounding = self._header()
        self.scale = Interval(*scale)
        declarations = self.rubric.declarations
        self._declare_names(declarations)
        stage_decls = [d for d in declarations if isinstance(d, ast.StageDecl)]
        for decl in stage_decls:
            self.stage_order.setdefault(decl.name, len(self.stage_order))
        inputs = [self._input(d) for d in declarations if isinstance(d, ast.InputDecl)]
        lets = self._lets([d for d in declarations if isinstance(d, ast.LetDecl)])
        criteria, roots = self._criteria([d for d in declarations if isinstance(d, ast.CriterionDecl)])
        gates = [self._gate(d) for d in declarations if isinstance(d, ast.GateDecl)]
        adjustments = [self._adjustment(d) for d in declarations if isinstance(d, ast.AdjustmentDecl)]
        stage_models = self._stages(stage_decls, stages.value_stages(inputs, lets))
        self._unused(inputs, lets)
        self._repeated_texts()
        self._translations()
        model = RubricModel(
            rubric=self.rubric, source=self.source, sources=self.sources, category=category, sector=sector,
            round=round_, scale=scale, rounding_mode=rounding[0], rounding_places=rounding[1], inputs=tuple(inputs),
            lets=tuple(lets), criteria=tuple(criteria), roots=tuple(roots), gates=tuple(gates), adjustments=tuple(adjustments),
            properties=self._properties(criteria), ranking=self._ranking(criteria), stages=stage_models,
        )
        self._idle_stages(model)
        return model

    # ------------------------------------------------------------ header

    def _header(self) -> tuple[str, str | None, str | None, tuple[Decimal, Decimal], tuple[str, int]]:
        rubric = self.rubric
        years_ok = True
        for year, what, span in ((rubric.edition, "edition", rubric.edition_span),
                                 (rubric.period, "period", rubric.period_span)):
            if year != year.to_integral_value() or not 2000 <= year <= 2100:
                years_ok = False
                self.report("H100", f"the {what} must be a year such as 2024, got {plain(year)}", span,
                            "write the year in four digits, e.g. edition 2024 period 2023")
        if years_ok and rubric.period > rubric.edition:
            self.report("H101", f"the assessment period {plain(rubric.period)} is after the edition {plain(rubric.edition)}",
                        rubric.period_span, "the 2024 edition assesses the period 2023: write edition 2024 period 2023")
        clauses: dict[str, list[ast.HeaderClause]] = {}
        for clause in rubric.clauses:
            clauses.setdefault(clause.kind, []).append(clause)
        for kind, found in clauses.items():
            for extra in found[1:]:
                self.report("H102", f"'{kind}' is given more than once", extra.span, f"keep one '{kind}' line")
        category = self._required(clauses, "category", "add a line such as: category pemerintah_desa")
        scale = self._required(clauses, "scale", "add a line such as: scale 0 to 100")
        rounding = self._required(clauses, "rounding", "add a line such as: rounding half_up to 2 places")
        sector = clauses.get("sector", [None])[0]
        round_ = clauses.get("round", [None])[0]
        low, high = (Decimal(0), Decimal(100))
        if scale is not None:
            low, high = scale.values  # type: ignore[assignment]
            if low >= high:
                self.report("H104", f"the scale runs from {plain(low)} to {plain(high)}; the first number must be smaller",
                            scale.span, "write the lowest score first, e.g. scale 0 to 100")
                low, high = Decimal(0), Decimal(100)
        mode, places = "half_up", 2
        if rounding is not None:
            mode_name, places_value = str(rounding.values[0]), Decimal(str(rounding.values[1]))
            if mode_name not in ROUNDING_MODES:
                self.report("H105", f"unknown rounding mode '{mode_name}'", rounding.span,
                            f"use one of: {', '.join(ROUNDING_MODES)}")
            else:
                mode = str(mode_name)
            if places_value != places_value.to_integral_value() or not 0 <= places_value <= 10:
                self.report("H106", "rounding places must be a whole number from 0 to 10", rounding.span,
                            "e.g. rounding half_up to 2 places")
            else:
                places = int(places_value)
        self.rounding_mode = mode
        self.rounding_places = places
        for end in (low, high):
            self._size(end, scale.span if scale is not None else rubric.span)
        if scale is not None and any(places_needed(end) > places for end in (low, high)):
            self.report("H107", f"the scale's ends need more decimals than totals are rounded to ({places})",
                        scale.span, "a rounded total could fall outside such a scale: use ends such as 0 to 100")
        if not any(m.kind == "label" for m in rubric.meta):
            self.report("L803", "the rubric has no label", rubric.span,
                        'add: label id "..." en "..." under the rubric line', "warning")
        return (
            str(category.values[0]) if category else "",
            str(sector.values[0]) if sector else None,
            str(round_.values[0]) if round_ else None,
            (low, high),
            (mode, places),
        )

    def _required(self, clauses: dict[str, list[ast.HeaderClause]], kind: str, hint: str) -> ast.HeaderClause | None:
        if kind in clauses:
            return clauses[kind][0]
        self.report("H103", f"the rubric header has no '{kind}' line", self.rubric.span, hint)
        return None

    # ------------------------------------------------------------ names

    def _declare_names(self, declarations: tuple[ast.Declaration, ...]) -> None:
        """Inputs and lets share one namespace, criteria another, gates and adjustments a third."""
        for decl in declarations:
            namespace = _namespace(decl)
            key = (namespace, decl.name)
            if key in self.declared_in:
                first = self.declared_in[key]
                self.report("N201", f"'{decl.name}' is already declared on line {first.line}", decl.name_span,
                            f"give each {namespace} its own name")
            else:
                self.declared_in[key] = decl.name_span
                self.declared.setdefault(decl.name, decl.name_span)
            if isinstance(decl, ast.InputDecl):
                for member in decl.type.members:
                    self.member_owner.setdefault(member.name, decl.name)

    # ------------------------------------------------------------ inputs

    def _input(self, decl: ast.InputDecl) -> InputModel:
        kind = decl.type.kind
        if decl.name in RESERVED_INPUT_NAMES:
            self.report("N203", f"'{decl.name}' is reserved for the candidate's {decl.name} in data files",
                        decl.name_span, "rename the input, e.g. 'nama_kandidat'" if decl.name == "name" else
                        "rename the input, e.g. 'kode_kandidat'")
        members = self._members(decl)
        value_type = {
            "number": NUMBER, "count": NUMBER, "panel": NUMBER, "bool": BOOL, "text": TEXT,
            "one_of": ValueType("enum", members), "set_of": ValueType("set", members),
        }[kind]
        stage = 0
        lower: Decimal | None = Decimal(0) if kind == "count" else None
        upper: Decimal | None = None
        unit: str | None = None
        aggregate: str | None = None
        given: dict[str, ast.InputOption] = {}  # which option set the lower and upper bound, unit, default
        for option in decl.options:
            words = option.kind.replace("_", " ")
            if option.kind == "aggregate" and kind != "panel" or option.kind == "default" and kind == "panel":
                self.report("T318", f"'{words}' does not apply to {_kind_words(kind)} input '{decl.name}'",
                            option.span, "only a panel of jurors' scores is aggregated, and a panel has no default"
                            if kind != "panel" else "a panel's scores are always given; remove the default")
                continue
            if option.kind not in ("default", "aggregate", "stage") and kind not in ("number", "count", "panel"):
                self.report("T311", f"'{words}' only applies to number and count inputs; '{decl.name}' is "
                            f"{_kind_words(kind)}", option.span, "remove it: only numbers and counts have bounds and units")
                continue
            for slot in _OPTION_SLOTS[option.kind]:
                if slot in given:
                    self.report("T310", f"the {slot} of '{decl.name}' is given twice (first on line "
                                f"{given[slot].span.line})", option.span, f"keep one {slot}")
                given[slot] = option
            if kind == "count" and option.kind in ("between", "at_least", "at_most"):
                for bound in (Decimal(str(v)) for v in option.values):
                    if bound < 0 or bound != bound.to_integral_value():
                        self.report("T312", f"count '{decl.name}' has bound {plain(bound)}; counts are whole numbers "
                                    "from 0", option.span, "use a whole number, e.g. at least 1")
            for value in option.values:
                if isinstance(value, Decimal):
                    self._size(value, option.span)
            if option.kind == "between":
                lower, upper = option.values  # type: ignore[assignment]
            elif option.kind == "at_least":
                lower = option.values[0]  # type: ignore[assignment]
            elif option.kind == "at_most":
                upper = option.values[0]  # type: ignore[assignment]
            elif option.kind == "unit":
                unit = str(option.values[0])
            elif option.kind == "aggregate":
                aggregate = str(option.values[0])
            elif option.kind == "stage":
                stage = self._arrival(decl, option)
        default_option = given.get("default")
        if kind == "panel" and aggregate is None:
            self.report("T317", f"panel '{decl.name}' does not say how the jurors' scores are combined", decl.type.span,
                        "add: aggregate mean, aggregate median, or aggregate trimmed mean (drops the highest and "
                        "the lowest score)")
        if lower is not None and upper is not None and lower > upper:
            self.report("R507", f"input '{decl.name}' can take no value: at least {plain(lower)} but at most {plain(upper)}",
                        given.get("upper bound", given.get("lower bound", decl)).span,
                        "the lower bound must not be above the upper one: swap them")
        default = self._default(decl, default_option, value_type, lower, upper)
        interval = None
        if value_type == NUMBER:
            interval = Interval(lower if lower is not None else -INF, upper if upper is not None else INF)
        spec = InputSpec(
            name=decl.name, kind=kind, members=members, lower=lower, upper=upper,
            has_default=default_option is not None, default=default, unit=unit, aggregate=aggregate,
        )
        model = InputModel(spec, decl, value_type, interval, stage)
        self.values.setdefault(decl.name, model)
        return model

    def _arrival(self, decl: ast.InputDecl, option: ast.InputOption) -> int:
        """The index of the stage an input's `from stage NAME` names (0 when it names none that is declared)."""
        name = str(option.values[0])
        where = _last_word(option.span, name)
        if not self.stage_order:
            self.report("N216", f"input '{decl.name}' arrives 'from stage {name}', but the rubric declares no stages",
                        where, "declare the stages in order first (e.g. stage penapisan, stage wawancara), or remove "
                        "'from stage ...': without stages every input is known from the start")
        elif name not in self.stage_order:
            suggestion = did_you_mean(name, self.stage_order)
            if suggestion:
                self.suggested.add(suggestion.split("'")[1])
            self.report("N215", f"unknown stage '{name}'", where,
                        suggestion or f"the stages are: {', '.join(self.stage_order)}")
        return self.stage_order.get(name, 0)

    def _members(self, decl: ast.InputDecl) -> tuple[str, ...]:
        names: list[str] = []
        for member in decl.type.members:
            if member.name in names:
                self.report("N205", f"'{member.name}' is listed twice in input '{decl.name}'", member.span,
                            "remove the repeated value")
            else:
                names.append(member.name)
            if ("input and let", member.name) in self.declared_in:
                self.report("N206", f"value '{member.name}' of input '{decl.name}' has the same name as a declaration",
                            member.span, "rename one of them; a name must mean one thing")
        return tuple(names)

    def _default(self, decl: ast.InputDecl, option: ast.InputOption | None, value_type: ValueType,
                 lower: Decimal | None, upper: Decimal | None) -> object:
        if option is None:
            return None
        literal = option.values[0]
        value: object = None
        ok = False
        match literal:
            case ast.Number(number) if value_type == NUMBER:
                value, ok = normalize(number), True
                if decl.type.kind == "count" and number != number.to_integral_value():
                    ok = False
            case ast.Bool(flag) if value_type == BOOL:
                value, ok = flag, True
            case ast.String(text) if value_type == TEXT:
                value, ok = text, bool(text.strip())
            case ast.Name(member) if value_type.kind == "enum":
                value, ok = member, member in value_type.members
                if not ok:
                    self.report("N202", f"'{member}' is not a value of input '{decl.name}'", literal.span,
                                did_you_mean(member, value_type.members) or f"use one of: {', '.join(value_type.members)}")
                    return None
            case ast.SetLiteral(names) if value_type.kind == "set":
                unknown = [n for n in names if n.id not in value_type.members]
                for name in unknown:
                    self.report("N202", f"'{name.id}' is not a value of input '{decl.name}'", name.span,
                                did_you_mean(name.id, value_type.members) or
                                f"use values of: {', '.join(value_type.members)}")
                value, ok = frozenset(n.id for n in names), not unknown
                if unknown:
                    return None
        if not ok:
            self.report("T313", f"the default of '{decl.name}' must be {value_type.describe()}", option.span,
                        f"e.g. default {_example_default(decl.type)}")
            return None
        if isinstance(value, Decimal) and (lower is not None and value < lower or upper is not None and value > upper):
            self.report("R508", f"the default {plain(value)} of '{decl.name}' is outside its bounds", option.span,
                        "choose a default within the bounds, or widen them")
        return value

    # ------------------------------------------------------------ lets

    def _lets(self, decls: list[ast.LetDecl]) -> list[LetModel]:
        by_name = {d.name: d for d in decls}
        order: list[LetModel] = []
        state: dict[str, str] = {}

        def visit(decl: ast.LetDecl, chain: list[str]) -> None:
            if state.get(decl.name) == "done":
                return
            if state.get(decl.name) == "active":
                cycle = " -> ".join([*chain[chain.index(decl.name):], decl.name])
                self.report("N204", f"'{decl.name}' depends on itself: {cycle}", decl.name_span,
                            "a let may only use inputs and other lets that do not use it")
                return
            state[decl.name] = "active"
            for name in names_read(decl.expr):
                if name in by_name:
                    visit(by_name[name], [*chain, decl.name])
            analysed = self._expr(decl.expr)
            model = LetModel(decl, analysed.expr, analysed.type, analysed.interval)
            if self.declared_in.get(("input and let", decl.name)) == decl.name_span:
                self.values[decl.name] = model
            order.append(model)
            state[decl.name] = "done"

        for decl in decls:
            visit(decl, [])
        return order

    # ------------------------------------------------------------ expressions

    def _expr(self, expr: ast.Expr) -> Analysed:
        match expr:
            case ast.Number(value):
                self._size(value, expr.span)
                return Analysed(expr, NUMBER, Interval.point(value))
            case ast.Bool():
                return Analysed(expr, BOOL, None)
            case ast.String():
                return Analysed(expr, TEXT, None)
            case ast.Name(name):
                return self._name(expr)
            case ast.SetLiteral():
                self.report("T301", "a list of values {...} can only follow 'in' or 'not in'", expr.span,
                            "write e.g. hadir in {kepala_desa, sekretaris_desa}")
                return Analysed(expr, UNKNOWN, None)
            case ast.Unary("not", operand):
                inner = self._expect(operand, BOOL, "'not' needs a yes/no condition")
                return Analysed(attrs.evolve(expr, operand=inner.expr), BOOL, None)
            case ast.Unary("-", operand):
                inner = self._expect(operand, NUMBER, "'-' needs a number")
                return Analysed(attrs.evolve(expr, operand=inner.expr), NUMBER, _opt(intervals.negate, inner.interval))
            case ast.Binary(op, _, _):
                return self._binary(expr)
            case ast.IfThenElse(condition, then, otherwise):
                c = self._expect(condition, BOOL, "the condition after 'if' must be yes/no")
                a, b = self._expr(then), self._expr(otherwise)
                result_type = a.type
                if UNKNOWN not in (a.type, b.type) and a.type != b.type:
                    self.report("T302", f"the two branches give different kinds of value: {a.type.describe()} after "
                                f"'then', {b.type.describe()} after 'else'", expr.span,
                                "make both branches numbers, or both yes/no")
                    result_type = UNKNOWN
                interval = a.interval.hull(b.interval) if a.interval and b.interval else None
                return Analysed(attrs.evolve(expr, condition=c.expr, then=a.expr, otherwise=b.expr), result_type, interval)
            case ast.Call():
                return self._call(expr)
        raise TypeError(f"unexpected expression {expr!r}")

    def _size(self, value: Decimal, span: Span) -> None:
        """Numbers in a rubric stay well inside the engine's 50 digits, as inputs must (data.MAX_DIGITS)."""
        digits = len(value.as_tuple().digits)
        if value and (value.adjusted() >= MAX_MAGNITUDE or digits > MAX_DIGITS):
            self.report("T316", f"{plain(value)} is too large or too precise to compute with exactly", span,
                        f"numbers must be below 10^{MAX_MAGNITUDE} with at most {MAX_DIGITS} digits")

    def _name(self, expr: ast.Name) -> Analysed:
        name = expr.id
        if name == stages.TOTAL:
            return self._total(expr)
        target = self.values.get(name)
        if target is not None:
            self.used.add(name)
            if self.advancing is not None:
                self._known_in_time(expr, target)
            return Analysed(expr, target.type, target.interval)
        if name in self.member_owner:
            owner = self.member_owner[name]
            self.report("N207", f"'{name}' is a value of input '{owner}', not a name on its own", expr.span,
                        f"compare it, e.g. '{owner} is {name}' or '{name} in {owner}'")
        elif ("input and let", name) in self.declared_in:
            pass  # a let caught in a cycle, already reported
        elif name in self.declared:
            self.report("N208", f"'{name}' is a criterion, gate or adjustment; only inputs and lets can be used in "
                        "expressions", expr.span, "use the inputs or lets it is computed from, or compute it in a 'let'")
        else:
            suggestion = did_you_mean(name, self.values)
            if suggestion:
                self.suggested.add(suggestion.split("'")[1])
            self.report("N200", f"unknown name '{name}'", expr.span,
                        suggestion or "declare it with 'input' or 'let' first")
        return Analysed(expr, UNKNOWN, None)

    def _total(self, expr: ast.Name) -> Analysed:
        """`total` is the provisional total of a stage: it means something in an advance rule only."""
        if self.advancing is None:
            self.report("N217", "'total' can only be used in a stage's advance rule", expr.span,
                        "'total' is the provisional total, known only where a stage decides who goes on; for a "
                        "value of your own, choose another name, e.g. 'total_desa'")
            return Analysed(expr, UNKNOWN, None)
        return Analysed(expr, NUMBER, self.scale)  # the total is kept within the scale

    def _known_in_time(self, expr: ast.Name, target: InputModel | LetModel) -> None:
        """An advance rule decides with what is known at its stage; a later input cannot be read yet."""
        assert self.advancing is not None
        stage, index, known = self.advancing
        arrives = known.get(expr.id, 0)
        if arrives <= index:
            return
        later = list(self.stage_order)[arrives]
        known_by = f"decide with what is known by stage '{stage}': its inputs, earlier ones, and total"
        if isinstance(target, InputModel):
            what, hint = "arrives", f"{known_by}; or, if the input really comes in by then, give it 'from stage {stage}'"
        else:
            what, hint = "is computed from data that arrives", known_by
        self.report("N218", f"the advance rule of stage '{stage}' reads '{expr.id}', which {what} at the later stage "
                    f"'{later}'", expr.span, hint)

    def _expect(self, expr: ast.Expr, expected: ValueType, message: str) -> Analysed:
        result = self._expr(expr)
        if UNKNOWN not in (result.type, expected) and result.type.kind != expected.kind:
            self.report("T300", f"{message}, but this is {result.type.describe()}", expr.span, _type_hint(result.type, expected))
            return Analysed(result.expr, UNKNOWN, None)
        return result

    def _binary(self, expr: ast.Binary) -> Analysed:
        op = expr.op
        if op in ("and", "or"):
            left = self._expect(expr.left, BOOL, f"'{op}' joins yes/no conditions")
            right = self._expect(expr.right, BOOL, f"'{op}' joins yes/no conditions")
            return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)
        if op in ("+", "-", "*", "/"):
            return self._arithmetic(expr)
        if op in ("<", "<=", ">", ">="):
            left = self._expect(expr.left, NUMBER, f"'{op}' compares numbers")
            right = self._expect(expr.right, NUMBER, f"'{op}' compares numbers")
            return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)
        if op in ("in", "not in"):
            return self._membership(expr)
        return self._equality(expr)

    def _arithmetic(self, expr: ast.Binary) -> Analysed:
        left = self._expect(expr.left, NUMBER, f"'{expr.op}' works on numbers")
        right = self._expect(expr.right, NUMBER, f"'{expr.op}' works on numbers")
        resolved = attrs.evolve(expr, left=left.expr, right=right.expr)
        if left.interval is None or right.interval is None:
            return Analysed(resolved, NUMBER if UNKNOWN not in (left.type, right.type) else UNKNOWN, None)
        if expr.op == "/":
            if right.interval.contains_zero():
                self.report("T303", f"this division can be by zero: the divisor can be {right.interval.describe()}",
                            expr.span, "declare the divisor 'at least 1', or write ratio(a, b, if zero 0) to say what "
                            "a zero divisor gives")
                return Analysed(resolved, NUMBER, Interval.everything())
            return Analysed(resolved, NUMBER, intervals.div(left.interval, right.interval))
        operation = {"+": intervals.add, "-": intervals.sub, "*": intervals.mul}[expr.op]
        return Analysed(resolved, NUMBER, operation(left.interval, right.interval))

    def _membership(self, expr: ast.Binary) -> Analysed:
        right_node = expr.right
        if isinstance(right_node, ast.SetLiteral):
            left = self._expr(expr.left)
            if left.type.kind != "enum":
                if left.type != UNKNOWN:
                    self.report("T304", f"'{expr.op} {{...}}' needs a one-of input on its left, but this is "
                                f"{left.type.describe()}", expr.left.span,
                                "a list {...} tests a one-of input, e.g. hadir in {kepala_desa, sekretaris_desa}")
                return Analysed(expr, BOOL, None)
            members = tuple(self._member(n, left.type, expr.left) for n in right_node.members)
            resolved_set = attrs.evolve(right_node, members=tuple(ast.Name(m.id, m.span) for m in members))
            return Analysed(attrs.evolve(expr, left=left.expr, right=resolved_set), BOOL, None)
        right = self._expr(right_node)
        if right.type.kind != "set":
            if right.type != UNKNOWN:
                self.report("T305", f"'{expr.op}' needs a set-of input or a list {{...}} on its right, but this is "
                            f"{right.type.describe()}", right_node.span,
                            "compare a one-of input with 'is', e.g. hadir_wawancara is kepala_desa"
                            if right.type.kind == "enum" else
                        "write a set-of input or a list of values after it, e.g. perdes in regulasi")
            return Analysed(expr, BOOL, None)
        left_node = expr.left
        if isinstance(left_node, ast.Name) and left_node.id not in self.values:
            member = self._member(left_node, right.type, right_node)
            return Analysed(attrs.evolve(expr, left=member, right=right.expr), BOOL, None)
        left = self._expr(left_node)
        missing = [m for m in left.type.members if m not in right.type.members]
        if left.type.kind == "enum" and missing:
            self.report("T306", f"{', '.join(missing)} can be on the left but never in the set on the right", expr.span,
                        "compare inputs whose values match, or test the values one by one")
        elif left.type.kind != "enum" and left.type != UNKNOWN:
            self.report("T304", f"only a value of the set can be 'in' it, but this is {left.type.describe()}",
                        left_node.span, "write one of the set's values, e.g. perdes in regulasi")
        return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)

    def _member(self, node: ast.Name, enum: ValueType, owner: ast.Expr) -> ast.Member:
        if node.id not in enum.members:
            owner_name = owner.id if isinstance(owner, ast.Name) else "this value"
            self.report("N202", f"'{node.id}' is not a value of '{owner_name}'", node.span,
                        did_you_mean(node.id, enum.members) or f"the values are: {', '.join(enum.members)}")
        return ast.Member(node.id, node.span)

    def _equality(self, expr: ast.Binary) -> Analysed:
        left = self._expr(expr.left)
        if left.type.kind == "enum" and isinstance(expr.right, ast.Name) and expr.right.id not in self.values:
            member = self._member(expr.right, left.type, expr.left)
            return Analysed(attrs.evolve(expr, left=left.expr, right=member), BOOL, None)
        right = self._expr(expr.right)
        if UNKNOWN in (left.type, right.type):
            return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)
        if left.type != right.type:
            self.report("T307", f"'{expr.op}' compares {left.type.describe()} with {right.type.describe()}", expr.span,
                        "both sides must be the same kind of value")
        elif left.type.kind == "set":
            self.report("T308", "sets cannot be compared with '=' or 'is'", expr.span,
                        "test single values with 'in', or compare 'count of' the set")
        elif expr.op in ("is", "is not") and left.type == NUMBER:
            self.report("T309", f"'{expr.op}' is for yes/no and one-of values; compare numbers with = or !=", expr.span,
                        f"write {'=' if expr.op == 'is' else '!='} instead")
        return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)

    def _call(self, expr: ast.Call) -> Analysed:
        func = expr.func
        if func == "count_of":
            inner = self._expr(expr.args[0])
            if inner.type.kind != "set":
                if inner.type != UNKNOWN:
                    self.report("T300", f"'count of' counts the values of a set-of input, but this is "
                                f"{inner.type.describe()}", expr.args[0].span)
                return Analysed(expr, NUMBER, Interval(Decimal(0), INF))
            return Analysed(attrs.evolve(expr, args=(inner.expr,)), NUMBER,
                            Interval(Decimal(0), Decimal(len(inner.type.members))))
        if func == "round":
            value = self._expect(expr.args[0], NUMBER, "round() rounds a number")
            places = expr.args[1]
            assert isinstance(places, ast.Number)
            if places.value != places.value.to_integral_value() or places.value > 10:
                self.report("T314", "round() takes a whole number of places from 0 to 10", places.span,
                        "e.g. round(cakupan, 2)")
            interval = value.interval
            if interval is not None and places.value <= 10:
                interval = Interval(*(_rounded(b, int(places.value), self.rounding_mode)
                                      for b in (interval.low, interval.high)))
            return Analysed(attrs.evolve(expr, args=(value.expr, places)), NUMBER, interval)
        args = [self._expect(a, NUMBER, f"{func}() works on numbers") for a in expr.args]
        resolved = attrs.evolve(expr, args=tuple(a.expr for a in args))
        ranges = [a.interval for a in args]
        if any(r is None for r in ranges):
            return Analysed(resolved, NUMBER, None)
        known = [r for r in ranges if r is not None]
        if func == "min":
            return Analysed(resolved, NUMBER, intervals.minimum(known))
        if func == "max":
            return Analysed(resolved, NUMBER, intervals.maximum(known))
        if func == "clamp":
            if known[1].low > known[2].high:
                self.report("R509", "clamp's lower limit is above its upper limit", expr.span,
                        "write the limits in order: clamp(value, lowest, highest)")
            return Analysed(resolved, NUMBER, intervals.clamp(*known))
        return Analysed(resolved, NUMBER, intervals.ratio(*known))

    # ------------------------------------------------------------ criteria

    def _criteria(self, decls: list[ast.CriterionDecl]) -> tuple[list[CriterionModel], list[str]]:
        """The criteria tree. A broken tree (unknown parent, a cycle) is reported once; the weight
        checks that would only repeat it in other words are then skipped."""
        by_name = {d.name: d for d in decls}
        children: dict[str | None, list[ast.CriterionDecl]] = {}
        orphans = False
        for decl in decls:
            parent = decl.parent
            if parent is not None and parent not in by_name:
                assert decl.parent_span is not None
                self.report("N209", f"unknown parent criterion '{parent}'", decl.parent_span,
                            did_you_mean(parent, by_name) or "declare the parent criterion first, without points")
                orphans = True
                continue
            children.setdefault(parent, []).append(decl)
        cyclic = self._parent_cycles(by_name)
        if not orphans and not cyclic:
            self._weights(children)
        models = []
        for decl in decls:
            kids = tuple(c.name for c in children.get(decl.name, []))
            points = self._points_of(decl, kids, decl.name in cyclic)
            models.append(CriterionModel(decl, decl.weight / 100, kids, points))
        return models, [d.name for d in children.get(None, [])]

    def _parent_cycles(self, by_name: dict[str, ast.CriterionDecl]) -> set[str]:
        """Report criteria that end up under themselves; returns every criterion on such a loop."""
        cyclic: set[str] = set()
        for decl in by_name.values():
            chain = [decl.name]
            parent = decl.parent
            while parent is not None and parent in by_name and parent not in chain:
                chain.append(parent)
                parent = by_name[parent].parent
            if parent == decl.name:
                assert decl.parent_span is not None
                cyclic.update(chain)
                self.report("W404", f"criterion '{decl.name}' is inside itself: {' under '.join([*chain, decl.name])}",
                            decl.parent_span, "name the right parent after 'under' (or remove 'under' for a top-level "
                            "criterion) so the criteria form a tree")
        return cyclic

    def _weights(self, children: dict[str | None, list[ast.CriterionDecl]]) -> None:
        if not children.get(None):
            self.report("W405", "the rubric has no criteria", self.rubric.span, "add: criterion NAME weight 100%")
        for parent, group in children.items():
            for decl in group:
                if decl.weight <= 0 or decl.weight > 100:
                    self.report("W402", f"weight {plain(decl.weight)}% of '{decl.name}' must be above 0% and at most "
                                "100%", decl.weight_span,
                                "give it a weight such as 10%, or remove a criterion that should not count")
            total = add_all(d.weight for d in group)
            if total != 100:
                where = "top-level criteria" if parent is None else f"criteria under '{parent}'"
                parts = " + ".join(f"{d.name} {plain(d.weight)}%" for d in group)
                # Point at a weight written in this file when there is one: in an edition built with
                # `extends`, that is the change that broke the sum.
                local = [d for d in group if d.weight_span.path == self.rubric.path]
                self.report("W400", f"weights of the {where} add up to {plain(total)}%, not 100%",
                            (local or group)[-1].weight_span,
                            f"{parts} = {plain(total)}%; change the weights so they add up to 100%")

    def _points_of(self, decl: ast.CriterionDecl, kids: tuple[str, ...], cyclic: bool) -> ast.Points | None:
        if cyclic:
            return self._points(decl.name, decl.points[0]) if decl.points else None
        if kids and decl.points:
            self.report("W403", f"criterion '{decl.name}' has sub-criteria and its own points", decl.points[0].span,
                        "a parent's points are the weighted sum of its sub-criteria: remove this points clause")
            return None
        if not kids and not decl.points:
            self.report("W401", f"criterion '{decl.name}' has no points and no sub-criteria", decl.name_span,
                        "add a 'points ...' clause, or criteria 'under' it")
            return None
        for extra in decl.points[1:]:
            self.report("W406", f"criterion '{decl.name}' has more than one points clause", extra.span, "keep one")
        if not decl.points:
            return None
        return self._points(decl.name, decl.points[0])

    def _points(self, name: str, points: ast.Points) -> ast.Points:
        match points:
            case ast.PointsExpr(expr):
                analysed = self._expect(expr, NUMBER, "points must be a number")
                self._on_scale(name, analysed.interval, expr.span)
                return attrs.evolve(points, expr=analysed.expr)
            case ast.PointsBand():
                return self._band(name, points)
            case ast.PointsTable():
                return self._table(name, points)
        raise TypeError(points)

    def _on_scale(self, name: str, interval: Interval | None, span: Span, what: str = "points") -> None:
        if interval is None or interval.within(self.scale):
            return
        self.report("R500", f"{what} of '{name}' can be {interval.describe()}, outside the scale "
                    f"{self.scale.describe()}", span,
                    f"limit it with clamp(..., {plain(self.scale.low)}, {plain(self.scale.high)}) or use a band")

    def _band(self, name: str, band: ast.PointsBand) -> ast.PointsBand:
        before = len(self.diagnostics)
        subject = self._expect(band.subject, NUMBER, "a band needs a number to look up")
        rows = []
        for row in band.rows:
            value = self._expect(row.points, NUMBER, "band points must be a number")
            self._on_scale(name, value.interval, row.points.span)
            rows.append(attrs.evolve(row, points=value.expr))
            if row.otherwise and row is not band.rows[-1]:
                self.report("R506", "'otherwise' must be the last band; bands after it can never apply", row.span,
                            "move the 'otherwise' row to the end, and keep only one")
            if tables.empty_band_row(row):
                self.report("R510", "this band contains no value: its lower end is not below its upper end", row.span,
                        "write the lower end first, e.g. 'from 50 to below 75'")
        resolved = attrs.evolve(band, subject=subject.expr, rows=tuple(rows))
        if subject.interval is not None and not self._errors_since(before):
            whole = (isinstance(band.subject, ast.Name) and self._is_count(band.subject.id)
                     or isinstance(band.subject, ast.Call) and band.subject.func == "count_of")
            for diagnostic in tables.analyse_band(resolved, subject.interval, _describe_expr(band.subject), whole):
                self.report(*diagnostic)
        return resolved

    def _is_count(self, name: str) -> bool:
        value = self.values.get(name)
        return isinstance(value, InputModel) and value.spec.kind == "count"

    def _errors_since(self, count: int) -> bool:
        """Whether errors were reported since; an analysis on top of them would only echo them."""
        return any(d.severity == "error" for d in self.diagnostics[count:])

    def _table(self, name: str, table: ast.PointsTable) -> ast.PointsTable:
        before = len(self.diagnostics)
        rows = []
        for index, row in enumerate(table.rows):
            condition = None
            if row.condition is not None:
                condition = self._expect(row.condition, BOOL, "a table row's condition must be yes/no").expr
            elif index != len(table.rows) - 1:
                self.report("R506", "'otherwise' must be the last row; rows after it can never apply",
                            table.rows[index + 1].span, "move the 'otherwise' row to the end")
            value = self._expect(row.points, NUMBER, "table points must be a number")
            if table.policy != "sum":
                self._on_scale(name, value.interval, row.points.span)
            rows.append((attrs.evolve(row, condition=condition, points=value.expr), value.interval))
        resolved = attrs.evolve(table, rows=tuple(r for r, _ in rows))
        if self._errors_since(before):
            return resolved
        analysis = tables.analyse_table(resolved, self.values, self.rounding_mode)
        for diagnostic in analysis.diagnostics:
            self.report(*diagnostic)
        if table.policy == "sum":
            interval = analysis.points_range or _sum_range([i for _, i in rows])
            self._on_scale(name, interval, table.span, "the sum of matching rows")
        return resolved

    # ------------------------------------------------------------ gates and adjustments

    def _gate(self, decl: ast.GateDecl) -> GateModel:
        condition = self._expect(decl.condition, BOOL, "a gate's condition must be yes/no")
        if decl.action == "cap" and decl.cap is not None and places_needed(decl.cap) > self.rounding_places:
            self.report("G603", f"the cap {plain(decl.cap)} has more decimals than totals are rounded to "
                        f"({self.rounding_places})", decl.action_span, "write the cap with at most as many decimals, "
                        "so a capped total is exactly the cap")
        if decl.action == "cap" and decl.cap is not None and not Interval.point(decl.cap).within(self.scale):
            self.report("G602", f"the cap {plain(decl.cap)} is outside the scale {self.scale.describe()}", decl.action_span,
                        f"choose a cap from {plain(self.scale.low)} to {plain(self.scale.high)}")
        if not any(m.kind == "reason" for m in decl.meta):
            self.report("G600", f"gate '{decl.name}' has no reason", decl.name_span,
                        'add: reason id "..." en "..." — it is shown to the candidate when the gate fails')
        return GateModel(decl, condition.expr)

    def _adjustment(self, decl: ast.AdjustmentDecl) -> AdjustmentModel:
        amount = self._expect(decl.amount, NUMBER, f"a {decl.kind} must be a number of points")
        if amount.interval is not None and amount.interval.low < 0:
            self.report("G601", f"{decl.kind} '{decl.name}' can be negative ({amount.interval.describe()})", decl.amount.span,
                        "a bonus adds and a penalty subtracts: give a number of points from 0 up")
        condition = None
        if decl.condition is not None:
            condition = self._expect(decl.condition, BOOL, f"the condition after 'when' must be yes/no").expr
        return AdjustmentModel(decl, amount.expr, condition)

    # ------------------------------------------------------------ stages

    def _stages(self, decls: list[ast.StageDecl], known: Mapping[str, int]) -> tuple[StageModel, ...]:
        """Each stage with its advance rule checked: yes/no, reading only what is known by then."""
        models = []
        for decl in decls:
            if self.declared_in.get(("stage", decl.name)) != decl.name_span:
                continue  # a second declaration of the name, reported as N201
            index = self.stage_order[decl.name]
            for extra in decl.advance[1:]:
                self.report("W408", f"stage '{decl.name}' has more than one advance rule", extra.span,
                            "keep one: join the conditions with 'and' or 'or'")
            advance = None
            if decl.advance:
                self.advancing = (decl.name, index, known)
                advance = self._expect(decl.advance[0], BOOL, "an advance rule must be yes/no").expr
                self.advancing = None
                if index == len(self.stage_order) - 1:
                    self.report("L804", f"'{decl.name}' is the last stage, so its advance rule leads nowhere",
                                decl.advance[0].span, "remove the rule, or declare the stage it leads to after this one",
                                "warning")
            models.append(StageModel(decl, advance))
        return tuple(models)

    def _idle_stages(self, model: RubricModel) -> None:
        """A stage where no input arrives and nothing is scored is most likely a mistake in `from stage`."""
        busy = {stage for key, stage in stages.stage_index(model).items() if not key.startswith("let:")}
        for index, stage in enumerate(model.stages):
            if index not in busy and stage.decl.name not in self.suggested:  # a misspelt `from stage` meant it
                self.report("L805", f"nothing arrives and nothing is scored at stage '{stage.decl.name}'",
                            stage.decl.name_span, f"give the inputs collected at this stage 'from stage "
                            f"{stage.decl.name}', or remove the stage", "warning")

    # ------------------------------------------------------------ properties

    def _properties(self, criteria: list[CriterionModel]) -> tuple[ast.PropertyDecl, ...]:
        names = [c.decl.name for c in criteria]
        for prop in self.rubric.properties:
            if prop.subject != "total" and prop.subject not in names:
                self.report("N211", f"the property is about '{prop.subject}', which is neither 'total' nor a criterion",
                            prop.subject_span, did_you_mean(prop.subject, names) or "write 'total' or a criterion's name")
            if prop.input is None:
                continue
            assert prop.input_span is not None
            target = self.values.get(prop.input)
            if not isinstance(target, InputModel):
                self.report("N212", f"'{prop.input}' is not an input", prop.input_span,
                            did_you_mean(prop.input, [i for i, v in self.values.items() if isinstance(v, InputModel)])
                            or "a property varies one input: name a number or count input")
            elif target.type != NUMBER:
                self.report("T315", f"'{prop.input}' is {target.type.describe()}; only a number or count can rise",
                            prop.input_span, "name a number or count input")
            else:
                self.used.add(prop.input)
        return self.rubric.properties

    # ------------------------------------------------------------ ranking

    def _ranking(self, criteria: list[CriterionModel]) -> ast.RankingDecl | None:
        for extra in self.rubric.rankings[1:]:
            self.report("W407", "the rubric ranks candidates twice", extra.span,
                        "keep one 'rank candidates by ...' declaration")
        if not self.rubric.rankings:
            return None
        ranking = self.rubric.rankings[0]
        names = [c.decl.name for c in criteria]
        for key, span in zip(ranking.keys, ranking.key_spans):
            if key != "total" and key not in names:
                self.report("N214", f"candidates cannot be ranked by '{key}': it is neither 'total' nor a criterion",
                            span, did_you_mean(key, names) or "rank by total, then by criteria to break ties")
        if ranking.within is not None and ranking.within_span is not None:
            group = self.values.get(ranking.within)
            if not isinstance(group, InputModel) or group.spec.kind not in ("text", "one_of"):
                self.report("T319", f"candidates are grouped by an input holding text or one value, but "
                            f"'{ranking.within}' is not one", ranking.within_span,
                            did_you_mean(ranking.within, [i for i, v in self.values.items() if isinstance(v, InputModel)
                                                          and v.spec.kind in ("text", "one_of")])
                            or "declare e.g. input provinsi: text, and rank within provinsi")
            else:
                self.used.add(ranking.within)
        top = ranking.nominate
        if top is not None and ranking.nominate_span is not None and (top < 1 or top != top.to_integral_value()):
            self.report("R513", f"cannot nominate the top {plain(top)}: nominate a whole number of candidates, 1 or more",
                        ranking.nominate_span, "e.g. nominate top 1 (the best of each group goes on)")
        return ranking

    # ------------------------------------------------------------ lint

    def _unused(self, inputs: list[InputModel], lets: list[LetModel]) -> None:
        for model in inputs:
            if model.spec.kind != "text" and model.decl.name not in self.used | self.suggested:
                self.report("L800", f"input '{model.decl.name}' is never used", model.decl.name_span,
                            "use it in a rule or remove it, so candidates are not asked for data that does not count",
                            "warning")
        for let in lets:
            if let.decl.name not in self.used:
                self.report("L801", f"'{let.decl.name}' is computed but never used", let.decl.name_span,
                            "use it in a rule or remove it", "warning")

    def _repeated_texts(self) -> None:
        """A second label (or description, reason, evidence) would be ignored: say so instead."""
        owners: list[tuple[str, tuple[ast.Meta, ...]]] = [("the rubric", self.rubric.meta)]
        owners += [(f"'{decl.name}'", decl.meta) for decl in self.rubric.declarations]
        for owner, meta in owners:
            seen: dict[str, ast.Meta] = {}
            for clause in meta:
                if clause.kind not in ("label", "description", "reason", "evidence"):
                    continue
                if clause.kind in seen:
                    first = seen[clause.kind].span
                    self.report("N213", f"{owner} has a second {clause.kind} (the first is on line {first.line})",
                                clause.span, f"keep one {clause.kind}, with both its id and en texts")
                else:
                    seen[clause.kind] = clause

    def _translations(self) -> None:
        for texts, what in _all_texts(self.rubric):
            langs = [lang for lang, _ in texts.by_lang]
            spans = texts.lang_spans or tuple(texts.span for _ in langs)
            for lang, lang_span in zip(langs, spans):
                if lang not in LANGUAGES:
                    self.report("N210", f"unknown language '{lang}' in {what}", lang_span,
                                did_you_mean(lang, LANGUAGES) or "use id (Bahasa Indonesia) or en (English)")
            for lang in LANGUAGES:
                if lang not in langs:
                    self.report("L802", f"{what} has no '{lang}' text", texts.span,
                                f"add {lang} \"...\" so explanations in {_LANGUAGE_NAMES[lang]} can use it", "warning")
        for decl in self.rubric.declarations:
            if isinstance(decl, (ast.CriterionDecl, ast.InputDecl, ast.GateDecl, ast.AdjustmentDecl,
                                 ast.StageDecl)) and not any(
                m.kind == "label" for m in decl.meta
            ):
                self.report("L803", f"'{decl.name}' has no label", decl.name_span,
                            'add: label id "..." en "..." so explanations can name it in both languages', "warning")


_LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def _all_texts(rubric: ast.Rubric) -> Iterable[tuple[ast.Texts, str]]:
    for meta in rubric.meta:
        if meta.texts is not None:
            yield meta.texts, f"the rubric's {meta.kind}"
    for decl in rubric.declarations:
        for meta in decl.meta:
            if meta.texts is not None:
                yield meta.texts, f"the {meta.kind} of '{decl.name}'"
        if isinstance(decl, ast.InputDecl):
            for member in decl.type.members:
                if member.label is not None:
                    yield member.label, f"the label of value '{member.name}'"


def _rounded(bound: Decimal, places: int, mode: str) -> Decimal:
    """A range end rounded like the values it bounds; one too long to round stays as it is (still sound)."""
    if bound.is_infinite():
        return bound
    try:
        return round_to(bound, places, mode)
    except ArithmeticError:
        return bound


def _namespace(decl: ast.Declaration) -> str:
    if isinstance(decl, (ast.InputDecl, ast.LetDecl)):
        return "input and let"
    if isinstance(decl, ast.StageDecl):
        return "stage"
    return "criterion" if isinstance(decl, ast.CriterionDecl) else "gate, bonus and penalty"


def _last_word(span: Span, word: str) -> Span:
    """The span of the word a clause ends with, e.g. the stage name of `from stage NAME`."""
    return Span(span.path, span.end_line, span.end_column - len(word), span.end_line, span.end_column)


def _opt(function: object, interval: Interval | None) -> Interval | None:
    return None if interval is None else function(interval)  # type: ignore[operator]


def _sum_range(ranges: list[Interval | None]) -> Interval | None:
    """A loose range for a sum-of-matches table: any subset of rows may match."""
    if any(r is None for r in ranges):
        return None
    known = [r for r in ranges if r is not None]
    low = add_all(min(r.low, Decimal(0)) for r in known)
    high = add_all(max(r.high, Decimal(0)) for r in known)
    return Interval(low, high)


def _describe_expr(expr: ast.Expr) -> str:
    return expr.id if isinstance(expr, ast.Name) else "the value"


def _example_default(input_type: ast.InputType) -> str:
    if input_type.kind == "one_of":
        return input_type.members[0].name if input_type.members else "..."
    return {"number": "0", "count": "0", "bool": "no", "set_of": "{}", "text": '"-"'}.get(input_type.kind, "...")


def _kind_words(kind: str) -> str:
    return {"bool": "yes/no", "one_of": "a one-of input", "set_of": "a set-of input", "text": "text",
            "panel": "a panel", "number": "a number", "count": "a count"}.get(kind, kind)


def _type_hint(actual: ValueType, expected: ValueType) -> str | None:
    if expected == BOOL and actual.kind == "enum":
        return f"compare it with one of its values, e.g. '... is {actual.members[0]}'"
    if expected == BOOL and actual == NUMBER:
        return "compare the number, e.g. '... >= 50'"
    if expected == NUMBER and actual == BOOL:
        return "turn a condition into points with: if ... then 100 else 0"
    if expected == NUMBER and actual.kind == "set":
        return "count its values with: count of ..."
    return None
