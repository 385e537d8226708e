"""The funnel's sorts on arrays (numpy, the `columnar` extra): each pass of `ranking.Funnel` as one sort.

A million entries sorted on disk and walked record by record take tens of
seconds in one process, once every row is scored and before any ranked row can
be written. Here the funnel keeps its entries as blocks of columns, made a run
at a time as they arrive (`Block`: numbers as 64-bit integers, groups as
codes); once every entry is in, the blocks are read once into one set of
columns, a few dozen bytes an entry while the passes run, and each pass (a
cut, the ranking, a placing) is one `numpy.lexsort` of the candidates it
takes, by group, then each key from the highest, then the entry's index: the
order the sorts of `ranking.Funnel` give. What a pass decides for every
candidate (a rank, a tie, a cut) is then written a column at a time; placings
are few, and each is decided as `ranking` decides it. The outcome is the same
as the sorts give (`tests/test_funnel_arrays.py` holds the two to each other);
a run with a number past 2^62 stays as entries, and the funnel sorts on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np

_LARGEST = 2**62  # numbers sorted here stay below it, so that their negations and differences fit 64 bits


class Block(NamedTuple):
    """A run of entries as columns, with their candidates: how the funnel keeps its entries, on disk past a few
    runs (a few dozen bytes an entry, read back without a step per entry). Groups are coded in the order first met:
    `names` gives, per grouping, each code's group (None for none)."""

    candidates: list[str]
    eligible: Any  # bool
    keys: Any  # int64, one column per ranking key (0 where the entry cannot be ranked)
    groups: Any  # int32 codes, one column per grouping the rules use
    names: list[list[Any]]
    cut_totals: Any  # int64, one column per cut (0 where out of the running)
    running: Any  # bool, one column per cut: in the running there
    qualifies: Any  # bool, one column per placing

    def entries(self) -> Iterator[tuple[Any, ...]]:
        """The entries again, as `ranking.Entry` tuples (the keys of one that cannot be ranked are zeros: they are
        never read)."""
        cut_totals = [[total if running else None for total, running in zip(totals, flags, strict=True)]
                      for totals, flags in zip(self.cut_totals.tolist(), self.running.tolist(), strict=True)]
        return zip(self.candidates, self.eligible.tolist(), map(tuple, self.keys.tolist()), self.grouped(),
                   map(tuple, cut_totals), map(tuple, self.qualifies.tolist()), strict=True)

    def grouped(self) -> list[tuple[Any, ...]]:
        """Each entry's groups, as its `ranking.Entry` holds them."""
        columns = [[names[code] for code in self.groups[:, column].tolist()] for column, names in enumerate(self.names)]
        return list(zip(*columns, strict=True)) if columns else [()] * len(self.candidates)


class Columns(NamedTuple):
    """The entries as columns, one row per entry in the order they were added."""

    eligible: Any  # bool
    keys: Any  # int64, one column per ranking key
    groups: Any  # int32 codes, one column per grouping the rules use
    names: list[list[str]]  # per grouping, each code's group name ("" for none), in sorted order
    cut_totals: Any  # int64, one column per cut (0 where out of the running)
    running: Any  # bool, one column per cut: in the running there
    qualifies: Any  # bool, one column per placing


class Sorted(NamedTuple):
    """The candidates a pass takes, best first within each group: entry indices, and for each its group code,
    the rank it shares (1 + how many of its group are strictly better), how many share it, where its block
    starts in this order, and how many its group has."""

    order: Any
    group: Any
    rank: Any
    shared: Any
    block_start: Any
    group_size: Any


def block_of(entries: Sequence[tuple[Any, ...]], keys: int, groups: int, cuts: int, awards: int) -> Block | None:
    """The entries (`ranking.Entry` tuples) as a block of `keys` ranking keys, `groups` groupings, `cuts` cuts and
    `awards` placings; None when a number does not fit (those entries are kept as they are, and sorted on disk)."""
    count = len(entries)
    if not count:
        return Block([], np.zeros(0, dtype=bool), np.zeros((0, keys), dtype=np.int64),
                     np.zeros((0, groups), dtype=np.int32), [[] for _ in range(groups)],
                     np.zeros((0, cuts), dtype=np.int64), np.zeros((0, cuts), dtype=bool),
                     np.zeros((0, awards), dtype=bool))
    candidates, chosen, ranked, grouped, totals, qualified = zip(*entries, strict=True)
    key_columns = np.zeros((count, keys), dtype=np.int64)
    if keys and not _fits(key_columns, [key if key else (0,) * keys for key in ranked]):
        return None
    cut_totals = np.zeros((count, cuts), dtype=np.int64)
    if cuts and not _fits(cut_totals, [[total or 0 for total in row] for row in totals]):
        return None
    group_codes = np.zeros((count, groups), dtype=np.int32)
    names = []
    for column, values in enumerate(zip(*grouped, strict=True)):
        known: dict[Any, int] = {}
        group_codes[:, column] = [known.setdefault(value, len(known)) for value in values]
        names.append(list(known))
    return Block(list(candidates), np.array(chosen, dtype=bool), key_columns, group_codes, names, cut_totals,
                 np.array([[total is not None for total in row] for row in totals], dtype=bool).reshape(count, cuts),
                 np.array(qualified, dtype=bool).reshape(count, awards))


def _fits(column: Any, numbers: list[Any]) -> bool:
    """The numbers put into the column, when they are all below `_LARGEST` in size."""
    try:
        column[:] = numbers
    except OverflowError:  # past 64 bits
        return False
    return not ((column >= _LARGEST) | (column <= -_LARGEST)).any()


def columns_of(blocks: Iterable[Block], count: int, keys: int, groups: int, cuts: int, awards: int) -> Columns:
    """The blocks' entries, `count` in all, as one set of columns, groups coded in the order their names sort in
    (no group is ""); each block is read once and let go."""
    eligible = np.zeros(count, dtype=bool)
    key_columns = np.zeros((count, keys), dtype=np.int64)
    group_codes = np.zeros((count, groups), dtype=np.int32)
    cut_totals = np.zeros((count, cuts), dtype=np.int64)
    running = np.zeros((count, cuts), dtype=bool)
    qualifies = np.zeros((count, awards), dtype=bool)
    codes: list[dict[str, int]] = [{} for _ in range(groups)]
    start = 0
    for block in blocks:
        end = start + len(block.candidates)
        eligible[start:end], key_columns[start:end], qualifies[start:end] = block.eligible, block.keys, block.qualifies
        cut_totals[start:end], running[start:end] = block.cut_totals, block.running
        for column, (known, names) in enumerate(zip(codes, block.names, strict=True)):
            remap = np.array([known.setdefault(name or "", len(known)) for name in names] or [0], dtype=np.int32)
            group_codes[start:end, column] = remap[block.groups[:, column]]
        start = end
    names = []
    for column, known in enumerate(codes):  # codes in the order the names sort in
        ordered = sorted(known)
        remap = np.zeros(max(len(known), 1), dtype=np.int32)
        remap[[known[name] for name in ordered]] = np.arange(len(ordered), dtype=np.int32)
        group_codes[:, column] = remap[group_codes[:, column]]
        names.append(ordered)
    return Columns(eligible, key_columns, group_codes, names, cut_totals, running, qualifies)


def sort(chosen: Any, group: Any, keys: Any) -> Sorted:
    """The chosen entries (a mask) sorted by group, then by each key from the highest, then by index; with the
    ranks they share within their groups (competition ranking: 1, 1, 3)."""
    index = np.flatnonzero(chosen)
    group, keys = group[index], keys[index]
    order = np.lexsort((index, *(-keys[:, k] for k in reversed(range(keys.shape[1]))), group))
    index, group, keys = index[order], group[order], keys[order]
    size = len(index)
    new_group = np.ones(size, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    new_block = new_group.copy()
    if keys.shape[1]:
        new_block[1:] |= (keys[1:] != keys[:-1]).any(axis=1)
    positions = np.arange(size)
    block_start = np.maximum.accumulate(np.where(new_block, positions, 0))
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    starts = np.flatnonzero(new_block)
    shared = np.diff(np.append(starts, size))[np.cumsum(new_block) - 1]
    group_starts = np.flatnonzero(new_group)
    group_size = np.diff(np.append(group_starts, size))[np.cumsum(new_group) - 1]
    return Sorted(index, group, block_start - group_start + 1, shared, block_start, group_size)


def placed(ranked: Sorted, first: int, last: int, ties: str) -> Any:
    """Which of them fall in ranks first..last: a block across an end goes with `ties included` and does not
    with `ties excluded` (`ranking._placed`, a column at a time)."""
    if ties == "included":
        return (first <= ranked.rank) & (ranked.rank <= last)
    return (first <= ranked.rank) & (ranked.rank + ranked.shared - 1 <= last)


def group_sizes(ranked: Sorted, names: list[str]) -> dict[str, int]:
    """How many each group has, by its name."""
    codes, at = np.unique(ranked.group, return_index=True)
    return {names[code]: int(size) for code, size in zip(codes.tolist(), ranked.group_size[at].tolist(),
                                                          strict=True)}


def placings_won(ranked: Sorted, won: Any, first_key: Any, places: int
                 ) -> list[tuple[int, int, int, int, tuple[int, ...], Decimal | None]]:
    """For each candidate that wins (a mask over `ranked`): its entry index, rank, group size, group code, the
    entries of the block just above it in its group, and by how much of the first key it is behind them."""
    made = []
    for at in np.flatnonzero(won).tolist():
        start = int(ranked.block_start[at])
        ahead: tuple[int, ...] = ()
        gap = None
        if start > 0 and ranked.group[start - 1] == ranked.group[at]:
            above = int(ranked.block_start[start - 1])
            ahead = tuple(ranked.order[above:start].tolist())
            gap = Decimal(int(first_key[ranked.order[above]] - first_key[ranked.order[at]])).scaleb(-places)
        made.append((int(ranked.order[at]), int(ranked.rank[at]), int(ranked.group_size[at]), int(ranked.group[at]),
                     ahead, gap))
    return made


def decide(rules: Any, blocks: Iterable[Block], count: int, decided: Any) -> None:
    """Every pass of `ranking.Funnel` over its entries, `count` in all (`rules` its `Rules`, `decided` its
    `_Decisions`, filled here)."""
    model, ranking = rules.model, rules.model.ranking
    columns = columns_of(blocks, count, *shape(rules))
    cut_at = np.frombuffer(decided.cut_at, dtype=np.intc)
    for number, cut in enumerate(model.cuts):
        column = rules.groups.index(cut.within)
        ranked = sort(columns.running[:, number] & (cut_at < 0), columns.groups[:, column],
                      columns.cut_totals[:, number:number + 1])
        decided.cut_of.update({(number, name): size for name, size in group_sizes(ranked, columns.names[column]
                                                                                   ).items()})
        out = ~placed(ranked, 1, cut.top, cut.ties)
        cut_at[ranked.order[out]] = number
        np.frombuffer(decided.cut_rank, dtype=np.int64)[ranked.order[out]] = ranked.rank[out]
    if ranking is None:
        return
    kept = columns.eligible & (cut_at < 0)
    ranked = sort(kept, columns.groups[:, 0], columns.keys)
    decided.ranked_of.update(group_sizes(ranked, columns.names[0]))
    top = int(ranking.nominate) if ranking.nominate is not None else 0
    np.frombuffer(decided.rank, dtype=np.int64)[ranked.order] = ranked.rank
    np.frombuffer(decided.tied, dtype=np.uint8)[ranked.order] = ranked.shared > 1
    np.frombuffer(decided.nominated, dtype=np.uint8)[ranked.order] = ranked.rank <= top
    for number, award in enumerate(model.awards):
        column = rules.groups.index(award.decl.within)
        ranked = sort(kept & columns.qualifies[:, number], columns.groups[:, column], columns.keys)
        won = placed(ranked, award.first, award.last, award.decl.ties)
        for index, rank, of, code, ahead, gap in placings_won(ranked, won, columns.keys[:, 0],
                                                              model.rounding_places):
            decided.awards.setdefault(index, []).append((number, rank, of, columns.names[column][code], ahead, gap))


def shape(rules: Any) -> tuple[int, int, int, int]:
    """How many ranking keys, groupings, cuts and placings an entry of the rules has."""
    model = rules.model
    return (len(model.ranking.keys) if model.ranking is not None else 0, len(rules.groups), len(model.cuts),
            len(model.awards))
