"""Replay streams: what grows with a ledger goes to disk, so memory stays flat in its length, and what replay finds
does not depend on where it keeps what it gathers.

Every store of replay's that grows with the ledger (the chain's links, each record's report, the placings, the
funnel's entries) is a `Spill`. Here each holds a few records, far fewer than the ledgers replayed, so that all of
them go through the disk: the memory replay holds once it has read every line must then be the same for a ledger
four times longer, and tampering must be found exactly as with the usual thresholds. Nothing here is timed.
"""

from __future__ import annotations

import gc
import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from paritrana_rules.audit import replay as replaying
from paritrana_rules.audit.ledger import Chain, Link, check_links
from paritrana_rules.audit.records import content_hash
from paritrana_rules.canonical import canonical
from paritrana_rules.cli import main
from paritrana_rules.rank import spill

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
KABKOTA = RUBRICS / "2024/kabupaten-kota.rubric"  # ranks within provinces and nominates
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

HELD = 8  # records each store holds in memory, in these tests
SMALL, LARGE = 200, 800  # candidates


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("streaming")
    return {count: scored(folder, count) for count in (SMALL, LARGE)}


def scored(folder: Path, count: int) -> Path:
    """A ledger of `count` synthetic regencies and cities, as `score --audit` writes it."""
    data, ledger = folder / f"{count}.csv", folder / f"{count}.jsonl"
    synth.write(KABKOTA, data, count, seed=11)
    assert main(["score", str(KABKOTA), str(data), "--format", "csv", "--output", str(folder / f"{count}.out.csv"),
                 "--audit", str(ledger)]) == 0
    return ledger


@pytest.fixture
def few_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every store replay keeps, and the funnel's, holds `HELD` records in memory before going to disk."""
    monkeypatch.setattr(spill, "CHUNK", HELD)
    monkeypatch.setattr(replaying, "HELD", HELD)


def line_count(ledger: Path) -> int:
    return ledger.read_bytes().count(b"\n")


# ------------------------------------------------------------------ memory


def held_once_read(ledger: Path) -> int:
    """The bytes replay holds (garbage collected) at the moment it has read every line of the ledger, before the
    checks across records: everything it gathered along the way is still there."""
    held: list[int] = []
    report = replaying._Pass.report

    def measured(self: Any, *args: Any) -> Any:
        gc.collect()
        held.append(tracemalloc.get_traced_memory()[0])
        return report(self, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(replaying._Pass, "report", measured)
        tracemalloc.start()
        try:
            assert replaying.replay(ledger, [RUBRICS]).ok
        finally:
            tracemalloc.stop()
    return held[0]


def test_what_replay_holds_does_not_grow_with_the_ledger(ledgers: dict[int, Path], few_held: None) -> None:
    small, large = held_once_read(ledgers[SMALL]), held_once_read(ledgers[LARGE])
    more_lines = line_count(ledgers[LARGE]) - line_count(ledgers[SMALL])
    bound = 64 * 1024
    assert more_lines * 200 > 3 * bound  # keeping 200 bytes a line (less than a chain link) would go far past it
    assert large - small < bound, f"{SMALL} candidates: {small:,} bytes held; {LARGE}: {large:,}"


def test_past_the_threshold_every_store_is_on_disk_and_reads_back_in_order(ledgers: dict[int, Path],
                                                                          few_held: None) -> None:
    report = replaying.replay(ledgers[SMALL], [RUBRICS])
    records = line_count(ledgers[SMALL]) - 1  # all but the seal
    assert report.ok and report.verified == len(report.records) == records
    assert report.records.stored.chunks >= records // HELD - 1
    assert [r.line for r in report.records] == list(range(1, records + 1))
    kinds = [r.kind for r in report.records]
    assert kinds[0] == "rubric" and kinds[-1] == "ranking" and kinds.count("placing") == kinds.count("scored")


# ------------------------------------------------------------------ tampering past the threshold


Lines = list[bytes]


def documents(lines: Lines) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


def rechained(records: list[dict[str, Any]]) -> Lines:
    """What a forger with the engine does after an edit: every hash, link and the seal made again."""
    head = None
    for record in records:
        if record["kind"] == "seal":
            record.update(prev=head, head=head, count=len(records) - 1)
            record.pop("sha256")
            record["sha256"] = content_hash(record)
        else:
            record["prev"] = head
            record["sha256"] = head = content_hash(record)
    return [canonical(record) + b"\n" for record in records]


def scored_lines(lines: Lines) -> list[int]:
    return [n for n, line in enumerate(lines) if b'"kind":"scored"' in line]


def edit_a_total(lines: Lines) -> Lines:
    at = scored_lines(lines)[len(scored_lines(lines)) // 2]
    record = json.loads(lines[at])
    record["result"]["total"] = "99.99"
    return [*lines[:at], canonical(record) + b"\n", *lines[at + 1:]]


def repeat_an_early_record_late(lines: Lines) -> Lines:
    early, late = scored_lines(lines)[3], scored_lines(lines)[-3]
    return [*lines[:late], lines[early], *lines[late:]]


def swap_records_far_apart(lines: Lines) -> Lines:
    first, second = scored_lines(lines)[5], scored_lines(lines)[-5]
    swapped = list(lines)
    swapped[first], swapped[second] = lines[second], lines[first]
    return swapped


def delete_a_record(lines: Lines) -> Lines:
    at = scored_lines(lines)[len(scored_lines(lines)) // 3]
    return [*lines[:at], *lines[at + 1:]]


def forge_a_placing(lines: Lines) -> Lines:
    records = documents(lines)
    placing = next(r for r in reversed(records) if r["kind"] == "placing" and r["placing"]["rank"])
    placing["placing"]["rank"] += 1
    return rechained(records)


def reorder_keys_of_a_line(lines: Lines) -> Lines:
    at = scored_lines(lines)[-10]
    record = json.loads(lines[at])
    written = json.dumps(dict(reversed(record.items())), ensure_ascii=False, separators=(",", ":")).encode()
    return [*lines[:at], written + b"\n", *lines[at + 1:]]


def cut_off(lines: Lines) -> Lines:
    whole = b"".join(lines)
    return [whole[: len(whole) * 2 // 3]]


def move_the_ranking_record(lines: Lines) -> Lines:
    """The ranking record elsewhere than second to last, where replay first looks for it: read twice."""
    ranking = next(n for n, line in enumerate(lines) if b'"kind":"ranking"' in line)
    moved = [line for n, line in enumerate(lines) if n != ranking]
    return [*moved[:10], lines[ranking], *moved[10:]]


TAMPERING: dict[str, tuple[Callable[[Lines], Lines], str]] = {
    "edited": (edit_a_total, "edited"),
    "duplicated": (repeat_an_early_record_late, "duplicated"),
    "reordered": (swap_records_far_apart, "reordered"),
    "deleted": (delete_a_record, "deleted"),
    "forged placing": (forge_a_placing, "ranking"),
    "not canonical": (reorder_keys_of_a_line, "not-canonical"),
    "cut off": (cut_off, "truncated"),
    "ranking moved": (move_the_ranking_record, "reordered"),
}


def findings(ledger: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], Any]:
    """Everything a replay says: each finding, each record's report, and the first divergence."""
    report = replaying.replay(ledger, [RUBRICS])
    return ([(f.kind, f.line, f.candidate, f.severity, f.message) for f in report.findings],
            [(r.line, r.candidate, r.kind, r.findings) for r in report.records], report.first_divergence)


@pytest.fixture
def tampered(ledgers: dict[int, Path], tmp_path: Path) -> Callable[[str], Path]:
    """The small ledger, tampered with as TAMPERING names."""
    def make(name: str) -> Path:
        change, _ = TAMPERING[name]
        path = tmp_path / "tampered.jsonl"
        path.write_bytes(b"".join(change(ledgers[SMALL].read_bytes().splitlines(keepends=True))))
        return path
    return make


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_tampering_past_the_threshold_is_found_as_in_memory(name: str, tampered: Callable[[str], Path]) -> None:
    ledger = tampered(name)
    as_usual = findings(ledger)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spill, "CHUNK", HELD)
        patch.setattr(replaying, "HELD", HELD)
        on_disk = findings(ledger)
    assert on_disk == as_usual
    found, reports, _ = on_disk
    kind = TAMPERING[name][1]
    assert any(f[0] == kind and f[3] == "error" for f in found)
    lines = {f[1] for f in found if f[0] == kind and f[1] is not None}
    assert all(any(g.kind == kind for g in r[3]) for r in reports if r[0] in lines)  # on the record's report too


def chained(count: int) -> list[Link]:
    """The links of `count` records as a ledger writes them: each names the one before."""
    return [Link(n, "scored", f"{n:064x}", f"{n:064x}", f"{n - 1:064x}" if n > 1 else None, f"c{n}")
            for n in range(1, count + 1)]


def sealed(records: list[Link]) -> list[Link]:
    """Numbered as they stand, and sealed on the record the chain ends with (the last with a number of its own)."""
    numbered = [link._replace(line=n) for n, link in enumerate(records, start=1)]
    head = max(records, key=lambda link: link.line).digest
    return [*numbered, Link(len(records) + 1, "seal", "s", "s", head, None, len(records), head)]


def chain_findings(links: list[Link]) -> list[tuple[str, int | None]]:
    found: list[Any] = []
    check_links(links, found)
    return [(f.kind, f.line) for f in found]


def test_the_chain_on_disk_finds_records_repeated_or_moved_far_apart(few_held: None) -> None:
    links = chained(99)
    assert chain_findings(sealed(links)) == []
    assert chain_findings(sealed([*links, links[4]])) == [("duplicated", 100)]
    moved = sealed([*links[:10], links[60], *links[11:60], links[10], *links[61:]])
    assert chain_findings(moved) == [("reordered", 11), ("reordered", 12), ("reordered", 61), ("reordered", 62)]
    assert chain_findings(sealed([*links[:40], *links[41:]])) == [("deleted", 41)]


def test_an_intact_chain_is_not_followed_again() -> None:
    """A ledger as written (each record matching its hash and naming the one before) needs no second look."""
    chain = Chain(HELD)
    try:
        for link in chained(49):
            chain.add(link)
        assert chain.intact
        chain.add(Link(50, "scored", "not its hash", f"{50:064x}", f"{49:064x}", "c50"))
        assert not chain.intact
    finally:
        chain.close()


def test_several_processes_find_the_same(tampered: Callable[[str], Path], few_held: None) -> None:
    ledger = tampered("duplicated")
    one = replaying.replay(ledger, [RUBRICS], jobs=1)
    two = replaying.replay(ledger, [RUBRICS], jobs=2)
    assert one.findings == two.findings and one.first_divergence == two.first_divergence
    assert list(one.records) == list(two.records)
