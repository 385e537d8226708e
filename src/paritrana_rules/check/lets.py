"""Lets (N204): computed values, put in dependency order, none depending on itself."""

from __future__ import annotations

from paritrana_rules.check.expressions import analyse
from paritrana_rules.check.model import LetModel
from paritrana_rules.check.state import CheckState
from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read


def check_lets(state: CheckState, decls: list[ast.LetDecl]) -> list[LetModel]:
    """Each let checked after the lets it reads, so that their types and ranges are known."""
    by_name = {d.name: d for d in decls}
    order: list[LetModel] = []
    progress: dict[str, str] = {}

    def visit(decl: ast.LetDecl, chain: list[str]) -> None:
        if progress.get(decl.name) == "done":
            return
        if progress.get(decl.name) == "active":
            cycle = " -> ".join([*chain[chain.index(decl.name):], decl.name])
            state.report("N204", f"'{decl.name}' depends on itself: {cycle}", decl.name_span,
                         "a let may only use inputs and other lets that do not use it")
            return
        progress[decl.name] = "active"
        for name in names_read(decl.expr):
            if name in by_name:
                visit(by_name[name], [*chain, decl.name])
        analysed = analyse(state, decl.expr)
        model = LetModel(decl, analysed.expr, analysed.type, analysed.interval)
        if state.declared_in.get(("input and let", decl.name)) == decl.name_span:
            state.values[decl.name] = model
        order.append(model)
        progress[decl.name] = "done"

    for decl in decls:
        visit(decl, [])
    return order
