"""Explanations: golden files in both languages, and what every explanation must show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import paritrana_rules as pr

from .conftest import Golden

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "explain"
# The first three rubrics of the library are pinned as golden explanations; the rest share their code paths.
RUBRICS = [Path("rubrics/2024/kabupaten-kota.rubric"), Path("rubrics/2024/pemerintah-desa.rubric"),
           Path("rubrics/2024/perusahaan-besar.rubric")]


def scored(relative: Path) -> list[pr.Result]:
    rubric = pr.loads((ROOT / relative).read_text(encoding="utf-8"), relative.as_posix())
    data = ROOT / "examples" / relative.parent.name / (relative.stem + ".yaml")
    candidates, _ = pr.load_candidates(data, rubric.input_specs)
    return [rubric.evaluate_candidate(c) for c in candidates]


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_text_explanations_match_golden(relative: Path, lang: str, golden: Golden) -> None:
    text = "\n\n".join(r.explain(lang=lang) for r in scored(relative))
    golden.check(GOLDEN / f"{relative.parent.name}-{relative.stem}.{lang}.txt", text)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_markdown_explanation_matches_golden(lang: str, golden: Golden) -> None:
    result = scored(Path("rubrics/2024/pemerintah-desa.rubric"))[0]
    golden.check(GOLDEN / f"2024-pemerintah-desa.{lang}.md", result.explain(lang=lang, format="markdown"))


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_every_number_points_at_a_rubric_line(relative: Path) -> None:
    """Lines that show a computed number carry a [line N] reference, except 'with ...' read-outs of inputs."""
    for result in scored(relative):
        body = result.explain(lang="en").split("\n\n", 2)[2]
        for line in body.splitlines():
            stripped = line.strip()
            if not re.search(r"\d", stripped) or stripped.startswith(("with ", "= ", "-")):
                continue
            if re.fullmatch(r".* — with .*", stripped) or stripped.startswith(("not ", "when ")):
                continue
            assert re.search(r"\[(line \d+|[^\]]+:\d+)\]$", stripped), stripped


def test_indonesian_uses_comma_decimals_and_dot_thousands() -> None:
    results = scored(Path("rubrics/2024/pemerintah-desa.rubric"))
    tamansari = next(r for r in results if r.candidate_id == "desa-tamansari")
    workers = tamansari.inputs["angkatan_kerja"]
    assert workers >= 1000
    text = tamansari.explain(lang="id")
    assert f"{workers:,}".replace(",", ".") in text
    assert re.search(r"Nilai akhir: \d+,\d\d dari 100", text)
    english = tamansari.explain(lang="en")
    assert f"{workers:,}" in english
    assert re.search(r"Total: \d+\.\d\d of 100", english)


def test_disqualified_candidate_shows_the_reason_in_both_languages() -> None:
    results = scored(Path("rubrics/2024/pemerintah-desa.rubric"))
    out = next(r for r in results if r.status == "disqualified")
    for lang in ("en", "id"):
        reasons = out.reasons(lang)
        assert reasons
        assert all(reason in out.explain(lang=lang) for reason in reasons)


def test_explanation_needs_a_trace() -> None:
    rubric = pr.load(ROOT / "rubrics/2024/pemerintah-desa.rubric")
    candidates, _ = pr.load_candidates(ROOT / "examples/2024/pemerintah-desa.yaml", rubric.input_specs)
    fast = rubric.evaluate_candidate(candidates[0], trace=False)
    with pytest.raises(ValueError, match="without a trace"):
        fast.explain()
