"""Stages: each advance rule yes/no and reading only what is known by its stage, and no stage left idle.

When each value becomes known is worked out in `stages.py`; an input's
`from stage` is checked with the input (`inputs.py`).
"""

from __future__ import annotations

from collections.abc import Mapping

from paritrana_rules.check.expressions import expect
from paritrana_rules.check.model import BOOL, RubricModel, StageModel
from paritrana_rules.check.stages import stage_index
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian
from paritrana_rules.language import ast


def order_stages(state: CheckState, decls: list[ast.StageDecl]) -> None:
    """Number the stages in the order they are declared, before inputs name them in `from stage`."""
    for decl in decls:
        state.stage_order.setdefault(decl.name, len(state.stage_order))


def check_stages(state: CheckState, decls: list[ast.StageDecl], known: Mapping[str, int]) -> tuple[StageModel, ...]:
    """Each stage with its advance rule checked: yes/no, reading only what is known by then."""
    models = []
    for decl in decls:
        if state.declared_in.get(("stage", decl.name)) != decl.name_span:
            continue  # a second declaration of the name, reported as N201
        index = state.stage_order[decl.name]
        for extra in decl.advance[1:]:
            state.report("W408", f"stage '{decl.name}' has more than one advance rule", extra.span,
                         "keep one: join the conditions with 'and' or 'or'",
                         indonesian=Indonesian(f"tahap '{decl.name}' memiliki lebih dari satu aturan lolos",
                                               "sisakan satu: gabungkan kondisinya dengan 'and' atau 'or'"))
        advance = None
        if decl.advance:
            state.advancing = (decl.name, index, known)
            advance = expect(state, decl.advance[0], BOOL, Phrase("an advance rule must be yes/no",
                                                                  "aturan lolos harus bernilai ya/tidak")).expr
            state.advancing = None
            if index == len(state.stage_order) - 1:
                state.report("L804", f"'{decl.name}' is the last stage, so its advance rule leads nowhere",
                             decl.advance[0].span, "remove the rule, or declare the stage it leads to after this one",
                             "warning", Indonesian(f"'{decl.name}' adalah tahap terakhir, sehingga aturan lolosnya "
                                                   "tidak mengarah ke tahap mana pun", "hapus aturan itu, atau "
                                                   "deklarasikan tahap tujuannya setelah tahap ini"))
        models.append(StageModel(decl, advance))
    return tuple(models)


def check_idle_stages(state: CheckState, model: RubricModel) -> None:
    """A stage where no input arrives and nothing is scored is most likely a mistake in `from stage`."""
    busy = {stage for key, stage in stage_index(model).items() if not key.startswith("let:")}
    for index, stage in enumerate(model.stages):
        if index not in busy and stage.decl.name not in state.suggested:  # a misspelt `from stage` meant it
            name = stage.decl.name
            state.report("L805", f"nothing arrives and nothing is scored at stage '{name}'", stage.decl.name_span,
                         f"give the inputs collected at this stage 'from stage {name}', or remove the stage", "warning",
                         Indonesian(f"tidak ada data yang masuk dan tidak ada yang dinilai pada tahap '{name}'",
                                    f"beri input yang dikumpulkan pada tahap ini 'from stage {name}', atau hapus "
                                    "tahap itu"))
