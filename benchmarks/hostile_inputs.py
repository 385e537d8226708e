"""Hostile inputs for paritrana_rules, and the promises the library keeps whatever they hold.

Shared by `benchmarks/fuzz.py`, which draws a million inputs with a seeded `random.Random`, and by
`tests/hostile.py`, which draws the same shapes with Hypothesis: the tables of hostile literals, the
templates that build an input from chosen parameters, and the judges that hold the library's answer
to the contract live here once.

The contract (`judge_*`):
- rubric text loads, or raises `RubricError` with located diagnostics; a rubric that loads scores
  every candidate that validates, or raises `InputError` (a clean check means scoring cannot crash);
- a candidate record is scored, or raises `InputError`;
- a data file scored by the batch path gives one output row per record, or is refused as a whole
  with an `InputError` about the file; the command exits 0 or 1;
- any byte edit of a ledger is a finding of `replay`;
- no input under 1 MB takes over 10 s or 1 GiB (`measured`, `limit_failures`).

Anything else is a `Failure`, placed in the area of the library it points at, so that the owners of
data readers, rubric text, checker and compiler, ledgers and batch outputs each find theirs.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import random
import re
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import lark
import yaml

import paritrana_rules as pr
from paritrana_rules import cli
from paritrana_rules.api import score_file
from paritrana_rules.data import MAX_MAGNITUDE, InputSpec
from paritrana_rules.language.grammar import parser

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "rubrics"
# Candidates are scored with these: the 2024 village and regency/city rubrics rank (rows wait for placings),
# the large companies' does not (rows stream), the 2025 village rubric extends 2024's and has a jury panel.
DATA_RUBRICS = ("2024/pemerintah-desa.rubric", "2024/kabupaten-kota.rubric", "2024/perusahaan-besar.rubric",
                "2025/pemerintah-desa.rubric")
LEDGER_RUBRICS = ("2024/pemerintah-desa.rubric", "2024/kabupaten-kota.rubric")
# Generated rubric text is loaded as if it were this file (never written): `extends` paths start from RUBRICS.
GENERATED_RUBRIC = RUBRICS / "hostile" / "generated.rubric"

SECONDS_LIMIT = 10.0
MEMORY_LIMIT = 2**30
SIZE_LIMIT = 2**20  # the limits hold for every input under 1 MB
STOP_AFTER = SECONDS_LIMIT + 2  # an input still running then is stopped, and reported as too slow
STATUSES = frozenset({"eligible", "disqualified", "eliminated", "pending", "rejected"})

# ------------------------------------------------------------------ hostile literals

NUMBER_TEXTS = (
    "0", "-0", "+0", "0.0", "-0.0", "00007", "7.", ".5", "1_000", " 12 ", "12,5", "1.000.000", "1,000,000.50",
    "50%", "Rp 1.000", "1e3", "1E+2", "1e-7", "1e999999999", "-1e999999999", "1e-999999999", "9E99999999",
    "1e999999999999999999", "NaN", "nan", "-inf", "Infinity", "+Infinity", "sNaN", "-sNaN", "NaN123", "1e", "e5",
    ".", "-", "--1", "0x1F", "0b101", "1/2", "½", "١٢٣", "１２３", "߀", "𝟙𝟚", "∞", "999999999999999",
    "1000000000000000", "999999999999999.99999", "0.00000000000000000001", "12345678901234567890",
    "123456789012345678901", "7\x00", "\u00a07", "7\u200b", "\ufeff7", "-999999999999999", "1" + "0" * 4300,
)
# Number tokens written as they are into JSON or YAML: exponents no float holds, digits past every limit.
JSON_NUMBERS = (
    "1e999999999", "1E-999999999", "-0", "-0.0", "0e0", "1E+400", "1.5e308", "4.9e-324", "0.1e99999999",
    "12345678901234567890123456789", "1e999999999999999999", "1e9999999999999999999", "NaN", "Infinity",
    "-Infinity", "9" * 4301, "-" + "9" * 5000,
)
CONTROL_CHARACTERS = (
    "\x00", "\x01", "\x07", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x1b", "\x1c", "\x7f", "\x85", "\u2028",
    "\u2029", "\ufeff", "\u202e", "\u200b", "\ud800", "\udfff", "\udc80", "\U0010ffff", "\ufffe", "\uffff",
)
TEXTS = (
    "", " ", "\x00", "\r", "\n", "\r\n", "\ufeff", "\u202e", "\u2028", "\x1b[2J\x1b[31mred", "\x07", "\ud800",
    "a\udfffb", "'", '"', "\\", "\\u0000", "${HOME}", "%s%n%x", "{{7*7}}", "<script>alert(1)</script>",
    "../../etc/passwd", "C:\\CON", "NUL", "\U0001f600" * 3, "Jawa\x00Timur", "id,name\r\ninjected,row",
    "- id: injected", "---", "&a", "*a", "!!python/object:os.system", "yes", "no", "null", "~", "[]", "{}",
)
FORMULAS = (
    '=HYPERLINK("http://example.invalid/?q="&A1,"klik")', "=1+1", "+1+1", "-1+1", "@SUM(1,1)",
    "=cmd|' /C calc'!A0", "\t=1", "\r=1", "=" * 3,
)
VALUE_WORDS = ("yes", "no", "true", "false", "ya", "tidak", "YES", " no ", "Ya", "1", "0", "on", "off")


class Raw(str):
    """A token written as it is into JSON or YAML (a number no float holds, deep brackets, an escape)."""


def cycle(length: int) -> list[object]:
    """Lists that hold each other round in a loop of `length`, as YAML anchors can make them."""
    first: list[object] = []
    last = first
    for _ in range(max(length, 1) - 1):
        last.append(last := [])
    last.append(first)
    return first


def nested(depth: int, leaf: object = "1", mapping: bool = False) -> object:
    value = leaf
    for _ in range(depth):
        value = {"a": value} if mapping else [value]
    return value


# Values built to a size: each is hostile in a different way. Those in FILE_VALUES can be written to a file.
FILE_VALUES: tuple[Callable[[int], object], ...] = (
    lambda n: "9" * n,
    lambda n: "0." + "0" * n + "1",
    lambda n: "1e" + "9" * min(n, 30),
    lambda n: "a" * n,
    lambda n: "é\u0301" * n,
    lambda n: "\x00" * n,
    lambda n: "=" + "A1&" * n + "1",
    lambda n: ";".join(["perdes"] * n),
    lambda n: Raw("[" * n + "1" + "]" * n),
    lambda n: Raw('{"a":' * n + "1" + "}" * n),
    lambda n: Raw("9" * n),
    lambda n: Raw("1e" + "9" * min(n, 30)),
    lambda n: ["perdes"] * n,
    lambda n: [f"m{i}" for i in range(n)],
    lambda n: {f"juri{i}": str(i) for i in range(n)},
    lambda n: {"score": "9" * n, "conflict": "x" * n},
)
PYTHON_VALUES: tuple[Callable[[int], object], ...] = (
    lambda n: 10**n,
    lambda n: -(10**n) - 1,
    lambda n: Decimal(f"1e{n}"),
    lambda n: Decimal(f"-1e-{n}"),
    nested,
    lambda n: nested(n, mapping=True),
    cycle,
    lambda n: frozenset(f"m{i}" for i in range(n)),
    lambda n: tuple("perdes" for _ in range(n)),
    lambda n: b"\xff" * n,
)
PYTHON_SCALARS = (
    True, False, None, 0, -1, 2**63, float("nan"), float("inf"), float("-inf"), -0.0, 1e308, 5e-324, 0.1,
    Decimal("NaN"), Decimal("sNaN"), Decimal("-Infinity"), Decimal("1E+2"), Decimal("-0"),
    Decimal("1e999999999"), Decimal("1e-999999999"), [], {}, set(), (), b"", bytearray(b"1"),
)

# ------------------------------------------------------------------ rubric text


HEADER = ('rubric "Paritrana Award" edition 2024 period 2023\ncategory uji\nlabel id "Uji" en "Test"\n'
          "scale 0 to 100\nrounding half_up to 2 places\n")

# A small rubric that checks clean and uses most of the language: the seed that hostile literals go into.
TEMPLATE = HEADER + """
stage awal
    label id "Awal" en "First"
    advance if total >= 10
stage akhir
    label id "Akhir" en "Last"

input x: number between 0 and 100 unit "persen"
    label id "Nilai x" en "Value x"
input n: count default 0
input pilihan: one of {a, b label id "B" en "B", c}
input himpunan: set of {p, q} default {}
input ya: yes/no default no
input wilayah: text
input juri: panel of number between 0 and 100 aggregate trimmed mean from stage akhir

let rasio = ratio(x, n, if zero 0)
let bagian = n / max(x, 1)

gate batas: x >= 1 otherwise cap total at 60
    reason id "Batas" en "Limit"
gate bersih: not ya otherwise disqualify
    reason id "Bersih" en "Clean"

criterion utama weight 60%
    label id "Utama" en "Main"
criterion pita under utama weight 50%
    points by band of x
        from 50 -> 100
        from 10 to below 50 -> 60
        below 10 -> 0
criterion tabel under utama weight 50%
    points by table, first match
        when pilihan is a -> 100
        when q in himpunan and count of himpunan >= 1 -> 70
        otherwise -> 10
criterion hitung weight 40%
    points clamp(if rasio > 1 then min(x, juri) else max(0, round(x / 3, 2)) + bagian, 0, 100)

bonus tambahan: 5 when n > 10
penalty kurang: 2 when n > 1000

property total never decreases when x rises
rank candidates by total, then utama within wilayah nominate top 1
"""


@functools.cache
def bundled(relative: str) -> pr.CompiledRubric:
    return pr.load(RUBRICS / relative)


@functools.cache
def seed_rubrics() -> dict[str, str]:
    """Rubric texts that check clean, to put hostile literals into: the template and bundled rubrics."""
    paths = (*LEDGER_RUBRICS, "2025/pemerintah-desa.rubric")
    bundled = {path: (RUBRICS / path).read_text(encoding="utf-8") for path in paths}
    return {"template": TEMPLATE, **bundled}


@functools.lru_cache(maxsize=16)  # the seeds come again and again; edited texts once
def tokens(text: str) -> dict[str, tuple[tuple[int, int], ...]]:
    """Where each NUMBER, STRING and NAME token stands (start, end), by type, up to where the text stops lexing."""
    found: dict[str, list[tuple[int, int]]] = {"NUMBER": [], "STRING": [], "NAME": []}
    with contextlib.suppress(lark.exceptions.LarkError):
        for token in parser().lex(text):
            if token.type in found and token.start_pos is not None and token.end_pos is not None:
                found[token.type].append((token.start_pos, token.end_pos))
    return {kind: tuple(spans) for kind, spans in found.items()}


def rubric_string(content: str) -> str:
    """Text as a rubric STRING: backslash, quote and line break escaped; anything else kept raw."""
    return '"' + content.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# Grammar-shaped replacements for a token of each type, built to a size; the fixed ones follow.
SIZED_TOKENS: dict[str, tuple[Callable[[int], str], ...]] = {
    "NUMBER": (
        lambda n: "9" * n,
        lambda n: "0" * n + "1",
        lambda n: "0." + "0" * n + "1",
        lambda n: "1" + "0" * n + "." + "9" * n,
    ),
    "STRING": (
        lambda n: rubric_string("a" * n),
        lambda n: rubric_string("\x00" * n),
        lambda n: rubric_string("\\n" * n),
        lambda n: rubric_string("\u202e\ud800" * n),
        lambda n: '"' + "\\\\" * n + '"',
    ),
    "NAME": (
        lambda n: "a" * n,
        lambda n: "_" * n,
        lambda n: "x" + "_0" * n,
    ),
}
FIXED_TOKENS: dict[str, tuple[str, ...]] = {
    "NUMBER": ("0", "00", "0.0", "1.5", "100", "101", "99999999999999999999999999999999999999999999999999.5",
               "1e5", "1E+999999999", "-1", "1_0", "١", "1.", ".5", "NaN", "Infinity"),
    "STRING": (*(rubric_string(text) for text in (*TEXTS, *FORMULAS, *CONTROL_CHARACTERS)),
               '"', '"unterminated', '"a\nb"', '"\\x"', '""""'),
    # Python keywords, builtins and dunders: generated code must never take a rubric name for its own.
    "NAME": ("class", "def", "import", "lambda", "return", "yield", "await", "none", "true", "false", "self",
             "print", "exec", "eval", "open", "__import__", "__class__", "__builtins__", "__dict__", "_", "__",
             "id", "name", "expect", "candidate_id", "total", "result", "values", "context", "decimal", "math",
             "sys", "os", "inputs", "trace", "program", "x1", "l", "o", "i"),
}


def replace_span(text: str, span: tuple[int, int], replacement: str) -> str:
    start, end = span
    return text[:start] + replacement + text[end:]


def with_token(seed: str, kind: str, choice: int, replacement: str) -> str:
    """The seed text with its `choice`-th token of `kind` (counted round) replaced."""
    spans = tokens(seed)[kind]
    return replace_span(seed, spans[choice % len(spans)], replacement) if spans else seed


# Expressions that grow with a size: nesting the parser, checker or code generator must survive.
EXPRESSIONS: dict[str, Callable[[int], str]] = {
    "parentheses": lambda n: "(" * n + "x" + ")" * n,
    "if": lambda n: "if x > 1 then " * n + "x" + " else 0" * n,
    "else-if": lambda n: "if x > 1 then 1 else " * n + "x",
    "minus": lambda n: "- " * n + "x",
    "not": lambda n: "not " * n + "ya",
    "sum": lambda n: " + ".join(["x"] * max(n, 1)),
    "product": lambda n: " * ".join(["x"] * max(n, 1)),
    "power-of-nine": lambda n: " * ".join(["99999999999999999999"] * max(n, 1)),
    "division": lambda n: " / ".join(["x"] * max(n, 1)),
    "min": lambda n: "min(" + ", ".join(["x"] * max(n, 2)) + ")",
    "nested-max": lambda n: "max(" * n + "x" + ", 1)" * n,
    "ratio": lambda n: "ratio(" * n + "x" + ", x, if zero 0)" * n,
    "clamp": lambda n: "clamp(" * n + "x" + ", 0, 100)" * n,
    "round": lambda n: "round(" * n + "x" + ", 99)" * n,
    "count-of": lambda n: "count of " * n + "himpunan",
    "comparisons": lambda n: " and ".join(["x > 1"] * max(n, 1)),
}


def expression_rubric(kind: str, size: int) -> str:
    """A rubric whose one criterion scores a grown expression."""
    return (HEADER + "input x: number between 0 and 100\ninput ya: yes/no default no\n"
            "input himpunan: set of {p, q} default {}\n"
            f"criterion c weight 100%\n    points clamp({EXPRESSIONS[kind](size)}, 0, 100)\n")


def _weights(count: int) -> list[str]:
    """`count` weights that add up to exactly 100%."""
    share = (Decimal(100) / count).quantize(Decimal("0.0001"), rounding="ROUND_DOWN")
    return [f"{share}%"] * (count - 1) + [f"{Decimal(100) - share * (count - 1)}%"]


def _criteria(count: int) -> str:
    return "".join(f"criterion c{i} weight {w}\n    points x\n" for i, w in enumerate(_weights(count)))


# Whole rubrics whose declarations grow with a size (each checks clean when small).
DECLARATIONS: dict[str, Callable[[int], str]] = {
    "inputs": lambda n: "".join(f"input i{i}: number default 0\n" for i in range(n)) + _criteria(1),
    "lets-doubling": lambda n: "let l0 = x\n" + "".join(f"let l{i} = l{i - 1} + l{i - 1}\n" for i in range(1, n))
    + f"criterion c weight 100%\n    points clamp(l{max(n - 1, 0)}, 0, 100)\n",
    "lets-chain": lambda n: "let l0 = x\n" + "".join(f"let l{i} = l{i - 1}\n" for i in range(1, n))
    + f"criterion c weight 100%\n    points l{max(n - 1, 0)}\n",
    "criteria-wide": lambda n: _criteria(max(n, 1)),
    "criteria-deep": lambda n: "criterion c0 weight 100%\n" + "".join(
        f"criterion c{i} under c{i - 1} weight 100%\n" for i in range(1, n)) + "    points x\n",
    "members": lambda n: "input m: one of {" + ", ".join(f"m{i}" for i in range(max(n, 1))) + "}\n"
    + "criterion c weight 100%\n    points by table, first match\n"
    + "".join(f"        when m is m{i} -> {i % 101}\n" for i in range(max(n, 1))),
    "band-rows": lambda n: "criterion c weight 100%\n    points by band of x\n"
    + "".join(f"        from {i} to below {i + 1} -> {i % 101}\n" for i in range(n)) + "        otherwise -> 0\n",
    "table-rows": lambda n: "criterion c weight 100%\n    points by table, max of matches\n"
    + "".join(f"        when x > {i} -> {i % 101}\n" for i in range(n)) + "        otherwise -> 0\n",
    "bounds-reversed": lambda n: f"input y: number between {n + 1} and {n}\ncriterion c weight 100%\n"
    f"    points clamp(x / y + ratio(x, y, if zero 0) + y / y, 0, 100)\n",
    "bounds-conflicting": lambda n: f"input y: number at least {n + 1} at most {n} default {n}\n"
    "criterion c weight 100%\n    points clamp(ratio(x, y, if zero 1) * y, 0, 100)\n",
    "bounds-single": lambda n: f"input y: number between {n} and {n}\ncriterion c weight 100%\n"
    "    points clamp(x / y + y / (y - y + 1), 0, 100)\n",
    "default-outside": lambda n: f"input y: number between 0 and 10 default {n + 11}\n"
    "criterion c weight 100%\n    points clamp(x / y, 0, 100)\n",
    "band-reversed": lambda n: f"criterion c weight 100%\n    points by band of x\n        from {n + 5} to {n} -> 10\n"
    f"        from {n} to below {n + 5} -> 100\n        otherwise -> 0\n",
    "cap-outside": lambda n: f"gate g: x > 1 otherwise cap total at -{n}\n"
    f"gate h: x > 2 otherwise cap total at {n + 101}\n" + _criteria(1),
    "stages": lambda n: "".join(f"stage s{i}\n    advance if total >= 0\n" for i in range(n)) + _criteria(1),
    "gates": lambda n: "".join(f"gate g{i}: x >= {i} otherwise cap total at {i % 100}\n" for i in range(n))
    + _criteria(1),
    "bonuses": lambda n: "".join(f"bonus b{i}: 99 when x > 0\n" for i in range(n)) + _criteria(1),
    "rank-keys": lambda n: _criteria(1) + "rank candidates by total" + ", then c0" * n + " nominate top 1\n",
    "labels": lambda n: _criteria(1).replace("\n    points", "\n    label " + " ".join(
        f'l{i} "x"' for i in range(max(n, 1))) + "\n    points", 1),
    "properties": lambda n: _criteria(1) + "property total never decreases when x rises\n" * n,
}


def declaration_rubric(kind: str, size: int) -> str:
    return HEADER + "input x: number between 0 and 100\n" + DECLARATIONS[kind](size)


# `extends` paths: inside and outside the rubrics folder, odd spellings, and characters no path holds.
EXTENDS_PATHS = (
    "2024/pemerintah-desa.rubric", "2024//pemerintah-desa.rubric", "./2024/pemerintah-desa.rubric",
    "2024\\pemerintah-desa.rubric", "2024/PEMERINTAH-DESA.rubric", "2024/pemerintah-desa.rubric/.",
    "2024/pemerintah-desa.rubric\x00", "2024/pemerintah-desa.rubric\x00.txt", "", ".", "..", "2024", "2024/",
    "hostile/generated.rubric", "/etc/passwd", "/dev/zero", "/dev/stdin", "C:/Windows/win.ini", "C:\\x.rubric",
    "\\\\server\\share\\x.rubric", "~/x.rubric", "../../../../etc/passwd", "2024/../2024/pemerintah-desa.rubric",
    "%2e%2e/etc/passwd", "file:///etc/passwd", "2024/pemerintah-desa.rubric\ud800", "\u202e2024",
    "2024/pemerintah-desa.rubric\n", "a" * 5000, "a/" * 2000, "2025/pemerintah-desa.rubric",
)


def extends_rubric(path: str) -> str:
    """A rubric that builds on `path` and changes nothing."""
    return 'rubric "Paritrana Award" edition 2025 period 2024\n' + f"extends {rubric_string(path)}\n"


RUBRIC_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-8, cut in a character",
                    "utf-8 with surrogates")


def rubric_bytes(text: str, encoding: str) -> bytes:
    """Rubric text as a file holds it, in an encoding (what it cannot spell becomes '?'), or broken UTF-8."""
    data = text.encode("utf-8", "surrogatepass")
    if encoding == "utf-8, cut in a character":
        return data[: len(data) // 2] + "é".encode()[:1]
    if encoding == "utf-8 with surrogates":
        return data + "\ud800".encode("utf-8", "surrogatepass")
    return text.encode(encoding, "replace")


NOISE_EDITS = ("insert", "delete", "duplicate-line", "swap-lines", "truncate", "line-endings", "bom", "repeat")
NOISE = (*CONTROL_CHARACTERS, "#", '"', "\\", "{", "}", "(", ")", "%", "->", "-", ",", ":", "\r\n", "\n\n", " " * 100,
         "input", "criterion x weight 100%", "extends", "\ufeff", "if", "then", "else", "é", "\U0001f600")


def noisy(text: str, edit: str, position: int, piece: str) -> str:
    """The text with one edit at `position` (counted round the text's length): the ways files get damaged."""
    at = position % (len(text) + 1)
    lines = text.split("\n")
    line = position % len(lines)
    if edit == "insert":
        return text[:at] + piece + text[at:]
    if edit == "delete":
        return text[:at] + text[at + len(piece) + 1:]
    if edit == "duplicate-line":
        return "\n".join([*lines[: line + 1], *lines[line:]])
    if edit == "swap-lines":
        other = (line + 1) % len(lines)
        lines[line], lines[other] = lines[other], lines[line]
        return "\n".join(lines)
    if edit == "truncate":
        return text[:at]
    if edit == "line-endings":
        return text.replace("\n", piece if piece in ("\r", "\r\n", "\x85", "\u2028", "\x0b") else "\r")
    if edit == "bom":
        return "\ufeff" + text
    return text[:at] + text[at: at + 64] * (len(piece) * 50) + text[at:]


# ------------------------------------------------------------------ candidate records and data files


@functools.cache
def example_records(relative: str) -> tuple[dict[str, Any], ...]:
    """The bundled example candidates of a rubric (without their expectations): realistic records to spoil."""
    edition, name = relative.split("/")
    path = ROOT / "examples" / edition / name.replace(".rubric", ".yaml")
    if not path.exists():  # an edition without its own examples uses the one before's
        path = ROOT / "examples" / "2024" / name.replace(".rubric", ".yaml")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple({k: v for k, v in record.items() if k != "expect"} for record in document["candidates"])


def valid_value(rng: random.Random, spec: InputSpec) -> object:
    """A value the input accepts, often at an edge: its bounds, the largest number the engine takes, odd text."""
    if spec.kind in ("number", "count"):
        return valid_number(rng, spec)
    if spec.kind == "bool":
        return rng.choice((True, False, "yes", "no", "true", "false", "ya", "tidak", " Yes "))
    if spec.kind == "one_of":
        return rng.choice(spec.members) if spec.members else ""
    if spec.kind == "set_of":
        chosen = rng.sample(spec.members, rng.randint(0, len(spec.members)))
        return ";".join(chosen) if rng.random() < 0.3 else chosen
    if spec.kind == "panel":
        return {f"juri{i}": valid_number(rng, spec) for i in range(rng.randint(3, 7))}
    return rng.choice((*TEXTS, *FORMULAS, "Jawa Timur"))


def valid_number(rng: random.Random, spec: InputSpec) -> object:
    largest = Decimal(10) ** MAX_MAGNITUDE - 1
    low = spec.lower if spec.lower is not None else (Decimal(0) if spec.kind == "count" else -largest)
    high = spec.upper if spec.upper is not None else largest
    low, high = max(low, -largest), min(high, largest)
    if low > high:
        return str(spec.lower)
    choice = rng.choice((low, high, (low + high) / 2, low + 1, Decimal(rng.randint(0, 10**6)) / 1000))
    number = min(max(choice, low), high)
    number = number.to_integral_value() if spec.kind == "count" else number.quantize(Decimal("0.001"))
    return rng.choice((str(number), number, int(number) if number == number.to_integral_value() else str(number)))



def edge_candidates(seed: int) -> Candidates:
    """For whatever rubric loaded: two candidates of valid values at their edges, drawn from a seeded random."""
    rng = random.Random(seed)
    return lambda rubric: [{spec.name: valid_value(rng, spec) for spec in rubric.input_specs} for _ in range(2)]


@dataclass(frozen=True)
class DataFile:
    """A candidate file's bytes, how many records it holds (None when its shape leaves that open), its style."""

    suffix: str
    data: bytes
    records: int | None
    style: str


def _marked(value: object, raws: list[str]) -> object:
    """The value with each Raw token replaced by a marker (plain letters in YAML and JSON alike)."""
    if isinstance(value, Raw):
        raws.append(str(value))
        return f"RAWTOKEN{len(raws) - 1}X"
    if isinstance(value, Mapping):
        return {_marked(str(k), raws): _marked(v, raws) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_marked(v, raws) for v in value]
    if isinstance(value, (Decimal, bytes, bytearray)):
        return str(value)
    if isinstance(value, str) and re.search("[\ud800-\udfff]", value):
        return _marked(Raw(json.dumps(value)), raws)  # YAML and JSON spell a lone surrogate with an escape only
    return value


def _unmarked(text: str, raws: list[str], quoted: bool) -> str:
    for number, token in enumerate(raws):
        marker = f"RAWTOKEN{number}X"
        text = text.replace(f'"{marker}"' if quoted else marker, token, 1)
    return text


def json_text(value: object, ensure_ascii: bool = False, indent: int | None = None) -> str:
    raws: list[str] = []
    return _unmarked(json.dumps(_marked(value, raws), ensure_ascii=ensure_ascii, indent=indent), raws, quoted=True)


def yaml_text(value: object, flow: bool = False) -> str:
    raws: list[str] = []
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(_marked(value, raws), Dumper=dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=flow, width=2**30)
    return _unmarked(text, raws, quoted=False)


def cell_text(value: object) -> str:
    """A value as a CSV cell holds it: lists as a;b, a jury panel as juror=score;..."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return ";".join(f"{k}={cell_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(cell_text(v) for v in value)
    return str(value)


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes that are not UTF-8


_BROKEN_YAML = ("multi-document", "tabs", "empty", "scalar", "unknown-top")
YAML_STYLES = ("block", "flow", "list", "anchors", "merge", "self", "fan-out", "deep", "tags", "duplicate-keys",
               "null-items", "crlf", "bom", *_BROKEN_YAML)
YAML_TAGS = ("!!python/object/apply:os.system ['true']", "!!binary aGk=", "!!set {a: null}", "!!omap [a: 1]",
             "!!timestamp 2001-12-14", "!!float .nan", "!!int 0x1F", "!custom x", "!!str", "!!null ''", "!<tag:x> y")


def yaml_file(records: Sequence[Mapping[str, Any]], style: str, size: int) -> DataFile:
    """A YAML candidate file: a `candidates` list, or a damaged or hostile document around it."""
    items = list(records)
    body = yaml_text({"candidates": items})
    count: int | None = len(items)
    if style == "flow":
        body = json_text({"candidates": items})
    elif style == "list":
        body = yaml_text(items)
    elif style in ("anchors", "merge", "self", "fan-out", "deep"):
        body, count = _aliased_yaml(style, items[0] if items else {}, size)
    elif style == "tags":
        body = "candidates:\n" + "".join(f"- id: tag{i}\n  provinsi: {tag}\n" for i, tag in enumerate(YAML_TAGS))
        count = None
    elif style == "duplicate-keys":
        body = "candidates:\n- {id: a, id: b, provinsi: x, provinsi: y}\n" + body.split("\n", 1)[1]
        count = len(items) + 1
    elif style == "null-items":
        body = "candidates:\n-\n- ~\n- 7\n- [a]\n" + body.split("\n", 1)[1]
        count = len(items) + 4
    elif style == "crlf":
        body = body.replace("\n", "\r\n")
    elif style == "bom":
        body = "\ufeff" + body
    elif style in _BROKEN_YAML:
        body, count = _broken_yaml(style, body), None
    return DataFile(".yaml", _encoded(body), count, style)


def _aliased_yaml(style: str, first: Mapping[str, Any], size: int) -> tuple[str, int]:
    """Anchors and aliases: a record repeated, merged, holding itself, fanning out, or nested deep."""
    if style == "anchors":  # the first record again by alias, `size` times: the same id, rejected each time
        return "candidates:\n- &c0 " + json_text(first) + "\n" + "- *c0\n" * size, 1 + size
    if style == "merge":
        return "candidates:\n- &c0 " + json_text(first) + "\n" + "".join(
            f"- <<: *c0\n  id: merged-{i}\n" for i in range(size)), 1 + size
    if style == "self":
        return "candidates:\n- &s {id: self, provinsi: *s, aparat_desa: [*s], kabupaten: {a: *s}}\n", 1
    if style == "fan-out":  # each level lists the one before nine times: 9**9 leaves in under 500 bytes at most
        levels = ["&l0 [x, x, x, x, x, x, x, x, x]", *(f"&l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]"
                                                       for i in range(1, min(max(size, 1), 9)))]
        return "candidates:\n- id: fan\n  tree: [" + ", ".join(levels) + f"]\n  provinsi: *l{len(levels) - 1}\n", 1
    return "candidates:\n- id: deep\n  provinsi: " + "[" * size + "x" + "]" * size + "\n", 1


def _broken_yaml(style: str, body: str) -> str:
    """A document that is not a candidate file as a whole (it must be refused with one clear problem)."""
    if style == "multi-document":
        return "---\n" + body + "---\n" + body
    if style == "tabs":
        return body.replace("\n  ", "\n\t", 1)
    if style == "empty":
        return ""
    if style == "scalar":
        return "just text\n"
    return "extra: &x 1\n" + body


_BROKEN_JSON = ("long-integer", "top-duplicate", "trailing", "not-a-list", "deep-document", "empty", "null",
                "unknown-top")
JSON_STYLES = ("list", "object", "pretty", "ascii", "bom", "duplicate-keys", "scalars", "numbers", "constants",
               "deep-value", *_BROKEN_JSON)


def json_file(records: Sequence[Mapping[str, Any]], style: str, size: int) -> DataFile:
    """A JSON candidate file: a list, or an object with a `candidates` list; or one to refuse as a whole."""
    items = list(records)
    count: int | None = len(items)
    body = json_text(items)
    if style == "object":
        body = json_text({"candidates": items, "rubric": "2024/pemerintah-desa.rubric"})
    elif style == "pretty":
        body = json_text(items, indent=2)
    elif style == "ascii":
        body = json_text(items, ensure_ascii=True)
    elif style == "bom":
        body = "\ufeff" + body
    elif style == "duplicate-keys":
        body = '[{"id": "a", "id": "b", "provinsi": 1, "provinsi": 2}, ' + body[1:]
        count = len(items) + 1
    elif style == "scalars":
        body = '[1, "x", null, [], true, 1e999999999, ' + body[1:]
        count = len(items) + 6
    elif style == "numbers":
        exact = [token for token in JSON_NUMBERS if not token.lstrip("-").isdigit()]  # an int past 4,300 digits
        body = json_text([{"id": f"n{i}", "aparat_desa": Raw(token), "nilai_pemahaman": Raw(token)}  # is refused
                          for i, token in enumerate(exact)])
        count = len(exact)
    elif style == "constants":
        body = '[{"id": "c", "nilai_pemahaman": NaN, "aparat_desa": -Infinity}]'
        count = 1
    elif style == "deep-value":
        body = '[{"id": "deep", "provinsi": ' + "[" * size + "]" * size + "}]"
        count = 1
    elif style in _BROKEN_JSON:
        body, count = _broken_json(style, body, size), None
    return DataFile(".json", _encoded(body), count, style)


def _broken_json(style: str, body: str, size: int) -> str:
    if style == "top-duplicate":
        return '{"candidates": [], "candidates": ' + body + "}"
    if style == "long-integer":  # Python refuses to read an int of more than 4,300 digits
        return '[{"id": "long", "aparat_desa": ' + "9" * (4301 + size) + "}]"
    if style == "trailing":
        return body + " ]"
    if style == "not-a-list":
        return '{"candidates": 5}'
    if style == "deep-document":
        return "[" * size + "]" * size
    if style == "empty":
        return ""
    if style == "null":
        return "null"
    return '{"candidates": ' + body + ', "extra": 1}'


JSONL_STYLES = ("lines", "crlf", "cr", "blank-lines", "broken-line", "scalars", "deep-line", "numbers", "bom", "nul",
                "no-final-newline", "duplicate-keys", "huge-line", "unicode-separators", "invalid-utf8")


def jsonl_file(records: Sequence[Mapping[str, Any]], style: str, size: int) -> DataFile:
    """A JSON Lines file, one candidate a line, damaged line by line (a bad line is that record's problem)."""
    lines = [json_text(record) for record in records]
    ending = {"crlf": "\r\n", "cr": "\r"}.get(style, "\n")
    if style == "blank-lines":
        lines = [piece for line in lines for piece in (line, "", "   ", "\t")]
    elif style == "broken-line":
        lines.append('{"id": "broken",')
    elif style == "scalars":
        lines += ["[1]", '"x"', "null", "5", "{}", "[]"]
    elif style == "deep-line":
        lines.append('{"id": "deep", "provinsi": ' + "[" * size + "]" * size + "}")
    elif style == "numbers":
        lines += [f'{{"id": "n{i}", "aparat_desa": {token}}}' for i, token in enumerate(JSON_NUMBERS)]
    elif style == "nul":
        lines.append('{"id": "nul\x00", "provinsi": "a\x00b"}')
    elif style == "duplicate-keys":
        lines.append('{"id": "a", "id": "b"}')
    elif style == "huge-line":
        lines.append(json_text({"id": "huge", "provinsi": "x" * size * 100}))
    elif style == "unicode-separators":
        lines.append('{"id": "sep\u2028\u2029\x85", "provinsi": "a\u2028b"}')
    text = ending.join(lines) + ("" if style == "no-final-newline" else ending)
    count = sum(1 for line in re.split("\r\n|\r|\n", text) if line.strip())
    data = _encoded("\ufeff" + text if style == "bom" else text)
    if style == "invalid-utf8":
        return DataFile(".jsonl", data + b'{"id": "\xff"}\n', None, style)
    return DataFile(".jsonl", data, count, style)


CSV_STYLES = ("plain", "lf", "cr", "mixed", "quote-all", "bom", "blank-rows", "ragged", "nul", "formulas", "huge-cell",
              "semicolon", "duplicate-columns", "no-id", "unterminated", "header-only", "invalid-utf8")


def _csv_cell(cell: str, quote_all: bool) -> str:
    if quote_all or any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _csv_rows(records: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[str]]]:
    header = ["id"]
    for record in records:
        header += [str(key) for key in record if str(key) not in header]
    return header, [[cell_text(record.get(name)) for name in header] for record in records]


def csv_file(records: Sequence[Mapping[str, Any]], style: str, size: int) -> DataFile:
    """A CSV file with a header row: quoted, unquoted, with odd line endings, hostile cells, or broken."""
    header, rows = _csv_rows(records)
    if style == "blank-rows":
        rows = [piece for row in rows for piece in (row, [""] * len(header), [" "] * len(header))]
    elif style == "ragged":
        rows = [row + ["extra"] * (i % 3) if i % 2 else row[: max(1, len(row) - i)] for i, row in enumerate(rows)]
    elif style == "nul":
        rows = [[cell + "\x00" for cell in row] for row in rows]
    elif style == "formulas":
        rows = [[FORMULAS[(i + j) % len(FORMULAS)] if j else cell for j, cell in enumerate(row)]
                for i, row in enumerate(rows)]
    elif style == "huge-cell" and rows:
        rows[0] = [*rows[0][:1], "x" * size * 1000, *rows[0][2:]]
    elif style == "duplicate-columns":
        header = [*header, header[-1]]
    elif style == "no-id":
        header = ["nomor", *header[1:]]
    elif style == "header-only":
        rows = []
    endings = {"lf": ["\n"], "cr": ["\r"], "mixed": ["\n", "\r\n", "\r"]}.get(style, ["\r\n"])
    delimiter = ";" if style == "semicolon" else ","
    lines = [delimiter.join(_csv_cell(cell, style == "quote-all") for cell in row) for row in [header, *rows]]
    text = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))
    if style == "unterminated":
        text += '"never closed,' + "x" * size
    text = "\ufeff" + text if style == "bom" else text
    data = _encoded(text) + (b"id\n\xff\xfe\n" if style == "invalid-utf8" else b"")
    known = style not in ("semicolon", "duplicate-columns", "no-id", "unterminated", "invalid-utf8", "huge-cell")
    count = sum(1 for row in rows if any(cell.strip() for cell in row)) if known else None
    return DataFile(".csv", data, count, style)


XLSX_STYLES = ("sheet", "formulas", "empty", "corrupt")


def xlsx_file(records: Sequence[Mapping[str, Any]], style: str, size: int) -> DataFile:
    """A workbook (the `xlsx` extra): its first sheet read like a CSV file; cells a sheet cannot hold become '?'."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    header, rows = _csv_rows(records)
    if style == "formulas":
        rows = [[cell if j == 0 else FORMULAS[j % len(FORMULAS)] for j, cell in enumerate(row)] for row in rows]
    header, *rows = [[re.sub("[\ud800-\udfff]", "?", ILLEGAL_CHARACTERS_RE.sub("?", cell)) for cell in row]
                     for row in [header, *rows]]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in [] if style == "empty" else [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if style == "corrupt":
        return DataFile(".xlsx", data[: len(data) // 2], None, style)
    # A formula has no value until a spreadsheet computes it: read back, its cell is empty.
    count = sum(1 for row in rows if any(cell.strip() and not cell.startswith("=") for cell in row))
    return DataFile(".xlsx", data, None if style == "empty" else count, style)


DATA_FILES: dict[str, tuple[Callable[[Sequence[Mapping[str, Any]], str, int], DataFile], tuple[str, ...]]] = {
    ".yaml": (yaml_file, YAML_STYLES),
    ".json": (json_file, JSON_STYLES),
    ".jsonl": (jsonl_file, JSONL_STYLES),
    ".csv": (csv_file, CSV_STYLES),
    ".xlsx": (xlsx_file, XLSX_STYLES),
}


def data_file(suffix: str, records: Sequence[Mapping[str, Any]], style: str, size: int) -> DataFile:
    build, _ = DATA_FILES[suffix]
    return build(records, style, size)


# ------------------------------------------------------------------ ledgers


@functools.cache
def ledger(relative: str) -> bytes:
    """The sealed ledger of a bundled rubric's example candidates, as `score --audit` writes it."""
    rubric = bundled(relative)
    written = io.BytesIO()
    score_file(rubric, ROOT / "examples" / relative.replace(".rubric", ".yaml"), io.BytesIO(), form="jsonl",
               ledger=written)
    return written.getvalue()


LEDGER_EDITS = ("flip-bit", "set-byte", "insert", "delete", "duplicate-span", "swap-bytes", "whitespace", "escape",
                "reorder-keys", "replace-value", "join-lines", "delete-line", "duplicate-line", "swap-lines",
                "truncate")
LEDGER_PAYLOADS = (
    b"\x00", b"\xff", b"\xc3", b'"', b"\\", b"{", b"}", b"[", b"]", b",", b":", b" ", b"\n", b"\r", b"\t", b"0",
    b"9", b"-", b".", b"e", b"N", b"\xef\xbb\xbf", b"\\u0000", b"\\ud800", b"\\\\", b"null", b"true", b"[]", b"{}",
    b'"x"', b'""', *(token.encode() for token in JSON_NUMBERS),
)
_SCALAR = re.compile(rb'"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null')


def edit_ledger(original: bytes, edit: str, line: int, position: int, payload: bytes) -> bytes:
    """The ledger with one edit in one line (both counted round): every way a byte can be changed."""
    lines = original.split(b"\n")[:-1]
    number = line % len(lines)
    text = lines[number]
    at = position % max(len(text), 1)
    if edit in ("join-lines", "delete-line", "duplicate-line", "swap-lines", "truncate"):
        return _line_edit(lines, number, at, edit)
    lines[number] = _byte_edit(text, at, edit, payload)
    return b"".join(line + b"\n" for line in lines)


def _line_edit(lines: list[bytes], number: int, at: int, edit: str) -> bytes:
    if edit == "join-lines" and number + 1 < len(lines):
        lines[number: number + 2] = [lines[number] + lines[number + 1]]
    elif edit == "join-lines":
        return b"".join(line + b"\n" for line in lines)[:-1]
    elif edit == "delete-line":
        del lines[number]
    elif edit == "duplicate-line":
        lines.insert(number, lines[number])
    elif edit == "swap-lines":
        other = (number + 1) % len(lines)
        lines[number], lines[other] = lines[other], lines[number]
    else:
        return b"".join(line + b"\n" for line in lines[:number]) + lines[number][:at]
    return b"".join(line + b"\n" for line in lines)


def _byte_edit(text: bytes, at: int, edit: str, payload: bytes) -> bytes:
    if edit == "flip-bit":
        return text[:at] + bytes([text[at] ^ (1 << (payload[0] % 8))]) + text[at + 1:]
    if edit == "set-byte":
        return text[:at] + payload[:1] + text[at + 1:]
    if edit == "insert":
        return text[:at] + payload + text[at:]
    if edit == "delete":
        return text[:at] + text[at + 1 + len(payload) % 16:]
    if edit == "duplicate-span":
        return text[:at] + text[at: at + 1 + len(payload)] + text[at:]
    if edit == "swap-bytes":
        return text[:at] + text[at + 1: at + 2] + text[at: at + 1] + text[at + 2:]
    if edit == "whitespace":  # a space after a separator: the same JSON, other bytes
        found = min((i for i in (text.find(b":", at), text.find(b",", at)) if i >= 0), default=-1)
        return text[: found + 1] + b" " + text[found + 1:]
    if edit == "escape":  # a letter written as its \u escape: inside a string, the same JSON
        found = re.compile(rb"[a-z]").search(text, at)
        return text[: found.start()] + b"\\u%04x" % found.group()[0] + text[found.end():] if found else text
    if edit == "reorder-keys":  # the same record, its keys in reverse order
        with contextlib.suppress(ValueError):
            document = json.loads(text)
            if isinstance(document, dict):
                return json.dumps(dict(reversed(document.items())), separators=(",", ":"),
                                  ensure_ascii=False).encode()
        return text
    found = _SCALAR.search(text, at) or _SCALAR.search(text)
    return text[: found.start()] + payload + text[found.end():] if found else text


def describe_edit(original: bytes, edited: bytes) -> str:
    """What an edit changed, in the terms of a ledger: the same JSON written otherwise, or which fields changed."""
    before, after = original.split(b"\n"), edited.split(b"\n")
    if len(before) != len(after):
        return "lines added, removed or joined"
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    if len(changed) != 1:
        return "lines reordered"
    old, new = (_parsed(line) for line in changed[0])
    if old is None or new is None:
        return "a line that is no longer JSON"
    if old == new:
        return "the same JSON written with other bytes"
    if isinstance(old, dict) and isinstance(new, dict):
        fields = sorted(k for k in {*old, *new} if old.get(k) != new.get(k))
        return "a change of " + ", ".join(f"'{k}'" for k in fields)
    return "a record that is no longer an object"


def _parsed(line: bytes | str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


# ------------------------------------------------------------------ failures and what they point at


@dataclass(frozen=True)
class Failure:
    """A broken promise. `signature` is what makes two failures the same; `detail` the traceback or the story."""

    area: str  # data, rubric, check-compile, ledger, batch-output
    signature: str
    detail: str
    foreign: bool = False  # an exception the contract does not allow (rather than another broken promise)


@dataclass
class Verdict:
    """How the library answered one input: failures, and for data files the rows that went in and came out."""

    failures: list[Failure] = field(default_factory=list)
    rows_in: int | None = None
    rows_out: int | None = None
    refused: str | None = None  # the allowed error's gist, when the library refused the input as a whole


class TooSlow(BaseException):
    """Raised into an input's work when it runs past STOP_AFTER; a BaseException, so that `except Exception`
    in the library does not swallow it."""


# Where in the library a traceback ends says whose failure it is; root modules shared by all stages say nothing.
_AREAS = (("data/", "data"), ("language/", "rubric"), ("check/", "check-compile"), ("compile/", "check-compile"),
          ("evaluate/", "check-compile"), ("audit/", "ledger"), ("batch/", "batch-output"), ("outputs.py",
          "batch-output"), ("processes.py", "batch-output"), ("explain/", "batch-output"), ("rank/", "batch-output"),
          ("cli/", "batch-output"))
KIND_AREAS = {"rubric": "rubric", "scoring": "check-compile", "record": "data", "file": "data",
              "command": "batch-output", "ledger": "ledger", "harness": "harness"}
_PACKAGE = "/paritrana_rules/"


def area_of(module: str | None, kind: str) -> str:
    for prefix, area in _AREAS:
        if module and module.startswith(prefix):
            return area
    return KIND_AREAS[kind]


def exception_failure(error: BaseException, kind: str) -> Failure:
    """A foreign exception, named by its type and the innermost library function it passed through; its area is
    that of the innermost stage it passed through (root modules such as canonical.py serve every stage)."""
    frames = [(frame.filename.replace("\\", "/").split(_PACKAGE)[-1], frame.name)
              for frame in traceback.extract_tb(error.__traceback__) if _PACKAGE in frame.filename.replace("\\", "/")]
    area, where = _place(frames, kind)
    name = _stopped(error.args[0]) if isinstance(error, TooSlow) else type(error).__name__
    detail = "".join(traceback.format_exception(error)[-12:])
    return Failure(area, f"{name} in {where} ({kind})", detail[-6000:], not isinstance(error, TooSlow))


def _place(frames: list[tuple[str, str]], kind: str) -> tuple[str, str]:
    """The area of the innermost stage a traceback passed through, and the library function it ended in."""
    staged = [module for module, _ in frames if "/" in module or module in ("outputs.py", "processes.py")]
    where = f"{frames[-1][0]}:{frames[-1][1]}" if frames else "outside the library"
    return area_of(staged[-1] if staged else None, kind), where


def _stopped(seconds: float) -> str:
    if seconds >= SECONDS_LIMIT:
        return f"over {seconds:g} s, stopped"
    return f"slow like others of its kind that passed {STOP_AFTER:g} s (stopped at {seconds:g} s)"


def _traceback_failure(stderr: str, kind: str) -> Failure:
    """A failure read from a traceback the command printed (with --debug)."""
    frames = re.findall(r'File "[^"]*/paritrana_rules/([^"]+)", line \d+, in (\S+)', stderr)
    named = re.search(r"internal error: (\w+)", stderr)
    area, where = _place(frames, kind)
    return Failure(area, f"exit 3: {named.group(1) if named else 'no message'} in {where} ({kind})", stderr[-6000:],
                   True)


def _broken(area: str, promise: str, detail: str) -> Failure:
    return Failure(area, promise, detail)


# ------------------------------------------------------------------ judges: one input against the contract

Candidates = Callable[[pr.CompiledRubric], Iterable[Mapping[str, Any]]]


def judge_rubric_text(text: str, candidates: Candidates, explain: bool = False) -> Verdict:
    """Rubric text loads or raises RubricError with located diagnostics; once it loads, valid candidates score."""
    return _judge_rubric(lambda: pr.loads(text, str(GENERATED_RUBRIC)), text, candidates, explain)


def judge_rubric_file(path: Path, candidates: Candidates, explain: bool = False) -> Verdict:
    """The same for a rubric file, whatever its bytes: another encoding, a character cut, bytes UTF-8 forbids."""
    return _judge_rubric(lambda: pr.load(path), path.read_bytes().decode("utf-8", "replace"), candidates, explain)


def _judge_rubric(load: Callable[[], pr.CompiledRubric], text: str, candidates: Candidates,
                  explain: bool) -> Verdict:
    try:
        rubric = load()
    except pr.RubricError as error:
        return Verdict(_unlocated(error, text), refused="rubric error")
    except (Exception, TooSlow) as error:
        return Verdict([exception_failure(error, "rubric")])
    failures: list[Failure] = []
    for raw in candidates(rubric):
        failures += judge_candidate(rubric, raw, "scoring", explain)
    return Verdict(failures)


def _unlocated(error: pr.RubricError, text: str) -> list[Failure]:
    if not error.diagnostics:
        return [_broken("rubric", "RubricError with no diagnostic", repr(text[:200]))]
    lines = len(text.splitlines()) + text.count("\n") + 2  # whichever characters a reader takes for line breaks
    bad = [d for d in error.diagnostics if d.span.line < 1 or d.span.column < 1
           or (d.span.path == str(GENERATED_RUBRIC) and d.span.line > lines)]
    return [_broken("rubric", f"diagnostic {bad[0].code} is not located in the text", repr(bad[0]))] if bad else []


def judge_record(rubric: pr.CompiledRubric, raw: Mapping[str, Any]) -> Verdict:
    """A candidate record, as a Python caller or a file gives it, is scored or raises InputError."""
    return Verdict(judge_candidate(rubric, raw))


def judge_candidate(rubric: pr.CompiledRubric, raw: Mapping[str, Any], kind: str = "record",
                    explain: bool = False) -> list[Failure]:
    """A candidate's values score, at the last stage and the first, or raise InputError listing problems."""
    try:
        views = [rubric, rubric.at_stage(0)] if rubric.stage_names else [rubric]
    except (Exception, TooSlow) as error:
        return [exception_failure(error, kind)]
    failures: list[Failure] = []
    for view in views:
        names = {spec.name for spec in view.input_specs}
        values = raw if view is rubric else {k: v for k, v in raw.items() if k in names}
        failures += _scored(view, values, kind, explain)
    return failures


def _scored(rubric: pr.CompiledRubric, values: Mapping[str, Any], kind: str, explain: bool) -> list[Failure]:
    try:
        traced = rubric.evaluate(values, "hostile")
        fast = rubric.evaluate(values, "hostile", trace=False)
        traced.to_dict()
        traced.audit()
        if explain:
            traced.explain("id")
    except pr.InputError as error:
        return [] if error.problems else [_broken(KIND_AREAS[kind], "InputError with no problem", str(error))]
    except (Exception, TooSlow) as error:
        return [exception_failure(error, kind)]
    if (fast.total, fast.status) != (traced.total, traced.status):
        return [_broken("check-compile", "the fast and traced paths disagree",
                        f"fast {fast.total} {fast.status}, traced {traced.total} {traced.status}")]
    return []


def judge_file(rubric: pr.CompiledRubric, path: Path, records: int | None, form: str, audit: bool,
               jobs: int = 1) -> Verdict:
    """The batch path gives one output row per record (and a ledger record each), or refuses the file whole."""
    output = io.BytesIO()
    written = io.BytesIO() if audit else None
    try:
        report = score_file(rubric, path, output, form=form, ledger=written, jobs=jobs)
    except pr.InputError as error:
        return _refused_file(error, path, records)
    except (Exception, TooSlow) as error:
        return Verdict([exception_failure(error, "file")], rows_in=records)
    rows, failures = output_rows(output.getvalue(), form)
    if records is not None and len(rows) != records:
        failures.append(_broken("batch-output", f"{form} output rows differ from the records read "
                                f"({_more(len(rows), records)})",
                                f"{records} records in, {len(rows)} rows out; statuses {_statuses(rows)}"))
    if report.rows != len(rows):
        failures.append(_broken("batch-output", "the report counts other rows than the output holds",
                                f"report {report.rows}, output {len(rows)}"))
    if written is not None:
        failures += ledger_failures(written.getvalue(), len(rows))
    return Verdict(failures, rows_in=records, rows_out=len(rows))


def _more(out: int, expected: int) -> str:
    return "rows lost" if out < expected else "rows added"


def _statuses(rows: Sequence[Mapping[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row.get("status"))] = counts.get(str(row.get("status")), 0) + 1
    return ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))


def _refused_file(error: pr.InputError, path: Path, records: int | None) -> Verdict:
    """Allowed: an InputError about the file as a whole. An InputError about a record must have been a row."""
    label = str(path)
    if error.problems and all(problem.candidate == label for problem in error.problems):
        return Verdict(rows_in=records, refused=_gist(error.problems[0].message))
    return Verdict([_broken("data", "InputError about records (not the file) stopped the batch", str(error)[:3000])],
                   rows_in=records)


def _gist(message: str) -> str:
    """The kind of a message, without the values it names: what groups refusals in a report."""
    return re.sub(r"\d+", "N", message.split(":", maxsplit=1)[0])[:60]


def output_rows(data: bytes, form: str) -> tuple[list[dict[str, Any]], list[Failure]]:
    """The rows of a CSV or JSON Lines output, each with its status; what is not a row is a failure."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [], [_broken("batch-output", f"the {form} output is not UTF-8", str(error))]
    if form == "jsonl":
        rows = []
        for line in text.split("\n"):
            if line:
                row = _parsed(line)
                rows.append(row if isinstance(row, dict) else {"status": None, "line": line[:200]})
    else:
        table = _csv_table(text)
        header = table[0] if table else []
        rows = [dict(zip(header, row, strict=False)) if len(row) == len(header) else {"status": None}
                for row in table[1:]]
    bad = [row for row in rows if row.get("status") not in STATUSES]
    return rows, [_broken("batch-output", f"the {form} output holds a line that is not a row", repr(bad[0])[:500])] \
        if bad else []


def _csv_table(text: str) -> list[list[str]]:
    """An output CSV read back, however long its cells (the reader's limit is the library's, so it is restored)."""
    limit = csv.field_size_limit(2**31 - 1)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return [["status"], ["(not CSV)"]]
    finally:
        csv.field_size_limit(limit)


def ledger_failures(data: bytes, rows: int) -> list[Failure]:
    """A ledger written alongside holds one record per output row, and ends with its seal."""
    documents = [_parsed(line) for line in data.split(b"\n") if line]
    kinds = [document.get("kind") if isinstance(document, dict) else None for document in documents]
    records = sum(1 for kind in kinds if kind in ("scored", "rejected"))
    if None in kinds or not kinds or kinds[-1] != "seal":
        return [_broken("ledger", "the ledger written with a batch is not sealed JSON records", repr(kinds[-5:]))]
    if records != rows:
        return [_broken("ledger", "the ledger holds other records than the output has rows",
                        f"{records} records, {rows} rows")]
    return []


def judge_command(rubric: Path, data: Path, records: int | None, out: Path) -> Verdict:
    """`paritrana-rules score ... --format jsonl -o OUT` exits 0 or 1 (1 iff a row is rejected or the file is)."""
    argv = ["score", str(rubric), str(data), "--format", "jsonl", "--output", str(out), "--debug"]
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli.main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
        except (Exception, TooSlow) as error:
            return Verdict([exception_failure(error, "command")], rows_in=records)
    if code not in (0, 1):
        return Verdict([_traceback_failure(stderr.getvalue(), "command")], rows_in=records)
    if not out.exists():
        failures = [] if code == 1 else [_broken("batch-output", "exit 0 and no output file", stderr.getvalue())]
        return Verdict(failures, rows_in=records, refused=_gist(stderr.getvalue().strip() or "no output"))
    rows, failures = output_rows(out.read_bytes(), "jsonl")
    out.unlink()
    rejected = any(row.get("status") == "rejected" for row in rows)
    if code != int(rejected):
        failures.append(_broken("batch-output", f"exit {code} with {'a' if rejected else 'no'} rejected row",
                                stderr.getvalue()[-2000:]))
    if records is not None and len(rows) != records:
        failures.append(_broken("batch-output", "the command's rows differ from the records read "
                                f"({_more(len(rows), records)})",
                                f"{records} records in, {len(rows)} rows out"))
    return Verdict(failures, rows_in=records, rows_out=len(rows))


def judge_ledger_edit(rubric: Path, path: Path, original: bytes, edited: bytes) -> Verdict:
    """Replay finds every edit of a ledger's bytes, and never raises."""
    if edited == original:
        return Verdict(refused="unchanged")
    path.write_bytes(edited)
    try:
        report = pr.replay(path, [rubric])
    except (Exception, TooSlow) as error:
        return Verdict([exception_failure(error, "ledger")])
    if report.ok:
        what = describe_edit(original, edited)
        return Verdict([_broken("ledger", f"replay finds nothing wrong after {what}", _difference(original, edited))])
    return Verdict(refused="found")


def _difference(original: bytes, edited: bytes) -> str:
    start = next((i for i, (a, b) in enumerate(zip(original, edited, strict=False)) if a != b),
                 min(len(original), len(edited)))
    line = original[:start].count(b"\n") + 1
    return (f"line {line}, byte {start}: {original[max(0, start - 40): start + 40]!r} became "
            f"{edited[max(0, start - 40): start + 40 + len(edited) - len(original)]!r}")


# ------------------------------------------------------------------ limits: time and memory of one input


@dataclass
class Usage:
    seconds: float = 0.0
    peak: int = 0  # bytes of resident memory the input needed above what the process held before it


def _resident() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _reset_peak() -> None:
    """Linux keeps a process's peak resident memory; writing 5 to clear_refs starts it again from now."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _peak() -> int:
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@contextlib.contextmanager
def measured(stop_after: float | None = STOP_AFTER) -> Iterator[Usage]:
    """Time and peak memory of the work inside; past `stop_after` seconds it is stopped with TooSlow."""
    usage = Usage()
    alarm = stop_after is not None and threading.current_thread() is threading.main_thread()

    def stop(signum: int, frame: object) -> None:
        raise TooSlow(stop_after)

    previous = signal.signal(signal.SIGALRM, stop) if alarm else None
    _reset_peak()
    before = _resident()
    start = time.perf_counter()
    if alarm:
        signal.setitimer(signal.ITIMER_REAL, stop_after or 0)
    try:
        yield usage
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        usage.seconds = time.perf_counter() - start
        usage.peak = max(0, _peak() - before)


def stopped_for_time(failure: Failure) -> bool:
    return failure.signature.startswith(("over ", "slow like "))


def limit_failures(kind: str, size: int, usage: Usage, verdict: Verdict) -> list[Failure]:
    """An input under 1 MB that took over 10 s or 1 GiB (one already stopped for time is reported once)."""
    if size >= SIZE_LIMIT:
        return []
    stopped = any(stopped_for_time(f) for f in verdict.failures)
    failures = []
    if usage.seconds > SECONDS_LIMIT and not stopped:
        failures.append(_broken(KIND_AREAS[kind], f"limit: a {kind} input under 1 MB took over {SECONDS_LIMIT:g} s",
                                f"{usage.seconds:.1f} s for {size:,} bytes"))
    if usage.peak > MEMORY_LIMIT:
        failures.append(_broken(KIND_AREAS[kind], f"limit: a {kind} input under 1 MB took over 1 GiB",
                                f"{usage.peak / 2**20:,.0f} MiB for {size:,} bytes"))
    return failures


# ------------------------------------------------------------------ findings: distinct failures, smallest example


@dataclass
class Finding:
    failure: Failure
    count: int
    example: Any  # the smallest input that shows it (or what regenerates it)
    size: int


@dataclass
class Findings:
    """Distinct failures (by area and signature), each with how often it came and its smallest example."""

    found: dict[tuple[str, str], Finding] = field(default_factory=dict)

    def add(self, failures: Iterable[Failure], example: Any, size: int) -> None:
        for failure in failures:
            key = (failure.area, failure.signature)
            known = self.found.get(key)
            if known is None:
                self.found[key] = Finding(failure, 1, example, size)
            else:
                known.count += 1
                if size < known.size:
                    known.failure, known.example, known.size = failure, example, size

    def merge(self, other: Findings) -> None:
        for finding in other.found.values():
            self.add([finding.failure], finding.example, finding.size)
            self.found[(finding.failure.area, finding.failure.signature)].count += finding.count - 1

    def sorted(self) -> list[Finding]:
        return sorted(self.found.values(), key=lambda f: (f.failure.area, -f.count, f.failure.signature))

    def __len__(self) -> int:
        return len(self.found)
