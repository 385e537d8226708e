"""Hypothesis strategies for hostile input, and the recorder that lists what the library does wrong with it.

The literals and templates come from benchmarks/hostile_inputs.py, which the million-input run
(benchmarks/fuzz.py) draws from with a seeded `random`; here Hypothesis chooses among them, so the
properties and the long run look for the same faults. The valid side of each input comes from what
exists: the grammar (`from_lark`, with the spaced terminals of test_properties), the small rubrics
and raw values of tests/strategies.py, and the package's own generator of valid candidates.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra.lark import from_lark

import paritrana_rules as pr
from paritrana_rules.committee.properties import candidate_strategy, value_strategy
from paritrana_rules.language.grammar import parser

from .strategies import raw_values, small_rubric
from .test_properties import _spaced_terminals

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import hostile_inputs as h  # noqa: E402

# Every property runs the profile's number of examples (conftest.py); hostile inputs are large and slow by design.
HOSTILE = settings(deadline=None, suppress_health_check=list(HealthCheck))
# What reads a rubric file for each example (a replay, the command) runs half as many.
SLOWER = settings(HOSTILE, max_examples=max(10, settings.default.max_examples // 2))

sizes = st.one_of(st.integers(0, 30), st.sampled_from((100, 300, 2_000)))


def built(builders: tuple[Callable[[int], Any], ...] | list[Callable[[int], Any]],
          size: st.SearchStrategy[int] = sizes) -> st.SearchStrategy[Any]:
    """A value from one of the templates that take a size."""
    return st.builds(lambda build, n: build(n), st.sampled_from(builders), size)


# ------------------------------------------------------------------ rubric texts

# The template mostly: it loads in milliseconds, a bundled rubric in tens of them.
seed_texts = st.one_of(st.just(h.TEMPLATE), st.just(h.TEMPLATE), st.sampled_from(sorted(h.seed_rubrics().values())))


def token_replacements(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(h.FIXED_TOKENS[kind]) | built(h.SIZED_TOKENS[kind])


@st.composite
def with_hostile_tokens(draw: st.DrawFn, texts: st.SearchStrategy[str] = seed_texts) -> str:
    """A rubric that checks clean, with one to three of its numbers, strings or names made hostile."""
    text = draw(texts)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("NUMBER", "STRING", "NAME")))
        text = h.with_token(text, kind, draw(st.integers(0, 1 << 16)), draw(token_replacements(kind)))
    return text


expression_rubrics = st.builds(h.expression_rubric, st.sampled_from(sorted(h.EXPRESSIONS)), sizes)
declaration_rubrics = st.builds(h.declaration_rubric, st.sampled_from(sorted(h.DECLARATIONS)), sizes)
extends_rubrics = st.builds(h.extends_rubric, st.sampled_from(h.EXTENDS_PATHS) | st.text(max_size=40))
noisy_rubrics = st.builds(h.noisy, seed_texts | with_hostile_tokens(), st.sampled_from(h.NOISE_EDITS),
                          st.integers(0, 1 << 20), st.sampled_from(h.NOISE) | st.text(max_size=4))


def grammar_texts() -> st.SearchStrategy[str]:
    """Text the grammar generates, its numbers, strings, names and comments drawn from the hostile tables."""
    explicit = {
        **_spaced_terminals(),
        "NUMBER": (st.sampled_from([n for n in h.FIXED_TOKENS["NUMBER"] if re.fullmatch(r"[0-9]+(\.[0-9]+)?", n)])
                   | built(h.SIZED_TOKENS["NUMBER"])).map(lambda n: f" {n} "),
        "STRING": st.builds(h.rubric_string, st.sampled_from(h.TEXTS + h.CONTROL_CHARACTERS) | st.text(max_size=20))
        .map(lambda s: f" {s} "),
        "NAME": (st.sampled_from(h.FIXED_TOKENS["NAME"]) | built(h.SIZED_TOKENS["NAME"])).map(lambda n: f" {n} "),
        "COMMENT": st.sampled_from(h.CONTROL_CHARACTERS).map(lambda c: f"# {c.replace(chr(10), '')}\n"),
    }
    return from_lark(parser(), start="start", explicit=explicit)


def small_rubrics_with_extreme_numbers() -> st.SearchStrategy[str]:
    """The small rubrics of tests/strategies.py (many check clean) with numbers of extreme size in them."""
    numbers = st.sampled_from(h.FIXED_TOKENS["NUMBER"][:7]) | built(h.SIZED_TOKENS["NUMBER"], st.integers(1, 60))
    return with_hostile_tokens(small_rubric()).flatmap(
        lambda text: st.builds(h.with_token, st.just(text), st.just("NUMBER"), st.integers(0, 1 << 16), numbers))


# Grammar-shaped rubric text gone hostile, by family: extreme literals in rubrics that check clean, grown nesting
# and declarations, odd `extends` paths, the damage files suffer (control characters, NUL, CR, BOM, cut or repeated
# lines), what the grammar generates with hostile terminals, and small rubrics (many check clean) with extreme numbers.
RUBRIC_TEXTS: dict[str, st.SearchStrategy[str]] = {
    "tokens": with_hostile_tokens(), "expressions": expression_rubrics, "declarations": declaration_rubrics,
    "extends": extends_rubrics, "noise": noisy_rubrics, "grammar": grammar_texts(),
    "small": small_rubrics_with_extreme_numbers(),
}


# Rubric files: text from the families above, written in another encoding, cut inside a character, or with bytes
# UTF-8 does not allow.
rubric_files = st.builds(h.rubric_bytes, with_hostile_tokens() | noisy_rubrics, st.sampled_from(h.RUBRIC_ENCODINGS))


def valid_candidates(data: st.DataObject) -> h.Candidates:
    """For a rubric that loaded: one candidate drawn by the package's own generator (none if it cannot draw one)."""
    def draw(rubric: pr.CompiledRubric) -> list[dict[str, Any]]:
        try:
            return [data.draw(candidate_strategy(rubric.input_specs))]
        except InvalidArgument:  # bounds Hypothesis cannot draw between (a number of 5,000 digits)
            return []
    return draw


# ------------------------------------------------------------------ candidate values and records

hostile_texts = st.sampled_from(h.NUMBER_TEXTS + h.TEXTS + h.FORMULAS + h.VALUE_WORDS) | st.text(
    st.characters(codec=None, categories=None), max_size=12)
file_values = hostile_texts | built(h.FILE_VALUES) | st.sampled_from(h.JSON_NUMBERS).map(h.Raw)
python_values = st.sampled_from(h.PYTHON_SCALARS) | built(h.PYTHON_VALUES) | raw_values
keys = st.sampled_from(("id", "name", "expect", "", " ", "\x00", "\ud800", "a" * 300, "__class__")) | st.text(max_size=8)


def hostile_records(rubric: pr.CompiledRubric) -> st.SearchStrategy[dict[Any, Any]]:
    """A record for the rubric: each input valid, hostile or missing, and now and then a field it does not know."""
    fields = {spec.name: value_strategy(spec) | file_values | python_values for spec in rubric.input_specs}
    extra = st.dictionaries(keys | st.integers() | st.none(), file_values | python_values, max_size=2)
    return st.builds(lambda known, unknown: {**unknown, **known}, st.fixed_dictionaries({}, optional=fields), extra)


@st.composite
def data_files(draw: st.DrawFn, rubric: str, suffixes: tuple[str, ...] = tuple(h.DATA_FILES)) -> h.DataFile:
    """A candidate file of any format and style, its records the rubric's examples with hostile values put in."""
    suffix = draw(st.sampled_from(suffixes))
    _, styles = h.DATA_FILES[suffix]
    examples = h.example_records(rubric)
    names = sorted({name for example in examples for name in example})
    spoiled = st.builds(lambda example, changes: {**example, **changes}, st.sampled_from(examples),
                        st.dictionaries(st.sampled_from(names) | keys, file_values, max_size=3))
    records = draw(st.lists(spoiled, max_size=8))
    return h.data_file(suffix, records, draw(st.sampled_from(styles)), draw(sizes))


# ------------------------------------------------------------------ ledgers


@st.composite
def ledger_edits(draw: st.DrawFn) -> tuple[str, bytes]:
    """A bundled rubric and its ledger with one edit: a bit, a byte, a span, a line, or the same JSON re-spelt."""
    rubric = draw(st.sampled_from(h.LEDGER_RUBRICS))
    payload = draw(st.sampled_from(h.LEDGER_PAYLOADS) | st.binary(min_size=1, max_size=8))
    edited = h.edit_ledger(h.ledger(rubric), draw(st.sampled_from(h.LEDGER_EDITS)), draw(st.integers(0, 1 << 16)),
                           draw(st.integers(0, 1 << 20)), payload)
    return rubric, edited


# ------------------------------------------------------------------ recording what goes wrong


def size_of(example: object) -> int:
    if isinstance(example, str):
        return len(example.encode("utf-8", "surrogatepass"))
    if isinstance(example, h.DataFile):
        return len(example.data)
    return len(example) if isinstance(example, bytes) else len(shown(example, 10**6))


def shown(example: object, limit: int = 600) -> str:
    """repr, cut to `limit` characters; what cannot be shown (nesting past the recursion limit) says why."""
    try:
        text = repr(example)
    except (RecursionError, ValueError) as error:
        return f"<not printable: {type(error).__name__}>"
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


class Recorder:
    """Collects the failures of a property's examples, and fails once at the end listing each distinct one
    with the smallest input that showed it, saved in full under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.findings, self.examples = folder, h.Findings(), 0

    def judge(self, kind: str, example: object, run: Callable[[], h.Verdict], suffix: str = ".txt") -> None:
        """Run one example within the limits; its failures, including the limits passed, are kept with the example
        (saved with `suffix` when it is bytes)."""
        self.examples += 1
        size = size_of(example)
        with h.measured() as usage:
            verdict = run()
        self.findings.add(verdict.failures + h.limit_failures(kind, size, usage, verdict), (example, suffix), size)

    def assert_none(self) -> None:
        if not self.findings:
            return
        parts = [f"{len(self.findings)} distinct failures in {self.examples} examples (the smallest input of each):"]
        for number, finding in enumerate(self.findings.sorted(), 1):
            example, suffix = finding.example
            saved = self.save(number, example, suffix)
            detail = "\n".join("      " + line for line in finding.failure.detail.strip().splitlines()[-14:])
            parts.append(f"\n{number}. [{finding.failure.area}] {finding.failure.signature} ({finding.count} examples)"
                         f"\n   reproducer ({finding.size:,} bytes, in full at {saved}): {shown(example)}"
                         f"\n{detail}")
        pytest.fail("\n".join(parts), pytrace=False)

    def save(self, number: int, example: object, suffix: str) -> Path:
        path = self.folder / f"reproducer-{number}"
        if isinstance(example, h.DataFile):
            path, data = path.with_suffix(example.suffix), example.data
        elif isinstance(example, bytes):
            path, data = path.with_suffix(suffix), example
        else:
            text = example if isinstance(example, str) else shown(example, 10**7)
            path, data = path.with_suffix(".txt"), text.encode("utf-8", "surrogatepass")
        path.write_bytes(data)
        return path
