"""Ledgers a forger cannot make verify: canonical bytes only, a published head, a signed seal, and rubrics read only
from where the auditor says.

Each test starts from what a hostile review did to the ledgers of an earlier version (which verified them all),
and holds replay to refusing it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.audit.ledger import Ledger
from paritrana_rules.audit.records import Decisions, content_hash
from paritrana_rules.audit.replay import replay
from paritrana_rules.audit.reports import ReplayReport
from paritrana_rules.audit.signing import SigningKey, keygen, load_public_key, load_signing_key
from paritrana_rules.canonical import canonical
from paritrana_rules.cli import main
from paritrana_rules.errors import UsageError
from paritrana_rules.rank.ranking import Funnel, Rules, place_results, result_entry

ROOT = Path(__file__).resolve().parents[1]
RUBRICS_DIR = ROOT / "rubrics"
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DESA_DATA = ROOT / "examples/2024/pemerintah-desa.yaml"
signing = pytest.mark.skipif(importlib.util.find_spec("cryptography") is None,
                             reason="keys need the 'sign' extra (cryptography)")


# ------------------------------------------------------------------ ledgers to work on


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trust")


@pytest.fixture(scope="module")
def ledger(folder: Path) -> Path:
    """A ledger as `score --audit` writes it."""
    path = folder / "desa.jsonl"
    assert main(["score", str(DESA), str(DESA_DATA), "--format", "csv", "--output", str(folder / "desa.csv"),
                 "--audit", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def keys(folder: Path) -> tuple[Path, Path]:
    private, public = folder / "committee.key", folder / "committee.pub"
    keygen(private, public)
    return private, public


@pytest.fixture(scope="module")
def signed(folder: Path, keys: tuple[Path, Path]) -> Path:
    path = folder / "signed.jsonl"
    write_signed(path, load_signing_key(keys[0]))
    return path


def write_signed(path: Path, key: SigningKey) -> None:
    """The bundled candidates scored into a ledger whose seal `key` signs."""
    rubric = pr.load(DESA)
    candidates, _ = pr.load_candidates(DESA_DATA, rubric.input_specs)
    results = [rubric.evaluate_candidate(candidate) for candidate in candidates]
    assert rubric.model.ranking is not None
    with path.open("wb") as stream:
        written = Ledger(stream, rubric.program, signing_key=key)
        for result in results:
            written.scored(written.writer.pieces(result))
        funnel = Funnel(Rules(rubric.model))
        for result in results:
            funnel.add(result_entry(funnel.rules, result))
        written.placed(funnel.placings())
        written.close()
        funnel.close()


def documents_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def save(path: Path, documents: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(canonical(d) + b"\n" for d in documents))
    return path


def head_of(path: Path) -> str:
    return str(documents_of(path)[-1]["head"])


def errors(report: ReplayReport) -> set[str]:
    return {f.kind for f in report.findings if f.severity == "error"}


# ------------------------------------------------------------------ a forger re-chains and re-seals


def forge(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a forger with the engine does: two candidates swap scores, placings are ranked again, and every hash,
    link and the seal are computed again. The signature, if any, is left as it was."""
    forged = json.loads(json.dumps(documents))
    first, second = [d for d in forged if d["kind"] == "scored"][:2]
    first["candidate"], second["candidate"] = second["candidate"], first["candidate"]
    refunnel(forged, pr.load(DESA))
    rechain(forged)
    return forged


def refunnel(documents: list[dict[str, Any]], rubric: pr.CompiledRubric) -> None:
    """The placing records and the ranking record decided again from the (edited) scored records, as a forger
    with the engine would."""
    results = []
    for document in documents:
        if document["kind"] == "scored":
            defaulted = set(document.get("defaulted") or ())
            given = {name: value for name, value in document["inputs"].items() if name not in defaulted}
            results.append(rubric.evaluate(given, document["candidate"]["id"], name=document["candidate"].get("name")))
    decisions = Decisions()
    records = [d for d in documents if d["kind"] == "placing"]
    for record, placing in zip(records, place_results(Rules(rubric.model), results), strict=True):
        record["placing"] = placing.to_dict()
        decisions.add(placing)
    next(d for d in documents if d["kind"] == "ranking").update(decisions.to_dict())


def rechain(documents: list[dict[str, Any]]) -> None:
    """Every hash and link computed again, and the seal (the last record) too."""
    previous = None
    for document in documents[:-1]:
        document["prev"] = previous
        document["sha256"] = previous = content_hash(document)
    documents[-1].update(prev=previous, head=previous)
    documents[-1]["sha256"] = content_hash(documents[-1])


def test_a_rechained_forgery_verifies_without_an_anchor(ledger: Path, tmp_path: Path) -> None:
    """The chain alone proves nothing: a forgery computed again end to end is whole."""
    forged = save(tmp_path / "forged.jsonl", forge(documents_of(ledger)))
    assert replay(forged, [RUBRICS_DIR]).ok


def test_a_rechained_forgery_fails_against_the_published_head(ledger: Path, tmp_path: Path) -> None:
    forged = save(tmp_path / "forged.jsonl", forge(documents_of(ledger)))
    report = replay(forged, [RUBRICS_DIR], head=head_of(ledger))
    assert errors(report) == {"head-mismatch"}
    assert replay(ledger, [RUBRICS_DIR], head=head_of(ledger).upper()).ok  # as an announcement may print it


def test_a_published_head_must_be_a_hash(ledger: Path) -> None:
    with pytest.raises(UsageError, match="64 hexadecimal digits"):
        replay(ledger, [RUBRICS_DIR], head="31a18d0a")


def test_a_single_record_has_no_head_to_compare() -> None:
    rubric = pr.load(DESA)
    candidates, _ = pr.load_candidates(DESA_DATA, rubric.input_specs)
    record = rubric.evaluate_candidate(candidates[0]).audit()
    assert errors(replay(record, [DESA], head="0" * 64)) == {"head-mismatch"}


@signing
def test_a_signed_ledger_verifies_with_the_committees_key(signed: Path, keys: tuple[Path, Path]) -> None:
    report = replay(signed, [RUBRICS_DIR], public_key=keys[1], head=head_of(signed))
    assert report.ok, report.render()
    assert not [f for f in report.findings if f.kind.startswith("signature")]


@signing
def test_a_signature_is_reported_unchecked_without_the_key(signed: Path) -> None:
    report = replay(signed, [RUBRICS_DIR])
    assert report.ok
    [note] = [f for f in report.findings if f.kind == "signature-unchecked"]
    assert note.severity == "note" and note.line == len(documents_of(signed))


@signing
def test_the_seal_signature_names_what_it_signs(signed: Path, keys: tuple[Path, Path]) -> None:
    schema = json.loads((ROOT / "docs/audit.schema.json").read_text(encoding="utf-8"))
    for document in documents_of(signed):
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
    seal = documents_of(signed)[-1]
    rubric = documents_of(signed)[0]["rubric"]
    signature = seal["signature"]
    assert signature["scheme"] == "paritrana-seal-ed25519/1"
    assert signature["key"] == load_public_key(keys[1]).fingerprint
    assert signature["rubric"] == {k: v for k, v in rubric.items() if k != "declarations"}
    assert len(signature["value"]) == 128 and content_hash(seal) == seal["sha256"]


@signing
def test_a_rechained_forgery_of_a_signed_ledger_fails_with_the_key(signed: Path, keys: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    forged = forge(documents_of(signed))
    kept = save(tmp_path / "kept.jsonl", forged)  # the old signature, over another head
    assert errors(replay(kept, [RUBRICS_DIR], public_key=keys[1])) == {"signature-invalid"}
    del forged[-1]["signature"]
    forged[-1]["sha256"] = content_hash(forged[-1])
    dropped = save(tmp_path / "dropped.jsonl", forged)
    assert errors(replay(dropped, [RUBRICS_DIR], public_key=keys[1])) == {"signature-missing"}
    assert replay(dropped, [RUBRICS_DIR]).ok  # which is why the key (or the head) must be given


@signing
def test_a_forgery_signed_with_another_key_fails(signed: Path, keys: tuple[Path, Path], tmp_path: Path) -> None:
    forger = tmp_path / "forger.key"
    keygen(forger, tmp_path / "forger.pub")
    resigned = tmp_path / "resigned.jsonl"
    write_signed(resigned, load_signing_key(forger))
    report = replay(resigned, [RUBRICS_DIR], public_key=load_public_key(keys[1]))
    assert errors(report) == {"signature-invalid"}
    assert "not the given public key" in report.render()


@signing
def test_an_unsigned_ledger_fails_when_a_key_is_given(ledger: Path, keys: tuple[Path, Path]) -> None:
    assert errors(replay(ledger, [RUBRICS_DIR], public_key=keys[1])) == {"signature-missing"}


@signing
def test_a_signed_seal_edited_and_rehashed_fails(signed: Path, keys: tuple[Path, Path], tmp_path: Path) -> None:
    documents = documents_of(signed)
    documents[-1]["signature"]["rubric"]["edition"] = 2025
    documents[-1]["sha256"] = content_hash(documents[-1])
    edited = save(tmp_path / "edited.jsonl", documents)
    assert errors(replay(edited, [RUBRICS_DIR], public_key=keys[1])) == {"signature-invalid"}


# ------------------------------------------------------------------ keys


@signing
def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    private, public = tmp_path / "k.pem", tmp_path / "k.pub"
    fingerprint = keygen(private, public)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert load_public_key(public).fingerprint == load_signing_key(private).fingerprint == fingerprint


@signing
def test_keygen_never_overwrites(tmp_path: Path) -> None:
    private, public = tmp_path / "k.pem", tmp_path / "k.pub"
    public.write_text("kept")
    with pytest.raises(UsageError, match="already exists"):
        keygen(private, public)
    assert not private.exists() and public.read_text() == "kept"


@signing
def test_without_the_sign_extra_keys_are_a_usage_error_and_signatures_are_only_noted(
        signed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)  # as if it were not installed
    with pytest.raises(UsageError, match="'sign' extra"):
        keygen(tmp_path / "k.pem", tmp_path / "k.pub")
    with pytest.raises(UsageError, match="'sign' extra"):
        replay(signed, [RUBRICS_DIR], public_key=tmp_path / "k.pub")
    report = replay(signed, [RUBRICS_DIR])
    assert report.ok and "signature-unchecked" in {f.kind for f in report.findings}


@signing
def test_a_file_that_is_not_a_key_is_a_usage_error(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    with pytest.raises(UsageError, match="Ed25519 public key"):
        load_public_key(keys[0])
    with pytest.raises(UsageError, match="cannot read"):
        load_signing_key(tmp_path / "nowhere.pem")


# ------------------------------------------------------------------ canonical bytes only


def edited_line(ledger: Path, tmp_path: Path, index: int, change: Callable[[bytes], bytes]) -> ReplayReport:
    lines = ledger.read_bytes().splitlines()
    lines[index] = change(lines[index])
    edited = tmp_path / "edited.jsonl"
    edited.write_bytes(b"\n".join(lines) + b"\n")
    return replay(edited, [RUBRICS_DIR])


def reversed_keys(line: bytes) -> bytes:
    document = json.loads(line)
    return json.dumps(dict(reversed(document.items())), ensure_ascii=False, separators=(",", ":")).encode()


NOT_CANONICAL: dict[str, tuple[int, Callable[[bytes], bytes]]] = {
    "whitespace": (1, lambda line: line.replace(b'":', b'": ', 3)),
    "key order": (1, reversed_keys),
    "escape": (1, lambda line: line.replace(b'"sha256"', b'"\\u0073ha256"', 1)),
    "carriage return": (2, lambda line: line + b"\r"),
    "byte order mark": (0, lambda line: b"\xef\xbb\xbf" + line),
}


@pytest.mark.parametrize("name", sorted(NOT_CANONICAL))
def test_a_line_that_parses_alike_but_is_not_canonical_is_refused(ledger: Path, tmp_path: Path, name: str) -> None:
    index, change = NOT_CANONICAL[name]
    report = edited_line(ledger, tmp_path, index, change)
    [finding] = [f for f in report.findings if f.severity == "error"]
    assert finding.kind == "not-canonical"
    assert finding.line == index + 1


def test_a_duplicate_key_is_refused_though_readers_disagree_on_it(ledger: Path, tmp_path: Path) -> None:
    """SQLite reads the first of two keys, Python the last: the same line would say two totals."""
    original = ledger.read_bytes().splitlines()[1]
    result = json.loads(original)["result"]
    forged_result = canonical({**result, "total": "100.00"})
    edit = lambda line: b'{"result":' + forged_result + b"," + line[1:]  # noqa: E731
    line = edit(original).decode()
    assert sqlite3.connect(":memory:").execute("select json_extract(?, '$.result.total')", (line,)).fetchone() == (
        "100.00",)
    assert json.loads(line)["result"]["total"] == result["total"] != "100.00"
    report = edited_line(ledger, tmp_path, 1, edit)
    assert errors(report) == {"not-canonical"}
    assert "'result'" in report.render() and "twice" in report.render()


def test_a_context_edited_in_one_record_is_a_finding(ledger: Path, tmp_path: Path) -> None:
    documents = documents_of(ledger)
    documents[3]["context"]["rubric_path"] = "rubrics/2024/elsewhere.rubric"
    report = replay(save(tmp_path / "moved.jsonl", documents), [RUBRICS_DIR])
    assert errors(report) == {"context"} and [f.line for f in report.findings if f.kind == "context"] == [4]


@pytest.fixture(scope="module")
def valid_line_bytes(ledger: Path) -> list[bytes]:
    return ledger.read_bytes().splitlines(keepends=True)


edits = st.lists(st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.integers(0, 10**6),
                           st.integers(0, 255)), min_size=1, max_size=3)


def apply_edits(line: bytes, changes: list[tuple[str, int, int]]) -> bytes:
    edited = bytearray(line)
    for operation, position, byte in changes:
        at = position % (len(edited) + 1)
        if operation == "insert":
            edited[at:at] = bytes([byte])
        elif edited and operation == "replace":
            edited[at % len(edited)] = byte
        elif edited:
            del edited[at % len(edited)]
    return bytes(edited)


@given(index=st.integers(0, 10), changes=edits)
def test_any_byte_edit_of_a_line_is_a_finding(valid_line_bytes: list[bytes], index: int,
                                              changes: list[tuple[str, int, int]]) -> None:
    lines = list(valid_line_bytes)
    index %= len(lines)
    original, lines[index] = lines[index], apply_edits(lines[index], changes)
    with tempfile.TemporaryDirectory() as folder:
        edited = Path(folder) / "edited.jsonl"
        edited.write_bytes(b"".join(lines))
        report = replay(edited, [DESA])
    assert lines[index] == original or not report.ok


# ------------------------------------------------------------------ what the context may not open


HOSTILE_REPLAY = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
from paritrana_rules.audit.nominations import read_nominations
from paritrana_rules.audit.replay import replay
from paritrana_rules.errors import NominationError

def nominations(ledger, rubrics):
    try:
        read_nominations([ledger], rubrics or ())
    except NominationError as error:
        return " ".join(error.messages)
    return "nominated"

outcomes = []
for ledger, rubrics in json.loads(sys.argv[1]):
    start = time.monotonic()
    said = [replay(ledger, rubrics).render(), nominations(ledger, rubrics)]
    outcomes.append({"said": said, "seconds": time.monotonic() - start})
print(json.dumps(outcomes))
"""


def with_context(ledger: Path, path: Path, rubric_path: str) -> Path:
    documents = documents_of(ledger)
    for document in documents:
        if "context" in document:
            document["context"]["rubric_path"] = rubric_path
    return save(path, documents)


@pytest.mark.skipif(sys.platform == "win32", reason="devices and FIFOs")
def test_a_recorded_rubric_path_opens_nothing(ledger: Path, tmp_path: Path) -> None:
    """`/dev/zero` was read until memory ran out, a FIFO hung replay, and `/` was searched whole; reading a
    provincial ledger's nominations opened its recorded paths too."""
    fifo = tmp_path / "hang.rubric"
    os.mkfifo(fifo)
    folder = tmp_path / "rubrics-with-a-fifo"
    folder.mkdir()
    (folder / "hang.rubric").symlink_to(fifo)
    os.mkfifo(folder / "also-hangs.rubric")
    cases = [(str(with_context(ledger, tmp_path / f"{n}.jsonl", hostile)), None)
             for n, hostile in enumerate(["/dev/zero", str(fifo), "/"])]
    cases += [(str(ledger), ["/dev/zero"]), (str(ledger), [str(fifo)]), (str(ledger), [str(folder)])]
    empty = tmp_path / "elsewhere"  # no rubrics/ here: nothing to search by default
    empty.mkdir()
    finished = subprocess.run([sys.executable, "-c", HOSTILE_REPLAY, json.dumps(cases)], cwd=empty, timeout=120,
                              capture_output=True, text=True, check=True)
    for outcome in json.loads(finished.stdout):
        assert all("rubric-not-found" in said for said in outcome["said"]) and outcome["seconds"] < 20


def test_a_recorded_path_only_orders_what_the_given_folders_hold(ledger: Path, tmp_path: Path) -> None:
    hinted = with_context(ledger, tmp_path / "hinted.jsonl", "/dev/zero")
    assert replay(hinted, [RUBRICS_DIR]).ok


def test_without_rubric_folders_replay_searches_rubrics_here(ledger: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert replay(ledger).ok
    monkeypatch.chdir(tmp_path)
    assert errors(replay(ledger)) == {"rubric-not-found"}


# ------------------------------------------------------------------ the command line


def test_the_command_line_makes_keys_signs_and_checks_a_ledger(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    private, public, ledger_path = tmp_path / "panitia.pem", tmp_path / "panitia.pub", tmp_path / "desa.jsonl"
    assert main(["keygen", str(private), str(public)]) == 0
    assert main(["keygen", str(private), str(public)]) == 2  # never overwritten
    assert main(["score", "rubrics/2024/pemerintah-desa.rubric", "examples/2024/pemerintah-desa.yaml", "--audit",
                 str(ledger_path), "--sign", str(private)]) == 0
    head = json.loads(ledger_path.read_text(encoding="utf-8").splitlines()[-1])["head"]
    capsys.readouterr()
    assert main(["replay", str(ledger_path), "--head", head, "--public-key", str(public)]) == 0
    assert main(["replay", str(ledger_path), "--head", "0" * 64]) == 1
    assert "head-mismatch" in capsys.readouterr().out
    other_private, other_public = tmp_path / "other.pem", tmp_path / "other.pub"
    assert main(["keygen", str(other_private), str(other_public)]) == 0
    assert main(["replay", str(ledger_path), "--public-key", str(other_public)]) == 1
    assert "signature-invalid" in capsys.readouterr().out
    assert main(["score", "rubrics/2024/pemerintah-desa.rubric", "examples/2024/pemerintah-desa.yaml", "--sign",
                 str(private)]) == 2  # nothing to sign without --audit
