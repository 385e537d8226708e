"""Every bundled rubric checks clean and scores its example candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.api import diagnose

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = sorted(p.relative_to(ROOT) for p in (ROOT / "rubrics").rglob("*.rubric"))


def compiled(relative: Path) -> pr.CompiledRubric:
    return pr.loads((ROOT / relative).read_text(encoding="utf-8"), relative.as_posix())


def examples(relative: Path, suffix: str = ".yaml") -> Path:
    return ROOT / "examples" / relative.parent.name / (relative.stem + suffix)


def test_rubrics_are_bundled() -> None:
    assert {p.as_posix() for p in RUBRICS} >= {
        "rubrics/2024/kabupaten-kota.rubric", "rubrics/2024/pemerintah-desa.rubric", "rubrics/2024/perusahaan-besar.rubric",
    }


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_rubric_checks_clean(relative: Path) -> None:
    model, diagnostics = diagnose((ROOT / relative).read_text(encoding="utf-8"), relative.as_posix())
    assert model is not None
    assert [d.render() for d in diagnostics] == []


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_examples_score_within_the_scale(relative: Path) -> None:
    rubric = compiled(relative)
    candidates, rejected = pr.load_candidates(examples(relative), rubric.input_specs)
    assert rejected == []
    assert len(candidates) >= 4
    low, high = rubric.model.scale
    statuses = set()
    for candidate in candidates:
        result = rubric.evaluate_candidate(candidate)
        assert low <= result.total <= high
        statuses.add(result.status)
        for criterion in result.criteria:
            assert low <= criterion.points <= high
    assert statuses == {"eligible", "disqualified"}, "examples should show both an eligible and a disqualified candidate"


@pytest.mark.parametrize("relative", RUBRICS, ids=str)
def test_every_top_level_criterion_varies_across_examples(relative: Path) -> None:
    """Examples that all score alike on a criterion would not show the committee how it works."""
    rubric = compiled(relative)
    candidates, _ = pr.load_candidates(examples(relative), rubric.input_specs)
    results = [rubric.evaluate_candidate(c) for c in candidates]
    for root in rubric.model.roots:
        assert len({r.criterion(root).points for r in results}) > 1, root


def test_csv_examples_score_like_their_yaml_twins() -> None:
    pairs = [(p, p.with_suffix(".yaml")) for p in sorted((ROOT / "examples").rglob("*.csv"))]
    assert pairs
    for csv_path, yaml_path in pairs:
        relative = Path("rubrics") / csv_path.parent.name / (csv_path.stem + ".rubric")
        rubric = compiled(relative)
        from_csv, rejected = pr.load_candidates(csv_path, rubric.input_specs)
        assert rejected == []
        from_yaml = {c.id: c for c in pr.load_candidates(yaml_path, rubric.input_specs)[0]}
        for candidate in from_csv:
            twin = from_yaml[candidate.id]
            assert rubric.evaluate_candidate(candidate).total == rubric.evaluate_candidate(twin).total
