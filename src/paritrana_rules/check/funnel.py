"""The funnel to the prize: groupings (zones of provinces), rank cuts at stages, and placings with quotas.

A `within` names a text or one-of input, or a `group` derived from a one-of
input; a grouping gives every member of its input exactly one part, so no
candidate is left without a group and none is in two. Cuts and placings are
whole numbers of places; placings follow the rubric's ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from paritrana_rules.check.expressions import WHEN_CONDITION, expect
from paritrana_rules.check.model import BOOL, AwardModel, CutModel, GroupingModel, InputModel, StageModel
from paritrana_rules.check.state import CheckState, Phrase
from paritrana_rules.errors import Indonesian, closest, you_meant
from paritrana_rules.language import ast
from paritrana_rules.numeric import plain
from paritrana_rules.source import Span


def check_groupings(state: CheckState, decls: Sequence[ast.GroupDecl]) -> tuple[GroupingModel, ...]:
    """Each grouping over a one-of input, each of whose members is in exactly one part."""
    models = []
    for decl in decls:
        source = state.values.get(decl.by)
        if not isinstance(source, InputModel) or source.spec.kind != "one_of":
            meant = closest(decl.by, _inputs_of(state, ("one_of",)))
            state.report("T324", f"group '{decl.name}' is made from '{decl.by}', which is not a one-of input",
                         decl.by_span, you_meant(meant) or "group the members of a one-of input, e.g. group zona by "
                         "provinsi",
                         indonesian=Indonesian(f"kelompok '{decl.name}' dibentuk dari '{decl.by}', yang bukan input "
                                               "'one of'", you_meant(meant, "id") or "kelompokkan nilai suatu input "
                                               "'one of', misalnya group zona by provinsi"))
            continue
        state.used.add(decl.by)
        models.append(GroupingModel(decl, _parts(state, decl, source.spec.members)))
    return tuple(models)


def _parts(state: CheckState, decl: ast.GroupDecl, members: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    part_of: dict[str, str] = {}
    for part in decl.parts:
        for member, span in zip(part.members, part.member_spans, strict=True):
            if member not in members:
                meant, values = closest(member, members), ", ".join(members)
                state.report("N219", f"'{member}' is not a value of input '{decl.by}'", span,
                             you_meant(meant) or f"its values are: {values}",
                             indonesian=Indonesian(f"'{member}' bukan nilai dari input '{decl.by}'",
                                                   you_meant(meant, "id") or f"nilainya adalah: {values}"))
            elif member in part_of:
                state.report("N220", f"'{member}' is in part '{part_of[member]}' already", span,
                             "put each value in one part only",
                             indonesian=Indonesian(f"'{member}' sudah masuk bagian '{part_of[member]}'",
                                                   "masukkan setiap nilai ke satu bagian saja"))
            else:
                part_of[member] = part.name
    missing = [m for m in members if m not in part_of]
    if missing:
        listed = ", ".join(missing)
        state.report("N221", f"group '{decl.name}' gives no part to: {listed}", decl.name_span,
                     f"add each to the part it belongs to, so every value of '{decl.by}' has a {decl.name}",
                     indonesian=Indonesian(f"kelompok '{decl.name}' tidak memberi bagian kepada: {listed}",
                                           "masukkan masing-masing ke bagian yang sesuai, agar setiap nilai "
                                           f"'{decl.by}' memiliki {decl.name}"))
    return tuple((m, part_of[m]) for m in members if m in part_of)


def check_cuts(state: CheckState, stages: Sequence[StageModel], groupings: Sequence[GroupingModel]
               ) -> tuple[CutModel, ...]:
    """Each stage's `advance top N`: a whole number, a group that exists, and a stage that leads somewhere."""
    cuts = []
    for index, stage in enumerate(stages):
        decl = stage.decl
        for extra in decl.cuts[1:]:
            state.report("W410", f"stage '{decl.name}' has more than one 'advance top'", extra.span,
                         "keep one: the best N, per group or overall",
                         indonesian=Indonesian(f"tahap '{decl.name}' memiliki lebih dari satu 'advance top'",
                                               "sisakan satu: N terbaik, per kelompok atau secara keseluruhan"))
        if not decl.cuts:
            continue
        cut = decl.cuts[0]
        top = _whole(state, cut.top, cut.top_span, "R514",
                     Phrase("cannot let the best {} go on", "tidak dapat meloloskan {} peserta terbaik"),
                     Phrase("e.g. advance top 8 (the best 8 go on to the next stage)",
                            "misalnya advance top 8 (8 peserta terbaik lolos ke tahap berikutnya)"))
        within = _within(state, cut.within, cut.within_span, groupings)
        if index == len(stages) - 1:
            state.report("L806", f"'{decl.name}' is the last stage, so its 'advance top' leads nowhere", cut.span,
                         "to name the best of the last stage, declare a placing: award NAME to top N", "warning",
                         Indonesian(f"'{decl.name}' adalah tahap terakhir, sehingga 'advance top'-nya tidak "
                                    "mengarah ke tahap mana pun", "untuk menetapkan peserta terbaik di tahap "
                                    "terakhir, deklarasikan penghargaan: award NAMA to top N"))
        cuts.append(CutModel(decl.name, index, top, within, cut.ties))
    return tuple(cuts)


def check_awards(state: CheckState, decls: Sequence[ast.AwardDecl], ranking: ast.RankingDecl | None,
                 groupings: Sequence[GroupingModel]) -> tuple[AwardModel, ...]:
    """Each placing: ranks in order, a group that exists, a yes/no condition, and a ranking to follow."""
    models = []
    for decl in decls:
        if ranking is None:
            state.report("R516", f"placing '{decl.name}' follows the ranking, but the rubric does not rank",
                         decl.name_span, "declare how candidates are ranked: rank candidates by total",
                         indonesian=Indonesian(f"penghargaan '{decl.name}' mengikuti peringkat, tetapi rubrik ini "
                                               "tidak memeringkat peserta", "deklarasikan cara peserta "
                                               "diperingkat: rank candidates by total"))
        cannot_award = Phrase("cannot award rank {}", "tidak dapat memberikan penghargaan untuk peringkat {}")
        first = _whole(state, decl.first, decl.places_span, "R515", cannot_award,
                       Phrase("ranks are whole numbers from 1, e.g. award terbaik_1 to rank 1",
                              "peringkat adalah bilangan bulat mulai 1, misalnya award terbaik_1 to rank 1"))
        last = _whole(state, decl.last, decl.places_span, "R515", cannot_award,
                      Phrase("ranks are whole numbers from 1, e.g. award harapan to ranks 4 to 6",
                             "peringkat adalah bilangan bulat mulai 1, misalnya award harapan to ranks 4 to 6"))
        if last < first:
            state.report("R515", f"the ranks of placing '{decl.name}' run backwards ({first} to {last})",
                         decl.places_span, f"write the better rank first: ranks {last} to {first}",
                         indonesian=Indonesian(f"peringkat penghargaan '{decl.name}' tertulis terbalik ({first} "
                                               f"sampai {last})", "tulis peringkat yang lebih baik lebih dulu: "
                                               f"ranks {last} to {first}"))
        _within(state, decl.within, decl.within_span, groupings)
        condition = None
        if decl.condition is not None:
            condition = expect(state, decl.condition, BOOL, WHEN_CONDITION).expr
        if not any(m.kind == "label" for m in decl.meta):
            state.report("L807", f"placing '{decl.name}' has no label", decl.name_span,
                         'add: label id "Terbaik I" en "First place" — it is what the certificate says', "warning",
                         Indonesian(f"penghargaan '{decl.name}' tidak memiliki label", 'tambahkan: label id '
                                    '"Terbaik I" en "First place" — label inilah yang tertulis pada piagam'))
        models.append(AwardModel(decl, first, last, condition))
    return tuple(models)


def check_within(state: CheckState, ranking: ast.RankingDecl | None, groupings: Sequence[GroupingModel]) -> None:
    """The ranking's `within`: a text or one-of input, or a grouping."""
    if ranking is not None:
        _within(state, ranking.within, ranking.within_span, groupings)


def _within(state: CheckState, name: str | None, span: Span | None, groupings: Sequence[GroupingModel]
            ) -> str | None:
    if name is None or span is None:
        return None
    if any(g.decl.name == name for g in groupings):
        return name
    group = state.values.get(name)
    if isinstance(group, InputModel) and group.spec.kind in ("text", "one_of"):
        state.used.add(name)
        return name
    meant = closest(name, [*_inputs_of(state, ("text", "one_of")), *(g.decl.name for g in groupings)])
    state.report("T319", f"candidates are grouped by an input holding text or one value, or by a group, but "
                 f"'{name}' is neither", span,
                 you_meant(meant) or "declare e.g. input provinsi: one of {...}, and rank within provinsi",
                 indonesian=Indonesian("peserta dikelompokkan menurut input berisi teks atau satu nilai, atau "
                                       f"menurut kelompok (group), tetapi '{name}' bukan keduanya",
                                       you_meant(meant, "id") or "deklarasikan misalnya input provinsi: one of "
                                       "{...}, lalu rank within provinsi"))
    return None


def _inputs_of(state: CheckState, kinds: tuple[str, ...]) -> list[str]:
    return [name for name, v in state.values.items() if isinstance(v, InputModel) and v.spec.kind in kinds]


def _whole(state: CheckState, value: Decimal, span: Span, code: str, message: Phrase, hint: Phrase) -> int:
    """A number of places: a whole number from 1 (0 when it is not one, after reporting it)."""
    if value >= 1 and value == value.to_integral_value():
        return int(value)
    state.report(code, message.en.format(plain(value)) + ": give a whole number, 1 or more", span, hint.en,
                 indonesian=Indonesian(message.id.format(plain(value)) + ": berikan bilangan bulat, 1 atau lebih",
                                       hint.id))
    return 0
