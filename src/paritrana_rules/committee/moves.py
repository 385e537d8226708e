"""Whom a new rubric moves: the same candidates scored under two rubrics, each ranked the way its rubric ranks.

Each rubric scores the candidates as `score` does (each at the stage its data
has reached), and its own funnel (`rank.ranking`: cuts, ranks within its
groups, nominations and placings) places them, through the same
`place_results` a batch uses. A candidate's total change is split into moves
in one unit, points of the total: each top-level criterion's weighted
contribution, each bonus and penalty, the cap of a failed gate, the limit of
the scale, and the rounding. Shown to `places` decimals (at least 2), the moves
add up to the change exactly: what showing them rounded leaves over is
counted with the rounding of the total.

Candidate data may serve both editions: fields a rubric does not ask for are
left out for that rubric, not reported. All candidates are held in memory
(two results each), which suits a committee's example file, not a national
batch (`score` is for those).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import attrs

from paritrana_rules.data import RawCandidate, Rejected, iter_candidates, with_first_origins
from paritrana_rules.errors import InputProblem
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.numeric import CONTEXT
from paritrana_rules.rank.ranking import Placing, Rules, place_results

SHOWN_PLACES = 2  # moves are shown to at least this many decimals (more when a rubric rounds its total finer)


@attrs.frozen
class Standing:
    """A candidate under one rubric: its result and its placing (None when the rubric ranks nothing), or every
    problem that rejected its data."""

    result: Result | None
    placing: Placing | None = None
    problems: tuple[InputProblem, ...] = ()


@attrs.frozen
class Move:
    """One part of a candidate's total change, in points of the total."""

    kind: str  # "criterion", "bonus", "penalty", "cap", "scale", "disqualified" or "rounding"
    name: str  # the criterion, bonus or penalty; the capping gates for "cap"; "" otherwise
    change: Decimal


@attrs.frozen
class Movement:
    """One candidate under the old rubric and the new: its moves add up to its total's change."""

    candidate: str
    old: Standing
    new: Standing
    moves: tuple[Move, ...]  # () unless scored under both; only those that show as more than 0
    places: int  # the decimals the change and the moves are shown with

    @property
    def change(self) -> Decimal | None:
        """The total's change, when scored under both rubrics."""
        if self.old.result is None or self.new.result is None:
            return None
        return CONTEXT.subtract(self.new.result.total, self.old.result.total)

    @property
    def nomination(self) -> int:
        """+1 gains a nomination, -1 loses one, 0 neither."""
        return _nominated(self.new) - _nominated(self.old)

    @property
    def placings_gained(self) -> tuple[str, ...]:
        return tuple(a for a in _awards(self.new) if a not in _awards(self.old))

    @property
    def placings_lost(self) -> tuple[str, ...]:
        return tuple(a for a in _awards(self.old) if a not in _awards(self.new))

    @property
    def moved(self) -> bool:
        """Whether anything about the candidate differs: data accepted, total, status, a part of the total, rank,
        nomination, placing, cut, or a reason (a failed gate, a stage not passed)."""
        return _state(self.old) != _state(self.new) or any(m.change for m in self.moves)


def rescore(old: AnyRubric, new: AnyRubric, data: str | Path) -> list[Movement]:
    """Score the candidates of `data` under both rubrics, place them with each rubric's funnel, and pair them:
    one `Movement` per record, in the file's order."""
    raws: list[tuple[RawCandidate, str | None]] = list(with_first_origins(iter_candidates(data)))
    before, after = _standings(old, raws), _standings(new, raws)
    places = max(SHOWN_PLACES, old.model.rounding_places, new.model.rounding_places)
    return [Movement(raw.id or raw.origin, was, now, _moves(was, now, places), places)
            for (raw, _), was, now in zip(raws, before, after, strict=True)]


def _standings(rubric: AnyRubric, raws: Sequence[tuple[RawCandidate, str | None]]) -> list[Standing]:
    """Each record under one rubric, as `score` scores it, placed by the rubric's own funnel."""
    names = {spec.name for spec in rubric.input_specs}
    outcomes: list[Result | Rejected] = []
    for raw, first in raws:
        known = attrs.evolve(raw, values={key: value for key, value in raw.values.items() if key in names})
        outcomes.append(rubric.score_record(known, first, trace=False))
    results = [o for o in outcomes if isinstance(o, Result)]
    rules = Rules(rubric.model)
    placings = iter(place_results(rules, results) if rules.ranks else [None] * len(results))
    return [Standing(None, None, o.problems) if isinstance(o, Rejected) else Standing(o, next(placings))
            for o in outcomes]


# ------------------------------------------------------------------ the total's change, part by part


def parts(result: Result) -> dict[tuple[str, str], Decimal]:
    """What each part adds to the total, exactly: they add up to it. Keyed by (kind, name)."""
    total, _, _, _, subtotal, _, capped, limited, _ = result.entries[result.program.layout.total]
    found = {("criterion", c.name): c.contribution for c in result.criteria if c.parent is None}
    for a in result.adjustments:
        amount = a.points if a.applied else Decimal(0)
        found[(a.kind, a.name)] = amount if a.kind == "bonus" else CONTEXT.minus(amount)
    found[("cap", "")] = CONTEXT.subtract(capped, subtotal)
    found[("scale", "")] = CONTEXT.subtract(limited, capped)
    failed = {g.name for g in result.failed_gates}
    set_totals = [g.decl.total for g in result.program.model.gates
                  if g.decl.total is not None and g.decl.name in failed]
    if set_totals:  # a failed `disqualify with total N` gate sets the total outright (the lowest N, if several)
        found[("disqualified", "")] = CONTEXT.subtract(min(set_totals), limited)
        limited = min(set_totals)
    found[("rounding", "")] = CONTEXT.subtract(total, limited)
    return found


def _moves(old: Standing, new: Standing, places: int) -> tuple[Move, ...]:
    """The change of each part, shown to `places`; the rounding takes what showing them rounded leaves over."""
    if old.result is None or new.result is None:
        return ()
    before, after = parts(old.result), parts(new.result)
    unit = Decimal(1).scaleb(-places)
    moves = []
    for key in dict.fromkeys([*after, *before]):
        if key != ("rounding", ""):
            change = CONTEXT.subtract(after.get(key, Decimal(0)), before.get(key, Decimal(0)))
            shown = change.quantize(unit, rounding=ROUND_HALF_EVEN, context=CONTEXT)
            moves.append(Move(key[0], _gates(old, new, key[0]) if key[0] in ("cap", "disqualified") else key[1],
                              shown))
    rest = CONTEXT.subtract(new.result.total, old.result.total)
    for move in moves:
        rest = CONTEXT.subtract(rest, move.change)
    moves.append(Move("rounding", "", rest.quantize(unit, context=CONTEXT)))
    return tuple(m for m in moves if m.change)


def _gates(old: Standing, new: Standing, kind: str) -> str:
    """The gates that cap the total (or disqualify, setting it), under the new rubric if any do, else the old."""
    action = "cap" if kind == "cap" else "disqualify"
    for standing in (new, old):
        assert standing.result is not None
        gates = [g.name for g in standing.result.failed_gates if g.action == action]
        if gates:
            return ", ".join(gates)
    return ""


# ------------------------------------------------------------------ what the funnel decided


def _nominated(standing: Standing) -> int:
    return int(standing.placing is not None and standing.placing.nominated)


def _awards(standing: Standing) -> tuple[str, ...]:
    return tuple(a.award for a in standing.placing.awards) if standing.placing is not None else ()


def _state(standing: Standing) -> object:
    """What `moved` compares, beside the parts of the total: everything a reader is told of the candidate."""
    result, placing = standing.result, standing.placing
    if result is None:
        return ("rejected", standing.problems)
    decided = None if placing is None else (placing.group, placing.rank, placing.tied, placing.nominated,
                                            placing.cut, tuple((a.award, a.rank, a.group) for a in placing.awards))
    return (result.total, result.status, result.stage, tuple(g.name for g in result.failed_gates),
            tuple(s.name for s in result.stages if not s.advanced), decided)
