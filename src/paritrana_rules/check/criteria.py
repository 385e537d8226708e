"""The criteria tree and its weights: known parents, no loops, weights adding up to 100%, points on the leaves."""

from __future__ import annotations

from paritrana_rules.check.limits import MAX_CRITERIA_DEPTH
from paritrana_rules.check.model import CriterionModel
from paritrana_rules.check.points import check_points
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian, closest, you_meant
from paritrana_rules.language import ast
from paritrana_rules.numeric import add_all, plain


def check_criteria(state: CheckState, decls: list[ast.CriterionDecl]) -> tuple[list[CriterionModel], list[str]]:
    """The criteria tree. A broken tree (unknown parent, a cycle) is reported once; the weight
    checks that would only repeat it in other words are then skipped."""
    by_name = {d.name: d for d in decls}
    children: dict[str | None, list[ast.CriterionDecl]] = {}
    orphans = False
    for decl in decls:
        parent = decl.parent
        if parent is not None and parent not in by_name:
            assert decl.parent_span is not None
            meant = closest(parent, by_name)
            state.report("N209", f"unknown parent criterion '{parent}'", decl.parent_span,
                         you_meant(meant) or "declare the parent criterion first, without points",
                         indonesian=Indonesian(f"kriteria induk '{parent}' tidak dikenal", you_meant(meant, "id") or
                                               "deklarasikan kriteria induknya lebih dulu, tanpa poin"))
            orphans = True
            continue
        children.setdefault(parent, []).append(decl)
    cyclic = _parent_cycles(state, by_name)
    _too_deep(state, by_name, cyclic)
    if not orphans and not cyclic:
        _weights(state, children)
    models = []
    for decl in decls:
        kids = tuple(c.name for c in children.get(decl.name, []))
        points = _points_of(state, decl, kids, decl.name in cyclic)
        models.append(CriterionModel(decl, decl.weight / 100, kids, points))
    return models, [d.name for d in children.get(None, [])]


def _parent_cycles(state: CheckState, by_name: dict[str, ast.CriterionDecl]) -> set[str]:
    """Report criteria that end up under themselves; returns every criterion on such a loop.

    Each criterion is walked up from once: a walk stops where an earlier one passed.
    """
    loops: dict[str, list[str]] = {}  # criterion on a loop -> the loop, starting from it
    walked: set[str] = set()
    for name in by_name:
        path: dict[str, int] = {}  # criterion -> its place on this walk
        current: str | None = name
        while current is not None and current in by_name and current not in walked:
            walked.add(current)
            path[current] = len(path)
            current = by_name[current].parent
        if current is not None and current in path:
            loop = list(path)[path[current]:]
            for place, member in enumerate(loop):
                loops[member] = loop[place:] + loop[:place]
    for decl in by_name.values():
        if decl.name in loops:
            assert decl.parent_span is not None
            chain = " under ".join([*loops[decl.name], decl.name])
            state.report("W404", f"criterion '{decl.name}' is inside itself: {chain}",
                         decl.parent_span, "name the right parent after 'under' (or remove 'under' for a top-level "
                         "criterion) so the criteria form a tree",
                         indonesian=Indonesian(f"kriteria '{decl.name}' berada di dalam dirinya sendiri: {chain}",
                                               "tulis induk yang benar setelah 'under' (atau hapus 'under' untuk "
                                               "kriteria tingkat teratas) agar kriteria membentuk pohon"))
    return set(loops)


def _too_deep(state: CheckState, by_name: dict[str, ast.CriterionDecl], cyclic: set[str]) -> None:
    """Report the criteria one level below the deepest allowed (those further down only repeat it)."""
    levels: dict[str, int | None] = {}  # criterion -> its level, 1 at the top; None under a loop
    for name in by_name:
        path: list[str] = []
        current: str | None = name
        while current is not None and current in by_name and current not in levels and current not in cyclic:
            path.append(current)
            current = by_name[current].parent
        level: int | None = 0  # above the top, or above a parent that is not declared (N209)
        if current in cyclic:
            level = None
        elif current in levels:
            level = levels[current]
        for member in reversed(path):
            level = None if level is None else level + 1
            levels[member] = level
    for decl in by_name.values():
        if levels.get(decl.name) == MAX_CRITERIA_DEPTH + 1 and decl.parent_span is not None:
            state.report("W409", f"criterion '{decl.name}' is {MAX_CRITERIA_DEPTH + 1} levels deep; criteria may "
                         f"be nested at most {MAX_CRITERIA_DEPTH} levels", decl.parent_span,
                         "put it under a criterion nearer the top: a few levels hold any rubric of the award",
                         indonesian=Indonesian(f"kriteria '{decl.name}' berada pada tingkat "
                                               f"ke-{MAX_CRITERIA_DEPTH + 1}; kriteria paling banyak bersarang "
                                               f"{MAX_CRITERIA_DEPTH} tingkat",
                                               "tempatkan di bawah kriteria yang lebih dekat ke tingkat teratas: "
                                               "beberapa tingkat sudah cukup untuk rubrik mana pun dalam penghargaan "
                                               "ini"))


def _weights(state: CheckState, children: dict[str | None, list[ast.CriterionDecl]]) -> None:
    if not children.get(None):
        state.report("W405", "the rubric has no criteria", state.rubric.span, "add: criterion NAME weight 100%",
                     indonesian=Indonesian("rubrik ini tidak memiliki kriteria",
                                           "tambahkan: criterion NAMA weight 100%"))
    for parent, group in children.items():
        for decl in group:
            if decl.weight <= 0 or decl.weight > 100:
                state.report("W402", f"weight {plain(decl.weight)}% of '{decl.name}' must be above 0% and at most "
                             "100%", decl.weight_span,
                             "give it a weight such as 10%, or remove a criterion that should not count",
                             indonesian=Indonesian(f"bobot {plain(decl.weight)}% pada '{decl.name}' harus di atas 0% "
                                                   "dan paling tinggi 100%", "beri bobot seperti 10%, atau hapus "
                                                   "kriteria yang memang tidak dihitung"))
        total = add_all(d.weight for d in group)
        if total != 100:
            where = (Phrase("top-level criteria", "kriteria tingkat teratas") if parent is None else
                     Phrase(f"criteria under '{parent}'", f"kriteria di bawah '{parent}'"))
            parts = " + ".join(f"{d.name} {plain(d.weight)}%" for d in group)
            # Point at a weight written in this file when there is one: in an edition built with
            # `extends`, that is the change that broke the sum.
            local = [d for d in group if d.weight_span.path == state.rubric.path]
            state.report("W400", f"weights of the {where.en} add up to {plain(total)}%, not 100%",
                         (local or group)[-1].weight_span,
                         f"{parts} = {plain(total)}%; change the weights so they add up to 100%",
                         indonesian=Indonesian(f"jumlah bobot {where.id} adalah {plain(total)}%, bukan 100%",
                                               f"{parts} = {plain(total)}%; ubah bobotnya agar berjumlah 100%"))


def _points_of(state: CheckState, decl: ast.CriterionDecl, kids: tuple[str, ...], cyclic: bool) -> ast.Points | None:
    """A leaf's one points clause, checked; a parent has none of its own."""
    if cyclic:
        return check_points(state, decl.name, decl.points[0]) if decl.points else None
    if kids and decl.points:
        state.report("W403", f"criterion '{decl.name}' has sub-criteria and its own points", decl.points[0].span,
                     "a parent's points are the weighted sum of its sub-criteria: remove this points clause",
                     indonesian=Indonesian(f"kriteria '{decl.name}' memiliki subkriteria sekaligus poinnya sendiri",
                                           "poin kriteria induk adalah jumlah tertimbang subkriterianya: hapus "
                                           "klausa points ini"))
        return None
    if not kids and not decl.points:
        state.report("W401", f"criterion '{decl.name}' has no points and no sub-criteria", decl.name_span,
                     "add a 'points ...' clause, or criteria 'under' it",
                     indonesian=Indonesian(f"kriteria '{decl.name}' tidak memiliki poin maupun subkriteria",
                                           "tambahkan klausa 'points ...', atau kriteria 'under' kriteria ini"))
        return None
    for extra in decl.points[1:]:
        state.report("W406", f"criterion '{decl.name}' has more than one points clause", extra.span, "keep one",
                     indonesian=Indonesian(f"kriteria '{decl.name}' memiliki lebih dari satu klausa points",
                                           "sisakan satu"))
    if not decl.points:
        return None
    return check_points(state, decl.name, decl.points[0])
