"""Inputs: what each accepts, as its declaration says.

A name not reserved for data files, values listed once, options that fit the
kind of input and are given once, bounds in order, a default within them, and
the stage the input arrives at.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from paritrana_rules.check.intervals import INF, Interval
from paritrana_rules.check.limits import MAX_INPUT_VALUES
from paritrana_rules.check.model import BOOL, NUMBER, TEXT, InputModel, ValueType
from paritrana_rules.check.state import CheckState
from paritrana_rules.data import InputSpec
from paritrana_rules.data.specs import spelling
from paritrana_rules.errors import did_you_mean
from paritrana_rules.language import ast
from paritrana_rules.numeric import normalize, plain
from paritrana_rules.source import Span

RESERVED_INPUT_NAMES = ("id", "name")
_OPTION_SLOTS = {
    "between": ("lower bound", "upper bound"), "at_least": ("lower bound",), "at_most": ("upper bound",),
    "unit": ("unit",), "default": ("default",), "aggregate": ("aggregate",), "stage": ("stage",),
}


@attrs.define
class _Options:
    """What an input's options say, read in order; a later option overrides an earlier one."""

    lower: Decimal | None
    upper: Decimal | None = None
    unit: str | None = None
    aggregate: str | None = None
    stage: int = 0
    given: dict[str, ast.InputOption] = attrs.Factory(dict)  # which option set the lower and upper bound, unit, default


def check_input(state: CheckState, decl: ast.InputDecl) -> InputModel:
    """The input's model; it becomes readable by name in expressions (the first declaration of a name does)."""
    kind = decl.type.kind
    _check_reserved_name(state, decl)
    members = _members(state, decl)
    value_type = {
        "number": NUMBER, "count": NUMBER, "panel": NUMBER, "bool": BOOL, "text": TEXT,
        "one_of": ValueType("enum", members), "set_of": ValueType("set", members),
    }[kind]
    options = _read_options(state, decl)
    lower, upper = options.lower, options.upper
    default_option = options.given.get("default")
    _check_panel_aggregate(state, decl, options)
    _check_bounds_in_order(state, decl, options)
    default = _default(state, decl, default_option, value_type, lower, upper)
    interval = None
    if value_type == NUMBER:
        low, high = lower if lower is not None else -INF, upper if upper is not None else INF
        # Bounds out of order are reported (R507); the rest of the check reasons over the range they span.
        interval = Interval(min(low, high), max(low, high))
    spec = InputSpec(
        name=decl.name, kind=kind, members=members, lower=lower, upper=upper,
        has_default=default_option is not None, default=default, unit=options.unit, aggregate=options.aggregate,
        aliases=_aliases(state, decl),
    )
    model = InputModel(spec, decl, value_type, interval, options.stage)
    state.values.setdefault(decl.name, model)
    return model


def _aliases(state: CheckState, decl: ast.InputDecl) -> tuple[tuple[str, str], ...]:
    """Each member's aliases; a spelling that could name two members is reported (N222), never guessed."""
    meant: dict[str, str] = {}
    aliases = []
    for member in decl.type.members:
        for alias in (member.name, *member.aliases):
            other = meant.setdefault(spelling(alias), member.name)
            if other != member.name:
                state.report("N222", f"the spelling \"{alias}\" of '{member.name}' could also name '{other}'",
                             member.span, "give each member spellings no other member shares (case, spaces, "
                             "hyphens and underscores are ignored when data is read)")
            if alias != member.name:
                aliases.append((alias, member.name))
    return tuple(aliases)


def _check_reserved_name(state: CheckState, decl: ast.InputDecl) -> None:
    if decl.name in RESERVED_INPUT_NAMES:
        state.report("N203", f"'{decl.name}' is reserved for the candidate's {decl.name} in data files",
                     decl.name_span, "rename the input, e.g. 'nama_kandidat'" if decl.name == "name" else
                     "rename the input, e.g. 'kode_kandidat'")


def _members(state: CheckState, decl: ast.InputDecl) -> tuple[str, ...]:
    members = decl.type.members
    if len(members) > MAX_INPUT_VALUES:
        state.report("T322", f"input '{decl.name}' lists {len(members):,} values; an input may list at most "
                     f"{MAX_INPUT_VALUES:,}", decl.type.span,
                     "give values that score alike one name, or make it a text input if it is not scored")
    names: dict[str, None] = {}
    for member in members:
        if member.name in names:
            state.report("N205", f"'{member.name}' is listed twice in input '{decl.name}'", member.span,
                         "remove the repeated value")
        else:
            names[member.name] = None
        if ("input and let", member.name) in state.declared_in:
            state.report("N206", f"value '{member.name}' of input '{decl.name}' has the same name as a declaration",
                         member.span, "rename one of them; a name must mean one thing")
    return tuple(names)


def _read_options(state: CheckState, decl: ast.InputDecl) -> _Options:
    """Bounds, unit, aggregate and stage from the options that apply to this kind of input."""
    kind = decl.type.kind
    read = _Options(lower=Decimal(0) if kind == "count" else None)
    for option in decl.options:
        if not _applies(state, decl, option):
            continue
        for slot in _OPTION_SLOTS[option.kind]:
            if slot in read.given:
                state.report("T310", f"the {slot} of '{decl.name}' is given twice (first on line "
                             f"{read.given[slot].span.line})", option.span, f"keep one {slot}")
            read.given[slot] = option
        if kind == "count" and option.kind in ("between", "at_least", "at_most"):
            _check_count_bounds(state, decl, option)
        for value in option.values:
            if isinstance(value, Decimal):
                state.check_size(value, option.span)
        _take(state, decl, option, read)
    return read


def _applies(state: CheckState, decl: ast.InputDecl, option: ast.InputOption) -> bool:
    """Whether the option fits this kind of input; one that does not is reported, then ignored."""
    kind = decl.type.kind
    words = option.kind.replace("_", " ")
    if (option.kind == "aggregate" and kind != "panel") or (option.kind == "default" and kind == "panel"):
        state.report("T318", f"'{words}' does not apply to {_kind_words(kind)} input '{decl.name}'",
                     option.span, "only a panel of jurors' scores is aggregated, and a panel has no default"
                     if kind != "panel" else "a panel's scores are always given; remove the default")
        return False
    if option.kind not in ("default", "aggregate", "stage") and kind not in ("number", "count", "panel"):
        state.report("T311", f"'{words}' only applies to number and count inputs; '{decl.name}' is "
                     f"{_kind_words(kind)}", option.span, "remove it: only numbers and counts have bounds and units")
        return False
    return True


def _check_count_bounds(state: CheckState, decl: ast.InputDecl, option: ast.InputOption) -> None:
    for bound in (Decimal(str(v)) for v in option.values):
        if bound < 0 or bound != bound.to_integral_value():
            state.report("T312", f"count '{decl.name}' has bound {plain(bound)}; counts are whole numbers "
                         "from 0", option.span, "use a whole number, e.g. at least 1")


def _take(state: CheckState, decl: ast.InputDecl, option: ast.InputOption, read: _Options) -> None:
    """Record what one option says (a default is read once all options are)."""
    if option.kind == "between":
        read.lower, read.upper = option.values  # type: ignore[assignment]
    elif option.kind == "at_least":
        read.lower = option.values[0]  # type: ignore[assignment]
    elif option.kind == "at_most":
        read.upper = option.values[0]  # type: ignore[assignment]
    elif option.kind == "unit":
        read.unit = str(option.values[0])
    elif option.kind == "aggregate":
        read.aggregate = str(option.values[0])
    elif option.kind == "stage":
        read.stage = _arrival(state, decl, option)


def _check_panel_aggregate(state: CheckState, decl: ast.InputDecl, options: _Options) -> None:
    if decl.type.kind == "panel" and options.aggregate is None:
        state.report("T317", f"panel '{decl.name}' does not say how the jurors' scores are combined", decl.type.span,
                     "add: aggregate mean, aggregate median, or aggregate trimmed mean (drops the highest and "
                     "the lowest score)")


def _check_bounds_in_order(state: CheckState, decl: ast.InputDecl, options: _Options) -> None:
    lower, upper = options.lower, options.upper
    if lower is not None and upper is not None and lower > upper:
        state.report("R507", f"input '{decl.name}' can take no value: at least {plain(lower)} but at most "
                     f"{plain(upper)}", options.given.get("upper bound", options.given.get("lower bound", decl)).span,
                     "the lower bound must not be above the upper one: swap them")


def _arrival(state: CheckState, decl: ast.InputDecl, option: ast.InputOption) -> int:
    """The index of the stage an input's `from stage NAME` names (0 when it names none that is declared)."""
    name = str(option.values[0])
    where = _last_word(option.span, name)
    if not state.stage_order:
        state.report("N216", f"input '{decl.name}' arrives 'from stage {name}', but the rubric declares no stages",
                     where, "declare the stages in order first (e.g. stage penapisan, stage wawancara), or remove "
                     "'from stage ...': without stages every input is known from the start")
    elif name not in state.stage_order:
        state.report("N215", f"unknown stage '{name}'", where,
                     state.suggest(name, state.stage_order) or f"the stages are: {', '.join(state.stage_order)}")
    return state.stage_order.get(name, 0)


def _last_word(span: Span, word: str) -> Span:
    """The span of the word a clause ends with, e.g. the stage name of `from stage NAME`."""
    return Span(span.path, span.end_line, span.end_column - len(word), span.end_line, span.end_column)


def _default(state: CheckState, decl: ast.InputDecl, option: ast.InputOption | None, value_type: ValueType,
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
                state.report("N202", f"'{member}' is not a value of input '{decl.name}'", literal.span,
                             did_you_mean(member, value_type.members) or f"use one of: {', '.join(value_type.members)}")
                return None
        case ast.SetLiteral(names) if value_type.kind == "set":
            unknown = [n for n in names if n.id not in value_type.members]
            for name in unknown:
                state.report("N202", f"'{name.id}' is not a value of input '{decl.name}'", name.span,
                             did_you_mean(name.id, value_type.members) or
                             f"use values of: {', '.join(value_type.members)}")
            value, ok = frozenset(n.id for n in names), not unknown
            if unknown:
                return None
    if not ok:
        state.report("T313", f"the default of '{decl.name}' must be {value_type.describe()}", option.span,
                     f"e.g. default {_example_default(decl.type)}")
        return None
    if isinstance(value, Decimal) and ((lower is not None and value < lower) or (upper is not None and value > upper)):
        state.report("R508", f"the default {plain(value)} of '{decl.name}' is outside its bounds", option.span,
                     "choose a default within the bounds, or widen them")
    return value


def _example_default(input_type: ast.InputType) -> str:
    if input_type.kind == "one_of":
        return input_type.members[0].name if input_type.members else "..."
    return {"number": "0", "count": "0", "bool": "no", "set_of": "{}", "text": '"-"'}.get(input_type.kind, "...")


def _kind_words(kind: str) -> str:
    return {"bool": "yes/no", "one_of": "a one-of input", "set_of": "a set-of input", "text": "text",
            "panel": "a panel", "number": "a number", "count": "a count"}.get(kind, kind)
