"""Properties: each about the total, a criterion or a number `let` (a derived value such as a coverage
percentage), varying a number or count input."""

from __future__ import annotations

from paritrana_rules.check.model import NUMBER, CriterionModel, InputModel, LetModel
from paritrana_rules.check.state import CheckState
from paritrana_rules.errors import Indonesian, closest, you_meant
from paritrana_rules.language import ast


def check_properties(state: CheckState, criteria: list[CriterionModel]) -> tuple[ast.PropertyDecl, ...]:
    lets = [name for name, value in state.values.items() if isinstance(value, LetModel) and value.type == NUMBER]
    names = [c.decl.name for c in criteria] + lets
    for prop in state.rubric.properties:
        if prop.subject != "total" and prop.subject not in names:
            meant = closest(prop.subject, names)
            state.report("N211", f"the property is about '{prop.subject}', which is neither 'total', a criterion nor "
                         "a number let", prop.subject_span,
                         you_meant(meant) or "write 'total', a criterion's name or a number let's name",
                         indonesian=Indonesian(f"properti ini tentang '{prop.subject}', yang bukan 'total', bukan "
                                               "kriteria dan bukan let berupa angka", you_meant(meant, "id") or
                                               "tulis 'total', nama kriteria atau nama let berupa angka"))
        elif prop.subject in lets:
            state.used.add(prop.subject)
        if prop.input is None:
            continue
        assert prop.input_span is not None
        target = state.values.get(prop.input)
        if not isinstance(target, InputModel):
            meant = closest(prop.input, [i for i, v in state.values.items() if isinstance(v, InputModel)])
            state.report("N212", f"'{prop.input}' is not an input", prop.input_span,
                         you_meant(meant) or "a property varies one input: name a number or count input",
                         indonesian=Indonesian(f"'{prop.input}' bukan input", you_meant(meant, "id") or
                                               "properti mengubah-ubah satu input: sebut input number atau count"))
        elif target.type != NUMBER:
            state.report("T315", f"'{prop.input}' is {target.type.describe()}; only a number or count can rise",
                         prop.input_span, "name a number or count input",
                         indonesian=Indonesian(f"'{prop.input}' berupa {target.type.describe('id')}; hanya number "
                                               "atau count yang dapat naik", "sebut input number atau count"))
        else:
            state.used.add(prop.input)
    return state.rubric.properties
