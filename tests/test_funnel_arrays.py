"""The funnel's passes on arrays (`rank.arrays`) against its sorts on disk: the same placings, always.

Entries are generated with few distinct numbers and groups, so that ties at
every edge (a cut, a nomination, a placing's first and last rank) are common;
the rubrics are the bundled ones that cut, rank and place, and the test
module's own with both tie rules.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.rank import ranking, spill
from paritrana_rules.rank.ranking import Entry, Funnel, Placing, Rules

from .test_funnel import TEXT

pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ["rubrics/2024/kabupaten-kota.rubric", "rubrics/2025/kabupaten-kota-nasional.rubric",
           "rubrics/2024/perusahaan-besar.rubric"]
TIES = [("included", "included"), ("excluded", "excluded"), ("included", "excluded")]


@functools.cache
def rules_of(name: str) -> Rules:
    if name.startswith("rubrics/"):
        return Rules(pr.load(ROOT / name).model)
    cut, award = name.split("/")
    return Rules(pr.loads(TEXT.format(cut=cut, award=award), "funnel.rubric").model)


def decided(rules: Rules, entries: list[Entry], *, on_arrays: bool) -> list[Placing]:
    funnel = Funnel(rules)
    funnel.on_arrays = on_arrays
    try:
        funnel.add_all(entries)
        return list(funnel.placings())
    finally:
        funnel.close()


@st.composite
def entries_for(draw: Any, rules: Rules) -> list[Entry]:
    model = rules.model
    width = len(model.ranking.keys) if model.ranking is not None else 0
    number = st.integers(-3, 6) | st.sampled_from([10**15, -(10**15)])
    group = st.sampled_from(["a", "b", "", None, "zona-timur"])
    count = draw(st.integers(0, 40))
    made = []
    for index in range(count):
        eligible = draw(st.booleans()) if width else False
        made.append(Entry(
            f"c{draw(st.integers(0, 5))}-{index}", eligible,
            tuple(draw(number) for _ in range(width)) if eligible else (),
            tuple(draw(group) for _ in rules.groups),
            tuple(draw(st.none() | number) for _ in model.cuts),
            tuple(draw(st.booleans()) for _ in model.awards)))
    return made


NAMES = [*BUNDLED, *(f"{cut}/{award}" for cut, award in TIES)]


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_the_passes_on_arrays_place_as_the_sorts_on_disk(name: str, data: Any) -> None:
    rules = rules_of(name)
    entries = data.draw(entries_for(rules))
    assert decided(rules, entries, on_arrays=True) == decided(rules, entries, on_arrays=False)


def many_entries(rules: Rules, count: int) -> list[Entry]:
    """Entries with few distinct numbers and groups (many tied), each group met first in a different run."""
    model = rules.model
    width = len(model.ranking.keys) if model.ranking is not None else 0
    return [Entry(f"c{(index * 7919) % 3_000:05}", index % 7 != 0 and width > 0,
                  tuple((index * 31 + k) % (400 if k == 0 else 3) for k in range(width)) if index % 7 != 0 and width
                  else (),
                  tuple(("a", "b", None)[(index + g) % 3] for g in range(len(rules.groups))),
                  tuple(None if index % 5 == 0 else index % 11 for _ in model.cuts),
                  tuple((index + a) % 3 != 0 for a in range(len(model.awards))))
            for index in range(count)]


@pytest.mark.parametrize("name", NAMES)
def test_entries_read_in_several_batches_and_spilled_place_the_same(name: str, monkeypatch: pytest.MonkeyPatch
                                                                     ) -> None:
    """Past a run of columns, the runs held in memory and a chunk of the spill: thousands of entries, many tied."""
    monkeypatch.setattr(ranking, "RUN", 97)
    monkeypatch.setattr(spill, "CHUNK", 101)
    rules = rules_of(name)
    entries = many_entries(rules, 3_000)
    assert decided(rules, entries, on_arrays=True) == decided(rules, entries, on_arrays=False)


@pytest.mark.parametrize("name", NAMES)
def test_runs_kept_as_columns_and_one_kept_as_entries_are_sorted_on_disk_alike(name: str,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A run with a number past what columns hold stays as entries; the others, kept as columns, are read back as
    the entries they were for the sorts on disk."""
    monkeypatch.setattr(ranking, "RUN", 97)
    rules = rules_of(name)
    entries = many_entries(rules, 1_000)
    entries[500] = entries[500]._replace(cut_totals=(10**30,) * len(entries[500].cut_totals),
                                         keys=(10**30,) * len(entries[500].keys))
    assert decided(rules, entries, on_arrays=True) == decided(rules, entries, on_arrays=False)


def test_a_number_past_what_the_arrays_hold_is_sorted_on_disk() -> None:
    rules = rules_of("rubrics/2024/perusahaan-besar.rubric")
    width = len(rules.model.ranking.keys) if rules.model.ranking is not None else 0
    huge = Entry("huge", True, (10**30,) * width, ("jawa_timur",) * len(rules.groups), (),
                 (True,) * len(rules.model.awards))
    small = huge._replace(candidate="small", keys=(1,) * width)
    placed = decided(rules, [small, huge], on_arrays=True)
    assert [p.rank for p in placed] == [2, 1]
    assert placed == decided(rules, [small, huge], on_arrays=False)
