"""Semantic diff: two rubrics (or two folders of rubrics) -> what changed in meaning, with locations.

Declarations are paired by kind and name, not by line, so moving or reformatting
a rule is not a change and changing a weight is exactly one. Bands are compared
row by row by their range, decision tables by their conditions. Each change
keeps its detail as a phrase with its arguments (`Said`), so that it is told in
Bahasa Indonesia or English; rubric text it quotes stays as written. Whose
score, rank, nomination or placing the changes move is `committee.moves`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Union

import attrs

from paritrana_rules.check.model import RubricModel, texts
from paritrana_rules.check.tables import describe_band_row
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.words import load_phrases
from paritrana_rules.language import ast
from paritrana_rules.language.extends import declaration_kind
from paritrana_rules.language.identity import canonical_form
from paritrana_rules.numeric import plain
from paritrana_rules.source import Span

PHRASES = load_phrases("paritrana_rules.committee", "diff.toml")

Argument = Union[str, "Said", tuple["Said", ...]]


@attrs.frozen
class Said:
    """A phrase of `diff.toml` with its arguments: words told in the language asked for. An argument that is
    itself said is told in the same language; a tuple of them is listed with commas."""

    key: str
    args: tuple[tuple[str, Argument], ...] = ()

    def render(self, lang: str = "en") -> str:
        return PHRASES[lang][self.key].format(**{name: _told(value, lang) for name, value in self.args})


def said(key: str, **args: Argument) -> Said:
    return Said(key, tuple(args.items()))


def _told(value: Argument, lang: str) -> str:
    if isinstance(value, Said):
        return value.render(lang)
    if isinstance(value, tuple):
        return ", ".join(part.render(lang) for part in value)
    return value


def term(kind: str, name: str, lang: str) -> str:
    """A kind of declaration or a field in the language; a name the phrases do not know is shown as it is."""
    return PHRASES[lang].get(f"{kind}_{name}", name)


@attrs.frozen
class Change:
    sign: str  # "+" added, "-" removed, "~" changed, "!" cannot be compared
    what: str  # header, input, let, criterion, gate, bonus, penalty, stage, award, group, ranking, property, rubric
    name: str  # a declaration's name; for the header, the field
    said: Said | None  # the detail, in either language
    span: Span | None  # where to look: the new rubric's line, or the old one's for a removal

    @property
    def detail(self) -> str:
        """The detail in English ("" for none)."""
        return self.detail_in("en")

    def detail_in(self, lang: str) -> str:
        return self.said.render(lang) if self.said is not None else ""

    def render(self, lang: str = "en") -> str:
        """`~ criterion inovasi: weight 10% → 15%  (rubrics/2026/desa.rubric:7)`, in `lang` ("en" or "id")."""
        where = f"  ({self.span.path}:{self.span.line})" if self.span else ""
        detail = f": {self.detail_in(lang)}" if self.said is not None else ""
        name = term("field", self.name, lang) if self.what == "header" else self.name
        return f"{self.sign} {term('kind', self.what, lang)} {name}{detail}{where}"

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready: the codes as written, the detail in `lang`, and the location."""
        location = None if self.span is None else {"path": self.span.path, "line": self.span.line,
                                                   "column": self.span.column}
        return {"sign": self.sign, "what": self.what, "name": self.name, "detail": self.detail_in(lang),
                "location": location}


Found = list[tuple[Said, Span]]

# ------------------------------------------------------------------ rubrics


def diff_rubrics(old: AnyRubric, new: AnyRubric) -> list[Change]:
    """Every change of meaning from `old` to `new`: header first, then in the new rubric's order, then the
    ranking and the properties. `Change.render(lang)` tells each one."""
    return [*_header(old.model, new.model), *_declarations(old.model, new.model), *_ranking(old.model, new.model),
            *_properties(old.model, new.model)]


def _header(old: RubricModel, new: RubricModel) -> list[Change]:
    span = new.rubric.span

    def scale(model: RubricModel) -> Said:
        return said("scale_range", low=plain(model.scale[0]), high=plain(model.scale[1]))

    def rounding(model: RubricModel) -> Said:
        return said("rounding_rule", mode=model.rounding_mode, places=str(model.rounding_places))

    pairs: list[tuple[str, Argument, Argument]] = [
        ("award", old.rubric.award, new.rubric.award),
        ("edition", plain(old.rubric.edition), plain(new.rubric.edition)),
        ("period", plain(old.rubric.period), plain(new.rubric.period)),
        ("category", old.category, new.category),
        ("sector", _or_none(old.sector), _or_none(new.sector)),
        ("round", _or_none(old.round), _or_none(new.round)),
        ("scale", scale(old), scale(new)),
        ("rounding", rounding(old), rounding(new)),
        ("label", _texts(texts(old.rubric.meta, "label")), _texts(texts(new.rubric.meta, "label"))),
    ]
    changes = [Change("~", "header", field, said("becomes", before=before, after=after), span)
               for field, before, after in pairs if before != after]
    for kind, detail, where in _meta_changes(old.rubric.meta, new.rubric.meta, span):
        if kind != "label":  # compared above with the other header lines
            changes.append(Change("~", "header", kind, detail, where))
    return changes


def _or_none(value: str | None) -> Argument:
    return value if value else said("none")


def _texts(found: ast.Texts | None) -> Argument:
    return " / ".join(f'{lang} "{text}"' for lang, text in found.by_lang) if found else said("none")


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
            details = [(said("changed"), decl.span)]
        changes += [Change("~", key[0], key[1], detail, span) for detail, span in details]
    changes += [Change("-", key[0], key[1], None, decl.span) for key, decl in before.items() if key not in after]
    return changes


def _ranking(old: RubricModel, new: RubricModel) -> list[Change]:
    """The `rank candidates by ...` line: its keys, its group and how many it nominates, as written."""
    before, after = old.rubric.rankings[:1], new.rubric.rankings[:1]
    if canonical_form(before) == canonical_form(after):
        return []
    if not before:
        return [Change("+", "ranking", "candidates", _quoted(_excerpt(new, after[0].span)), after[0].span)]
    if not after:
        return [Change("-", "ranking", "candidates", None, before[0].span)]
    return [Change("~", "ranking", "candidates", said("rewritten", before=_excerpt(old, before[0].span),
                                                      after=_excerpt(new, after[0].span)), after[0].span)]


def _properties(old: RubricModel, new: RubricModel) -> list[Change]:
    before, after = set(old.properties), set(new.properties)
    return ([Change("+", "property", p.name, None, p.span) for p in new.properties if p not in before]
            + [Change("-", "property", p.name, None, p.span) for p in old.properties if p not in after])


def _excerpt(model: RubricModel, span: Span) -> str:
    return model.sources.get(span.path, model.source).excerpt(span)


def _summary(decl: ast.Declaration, model: RubricModel) -> Said:
    """What an added declaration is, in a few words: a criterion's weight, a stage's place and rule, or its
    first line as written."""
    if isinstance(decl, ast.CriterionDecl):
        if decl.parent:
            return said("criterion_added_under", weight=plain(decl.weight), parent=decl.parent)
        return said("criterion_added", weight=plain(decl.weight))
    if isinstance(decl, ast.StageDecl):
        order = [s.decl.name for s in model.stages]
        parts: list[Said] = [said("stage_position", number=str(order.index(decl.name) + 1), count=str(len(order)))]
        if not (decl.name == order[-1] and not decl.advance):
            parts.append(_advance(decl.advance, model))
        cuts = [said("stage_cut_within", top=plain(c.top), within=c.within) if c.within
                else said("stage_cut", top=plain(c.top)) for c in decl.cuts[:1]]
        return said("stage_summary", parts=tuple(parts), cut=cuts[0] if cuts else "")
    return _quoted(_excerpt(model, decl.span).split(" label ")[0][:100])


def _quoted(text: str) -> Said:
    return said("as_written", text=text)


def _what_changed(old: Any, new: Any, old_model: RubricModel, new_model: RubricModel) -> Found:
    """Field by field, in words; a criterion's points row by row."""
    found: Found = []
    for field in attrs.fields(type(new)):
        if not field.eq:
            continue
        before, after = getattr(old, field.name), getattr(new, field.name)
        if canonical_form(before) == canonical_form(after):
            continue
        if field.name == "meta":
            found += [(_meta_said(kind, detail), where) for kind, detail, where in _meta_changes(before, after,
                                                                                               new.span)]
        elif field.name == "points":
            found += _points_changes(before, after, old_model, new_model, new.span)
        elif field.name == "advance":
            found.append((said("becomes", before=_advance(before, old_model), after=_advance(after, new_model)),
                          after[0].span if after else new.span))
        elif field.name == "options":
            found += _options_changes(before, after, old_model, new_model, new.span)
        elif field.name == "weight":
            found.append((said("weight", before=plain(before), after=plain(after)), new.weight_span))
        elif field.name == "type" and before.kind == after.kind and before.kind in ("one_of", "set_of"):
            found += _members_changes(before.members, after.members, new.span)
        elif field.name == "parts":
            found += _parts_changes(before, after, new.span)
        elif isinstance(after, (Decimal, str, type(None))):
            where = getattr(new, f"{field.name}_span", None) or new.span  # e.g. the `under` of a `change`
            found.append((said("field_becomes", field=_field(field.name), before=_show(before), after=_show(after)),
                          where))
        else:
            found.append((said("field_rewritten", field=_field(field.name),
                               before=_excerpt(old_model, _span_of(before, old.span)),
                               after=_excerpt(new_model, _span_of(after, new.span))), _span_of(after, new.span)))
    return found


def _field(name: str) -> Said:
    """A field's name, told in the language when the phrases know it."""
    return said("as_written", text=name) if f"field_{name}" not in PHRASES["en"] else Said(f"field_{name}")


def _members_changes(before: tuple[ast.EnumMember, ...], after: tuple[ast.EnumMember, ...], span: Span) -> Found:
    """Values added and removed by name, and those whose labels or aliases changed: a province list stays short."""
    old = {m.name: m for m in before}
    new = {m.name: m for m in after}
    found: Found = []
    if added := [m for m in after if m.name not in old]:
        found.append((said("values_added", names=", ".join(m.name for m in added)), added[0].span))
    if removed := [m.name for m in before if m.name not in new]:
        found.append((said("values_removed", names=", ".join(removed)), span))
    found += [(said("value_texts", name=m.name), m.span) for m in after
              if m.name in old and canonical_form(m) != canonical_form(old[m.name])]
    return found


def _parts_changes(before: tuple[ast.GroupPart, ...], after: tuple[ast.GroupPart, ...], span: Span) -> Found:
    """Which values moved into which part, parts added or removed: a zone map's change in a line each."""
    old = {member: part.name for part in before for member in part.members}
    found: Found = [(said("part_added", name=p.name), p.span) for p in after
                    if p.name not in {q.name for q in before}]
    found += [(said("part_removed", name=p.name), span) for p in before if p.name not in {q.name for q in after}]
    for part in after:
        moved = [m for m in part.members if old.get(m) != part.name]
        if moved:
            members = tuple(said("member_from", name=m, part=old[m]) if m in old else said("member_new", name=m)
                            for m in moved)
            found.append((said("into_part", name=part.name, members=members), part.span))
    labels = {p.name: p.label for p in before}
    found += [(said("part_label", name=p.name), p.span) for p in after
              if p.name in labels and canonical_form(p.label) != canonical_form(labels[p.name])]
    return found


def _advance(rule: tuple[ast.Expr, ...], model: RubricModel) -> Said:
    return said("advance_if", rule=_excerpt(model, rule[0].span)) if rule else said("everyone_advances")


def _options_changes(before: tuple[ast.InputOption, ...], after: tuple[ast.InputOption, ...], old_model: RubricModel,
                     new_model: RubricModel, span: Span) -> Found:
    """Bounds, unit, default and aggregation as written; the stage an input arrives at is `_moved`'s."""
    old = [o for o in before if o.kind != "stage"]
    new = [o for o in after if o.kind != "stage"]
    if canonical_form(old) == canonical_form(new):
        return []
    old_text = ", ".join(_excerpt(old_model, o.span) for o in old) or said("none")
    new_text = ", ".join(_excerpt(new_model, o.span) for o in new) or said("none")
    return [(said("options", before=old_text, after=new_text), new[0].span if new else span)]


def _moved(decl: ast.InputDecl, old: RubricModel, new: RubricModel) -> Found:
    """An input that arrives at another stage; without stages, everything arrives at the start."""
    before, after = _arrival(decl.name, old), _arrival(decl.name, new)
    if before == after or {before, after} <= {None, _first_stage(old), _first_stage(new)}:
        return []
    where = next((o.span for o in decl.options if o.kind == "stage"), decl.span)
    if before is None:
        return [(said("arrives", stage=str(after)), where)]
    if after is None:
        return [(said("no_stages", stage=before), where)]
    return [(said("moved_stage", before=before, after=after), where)]


def _arrival(name: str, model: RubricModel) -> str | None:
    stage = next(i.stage for i in model.inputs if i.decl.name == name)
    return model.stages[stage].decl.name if model.stages else None


def _first_stage(model: RubricModel) -> str | None:
    return model.stages[0].decl.name if model.stages else None


def _show(value: Any) -> Argument:
    if value is None:
        return said("none")
    return plain(value) if isinstance(value, Decimal) else str(value)


def _span_of(value: Any, fallback: Span) -> Span:
    return getattr(value, "span", fallback) if not isinstance(value, tuple) else fallback


def _meta_said(kind: str, detail: Said) -> Said:
    return said("meta", field=Said(f"field_{kind}"), detail=detail)


def _meta_changes(before: tuple[ast.Meta, ...], after: tuple[ast.Meta, ...],
                  span: Span) -> list[tuple[str, Said, Span]]:
    """(kind, what changed, where) for labels, descriptions, reasons and evidence, and each source or assumption
    line added or removed."""
    found = []
    for kind in ("label", "description", "reason", "evidence"):
        old, new = texts(before, kind), texts(after, kind)
        if canonical_form(old) != canonical_form(new):
            found.append((kind, said("becomes", before=_texts(old), after=_texts(new)), new.span if new else span))
    for kind in ("source", "assumption"):  # one text, or one per language: compared by all their words
        old_lines = [m.words() for m in before if m.kind == kind]
        found += [(kind, said("text_added", text=" / ".join(m.words())), m.span) for m in after
                  if m.kind == kind and m.words() not in old_lines]
        new_lines = [m.words() for m in after if m.kind == kind]
        found += [(kind, said("text_removed", text=" / ".join(t)), span) for t in old_lines if t not in new_lines]
    return found


def _points_changes(before: tuple[ast.Points, ...], after: tuple[ast.Points, ...], old_model: RubricModel,
                    new_model: RubricModel, span: Span) -> Found:
    old, new = (before[0] if before else None), (after[0] if after else None)
    if isinstance(old, ast.PointsBand) and isinstance(new, ast.PointsBand):
        return _rows(old.rows, new.rows, lambda row, _: describe_band_row(row), old_model, new_model, "band_row")
    if isinstance(old, ast.PointsTable) and isinstance(new, ast.PointsTable):
        found: Found = [] if old.policy == new.policy else [
            (said("hit_policy", before=old.policy, after=new.policy), new.span)]

        def condition(row: ast.TableRow, model: RubricModel) -> str:
            return "otherwise" if row.condition is None else _excerpt(model, row.condition.span)

        rows = _rows(old.rows, new.rows, condition, old_model, new_model, "table_row")
        old_order = [condition(r, old_model) for r in old.rows]
        new_order = [condition(r, new_model) for r in new.rows]
        if new.policy in ("first", "unique") and sorted(old_order) == sorted(new_order) and old_order != new_order:
            rows.append((said("rows_reordered", rows=" | ".join(new_order), policy=new.policy), new.span))
        return found + rows
    old_text = _excerpt(old_model, old.span) if old else said("none")
    new_text = _excerpt(new_model, new.span) if new else said("none")
    return [(said("rewritten", before=old_text, after=new_text), new.span if new else span)]


def _rows(old_rows: Sequence[Any], new_rows: Sequence[Any], key: Callable[[Any, RubricModel], str],
          old_model: RubricModel, new_model: RubricModel, what: str) -> Found:
    """Rows paired by their range or condition: added, removed, or with other points."""
    before = {key(r, old_model): r for r in old_rows}
    after = {key(r, new_model): r for r in new_rows}
    kind = Said(what)
    found: Found = []
    for name, row in after.items():
        if name not in before:
            found.append((said("row_added", what=kind, row=name, points=_excerpt(new_model, row.points.span)),
                          row.span))
        elif canonical_form(row.points) != canonical_form(before[name].points):
            found.append((said("row_points", what=kind, row=name,
                               before=_excerpt(old_model, before[name].points.span),
                               after=_excerpt(new_model, row.points.span)), row.span))
    found += [(said("row_removed", what=kind, row=name), row.span) for name, row in before.items() if name not in after]
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
                ambiguous.append(Change("!", "rubric", _category(key(rubric)),
                                        said("same_pairing", path=rubric.path, other=side[key(rubric)].path), None))
                continue
            side[key(rubric)] = rubric
    pairs = [(before[k], after[k]) for k in after if k in before]
    unpaired = [Change("+", "rubric", _category(k), _quoted(r.path), None) for k, r in after.items() if k not in before]
    unpaired += [Change("-", "rubric", _category(k), _quoted(r.path), None) for k, r in before.items()
                 if k not in after]
    return pairs, ambiguous + unpaired


def _category(key: tuple[str, str, str]) -> str:
    """`category (sector S, round R)`, naming only what the rubric gives."""
    given = [f"{what} {value}" for what, value in (("sector", key[1]), ("round", key[2])) if value]
    return key[0] + (f" ({', '.join(given)})" if given else "")


def changed(changes: Sequence[Change], lang: str = "en") -> list[str]:
    """Each change rendered, or the one line that says nothing changed in meaning."""
    return [c.render(lang) for c in changes] or [PHRASES[lang]["no_change"]]


def words(lang: str) -> Mapping[str, str]:
    """The diff's phrases in `lang`, for the report of whom the changes move."""
    return PHRASES[lang]
