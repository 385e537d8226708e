"""Sources and assumptions: every one the rubric names, grouped by what it is about."""

from __future__ import annotations

from paritrana_rules.explain.handbook.blocks import Block, Heading, Items, Para, items
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.explain.words import free_texts
from paritrana_rules.language import ast


def sources(w: Writer) -> list[Block]:
    found: list[Block] = []
    header = citations(w, w.model.rubric.meta)
    if header:
        found += [Heading(3, w.w("sources_rubric")), items(header)]
    for key, members in _groups(w):
        cited: list[tuple[int, str]] = []
        for title, meta in members:
            named = citations(w, meta)
            if named:
                cited += [(0, title), *((1, c) for c in named)]
        if cited:
            found += [Heading(3, w.w(key)), Items(tuple(cited))]
    return [Heading(2, w.w("s_sources")), Para(w.w("sources_intro")), *(found or [Para(w.w("sources_none"))])]


def _groups(w: Writer) -> list[tuple[str, list[tuple[str, tuple[ast.Meta, ...]]]]]:
    """What may cite a source, by group: each thing's title and its clauses."""
    model = w.model
    return [
        ("sources_criteria", [(w.criterion_ref(n.model.decl.name), n.model.decl.meta) for n in w.nodes]),
        ("sources_gates", [(w.label(g.decl.meta, g.decl.name), g.decl.meta) for g in model.gates]),
        ("sources_adjust", [(w.w(a.decl.kind, label=w.label(a.decl.meta, a.decl.name)), a.decl.meta)
                            for a in model.adjustments]),
        ("sources_lets", [(w.label(let.decl.meta, let.decl.name), let.decl.meta) for let in model.lets]),
        ("sources_inputs", [(w.label(i.decl.meta, i.decl.name), i.decl.meta) for i in model.inputs]),
        ("sources_stages", [(w.label(s.decl.meta, s.decl.name), s.decl.meta) for s in model.stages]),
    ]


def citations(w: Writer, meta: tuple[ast.Meta, ...]) -> list[str]:
    """The sources and assumptions a declaration names, worded."""
    return ([w.w("source", text=t) for t in free_texts(meta, "source", w.lang)]
            + [w.w("assumption", text=t) for t in free_texts(meta, "assumption", w.lang)])
