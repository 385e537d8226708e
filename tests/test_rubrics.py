"""Every bundled rubric checks clean and passes its own example cases with full coverage."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.committee.cases import run_cases

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = sorted(p.relative_to(ROOT) for p in (ROOT / "rubrics").rglob("*.rubric"))


@functools.cache
def compiled(relative: Path) -> pr.CompiledRubric:
    return pr.load(ROOT / relative)


def test_the_2024_edition_is_bundled() -> None:
    assert {p.as_posix() for p in RUBRICS} >= {
        "rubrics/2024/kabupaten-kota.rubric", "rubrics/2024/pemerintah-desa.rubric", "rubrics/2024/perusahaan-besar.rubric",
    }


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_rubric_checks_clean(relative: Path) -> None:
    model, diagnostics = diagnose((ROOT / relative).read_text(encoding="utf-8"), str(ROOT / relative))
    assert model is not None
    assert [d.render() for d in diagnostics] == []


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_rubric_passes_its_example_cases_with_full_coverage(relative: Path) -> None:
    report = run_cases(compiled(relative), max_examples=25)
    assert report.ok, report.render()
    assert any(c.checked for c in report.cases), "example cases need expectations"


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_examples_show_an_eligible_and_a_failing_candidate(relative: Path) -> None:
    rubric = compiled(relative)
    data = ROOT / "examples" / relative.relative_to("rubrics").with_suffix(".yaml")
    candidates, _ = pr.load_candidates(data, rubric.input_specs)
    results = [rubric.evaluate_candidate(c) for c in candidates]
    assert any(r.status == "eligible" for r in results)
    assert any(r.failed_gates for r in results) or not rubric.model.gates


def test_csv_examples_score_like_their_yaml_twins() -> None:
    pairs = [(p, p.with_suffix(".yaml")) for p in sorted((ROOT / "examples").rglob("*.csv"))]
    assert pairs
    for csv_path, yaml_path in pairs:
        rubric = compiled(Path("rubrics") / csv_path.parent.name / (csv_path.stem + ".rubric"))
        from_csv, rejected = pr.load_candidates(csv_path, rubric.input_specs)
        assert rejected == []
        from_yaml = {c.id: c for c in pr.load_candidates(yaml_path, rubric.input_specs)[0]}
        for candidate in from_csv:
            twin = from_yaml[candidate.id]
            assert rubric.evaluate_candidate(candidate).total == rubric.evaluate_candidate(twin).total


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_rubric_is_in_the_canonical_layout(relative: Path) -> None:
    from paritrana_rules.language.format import format_text

    text = (ROOT / relative).read_text(encoding="utf-8")
    assert format_text(text, str(relative)) == text, "run: paritrana-rules fmt " + str(relative)
