"""Properties: each about the total or a criterion, varying a number or count input."""

from __future__ import annotations

from paritrana_rules.check.model import NUMBER, CriterionModel, InputModel
from paritrana_rules.check.state import CheckState
from paritrana_rules.errors import did_you_mean
from paritrana_rules.language import ast


def check_properties(state: CheckState, criteria: list[CriterionModel]) -> tuple[ast.PropertyDecl, ...]:
    names = [c.decl.name for c in criteria]
    for prop in state.rubric.properties:
        if prop.subject != "total" and prop.subject not in names:
            state.report("N211", f"the property is about '{prop.subject}', which is neither 'total' nor a criterion",
                         prop.subject_span, did_you_mean(prop.subject, names) or "write 'total' or a criterion's name")
        if prop.input is None:
            continue
        assert prop.input_span is not None
        target = state.values.get(prop.input)
        if not isinstance(target, InputModel):
            state.report("N212", f"'{prop.input}' is not an input", prop.input_span,
                         did_you_mean(prop.input, [i for i, v in state.values.items() if isinstance(v, InputModel)])
                         or "a property varies one input: name a number or count input")
        elif target.type != NUMBER:
            state.report("T315", f"'{prop.input}' is {target.type.describe()}; only a number or count can rise",
                         prop.input_span, "name a number or count input")
        else:
            state.used.add(prop.input)
    return state.rubric.properties
