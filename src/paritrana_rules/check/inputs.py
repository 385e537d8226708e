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
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.data import InputSpec
from paritrana_rules.data.specs import spelling
from paritrana_rules.errors import Indonesian, closest, grouped, you_meant
from paritrana_rules.language import ast
from paritrana_rules.numeric import normalize, plain
from paritrana_rules.source import Span

RESERVED_INPUT_NAMES = ("id", "name")
_OPTION_SLOTS = {
    "between": ("lower bound", "upper bound"), "at_least": ("lower bound",), "at_most": ("upper bound",),
    "unit": ("unit",), "default": ("default",), "aggregate": ("aggregate",), "stage": ("stage",),
}
_SLOTS_ID = {"lower bound": "batas bawah", "upper bound": "batas atas", "unit": "satuan", "default": "nilai bawaan",
             "aggregate": "cara penggabungan", "stage": "tahap"}
_KINDS = {
    "bool": Phrase("yes/no", "ya/tidak"), "one_of": Phrase("a one-of input", "input 'one of'"),
    "set_of": Phrase("a set-of input", "input 'set of'"), "text": Phrase("text", "teks"),
    "panel": Phrase("a panel", "panel"), "number": Phrase("a number", "angka"), "count": Phrase("a count", "cacah"),
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
                             "hyphens and underscores are ignored when data is read)",
                             indonesian=Indonesian(f"ejaan \"{alias}\" untuk '{member.name}' dapat juga berarti "
                                                   f"'{other}'", "beri setiap nilai ejaan yang tidak dipakai nilai "
                                                   "lain (huruf besar-kecil, spasi, tanda hubung, dan garis bawah "
                                                   "diabaikan saat data dibaca)"))
            if alias != member.name:
                aliases.append((alias, member.name))
    return tuple(aliases)


def _check_reserved_name(state: CheckState, decl: ast.InputDecl) -> None:
    if decl.name in RESERVED_INPUT_NAMES:
        example = "'nama_kandidat'" if decl.name == "name" else "'kode_kandidat'"
        what_id = "nama" if decl.name == "name" else "kode (id)"
        state.report("N203", f"'{decl.name}' is reserved for the candidate's {decl.name} in data files",
                     decl.name_span, f"rename the input, e.g. {example}",
                     indonesian=Indonesian(f"'{decl.name}' dicadangkan untuk {what_id} peserta dalam berkas data",
                                           f"ganti nama input itu, misalnya {example}"))


def _members(state: CheckState, decl: ast.InputDecl) -> tuple[str, ...]:
    members = decl.type.members
    if len(members) > MAX_INPUT_VALUES:
        state.report("T322", f"input '{decl.name}' lists {len(members):,} values; an input may list at most "
                     f"{MAX_INPUT_VALUES:,}", decl.type.span,
                     "give values that score alike one name, or make it a text input if it is not scored",
                     indonesian=Indonesian(f"input '{decl.name}' mencantumkan {grouped(len(members), 'id')} nilai; "
                                           f"satu input paling banyak mencantumkan {grouped(MAX_INPUT_VALUES, 'id')} "
                                           "nilai", "beri satu nama "
                                           "untuk nilai-nilai yang skornya sama, atau jadikan input teks bila tidak "
                                           "dinilai"))
    names: dict[str, None] = {}
    for member in members:
        if member.name in names:
            state.report("N205", f"'{member.name}' is listed twice in input '{decl.name}'", member.span,
                         "remove the repeated value",
                         indonesian=Indonesian(f"'{member.name}' tercantum dua kali dalam input '{decl.name}'",
                                               "hapus nilai yang berulang"))
        else:
            names[member.name] = None
        if ("input and let", member.name) in state.declared_in:
            state.report("N206", f"value '{member.name}' of input '{decl.name}' has the same name as a declaration",
                         member.span, "rename one of them; a name must mean one thing",
                         indonesian=Indonesian(f"nilai '{member.name}' pada input '{decl.name}' bernama sama dengan "
                                               "suatu deklarasi", "ganti salah satu namanya; satu nama harus berarti "
                                               "satu hal"))
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
                line, slot_id = read.given[slot].span.line, _SLOTS_ID[slot]
                state.report("T310", f"the {slot} of '{decl.name}' is given twice (first on line {line})",
                             option.span, f"keep one {slot}",
                             indonesian=Indonesian(f"{slot_id} '{decl.name}' ditulis dua kali (yang pertama di baris "
                                                   f"{line})", f"sisakan satu {slot_id}"))
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
    kind_words = _KINDS.get(kind, Phrase(kind, kind))
    if (option.kind == "aggregate" and kind != "panel") or (option.kind == "default" and kind == "panel"):
        panel = kind == "panel"
        state.report("T318", f"'{words}' does not apply to {kind_words.en} input '{decl.name}'", option.span,
                     "a panel's scores are always given; remove the default" if panel else
                     "only a panel of jurors' scores is aggregated, and a panel has no default",
                     indonesian=Indonesian(f"'{words}' tidak berlaku untuk input {kind_words.id} '{decl.name}'",
                                           "nilai suatu panel selalu diisi; hapus nilai bawaannya" if panel else
                                           "hanya nilai panel juri yang digabungkan, dan panel tidak memiliki nilai "
                                           "bawaan"))
        return False
    if option.kind not in ("default", "aggregate", "stage") and kind not in ("number", "count", "panel"):
        state.report("T311", f"'{words}' only applies to number and count inputs; '{decl.name}' is "
                     f"{kind_words.en}", option.span, "remove it: only numbers and counts have bounds and units",
                     indonesian=Indonesian(f"'{words}' hanya berlaku untuk input number dan count; '{decl.name}' "
                                           f"berupa {kind_words.id}", "hapus: hanya number dan count yang memiliki "
                                           "batas dan satuan"))
        return False
    return True


def _check_count_bounds(state: CheckState, decl: ast.InputDecl, option: ast.InputOption) -> None:
    for bound in (Decimal(str(v)) for v in option.values):
        if bound < 0 or bound != bound.to_integral_value():
            state.report("T312", f"count '{decl.name}' has bound {plain(bound)}; counts are whole numbers "
                         "from 0", option.span, "use a whole number, e.g. at least 1",
                         indonesian=Indonesian(f"count '{decl.name}' memiliki batas {plain(bound)}; count adalah "
                                               "bilangan bulat mulai 0", "gunakan bilangan bulat, misalnya at least 1"))


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
                     "the lowest score)",
                     indonesian=Indonesian(f"panel '{decl.name}' tidak menyebutkan cara nilai para juri digabungkan",
                                           "tambahkan: aggregate mean, aggregate median, atau aggregate trimmed mean "
                                           "(tanpa nilai tertinggi dan terendah)"))


def _check_bounds_in_order(state: CheckState, decl: ast.InputDecl, options: _Options) -> None:
    lower, upper = options.lower, options.upper
    if lower is not None and upper is not None and lower > upper:
        state.report("R507", f"input '{decl.name}' can take no value: at least {plain(lower)} but at most "
                     f"{plain(upper)}", options.given.get("upper bound", options.given.get("lower bound", decl)).span,
                     "the lower bound must not be above the upper one: swap them",
                     indonesian=Indonesian(f"input '{decl.name}' tidak dapat bernilai apa pun: paling sedikit "
                                           f"{plain(lower)} tetapi paling banyak {plain(upper)}", "batas bawah tidak "
                                           "boleh di atas batas atas: tukar keduanya"))


def _arrival(state: CheckState, decl: ast.InputDecl, option: ast.InputOption) -> int:
    """The index of the stage an input's `from stage NAME` names (0 when it names none that is declared)."""
    name = str(option.values[0])
    where = _last_word(option.span, name)
    if not state.stage_order:
        state.report("N216", f"input '{decl.name}' arrives 'from stage {name}', but the rubric declares no stages",
                     where, "declare the stages in order first (e.g. stage penapisan, stage wawancara), or remove "
                     "'from stage ...': without stages every input is known from the start",
                     indonesian=Indonesian(f"input '{decl.name}' masuk 'from stage {name}', tetapi rubrik ini tidak "
                                           "mendeklarasikan tahap apa pun", "deklarasikan dulu tahap-tahapnya secara "
                                           "berurutan (misalnya stage penapisan, stage wawancara), atau hapus 'from "
                                           "stage ...': tanpa tahap, setiap input sudah diketahui sejak awal"))
    elif name not in state.stage_order:
        meant, stages = state.suggest(name, state.stage_order), ", ".join(state.stage_order)
        state.report("N215", f"unknown stage '{name}'", where, you_meant(meant) or f"the stages are: {stages}",
                     indonesian=Indonesian(f"tahap '{name}' tidak dikenal",
                                           you_meant(meant, "id") or f"tahapnya adalah: {stages}"))
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
                _not_a_value(state, decl, member, literal.span, value_type.members,
                             Phrase("use one of", "gunakan salah satu dari"))
                return None
        case ast.SetLiteral(names) if value_type.kind == "set":
            unknown = [n for n in names if n.id not in value_type.members]
            for name in unknown:
                _not_a_value(state, decl, name.id, name.span, value_type.members,
                             Phrase("use values of", "gunakan nilai dari"))
            value, ok = frozenset(n.id for n in names), not unknown
            if unknown:
                return None
    if not ok:
        example = f"default {_example_default(decl.type)}"
        state.report("T313", f"the default of '{decl.name}' must be {value_type.describe()}", option.span,
                     f"e.g. {example}",
                     indonesian=Indonesian(f"nilai bawaan '{decl.name}' harus berupa {value_type.describe('id')}",
                                           f"misalnya {example}"))
        return None
    if isinstance(value, Decimal) and ((lower is not None and value < lower) or (upper is not None and value > upper)):
        state.report("R508", f"the default {plain(value)} of '{decl.name}' is outside its bounds", option.span,
                     "choose a default within the bounds, or widen them",
                     indonesian=Indonesian(f"nilai bawaan {plain(value)} pada '{decl.name}' berada di luar batasnya",
                                           "pilih nilai bawaan di dalam batas, atau perlebar batasnya"))
    return value


def _not_a_value(state: CheckState, decl: ast.InputDecl, member: str, span: Span, members: tuple[str, ...],
                 use: Phrase) -> None:
    """N202 for a default naming a value the input does not list."""
    meant, values = closest(member, members), ", ".join(members)
    state.report("N202", f"'{member}' is not a value of input '{decl.name}'", span,
                 you_meant(meant) or f"{use.en}: {values}",
                 indonesian=Indonesian(f"'{member}' bukan nilai dari input '{decl.name}'",
                                       you_meant(meant, "id") or f"{use.id}: {values}"))


def _example_default(input_type: ast.InputType) -> str:
    if input_type.kind == "one_of":
        return input_type.members[0].name if input_type.members else "..."
    return {"number": "0", "count": "0", "bool": "no", "set_of": "{}", "text": '"-"'}.get(input_type.kind, "...")
