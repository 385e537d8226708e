"""Semantic diff: two rubrics (or two folders of rubrics) -> what changed in meaning, with locations.

Declarations are paired by kind and name, not by line, so moving or reformatting
a rule is not a change and changing a weight is exactly one. Bands are compared
row by row by their range, decision tables by their conditions. Given candidate
data, both rubrics score it and the diff shows whose total, status and rank move
and which criteria moved them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from paritrana_rules.language import ast
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.language.identity import canonical_form
from paritrana_rules.data import read_candidates
from paritrana_rules.language.extends import declaration_kind
from paritrana_rules.check.model import RubricModel, texts
from paritrana_rules.numeric import places_needed, plain
from paritrana_rules.evaluate.result import Result
from paritrana_rules.source import Span
from paritrana_rules.check.tables import describe_band_row


@attrs.frozen
class Change:
    sign: str  # "+" added, "-" removed, "~" changed, "!" cannot be compared
    what: str  # header, input, let, criterion, gate, bonus, penalty, property, rubric
    name: str
    detail: str
    span: Span | None  # where to look: the new rubric's line, or the old one's for a removal

    def render(self) -> str:
        where = f"  ({self.span.path}:{self.span.line})" if self.span else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.sign} {self.what} {self.name}{detail}{where}"


# ------------------------------------------------------------------ rubrics


def diff_rubrics(old: AnyRubric, new: AnyRubric) -> list[Change]:
    """Every change of meaning from `old` to `new`, header first, then in the new rubric's order."""
    return [*_header(old.model, new.model), *_declarations(old.model, new.model), *_properties(old.model, new.model)]


def _header(old: RubricModel, new: RubricModel) -> list[Change]:
    span = new.rubric.span
    pairs = [
        ("award", old.rubric.award, new.rubric.award),
        ("edition", plain(old.rubric.edition), plain(new.rubric.edition)),
        ("period", plain(old.rubric.period), plain(new.rubric.period)),
        ("category", old.category, new.category),
        ("sector", old.sector or "none", new.sector or "none"),
        ("round", old.round or "none", new.round or "none"),
        ("scale", f"{plain(old.scale[0])} to {plain(old.scale[1])}", f"{plain(new.scale[0])} to {plain(new.scale[1])}"),
        ("rounding", f"{old.rounding_mode} to {old.rounding_places} places",
         f"{new.rounding_mode} to {new.rounding_places} places"),
        ("label", _texts(texts(old.rubric.meta, "label")), _texts(texts(new.rubric.meta, "label"))),
    ]
    changes = [Change("~", "header", field, f"{before} → {after}", span) for field, before, after in pairs
               if before != after]
    for detail, where in _meta_changes(old.rubric.meta, new.rubric.meta, span):
        kind, rest = detail.split(" ", 1)
        if kind != "label":  # compared above with the other header lines
            changes.append(Change("~", "header", kind, rest, where))
    return changes


def _texts(found: ast.Texts | None) -> str:
    return " / ".join(f'{lang} "{text}"' for lang, text in found.by_lang) if found else "none"


def _declarations(old: RubricModel, new: RubricModel) -> list[Change]:
    before = {(declaration_kind(d), d.name): d for d in old.rubric.declarations}
    after = {(declaration_kind(d), d.name): d for d in new.rubric.declarations}
    changes = []
    for key, decl in after.items():
        if key not in before:
            changes.append(Change("+", key[0], key[1], _summary(decl, new), decl.span))
            continue
        rewritten = canonical_form(decl) != canonical_form(before[key])
        details = _what_changed(before[key], decl, old, new) if rewritten else []
        if isinstance(decl, ast.InputDecl):
            details += _moved(decl, old, new)
        if rewritten and not details:
            details = [("changed", decl.span)]
        changes += [Change("~", key[0], key[1], detail, span) for detail, span in details]
    changes += [Change("-", key[0], key[1], "", decl.span) for key, decl in before.items() if key not in after]
    return changes


def _properties(old: RubricModel, new: RubricModel) -> list[Change]:
    before, after = set(old.properties), set(new.properties)
    return ([Change("+", "property", p.name, "", p.span) for p in new.properties if p not in before]
            + [Change("-", "property", p.name, "", p.span) for p in old.properties if p not in after])


def _excerpt(model: RubricModel, span: Span) -> str:
    return model.sources.get(span.path, model.source).excerpt(span)


def _summary(decl: ast.Declaration, model: RubricModel) -> str:
    if isinstance(decl, ast.CriterionDecl):
        parent = f" under {decl.parent}" if decl.parent else ""
        return f"weight {plain(decl.weight)}%{parent}"
    if isinstance(decl, ast.StageDecl):
        order = [s.decl.name for s in model.stages]
        position = f"stage {order.index(decl.name) + 1} of {len(order)}"
        cuts = "".join(f", then the best {plain(c.top)}" + (f" of each {c.within}" if c.within else "") + " go on"
                       for c in decl.cuts[:1])
        if decl.name == order[-1] and not decl.advance:
            return position + cuts
        return f"{position}, {_advance(decl.advance, model)}{cuts}"
    return _excerpt(model, decl.span).split(" label ")[0][:100]


def _what_changed(old: Any, new: Any, old_model: RubricModel, new_model: RubricModel) -> list[tuple[str, Span]]:
    """Field by field, in words; a criterion's points row by row."""
    found: list[tuple[str, Span]] = []
    for field in attrs.fields(type(new)):
        if not field.eq:
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if canonical_form(before) == canonical_form(after):
            continue
        if field.name == "meta":
            found += _meta_changes(before, after, new.span)
        elif field.name == "points":
            found += _points_changes(before, after, old_model, new_model, new.span)
        elif field.name == "advance":
            found.append((f"{_advance(before, old_model)} → {_advance(after, new_model)}",
                          after[0].span if after else new.span))
        elif field.name == "options":
            found += _options_changes(before, after, old_model, new_model, new.span)
        elif field.name == "weight":
            found.append((f"weight {plain(before)}% → {plain(after)}%", new.weight_span))
        elif field.name == "type" and before.kind == after.kind and before.kind in ("one_of", "set_of"):
            found += _members_changes(before.members, after.members, new.span)
        elif field.name == "parts":
            found += _parts_changes(before, after, new.span)
        elif isinstance(after, (Decimal, str, type(None))):
            where = getattr(new, f"{field.name}_span", None) or new.span  # e.g. the `under` of a `change`
            found.append((f"{field.name} {_show(before)} → {_show(after)}", where))
        else:
            old_text = _excerpt(old_model, _span_of(before, old.span))
            new_text = _excerpt(new_model, _span_of(after, new.span))
            found.append((f"{field.name.replace('_', ' ')} '{old_text}' → '{new_text}'", _span_of(after, new.span)))
    return found


def _members_changes(before: tuple[ast.EnumMember, ...], after: tuple[ast.EnumMember, ...],
                     span: Span) -> list[tuple[str, Span]]:
    """Values added and removed by name, and those whose labels or aliases changed: a province list stays short."""
    old = {m.name: m for m in before}
    new = {m.name: m for m in after}
    found = []
    if added := [m.span for m in after if m.name not in old]:
        found.append((f"values added: {', '.join(m.name for m in after if m.name not in old)}", added[0]))
    if removed := [m.name for m in before if m.name not in new]:
        found.append((f"values removed: {', '.join(removed)}", span))
    found += [(f"value {m.name}: labels or aliases changed", m.span) for m in after
              if m.name in old and canonical_form(m) != canonical_form(old[m.name])]
    return found


def _parts_changes(before: tuple[ast.GroupPart, ...], after: tuple[ast.GroupPart, ...],
                   span: Span) -> list[tuple[str, Span]]:
    """Which values moved into which part, parts added or removed: a zone map's change in a line each."""
    old = {member: part.name for part in before for member in part.members}
    found = [(f"part {p.name} added", p.span) for p in after if p.name not in {q.name for q in before}]
    found += [(f"part {p.name} removed", span) for p in before if p.name not in {q.name for q in after}]
    for part in after:
        moved = [m for m in part.members if old.get(m) != part.name]
        if moved:
            found.append((f"into part {part.name}: "
                          + ", ".join(f"{m} (from {old[m]})" if m in old else f"{m} (new)" for m in moved), part.span))
    labels = {p.name: p.label for p in before}
    found += [(f"part {p.name}: label changed", p.span) for p in after
              if p.name in labels and canonical_form(p.label) != canonical_form(labels[p.name])]
    return found


def _advance(rule: tuple[ast.Expr, ...], model: RubricModel) -> str:
    return f"advance if {_excerpt(model, rule[0].span)}" if rule else "everyone advances"


def _options_changes(before: tuple[ast.InputOption, ...], after: tuple[ast.InputOption, ...], old_model: RubricModel,
                     new_model: RubricModel, span: Span) -> list[tuple[str, Span]]:
    """Bounds, unit, default and aggregation as written; the stage an input arrives at is `_moved`'s."""
    old = [o for o in before if o.kind != "stage"]
    new = [o for o in after if o.kind != "stage"]
    if canonical_form(old) == canonical_form(new):
        return []
    old_text = ", ".join(_excerpt(old_model, o.span) for o in old) or "none"
    new_text = ", ".join(_excerpt(new_model, o.span) for o in new) or "none"
    return [(f"options '{old_text}' → '{new_text}'", new[0].span if new else span)]


def _moved(decl: ast.InputDecl, old: RubricModel, new: RubricModel) -> list[tuple[str, Span]]:
    """An input that arrives at another stage; without stages, everything arrives at the start."""
    before, after = _arrival(decl.name, old), _arrival(decl.name, new)
    if before == after or {before, after} <= {None, _first_stage(old), _first_stage(new)}:
        return []
    where = next((o.span for o in decl.options if o.kind == "stage"), decl.span)
    if before is None:
        return [(f"arrives at stage {after}", where)]
    if after is None:
        return [(f"known from the start: the rubric no longer has stages (was stage {before})", where)]
    return [(f"moved from stage {before} to stage {after}", where)]


def _arrival(name: str, model: RubricModel) -> str | None:
    stage = next(i.stage for i in model.inputs if i.decl.name == name)
    return model.stages[stage].decl.name if model.stages else None


def _first_stage(model: RubricModel) -> str | None:
    return model.stages[0].decl.name if model.stages else None


def _show(value: Any) -> str:
    if value is None:
        return "none"
    return plain(value) if isinstance(value, Decimal) else str(value)


def _span_of(value: Any, fallback: Span) -> Span:
    return getattr(value, "span", fallback) if not isinstance(value, tuple) else fallback


def _meta_changes(before: tuple[ast.Meta, ...], after: tuple[ast.Meta, ...], span: Span) -> list[tuple[str, Span]]:
    found = []
    for kind in ("label", "description", "reason", "evidence"):
        old, new = texts(before, kind), texts(after, kind)
        if canonical_form(old) != canonical_form(new):
            found.append((f"{kind} {_texts(old)} → {_texts(new)}", new.span if new else span))
    for kind in ("source", "assumption"):
        old_lines = [m.text for m in before if m.kind == kind]
        found += [(f'{kind} added "{m.text}"', m.span) for m in after if m.kind == kind and m.text not in old_lines]
        new_lines = [m.text for m in after if m.kind == kind]
        found += [(f'{kind} removed "{t}"', span) for t in old_lines if t not in new_lines]
    return found


def _points_changes(before: tuple[ast.Points, ...], after: tuple[ast.Points, ...], old_model: RubricModel,
                    new_model: RubricModel, span: Span) -> list[tuple[str, Span]]:
    old, new = (before[0] if before else None), (after[0] if after else None)
    if isinstance(old, ast.PointsBand) and isinstance(new, ast.PointsBand):
        return _rows(old.rows, new.rows, lambda row, _: describe_band_row(row), old_model, new_model, "band row")
    if isinstance(old, ast.PointsTable) and isinstance(new, ast.PointsTable):
        found = [] if old.policy == new.policy else [(f"hit policy {old.policy} → {new.policy}", new.span)]

        def condition(row: ast.TableRow, model: RubricModel) -> str:
            return "otherwise" if row.condition is None else _excerpt(model, row.condition.span)

        rows = _rows(old.rows, new.rows, condition, old_model, new_model, "table row")
        old_order = [condition(r, old_model) for r in old.rows]
        new_order = [condition(r, new_model) for r in new.rows]
        if new.policy in ("first", "unique") and sorted(old_order) == sorted(new_order) and old_order != new_order:
            rows.append((f"table rows reordered: {' | '.join(new_order)} (under '{new.policy} match' order "
                         "decides which row wins)", new.span))
        return found + rows
    old_text = _excerpt(old_model, old.span) if old else "none"
    new_text = _excerpt(new_model, new.span) if new else "none"
    return [(f"'{old_text}' → '{new_text}'", new.span if new else span)]


def _rows(old_rows: Sequence[Any], new_rows: Sequence[Any], key: Any, old_model: RubricModel, new_model: RubricModel,
          what: str) -> list[tuple[str, Span]]:
    """Rows paired by their range or condition: added, removed, or with other points."""
    before = {key(r, old_model): r for r in old_rows}
    after = {key(r, new_model): r for r in new_rows}
    found = []
    for name, row in after.items():
        if name not in before:
            found.append((f"{what} '{name}' added → {_excerpt(new_model, row.points.span)}", row.span))
        elif canonical_form(row.points) != canonical_form(before[name].points):
            found.append((f"{what} '{name}': {_excerpt(old_model, before[name].points.span)} → "
                          f"{_excerpt(new_model, row.points.span)}", row.span))
    found += [(f"{what} '{name}' removed", row.span) for name, row in before.items() if name not in after]
    return found


# ------------------------------------------------------------------ folders


def pair_folders(old: Iterable[AnyRubric], new: Iterable[AnyRubric]) -> tuple[
        list[tuple[AnyRubric, AnyRubric]], list[Change]]:
    """Pair rubrics of two folders by category, sector and round; the unpaired are rubrics added or removed.

    The round is part of the key, so a folder may hold the provincial and the
    national rubric of one category: each pairs with its own counterpart.
    """
    def key(rubric: AnyRubric) -> tuple[str, str, str]:
        return (rubric.model.category, rubric.model.sector or "", rubric.model.round or "")

    before: dict[tuple[str, str, str], AnyRubric] = {}
    after: dict[tuple[str, str, str], AnyRubric] = {}
    ambiguous: list[Change] = []
    for side, rubrics in ((before, old), (after, new)):
        for rubric in rubrics:
            if key(rubric) in side:
                ambiguous.append(Change("!", "rubric", _category(key(rubric)), f"{rubric.path} has the same category, "
                                        f"sector and round as {side[key(rubric)].path}; compare these two files "
                                        "directly",
                                        None))
                continue
            side[key(rubric)] = rubric
    pairs = [(before[k], after[k]) for k in after if k in before]
    unpaired = [Change("+", "rubric", _category(k), r.path, None) for k, r in after.items() if k not in before]
    unpaired += [Change("-", "rubric", _category(k), r.path, None) for k, r in before.items() if k not in after]
    return pairs, ambiguous + unpaired


def _category(key: tuple[str, str, str]) -> str:
    """`category (sector S, round R)`, naming only what the rubric gives."""
    given = [f"{what} {value}" for what, value in (("sector", key[1]), ("round", key[2])) if value]
    return key[0] + (f" ({', '.join(given)})" if given else "")


# ------------------------------------------------------------------ candidates


@attrs.frozen
class Movement:
    candidate: str
    old: Result | None
    new: Result | None
    old_rank: int | None
    new_rank: int | None
    why: tuple[str, ...]
    problem: str | None = None


def ranks(results: Sequence[Result]) -> dict[str, int]:
    """Competition ranking of eligible candidates by total: ties share a rank (1, 1, 3)."""
    eligible = sorted((r for r in results if r.status == "eligible"), key=lambda r: r.total, reverse=True)
    ranking: dict[str, int] = {}
    for position, result in enumerate(eligible, start=1):
        tied = next((ranking[r.candidate_id] for r in eligible[: position - 1] if r.total == result.total), None)
        ranking[result.candidate_id] = tied or position
    return ranking


def rescore(old: AnyRubric, new: AnyRubric, data: str | Path) -> list[Movement]:
    """Score the same candidates under both rubrics: whose total, status or rank changes, and why."""
    old_scored = _scored(old, data)
    new_scored = _scored(new, data)
    old_results = [r for r in old_scored.values() if isinstance(r, Result)]
    new_results = [r for r in new_scored.values() if isinstance(r, Result)]
    old_ranks, new_ranks = ranks(old_results), ranks(new_results)
    movements = []
    for candidate in dict.fromkeys([*old_scored, *new_scored]):
        before, after = old_scored.get(candidate), new_scored.get(candidate)
        if not isinstance(before, Result) or not isinstance(after, Result):
            problem = next(p for p in (before, after) if isinstance(p, str))
            movements.append(Movement(candidate, _result(before), _result(after), None, None, (), problem))
            continue
        movements.append(Movement(candidate, before, after, old_ranks.get(candidate), new_ranks.get(candidate),
                                  _why(before, after)))
    return movements


def _result(value: Result | str | None) -> Result | None:
    return value if isinstance(value, Result) else None


def _score(value: Decimal) -> str:
    """A contribution as people write scores: 19.5000 -> 19.50, 7.125 stays."""
    return plain(value.quantize(Decimal(1).scaleb(-max(2, places_needed(value)))))


def _scored(rubric: AnyRubric, data: str | Path) -> dict[str, Result | str]:
    """Each candidate under one rubric. Fields the rubric does not ask for are left out, not errors:
    the data serves two editions, and each takes what it needs."""
    names = {spec.name for spec in rubric.input_specs}
    scored: dict[str, Result | str] = {}
    for raw in read_candidates(data):
        label = raw.id or raw.origin
        known = attrs.evolve(raw, values={key: value for key, value in raw.values.items() if key in names})
        outcome = rubric.score_record(known, trace=False)  # at the stage its data has reached, as `score` does
        scored[label] = outcome if isinstance(outcome, Result) else (
            f"rejected under {rubric.path}: " + "; ".join(p.message for p in outcome.problems))
    return scored


def _why(before: Result, after: Result) -> tuple[str, ...]:
    old_by_name = {c.name: c for c in before.criteria}
    reasons = []
    for criterion in (c for c in after.criteria if c.parent is None and c.name in old_by_name):
        was = old_by_name[criterion.name]
        if was.points != criterion.points:
            reasons.append(f"{criterion.name} {plain(was.points)} → {plain(criterion.points)}")
        elif was.contribution != criterion.contribution:
            reasons.append(f"{criterion.name} weighs differently: adds {_score(was.contribution)} → "
                           f"{_score(criterion.contribution)}")
    old_points = {c.name: c.points for c in before.criteria}
    reasons += [f"new criterion {c.name}: {plain(c.points)}" for c in after.criteria
                if c.parent is None and c.name not in old_points]
    failed_before = {g.name for g in before.failed_gates}
    reasons += [f"gate {g.name} now fails" for g in after.failed_gates if g.name not in failed_before]
    reasons += [f"gate {name} no longer fails" for name in failed_before - {g.name for g in after.failed_gates}]
    if not reasons and before.total != after.total:
        reasons.append("bonuses, penalties, caps, scale or rounding changed (see the rubric changes above)")
    return tuple(reasons)


def render_movements(movements: list[Movement]) -> str:
    header = ["candidate", "total", "status", "rank", "why"]
    rows = []
    for m in movements:
        if m.problem:
            rows.append([m.candidate, "-", "-", "-", m.problem])
            continue
        assert m.old is not None and m.new is not None
        status = m.new.status if m.old.status == m.new.status else f"{m.old.status} → {m.new.status}"
        rank = f"{m.old_rank or '-'} → {m.new_rank or '-'}"
        rows.append([m.candidate, f"{plain(m.old.total)} → {plain(m.new.total)}", status, rank,
                     "; ".join(m.why) or "no change"])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in [header, *rows]]
    return "\n".join(line.rstrip() for line in lines)


