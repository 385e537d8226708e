"""A rubric's identity by content: hashes of its meaning, so that reformatting never changes them.

The hash is taken over the rubric's canonical form, the syntax tree without
positions or comments, so any change of meaning changes it while a new layout
does not. Each declaration is hashed too, so that a replay or a diff can say
which ones changed.
"""

from __future__ import annotations

from typing import Any

import attrs

from paritrana_rules.canonical import encode, sha256
from paritrana_rules.language import ast
from paritrana_rules.language.extends import declaration_kind


def canonical_form(node: Any) -> Any:
    """A syntax tree node as plain data: its meaning, without spans, paths or comments.

    Built without recursion, children before their parent: a formula's tree may nest hundreds of levels.
    """
    built: list[Any] = []
    pending: list[tuple[Any, bool]] = [(node, False)]
    while pending:
        current, children_built = pending.pop()
        parts = _parts(current)
        if parts is None:
            built.append(encode(current))
        elif children_built:
            values = built[len(built) - len(parts):]
            del built[len(built) - len(parts):]
            built.append(_assembled(current, values))
        else:
            pending.append((current, True))
            pending.extend((part, False) for part in reversed(parts))
    return built[0]


def _counted(node: Any) -> list[str]:
    """The fields of a node that count: those compared for equality, except a field the language gained later
    while it holds its default, so that the rubrics written before keep their hashes (and their ledgers
    still replay)."""
    return [f.name for f in attrs.fields(type(node)) if f.eq and not (
        f.metadata.get(ast.ADDED_LATER) and getattr(node, f.name) == f.default)]


def _parts(node: Any) -> list[Any] | None:
    """What a node is made of (its fields that count, or its items); None for a plain value."""
    if attrs.has(type(node)):
        return [getattr(node, name) for name in _counted(node)]
    if isinstance(node, (tuple, list)):
        return list(node)
    return None


def _assembled(node: Any, values: list[Any]) -> Any:
    if isinstance(node, (tuple, list)):
        return values
    names = _counted(node)
    return {"node": type(node).__name__, **dict(zip(names, values, strict=True))}


def declaration_hashes(rubric: ast.Rubric) -> dict[str, str]:
    """A hash per declaration, plus one for the header: what a replay compares to name changes."""
    hashes = {"header": sha256(canonical_form(attrs.evolve(rubric, declarations=())))}
    for decl in rubric.declarations:
        hashes[f"{declaration_kind(decl)}:{decl.name}"] = sha256(canonical_form(decl))
    return hashes


def rubric_hash(rubric: ast.Rubric) -> str:
    return sha256(canonical_form(rubric))
