"""The built wheel carries the grammar: install it into a throw-away venv and load a rubric."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_installed_wheel_loads_and_scores(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("paritrana_rules-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    script = (
        "import paritrana_rules as pr, pathlib, sys\n"
        "assert 'site-packages' in pr.__file__, pr.__file__\n"
        f"rubric = pr.load({str(ROOT / 'rubrics/2024/pemerintah-desa.rubric')!r})\n"
        f"candidates, rejected = pr.load_candidates({str(ROOT / 'examples/2024/pemerintah-desa.yaml')!r}, rubric.input_specs)\n"
        "print(rubric.evaluate_candidate(candidates[0]).total)\n"
    )
    done = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "80.50"
