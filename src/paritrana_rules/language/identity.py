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
    """A syntax tree node as plain data: its meaning, without spans, paths or comments."""
    if attrs.has(type(node)):
        fields = {f.name: canonical_form(getattr(node, f.name)) for f in attrs.fields(type(node)) if f.eq}
        return {"node": type(node).__name__, **fields}
    if isinstance(node, (tuple, list)):
        return [canonical_form(n) for n in node]
    return encode(node)


def declaration_hashes(rubric: ast.Rubric) -> dict[str, str]:
    """A hash per declaration, plus one for the header: what a replay compares to name changes."""
    hashes = {"header": sha256(canonical_form(attrs.evolve(rubric, declarations=())))}
    for decl in rubric.declarations:
        hashes[f"{declaration_kind(decl)}:{decl.name}"] = sha256(canonical_form(decl))
    return hashes


def rubric_hash(rubric: ast.Rubric) -> str:
    return sha256(canonical_form(rubric))
