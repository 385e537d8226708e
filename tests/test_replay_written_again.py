"""Replay reads a line whole only when it must: a scored or placing record's line that its rubric writes again from
what it records, byte for byte, needs no other check. What replay finds must not depend on that shortcut: for every
tampering here, the findings, each record's report and the first divergence are those of reading every line whole,
and a line tampered with in the middle of a chunk is reported at its own line whatever the chunks and processes.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paritrana_rules.audit import ledger as ledgers
from paritrana_rules.audit import replay as replaying
from paritrana_rules.canonical import canonical
from paritrana_rules.cli import main

from .test_replay_streaming import rechained

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "rubrics/2024/perusahaan-besar.rubric"  # ranks within provinces and places three in each
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

Lines = list[bytes]
CANDIDATES = 60


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> Lines:
    """The lines of a ledger of synthetic large companies, as `score --audit` writes it."""
    folder = tmp_path_factory.mktemp("written-again")
    data, ledger = folder / "data.csv", folder / "ledger.jsonl"
    synth.write(RUBRIC, data, CANDIDATES, seed=5)
    assert main(["score", str(RUBRIC), str(data), "--format", "csv", "--output", str(folder / "out.csv"),
                 "--audit", str(ledger)]) == 0
    return ledger.read_bytes().splitlines(keepends=True)


def at_kind(lines: Lines, kind: str, share: float = 0.5) -> int:
    """The index of a record of that kind, `share` of the way through them."""
    found = [n for n, line in enumerate(lines) if f'"kind":"{kind}"'.encode() in line]
    return found[int(len(found) * share)]


def edited(lines: Lines, at: int, change: Callable[[dict[str, Any]], None], *, rechain: bool = False) -> Lines:
    """One record changed; with `rechain`, every hash, link and the seal made again, as a forger with the engine
    would."""
    records = [json.loads(line) for line in lines]
    change(records[at])
    if not rechain:
        return [*lines[:at], canonical(records[at]) + b"\n", *lines[at + 1:]]
    return rechained(records)


def setting(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        for key in path[:-1]:
            record = record[key]
        record[path[-1]] = value
    return change


def reordered_keys(lines: Lines, at: int) -> Lines:
    record = json.loads(lines[at])
    return [*lines[:at], json.dumps(dict(reversed(record.items())), ensure_ascii=False,
                                    separators=(",", ":")).encode() + b"\n", *lines[at + 1:]]


TAMPERING: dict[str, Callable[[Lines], Lines]] = {
    "a total": lambda lines: edited(lines, at_kind(lines, "scored"), setting("result", "total", value="99.99")),
    "a total, rechained": lambda lines: edited(lines, at_kind(lines, "scored"),
                                               setting("result", "total", value="99.99"), rechain=True),
    "an input, rechained": lambda lines: edited(lines, at_kind(lines, "scored"),
                                                setting("inputs", "jumlah_vendor", value="-5"), rechain=True),
    "the trace cut out": lambda lines: edited(lines, at_kind(lines, "scored"), lambda r: r.pop("trace")),
    "a context": lambda lines: edited(lines, at_kind(lines, "scored"),
                                      setting("context", "rubric_path", value="elsewhere.rubric")),
    "a link not a hash": lambda lines: edited(lines, at_kind(lines, "scored"), setting("prev", value='a","b')),
    "a name with quotes, rechained": lambda lines: edited(lines, at_kind(lines, "scored"),
                                                          setting("candidate", "name", value='PT "A",\\'),
                                                          rechain=True),
    "a scored record's keys": lambda lines: reordered_keys(lines, at_kind(lines, "scored")),
    "a placing, rechained": lambda lines: edited(lines, at_kind(lines, "placing"),
                                                 setting("placing", "rank", value=1), rechain=True),
    "a placing's shape, rechained": lambda lines: edited(lines, at_kind(lines, "placing"),
                                                         setting("placing", "awards", value=[{"award": "x"}]),
                                                         rechain=True),
    "a placing's gap, rechained": lambda lines: edited(lines, at_kind(lines, "placing"),
                                                       setting("placing", "awards", value=[{
                                                           "ahead": None, "award": "terbaik_1",
                                                           "behind_by": "1E+999999999", "group": "x", "of": 2,
                                                           "rank": 1}]), rechain=True),
    "a placing's context": lambda lines: edited(lines, at_kind(lines, "placing"),
                                                setting("context", "rubric_path", value="x")),
    "a placing's keys": lambda lines: reordered_keys(lines, at_kind(lines, "placing")),
    "a placing repeated": lambda lines: [*lines[:at_kind(lines, "placing")], *lines[at_kind(lines, "placing") - 1:]],
}


def said(ledger: Path, **options: Any) -> tuple[Any, ...]:
    """Everything a replay says: each finding, each record's report, and the first divergence."""
    report = replaying.replay(ledger, [RUBRIC], **options)
    return tuple(report.findings), tuple(report.records), report.first_divergence


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_what_replay_finds_is_that_of_reading_every_line_whole(name: str, lines: Lines, tmp_path: Path) -> None:
    ledger = tmp_path / "tampered.jsonl"
    ledger.write_bytes(b"".join(TAMPERING[name](lines)))
    shortcut = said(ledger)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(replaying, "_written_again", lambda *_: False)
        patch.setattr(replaying, "_placed_again", lambda *_: False)
        whole = said(ledger)
    assert shortcut == whole
    renamed = name == "a name with quotes, rechained"  # every hash right again: only a published head tells
    assert any(f.severity == "error" for f in shortcut[0]) != renamed


def test_a_line_tampered_with_mid_chunk_is_reported_at_its_line(lines: Lines, tmp_path: Path) -> None:
    at = at_kind(lines, "scored", 0.4)
    ledger = tmp_path / "tampered.jsonl"
    ledger.write_bytes(b"".join(edited(lines, at, setting("result", "total", value="99.99"))))
    as_usual = said(ledger)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(replaying, "_CHUNK_BYTES", sum(map(len, lines[:at])) // 7)  # the line well inside a chunk
        for jobs in (1, 2):
            assert said(ledger, jobs=jobs) == as_usual
    findings, _, first = as_usual
    assert [(f.kind, f.line) for f in findings] == [("edited", at + 1), ("divergence", at + 1)]
    assert first is not None and (first.line, first.step) == (at + 1, "result.total")


def test_a_ledger_as_written_is_read_whole_only_where_no_record_is_written_again(lines: Lines, tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch
                                                                                 ) -> None:
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_bytes(b"".join(lines))
    read_whole: list[int] = []
    read_line = replaying.read_line

    def counted(number: int, line: bytes, findings: list[Any]) -> Any:
        read_whole.append(number)
        return read_line(number, line, findings)

    monkeypatch.setattr(replaying, "read_line", counted)
    report = replaying.replay(ledger, [RUBRIC])
    assert report.ok and report.verified == len(lines) - 1
    kinds = [json.loads(lines[n - 1])["kind"] for n in read_whole]
    assert kinds == ["rubric", "ranking", "seal"]  # every scored and placing line was written again


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=30), st.booleans(),
       st.integers(1, 64))
def test_a_files_chunks_are_its_lines_numbered_as_read(pieces: list[bytes], cut_off: bool, size: int) -> None:
    text = b"".join(piece + b"\n" for piece in pieces)
    if cut_off and pieces:
        text = text[:-1]
    stream = io.BytesIO(text)
    source = ledgers.Records(Path("in-memory"), (), single=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "open", lambda *_: stream)
        chunks = list(source.chunks([], size, 1))
    read: list[tuple[int, bytes]] = []
    for first, block in chunks:
        assert isinstance(block, bytes)
        read += enumerate(ledgers.Records.lines_of(block), start=first)
    assert read == list(enumerate(io.BytesIO(text).readlines(), start=1))
