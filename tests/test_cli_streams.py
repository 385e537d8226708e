"""The command's standard streams: a reader that goes away, and streams that cannot encode every character."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DESA = ["rubrics/2024/pemerintah-desa.rubric", "examples/2024/pemerintah-desa.yaml"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "paritrana_rules", *args], cwd=ROOT, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=120, check=False)


def many_candidates(folder: Path, copies: int) -> Path:
    """The village example rows again and again under new ids: output far larger than a pipe holds."""
    header, *rows = (ROOT / "examples/2024/pemerintah-desa.csv").read_text(encoding="utf-8").splitlines()
    lines = [header] + [f"copy-{n}-{row}" for n in range(copies) for row in rows]
    path = folder / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    data = many_candidates(tmp_path, 400)
    command = [sys.executable, "-m", "paritrana_rules", "score", DESA[0], str(data), "--format", "jsonl"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # as `| head -1` does
        errors = process.stderr.read()
        assert process.wait(timeout=120) == 141
    assert b"Traceback" not in errors and b"internal error" not in errors


def test_output_a_stream_cannot_encode_is_escaped_not_a_crash() -> None:
    explained = run("explain", *DESA, "--candidate", "desa-tamansari", "--lang", "id",
                    env={"PYTHONIOENCODING": "ascii"})
    assert explained.returncode == 0, explained.stderr
    assert b"\\u2014" in explained.stdout  # the dash of the heading, escaped
    handbook = run("docs", DESA[0], env={"PYTHONIOENCODING": "latin-1"})
    assert handbook.returncode == 0, handbook.stderr


UNFORMATTED = ('rubric "Uji" edition 2024 period 2023\ncategory uji\nlabel id "Uji" en "Test"\nscale 0 to 100\n'
               'rounding half_up to 2 places\ninput x:count between 0 and 100\n    label id "X" en "X"\n'
               'criterion c weight 100%\n    label id "C" en "C"\n    points x\n')


def test_check_and_fmt_read_standard_input() -> None:
    checked = subprocess.run([sys.executable, "-m", "paritrana_rules", "check", "-"], cwd=ROOT, input=UNFORMATTED.encode(),
                             capture_output=True, timeout=120, check=False)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.decode().endswith("1 rubric checked, 1 clean\n")
    would = subprocess.run([sys.executable, "-m", "paritrana_rules", "fmt", "--check", "-"], cwd=ROOT,
                           input=UNFORMATTED.encode(), capture_output=True, timeout=120, check=False)
    assert (would.returncode, would.stdout) == (1, b"would reformat <stdin>\n")
    formatted = subprocess.run([sys.executable, "-m", "paritrana_rules", "fmt", "-"], cwd=ROOT,
                               input=UNFORMATTED.encode(), capture_output=True, timeout=120, check=False)
    assert formatted.returncode == 0
    assert b"input x: count\n    between 0 and 100\n" in formatted.stdout
    again = subprocess.run([sys.executable, "-m", "paritrana_rules", "fmt", "--check", "-"], cwd=ROOT,
                           input=formatted.stdout, capture_output=True, timeout=120, check=False)
    assert again.returncode == 0


def on_a_terminal(*args: str) -> bytes:
    """What the command writes to a terminal (a pseudo-terminal here), both streams together."""
    leader, follower = os.openpty()
    with subprocess.Popen([sys.executable, "-m", "paritrana_rules", *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                          stdout=follower, stderr=follower) as process:
        os.close(follower)
        shown = b""
        with contextlib.suppress(OSError):  # the terminal closes when the command ends
            while chunk := os.read(leader, 65536):
                shown += chunk
        process.wait(timeout=120)
    os.close(leader)
    return shown


def test_control_characters_from_candidate_data_are_shown_escaped_on_a_terminal(tmp_path: Path) -> None:
    header, first, *_ = (ROOT / "examples/2024/pemerintah-desa.csv").read_text(encoding="utf-8").splitlines()
    sneaky = first.replace("desa-tamansari", "desa-\x1b]0;owned\x07tamansari", 1)
    data = tmp_path / "sneaky.csv"
    data.write_text(f"{header}\n{sneaky}\n", encoding="utf-8")
    shown = on_a_terminal("score", DESA[0], str(data))
    assert b"desa-\\x1b]0;owned\\x07tamansari" in shown
    assert b"\x1b]0;owned" not in shown
    written = run("score", DESA[0], str(data), "--format", "csv")  # a file or a pipe keeps the text as it is
    assert b"desa-\x1b]0;owned\x07tamansari" in written.stdout


def test_score_and_explain_read_candidates_from_standard_input() -> None:
    csv_text = (ROOT / "examples/2024/pemerintah-desa.csv").read_bytes()
    from_file = run("score", DESA[0], "examples/2024/pemerintah-desa.csv", "--format", "csv")
    piped = subprocess.run([sys.executable, "-m", "paritrana_rules", "score", DESA[0], "-", "--data-format", "csv",
                            "--format", "csv"], cwd=ROOT, input=csv_text, capture_output=True, timeout=120, check=False)
    assert piped.returncode == from_file.returncode and piped.stdout == from_file.stdout
    explained = subprocess.run([sys.executable, "-m", "paritrana_rules", "explain", DESA[0], "-", "--data-format",
                                "yaml", "--candidate", "desa-tamansari"], cwd=ROOT,
                               input=(ROOT / DESA[1]).read_bytes(), capture_output=True, timeout=120, check=False)
    assert explained.returncode == 0 and b"desa-tamansari" in explained.stdout
    unnamed = subprocess.run([sys.executable, "-m", "paritrana_rules", "score", DESA[0], "-"], cwd=ROOT, input=b"",
                             capture_output=True, timeout=120, check=False)
    assert unnamed.returncode == 2 and b"--data-format" in unnamed.stderr
