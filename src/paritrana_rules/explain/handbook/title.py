"""The handbook's opening: award, edition, period, category, round, what the handbook is made from, contents."""

from __future__ import annotations

from pathlib import PurePath

from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, bold, code, items
from paritrana_rules.explain.handbook.writer import Writer


def title(w: Writer, identity: dict[str, object], fingerprint: str, changed: bool = False) -> list[Block]:
    """The title blocks; `fingerprint` is the rubric's content hash, as audit records carry it; `changed` when
    the handbook lists what changed from the rubric this one extends.
    """
    blocks: list[Block] = [
        Heading(1, w.w("title", award=identity["award"], edition=identity["edition"], period=identity["period"])),
        Para(bold(w.w("subtitle"))),
        Para(_category(w, identity)),
    ]
    if w.model.round is not None:
        blocks.append(Para(_round_name(w, w.model.round)))
    description = w.text(w.model.rubric.meta, "description")
    if description:
        blocks.append(Para(description))
    about = [w.w("generated", file=code(PurePath(w.model.source.path).name))]
    if w.model.rubric.extends:
        about.append(w.w("extends", parent=code(w.model.rubric.extends)))
    about.append(w.w("fingerprint", hash=code(fingerprint)))
    blocks.append(Para(" ".join(about)))
    blocks += [Para(bold(w.w("contents"))), items([w.w(s) for s in _sections(w, changed)], numbered=True)]
    return blocks


def _category(w: Writer, identity: dict[str, object]) -> str:
    category = str(identity["category"])
    label = w.label(w.model.rubric.meta, category)
    if identity["sector"]:
        return w.w("category_sector", label=label, code=code(category), sector=code(str(identity["sector"])))
    return w.w("category", label=label, code=code(category))


def _round_name(w: Writer, name: str) -> str:
    """The round the rubric scores: worded for the two rounds of the award, else by its name."""
    if name in ("nasional", "provinsi"):
        return w.w(f"round_{name}")
    return w.w("round", code=code(name))


def _sections(w: Writer, changed: bool) -> tuple[str, ...]:
    """The phrase keys of the sections this rubric's handbook has, in order."""
    changes = ("s_changes",) if changed else ()
    staged = ("s_stages",) if w.model.stages else ()
    ranked = ("s_rank",) if w.model.ranking is not None or w.model.cuts else ()
    return (*changes, "s_score", "s_points", "s_gates", "s_adjust", *staged, *ranked, "s_inputs", "s_sources")
