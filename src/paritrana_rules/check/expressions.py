"""Expressions: each resolved, typed, and given the range of values it can take.

Ranges start from what input declarations allow and go through every
operation (`intervals.py`), so that a division that can be by zero is caught
here and points that can leave the scale are caught by `points.py`. A formula
is measured first (`limits.py`): one beyond the limits is reported, not
analysed. A run such as `a + b - c` is analysed in a loop (`chains.py`).
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from paritrana_rules.check import intervals
from paritrana_rules.check.chains import chain
from paritrana_rules.check.intervals import INF, Interval
from paritrana_rules.check.limits import MAX_FORMULA_DEPTH, MAX_FORMULA_TERMS, formula_size
from paritrana_rules.check.model import BOOL, NUMBER, TEXT, UNKNOWN, ValueType
from paritrana_rules.check.names import resolve_name
from paritrana_rules.check.state import Analysed, CheckState, Phrase
from paritrana_rules.errors import Indonesian, closest, grouped, you_meant
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read
from paritrana_rules.numeric import round_to

WHEN_CONDITION = Phrase("the condition after 'when' must be yes/no", "kondisi setelah 'when' harus bernilai ya/tidak")


def analyse(state: CheckState, expr: ast.Expr) -> Analysed:
    """An expression resolved, with its type and range; problems are reported, and give the type UNKNOWN."""
    if not _within_limits(state, expr):
        return Analysed(expr, UNKNOWN, None)
    return _analyse(state, expr)


def expect(state: CheckState, expr: ast.Expr, expected: ValueType, message: Phrase) -> Analysed:
    """`analyse`, and report T300 (`message` says what was expected, in both languages) when the type is another."""
    if not _within_limits(state, expr):
        return Analysed(expr, UNKNOWN, None)
    return _expect(state, expr, expected, message)


def _within_limits(state: CheckState, expr: ast.Expr) -> bool:
    """Whether a whole formula is small enough to analyse; the names in one that is not still count as used,
    so that they are not also reported as unused."""
    size = formula_size(expr)
    if size.terms > MAX_FORMULA_TERMS:
        state.report("T320", f"this formula has {size.terms:,} terms; a formula may have at most {MAX_FORMULA_TERMS:,}",
                     expr.span, "compute parts of it in 'let' declarations, and add those up",
                     indonesian=Indonesian(f"rumus ini memiliki {grouped(size.terms, 'id')} suku; satu rumus paling "
                                           f"banyak memiliki {grouped(MAX_FORMULA_TERMS, 'id')} suku",
                                           "hitung bagian-bagiannya dalam deklarasi 'let', lalu jumlahkan"))
    elif size.depth > MAX_FORMULA_DEPTH:
        state.report("T321", f"this formula nests {size.depth} operations inside one another; a formula may nest "
                     f"at most {MAX_FORMULA_DEPTH}", expr.span,
                     "compute inner parts in 'let' declarations, or write a long 'else if' chain as a band or a "
                     "table",
                     indonesian=Indonesian(f"rumus ini memiliki {size.depth} operasi yang bersarang satu di dalam "
                                           f"yang lain; satu rumus paling banyak bersarang {MAX_FORMULA_DEPTH} "
                                           "tingkat",
                                           "hitung bagian dalamnya dalam deklarasi 'let', atau tulis rangkaian "
                                           "'else if' yang panjang sebagai rentang (band) atau tabel"))
    else:
        return True
    state.used.update(name for name in names_read(expr) if name in state.values)
    return False


def _analyse(state: CheckState, expr: ast.Expr) -> Analysed:
    match expr:
        case ast.Number(value):
            state.check_size(value, expr.span)
            return Analysed(expr, NUMBER, Interval.point(value))
        case ast.Bool():
            return Analysed(expr, BOOL, None)
        case ast.String():
            return Analysed(expr, TEXT, None)
        case ast.Name():
            return resolve_name(state, expr)
        case ast.SetLiteral():
            state.report("T301", "a list of values {...} can only follow 'in' or 'not in'", expr.span,
                         "write e.g. hadir in {kepala_desa, sekretaris_desa}",
                         indonesian=Indonesian("daftar nilai {...} hanya dapat ditulis setelah 'in' atau 'not in'",
                                               "tulis misalnya hadir in {kepala_desa, sekretaris_desa}"))
            return Analysed(expr, UNKNOWN, None)
        case ast.Unary("not", operand):
            inner = _expect(state, operand, BOOL, Phrase("'not' needs a yes/no condition",
                                                         "'not' memerlukan kondisi ya/tidak"))
            return Analysed(attrs.evolve(expr, operand=inner.expr), BOOL, None)
        case ast.Unary("-", operand):
            inner = _expect(state, operand, NUMBER, Phrase("'-' needs a number", "'-' memerlukan angka"))
            return Analysed(attrs.evolve(expr, operand=inner.expr), NUMBER, _opt(intervals.negate, inner.interval))
        case ast.Binary():
            return _binary(state, expr)
        case ast.IfThenElse():
            return _if_then_else(state, expr)
        case ast.Call():
            return _call(state, expr)
    raise TypeError(f"unexpected expression {expr!r}")


def _expect(state: CheckState, expr: ast.Expr, expected: ValueType, message: Phrase) -> Analysed:
    result = _analyse(state, expr)
    if UNKNOWN not in (result.type, expected) and result.type.kind != expected.kind:
        hint = _type_hint(result.type, expected)
        state.report("T300", f"{message.en}, but this is {result.type.describe()}", expr.span,
                     hint.en if hint else None,
                     indonesian=Indonesian(f"{message.id}, tetapi ini {result.type.describe('id')}",
                                           hint.id if hint else None))
        return Analysed(result.expr, UNKNOWN, None)
    return result


def _if_then_else(state: CheckState, expr: ast.IfThenElse) -> Analysed:
    c = _expect(state, expr.condition, BOOL, Phrase("the condition after 'if' must be yes/no",
                                                    "kondisi setelah 'if' harus bernilai ya/tidak"))
    a, b = _analyse(state, expr.then), _analyse(state, expr.otherwise)
    result_type = a.type
    if UNKNOWN not in (a.type, b.type) and a.type != b.type:
        state.report("T302", f"the two branches give different kinds of value: {a.type.describe()} after "
                     f"'then', {b.type.describe()} after 'else'", expr.span,
                     "make both branches numbers, or both yes/no",
                     indonesian=Indonesian(f"kedua cabang memberi jenis nilai yang berbeda: {a.type.describe('id')} "
                                           f"setelah 'then', {b.type.describe('id')} setelah 'else'",
                                           "jadikan kedua cabang sama-sama angka, atau sama-sama ya/tidak"))
        result_type = UNKNOWN
    interval = a.interval.hull(b.interval) if a.interval and b.interval else None
    return Analysed(attrs.evolve(expr, condition=c.expr, then=a.expr, otherwise=b.expr), result_type, interval)


def _binary(state: CheckState, expr: ast.Binary) -> Analysed:
    op = expr.op
    if op in ("and", "or"):
        return _logic(state, expr)
    if op in ("+", "-", "*", "/"):
        return _arithmetic(state, expr)
    if op in ("<", "<=", ">", ">="):
        compares = Phrase(f"'{op}' compares numbers", f"'{op}' membandingkan angka")
        left = _expect(state, expr.left, NUMBER, compares)
        right = _expect(state, expr.right, NUMBER, compares)
        return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)
    if op in ("in", "not in"):
        return _membership(state, expr)
    return _equality(state, expr)


def _logic(state: CheckState, expr: ast.Binary) -> Analysed:
    """A run of `and` (or of `or`), operand by operand, as the nested operations would be."""
    first, links = chain(expr)
    joins = Phrase(f"'{links[0].op}' joins yes/no conditions", f"'{links[0].op}' menggabungkan kondisi ya/tidak")
    result = _expect(state, first, BOOL, joins)
    for link in links:
        right = _expect(state, link.right, BOOL, joins)
        result = Analysed(attrs.evolve(link, left=result.expr, right=right.expr), BOOL, None)
    return result


def _arithmetic(state: CheckState, expr: ast.Binary) -> Analysed:
    """A run such as a + b - c, operand by operand: each operation's range from the one before it."""
    first, links = chain(expr)
    result = _expect(state, first, NUMBER, _works_on_numbers(links[0].op))
    for link in links:
        right = _expect(state, link.right, NUMBER, _works_on_numbers(link.op))
        result = _operation(state, link, result, right)
    return result


def _works_on_numbers(op: str) -> Phrase:
    return Phrase(f"'{op}' works on numbers", f"'{op}' hanya berlaku untuk angka")


def _operation(state: CheckState, expr: ast.Binary, left: Analysed, right: Analysed) -> Analysed:
    resolved = attrs.evolve(expr, left=left.expr, right=right.expr)
    if left.interval is None or right.interval is None:
        return Analysed(resolved, NUMBER if UNKNOWN not in (left.type, right.type) else UNKNOWN, None)
    if expr.op == "/":
        if right.interval.contains_zero():
            state.report("T303", f"this division can be by zero: the divisor can be {right.interval.describe()}",
                         expr.span, "declare the divisor 'at least 1', or write ratio(a, b, if zero 0) to say what "
                         "a zero divisor gives",
                         indonesian=Indonesian("pembagian ini dapat berupa pembagian dengan nol: pembaginya dapat "
                                               f"bernilai {right.interval.describe('id')}", "deklarasikan pembaginya "
                                               "'at least 1', atau tulis ratio(a, b, if zero 0) untuk menyatakan "
                                               "hasilnya bila pembaginya nol"))
            return Analysed(resolved, NUMBER, Interval.everything())
        return Analysed(resolved, NUMBER, intervals.div(left.interval, right.interval))
    operation = {"+": intervals.add, "-": intervals.sub, "*": intervals.mul}[expr.op]
    return Analysed(resolved, NUMBER, operation(left.interval, right.interval))


def _membership(state: CheckState, expr: ast.Binary) -> Analysed:
    right_node = expr.right
    if isinstance(right_node, ast.SetLiteral):
        return _in_list(state, expr, right_node)
    right = _analyse(state, right_node)
    if right.type.kind != "set":
        if right.type != UNKNOWN:
            one_of = right.type.kind == "enum"
            state.report("T305", f"'{expr.op}' needs a set-of input or a list {{...}} on its right, but this is "
                         f"{right.type.describe()}", right_node.span,
                         "compare a one-of input with 'is', e.g. hadir_wawancara is kepala_desa" if one_of else
                         "write a set-of input or a list of values after it, e.g. perdes in regulasi",
                         indonesian=Indonesian(f"'{expr.op}' memerlukan input 'set of' atau daftar {{...}} di "
                                               f"sebelah kanannya, tetapi ini {right.type.describe('id')}",
                                               "bandingkan input 'one of' dengan 'is', misalnya hadir_wawancara is "
                                               "kepala_desa" if one_of else "tulis input 'set of' atau daftar nilai "
                                               "setelahnya, misalnya perdes in regulasi"))
        return Analysed(expr, BOOL, None)
    left_node = expr.left
    if isinstance(left_node, ast.Name) and left_node.id not in state.values:
        member = _member(state, left_node, right.type, right_node)
        return Analysed(attrs.evolve(expr, left=member, right=right.expr), BOOL, None)
    left = _analyse(state, left_node)
    holds = set(right.type.members)
    missing = [m for m in left.type.members if m not in holds]
    if left.type.kind == "enum" and missing:
        state.report("T306", f"{', '.join(missing)} can be on the left but never in the set on the right", expr.span,
                     "compare inputs whose values match, or test the values one by one",
                     indonesian=Indonesian(f"{', '.join(missing)} dapat muncul di sebelah kiri tetapi tidak pernah "
                                           "ada dalam kumpulan di sebelah kanan", "bandingkan input yang nilainya "
                                           "sepadan, atau uji nilainya satu per satu"))
    elif left.type.kind != "enum" and left.type != UNKNOWN:
        state.report("T304", f"only a value of the set can be 'in' it, but this is {left.type.describe()}",
                     left_node.span, "write one of the set's values, e.g. perdes in regulasi",
                     indonesian=Indonesian("hanya nilai anggota kumpulan itu yang dapat diuji dengan 'in', tetapi ini "
                                           f"{left.type.describe('id')}", "tulis salah satu nilai kumpulan itu, "
                                           "misalnya perdes in regulasi"))
    return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)


def _in_list(state: CheckState, expr: ast.Binary, values: ast.SetLiteral) -> Analysed:
    """`x in {a, b}`: x is a one-of input, and a and b are values of it."""
    left = _analyse(state, expr.left)
    if left.type.kind != "enum":
        if left.type != UNKNOWN:
            state.report("T304", f"'{expr.op} {{...}}' needs a one-of input on its left, but this is "
                         f"{left.type.describe()}", expr.left.span,
                         "a list {...} tests a one-of input, e.g. hadir in {kepala_desa, sekretaris_desa}",
                         indonesian=Indonesian(f"'{expr.op} {{...}}' memerlukan input 'one of' di sebelah kirinya, "
                                               f"tetapi ini {left.type.describe('id')}", "daftar {...} menguji input "
                                               "'one of', misalnya hadir in {kepala_desa, sekretaris_desa}"))
        return Analysed(expr, BOOL, None)
    members = tuple(_member(state, n, left.type, expr.left) for n in values.members)
    resolved_set = attrs.evolve(values, members=tuple(ast.Name(m.id, m.span) for m in members))
    return Analysed(attrs.evolve(expr, left=left.expr, right=resolved_set), BOOL, None)


def _member(state: CheckState, node: ast.Name, enum: ValueType, owner: ast.Expr) -> ast.Member:
    if node.id not in enum.members:
        owner_en, owner_id = (f"'{owner.id}'",) * 2 if isinstance(owner, ast.Name) else ("this value", "nilai ini")
        meant, values = closest(node.id, enum.members), ", ".join(enum.members)
        state.report("N202", f"'{node.id}' is not a value of {owner_en}", node.span,
                     you_meant(meant) or f"the values are: {values}",
                     indonesian=Indonesian(f"'{node.id}' bukan nilai dari {owner_id}",
                                           you_meant(meant, "id") or f"nilainya adalah: {values}"))
    return ast.Member(node.id, node.span)


def _equality(state: CheckState, expr: ast.Binary) -> Analysed:
    left = _analyse(state, expr.left)
    if left.type.kind == "enum" and isinstance(expr.right, ast.Name) and expr.right.id not in state.values:
        member = _member(state, expr.right, left.type, expr.left)
        return Analysed(attrs.evolve(expr, left=left.expr, right=member), BOOL, None)
    right = _analyse(state, expr.right)
    if UNKNOWN in (left.type, right.type):
        return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)
    if left.type != right.type:
        state.report("T307", f"'{expr.op}' compares {left.type.describe()} with {right.type.describe()}", expr.span,
                     "both sides must be the same kind of value",
                     indonesian=Indonesian(f"'{expr.op}' membandingkan {left.type.describe('id')} dengan "
                                           f"{right.type.describe('id')}", "kedua sisi harus berupa jenis nilai "
                                           "yang sama"))
    elif left.type.kind == "set":
        state.report("T308", "sets cannot be compared with '=' or 'is'", expr.span,
                     "test single values with 'in', or compare 'count of' the set",
                     indonesian=Indonesian("kumpulan nilai tidak dapat dibandingkan dengan '=' atau 'is'",
                                           "uji nilai satu per satu dengan 'in', atau bandingkan 'count of' "
                                           "kumpulan itu"))
    elif expr.op in ("is", "is not") and left.type == NUMBER:
        instead = "=" if expr.op == "is" else "!="
        state.report("T309", f"'{expr.op}' is for yes/no and one-of values; compare numbers with = or !=", expr.span,
                     f"write {instead} instead",
                     indonesian=Indonesian(f"'{expr.op}' untuk nilai ya/tidak dan nilai 'one of'; bandingkan angka "
                                           "dengan = atau !=", f"tulis {instead} sebagai gantinya"))
    return Analysed(attrs.evolve(expr, left=left.expr, right=right.expr), BOOL, None)


def _call(state: CheckState, expr: ast.Call) -> Analysed:
    func = expr.func
    if func == "count_of":
        return _count_of(state, expr)
    if func == "round":
        return _round(state, expr)
    on_numbers = Phrase(f"{func}() works on numbers", f"{func}() hanya berlaku untuk angka")
    args = [_expect(state, a, NUMBER, on_numbers) for a in expr.args]
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
            state.report("R509", "clamp's lower limit is above its upper limit", expr.span,
                         "write the limits in order: clamp(value, lowest, highest)",
                         indonesian=Indonesian("batas bawah clamp lebih tinggi daripada batas atasnya",
                                               "tulis batasnya secara berurutan: clamp(nilai, terendah, tertinggi)"))
        return Analysed(resolved, NUMBER, intervals.clamp(*known))
    return Analysed(resolved, NUMBER, intervals.ratio(*known))


def _count_of(state: CheckState, expr: ast.Call) -> Analysed:
    inner = _analyse(state, expr.args[0])
    if inner.type.kind != "set":
        if inner.type != UNKNOWN:
            state.report("T300", f"'count of' counts the values of a set-of input, but this is "
                         f"{inner.type.describe()}", expr.args[0].span,
                         indonesian=Indonesian("'count of' menghitung nilai suatu input 'set of', tetapi ini "
                                               f"{inner.type.describe('id')}"))
        return Analysed(expr, NUMBER, Interval(Decimal(0), INF))
    return Analysed(attrs.evolve(expr, args=(inner.expr,)), NUMBER,
                    Interval(Decimal(0), Decimal(len(inner.type.members))))


def _round(state: CheckState, expr: ast.Call) -> Analysed:
    value = _expect(state, expr.args[0], NUMBER, Phrase("round() rounds a number", "round() membulatkan angka"))
    places = expr.args[1]
    assert isinstance(places, ast.Number)
    if places.value != places.value.to_integral_value() or places.value > 10:
        state.report("T314", "round() takes a whole number of places from 0 to 10", places.span,
                     "e.g. round(cakupan, 2)",
                     indonesian=Indonesian("round() memerlukan jumlah angka desimal berupa bilangan bulat dari 0 "
                                           "sampai 10", "misalnya round(cakupan, 2)"))
    interval = value.interval
    if interval is not None and places.value <= 10:
        interval = Interval(*(_rounded(b, int(places.value), state.rounding_mode)
                              for b in (interval.low, interval.high)))
    return Analysed(attrs.evolve(expr, args=(value.expr, places)), NUMBER, interval)


def _rounded(bound: Decimal, places: int, mode: str) -> Decimal:
    """A range end rounded like the values it bounds; one too long to round stays as it is (still sound)."""
    if bound.is_infinite():
        return bound
    try:
        return round_to(bound, places, mode)
    except ArithmeticError:
        return bound


def _opt(function: object, interval: Interval | None) -> Interval | None:
    return None if interval is None else function(interval)  # type: ignore[operator]


def _type_hint(actual: ValueType, expected: ValueType) -> Phrase | None:
    if expected == BOOL and actual.kind == "enum":
        example = f"'... is {actual.members[0]}'"
        return Phrase(f"compare it with one of its values, e.g. {example}",
                      f"bandingkan dengan salah satu nilainya, misalnya {example}")
    if expected == BOOL and actual == NUMBER:
        return Phrase("compare the number, e.g. '... >= 50'", "bandingkan angkanya, misalnya '... >= 50'")
    if expected == NUMBER and actual == BOOL:
        return Phrase("turn a condition into points with: if ... then 100 else 0",
                      "ubah kondisi menjadi poin dengan: if ... then 100 else 0")
    if expected == NUMBER and actual.kind == "set":
        return Phrase("count its values with: count of ...", "hitung nilainya dengan: count of ...")
    return None
