"""A rubric's rules in words of one language: every condition, formula and band row an explanation or a
handbook shows.

Both explanations and handbooks say rules through one `Wording`, so a rule reads
the same in both. Every expression form of the language has words: numbers in
the language's format with the unit of the input they are about, names by the
labels of inputs, lets and options, comparisons, and/or/not, membership, sets,
arithmetic, the built-ins and if-then-else. Where the rule stands in the rubric
is said by `at` ("baris 212"), so a reader can look it up. The phrases are in
`wording.toml`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from paritrana_rules.check.model import RubricModel
from paritrana_rules.check.stages import TOTAL
from paritrana_rules.explain.words import input_unit, label, load_phrases, member_label, plain_number, yes_no
from paritrana_rules.language import ast
from paritrana_rules.language.extends import rubrics_root
from paritrana_rules.source import Span

PHRASES = load_phrases("paritrana_rules.explain", "wording.toml")

# A formula in words and how tightly it binds: 3 an atom, 2 × and ÷, 1 + and −, 0 a phrase.
Said = tuple[str, int]

_OPERATORS = {"+": "+", "-": "−", "*": "×", "/": "÷"}


class Wording:
    """A rubric's model in one language: its rules in words, with the labels of what they read."""

    def __init__(self, model: RubricModel, lang: str) -> None:
        self.model = model
        self.lang = lang
        self.say = PHRASES[lang]
        self.inputs = {i.decl.name: i for i in model.inputs}
        self.lets = {let.decl.name: let for let in model.lets}

    # ---------------------------------------------------------- small pieces

    def phrase(self, key: str, **values: object) -> str:
        return self.say[key].format(**values)

    def number(self, value: Decimal) -> str:
        return plain_number(value, self.lang)

    def yes_no(self, value: bool) -> str:
        return yes_no(value, self.lang)

    def label(self, meta: tuple[ast.Meta, ...], name: str) -> str:
        return label(meta, name, self.lang)

    def value_label(self, name: str) -> str:
        """What a name in a rule stands for: an input's, a let's or a group's label, or the provisional total."""
        if name == TOTAL:
            return self.say["provisional_total"]
        if name in self.inputs:
            return self.label(self.inputs[name].decl.meta, name)
        if name in self.lets:
            return self.label(self.lets[name].decl.meta, name)
        grouping = next((g for g in self.model.groupings if g.decl.name == name), None)
        if grouping is not None:
            return self.label(grouping.decl.meta, name)
        return name

    def member(self, name: str, member: str) -> str:
        return member_label(self.model, name, member, self.lang)

    def unit(self, name: str, value: Decimal | None = None) -> str | None:
        return input_unit(self.model, name, self.lang, value)

    def with_unit(self, shown: str, name: str | None, value: Decimal | None = None) -> str:
        """A number (`value`, shown) or a range in words, with the unit of the input it is about: 80%, 850 juta
        rupiah, 1 person.
        """
        unit = self.unit(name, value) if name else None
        if unit is None:
            return shown
        return shown + unit if unit == "%" else f"{shown} {unit}"

    def join(self, parts: list[str], word: str) -> str:
        """'a, b and c': the last two joined by the phrase `word` ('and', 'or' or 'nor')."""
        if len(parts) <= 1:
            return "".join(parts)
        return f"{', '.join(parts[:-1])} {self.say[word]} {parts[-1]}"

    def at(self, span: Span) -> str:
        """Where a rule is: 'baris 212' in the rubric itself, '2024/pemerintah-desa.rubric baris 12' in a rubric it
        extends (named as `extends` names it, inside the rubrics folder: never where this machine keeps it)."""
        if span.path == self.model.source.path:
            return self.phrase("at_line", line=span.line)
        return self.phrase("at_file_line", path=inside_rubrics(span.path, self.model.source.path), line=span.line)

    # ---------------------------------------------------------- formulas

    def formula(self, expr: ast.Expr) -> Said:
        """A formula in words with quoted labels, and how tightly it binds."""
        match expr:
            case ast.Number(value):
                return self.number(value), 3
            case ast.Bool(value):
                return self.yes_no(value), 3
            case ast.String(value):
                return self.phrase("f_text", text=value), 3
            case ast.Name(name):
                return f"“{self.value_label(name)}”", 3
            case ast.Member(member):
                return member, 3
            case ast.SetLiteral(members):
                return self.join([m.id for m in members], "or"), 0
            case ast.Unary("-", operand):
                return f"−{wrap(self.formula(operand), 3)}", 3
            case ast.Binary("+" | "-" | "*" | "/", left, right):
                return self._arithmetic(expr.op, left, right)
            case ast.Call():
                return self._built_in(expr)
            case ast.IfThenElse(test, then, otherwise):
                return self.phrase("f_if", a=wrap(self.formula(then), 1), c=self.condition(test),
                                   b=wrap(self.formula(otherwise), 1)), 0
        return self.condition(expr), 0  # a test used as a value: and/or/not, comparisons, membership

    def _arithmetic(self, op: str, left: ast.Expr, right: ast.Expr) -> Said:
        binding = 1 if op in "+-" else 2
        right_needs = binding + 1 if op in "-/" else binding
        return (f"{wrap(self.formula(left), binding)} {_OPERATORS[op]} "
                f"{wrap(self.formula(right), right_needs)}", binding)

    def _built_in(self, call: ast.Call) -> Said:
        said = [self.formula(arg) for arg in call.args]
        match call.func, said:
            case "count_of", [subject]:
                return self.phrase("count_of", set=subject[0]), 3
            case "clamp", [value, low, high]:
                return self.phrase("f_clamp", x=value[0], low=wrap(low, 1), high=wrap(high, 1)), 0
            case "ratio", [top, bottom, zero]:
                return self.phrase("f_ratio", a=wrap(top, 2), b=wrap(bottom, 3), z=wrap(zero, 1)), 0
            case "round", [value, places]:
                one = isinstance(call.args[1], ast.Number) and call.args[1].value == 1
                return self.phrase("f_round_1" if one else "f_round", x=value[0], n=places[0]), 0
        return self._extreme(call.func, call.args, said)

    def _extreme(self, func: str, args: tuple[ast.Expr, ...], said: list[Said]) -> Said:
        """min/max in words: 'x, but no more than 100' when one side is a number, else 'the smallest of ...'."""
        numbers = [i for i, a in enumerate(args) if isinstance(a, ast.Number)]
        if len(args) == 2 and len(numbers) == 1:
            bound, other = said[numbers[0]], said[1 - numbers[0]]
            return self.phrase("f_at_most" if func == "min" else "f_at_least", x=other[0], n=bound[0]), 0
        return self.phrase(f"f_{func}", items=self.join([wrap(p, 1) for p in said], "and")), 0

    # ---------------------------------------------------------- conditions

    def condition(self, expr: ast.Expr) -> str:
        """A condition in words, with the labels of the inputs, lets and options it tests."""
        match expr:
            case ast.Bool(value):
                return self.say["always" if value else "never"]
            case ast.Name(name):
                return self.phrase("is_yes", label=self.value_label(name))
            case ast.Unary("not", ast.Name(name)):
                return self.phrase("is_no", label=self.value_label(name))
            case ast.Unary("not", operand):
                return self.phrase("not", condition=self._part(operand))
            case ast.Binary("and" | "or"):
                return self._chain(expr.op, _flatten(expr, expr.op))
            case ast.Binary("in" | "not in", ast.Member(member), ast.Name(name)):
                return self.phrase("set_has" if expr.op == "in" else "set_lacks", set=self.value_label(name),
                                   member=self.member(name, member))
            case ast.Binary("is" | "=" | "is not" | "!=", ast.Name(name), ast.Member(member)):
                return self.phrase("enum_is" if expr.op in ("is", "=") else "enum_is_not",
                                   input=self.value_label(name), member=self.member(name, member))
            case ast.Binary("in", ast.Name(name), ast.SetLiteral(members)):
                listed = self.join([self.member(name, m.id) for m in members], "or")
                return self.phrase("enum_is", input=self.value_label(name), member=listed)
            case ast.Binary("not in", ast.Name(name), ast.SetLiteral(members)):
                listed = self.join([self.member(name, m.id) for m in members], "nor")
                return self.phrase("enum_not_in", input=self.value_label(name), members=listed)
            case ast.Binary("in" | "not in", left, right):
                return self.phrase("one_of" if expr.op == "in" else "none_of", value=wrap(self.formula(left), 1),
                                   values=wrap(self.formula(right), 1))
            case ast.Binary("<" | "<=" | ">" | ">=" | "=" | "!=" | "is" | "is not", left, right):
                return self._comparison(expr.op, left, right)
        return self.formula(expr)[0]

    def _part(self, expr: ast.Expr) -> str:
        """A condition inside another: in brackets when it is itself joined by and/or."""
        said = self.condition(expr)
        return f"({said})" if isinstance(expr, ast.Binary) and expr.op in ("and", "or") else said

    def _comparison(self, op: str, left: ast.Expr, right: ast.Expr) -> str:
        """'“Coverage” is at least 80%': numbers take the unit of the input they are compared with."""
        unit_name = left.id if isinstance(left, ast.Name) else right.id if isinstance(right, ast.Name) else None
        shown = {"is": "=", "is not": "!="}.get(op, op)
        return f"{self._quantity(left, unit_name)} {self.say['op_' + shown]} {self._quantity(right, unit_name)}"

    def _quantity(self, expr: ast.Expr, unit_name: str | None) -> str:
        if isinstance(expr, ast.Number):
            return self.with_unit(self.number(expr.value), unit_name, expr.value)
        return wrap(self.formula(expr), 1)

    def _chain(self, op: str, operands: list[ast.Expr]) -> str:
        """Conditions joined by one 'and'/'or'; tests of one set-of input next to each other are said once."""
        parts: list[str] = []
        index = 0
        while index < len(operands):
            between = range_pair(operands[index:index + 2]) if op == "and" else None
            if between is not None:
                name, row = between
                parts.append(f"“{self.value_label(name)}”: {self.band_row(row, name)}")
                index += 2
                continue
            run = _set_run(operands, index)
            if len(run) > 1:
                name = run[0][1]
                members = [self.member(name, member) for member, _ in run]
                parts.append(self.phrase("set_has", set=self.value_label(name), member=self.join(members, op)))
                index += len(run)
                continue
            parts.append(self._part(operands[index]))
            index += 1
        return f" {self.say[op]} ".join(parts)

    # ---------------------------------------------------------- bands

    def band_row(self, row: ast.BandRow, subject: str | None = None) -> str:
        """A band's range in words, numbers with the unit of the input it is about: 'dari 60 sampai kurang dari 80'."""
        if row.otherwise:
            return self.say["band_otherwise"]
        low, high = row.lower, row.upper
        shown = {"low": self.with_unit(self.number(low), subject, low) if low is not None else "",
                 "high": self.with_unit(self.number(high), subject, high) if high is not None else ""}
        if low is not None and high is not None and low == high:
            return self.phrase("band_exactly", **shown)
        if low is None:
            key = "band_any" if high is None else "band_up_to" if row.upper_inclusive else "band_below"
        elif high is None:
            key = "band_from" if row.lower_inclusive else "band_above"
        elif row.lower_inclusive:
            key = "band_from_to" if row.upper_inclusive else "band_from_below"
        else:
            key = "band_above_to" if row.upper_inclusive else "band_above_below"
        return self.phrase(key, **shown)

    def band_subject(self, band: ast.PointsBand) -> tuple[str, str | None]:
        """What a band ranges over, in words, and the input or let it names (None for a formula)."""
        subject = band.subject
        if isinstance(subject, ast.Name):
            return self.value_label(subject.id), subject.id
        return self.formula(subject)[0], None


def wrap(said: Said, binding: int) -> str:
    """A part of a formula in words, in brackets when it binds less tightly than its place needs."""
    text, strength = said
    return f"({text})" if strength < binding else text


def _flatten(expr: ast.Expr, op: str) -> list[ast.Expr]:
    """The operands of a chain of one operator: a and (b and c) -> [a, b, c]."""
    if isinstance(expr, ast.Binary) and expr.op == op:
        return [*_flatten(expr.left, op), *_flatten(expr.right, op)]
    return [expr]


def _set_run(operands: list[ast.Expr], start: int) -> list[tuple[str, str]]:
    """(member, set) of the 'member in set' tests from `start` on that test the same set."""
    run: list[tuple[str, str]] = []
    for operand in operands[start:]:
        match operand:
            case ast.Binary("in", ast.Member(member), ast.Name(name)) if not run or run[0][1] == name:
                run.append((member, name))
                continue
        break
    return run


def range_pair(pair: Iterable[ast.Expr]) -> tuple[str, ast.BandRow] | None:
    """'x >= 20 and x < 100' as one range of x, in the form of a band row."""
    pair = list(pair)
    bounds: dict[str, tuple[Decimal, bool]] = {}
    names = set()
    for operand in pair:
        match operand:
            case ast.Binary(">=" | ">" | "<=" | "<" as op, ast.Name(name), ast.Number(value)):
                bounds["lower" if op in (">=", ">") else "upper"] = (value, op in (">=", "<="))
                names.add(name)
    if len(pair) != 2 or len(names) != 1 or len(bounds) != 2:
        return None
    (lower, lower_inclusive), (upper, upper_inclusive) = bounds["lower"], bounds["upper"]
    row = ast.BandRow(lower=lower, lower_inclusive=lower_inclusive, upper=upper, upper_inclusive=upper_inclusive,
                      otherwise=False, points=ast.Number(Decimal(0), span=pair[0].span), span=pair[0].span)
    return names.pop(), row


def inside_rubrics(path: str, main: str) -> str:
    """A file the rubric `main` builds on, as a path inside their rubrics folder (as given when outside it)."""
    root = rubrics_root(main)
    return Path(path).relative_to(root).as_posix() if Path(path).is_relative_to(root) else path
