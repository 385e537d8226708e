"""Golden tests for `check`: every diagnostic code, exactly as a committee member reads it.

Each `tests/golden/check/<code>-<what>.rubric` is a small rubric with one
typical mistake; its `.expected` file is the full rendering that
`paritrana-rules check` prints for it (`render_all` of every diagnostic),
located by the file's path from the repository root. Files are read the way
`check` reads them (`read_rubric`, then `diagnose`), so a file that is not
UTF-8 gives F002; F001 (a file that cannot be read) has no golden rubric and
is tested directly. `ten-mistakes.rubric` holds ten mistakes at once.

Every diagnostic also speaks Bahasa Indonesia (`check --lang id`): every
golden rubric's diagnostics have an Indonesian message, and an Indonesian hint
where they have a hint; since every code the source can emit has a golden
rubric, every code has both texts. A few representative rubrics also have an
`.expected-id` file, the rendering in Indonesian, and docs/errors.md quotes
each code's message in both languages.

To accept new output, run `pytest tests/test_golden_check.py --update-golden`
and review the diff of the `.expected` files before committing: each message
must point at the offending text and its hint must help.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path

import pytest

from paritrana_rules import cli
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.language.extends import read_rubric
from paritrana_rules.errors import Diagnostic, RubricError, render_all

from .conftest import Golden

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "check"
RUBRICS = sorted(GOLDEN.glob("*.rubric"))
TEN_MISTAKES = GOLDEN / "ten-mistakes.rubric"
CODE_PREFIX = re.compile(r"^([A-Z]\d{3})-")
CODE_IN_SOURCE = re.compile(r"""["']([A-Z]\d{3})["']""")
# Rubrics whose rendering in Indonesian is kept as a golden file: an error and a warning of each kind of wording
# (did-you-mean, ranges of numbers, cases of a table, kinds of value, infinite ranges, counts, severities).
IN_INDONESIAN = [GOLDEN / f"{stem}.rubric" for stem in (
    "N200-misspelt-input-name", "W400-weights-do-not-add-up", "L800-unused-input", "R501-band-gap",
    "R504-table-misses-a-case", "T300-yes-no-used-as-number", "G601-bonus-can-be-negative", "F003-line-too-long",
    "N218-advance-rule-reads-a-later-input", "ten-mistakes",
)]


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@functools.cache
def _diagnostics(relative: str) -> tuple[Diagnostic, ...]:
    """What `paritrana-rules check` finds in a file, read from the repository root."""
    try:
        text = read_rubric(relative)
    except RubricError as error:
        return tuple(error.diagnostics)
    _, diagnostics = diagnose(text, relative)
    return tuple(diagnostics)


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so that locations are the stable relative paths."""
    monkeypatch.chdir(ROOT)


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_there_are_golden_files() -> None:
    assert len(RUBRICS) >= 45
    assert TEN_MISTAKES in RUBRICS


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("rubric", RUBRICS, ids=_ids(RUBRICS))
def test_rendering_matches_golden(rubric: Path, golden: Golden) -> None:
    actual = render_all(list(_diagnostics(_relative(rubric)))) + "\n"
    golden.check(rubric.with_suffix(".expected"), actual)


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("rubric", IN_INDONESIAN, ids=_ids(IN_INDONESIAN))
def test_rendering_in_indonesian_matches_golden(rubric: Path, golden: Golden) -> None:
    actual = render_all(list(_diagnostics(_relative(rubric))), "id") + "\n"
    golden.check(rubric.with_suffix(".expected-id"), actual)


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("rubric", RUBRICS, ids=_ids(RUBRICS))
def test_every_diagnostic_speaks_indonesian(rubric: Path) -> None:
    """An Indonesian message, and an Indonesian hint exactly where there is an English one."""
    for diagnostic in _diagnostics(_relative(rubric)):
        _assert_indonesian(diagnostic)


def _assert_indonesian(diagnostic: Diagnostic) -> None:
    indonesian = diagnostic.indonesian
    assert indonesian is not None, f"{diagnostic.code} has no Indonesian text: {diagnostic.message}"
    assert indonesian.message.strip() and indonesian.message != diagnostic.message, diagnostic.code
    assert bool(indonesian.hint) == bool(diagnostic.hint), f"{diagnostic.code}: hint in one language only"
    assert indonesian.hint is None or indonesian.hint != diagnostic.hint, diagnostic.code


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("rubric", RUBRICS, ids=_ids(RUBRICS))
def test_every_diagnostic_is_located(rubric: Path) -> None:
    diagnostics = _diagnostics(_relative(rubric))
    assert diagnostics
    for diagnostic in diagnostics:
        # This file, or one it extends: inherited lines are reported where they are written.
        assert diagnostic.span.path == _relative(rubric) or (ROOT / diagnostic.span.path).is_file()
        assert diagnostic.span.line >= 1, diagnostic.render()
        assert diagnostic.span.column >= 1, diagnostic.render()


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("rubric", RUBRICS, ids=_ids(RUBRICS))
def test_every_diagnostic_has_a_hint(rubric: Path) -> None:
    unhinted = [d.code for d in _diagnostics(_relative(rubric)) if not (d.hint and d.hint.strip())]
    assert not unhinted, f"no hint for {', '.join(unhinted)}"


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize("rubric", [p for p in RUBRICS if CODE_PREFIX.match(p.name)],
                         ids=_ids([p for p in RUBRICS if CODE_PREFIX.match(p.name)]))
def test_file_produces_the_code_it_is_named_after(rubric: Path) -> None:
    match = CODE_PREFIX.match(rubric.name)
    assert match is not None
    codes = [d.code for d in _diagnostics(_relative(rubric))]
    assert match.group(1) in codes, f"{rubric.name} gives {codes}"


def test_every_report_of_the_checker_passes_indonesian() -> None:
    """Also the branches no golden rubric takes: each `report(...)` call in check/ gives an Indonesian text,
    as its sixth argument or by keyword (a `report(*finding)` passes a `tables.Finding`, typed to hold one)."""
    lacking = []
    for path in sorted((ROOT / "src" / "paritrana_rules" / "check").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "report"):
                continue
            starred = any(isinstance(arg, ast.Starred) for arg in node.args)
            if not (starred or len(node.args) >= 6 or any(k.arg == "indonesian" for k in node.keywords)):
                lacking.append(f"{path.name}:{node.lineno}")
    assert lacking == []


def test_every_code_in_the_source_has_a_golden_file_and_a_doc_entry() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "paritrana_rules").rglob("*.py"))
    emitted = set(CODE_IN_SOURCE.findall(source))
    named = {m.group(1) for p in RUBRICS if (m := CODE_PREFIX.match(p.name))}
    # F001 (the file cannot be read) has no golden rubric: a file that exists can be read.
    assert emitted - named == {"F001"}
    assert named <= emitted
    documented = set(re.findall(r"^#+ .*?\b([A-Z]\d{3})\b", (ROOT / "docs" / "errors.md").read_text(encoding="utf-8"),
                                re.MULTILINE))
    assert emitted <= documented, f"not in docs/errors.md: {sorted(emitted - documented)}"


MISSING = "tests/golden/check/no-such-rubric.rubric"


def _missing_file_diagnostic() -> Diagnostic:
    """What reading a rubric that is not there gives: F001 has no golden rubric, since that file would exist."""
    with pytest.raises(RubricError) as raised:
        read_rubric(MISSING)
    [diagnostic] = raised.value.diagnostics
    return diagnostic


@pytest.mark.usefixtures("at_root")
def test_a_missing_file_is_F001() -> None:
    diagnostic = _missing_file_diagnostic()
    assert (diagnostic.code, diagnostic.span.location()) == ("F001", f"{MISSING}:1:1")
    assert diagnostic.message == "cannot read the rubric: No such file or directory"
    assert diagnostic.hint
    _assert_indonesian(diagnostic)


def _quoted_in_docs(header: str, hint: str) -> list[str]:
    """The message and hint lines docs/errors.md quotes in its code blocks, in one language."""
    docs = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    return [line for block in re.findall(r"```\n(.*?)```", docs, re.DOTALL) for line in block.splitlines()
            if re.match(rf"({header})\[[A-Z]\d{{3}}\]: | += {hint}: ", line)]


@pytest.mark.usefixtures("at_root")
def test_messages_quoted_in_the_docs_are_real() -> None:
    """Every message and hint line shown in docs/errors.md is one that a golden rubric produces."""
    produced = {line for p in GOLDEN.glob("*.expected") for line in p.read_text(encoding="utf-8").splitlines()}
    produced |= set(_missing_file_diagnostic().render().splitlines())
    quoted = _quoted_in_docs("error|warning", "hint")
    assert len(quoted) >= 60
    assert [line for line in quoted if line not in produced] == []


@pytest.mark.usefixtures("at_root")
def test_indonesian_messages_quoted_in_the_docs_are_real() -> None:
    """Every Indonesian message and hint shown in docs/errors.md is one a golden rubric produces with --lang id."""
    produced = {line for p in RUBRICS for line in render_all(list(_diagnostics(_relative(p))), "id").splitlines()}
    produced |= set(_missing_file_diagnostic().render("id").splitlines())
    quoted = _quoted_in_docs("kesalahan|peringatan", "saran")
    assert len(quoted) >= 60
    assert [line for line in quoted if line not in produced] == []


def test_every_code_in_the_docs_has_its_indonesian_text() -> None:
    """Each code's section of docs/errors.md quotes its message in Bahasa Indonesia too."""
    docs = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", docs, flags=re.MULTILINE)[1:]
    documented = {m.group(1): section for section in sections if (m := re.match(r"([A-Z]\d{3})\b", section))}
    untranslated = [code for code, section in documented.items()
                    if not re.search(rf"^(kesalahan|peringatan)\[{code}\]: ", section, re.MULTILINE)]
    assert len(documented) >= 100
    assert untranslated == []


@pytest.mark.usefixtures("at_root")
def test_ten_mistakes_give_ten_located_hinted_messages() -> None:
    diagnostics = _diagnostics(_relative(TEN_MISTAKES))
    assert len(diagnostics) == 10
    assert len({d.span.line for d in diagnostics}) == 10
    assert all(d.hint for d in diagnostics)
    assert sorted(d.code for d in diagnostics) == sorted(
        ["N200", "W400", "R501", "R502", "N202", "T300", "R500", "L802", "L800", "N201"]
    )


@pytest.mark.usefixtures("at_root")
def test_check_command_fails_on_ten_mistakes(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["check", _relative(TEN_MISTAKES)])
    out, err = capsys.readouterr()
    assert status == 1
    assert err == ""
    expected = TEN_MISTAKES.with_suffix(".expected").read_text(encoding="utf-8")
    assert out == expected + "1 rubric checked, 0 clean\n"


@pytest.mark.usefixtures("at_root")
def test_check_command_speaks_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["check", "--lang", "id", _relative(TEN_MISTAKES)])
    out, err = capsys.readouterr()
    assert (status, err) == (1, "")
    expected = TEN_MISTAKES.with_suffix(".expected-id").read_text(encoding="utf-8")
    assert out == expected + "1 rubrik diperiksa, 0 bersih\n"


@pytest.mark.usefixtures("at_root")
def test_check_json_gives_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    """The English texts under the keys they always had, the Indonesian ones under "indonesian", whatever --lang."""
    status = cli.main(["check", "--format", "json", "--lang", "id", _relative(TEN_MISTAKES)])
    [report] = json.loads(capsys.readouterr().out)["files"]
    assert status == 1
    for found, diagnostic in zip(report["diagnostics"], _diagnostics(_relative(TEN_MISTAKES)), strict=True):
        assert diagnostic.indonesian is not None
        assert (found["code"], found["message"], found["hint"]) == (diagnostic.code, diagnostic.message,
                                                                    diagnostic.hint)
        assert found["indonesian"] == {"message": diagnostic.indonesian.message, "hint": diagnostic.indonesian.hint}
