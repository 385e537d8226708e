"""The funnel to the prize: cuts at a stage, ranks, placings per group (a zone made from the province), ties at
each end, order independence, spilling to disk, and replay catching forged cuts and placings."""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.canonical import canonical
from paritrana_rules.cli import main
from paritrana_rules.errors import InputError
from paritrana_rules.rank import spill
from paritrana_rules.batch.cells import CsvLines, spreadsheet_text
from paritrana_rules.batch.rows import rank_cells
from paritrana_rules.batch.run import RankText
from paritrana_rules.explain.funnel import FunnelWords
from paritrana_rules.rank.ranking import CutOutcome, Entry, Placing, Rules, place, place_results, result_entry

from .test_ledger_trust import rechain

ROOT = Path(__file__).resolve().parents[1]

TEXT = """rubric "Paritrana Award" edition 2024 period 2023
category pemerintah_desa
label id "Pemerintah Desa" en "Village Government"
scale 0 to 100
rounding half_up to 2 places

stage penilaian
    label id "Penilaian dokumen" en "Desk assessment"
    advance top 2 within zona ties {cut}

stage wawancara
    label id "Wawancara" en "Interview"

input provinsi: one of {{
        jawa_timur label id "Jawa Timur" en "East Java" alias "Jatim",
        bali label id "Bali" en "Bali",
        papua label id "Papua" en "Papua",
        maluku label id "Maluku" en "Maluku"
    }}
    label id "Provinsi" en "Province"
input nilai_dokumen: number
    between 0 and 100
    label id "Nilai dokumen" en "Document score"
input nilai_pemahaman: number
    between 0 and 100
    from stage wawancara
    label id "Nilai pemahaman" en "Understanding"

criterion dokumen weight 50%
    label id "Dokumen" en "Documents"
    points nilai_dokumen
criterion pemahaman weight 50%
    label id "Pemahaman" en "Understanding"
    points nilai_pemahaman

group zona by provinsi
    part barat: {{jawa_timur, bali}} label id "Zona Barat" en "West zone"
    part timur: {{papua, maluku}} label id "Zona Timur" en "East zone"

rank candidates by total
    within zona
    nominate top 1

award terbaik to top 1 within zona ties {award}
    label id "Terbaik" en "Best"

award harapan to ranks 2 to 3 within zona
    label id "Harapan" en "Runner-up"
"""

Row = tuple[str, str, int, int]  # id, provinsi, nilai_dokumen, nilai_pemahaman


@functools.cache
def rubric(cut: str = "included", award: str = "included") -> pr.CompiledRubric:
    return pr.loads(TEXT.format(cut=cut, award=award), "funnel.rubric")


@functools.cache
def result(compiled: pr.CompiledRubric, row: Row) -> Any:
    who, provinsi, dokumen, pemahaman = row
    return compiled.evaluate({"provinsi": provinsi, "nilai_dokumen": dokumen, "nilai_pemahaman": pemahaman}, who,
                             trace=False)


def placings(rows: Sequence[Row], cut: str = "included", award: str = "included") -> dict[str, Placing]:
    compiled = rubric(cut, award)
    return {p.candidate: p for p in place_results(Rules(compiled.model), [result(compiled, r) for r in rows])}


def advancing(placed: dict[str, Placing]) -> set[str]:
    return {c for c, p in placed.items() if p.cut is None}


# ------------------------------------------------------------------ ties at either end


# In the west zone a leads at the desk assessment (50 + 0); b and c share the second place (40): the cut of 2 falls
# inside their tie. The east zone has one candidate, fewer than the cut and the placing take.
AT_THE_CUT: list[Row] = [("a", "jawa_timur", 100, 0), ("b", "bali", 80, 60), ("c", "Jatim", 80, 30),
                         ("d", "papua", 10, 10)]


def test_ties_at_the_cut_all_go_on_when_included() -> None:
    placed = placings(AT_THE_CUT, cut="included")
    assert advancing(placed) == {"a", "b", "c", "d"}
    assert (placed["a"].rank, placed["b"].rank, placed["c"].rank) == (3, 1, 2)  # ranked again by the final total
    assert placed["a"].of == 3


def test_ties_at_the_cut_none_go_on_when_excluded() -> None:
    placed = placings(AT_THE_CUT, cut="excluded")
    assert advancing(placed) == {"a", "d"}
    for name in "bc":
        cut = placed[name].cut
        assert cut is not None and (cut.stage, cut.rank, cut.of, cut.group, cut.top) == ("penilaian", 2, 3, "barat", 2)
        assert placed[name].rank is None and not placed[name].nominated and placed[name].awards == ()
    assert placed["a"].rank == 1 and placed["a"].of == 1 and placed["a"].nominated


# a and b share the best total of the west zone (40 + 25 = 65): the placing of 1 falls inside their tie.
AT_THE_PLACING: list[Row] = [("a", "jawa_timur", 80, 50), ("b", "bali", 50, 80), ("c", "bali", 40, 40),
                             ("d", "maluku", 30, 30)]


def test_ties_at_a_placing_share_it_when_included() -> None:
    placed = placings(AT_THE_PLACING, award="included")
    assert [a.award for a in placed["a"].awards] == [a.award for a in placed["b"].awards] == ["terbaik"]
    assert placed["a"].tied and placed["b"].tied and placed["a"].rank == placed["b"].rank == 1
    assert placed["a"].nominated and placed["b"].nominated  # a tie across the nomination goes on whole
    assert placed["c"].cut is not None  # third at the desk assessment


def test_behind_a_tie_the_candidate_ahead_is_the_first_by_id_whatever_the_order() -> None:
    rows: list[Row] = [("c", "bali", 80, 10), ("b", "bali", 80, 50), ("a", "jawa_timur", 80, 50)]
    for order in (rows, rows[::-1]):
        placed = placings(order)
        [runner_up] = placed["c"].awards  # rank 3: nobody is second after a tie for the first place
        assert (runner_up.award, runner_up.rank, runner_up.ahead, runner_up.behind_by) == (
            "harapan", 3, "a", Decimal(20))


def test_ties_at_a_placing_leave_it_unawarded_when_excluded() -> None:
    placed = placings(AT_THE_PLACING, award="excluded")
    assert placed["a"].awards == placed["b"].awards == ()
    assert [a.award for a in placed["d"].awards] == ["terbaik"]  # the other zone is not affected


def test_a_group_with_fewer_candidates_than_the_quota() -> None:
    placed = placings(AT_THE_CUT, cut="excluded")
    d = placed["d"]
    assert d.cut is None and d.group == "timur" and (d.rank, d.of) == (1, 1) and d.nominated
    [award] = d.awards
    assert (award.award, award.rank, award.of, award.group, award.ahead, award.behind_by) == (
        "terbaik", 1, 1, "timur", None, None)


# ------------------------------------------------------------------ the zone comes from the province


def test_the_zone_is_derived_from_the_province_and_an_alias_is_accepted() -> None:
    placed = placings([("a", "Jatim", 50, 50), ("b", "JAWA-TIMUR", 40, 40), ("c", "Maluku", 90, 90)])
    assert {c: p.group for c, p in placed.items()} == {"a": "barat", "b": "barat", "c": "timur"}
    assert result(rubric(), ("a", "Jatim", 50, 50)).inputs["provinsi"] == "jawa_timur"


def test_a_misspelt_province_is_rejected_with_a_hint() -> None:
    with pytest.raises(InputError) as raised:
        rubric().evaluate({"provinsi": "Jawa Timor", "nilai_dokumen": 1, "nilai_pemahaman": 1}, "x")
    [problem] = raised.value.problems
    assert problem.field == "provinsi" and problem.hint == "did you mean 'jawa_timur'?"


def test_the_zone_cannot_be_typed_in_the_data(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        rubric().evaluate({"provinsi": "bali", "nilai_dokumen": 1, "nilai_pemahaman": 1, "zona": "timur"}, "x")
    assert [p.field for p in raised.value.problems] == ["zona"]
    data = tmp_path / "c.csv"
    data.write_text("id,provinsi,zona,nilai_dokumen,nilai_pemahaman\nx,bali,timur,1,1\n", encoding="utf-8")
    candidates, rejected = pr.load_candidates(data, rubric().input_specs)
    assert candidates == [] and [p.field for r in rejected for p in r.problems] == ["zona"]


# ------------------------------------------------------------------ properties

PROVINCES = ["jawa_timur", "bali", "papua", "maluku"]
rows_strategy = st.lists(st.tuples(st.sampled_from(PROVINCES), st.integers(0, 4).map(lambda n: n * 25),
                                   st.integers(0, 2).map(lambda n: n * 50)), min_size=1, max_size=12)
ties = st.sampled_from(["included", "excluded"])


def numbered(raw: list[tuple[str, int, int]]) -> list[Row]:
    return [(f"k{n:02d}", p, d, w) for n, (p, d, w) in enumerate(raw)]


def decided(placed: dict[str, Placing]) -> dict[str, Any]:
    return {c: p.to_dict() for c, p in placed.items()}


@given(rows_strategy, st.randoms(use_true_random=False), ties, ties)
def test_reordering_rows_never_changes_a_rank_cut_or_placing(raw: list[tuple[str, int, int]], rng: Any, cut: str,
                                                              award: str) -> None:
    rows = numbered(raw)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    assert decided(placings(shuffled, cut, award)) == decided(placings(rows, cut, award))


@given(rows_strategy, st.sampled_from(PROVINCES), ties)
def test_a_candidate_below_the_cut_never_changes_who_advances(raw: list[tuple[str, int, int]], provinsi: str,
                                                                cut: str) -> None:
    rows = numbered(raw)
    zone = {"jawa_timur": "barat", "bali": "barat"}.get(provinsi, "timur")
    before = placings(rows, cut)
    rivals = [r for r in rows if before[r[0]].group == zone]
    going_on = [r for r in rivals if before[r[0]].cut is None]
    if len(rivals) < 2 or min(r[2] for r in rivals) == 0 or not going_on:
        return  # no room below the cut in this zone
    low = ("new", provinsi, min(r[2] for r in rivals) - 1, 100)
    after = placings([*rows, low], cut)
    assert advancing(after) - {"new"} == advancing(before) and "new" not in advancing(after)


# ------------------------------------------------------------------ spilling to disk


def test_the_funnel_past_a_chunk_places_as_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = numbered([(PROVINCES[n % 4], (n * 37) % 101, (n * 11) % 3 * 50) for n in range(40)])
    compiled = rubric("included", "included")
    rules = Rules(compiled.model)
    entries: list[Entry] = [result_entry(rules, result(compiled, r)) for r in rows]
    in_memory = [p.to_dict() for p in place(rules, entries)]
    monkeypatch.setattr(spill, "CHUNK", 7)
    assert len(entries) > spill.CHUNK
    spilled = [p.to_dict() for p in place(rules, entries)]
    assert spilled == in_memory
    assert any(p["cut"] for p in spilled) and any(p["awards"] for p in spilled)


# ------------------------------------------------------------------ replay


@pytest.fixture
def ledger(tmp_path: Path) -> tuple[Path, Path]:
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    path = rubrics / "funnel.rubric"
    path.write_text(TEXT.format(cut="excluded", award="included"), encoding="utf-8")
    data = tmp_path / "c.csv"
    with data.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "provinsi", "nilai_dokumen", "nilai_pemahaman"])
        writer.writerows(AT_THE_CUT)
    out = tmp_path / "ledger.jsonl"
    assert main(["score", str(path), str(data), "--format", "csv", "--output", str(tmp_path / "s.csv"), "--audit",
                 str(out)]) == 0
    assert pr.replay(out, [rubrics]).ok
    return out, rubrics


def forged(path: Path, change: Any) -> list[str]:
    documents = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    change(documents)
    rechain(documents)
    path.write_bytes(b"".join(canonical(d) + b"\n" for d in documents))
    return documents


def placing_of(documents: list[dict[str, Any]], who: str) -> dict[str, Any]:
    return next(d["placing"] for d in documents if d["kind"] == "placing" and d["placing"]["candidate"] == who)


def test_the_ledger_records_each_placing_and_the_decisions(ledger: tuple[Path, Path]) -> None:
    documents = [json.loads(line) for line in ledger[0].read_text(encoding="utf-8").splitlines()]
    assert [d["kind"] for d in documents][-6:] == ["placing"] * 4 + ["ranking", "seal"]
    ranking = documents[-2]
    assert ranking["placings"] == 4 and ranking["nominated"] == ["a", "d"]
    assert ranking["awarded"] == [{"award": "terbaik", "candidate": "a", "group": "barat"},
                                  {"award": "terbaik", "candidate": "d", "group": "timur"}]
    assert ranking["rule"]["cuts"] == [{"stage": "penilaian", "top": 2, "within": "zona", "ties": "excluded"}]


def errors(report: pr.ReplayReport) -> list[tuple[str, str | None]]:
    return [(f.kind, f.candidate) for f in report.findings if f.severity == "error"]


def test_replay_finds_a_forged_cut(ledger: tuple[Path, Path]) -> None:
    def advance_b(documents: list[dict[str, Any]]) -> None:
        placing_of(documents, "b")["cut"] = None  # b is let through the desk assessment
    forged(ledger[0], advance_b)
    assert errors(pr.replay(ledger[0], [ledger[1]])) == [("ranking", "b")]


def test_replay_finds_a_forged_placing(ledger: tuple[Path, Path]) -> None:
    def give_c_a_placing(documents: list[dict[str, Any]]) -> None:
        placing = placing_of(documents, "c")
        placing["awards"] = [{**placing_of(documents, "a")["awards"][0], "behind_by": None}]
        next(d for d in documents if d["kind"] == "ranking")["awarded"].insert(
            1, {"award": "terbaik", "candidate": "c", "group": "barat"})
    forged(ledger[0], give_c_a_placing)
    assert errors(pr.replay(ledger[0], [ledger[1]])) == [("ranking", "c")]


def test_replay_finds_a_ranking_record_that_does_not_sum_up_its_placings(ledger: tuple[Path, Path]) -> None:
    def nominate_b(documents: list[dict[str, Any]]) -> None:
        next(d for d in documents if d["kind"] == "ranking")["nominated"].append("b")
    forged(ledger[0], nominate_b)
    assert errors(pr.replay(ledger[0], [ledger[1]])) == [("ranking", None)]


KABKOTA = ROOT / "rubrics/2024/kabupaten-kota.rubric"
NATIONAL = ROOT / "rubrics/2024/kabupaten-kota-nasional.rubric"


def test_a_national_candidate_never_nominated_is_refused(tmp_path: Path) -> None:
    provincial = tmp_path / "provincial.jsonl"
    assert main(["score", str(KABKOTA), str(ROOT / "examples/2024/kabupaten-kota.yaml"), "--format", "csv",
                 "--output", str(tmp_path / "p.csv"), "--audit", str(provincial)]) == 0
    ranking = next(d for d in map(json.loads, provincial.read_text().splitlines()) if d["kind"] == "ranking")
    nominated = set(ranking["nominated"])
    out = tmp_path / "n.csv"
    assert main(["score", str(NATIONAL), str(ROOT / "examples/2024/kabupaten-kota-nasional.yaml"), "--format", "csv",
                 "--output", str(out), "--nominees", str(provincial)]) == 1
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert nominated and {r["id"] for r in rows if r["status"] != "rejected"} == nominated
    refused = [r for r in rows if r["status"] == "rejected"]
    assert refused and all("not nominated" in r["reasons"] for r in refused)
    assert all(Decimal(r["total"]) >= 0 for r in rows if r["status"] == "eligible")


@given(st.lists(st.lists(st.integers(), max_size=7), max_size=8), st.integers(min_value=1, max_value=5))
def test_a_spill_extended_holds_what_one_appended_to_holds(batches: list[list[int]], held: int) -> None:
    """Rows arrive a chunk at a time: `extend` must keep the records, their order and their count as `append`."""
    one, many = spill.Spill(held), spill.Spill(held)
    try:
        for batch in batches:
            for record in batch:
                one.append(record)
            many.extend(batch)
        assert list(one) == list(many) == [record for batch in batches for record in batch]
        assert len(one) == len(many) and one.chunks == many.chunks
    finally:
        one.close()
        many.close()


# Groups: the grouping's parts, none, any text, and text holding the digits `RankText` marks a number's place with.
_PLACED = st.tuples(st.one_of(st.sampled_from(["barat", None, "1000000000000000007"]), st.text(max_size=6)),
                    st.integers(1, 10**7),
                    st.booleans(), st.booleans(), st.sampled_from(["rank", "cut", None]), st.integers(1, 12))


@given(st.lists(_PLACED, min_size=1, max_size=4), st.sampled_from(["en", "id"]), st.booleans())
def test_a_number_put_into_its_groups_written_columns_is_those_columns_written(
        placed: list[tuple[str | None, int, bool, bool, str | None, int]], lang: str, raw: bool) -> None:
    """A ranked CSV's rank columns are written once per group with the rank (or the rank a cut ended the run at)
    left out (`RankText`): with the number put in, they are the rank columns written whole, whatever the group's
    label (commas, quotes, line breaks, a formula: a group that is no part of the grouping is shown as written),
    and whatever placings came before."""
    model = commas_in_labels().model
    words = FunnelWords(model, lang)
    ranks = RankText(words, lang, raw)
    for index, (group, number, tied, nominated, varies, of) in enumerate(placed):
        if varies == "cut":
            placing = Placing(f"k-{index}", group, None, None, False, False,
                              CutOutcome("penilaian", number, of, group, 2))
        else:
            placing = Placing(f"k-{index}", group, number if varies else None, of, nominated and bool(varies), tied)
        cells = rank_cells(words, placing, lang)
        assert ranks(placing) == CsvLines()(cells if raw else [spreadsheet_text(c) for c in cells])[:-1]


@functools.cache
def commas_in_labels() -> pr.CompiledRubric:
    return pr.loads(TEXT.format(cut="included", award="included").replace('en "West zone"', 'en "West zone, Java"'),
                    "commas.rubric")
