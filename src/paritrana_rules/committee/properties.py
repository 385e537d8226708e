"""Committee properties, checked on inputs generated from the input declarations.

`property total never decreases when X rises` and `property C stays within the
scale` are searched for counterexamples with Hypothesis (`hypothesis.find`),
which also shrinks what it finds to a small, readable case. A property is about
the total, a criterion's points, or a derived value (a number `let`, such as a
coverage percentage), read from the same scored result. The generators here are
the same ones the project's own property tests use.

Hypothesis is an optional dependency (`pip install paritrana-rules[properties]`);
without it, properties are reported as not checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from paritrana_rules.committee.words import Said, said
from paritrana_rules.data import InputSpec
from paritrana_rules.errors import InputError
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.language import ast
from paritrana_rules.numeric import places_needed, plain

if TYPE_CHECKING:
    from hypothesis import strategies as st  # an optional extra: imported where properties are run

WIDE = Decimal(1_000_000)  # how far an unbounded number input is explored


@attrs.frozen
class PropertyOutcome:
    prop: ast.PropertyDecl
    holds: bool | None  # None: not checked (Hypothesis is not installed)
    examples: int
    message: Said
    counterexample: Said | None = None  # ready-to-paste example cases (YAML), commented in each language

    @property
    def state(self) -> str:
        """"holds", "fails" or "unchecked": the word a report uses for it."""
        return {True: "holds", False: "fails", None: "unchecked"}[self.holds]


Progress = Callable[[str, int], None]  # (the property, candidates tried so far)


def value_strategy(spec: InputSpec) -> st.SearchStrategy[Any]:
    """Valid values for one input, anywhere in its declared range, often near its lower end.

    Thresholds in bands and tables mostly sit at small values; drawing only uniformly from
    a range of a million would rarely cross them.
    """
    from hypothesis import strategies as st

    if spec.kind in ("number", "count"):
        low, high = _explored(spec.lower if spec.lower is not None or spec.kind == "number" else Decimal(0), spec.upper)
        near = [min(high, low + span) for span in (Decimal(100), Decimal(10_000))]
        if spec.kind == "count":
            return st.one_of(*(st.integers(int(low), int(top)) for top in (*near, high))).map(Decimal)
        places = max([2, *(places_needed(b) for b in (spec.lower, spec.upper) if b is not None)])
        return st.one_of(*(st.decimals(min_value=low, max_value=top, places=places, allow_nan=False,
                                       allow_infinity=False) for top in (*near, high)))
    if spec.kind == "panel":
        one = value_strategy(attrs.evolve(spec, kind="number"))
        jurors = ("ketua", "sekretaris", "apindo", "spsi", "akademisi", "disnaker", "bpjs")
        return st.dictionaries(st.sampled_from(jurors), one, min_size=3)
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "one_of":
        return st.sampled_from(spec.members)
    if spec.kind == "set_of":
        return st.frozensets(st.sampled_from(spec.members)) if spec.members else st.just(frozenset())
    return st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=12).filter(str.strip)


def _explored(lower: Decimal | None, upper: Decimal | None) -> tuple[Decimal, Decimal]:
    """The stretch generated for a range: all of it when bounded, WIDE beyond the one end otherwise."""
    if lower is None and upper is None:
        return -WIDE, WIDE
    if lower is None:
        assert upper is not None
        return upper - WIDE, upper
    return lower, upper if upper is not None else lower + WIDE


def candidate_strategy(specs: tuple[InputSpec, ...], omit_defaults: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """A valid candidate: every input given, except (optionally) some that have defaults."""
    from hypothesis import strategies as st

    required = {s.name: value_strategy(s) for s in specs if not (omit_defaults and s.has_default)}
    optional = {s.name: value_strategy(s) for s in specs if omit_defaults and s.has_default}
    return st.fixed_dictionaries(required, optional=optional)


def check_properties(rubric: AnyRubric, max_examples: int = 200,
                     progress: Progress | None = None) -> list[PropertyOutcome]:
    """Search each declared property for a counterexample; `progress` hears how many candidates were tried."""
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        return [PropertyOutcome(p, None, 0, said("not_checked")) for p in rubric.model.properties]
    return [check_property(rubric, prop, max_examples, progress) for prop in rubric.model.properties]


def _subject(rubric: AnyRubric, prop: ast.PropertyDecl, inputs: Mapping[str, Any]) -> Decimal | None:
    """The total, the criterion's points or the let's value; None when valid inputs cannot be scored exactly."""
    try:
        result: Result = rubric.evaluate(inputs, "generated", trace=False)
    except InputError:
        return None
    return subject_value(result, prop.subject)


def subject_value(result: Result, subject: str) -> Decimal:
    """What a property is about, in a scored result: "total", a criterion's points, or a number let's value."""
    if subject == "total":
        return result.total
    points = result.points
    if subject in points:
        return points[subject]
    program = result.program
    lets = dict(zip((step.name for step in program.lets), result.entries[program.layout.lets], strict=True))
    value: Decimal = lets[subject]
    return value


def _counting(prop: ast.PropertyDecl, progress: Progress | None,
              condition: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """The condition, telling `progress` how many candidates it has been asked about."""
    if progress is None:
        return condition
    tried = 0

    def counted(example: Any) -> bool:
        nonlocal tried
        tried += 1
        progress(prop.name, tried)
        return condition(example)
    return counted


def check_property(rubric: AnyRubric, prop: ast.PropertyDecl, max_examples: int = 200,
                   progress: Progress | None = None) -> PropertyOutcome:
    """Search one property for a counterexample (Hypothesis must be installed)."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample

    config = settings(max_examples=max_examples, database=None, derandomize=True, deadline=None,
                      suppress_health_check=list(HealthCheck))
    specs = rubric.input_specs
    low, high = rubric.model.scale
    if prop.kind == "bounded":
        def outside(candidate: dict[str, Any]) -> bool:
            value = _subject(rubric, prop, candidate)
            return value is None or not low <= value <= high

        try:
            found = find(candidate_strategy(specs), _counting(prop, progress, outside), settings=config)
        except NoSuchExample:
            return PropertyOutcome(prop, True, max_examples, said("checked_on", count=max_examples))
        value = _subject(rubric, prop, found)
        message = said("outside_scale", subject=prop.subject, value=plain(value)) if value is not None \
            else said("unscorable")
        return PropertyOutcome(prop, False, max_examples, message,
                               _yaml_cases([("counterexample", found)], message))
    assert prop.input is not None
    spec = next(s for s in specs if s.name == prop.input)
    step = st.integers(1, 1000).map(Decimal) if spec.kind == "count" else st.decimals(
        min_value=Decimal("0.01"), max_value=Decimal(1000), places=2)

    def up(value: Decimal, delta: Decimal) -> Decimal:
        return min(value + delta, spec.upper) if spec.upper is not None else value + delta

    def raised(pair: tuple[dict[str, Any], Decimal]) -> dict[str, Any]:
        base, delta = pair
        value = base[spec.name]
        if isinstance(value, dict):  # a panel rises when every juror scores higher
            return {**base, spec.name: {juror: up(score, delta) for juror, score in value.items()}}
        return {**base, spec.name: up(value, delta)}

    def decreases(pair: tuple[dict[str, Any], Decimal]) -> bool:
        before, after = _subject(rubric, prop, pair[0]), _subject(rubric, prop, raised(pair))
        return before is None or after is None or after < before

    pairs = st.tuples(candidate_strategy(specs).filter(lambda c: spec.name in c), step)
    try:
        base, delta = find(pairs, _counting(prop, progress, decreases), settings=config)
    except NoSuchExample:
        return PropertyOutcome(prop, True, max_examples, said("checked_on", count=max_examples))
    after = raised((base, delta))
    before_value, after_value = _subject(rubric, prop, base), _subject(rubric, prop, after)
    if before_value is None or after_value is None:
        summary = said("unscorable")
    else:
        summary = said("falls", subject=prop.subject, before=plain(before_value), after=plain(after_value),
                       input=spec.name, low=_yaml_value(base[spec.name]), high=_yaml_value(after[spec.name]))
    return PropertyOutcome(prop, False, max_examples, summary,
                           _yaml_cases([("counterexample-before", base), ("counterexample-after", after)], summary))


def _yaml_cases(cases: list[tuple[str, Mapping[str, Any]]], comment: Said) -> Said:
    """Example cases to paste under `candidates:` in the rubric's example file, under the comment in each language."""
    lines = []
    for case_id, values in cases:
        lines.append(f"- id: {case_id}")
        lines += [f"  {name}: {_yaml_value(value)}" for name, value in values.items()]
    body = "\n".join(lines) + "\n"
    return Said(f"# {comment.en}\n{body}", f"# {comment.id}\n{body}")


def _yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)
