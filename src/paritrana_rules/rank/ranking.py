"""Ranking and nomination: scored candidates -> placings, as the rubric's `rank` declaration says.

Eligible candidates are ordered within their group (the value of the `within`
input) by the keys, highest first: the total, then the criteria named to break
ties. Candidates whose keys are all equal share a rank (1, 1, 3): a tie nothing
breaks is never settled by an arbitrary order. The top N of each group are
nominated; when a shared rank straddles the cut, all who share it are nominated
and marked as tied, for the committee to decide. Disqualified candidates are
not ranked.

Placings are computed from what a result records (total, criteria points and
the group input), so replay can recompute them from an audit ledger alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from paritrana_rules.language import ast
from paritrana_rules.numeric import plain


@attrs.frozen
class Entry:
    """What ranking needs of one scored candidate."""

    candidate: str
    eligible: bool
    group: str | None
    keys: tuple[Decimal, ...]


@attrs.frozen
class Placing:
    candidate: str
    group: str | None
    rank: int | None  # None: not ranked (disqualified)
    nominated: bool
    tied: bool  # shares its rank with another candidate of its group

    def to_dict(self) -> dict[str, Any]:
        return {"candidate": self.candidate, "group": self.group, "rank": self.rank, "nominated": self.nominated,
                "tied": self.tied}


def entry(ranking: ast.RankingDecl, candidate: str, status: str, total: Decimal,
          points: Mapping[str, Decimal], inputs: Mapping[str, Any]) -> Entry:
    """What ranking needs of a scored candidate; one scored at an earlier stage (a key not scored yet) is not ranked."""
    group = inputs.get(ranking.within) if ranking.within else None
    group_text = str(group) if group is not None else None
    if any(key != "total" and key not in points for key in ranking.keys):
        return Entry(candidate, False, group_text, ())
    keys = tuple(total if key == "total" else points[key] for key in ranking.keys)
    return Entry(candidate, status == "eligible", group_text, keys)


def place_results(ranking: ast.RankingDecl, results: Sequence[Any]) -> list[Placing]:
    """Placings of scored results (`Result` objects), in their order."""
    return place(ranking, [entry(ranking, r.candidate_id, r.status, r.total, {c.name: c.points for c in r.criteria},
                                 r.inputs) for r in results])


def place(ranking: ast.RankingDecl, entries: Sequence[Entry]) -> list[Placing]:
    """A placing for every entry, in the entries' order."""
    placings: dict[int, Placing] = {}
    groups: dict[str | None, list[int]] = {}
    for index, item in enumerate(entries):
        if item.eligible:
            groups.setdefault(item.group, []).append(index)
        else:
            placings[index] = Placing(item.candidate, item.group, None, False, False)
    top = int(ranking.nominate) if ranking.nominate is not None else None
    for members in groups.values():
        ordered = sorted(members, key=lambda i: entries[i].keys, reverse=True)
        higher = 0  # competition ranking: a candidate's rank is 1 + how many have strictly higher keys
        for _, tied in itertools.groupby(ordered, key=lambda i: entries[i].keys):
            sharing = list(tied)
            for index in sharing:
                placings[index] = Placing(entries[index].candidate, entries[index].group, higher + 1,
                                          top is not None and higher + 1 <= top, len(sharing) > 1)
            higher += len(sharing)
    return [placings[i] for i in range(len(entries))]


def describe(ranking: ast.RankingDecl) -> str:
    """The rule in words, for reports."""
    words = "by " + ", then ".join(ranking.keys)
    if ranking.within:
        words += f" within each {ranking.within}"
    if ranking.nominate is not None:
        words += f"; the top {plain(ranking.nominate)} nominated"
    return words
