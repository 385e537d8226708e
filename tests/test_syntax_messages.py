"""Syntax errors as a committee member makes them: each named, located and hinted once, in both languages.

Each case takes a small valid village rubric, makes one typical mistake in one
line (a quote, an arrow, a '%', a sign from a spreadsheet, ...) and checks the
one diagnostic it gives: its code, the line and column of its caret, a message
and a hint that name the mistake and the fix, and an Indonesian text of both.
The properties then make every single-character slip on bundled rubrics and
check that none gives a traceback, more than one syntax error, or an error
outside the declaration the slip was made in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paritrana_rules.errors import Diagnostic
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.language.recovery import top_level_starts
from paritrana_rules.language.syntax import parse

ROOT = Path(__file__).resolve().parents[1]

VILLAGE = '''rubric "Paritrana Award" edition 2024 period 2023
category pemerintah_desa
label id "Pemerintah Desa" en "Village Government"
scale 0 to 100
rounding half_up to 2 places

input rentan_dibiayai: count
    label id "Pekerja rentan dibiayai APBDes" en "Vulnerable workers funded by the village budget"

input hadir_wawancara: one of {
        kepala_desa label id "Kepala desa" en "Village head",
        tidak_hadir label id "Tidak hadir" en "Did not attend"
    }
    label id "Pejabat yang hadir" en "Official who attended"

criterion wawancara weight 40%
    label id "Wawancara" en "Interview"
    points by table, first match
        when hadir_wawancara is kepala_desa -> 100
        when rentan_dibiayai = 0 -> 0
        otherwise -> 50

criterion rentan weight 60%
    label id "Pekerja rentan dibiayai" en "Vulnerable workers funded"
    points by band of rentan_dibiayai
        from 1000 -> 100
        from 100 to below 1000 -> 65
        below 100 -> 30
'''

# (what, the text as written, the mistake, code, caret (line, column), words of the message, words of the hint)
MISTAKES = [
    ("closing quote left out before 'en'", 'label id "Wawancara" en', 'label id "Wawancara en', "P107", (17, 24),
     "not closed before 'en'", 'label id "Wawancara" en "Interview"'),
    ("closing quote left out at the end", 'en "Interview"', 'en "Interview', "P107", (17, 29),
     "this text is not closed", 'en "Interview"'),
    ("opening quote left out", 'label id "Wawancara"', 'label id Wawancara"', "P107", (17, 14),
     "no opening quote", 'label id "Wawancara"'),
    ("curly quotes", 'label id "Wawancara"', "label id \u201cWawancara\u201d", "P101", (17, 14),
     "curly quote", '"Wawancara"'),
    ("text ended with a curly quote", 'label id "Wawancara"', "label id \"Wawancara\u201d", "P107", (17, 24),
     "ends with '\u201d'", 'label id "Wawancara" en "Interview"'),
    ("single quotes", 'label id "Wawancara"', "label id 'Wawancara'", "P101", (17, 14), "single quote", '"Wawancara"'),
    ("colon left out", "input rentan_dibiayai: count", "input rentan_dibiayai count", "P100", (7, 22),
     "':' is missing after 'rentan_dibiayai'", "input rentan_dibiayai: count"),
    ("name in two words", "input rentan_dibiayai: count", "input rentan dibiayai: count", "P100", (7, 7),
     "cannot contain spaces", "input rentan_dibiayai: count"),
    ("name with a hyphen", "input rentan_dibiayai: count", "input rentan-dibiayai: count", "P100", (7, 7),
     "cannot contain '-'", "input rentan_dibiayai: count"),
    ("arrow typed =>", "from 1000 -> 100", "from 1000 => 100", "P100", (26, 19), "'=>' is not an arrow",
     "from 1000 -> 100"),
    ("arrow pasted as \u2192", "from 1000 -> 100", "from 1000 \u2192 100", "P101", (26, 19), "not an arrow",
     "from 1000 -> 100"),
    ("arrow with an en dash", "below 100 -> 30", "below 100 \u2013> 30", "P101", (28, 19), "not an arrow",
     "below 100 -> 30"),
    ("weight without %", "weight 40%", "weight 40", "P102", (16, 29), "expected '%'", "weight 25%"),
    ("% typed twice", "weight 40%", "weight 40%%", "P100", (16, 30), "'%' is written once", "weight 40%"),
    ("% before the number", "weight 40%", "weight %40", "P100", (16, 28), "comes after the number", "weight 40%"),
    ("% in a band", "from 1000 -> 100", "from 1000% -> 100", "P100", (26, 18), "only after a weight",
     "from 1000 -> 100"),
    ("'==' for '='", "rentan_dibiayai = 0", "rentan_dibiayai == 0", "P100", (20, 30), "'==' is written with one '='",
     "when rentan_dibiayai = 0 -> 0"),
    ("'=>' for '>='", "rentan_dibiayai = 0", "rentan_dibiayai => 0", "P100", (20, 30), "'=>' is written '>='",
     "when rentan_dibiayai >= 0 -> 0"),
    ("'<>' for '!='", "rentan_dibiayai = 0", "rentan_dibiayai <> 0", "P100", (20, 30), "'<>' is written '!='",
     "'is not'"),
    ("'&&' for 'and'", "when hadir_wawancara is kepala_desa", "when hadir_wawancara is kepala_desa && yes", "P101",
     (19, 45), "'&&' is written 'and'", "kepala_desa and yes"),
    ("keyword as a name", 'budget"\n', 'budget"\n\ninput weight: count\n', "P100", (10, 7),
     "unexpected 'weight'", "cannot be a name"),
    ("an 'end' after a table", "        otherwise -> 50\n", "        otherwise -> 50\n    end\n", "P100", (22, 5),
     "no 'end'", "remove this 'end'"),
    ("decimal comma", "from 100 to below 1000", "from 2,5 to below 1000", "P100", (27, 15), "inside a number",
     "e.g. 2.5"),
    ("thousands separator", "from 1000 -> 100", "from 1,000 -> 100", "P100", (26, 15), "inside a number",
     "without thousands separators, e.g. 1000"),
    ("no-break space", "input rentan_dibiayai: count", "input rentan_dibiayai:\u00a0count", "P101", (7, 23),
     "U+00A0 (no-break space)", "ordinary space"),
    ("keyword with a capital", "criterion rentan weight", "Criterion rentan weight", "P100", (23, 1),
     "'Criterion' does not start a declaration", "lowercase letters: criterion"),
    ("'weight' left out", "criterion rentan weight 60%", "criterion rentan 60%", "P100", (23, 18),
     "'weight' is missing", "criterion rentan weight 60%"),
    ("yes/no with spaces", "input rentan_dibiayai: count", "input rentan_dibiayai: yes / no", "P100", (7, 24),
     "one word", "rentan_dibiayai: yes/no"),
    ("stray sign at a line start", "criterion rentan", "=criterion rentan", "P100", (23, 1),
     "cannot start with '='", "criterion rentan weight 60%"),
    ("'(' left open", "when hadir_wawancara is kepala_desa", "when (hadir_wawancara is kepala_desa", "P102",
     (19, 14), "'(' is not closed", "add ')'"),
    ("'{' left open", "    }\n", "\n", "P102", (10, 31), "'{' is not closed", "add '}'"),
    ("comma left out between values", '"Village head",', '"Village head"', "P100", (11, 61),
     "',' is missing at the end of this line", 'en "Village head",'),
    ("backslash in a text", '"Tidak hadir"', '"Tidak\\hadir"', "P101", (12, 36), "backslash", "\\\\"),
]


def _syntax_errors(text: str) -> list[Diagnostic]:
    _, diagnostics = diagnose(text, "desa.rubric")
    return diagnostics


def test_the_village_rubric_is_valid() -> None:
    assert _syntax_errors(VILLAGE) == []


@pytest.mark.parametrize(("written", "mistake", "code", "caret", "message", "hint"),
                         [case[1:] for case in MISTAKES], ids=[case[0] for case in MISTAKES])
def test_a_mistake_gives_one_located_hinted_message(written: str, mistake: str, code: str, caret: tuple[int, int],
                                                    message: str, hint: str) -> None:
    assert written in VILLAGE
    [diagnostic] = _syntax_errors(VILLAGE.replace(written, mistake, 1))
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == (code, *caret), diagnostic.render()
    assert message in diagnostic.message, diagnostic.render()
    assert diagnostic.hint is not None and hint in diagnostic.hint, diagnostic.render()
    assert diagnostic.indonesian is not None and diagnostic.indonesian.hint is not None
    assert diagnostic.indonesian.message != diagnostic.message and diagnostic.indonesian.hint != diagnostic.hint


def test_the_indonesian_hint_carries_the_same_fix() -> None:
    [diagnostic] = _syntax_errors(VILLAGE.replace("from 1000 -> 100", "from 1000 => 100"))
    assert diagnostic.render("id").splitlines()[0] == (
        "kesalahan[P100]: '=>' bukan tanda panah: nilai sebuah baris ditulis setelah '->'")
    assert diagnostic.indonesian is not None and diagnostic.indonesian.hint is not None
    assert diagnostic.indonesian.hint.endswith(": from 1000 -> 100")


@pytest.mark.parametrize("layout", [
    pytest.param(lambda text: text.replace("\n", "\r\n"), id="windows line endings"),
    pytest.param(lambda text: "\ufeff" + text, id="byte-order mark"),
    pytest.param(lambda text: text.replace("    ", "\t"), id="tabs for indentation"),
    pytest.param(lambda text: text.replace("        ", "\t    "), id="tabs and spaces mixed"),
])
def test_layouts_editors_write_are_no_mistake(layout: object) -> None:
    assert callable(layout)
    assert _syntax_errors(layout(VILLAGE)) == []


def test_each_broken_declaration_is_reported_once_and_nothing_else() -> None:
    text = (VILLAGE.replace('label id "Pejabat yang hadir" en', 'label id "Pejabat yang hadir en')
            .replace("criterion wawancara weight 40%", "criterion wawancara weight 40%%")
            .replace("from 1000 -> 100", "from 1000 => 100"))
    found = [(d.code, d.span.line) for d in _syntax_errors(text)]
    assert found == [("P107", 14), ("P100", 16), ("P100", 26)]


def test_values_of_a_broken_input_are_not_called_unknown() -> None:
    """The input's line is broken, so its values are unknown to the checker; where they are used is no mistake."""
    text = VILLAGE.replace("input hadir_wawancara: one of {", "input hadir_wawancara one of {")
    assert [d.code for d in _syntax_errors(text)] == ["P100"]


def test_a_stray_sign_does_not_blame_the_declarations_before_it() -> None:
    """A line that starts with a sign: the sign is the mistake, not an unfinished declaration above it."""
    text = VILLAGE.replace("\ninput hadir_wawancara", "\n=input hadir_wawancara").replace(
        "\ncriterion rentan", "\n)criterion rentan")
    assert [(d.code, d.span.line, d.span.column) for d in _syntax_errors(text)] == [("P100", 10, 1), ("P100", 23, 1)]


# ---------------------------------------------------------------- properties

BUNDLED = [ROOT / "rubrics" / "2024" / "pemerintah-desa.rubric", ROOT / "tests" / "golden" / "check" / "N200-misspelt-input-name.rubric"]
# A slip types one of these, or deletes any character (a line break too). Typing a line break is left out: it
# makes two lines of one, and each can then be wrong on its own (`r` and `ound provinsi`).
SLIPS = st.sampled_from(['"', "%", ":", ",", "-", "=", ">", "(", ")", "{", "}", "a", "Z", "1", "\t", " ", "'",
                         "\u201c", "\u00a0", "#"])
SLIPPING = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def _declaration_lines(text: str, offset: int) -> tuple[int, int]:
    """The first line of the declaration (or header line) holding `offset`, and the first line of the next."""
    tops = top_level_starts(text)
    start = max([top for top in tops if top <= offset], default=0)
    after = [top for top in tops if top > offset]
    return text.count("\n", 0, start) + 1, text.count("\n", 0, after[0]) + 1 if after else text.count("\n") + 1


@SLIPPING
@given(st.sampled_from(BUNDLED), st.data())
def test_one_slip_gives_at_most_one_syntax_error_in_the_declaration_it_broke(path: Path, data: st.DataObject) -> None:
    text = path.read_text(encoding="utf-8")
    offset = data.draw(st.integers(0, len(text) - 1), label="offset")
    slipped = (text[:offset] + text[offset + 1 :] if data.draw(st.booleans(), label="delete")
               else text[:offset] + data.draw(SLIPS, label="inserted") + text[offset:])
    outcome = parse(slipped, str(path))
    assert len(outcome.diagnostics) <= 1, [d.render() for d in outcome.diagnostics]
    for diagnostic in outcome.diagnostics:
        first, next_declaration = _declaration_lines(text, offset)
        assert first <= diagnostic.span.line <= next_declaration, diagnostic.render()
        assert diagnostic.indonesian is not None and diagnostic.indonesian.message != diagnostic.message


@SLIPPING
@given(st.lists(st.sampled_from(['"', "%", ":", ",", "-", ">", "=", "(", "{", "}", "a", "Z", "1", " ", "\n",
                                 "\u2192", "'", "input", "criterion", "weight", "from", "->", "when", "#"]),
                max_size=12).map("".join), st.integers(0, len(VILLAGE)))
def test_any_garbage_anywhere_is_reported_never_raised(garbage: str, offset: int) -> None:
    diagnostics = _syntax_errors(VILLAGE[:offset] + garbage + VILLAGE[offset:])
    for diagnostic in diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
        assert diagnostic.indonesian is not None
