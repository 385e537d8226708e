"""Evaluation: a `Program` x validated inputs -> a `Result`.

Scoring runs the program's compiled function once (see `compile/codegen.py`);
its entries are all a `Result` keeps. The fast path and the traced path are the
same call: a traced result lays its entries out as a trace when an
explanation, a test or an audit record asks.

The total is computed in this order: weighted sum of the top-level criteria,
plus bonuses, minus penalties, then the lowest cap of any failed cap gate,
then limited to the scale, then rounded per the rubric.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from paritrana_rules.compile.program import Program
from paritrana_rules.evaluate.result import Result, Status, environment
from paritrana_rules.numeric import exact

ResultT = TypeVar("ResultT", bound=Result)


@exact
def evaluate(
    program: Program,
    values: Mapping[str, Any],
    make: Callable[..., ResultT],
    *,
    candidate_id: str,
    candidate_name: str | None = None,
    defaulted: frozenset[str] = frozenset(),
    trace: bool = True,
) -> ResultT:
    """Score validated inputs (see `data.validate`) with a compiled program; `make` builds the result from
    `Result`'s fields, given as keywords."""
    entries = program.run(environment(values) if program.panels else values)
    outcome = entries[program.layout.total]
    # The inputs are copied (about half a microsecond): a result must not change when the caller's mapping does.
    return make(program=program, candidate_id=candidate_id, candidate_name=candidate_name, inputs=dict(values),
                total=outcome[0], status=_status(program, outcome, entries), entries=entries,
                defaulted=defaulted, traced=trace)


def _status(program: Program, outcome: tuple[Any, ...], entries: list[Any]) -> Status:
    """Disqualified by a gate; else eliminated by a stage's advance rule; else pending later stages, or eligible.

    `outcome` is the total's entry, whose last item says whether a gate disqualified the candidate.
    """
    if outcome[-1]:
        return "disqualified"
    if program.stages and not all([advanced for advanced, _ in entries[program.layout.stages]]):
        return "eliminated"
    return "eligible" if program.final else "pending"
