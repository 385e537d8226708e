"""The funnel's decisions in words: the placings a candidate won, or the cut that ended its run, in id or en.

"Terbaik II in sektor keuangan: rank 2 of 14, behind K-7 by 1.25 points";
"cut after desk: rank 9 of 35 in sumatera; the best 8 go on". Groups are
shown by their labels: a grouping's part label, or a one-of member's label.
"""

from __future__ import annotations

from paritrana_rules.check.model import RubricModel
from paritrana_rules.explain.words import label, localise, member_label, pick_text
from paritrana_rules.rank.ranking import AwardOutcome, CutOutcome, Placing

_PHRASES = {
    "en": {"award": "{label}{where}: rank {rank} of {of}", "behind": ", behind {ahead} by {gap} points",
           "cut": "cut after {stage}: rank {rank} of {of}{where}; the best {top} go on", "in": " in {group}",
           "nominated": "nominated", "rank": "rank {rank} of {of}{where}"},
    "id": {"award": "{label}{where}: peringkat {rank} dari {of}",
           "behind": ", di bawah {ahead} dengan selisih {gap} poin",
           "cut": "tidak lolos setelah tahap {stage}: peringkat {rank} dari {of}{where}; {top} terbaik yang lanjut",
           "in": " di {group}", "nominated": "dinominasikan", "rank": "peringkat {rank} dari {of}{where}"},
}


class FunnelWords:
    """The funnel's decisions in one language for a whole batch: group labels are looked up once each."""

    def __init__(self, model: RubricModel, lang: str) -> None:
        self.model, self.lang = model, lang
        self.within = model.ranking.within if model.ranking else None
        self.groups: dict[tuple[str | None, str | None], str] = {}
        self.cuts: dict[tuple[str, str | None, int, int], str] = {}

    def group(self, within: str | None, group: str | None) -> str:
        key = (within, group)
        if key not in self.groups:
            self.groups[key] = group_label(self.model, within, group, self.lang)
        return self.groups[key]

    def rank(self, placing: Placing) -> str:
        """"3= in East Java" ("3= di Jawa Timur"): the rank ('=' when shared by a tie nothing breaks) in its group;
        '-' for none."""
        if placing.rank is None:
            return "-"
        group = self.group(self.within, placing.group)
        where = _PHRASES[self.lang]["in"].format(group=group) if group else ""
        return f"{placing.rank}{'=' if placing.tied else ''}{where}"

    def outcome(self, placing: Placing | None) -> str:
        """The placings won ("; " between them), else the cut that ended the run, else nothing."""
        if placing is None or (placing.cut is None and not placing.awards):
            return ""
        cut = placing.cut
        if cut is None:
            return funnel_outcome(self.model, placing, self.lang)
        key = (cut.stage, cut.group, cut.of, cut.top)
        if key not in self.cuts:
            self.cuts[key] = cut_frame(self.model, cut, self.lang)
        return self.cuts[key].replace(_RANK, str(cut.rank))


def funnel_outcome(model: RubricModel, placing: Placing | None, lang: str) -> str:
    """The placings won ("; " between them), else the cut that ended the run, else nothing."""
    if placing is None:
        return ""
    if placing.cut is not None:
        return cut_words(model, placing.cut, lang)
    return "; ".join(award_words(model, award, lang) for award in placing.awards)


def funnel_sentences(model: RubricModel, placing: Placing, lang: str) -> list[str]:
    """What an explanation adds once every candidate is scored: rank, nomination, placings or the cut."""
    phrases = _PHRASES[lang]
    if placing.cut is not None:
        return [cut_words(model, placing.cut, lang)]
    lines = []
    if placing.rank is not None and placing.of is not None:
        where = _where(model, model.ranking.within if model.ranking else None, placing.group, lang)
        lines.append(phrases["rank"].format(rank=f"{placing.rank}{'=' if placing.tied else ''}", of=placing.of,
                                            where=where) + (f"; {phrases['nominated']}" if placing.nominated else ""))
    lines += [award_words(model, award, lang) for award in placing.awards]
    return lines


def award_words(model: RubricModel, outcome: AwardOutcome, lang: str) -> str:
    phrases = _PHRASES[lang]
    award = next(a for a in model.awards if a.decl.name == outcome.award)
    text = phrases["award"].format(label=label(award.decl.meta, award.decl.name, lang),
                                   where=_where(model, award.decl.within, outcome.group, lang), rank=outcome.rank,
                                   of=outcome.of)
    if outcome.ahead is not None and outcome.behind_by is not None:
        text += phrases["behind"].format(ahead=outcome.ahead, gap=localise(outcome.behind_by, lang))
    return text


def cut_words(model: RubricModel, cut: CutOutcome, lang: str) -> str:
    return cut_frame(model, cut, lang).replace(_RANK, str(cut.rank))


_RANK = "\x00"  # where a cut's words take the rank: no rubric text holds a control character


def cut_frame(model: RubricModel, cut: CutOutcome, lang: str) -> str:
    """A cut's words with `_RANK` for the rank: the same for every candidate cut in one group."""
    stage = next(s for s in model.stages if s.decl.name == cut.stage)
    within = next(c.within for c in model.cuts if c.stage == cut.stage)
    return _PHRASES[lang]["cut"].format(stage=label(stage.decl.meta, cut.stage, lang), rank=_RANK, of=cut.of,
                                        where=_where(model, within, cut.group, lang), top=cut.top)


def group_label(model: RubricModel, within: str | None, group: str | None, lang: str) -> str:
    """A group as people call it: a grouping part's label, a one-of member's label, or the text itself."""
    if within is None or group is None:
        return ""
    for grouping in model.groupings:
        if grouping.decl.name == within:
            part = next((p for p in grouping.decl.parts if p.name == group), None)
            return (pick_text(part.label, lang) if part is not None else None) or group
    if any(i.spec.name == within and i.spec.kind == "one_of" for i in model.inputs):
        return member_label(model, within, group, lang)
    return group


def _where(model: RubricModel, within: str | None, group: str | None, lang: str) -> str:
    shown = group_label(model, within, group, lang)
    return _PHRASES[lang]["in"].format(group=shown) if shown else ""
