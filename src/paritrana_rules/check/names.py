"""Names: each declared once, each one an expression reads an input or a let (or `total`), each used."""

from __future__ import annotations

from paritrana_rules.check.model import NUMBER, UNKNOWN, InputModel, LetModel
from paritrana_rules.check.stages import TOTAL
from paritrana_rules.check.state import Analysed, CheckState, Phrase
from paritrana_rules.errors import Indonesian, you_meant
from paritrana_rules.language import ast

# The namespaces names are declared in, as N201's hint names them.
_NAMESPACES = {
    "input and let": Phrase("input and let", "input dan let"), "stage": Phrase("stage", "tahap"),
    "placing": Phrase("placing", "penghargaan"), "criterion": Phrase("criterion", "kriteria"),
    "gate, bonus and penalty": Phrase("gate, bonus and penalty", "syarat, bonus, dan pengurangan"),
}


def declare_names(state: CheckState, declarations: tuple[ast.Declaration, ...]) -> None:
    """Inputs and lets share one namespace, criteria another, gates and adjustments a third."""
    for decl in declarations:
        namespace = _namespace(decl)
        key = (namespace, decl.name)
        if key in state.declared_in:
            first, words = state.declared_in[key], _NAMESPACES[namespace]
            state.report("N201", f"'{decl.name}' is already declared on line {first.line}", decl.name_span,
                         f"give each {words.en} its own name",
                         indonesian=Indonesian(f"'{decl.name}' sudah dideklarasikan di baris {first.line}",
                                               f"beri setiap {words.id} namanya sendiri"))
        else:
            state.declared_in[key] = decl.name_span
            state.declared.setdefault(decl.name, decl.name_span)
        if isinstance(decl, ast.InputDecl):
            for member in decl.type.members:
                state.member_owner.setdefault(member.name, decl.name)


def _namespace(decl: ast.Declaration) -> str:
    if isinstance(decl, (ast.InputDecl, ast.LetDecl, ast.GroupDecl)):
        return "input and let"
    if isinstance(decl, ast.StageDecl):
        return "stage"
    if isinstance(decl, ast.AwardDecl):
        return "placing"
    return "criterion" if isinstance(decl, ast.CriterionDecl) else "gate, bonus and penalty"


def resolve_name(state: CheckState, expr: ast.Name) -> Analysed:
    """A name read in an expression: an input or a let, or `total` in an advance rule."""
    name = expr.id
    if name == TOTAL:
        return _total(state, expr)
    target = state.values.get(name)
    if target is not None:
        state.used.add(name)
        if state.advancing is not None:
            _known_in_time(state, expr, target)
        return Analysed(expr, target.type, target.interval)
    if name in state.member_owner:
        owner = state.member_owner[name]
        examples = f"'{owner} is {name}' or '{name} in {owner}'"
        state.report("N207", f"'{name}' is a value of input '{owner}', not a name on its own", expr.span,
                     f"compare it, e.g. {examples}",
                     indonesian=Indonesian(f"'{name}' adalah nilai dari input '{owner}', bukan nama yang berdiri "
                                           f"sendiri", f"bandingkan, misalnya '{owner} is {name}' atau "
                                           f"'{name} in {owner}'"))
    elif ("input and let", name) in state.declared_in:
        pass  # a let caught in a cycle, already reported
    elif name in state.declared:
        state.report("N208", f"'{name}' is a criterion, gate or adjustment; only inputs and lets can be used in "
                     "expressions", expr.span, "use the inputs or lets it is computed from, or compute it in a 'let'",
                     indonesian=Indonesian(f"'{name}' adalah kriteria, syarat, bonus, atau pengurangan; hanya input "
                                           "dan let yang dapat dipakai dalam rumus", "pakai input atau let yang "
                                           "menjadi dasar perhitungannya, atau hitung dalam 'let'"))
    else:
        meant = state.suggest(name, state.values)
        state.report("N200", f"unknown name '{name}'", expr.span,
                     you_meant(meant) or "declare it with 'input' or 'let' first",
                     indonesian=Indonesian(f"nama '{name}' tidak dikenal", you_meant(meant, "id") or
                                           "deklarasikan lebih dulu dengan 'input' atau 'let'"))
    return Analysed(expr, UNKNOWN, None)


def _total(state: CheckState, expr: ast.Name) -> Analysed:
    """`total` is the provisional total of a stage: it means something in an advance rule only."""
    if state.advancing is None:
        state.report("N217", "'total' can only be used in a stage's advance rule", expr.span,
                     "'total' is the provisional total, known only where a stage decides who goes on; for a "
                     "value of your own, choose another name, e.g. 'total_desa'",
                     indonesian=Indonesian("'total' hanya dapat dipakai dalam aturan lolos suatu tahap",
                                           "'total' adalah nilai akhir sementara, yang hanya diketahui saat suatu "
                                           "tahap menentukan siapa yang lolos; untuk nilai Anda sendiri, pilih nama "
                                           "lain, misalnya 'total_desa'"))
        return Analysed(expr, UNKNOWN, None)
    return Analysed(expr, NUMBER, state.scale)  # the total is kept within the scale


def _known_in_time(state: CheckState, expr: ast.Name, target: InputModel | LetModel) -> None:
    """An advance rule decides with what is known at its stage; a later input cannot be read yet."""
    assert state.advancing is not None
    stage, index, known = state.advancing
    arrives = known.get(expr.id, 0)
    if arrives <= index:
        return
    later = list(state.stage_order)[arrives]
    known_by = Phrase(f"decide with what is known by stage '{stage}': its inputs, earlier ones, and total",
                      f"putuskan dengan apa yang sudah diketahui pada tahap '{stage}': inputnya, input tahap "
                      "sebelumnya, dan total")
    if isinstance(target, InputModel):
        what = Phrase("arrives", "baru masuk")
        hint = Phrase(f"{known_by.en}; or, if the input really comes in by then, give it 'from stage {stage}'",
                      f"{known_by.id}; atau, bila input itu memang sudah masuk saat itu, beri 'from stage {stage}'")
    else:
        what, hint = Phrase("is computed from data that arrives", "dihitung dari data yang baru masuk"), known_by
    state.report("N218", f"the advance rule of stage '{stage}' reads '{expr.id}', which {what.en} at the later stage "
                 f"'{later}'", expr.span, hint.en,
                 indonesian=Indonesian(f"aturan lolos tahap '{stage}' membaca '{expr.id}', yang {what.id} pada "
                                       f"tahap berikutnya, '{later}'", hint.id))


def report_unused(state: CheckState, inputs: list[InputModel], lets: list[LetModel]) -> None:
    """Inputs and lets no rule reads: data candidates would be asked for, or work done, for nothing."""
    read = state.used | state.suggested
    for model in inputs:
        if model.spec.kind != "text" and model.decl.name not in read:
            state.report("L800", f"input '{model.decl.name}' is never used", model.decl.name_span,
                         "use it in a rule or remove it, so candidates are not asked for data that does not count",
                         "warning", Indonesian(f"input '{model.decl.name}' tidak pernah dipakai", "pakai dalam suatu "
                                               "aturan atau hapus, agar peserta tidak dimintai data yang tidak "
                                               "dihitung"))
    for let in lets:
        if let.decl.name not in state.used:
            state.report("L801", f"'{let.decl.name}' is computed but never used", let.decl.name_span,
                         "use it in a rule or remove it", "warning",
                         Indonesian(f"'{let.decl.name}' dihitung tetapi tidak pernah dipakai",
                                    "pakai dalam suatu aturan atau hapus"))
