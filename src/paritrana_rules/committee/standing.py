"""Expectations the field decides: a case's rank, nomination, placing and the stage it reached.

The candidates of an example file are the field. Once each is scored, the
rubric's funnel (`rank.ranking`) decides cuts, ranks, nominations and placings
for all of them at once, as `score` does for a data file, and each case's
expectations are compared with what it decided:

    expect:
      rank: 1 in Jawa Timur     # as `score` shows it ('2=' for a shared rank); none when not ranked
      nominated: yes
      placing: terbaik_1        # the placings won (a list for several), 'cut after penilaian', or none
      reached: wawancara        # the last stage the candidate reached

A group is written by its name, its label in either language, or an alias. `reached` is
where the funnel stopped the candidate (a failed advance rule, a cut, a gate
that disqualifies), else the stage it waits at (pending) or the last stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from paritrana_rules.committee.words import Said, hint, joined, said, same
from paritrana_rules.data.specs import spelling
from paritrana_rules.evaluate.result import Result
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain import explanation
from paritrana_rules.explain.funnel import funnel_outcome, group_label
from paritrana_rules.rank.ranking import Placing

FUNNEL_EXPECTATIONS = ("rank", "nominated", "placing", "reached")

_RANK = re.compile(r"\s*(\d{1,9})(=?)(?:\s+in\s+(\S.*?))?\s*", re.IGNORECASE)
_CUT = re.compile(r"\s*cut\s+after\s+(\S+)\s*", re.IGNORECASE)


def standing_failures(rubric: AnyRubric, result: Result, placing: Placing | None,
                      expected: Mapping[str, Any]) -> list[Said]:
    """Each funnel expectation of one case that the field's decisions do not meet."""
    failures: list[Said] = []
    for key in FUNNEL_EXPECTATIONS:
        if key not in expected:
            continue
        if key == "reached":
            failures += _reached(rubric, result, placing, expected[key])
        elif placing is None:
            failures.append(said("no_ranking", what=key))
        else:
            failures += _COMPARE[key](rubric, placing, expected[key])
    return failures


def rejected_failures(expected: Mapping[str, Any]) -> list[Said]:
    """A rejected case is not in the field: every funnel expectation it has fails."""
    return [said("not_scored", what=key) for key in FUNNEL_EXPECTATIONS if key in expected]


# ------------------------------------------------------------------ rank and nomination


def _rank(rubric: AnyRubric, placing: Placing, wanted: Any) -> list[Said]:
    parsed = _parse_rank(wanted)
    if parsed is None:
        return [said("rank_form")]
    rank, tied, group = parsed
    got = _shown_rank(placing.rank, placing.tied,
                      _labels(rubric, _within(rubric), placing.group) if placing.group is not None else None)
    matches = rank == placing.rank and (rank is None or tied == placing.tied) and (
        group is None or _same_group(group, rubric, placing.group))
    expected = _shown_rank(rank, tied, same(group) if group is not None else None)
    return [] if matches else [said("mismatch", what=said("rank"), expected=expected, got=got)]


def _parse_rank(wanted: Any) -> tuple[int | None, bool, str | None] | None:
    """(rank, shared, group as written) from `1`, `'2='`, `'1 in Jawa Timur'`, none; None when malformed."""
    if wanted is None or (isinstance(wanted, str) and wanted.strip().lower() == "none"):
        return None, False, None
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        return (wanted, False, None) if wanted >= 1 else None
    match = _RANK.fullmatch(wanted) if isinstance(wanted, str) else None
    if match is None or int(match[1]) < 1:
        return None
    return int(match[1]), bool(match[2]), match[3]


def _shown_rank(rank: int | None, tied: bool, group: Said | None) -> Said:
    if rank is None:
        return said("not_ranked")
    shown = f"{rank}{'=' if tied else ''}"
    return said("rank_in", rank=shown, group=group) if group is not None else same(shown)


def _within(rubric: AnyRubric) -> str | None:
    ranking = rubric.model.ranking
    return ranking.within if ranking is not None else None


def _labels(rubric: AnyRubric, within: str | None, group: str) -> Said:
    return Said(*(group_label(rubric.model, within, group, lang) or group for lang in ("en", "id")))


def _same_group(written: str, rubric: AnyRubric, group: str | None) -> bool:
    """Whether a group as written names the candidate's: by its name, a label, or (a one-of input's member) an
    alias, spelt in any case and with spaces or underscores between the words, as data may be written."""
    if group is None:
        return False
    within = _within(rubric)
    spec = next((s for s in rubric.input_specs if s.name == within and s.kind == "one_of"), None)
    if spec is not None and spec.member(written) == group:
        return True
    labels = _labels(rubric, within, group)
    return spelling(written) in {spelling(group), spelling(labels.en), spelling(labels.id)}


def _nominated(rubric: AnyRubric, placing: Placing, wanted: Any) -> list[Said]:
    nominated = _YES_NO.get(wanted.strip().lower()) if isinstance(wanted, str) else wanted
    if not isinstance(nominated, bool):
        return [said("nominated_form")]
    if nominated == placing.nominated:
        return []
    return [said("mismatch", what=said("nominated"), expected=_yes(nominated), got=_yes(placing.nominated))]


_YES_NO = {"yes": True, "true": True, "ya": True, "no": False, "false": False, "tidak": False}  # as data is written


def _yes(value: bool) -> Said:
    return said("yes" if value else "no")


# ------------------------------------------------------------------ placings and cuts


def _placing(rubric: AnyRubric, placing: Placing, wanted: Any) -> list[Said]:
    parsed = _parse_placing(wanted)
    if parsed is None:
        return [said("placing_form")]
    awards = [a.decl.name for a in rubric.model.awards]
    cut_stages = [c.stage for c in rubric.model.cuts]
    unknown = [said("no_cut", name=name, hint=_hint(name, cut_stages, "cuts_after")) if kind == "cut"
               else said("no_award", name=name, hint=_hint(name, awards, "awards"))
               for kind, name in sorted(parsed) if name not in (cut_stages if kind == "cut" else awards)]
    if unknown:
        return unknown
    got = {("cut", placing.cut.stage)} if placing.cut is not None else {("award", a.award) for a in placing.awards}
    if parsed == got:
        return []
    shown = _shown_placing(got)
    words = [funnel_outcome(rubric.model, placing, lang) for lang in ("en", "id")]
    if words[0]:
        shown = said("because", text=shown, why=Said(*words))
    return [said("mismatch", what=said("placing"), expected=_shown_placing(parsed), got=shown)]


def _hint(name: str, options: list[str], listing: str) -> Said:
    """"; did you mean 'x'?" when an option is close, else the options there are."""
    close = hint(name, options)
    return close if close.en or not options else said(listing, names=", ".join(options))


def _parse_placing(wanted: Any) -> set[tuple[str, str]] | None:
    """{("award", name)...} or {("cut", stage)}, empty for none; None when malformed."""
    if wanted is None or (isinstance(wanted, str) and wanted.strip().lower() == "none"):
        return set()
    if isinstance(wanted, str):
        cut = _CUT.fullmatch(wanted)
        return {("cut", cut[1])} if cut else {("award", wanted.strip())}
    if isinstance(wanted, list) and wanted and all(isinstance(w, str) and not _CUT.fullmatch(w) for w in wanted):
        return {("award", w.strip()) for w in wanted}
    return None


def _shown_placing(placings: set[tuple[str, str]]) -> Said:
    if not placings:
        return said("none")
    return joined((said("cut_after", stage=name) if kind == "cut" else same(name) for kind, name in sorted(placings)),
                  ", ")


# ------------------------------------------------------------------ stages


def _reached(rubric: AnyRubric, result: Result, placing: Placing | None, wanted: Any) -> list[Said]:
    names = rubric.stage_names
    if not names:
        return [said("no_stages")]
    if not isinstance(wanted, str):
        return [said("reached_form")]
    if wanted not in names:
        return [said("no_stage", name=wanted, hint=hint(wanted, names))]
    got = reached(rubric, result, placing)
    if got == wanted:
        return []
    shown = said("stage", name=got)
    why = Said(*("; ".join(explanation.reasons(result, lang)) for lang in ("en", "id")))
    if why.en:  # what stopped it, or what it waits for
        shown = said("because", text=shown, why=why)
    return [said("mismatch", what=said("reached"), expected=said("stage", name=wanted), got=shown)]


def reached(rubric: AnyRubric, result: Result, placing: Placing | None) -> str:
    """The last stage a candidate reached (the rubric declares stages): the one where a disqualifying gate, an
    advance rule or a cut stopped it, else the next stage when it waits for that stage's data, else the last."""
    names = rubric.stage_names
    scored = names.index(str(result.stage))
    advanced = {s.name: s.advanced for s in result.stages}
    cut = placing.cut.stage if placing is not None and placing.cut is not None else None
    disqualifying = {g.name for g in result.failed_gates if g.action == "disqualify"}
    for index, name in enumerate(names[:scored + 1]):
        known = {g.name for g in rubric.at_stage(index).program.gates}
        if disqualifying & known or advanced.get(name) is False or name == cut:
            return name
    return names[min(scored + 1, len(names) - 1)]


_COMPARE = {"rank": _rank, "nominated": _nominated, "placing": _placing}
