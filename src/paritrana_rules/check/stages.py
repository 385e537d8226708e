"""Stages: when each part of a checked rubric becomes known, and the rubric as it stands at a stage.

The award is a funnel (screening, desk assessment, interview, ...). A rubric
declares its stages in order; an input arrives at the stage its `from stage`
names (else the first). Every other rule gets a *derived* stage: the latest
stage of what it reads, so that a candidate can be scored at an early stage
without the data that only later stages collect. A parent criterion is known
when its last child is. A rubric without stages has one implicit stage, 0.

Input: a `model.RubricModel` from `check.py`. Nothing here resolves or
type-checks expressions; it only reads the names they use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from paritrana_rules.language import ast
from paritrana_rules.language.expressions import names_read
from paritrana_rules.check.model import CriterionModel, InputModel, LetModel, RubricModel, points_exprs

TOTAL = "total"  # the provisional total, readable in advance rules only


def value_stages(inputs: Iterable[InputModel], lets: Iterable[LetModel]) -> dict[str, int]:
    """The stage at which each input and let is known; lets must come in dependency order.

    The checker needs this before the whole model exists, to tell an advance
    rule that reads something too late.
    """
    known = {i.decl.name: i.stage for i in inputs}
    for let in lets:
        known[let.decl.name] = latest(known, [let.expr])
    return known


def latest(known: Mapping[str, int], exprs: Iterable[ast.Expr]) -> int:
    """The latest stage among the names the expressions read (0 when they read none, e.g. constants)."""
    return max((known.get(name, 0) for expr in exprs for name in names_read(expr)), default=0)


def stage_index(model: RubricModel) -> dict[str, int]:
    """The stage of every step, keyed like trace step ids: input:, let:, criterion:, gate:, bonus: and penalty:."""
    known = value_stages(model.inputs, model.lets)
    index = {f"input:{i.decl.name}": i.stage for i in model.inputs}
    index.update((f"let:{let.decl.name}", known[let.decl.name]) for let in model.lets)
    index.update((f"criterion:{name}", stage) for name, stage in _criterion_stages(model.criteria, known).items())
    index.update((f"gate:{g.decl.name}", latest(known, [g.condition])) for g in model.gates)
    index.update((f"{a.decl.kind}:{a.decl.name}", latest(known, _adjustment_exprs(a.amount, a.condition)))
                 for a in model.adjustments)
    return index


def _adjustment_exprs(amount: ast.Expr, condition: ast.Expr | None) -> list[ast.Expr]:
    return [amount] if condition is None else [amount, condition]


def _criterion_stages(criteria: Iterable[CriterionModel], known: Mapping[str, int]) -> dict[str, int]:
    """A leaf's stage is that of what its points read; a parent's, the latest of its children's.

    Children come first, on a stack of its own rather than Python's: a tree the checker rejected may be
    thousands of levels deep, or loop (a child that is also an ancestor is passed over).
    """
    by_name = {c.decl.name: c for c in criteria}
    stages: dict[str, int] = {}
    for top, criterion in by_name.items():
        if top in stages:
            continue
        path = [top]  # the criteria being worked out, each a child of the one before
        on_path = {top}
        waiting = [iter(criterion.children)]
        while path:
            child = next(waiting[-1], None)
            if child is None:
                name = path.pop()
                waiting.pop()
                stages[name] = _own_stage(by_name[name], stages, on_path, known)
                on_path.discard(name)
            elif child not in stages and child not in on_path:
                path.append(child)
                on_path.add(child)
                waiting.append(iter(by_name[child].children))
    return stages


def _own_stage(criterion: CriterionModel, stages: Mapping[str, int], on_path: set[str],
               known: Mapping[str, int]) -> int:
    """Its stage, once every child that is not also its ancestor (or itself) has one."""
    if criterion.children:
        return max((stages[c] for c in criterion.children if c not in on_path), default=0)
    return latest(known, points_exprs(criterion.points) if criterion.points else [])


def last_stage(model: RubricModel) -> int:
    """The index of the final stage: where every input is known and the full rubric applies."""
    return max(len(model.stages) - 1, 0)


def inputs_after(model: RubricModel, index: int) -> tuple[str, ...]:
    """The inputs that arrive after stage `index`: a candidate scored at that stage need not give them."""
    return tuple(i.decl.name for i in model.inputs if i.stage > index)


def model_at(model: RubricModel, index: int) -> RubricModel:
    """The rubric as it stands at stage `index`: only what is known by then, for `compile_rubric` as it is.

    Inputs, lets, gates, bonuses, penalties and leaf criteria of later stages
    are left out; a parent keeps its known children, with their weights as
    they are, so the total is the provisional sum of what is scored so far (a
    parent with none left is left out too). Properties and tie-breaks about
    what is left out go with it. The header, the AST and the stages stay, so
    labels, spans and advance rules are found as in the full model. At the
    last stage this is the full model.
    """
    stages = stage_index(model)

    def known(key: str) -> bool:
        return stages[key] <= index

    kept = _available_criteria(model.criteria, stages, index)
    criteria = tuple(_with_children(c, kept) for c in model.criteria if c.decl.name in kept)
    inputs = tuple(i for i in model.inputs if known(f"input:{i.decl.name}"))
    return attrs.evolve(
        model,
        inputs=inputs,
        lets=tuple(let for let in model.lets if known(f"let:{let.decl.name}")),
        criteria=criteria,
        roots=tuple(r for r in model.roots if r in kept),
        gates=tuple(g for g in model.gates if known(f"gate:{g.decl.name}")),
        adjustments=tuple(a for a in model.adjustments if known(f"{a.decl.kind}:{a.decl.name}")),
        properties=_properties_within(model.properties, kept, {i.decl.name for i in inputs}),
        ranking=_ranking_within(model.ranking, kept),
    )


def _available_criteria(criteria: Iterable[CriterionModel], stages: Mapping[str, int], index: int) -> set[str]:
    """Leaves scored by stage `index`, and every parent with at least one of them below it."""
    by_name = {c.decl.name: c for c in criteria}

    def available(name: str) -> bool:
        children = by_name[name].children
        if children:
            return any(available(c) for c in children)
        return stages[f"criterion:{name}"] <= index

    return {name for name in by_name if available(name)}


def _with_children(criterion: CriterionModel, kept: set[str]) -> CriterionModel:
    return attrs.evolve(criterion, children=tuple(c for c in criterion.children if c in kept))


def _properties_within(properties: tuple[ast.PropertyDecl, ...], criteria: set[str],
                       inputs: set[str]) -> tuple[ast.PropertyDecl, ...]:
    return tuple(p for p in properties if (p.subject == TOTAL or p.subject in criteria)
                 and (p.input is None or p.input in inputs))


def _ranking_within(ranking: ast.RankingDecl | None, criteria: set[str]) -> ast.RankingDecl | None:
    """Keys of criteria not yet scored are dropped; with no key left, there is no ranking yet."""
    if ranking is None:
        return None
    pairs = [(k, s) for k, s in zip(ranking.keys, ranking.key_spans, strict=True) if k == TOTAL or k in criteria]
    if not pairs:
        return None
    return attrs.evolve(ranking, keys=tuple(k for k, _ in pairs), key_spans=tuple(s for _, s in pairs))
