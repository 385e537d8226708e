"""The funnel to the prize: scored candidates -> cuts at stages, ranks, nominations and placings.

Everything is decided from what a result records (status, total, criteria
points, each stage's provisional total, inputs and lets), so replay decides it
again from an audit ledger alone. In order:

1. **Cuts.** A stage's `advance top N [within G]` keeps the best N of its group
   by the provisional total at that stage, among those still in the running
   (not disqualified, every advance rule so far passed, not cut before). Who
   shares the last place goes on with `ties included` (the default) and does
   not with `ties excluded`: never an arbitrary order.
2. **Ranks.** Eligible candidates not cut are ordered within their group (the
   ranking's `within`) by the keys, highest first: the total, then the criteria
   named to break ties. Candidates whose keys are all equal share a rank
   (1, 1, 3). The top N are nominated; a shared rank across the cut is
   nominated whole and marked tied, for the committee to decide.
3. **Placings.** Each `award` ranks, within its own group, the ranked
   candidates for whom its condition holds, the same way, and gives its name to
   the ranks it names, with its tie rule at both ends of the range.

Entries are kept in a `Spill`, a run of them at a time, on disk past a few
runs. With numpy (the `columnar` extra) a run is kept as columns, and each pass
is one sort of the columns read from them, a few dozen bytes per entry, held
only while the passes run (`rank.arrays`); without it, or for numbers past what
the columns hold, each pass sorts the entries on disk, so memory stays flat in
the number of candidates.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import attrs

from paritrana_rules.check.model import RubricModel
from paritrana_rules.evaluate.result import environment
from paritrana_rules.language.expressions import compile_expr
from paritrana_rules.numeric import plain
from paritrana_rules.rank.spill import Spill, sorted_records

try:  # the funnel's sorts on arrays need numpy (the `columnar` extra); without it they are sorts on disk
    from paritrana_rules.rank import arrays
except ImportError:  # pragma: no cover - depends on what is installed
    arrays = None  # type: ignore[assignment]

GroupValue = str | None


class Entry(NamedTuple):
    """What the funnel needs of one scored candidate (a plain tuple: entries are pickled by the thousand).

    Keys and cut totals are whole numbers of the rubric's last decimal place (they are all rounded to it):
    cheaper to send between processes, keep on disk, read back and sort than decimals.
    """

    candidate: str
    eligible: bool  # scored at the last stage and not disqualified or eliminated: it can be ranked
    keys: tuple[int, ...]  # () when it cannot be ranked
    groups: tuple[GroupValue, ...]  # its value of each `within` the rules use (`Rules.groups`)
    cut_totals: tuple[int | None, ...] = ()  # per cut: its provisional total there, None when out of the running
    qualifies: tuple[bool, ...] = ()  # per placing: whether its condition holds


@attrs.frozen
class CutOutcome:
    stage: str
    rank: int
    of: int  # candidates in the running in its group there
    group: GroupValue
    top: int

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "rank": self.rank, "of": self.of, "group": self.group, "top": self.top}


@attrs.frozen
class AwardOutcome:
    award: str
    rank: int
    of: int
    group: GroupValue
    ahead: str | None  # the candidate placed just above it, when there is one (of a tie there, the first id:
    # never the input order)
    behind_by: Decimal | None  # by how much of the first key (the total) it is behind that candidate

    def to_dict(self) -> dict[str, Any]:
        return {"award": self.award, "rank": self.rank, "of": self.of, "group": self.group, "ahead": self.ahead,
                "behind_by": plain(self.behind_by) if self.behind_by is not None else None}


@attrs.frozen
class Placing:
    candidate: str
    group: GroupValue
    rank: int | None  # None: not ranked (disqualified, eliminated, cut, or not scored to the end)
    of: int | None  # candidates ranked in its group
    nominated: bool
    tied: bool  # shares its rank with another candidate of its group
    cut: CutOutcome | None = None
    awards: tuple[AwardOutcome, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"candidate": self.candidate, "group": self.group, "rank": self.rank, "of": self.of,
                "nominated": self.nominated, "tied": self.tied,
                "cut": self.cut.to_dict() if self.cut is not None else None,
                "awards": [a.to_dict() for a in self.awards]}


def decides_across(model: RubricModel) -> bool:
    """Whether the rubric decides anything across candidates (ranks or cuts): cheap, asked once per row."""
    return model.ranking is not None or bool(model.cuts)


class Rules:
    """The funnel a rubric declares, ready to apply: made once per rubric, in each process that uses it
    (it pickles as its model; placing conditions are compiled again where it lands)."""

    def __init__(self, model: RubricModel) -> None:
        self.model = model
        ranking = model.ranking
        used = [ranking.within if ranking else None, *(c.within for c in model.cuts),
                *(a.decl.within for a in model.awards)]
        self.groups: tuple[str | None, ...] = tuple(dict.fromkeys(used))  # the ranking's first
        self.groupings = {g.decl.name: (g.decl.by, dict(g.part_of)) for g in model.groupings}
        self.stage_index = {s.decl.name: index for index, s in enumerate(model.stages)}
        self.conditions: tuple[Callable[[Mapping[str, Any]], Any] | None, ...] = tuple(
            compile_expr(a.condition, model.rounding_mode) if a.condition is not None else None
            for a in model.awards)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rules, (self.model,))

    @property
    def ranks(self) -> bool:
        return decides_across(self.model)

    def source_of(self, name: str) -> str:
        """The input (or let) a group is read from: a grouping's `by`, or the name itself."""
        return self.groupings[name][0] if name in self.groupings else name

    def group_of(self, name: str | None, values: Mapping[str, Any]) -> GroupValue:
        """A candidate's group by `name`: a grouping's part, or the input's value; None for no grouping."""
        if name is None:
            return None
        value = values.get(self.source_of(name))
        if value is None:
            return None
        return self.groupings[name][1].get(str(value)) if name in self.groupings else str(value)


def _whole(value: Decimal, places: int) -> int:
    """A number rounded to the rubric's last place as a whole number of that place (exactly)."""
    return int(value.scaleb(places))


def entries_of(rules: Rules, candidates: Sequence[str], statuses: Sequence[str], totals: Sequence[int],
               points: Mapping[str, Sequence[int]], stages: Mapping[str, tuple[Sequence[bool], Sequence[int | None]]],
               groups: Sequence[tuple[GroupValue, ...]], qualifies: Sequence[tuple[bool, ...]]) -> list[Entry]:
    """Entries of many candidates at once, from columns: each value a list with one item per candidate (a
    batch scored a column at a time makes its entries this way, a chunk at once)."""
    ranking = rules.model.ranking
    keys: Sequence[tuple[int, ...]] = [()] * len(candidates)  # none when scored at an earlier stage: not ranked
    if ranking is not None and all(key == "total" or key in points for key in ranking.keys):
        keys = list(zip(*(totals if key == "total" else points[key] for key in ranking.keys), strict=True))
    eligible = [status == "eligible" and bool(key) for status, key in zip(statuses, keys, strict=True)]
    running = [_in_running(rules, cut.index, cut.stage, statuses, stages) for cut in rules.model.cuts]
    cut_totals = list(zip(*running, strict=True)) if running else [()] * len(candidates)
    return list(map(Entry, candidates, eligible, keys, groups, cut_totals, qualifies))


def _in_running(rules: Rules, index: int, stage: str, statuses: Sequence[str],
                stages: Mapping[str, tuple[Sequence[bool], Sequence[int | None]]]) -> list[int | None]:
    """Each candidate's provisional total at a cut's stage, when still in the running there (else None): not
    disqualified, and every advance rule up to the cut's passed."""
    if stage not in stages:
        return [None] * len(statuses)
    before = [advanced for name, (advanced, _) in stages.items() if rules.stage_index[name] <= index]
    return [None if status == "disqualified" or not all(passed) else total
            for status, total, *passed in zip(statuses, stages[stage][1], *before, strict=True)]


# ------------------------------------------------------------------ deciding

SortRecord = tuple[Any, ...]  # (group, negated keys..., entry index)
_ELIGIBLE = Entry._fields.index("eligible")
RUN = 20_000  # entries kept together (as columns, when they can be)
_RUNS_HELD = 2  # runs held in memory before they go to disk


class Funnel:
    """Entries gathered in order, then every cut, rank and placing decided (see the module's note on memory).

    Entries arrive one by one or a chunk at a time and are kept in runs of `RUN`: as columns (`arrays.Block`)
    when numpy is there and their numbers fit, else as plain tuples (an `Entry`'s fields in order: a named tuple
    costs three times as much to write to disk and read back).
    """

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.runs = Spill(_RUNS_HELD)
        self.loose: list[tuple[Any, ...]] = []  # entries not yet kept in a run
        self.count = 0
        self.as_columns = True  # every run kept as columns
        self.ranked = Spill()  # (index, entry) of each ranked entry: what placings choose from, often few
        self.decided: _Decisions | None = None
        self.places = rules.model.rounding_places
        self.on_arrays = arrays is not None

    def add(self, item: Entry) -> None:
        self.add_all((item,))

    def add_all(self, items: Iterable[tuple[Any, ...]]) -> None:
        """Entries, or plain tuples of their fields, in order (taken a run at a time: any number of them)."""
        items = iter(items)
        while taken := list(map(tuple, itertools.islice(items, RUN))):
            self.loose += taken
            self.count += len(taken)
            if len(self.loose) >= RUN:
                self._keep(self.loose[:RUN])
                del self.loose[:RUN]

    def close(self) -> None:
        self.runs.close()
        self.ranked.close()

    def placings(self) -> Iterator[Placing]:
        """A placing for every entry, in the order they were added (decided once, however often asked)."""
        if self.decided is None:
            self._keep(self.loose)
            self.loose = []
            self.decided = self._decide()
        decided = self.decided
        wanted = {index for outcomes in decided.awards.values() for *_, ahead, _ in outcomes for index in ahead}
        names = {index: candidate for index, (candidate, _) in enumerate(self._named()) if index in wanted} \
            if wanted else {}
        for index, (candidate, groups) in enumerate(self._named()):
            yield decided.placing(self.rules, index, candidate, groups, names)

    def _keep(self, run: list[tuple[Any, ...]]) -> None:
        """A run of entries kept: as columns when it can be."""
        block = arrays.block_of(run, *arrays.shape(self.rules)) if self.on_arrays and run else None
        if block is not None or run:
            self.runs.append(block if block is not None else run)
            self.as_columns &= block is not None

    def _entries(self) -> Iterator[tuple[Any, ...]]:
        for run in self.runs:
            yield from run if isinstance(run, list) else run.entries()

    def _named(self) -> Iterator[tuple[str, tuple[GroupValue, ...]]]:
        """Each entry's candidate and groups (what a placing needs of it), read without making its whole entry."""
        for run in self.runs:
            if isinstance(run, list):
                yield from ((candidate, groups) for candidate, _, _, groups, _, _ in run)
            else:
                yield from zip(run.candidates, run.grouped(), strict=True)

    def _decide(self) -> _Decisions:
        """Each pass a sort of the entries: on arrays, one sort each (`rank.arrays`), when numpy is there and
        every run's numbers fit; else on disk (below), which keeps memory flat."""
        decided = _Decisions(self.count)
        if self.on_arrays and self.as_columns:
            arrays.decide(self.rules, self.runs, self.count, decided)
            return decided
        for number in range(len(self.rules.model.cuts)):
            self._cut(number, decided)
        self._rank(decided)
        for number in range(len(self.rules.model.awards)):
            self._award(number, decided)
        return decided

    def _kept(self, decided: _Decisions) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """The entries that are ranked (eligible and not cut), by index, kept aside for the placings' passes as
        they go by."""
        for index, item in enumerate(self._entries()):
            if item[_ELIGIBLE] and decided.cut_at[index] < 0:
                self.ranked.append((index, item))
                yield index, item

    def _cut(self, number: int, decided: _Decisions) -> None:
        cut = self.rules.model.cuts[number]
        group = self.rules.groups.index(cut.within)
        pool = ((groups[group] or "", -total, index)
                for index, (_, _, _, groups, cut_totals, _) in enumerate(self._entries())
                if (total := cut_totals[number]) is not None and decided.cut_at[index] < 0)
        for name, rank, block, of in _ranked(pool):
            decided.cut_of[(number, name)] = of
            if not _placed(rank, len(block), 1, cut.top, cut.ties):
                for record in block:
                    decided.cut_at[record[-1]], decided.cut_rank[record[-1]] = number, rank

    def _rank(self, decided: _Decisions) -> None:
        ranking = self.rules.model.ranking
        if ranking is None:
            return
        top = int(ranking.nominate) if ranking.nominate is not None else 0
        pool = ((groups[0] or "", *map(operator.neg, keys), index)
                for index, (_, _, keys, groups, _, _) in self._kept(decided))
        for name, rank, block, of in _ranked(pool):
            decided.ranked_of[name] = of
            for record in block:
                index = record[-1]
                decided.rank[index], decided.tied[index], decided.nominated[index] = rank, len(block) > 1, rank <= top

    def _award(self, number: int, decided: _Decisions) -> None:
        award = self.rules.model.awards[number]
        group = self.rules.groups.index(award.decl.within)
        pool = ((groups[group] or "", *map(operator.neg, keys), index)
                for index, (_, _, keys, groups, _, qualifies) in self.ranked if qualifies[number])
        ahead: list[SortRecord] = []  # the block placed just above, in the same group
        for name, rank, block, of in _ranked(pool):
            if ahead and ahead[0][0] != name:
                ahead = []
            if _placed(rank, len(block), award.first, award.last, award.decl.ties):
                for record in block:
                    decided.awards.setdefault(record[-1], []).append(
                        (number, rank, of, name, tuple(r[-1] for r in ahead),
                         Decimal(record[1] - ahead[0][1]).scaleb(-self.places) if ahead else None))
            ahead = block


def _ranked(pool: Iterator[SortRecord]) -> Iterator[tuple[str, int, list[SortRecord], int]]:
    """Blocks of candidates sharing their keys, best first within each group: (group, the rank they share,
    the block's sort records, how many the group has). The groups are counted as the sort takes in its
    records, all of which it reads before it gives the first back."""
    sizes: dict[str, int] = {}

    def counted(records: Iterator[SortRecord]) -> Iterator[SortRecord]:
        for record in records:
            sizes[record[0]] = sizes.get(record[0], 0) + 1
            yield record
    higher, current = 0, None
    for (name, *_), block in itertools.groupby(sorted_records(counted(pool)), key=lambda r: r[:-1]):
        if name != current:
            higher, current = 0, name
        members = list(block)
        yield name, higher + 1, members, sizes[name]  # competition ranking: 1 + how many are strictly better
        higher += len(members)


def _placed(rank: int, shared: int, first: int, last: int, ties: str) -> bool:
    """Whether a block of `shared` candidates at `rank` falls in first..last; a block across an end goes
    with `ties included` and does not with `ties excluded`."""
    if ties == "included":
        return first <= rank <= last
    return first <= rank and rank + shared - 1 <= last


class _Decisions:
    """What is decided for each entry, by its index, in arrays: a few bytes each."""

    def __init__(self, count: int) -> None:
        self.cut_at = array("i", [-1]) * count  # the cut (its number) that ended it there, or -1
        self.cut_rank = array("q", [0]) * count
        self.cut_of: dict[tuple[int, str], int] = {}
        self.rank = array("q", [0]) * count  # 0: not ranked
        self.tied = bytearray(count)
        self.nominated = bytearray(count)
        self.ranked_of: dict[str, int] = {}
        # Placings are few (quotas): entry index -> (placing number, rank, of, group, the indices of the block
        # ahead (a tie: several), behind by).
        self.awards: dict[int, list[tuple[int, int, int, str, tuple[int, ...], Decimal | None]]] = {}

    def placing(self, rules: Rules, index: int, candidate: str, groups: tuple[GroupValue, ...],
                names: Mapping[int, str]) -> Placing:
        group = groups[0] if rules.groups else None
        cut = None
        if self.cut_at[index] >= 0:
            model = rules.model.cuts[self.cut_at[index]]
            cut_group = groups[rules.groups.index(model.within)]
            cut = CutOutcome(model.stage, self.cut_rank[index], self.cut_of[(self.cut_at[index], cut_group or "")],
                             cut_group, model.top)
        awards = tuple(
            AwardOutcome(rules.model.awards[number].decl.name, rank, of, name or None,
                         min(names[i] for i in ahead) if ahead else None, gap)  # of a tie, the first id
            for number, rank, of, name, ahead, gap in self.awards[index]) if index in self.awards else ()
        rank = self.rank[index] or None
        return Placing(candidate, group, rank, self.ranked_of[group or ""] if rank else None,
                       bool(self.nominated[index]), bool(self.tied[index]), cut, awards)


# ------------------------------------------------------------------ conveniences


def place(rules: Rules, entries: Iterable[Entry]) -> list[Placing]:
    """A placing for every entry, in their order (for batches held in memory anyway)."""
    funnel = Funnel(rules)
    try:
        for item in entries:
            funnel.add(item)
        return list(funnel.placings())
    finally:
        funnel.close()


def result_entry(rules: Rules, result: Any) -> Entry:
    """What the funnel needs of a scored `Result`: its entry as `entries_of` makes it, read from the result's steps.

    Only what the funnel reads is converted: the points it ranks by, each advance rule's decision, and the inputs
    and lets its groups and placing conditions read (none, when it has neither). A candidate scored at an earlier
    stage lacks some points: it is not ranked."""
    program, places = result.program, rules.model.rounding_places
    values: Mapping[str, Any] = {}
    if rules.conditions or any(name is not None for name in rules.groups):
        values = {**(environment(result.inputs) if program.panels else result.inputs),
                  **dict(zip([step.name for step in program.lets], result.entries[program.layout.lets], strict=True))}
    scored = result.points
    ranking = rules.model.ranking
    points = {key: [_whole(scored[key], places)] for key in (ranking.keys if ranking is not None else ())
              if key in scored}
    stages = {step.name: ([advanced], [None if total is None else _whole(total, places)])
              for step, (advanced, total) in zip(program.stages, result.entries[program.layout.stages], strict=True)}
    qualifies = tuple(bool(condition(values)) if condition is not None else True for condition in rules.conditions)
    return entries_of(rules, [result.candidate_id], [result.status], [_whole(result.total, places)], points, stages,
                      [tuple(rules.group_of(name, values) for name in rules.groups)], [qualifies])[0]


def place_results(rules: Rules, results: Sequence[Any]) -> list[Placing]:
    """Placings of scored results (`Result` objects), in their order."""
    return place(rules, (result_entry(rules, r) for r in results))


def describe(rules: Rules) -> str:
    """The funnel in words, for reports."""
    parts = []
    for cut in rules.model.cuts:
        parts.append(f"after {cut.stage} the best {cut.top}" + (f" of each {cut.within}" if cut.within else "")
                     + " go on" + (" (ties at the cut stay out)" if cut.ties == "excluded" else ""))
    ranking = rules.model.ranking
    if ranking is not None:
        words = "ranked by " + ", then ".join(ranking.keys)
        if ranking.within:
            words += f" within each {ranking.within}"
        if ranking.nominate is not None:
            words += f"; the top {plain(ranking.nominate)} nominated"
        parts.append(words)
    for award in rules.model.awards:
        places = f"rank {award.first}" if award.first == award.last else (
            f"the top {award.last}" if award.first == 1 else f"ranks {award.first} to {award.last}")
        parts.append(f"{award.decl.name} to {places}" + (f" of each {award.decl.within}" if award.decl.within
                                                          else ""))
    return "; ".join(parts)
