"""Checking: `ast.Rubric` -> `model.RubricModel` plus every diagnostic, sorted.

The checker never stops at the first problem. It resolves names, infers types,
reasons over the ranges that input declarations allow (`intervals.py`) to prove
that points stay on the scale and divisors are never zero, checks that weights
add up, and analyses bands and decision tables for gaps, overlaps and rows
that can never apply (`tables.py`). Diagnostic codes are stable and documented
in docs/errors.md: P syntax, N names, T types, W weights and criteria tree,
R ranges, bands and tables, G gates and adjustments, H header, L lint (warnings).
Each diagnostic is written in English and in Bahasa Indonesia at the place it is
reported; parts of a sentence that several messages share are a `state.Phrase`.
Stages are checked here too: an input's `from stage`, and each advance rule,
which may read `total` and only what is known by its stage (`stages.py`).

Each family of checks has its module, all sharing one `state.CheckState`:
`header`, `names`, `inputs`, `lets`, `expressions`, `criteria`, `points`,
`gates`, `stages_check`, `properties`, `ranking` and `texts`. How large a
rubric may grow is `limits`: each limit is checked before the work it bounds,
so that checking (and compiling what checks) takes time in proportion to the
rubric. A run such as `a + b - c` is one level, not one per term (`chains`).
"""

from __future__ import annotations

from collections.abc import Mapping

from paritrana_rules.check.criteria import check_criteria
from paritrana_rules.check.gates import check_adjustment, check_gate
from paritrana_rules.check.header import check_header
from paritrana_rules.check.inputs import check_input
from paritrana_rules.check.lets import check_lets
from paritrana_rules.check.funnel import check_awards, check_cuts, check_groupings, check_within
from paritrana_rules.check.model import RubricModel
from paritrana_rules.check.names import declare_names, report_unused
from paritrana_rules.check.properties import check_properties
from paritrana_rules.check.ranking import check_ranking
from paritrana_rules.check.stages import value_stages
from paritrana_rules.check.stages_check import check_idle_stages, check_stages, order_stages
from paritrana_rules.check.state import CheckState
from paritrana_rules.check.texts import check_repeated_texts, check_translations
from paritrana_rules.check.years import check_years
from paritrana_rules.errors import Diagnostic
from paritrana_rules.language import ast
from paritrana_rules.source import SourceFile


def check(rubric: ast.Rubric, sources: Mapping[str, SourceFile]) -> tuple[RubricModel | None, list[Diagnostic]]:
    """Check a parsed (and merged) rubric; the model is None when any error (not warning) was found.

    `sources` maps each file path the rubric's spans name to its text, for excerpts.
    """
    state = CheckState(rubric, sources)
    model = _checked_model(state)
    has_errors = any(d.severity == "error" for d in state.diagnostics)
    return (None if has_errors else model), state.diagnostics


def _checked_model(state: CheckState) -> RubricModel:
    """Every family of checks in turn: later ones read the names, types and ranges that earlier ones found."""
    category, sector, round_, scale, rounding = check_header(state)
    declarations = state.rubric.declarations
    declare_names(state, declarations)
    stage_decls = [d for d in declarations if isinstance(d, ast.StageDecl)]
    order_stages(state, stage_decls)
    inputs = [check_input(state, d) for d in declarations if isinstance(d, ast.InputDecl)]
    lets = check_lets(state, [d for d in declarations if isinstance(d, ast.LetDecl)])
    criteria, roots = check_criteria(state, [d for d in declarations if isinstance(d, ast.CriterionDecl)])
    gates = [check_gate(state, d) for d in declarations if isinstance(d, ast.GateDecl)]
    adjustments = [check_adjustment(state, d) for d in declarations if isinstance(d, ast.AdjustmentDecl)]
    stage_models = check_stages(state, stage_decls, value_stages(inputs, lets))
    groupings = check_groupings(state, [d for d in declarations if isinstance(d, ast.GroupDecl)])
    ranking = check_ranking(state, criteria)
    check_within(state, ranking, groupings)
    cuts = check_cuts(state, stage_models, groupings)
    awards = check_awards(state, [d for d in declarations if isinstance(d, ast.AwardDecl)], ranking, groupings)
    report_unused(state, inputs, lets)
    check_repeated_texts(state)
    check_translations(state)
    check_years(state)
    model = RubricModel(
        rubric=state.rubric, source=state.source, sources=state.sources, category=category, sector=sector,
        round=round_, scale=scale, rounding_mode=rounding[0], rounding_places=rounding[1], inputs=tuple(inputs),
        lets=tuple(lets), criteria=tuple(criteria), roots=tuple(roots), gates=tuple(gates),
        adjustments=tuple(adjustments),
        properties=check_properties(state, criteria), ranking=ranking, stages=stage_models, groupings=groupings,
        cuts=cuts, awards=awards,
    )
    check_idle_stages(state, model)
    return model
