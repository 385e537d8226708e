"""Lets (N204): computed values, put in dependency order, none depending on itself."""

from __future__ import annotations

from collections.abc import Iterator

from paritrana_rules.check.expressions import analyse
from paritrana_rules.check.model import LetModel
from paritrana_rules.check.state import CheckState
from paritrana_rules.errors import Indonesian
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read


def check_lets(state: CheckState, decls: list[ast.LetDecl]) -> list[LetModel]:
    """Each let checked after the lets it reads, so that their types and ranges are known."""
    by_name = {d.name: d for d in decls}
    order: list[LetModel] = []
    progress: dict[str, str] = {}
    for decl in decls:
        if progress.get(decl.name) != "done":
            _visit(state, decl, by_name, progress, order)
    return order


def _visit(state: CheckState, start: ast.LetDecl, by_name: dict[str, ast.LetDecl], progress: dict[str, str],
           order: list[LetModel]) -> None:
    """Depth first from `start`, each let after those it reads; with a stack of its own rather than
    Python's, since a let may stand at the end of a chain of thousands."""
    path = [start]  # the lets being visited, each reading the next
    waiting = [_reads(start, by_name)]
    progress[start.name] = "active"
    while path:
        name = next(waiting[-1], None)
        if name is None:
            decl = path.pop()
            waiting.pop()
            _analyse_let(state, decl, order)
            progress[decl.name] = "done"
        elif progress.get(name) == "active":
            chain = [d.name for d in path]
            cycle = " -> ".join([*chain[chain.index(name):], name])
            state.report("N204", f"'{name}' depends on itself: {cycle}", by_name[name].name_span,
                         "a let may only use inputs and other lets that do not use it",
                         indonesian=Indonesian(f"'{name}' bergantung pada dirinya sendiri: {cycle}",
                                               "let hanya boleh memakai input dan let lain yang tidak memakainya"))
        elif progress.get(name) != "done":
            progress[name] = "active"
            path.append(by_name[name])
            waiting.append(_reads(by_name[name], by_name))


def _reads(decl: ast.LetDecl, lets: dict[str, ast.LetDecl]) -> Iterator[str]:
    """The lets among the names a let reads, in order (the others are inputs, or unknown)."""
    return (name for name in names_read(decl.expr) if name in lets)


def _analyse_let(state: CheckState, decl: ast.LetDecl, order: list[LetModel]) -> None:
    analysed = analyse(state, decl.expr)
    model = LetModel(decl, analysed.expr, analysed.type, analysed.interval)
    if state.declared_in.get(("input and let", decl.name)) == decl.name_span:
        state.values[decl.name] = model
    order.append(model)
