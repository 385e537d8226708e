"""Ranking and nomination: declared in the rubric, shown in outputs, recorded in the ledger, verified by replay."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import paritrana_rules as pr
from paritrana_rules.language import ast
from paritrana_rules.audit.records import content_hash
from paritrana_rules.canonical import canonical
from paritrana_rules.cli import main
from paritrana_rules.rank.ranking import Entry, Rules, place
from paritrana_rules.source import Span

ROOT = Path(__file__).resolve().parents[1]
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DATA = ROOT / "examples/2024/pemerintah-desa.yaml"


def rule(keys: tuple[str, ...] = ("total", "c"), within: str | None = "g", top: int | None = 1) -> Rules:
    """A funnel of this ranking alone (a real rubric's model with its ranking replaced)."""
    ranking = ast.RankingDecl(keys=keys, key_spans=(), within=within, within_span=None,
                              nominate=Decimal(top) if top else None, nominate_span=None,
                              span=Span("test", 1, 1, 1, 1))
    return Rules(attrs.evolve(pr.load(DESA).model, ranking=ranking))


def test_ties_nothing_breaks_share_a_rank_and_all_go_on() -> None:
    entries = [Entry("a", True, (80, 50), ("jatim",)),
               Entry("b", True, (80, 50), ("jatim",)),
               Entry("c", True, (80, 40), ("jatim",)),
               Entry("d", False, (99, 99), ("jatim",)),
               Entry("e", True, (60, 10), ("maluku",))]
    placings = {p.candidate: p for p in place(rule(), entries)}
    assert (placings["a"].rank, placings["b"].rank, placings["c"].rank) == (1, 1, 3)
    assert placings["a"].tied and placings["b"].tied and not placings["c"].tied
    assert placings["a"].nominated and placings["b"].nominated and not placings["c"].nominated
    assert placings["d"].rank is None and not placings["d"].nominated  # disqualified: not ranked
    assert placings["e"].rank == 1 and placings["e"].nominated  # its own group


def test_a_tie_break_decides() -> None:
    entries = [Entry("a", True, (80, 40), (None,)), Entry("b", True, (80, 50), (None,))]
    placings = {p.candidate: p for p in place(rule(within=None), entries)}
    assert (placings["b"].rank, placings["a"].rank) == (1, 2) and not placings["a"].tied


def test_score_shows_rank_and_nomination_per_province(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(DESA), str(DATA), "--format", "csv"]) == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["desa-tamansari"]["rank"] == "1 in East Java" and rows["desa-tamansari"]["nominated"] == "yes"
    assert rows["desa-tulungrejo"]["rank"] == "2 in East Java" and rows["desa-tulungrejo"]["nominated"] == ""
    assert rows["desa-mekarsari-contoh"]["rank"] == "-"


def test_the_ledger_records_the_ranking_and_replay_verifies_it(tmp_path: Path) -> None:
    ledger = tmp_path / "desa.jsonl"
    main(["score", str(DESA), str(DATA), "--format", "json", "--output", str(tmp_path / "s.json"), "--audit",
          str(ledger)])
    documents = [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]
    ranking = documents[-2]
    assert ranking["kind"] == "ranking" and ranking["rule"] == {"keys": ["total", "rentan_apbdes", "wawancara"],
                                                                 "within": "provinsi", "nominate": 1, "cuts": [],
                                                                 "awards": []}
    scored = [d for d in documents if d["kind"] == "scored"]
    placings = [d for d in documents if d["kind"] == "placing"]
    assert [p["placing"]["candidate"] for p in placings] == [d["candidate"]["id"] for d in scored]
    assert ranking["placings"] == len(scored) and "desa-tamansari" in ranking["nominated"]
    assert pr.replay(ledger, [ROOT / "rubrics"]).ok

    record = next(p for p in placings if p["placing"]["candidate"] == "desa-tulungrejo")
    record["placing"]["nominated"] = True  # someone promotes the runner-up
    previous = None
    for document in documents[:-1]:
        document["prev"] = previous
        document["sha256"] = previous = content_hash(document)
    documents[-1]["prev"] = documents[-1]["head"] = previous
    documents[-1]["sha256"] = content_hash(documents[-1])
    ledger.write_bytes(b"".join(canonical(d) + b"\n" for d in documents))
    report = pr.replay(ledger, [ROOT / "rubrics"])
    assert [f.kind for f in report.findings if f.severity == "error"] == ["ranking"]
    assert report.findings[0].candidate == "desa-tulungrejo"


def test_an_extending_edition_inherits_the_ranking() -> None:
    rubric = pr.load(ROOT / "rubrics/2025/pemerintah-desa.rubric")
    assert rubric.model.ranking is not None and rubric.model.ranking.within == "provinsi"
