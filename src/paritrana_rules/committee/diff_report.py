"""A diff as the committee reads it: the rubric changes, then whom they move, as text (id or en) or JSON.

The candidates part leads with the nominations and placings that change hands,
then shows each candidate who moves in the group its rubric ranks it in
(province, zone, sector), best first: its total's change and the moves that
add up to it, its rank, nomination, placing or cut under each rubric, and
the reasons (failed gates, stages not passed, cuts) in full. JSON gives the
same, with decimals as strings and codes as the rubric writes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from paritrana_rules.check.model import RubricModel
from paritrana_rules.committee.diff import Change, changed, diff_rubrics, words
from paritrana_rules.committee.moves import Move, Movement, Standing, rescore
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.explanation import reasons
from paritrana_rules.explain.funnel import award_words, cut_words, funnel_sentences, group_label
from paritrana_rules.explain.words import localise
from paritrana_rules.numeric import CONTEXT, plain

INDENT = "  "


@attrs.frozen
class RubricDiff:
    """Two rubrics compared: what changed in meaning, and, given candidates, whom it moves."""

    old: AnyRubric
    new: AnyRubric
    changes: tuple[Change, ...]
    movements: tuple[Movement, ...] | None = None  # None: no candidates given

    @property
    def changed(self) -> bool:
        """Whether anything changed in meaning or any candidate moved (the command's exit code 1)."""
        return bool(self.changes) or any(m.moved for m in self.movements or ())


def compare(old: AnyRubric, new: AnyRubric, candidates: str | Path | None = None) -> RubricDiff:
    """`old` and `new` compared, and the candidates of the file `candidates` rescored under both if given."""
    movements = tuple(rescore(old, new, candidates)) if candidates is not None else None
    return RubricDiff(old, new, tuple(diff_rubrics(old, new)), movements)


# ------------------------------------------------------------------ text


def render_text(diffs: Sequence[RubricDiff], unpaired: Sequence[Change] = (), lang: str = "en") -> str:
    """Each pair's changes (and candidates), after the rubrics a folder gained or lost."""
    lines = [change.render(lang) for change in unpaired]
    for diff in diffs:
        lines.append(f"{diff.old.path} → {diff.new.path}")
        lines += [INDENT + line for line in changed(diff.changes, lang)]
        if diff.movements is not None:
            lines += ["", *render_movements(diff.movements, diff.old.model, diff.new.model, lang)]
    return "\n".join(lines) + "\n"


def render_movements(movements: Sequence[Movement], old: RubricModel, new: RubricModel,
                     lang: str = "en") -> list[str]:
    """The candidates part: a head count, the nominations and placings that change hands, then each candidate
    who moves in its group, and the names of those who do not."""
    said = words(lang)
    moving = [m for m in movements if m.moved]
    lines = [said["candidates_head"].format(count=len(movements), moved=len(moving)), said["events_head"]]
    events = [line for m in moving for line in _events(m, old, new, lang)]
    lines += [INDENT + line for line in events] or [INDENT + said["no_events"]]
    groups: dict[str, list[Movement]] = {}
    for movement in sorted(moving, key=_rank_order):
        groups.setdefault(_group(movement, old, new, lang), []).append(movement)
    for group, members in groups.items():
        lines += ["", group or said["ungrouped"]] if len(groups) > 1 or group else [""]
        for movement in members:
            lines += [INDENT + line for line in _candidate(movement, old, new, lang)]
    still = [m.candidate for m in movements if not m.moved]
    if still:
        lines += ["", said["not_moved"].format(names=", ".join(still))]
    return lines


def _rank_order(movement: Movement) -> tuple[int, int]:
    """Best first under the new rubric, then under the old; the unranked last (a stable sort keeps file order)."""
    def rank(standing: Standing) -> int:
        return standing.placing.rank if standing.placing is not None and standing.placing.rank else 1 << 30

    return rank(movement.new), rank(movement.old)


def _group(movement: Movement, old: RubricModel, new: RubricModel, lang: str) -> str:
    """The group the candidate is ranked in under the new rubric (else the old), by its label; "" for none."""
    for standing, model in ((movement.new, new), (movement.old, old)):
        if standing.placing is not None and model.ranking is not None and standing.placing.group is not None:
            return group_label(model, model.ranking.within, standing.placing.group, lang)
    return ""


def _events(movement: Movement, old: RubricModel, new: RubricModel, lang: str) -> list[str]:
    """The nomination and the placings the candidate gains or loses, one line each."""
    said, who = words(lang), movement.candidate
    found = []
    if movement.nomination:
        standing, model = (movement.new, new) if movement.nomination > 0 else (movement.old, old)
        key = "gains_nomination" if movement.nomination > 0 else "loses_nomination"
        found.append(said[key].format(candidate=who, standing=_standing(standing, model, lang)))
    for standing, model, names, key in ((movement.new, new, movement.placings_gained, "gains_placing"),
                                         (movement.old, old, movement.placings_lost, "loses_placing")):
        awards = standing.placing.awards if standing.placing is not None else ()
        found += [said[key].format(candidate=who, placing=award_words(model, award, lang))
                  for award in awards if award.award in names]
    return found


def _candidate(movement: Movement, old: RubricModel, new: RubricModel, lang: str) -> list[str]:
    """One candidate who moves: the total and status, the moves, the standing in the funnel, the reasons."""
    said = words(lang)
    was, now = movement.old, movement.new
    if was.result is None or now.result is None:
        lines = [f"{movement.candidate}: {_outcome(was, lang)} → {_outcome(now, lang)}"]
    else:
        change = movement.change
        assert change is not None
        status = _status(was, lang) if was.result.status == now.result.status else \
            f"{_status(was, lang)} → {_status(now, lang)}"
        lines = [f"{movement.candidate}: {_number(was.result.total, lang)} → {_number(now.result.total, lang)} "
                 f"({_signed(change, movement.places, lang)}), {status}"]
        lines += [INDENT + line for line in _moves(movement.moves, movement.places, lang)]
    before, after = _standing(was, old, lang), _standing(now, new, lang)
    if before or after:
        lines.append(INDENT + (before if before == after else f"{before or '-'} → {after or '-'}"))
    lines += [INDENT + line for line in _reasons(was, now, old, new, lang)]
    for standing, model in ((was, old), (now, new)):
        if standing.result is None:
            lines.append(INDENT + said["rejected_under"].format(path=model.source.path))
            lines += [INDENT * 2 + _problem(p.field, p.message, p.hint, lang) for p in standing.problems]
    return lines


def _moves(moves: Iterable[Move], places: int, lang: str) -> list[str]:
    """The moves in a column: what each part adds to the total's change."""
    said = words(lang)
    named = [(said[f"move_{m.kind}"].format(name=m.name), _signed(m.change, places, lang)) for m in moves]
    width = max((len(name) for name, _ in named), default=0)
    number = max((len(value) for _, value in named), default=0)
    return [f"{name.ljust(width)}  {value.rjust(number)}" for name, value in named]


def _standing(standing: Standing, model: RubricModel, lang: str) -> str:
    """Rank, nomination and placings in words (a cut is one of the reasons); "" when the rubric ranks nothing."""
    if standing.placing is None or standing.result is None:
        return ""
    if standing.placing.cut is not None:  # told with the reasons
        return words(lang)["not_ranked"]
    sentences = funnel_sentences(model, standing.placing, lang)
    return "; ".join(sentences) or words(lang)["not_ranked"]


def _reasons(was: Standing, now: Standing, old: RubricModel, new: RubricModel, lang: str) -> list[str]:
    """The reasons in full: once when both rubrics give the same, else under each."""
    said = words(lang)
    before, after = _why(was, old, lang), _why(now, new, lang)
    if was.result is None or now.result is None:  # rejected under one: its problems are told instead
        key, shown = ("reasons_after", after) if was.result is None else ("reasons_before", before)
        return [said[key].format(reasons="; ".join(shown))] if shown else []
    if before == after:
        return [said["reasons"].format(reasons="; ".join(after))] if after else []
    return [said["reasons_before"].format(reasons="; ".join(before) or said["no_reasons"]),
            said["reasons_after"].format(reasons="; ".join(after) or said["no_reasons"])]


def _why(standing: Standing, model: RubricModel, lang: str) -> list[str]:
    """Failed gates and stages not passed, then the cut that ended the run."""
    if standing.result is None:
        return []
    cut = standing.placing.cut if standing.placing is not None else None
    return reasons(standing.result, lang) + ([cut_words(model, cut, lang)] if cut is not None else [])


def _outcome(standing: Standing, lang: str) -> str:
    if standing.result is None:
        return words(lang)["rejected"]
    return f"{_number(standing.result.total, lang)} ({_status(standing, lang)})"


def _status(standing: Standing, lang: str) -> str:
    assert standing.result is not None
    return words(lang)[f"status_{standing.result.status}"]


def _problem(field: str | None, message: str, hint: str | None, lang: str) -> str:
    said = words(lang)
    text = said["problem_field"].format(field=field, message=message) if field else message
    return text + (said["problem_hint"].format(hint=hint) if hint else "")


def _number(value: Decimal, lang: str) -> str:
    return localise(value, lang)


def _signed(value: Decimal, places: int, lang: str) -> str:
    """A change to `places` decimals with its sign: +1.25, -0.80, 0.00."""
    shown = localise(value.quantize(Decimal(1).scaleb(-places), context=CONTEXT), lang)
    return f"+{shown}" if value > 0 else shown


# ------------------------------------------------------------------ JSON


def render_json(diffs: Sequence[RubricDiff], unpaired: Sequence[Change] = (), lang: str = "en") -> str:
    """One JSON document: whether anything changed, the rubrics gained or lost, and each pair compared."""
    document = {"changed": bool(unpaired) or any(d.changed for d in diffs),
                "unpaired": [c.to_dict(lang) for c in unpaired],
                "rubrics": [diff_dict(d, lang) for d in diffs]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def diff_dict(diff: RubricDiff, lang: str = "en") -> dict[str, Any]:
    """A pair compared: paths, the changes with their locations, and (given candidates) every candidate."""
    found: dict[str, Any] = {"old": diff.old.path, "new": diff.new.path, "changed": diff.changed,
                             "changes": [c.to_dict(lang) for c in diff.changes]}
    if diff.movements is not None:
        found["candidates"] = [movement_dict(m, diff.old.model, diff.new.model, lang) for m in diff.movements]
    return found


def movement_dict(movement: Movement, old: RubricModel, new: RubricModel, lang: str = "en") -> dict[str, Any]:
    change = movement.change
    return {
        "candidate": movement.candidate,
        "moved": movement.moved,
        "change": _fixed(change, movement.places) if change is not None else None,
        "moves": [{"kind": m.kind, "name": m.name or None, "change": _fixed(m.change, movement.places)}
                  for m in movement.moves],
        "nomination": {1: "gained", -1: "lost"}.get(movement.nomination),
        "placings_gained": list(movement.placings_gained),
        "placings_lost": list(movement.placings_lost),
        "old": _standing_dict(movement.old, old, lang),
        "new": _standing_dict(movement.new, new, lang),
    }


def _standing_dict(standing: Standing, model: RubricModel, lang: str) -> dict[str, Any]:
    if standing.result is None:
        return {"status": "rejected", "problems": [p.to_dict() for p in standing.problems]}
    result = standing.result
    return {"status": result.status, "total": plain(result.total), "stage": result.stage,
            "reasons": _why(standing, model, lang),
            "placing": standing.placing.to_dict() if standing.placing is not None else None}


def _fixed(value: Decimal, places: int) -> str:
    return plain(value.quantize(Decimal(1).scaleb(-places), context=CONTEXT))
