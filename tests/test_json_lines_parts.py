"""A JSON Lines file read in parts by the workers against the same file read whole: the same records, in order.

A part is cut just after a line feed. Whatever else the file holds (a byte-order mark, CR or CRLF line
endings, blank lines, a line past the longest, lines that are not JSON, repeated ids, bytes that are not
UTF-8), the records, their origins (line numbers), the repeated ids and the file's errors must be exactly
those of a whole reading.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paritrana_rules.data import iter_rows
from paritrana_rules.data.parts import file_parts, read_part
from tests.test_csv_parts import RUBRIC, in_parts, line, whole, write

pytest.importorskip("numpy")


def test_parts_cover_the_file_and_each_ends_where_a_line_ends(tmp_path: Path) -> None:
    data = write(tmp_path / "c.jsonl", [line(n) for n in range(300)], prefix="\ufeff")
    parts = list(file_parts(data, str(data), "jsonl", 2_000))
    assert len(parts) > 10
    assert parts[0].start == 3 and parts[-1].end == data.stat().st_size  # after the byte-order mark
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    assert [r for part in parts for r in read_part(part).rows] == list(iter_rows(data))


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("size", [64, 700, 1 << 20])
def test_line_endings_blank_lines_and_repeated_ids_across_parts(tmp_path: Path, ending: str, size: int) -> None:
    lines = [line(n, name=r"Kab. \"Baru\"\nJawa" if n % 7 == 0 else "Kab. Biasa") for n in range(120)]
    lines[30], lines[31] = "", "   "
    lines[50] = line(50, identity="kab-0003")
    lines[60] = "{not json"
    data = write(tmp_path / "c.jsonl", lines, ending=ending)
    assert in_parts(data, size) == whole(data)


def test_an_empty_file(tmp_path: Path) -> None:
    data = write(tmp_path / "c.jsonl", [])
    assert in_parts(data, 100) == whole(data)


PIECES = st.sampled_from([line(1), line(2), line(1, pu="-5"), line(3, understanding='"80,5"'), "{", "[]", "\n",
                          "\r\n", "\r", " ", "é", '{"id":"a"}', "null"])


@settings(max_examples=150, deadline=None)
@given(body=st.lists(PIECES, max_size=60), size=st.integers(min_value=1, max_value=900))
def test_any_text_reads_the_same_in_parts(tmp_path_factory: pytest.TempPathFactory, body: list[str],
                                          size: int) -> None:
    """Whatever the lines, line endings and repeated ids, parts give the records (or the error) of a whole
    reading."""
    data = tmp_path_factory.mktemp("parts") / "c.jsonl"
    data.write_text("".join(body), encoding="utf-8", newline="")
    assert in_parts(data, size, "csv") == whole(data, "csv")


def test_the_command_gives_the_same_bytes_with_workers_reading_parts(tmp_path: Path) -> None:
    lines = [line(n, name=f"Kab. {n}, Jatim", understanding=str(n % 101)) for n in range(6_000)]
    lines[5_500] = line(5_500, identity="kab-0007")
    lines[3_000] = "{broken"
    data = write(tmp_path / "c.jsonl", lines)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}.csv"
        subprocess.run([sys.executable, "-m", "paritrana_rules", "score", str(RUBRIC), str(data), "--format", "csv",
                        "--output", str(out), "--jobs", jobs], capture_output=True, check=False)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == 6_001


@pytest.mark.parametrize("extra", [0, 65_536, -1])
def test_a_crlf_just_past_the_longest_line_is_one_line_ending(tmp_path: Path, extra: int) -> None:
    """A line whose CR is the last character a read takes (the longest line plus one, or a piece of a longer one
    read through): its LF still ends that line, so the lines after it keep their numbers, read whole or in
    parts."""
    long = line(0, name="x" * (100_000 - len(line(0, name="")) + extra))
    lines = [long, *(line(n) for n in range(1, 2_000)), '{"name": "no id"}']
    data = write(tmp_path / "c.jsonl", lines, ending="\r\n")
    read = whole(data)
    assert not isinstance(read, str) and f"line {len(lines)}'" in str(read[-1])
    assert in_parts(data, 50_000) == read
