"""Candidate data: what a person preparing candidate files sees and relies on.

Every problem of every candidate is listed at once with candidate and field;
near-misses come with a hint; numbers are exact Decimals whatever the format;
one bad candidate never drops the others; and nothing but InputError escapes.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paritrana_rules.data import (
    Candidate,
    InputSpec,
    RawCandidate,
    Rejected,
    load_candidates,
    read_candidates,
    validate,
)
from paritrana_rules.errors import InputError, InputProblem

DATA = Path(__file__).parent / "data"
NOT_FINITE = "NaN/infinity is not a number"
D = Decimal

SPECS = (
    InputSpec("coverage", "number", lower=D("0"), upper=D("100"), unit="percent"),
    InputSpec("budget", "number", lower=D("0"), unit="rupiah"),
    InputSpec("households", "count"),
    InputSpec("has_regulation", "bool"),
    InputSpec("level", "one_of", members=("desa", "kabupaten", "provinsi")),
    InputSpec("programmes", "set_of", members=("pkh", "bpnt", "pbi_jk"), has_default=True, default=frozenset()),
    InputSpec("notes", "text", has_default=True, default="(none)"),
)

GOOD = {
    "coverage": "50",
    "budget": "1000",
    "households": "4",
    "has_regulation": "yes",
    "level": "desa",
}


def problems_of(values: Mapping[str, object], specs: tuple[InputSpec, ...] = SPECS) -> list[InputProblem]:
    with pytest.raises(InputError) as caught:
        validate(values, specs, "desa-09")
    return caught.value.problems


def only_problem(field: str, raw: object, specs: tuple[InputSpec, ...] = SPECS) -> InputProblem:
    problems = problems_of({**GOOD, field: raw}, specs)
    assert [p.field for p in problems] == [field], problems
    return problems[0]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def floats_in(value: object) -> Iterator[float]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from floats_in(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from floats_in(item)


# ------------------------------------------------------------------ validate: all problems at once


def test_every_problem_of_a_candidate_is_listed_at_once() -> None:
    problems = problems_of(
        {
            "coverage": "12,5",
            "budget": "-1",
            "households": "abc",
            "has_regulation": "maybe",
            "level": "desaa",
            "programmes": ["pkh", "xyz", "pkh"],
            "covrage": "3",
        }
    )
    assert {p.candidate for p in problems} == {"desa-09"}
    assert [p.field for p in problems] == [
        "coverage", "budget", "households", "has_regulation", "level", "programmes", "programmes", "covrage",
    ]


def test_the_error_message_shows_candidate_field_and_hint() -> None:
    with pytest.raises(InputError) as caught:
        validate({**GOOD, "level": "kabupatn"}, SPECS, "desa-09")
    assert str(caught.value) == (
        "1 problem in candidate data:\n"
        "  - desa-09, field 'level': 'kabupatn' is not one of: desa, kabupaten, provinsi"
        " (hint: did you mean 'kabupaten'?)"
    )


def test_valid_values_come_back_for_every_spec_with_defaults_filled() -> None:
    assert validate(GOOD, SPECS, "desa-09") == {
        "coverage": D("50"),
        "budget": D("1000"),
        "households": D("4"),
        "has_regulation": True,
        "level": "desa",
        "programmes": frozenset(),
        "notes": "(none)",
    }


def test_id_and_name_are_not_unknown_fields() -> None:
    assert validate({**GOOD, "id": "desa-09", "name": "Desa"}, SPECS, "desa-09")["level"] == "desa"


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_an_empty_value_takes_the_default(raw: object) -> None:
    assert validate({**GOOD, "notes": raw}, SPECS, "desa-09")["notes"] == "(none)"


def test_missing_and_empty_values_without_default_are_problems() -> None:
    values = {**GOOD, "budget": None, "households": ""}
    del values["coverage"]
    problems = problems_of(values)
    assert [(p.field, p.message) for p in problems] == [
        ("coverage", "missing value"),
        ("budget", "empty value"),
        ("households", "empty value"),
    ]
    assert problems[0].hint == "expected a number, from 0% to 100%"


def test_unknown_field_gets_a_did_you_mean_hint() -> None:
    problem = only_problem("househlds", "3")
    assert problem.message == "unknown field 'househlds'"
    assert problem.hint == "did you mean 'households'?"


def test_unknown_field_without_close_match_lists_the_inputs() -> None:
    problem = only_problem("zzz", "3")
    assert problem.hint == (
        "this rubric's inputs are: coverage, budget, households, has_regulation, level, programmes, notes"
    )


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.1", "0.1"),
        (" 12.50 ", "12.50"),  # trailing zeros kept: exactly what was written
        ("-0", "0"),  # negative zero is zero: it would print as "-0.00" in a result
        (D("-0.00"), "0.00"),
        (D("1E+1"), "10"),  # as its plain text reads back (records hold numbers as plain text)
        (7, "7"),
        (D("33.333"), "33.333"),
        (0.1, "0.1"),  # a Python float goes through repr, not binary
    ],
)
def test_numbers_are_exact_decimals(raw: object, expected: str) -> None:
    spec = (InputSpec("x", "number"),)
    value = validate({"x": raw}, spec, "c")["x"]
    assert isinstance(value, Decimal)
    assert value.as_tuple() == D(expected).as_tuple()


@pytest.mark.parametrize(
    "raw", [float("nan"), float("inf"), D("NaN"), D("-Infinity"), D("sNaN"), ".nan", "-inf", "NaN"]
)
def test_nan_and_infinity_are_not_numbers(raw: object) -> None:
    problems = problems_of({"x": raw}, (InputSpec("x", "number"),))
    assert [p.message for p in problems] == [NOT_FINITE]


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("12,5", "did you mean 12.5? decimals are written with a point"),
        ("3,803", "write 3803 if ',' separates thousands, or 3.803 if it is a decimal comma"),
        ("1,234,567.5", "did you mean 1234567.5? numbers are written without thousands separators"),
        ("1.000.000", "did you mean 1000000? numbers are written without thousands separators"),
        ("1.234.567", "did you mean 1234567? numbers are written without thousands separators"),
        ("1.234,5", "did you mean 1234.5? numbers are written without thousands separators, decimals are written "
                    "with a point"),
        ("1e3", "write the number out in full: 1000"),
        ("50%", "leave out the % sign; write 50"),
        ("Rp 1.500.000", "leave out 'Rp'; did you mean 1500000? numbers are written without thousands separators"),
        ("+5", "leave out the '+'; write 5"),
        ("abc", None),
    ],
)
def test_near_miss_numbers_are_rejected_with_a_hint(raw: str, hint: str | None) -> None:
    problem = only_problem("budget", raw)
    assert problem.message == f"expected a number, got '{raw}'"
    assert problem.hint == hint


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("1.200", "did you mean 1200? numbers are written without thousands separators"),  # whole: only 1200
        ("1,200", "did you mean 1200? numbers are written without thousands separators"),
        ("1.234.567", "did you mean 1234567? numbers are written without thousands separators"),
        ("12,5", None),  # 12.5 is no count either
        ("1.234,5", None),
        ("1.20", None),
    ],
)
def test_a_count_written_with_separators_is_refused_with_the_whole_number_it_can_only_mean(raw: str,
                                                                                          hint: str | None) -> None:
    """Never read silently: '1.200' is refused (as a decimal it is 1.2, no count), with the 1200 it must mean."""
    problem = only_problem("households", raw)
    assert problem.message == f"expected a whole number ≥ 0 (count), got '{raw}'"
    assert problem.hint == hint


def test_a_number_with_one_point_and_three_digits_is_read_as_written() -> None:
    """'1.200' is a plain decimal (1.2) for a number: it can mean either, so it is neither refused nor hinted."""
    assert validate({**GOOD, "coverage": "1.200"}, SPECS, "c")["coverage"] == D("1.2")


@pytest.mark.parametrize("raw", [True, False, [1], {"a": 1}])
def test_numbers_reject_other_types(raw: object) -> None:
    assert only_problem("budget", raw).message.startswith("expected a number, got ")


def test_out_of_bounds_names_the_bound_and_unit() -> None:
    problem = only_problem("coverage", "100.5")
    assert problem.message == "100.5% is above the maximum 100%"
    assert problem.hint == "allowed: from 0% to 100%"
    assert only_problem("budget", "-1").message == "Rp -1 is below the minimum Rp 0"


@pytest.mark.parametrize(("raw", "expected"), [("18.0", "18"), ("0", "0"), (D("5.000"), "5"), (3, "3"), (2.0, "2")])
def test_counts_are_normalised_whole_decimals(raw: object, expected: str) -> None:
    value = validate({**GOOD, "households": raw}, SPECS, "c")["households"]
    assert isinstance(value, Decimal)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("raw", "shown"), [("abc", "'abc'"), ("-2", "'-2'"), ("2.5", "'2.5'"), (-1, "-1"), (True, "true")]
)
def test_counts_must_be_whole_and_not_negative(raw: object, shown: str) -> None:
    assert only_problem("households", raw).message == f"expected a whole number ≥ 0 (count), got {shown}"


# ------------------------------------------------------------------ yes/no, one of, set of, text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), ("yes", True), ("YES", True), ("true", True), ("Ya", True),
     (False, False), ("no", False), ("False", False), ("tidak", False)],
)
def test_yes_no_spellings(raw: object, expected: bool) -> None:
    assert validate({**GOOD, "has_regulation": raw}, SPECS, "c")["has_regulation"] is expected


@pytest.mark.parametrize("raw", ["maybe", 1, "y"])
def test_yes_no_rejects_anything_else(raw: object) -> None:
    assert only_problem("has_regulation", raw).message.startswith("expected yes or no, got ")


def test_one_of_lists_the_allowed_values() -> None:
    problem = only_problem("level", "village")
    assert problem.message == "'village' is not one of: desa, kabupaten, provinsi"
    assert problem.hint is None
    assert only_problem("level", "dessa").hint == "did you mean 'desa'?"
    assert validate({**GOOD, "level": " Desa "}, SPECS, "c")["level"] == "desa"  # case and spaces do not matter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(["pkh", "bpnt"], {"pkh", "bpnt"}), (("pkh",), {"pkh"}), ({"pbi_jk"}, {"pbi_jk"}), ([], set()),
     ("pkh;bpnt", {"pkh", "bpnt"}), (" pkh ; bpnt; ", {"pkh", "bpnt"}), ("", set()), ("[]", set())],
)
def test_set_of_accepts_lists_and_the_csv_form(raw: object, expected: set[str]) -> None:
    assert validate({**GOOD, "programmes": raw}, SPECS, "c")["programmes"] == frozenset(expected)


def test_set_of_reports_each_unknown_and_repeated_member() -> None:
    problems = problems_of({**GOOD, "programmes": ["pkh", "pkhh", "pkh", "zzz"]})
    assert [(p.field, p.message, p.hint) for p in problems] == [
        ("programmes", "'pkhh' is not one of: pkh, bpnt, pbi_jk", "did you mean 'pkh'?"),
        ("programmes", "'pkh' is listed more than once", "list each value once"),
        ("programmes", "'zzz' is not one of: pkh, bpnt, pbi_jk", None),
    ]


def test_set_of_written_with_commas_gets_a_hint() -> None:
    assert only_problem("programmes", "pkh, bpnt").hint == "separate values with ';', e.g. pkh;bpnt"


def test_text_is_stripped_and_must_be_text() -> None:
    assert validate({**GOOD, "notes": "  pilot  "}, SPECS, "c")["notes"] == "pilot"
    problem = only_problem("notes", 12)
    assert (problem.message, problem.hint) == ("expected some text, got 12", 'put it in quotes: "12"')


# ------------------------------------------------------------------ files: the same data in three formats

EXPECTED_FIRST = {
    "coverage": D("0.1"),
    "budget": D("1500000.50"),
    "households": D("18"),
    "has_regulation": True,
    "level": "desa",
    "programmes": frozenset({"pkh", "bpnt"}),
    "notes": "pilot site",
}


@pytest.mark.parametrize("name", ["candidates.yaml", "candidates.json", "candidates.csv"])
def test_each_format_gives_the_same_exact_values(name: str) -> None:
    accepted, _ = load_candidates(DATA / name, SPECS)
    assert [c.id for c in accepted] == ["desa-01", "desa-02"]
    first, second = accepted
    assert first.values == EXPECTED_FIRST
    assert first.name == "Desa Sukamaju"
    for field in ("coverage", "budget"):
        assert first.values[field].as_tuple() == EXPECTED_FIRST[field].as_tuple()  # type: ignore[attr-defined]
    assert second.values["programmes"] == frozenset()  # default filled
    assert second.values["notes"] == "(none)"
    assert first.defaulted == frozenset()
    # A blank set-of cell in CSV says "none of them" (docs/language.md); YAML and JSON leave the field out.
    assert second.defaulted == ({"notes"} if name.endswith(".csv") else {"programmes", "notes"})
    assert second.values["has_regulation"] is False


@pytest.mark.parametrize("name", ["candidates.yaml", "candidates.json", "candidates.csv"])
def test_a_bad_candidate_is_rejected_with_every_problem_and_drops_nobody(name: str) -> None:
    accepted, rejected = load_candidates(DATA / name, SPECS)
    assert [c.id for c in accepted] == ["desa-01", "desa-02"]
    [bad] = rejected
    assert bad.id == "desa-03"
    assert {p.candidate for p in bad.problems} == {"desa-03"}
    assert [(p.field, p.hint) for p in bad.problems] == [
        ("coverage", "did you mean 12.5? decimals are written with a point"),
        ("households", None),
        ("level", "did you mean 'desa'?"),
        ("programmes", None),
    ]


@pytest.mark.parametrize("name", ["candidates.yaml", "candidates.json", "candidates.csv"])
def test_reading_never_produces_a_float(name: str) -> None:
    for raw in read_candidates(DATA / name):
        assert list(floats_in(raw.values)) == []


def test_origins_say_where_each_candidate_came_from() -> None:
    yaml_origins = [raw.origin for raw in read_candidates(DATA / "candidates.yaml")]
    assert yaml_origins[0] == f"{DATA / 'candidates.yaml'}, candidate 1 (line 4)"
    csv_origins = [raw.origin for raw in read_candidates(DATA / "candidates.csv")]
    assert csv_origins == [f"{DATA / 'candidates.csv'}, row {n}" for n in (2, 3, 4)]


# ------------------------------------------------------------------ files: records and ids


def test_yaml_scalars_stay_text_so_nothing_becomes_a_float(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "- {id: 007, a: 12.5, b: .nan, c: !!float 1.5, d: 1e3, e: yes, f: 2024-01-31}\n")
    [raw] = read_candidates(path)
    assert raw.id == "007"  # leading zeros kept
    assert raw.values == {"a": "12.5", "b": ".nan", "c": "1.5", "d": "1e3", "e": "yes", "f": "2024-01-31"}


def test_int_ids_become_text(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", '[{"id": 42}]')
    assert [raw.id for raw in read_candidates(path)] == ["42"]


def test_json_numbers_are_decimals_and_nan_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", '[{"id": "a", "x": 0.1, "y": NaN, "z": -Infinity}]')
    specs = (InputSpec("x", "number"), InputSpec("y", "number"), InputSpec("z", "count"))
    [raw] = read_candidates(path)
    assert raw.values["x"] == D("0.1") and isinstance(raw.values["x"], Decimal)
    _, [rejected] = load_candidates(path, specs)
    assert [(p.field, p.message) for p in rejected.problems] == [("y", NOT_FINITE), ("z", NOT_FINITE)]


def test_duplicate_ids_reject_the_later_ones_naming_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "- {id: a, x: 1}\n- {id: b, x: 2}\n- {id: a, x: 3}\n- {id: a, x: 4}\n")
    accepted, rejected = load_candidates(path, (InputSpec("x", "number"),))
    assert [c.id for c in accepted] == ["a", "b"]
    assert [r.id for r in rejected] == ["a", "a"]
    assert rejected[0].problems[0].message == f"id 'a' is already used by {path}, candidate 1 (line 1)"


def test_a_record_without_id_is_rejected_under_its_origin(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "- {id: a, x: 1}\n- {name: Desa B, x: oops}\n- {id: c, x: 3}\n")
    accepted, [rejected] = load_candidates(path, (InputSpec("x", "number"),))
    assert [c.id for c in accepted] == ["a", "c"]
    origin = f"{path}, candidate 2 (line 2)"
    assert (rejected.id, rejected.name, rejected.origin) == (origin, "Desa B", origin)
    assert [(p.candidate, p.field) for p in rejected.problems] == [(origin, "id"), (origin, "x")]


def test_a_record_that_is_not_a_mapping_rejects_only_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "- {id: a, x: 1}\n- just text\n- [1, 2]\n- {id: b, x: 2}\n")
    accepted, rejected = load_candidates(path, (InputSpec("x", "number"),))
    assert [c.id for c in accepted] == ["a", "b"]
    assert [[p.message for p in r.problems] for r in rejected] == [
        ["expected a candidate (field: value pairs), got 'just text'"],
        ["expected a candidate (field: value pairs), got a list"],
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [("c.yaml", "- id: a\n  x: 1\n  x: 2\n"), ("c.json", '[{"id": "a", "x": 1, "x": 2}]')],
)
def test_a_field_written_twice_is_a_problem(tmp_path: Path, name: str, text: str) -> None:
    _, [rejected] = load_candidates(write(tmp_path, name, text), (InputSpec("x", "number"),))
    assert [(p.field, p.message) for p in rejected.problems] == [("x", "field 'x' is given more than once")]


def test_yaml_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    text = "candidates:\n- &base {id: a, x: 1, y: 2}\n- {<<: *base, id: b, x: 5}\n"
    specs = (InputSpec("x", "number"), InputSpec("y", "count"))
    accepted, rejected = load_candidates(write(tmp_path, "c.yaml", text), specs)
    assert rejected == []
    assert [c.values for c in accepted] == [{"x": D(1), "y": D(2)}, {"x": D(5), "y": D(2)}]


# ------------------------------------------------------------------ files: whole-file problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(None, "the file is empty")]),
        ("just text\n", [(None, "expected a list of candidates, got 'just text'")]),
        ("rubrik: a.rubric\ncandidates: []\n", [("rubrik", "unknown top-level key 'rubrik'")]),
        ("candidates: 3\n", [("candidates", "expected a list of candidates, got '3'")]),
        ("id: a\nx: 1\n", [("id", "unknown top-level key 'id'"), ("x", "unknown top-level key 'x'"),
                           ("candidates", "no 'candidates' list")]),
    ],
)
def test_a_malformed_yaml_file_lists_every_shape_problem(
    tmp_path: Path, text: str, expected: list[tuple[str | None, str]]
) -> None:
    path = write(tmp_path, "c.yaml", text)
    with pytest.raises(InputError) as caught:
        read_candidates(path)
    assert [(p.field, p.message) for p in caught.value.problems] == expected
    assert {p.candidate for p in caught.value.problems} == {str(path)}


def test_top_level_key_typo_gets_a_hint(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_candidates(write(tmp_path, "c.json", '{"candidats": []}'))
    assert caught.value.problems[0].hint == "did you mean 'candidates'?"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_candidates(write(tmp_path, "c.yaml", "- id: a\n\tx: 1\n"))
    [problem] = caught.value.problems
    assert problem.message.startswith("not valid YAML: line 2, column 1: ")
    assert problem.hint == "YAML indents with spaces, not tabs"


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_candidates(write(tmp_path, "c.json", '[\n{"id": "a",}\n]'))
    assert caught.value.problems[0].message == (
        "not valid JSON: line 2, column 12: Expecting property name enclosed in double quotes"
    )


def test_unreadable_files(tmp_path: Path) -> None:
    for path, message in [
        (tmp_path / "missing.yaml", "cannot read the file: No such file or directory"),
        (write(tmp_path, "c.txt", "x"), "cannot read '.txt' files"),
    ]:
        with pytest.raises(InputError) as caught:
            read_candidates(path)
        assert [(p.candidate, p.message) for p in caught.value.problems] == [(str(path), message)]
    latin1 = tmp_path / "c.csv"
    latin1.write_bytes("id,name\n1,Désa\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8 text: byte 0xe9 on line 2"):
        read_candidates(latin1)


# ------------------------------------------------------------------ CSV specifics


def test_csv_empty_cells_are_missing_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "id,x,notes\na,1,\n,,\n\nb,,hi\n")
    specs = (InputSpec("x", "number", has_default=True, default=D(0)), InputSpec("notes", "text"))
    accepted, [rejected] = load_candidates(path, specs)
    assert [(c.id, c.values) for c in accepted] == [("b", {"x": D(0), "notes": "hi"})]
    assert (rejected.id, rejected.origin) == ("a", f"{path}, row 2")
    assert [(p.field, p.message) for p in rejected.problems] == [("notes", "empty value")]


def test_csv_with_a_byte_order_mark_and_spaced_header(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("\ufeffid , x\r\na,0.10\r\n".encode())
    [raw] = read_candidates(path)
    assert (raw.id, raw.values) == ("a", {"x": "0.10"})


def test_csv_extra_cells_are_a_problem_for_that_row_only(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", "id,x\na,1,surprise\nb,2\nc,3,\n")
    accepted, [rejected] = load_candidates(path, (InputSpec("x", "number"),))
    assert [c.id for c in accepted] == ["b", "c"]  # an empty trailing cell is harmless
    assert rejected.problems[0].message == "the row has 3 cells but the header has 2 columns"


@pytest.mark.parametrize(
    ("header", "messages", "hint"),
    [
        ("ID,x", ["the header has no 'id' column"], "did you mean 'ID'?"),
        ("id;x", ["the header has no 'id' column"],
         "columns seem to be separated by ';': save the file with ',' (in Excel: 'CSV UTF-8')"),
        ("id,x,x", ["column 'x' appears more than once in the header"], "rename or merge them"),
        ('id,"x', ["a quote in the header (line 1) is not closed: the header runs to line 2"],
         "close the quote, or remove it: column names need no quotes"),  # not a file of no rows at all
    ],
)
def test_csv_header_problems_fail_the_file(tmp_path: Path, header: str, messages: list[str], hint: str) -> None:
    with pytest.raises(InputError) as caught:
        read_candidates(write(tmp_path, "c.csv", header + "\na,1\n"))
    assert [p.message for p in caught.value.problems] == messages
    assert caught.value.problems[0].hint == hint


# ------------------------------------------------------------------ properties

NAMES = ("a", "b", "share", "count")
MEMBERS = st.lists(st.sampled_from(["pkh", "bpnt", "desa", "x", "kab_1"]), min_size=1, max_size=4, unique=True)
BOUND = st.none() | st.decimals(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=2)
DEFAULT = object()

TRICKY_TEXT = st.sampled_from(
    ["12.5", "0.1", "-3", "18.0", "1e3", "12,5", "3,803", "1.000.000", "50%", "Rp 1.000", "yes", "tidak", "pkh;bpnt",
     "pkh", "[]", "", " ", ".nan", "-inf", "NaN", "x, desa", "١٢"]
)
LEAVES = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.decimals() | st.text(max_size=12) | TRICKY_TEXT
    | st.frozensets(st.sampled_from(["pkh", "x", "nope"]) | st.integers(), max_size=3)
)
RAW_VALUES = st.recursive(
    LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children)
        | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def specs_and_values(draw: st.DrawFn) -> tuple[list[InputSpec], dict[str, object]]:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    specs = [
        InputSpec(
            name,
            draw(st.sampled_from(["number", "count", "bool", "one_of", "set_of", "text"])),
            members=tuple(draw(MEMBERS)),
            lower=draw(BOUND),
            upper=draw(BOUND),
            has_default=(has_default := draw(st.booleans())),
            default=DEFAULT if has_default else None,
            unit=draw(st.sampled_from([None, "percent", "rupiah", "households"])),
        )
        for name in names
    ]
    keys = st.sampled_from(NAMES) | st.text(max_size=6)
    values: dict[str, object] = draw(st.dictionaries(keys, RAW_VALUES, max_size=5))
    return specs, values


def assert_valid(value: object, spec: InputSpec) -> None:
    if value is DEFAULT:
        assert spec.has_default
    elif spec.kind in ("number", "count"):
        assert isinstance(value, Decimal) and value.is_finite()
        assert spec.lower is None or value >= spec.lower
        assert spec.upper is None or value <= spec.upper
        if spec.kind == "count":
            assert value >= 0 and value.as_tuple().exponent == 0
    elif spec.kind == "bool":
        assert isinstance(value, bool)
    elif spec.kind == "one_of":
        assert value in spec.members
    elif spec.kind == "set_of":
        assert isinstance(value, frozenset) and value <= set(spec.members)
    else:
        assert isinstance(value, str) and value == value.strip() and value


@settings(max_examples=400, deadline=None)
@given(specs_and_values())
def test_any_raw_values_give_valid_values_or_input_error(case: tuple[list[InputSpec], dict[str, object]]) -> None:
    specs, values = case
    try:
        result = validate(values, specs, "cand")
    except InputError as error:
        assert error.problems
        assert all(p.candidate == "cand" and p.field is not None for p in error.problems)
        return
    assert set(result) == {spec.name for spec in specs}
    for spec in specs:
        assert_valid(result[spec.name], spec)


PLAIN_DECIMALS = st.decimals(min_value=-10**12, max_value=10**12, places=6, allow_nan=False,
                             allow_infinity=False).map(lambda d: f"{d:f}")  # within data.MAX_DIGITS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLAIN_DECIMALS)
def test_plain_decimals_are_read_exactly_from_every_format(text: str) -> None:
    files = {
        "c.yaml": f"- id: a\n  x: {text}\n",
        "c.json": json.dumps([{"id": "a"}]).replace('"a"}', f'"a", "x": {text}}}'),
        "c.csv": f"id,x\na,{text}\n",
    }
    spec = (InputSpec("x", "number"),)
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            [candidate], [] = load_candidates(write(Path(folder), name, content), spec)
            value = candidate.values["x"]
            assert isinstance(value, Decimal)
            assert value.as_tuple() == Decimal(text).as_tuple(), name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60) | RAW_VALUES.map(lambda v: json.dumps(v, default=str)))
def test_any_file_text_gives_candidates_or_input_error(text: str) -> None:
    specs = (InputSpec("a", "number"), InputSpec("b", "set_of", members=("pkh",)))
    with tempfile.TemporaryDirectory() as folder:
        for name in ("c.yaml", "c.json", "c.csv"):
            try:
                accepted, rejected = load_candidates(write(Path(folder), name, text), specs)
            except InputError as error:
                assert error.problems
                continue
            assert all(isinstance(c, Candidate) for c in accepted)
            assert all(isinstance(r, Rejected) and r.problems for r in rejected)
            assert len(accepted) + len(rejected) == len(read_candidates(Path(folder) / name))


def test_raw_candidate_is_a_plain_record() -> None:
    raw = RawCandidate("a", None, {"x": "1"}, "here")
    assert raw.problems == ()


def test_numbers_beyond_exact_arithmetic_are_refused_with_a_hint() -> None:
    spec = InputSpec("anggaran", "number", unit="rupiah")
    with pytest.raises(InputError) as caught:
        validate({"anggaran": "1" + "0" * 20}, (spec,), "kota-x")
    [problem] = caught.value.problems
    assert "too large" in problem.message and problem.hint


def test_a_repeated_candidates_key_loses_nobody_silently(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", "candidates:\n  - id: a\n    x: 1\ncandidates:\n  - id: b\n    x: 2\n")
    with pytest.raises(InputError) as caught:
        load_candidates(path, (InputSpec("x", "number"),))
    assert any("given twice" in p.message for p in caught.value.problems)


def test_json_lines_one_candidate_per_line_and_a_bad_line_alone(tmp_path: Path) -> None:
    path = write(tmp_path, "c.jsonl", '{"id": "a", "x": 0.1}\n\n{not json\n{"id": "b", "x": 2}\n')
    accepted, [rejected] = load_candidates(path, (InputSpec("x", "number"),))
    assert [(c.id, c.values["x"]) for c in accepted] == [("a", D("0.1")), ("b", D(2))]
    assert rejected.origin == f"{path}, line 3" and len(rejected.problems) == 1
