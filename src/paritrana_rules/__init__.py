"""paritrana_rules: the Paritrana Award's scoring rules as code.

    import paritrana_rules as pr
    rubric = pr.load("rubrics/2024/pemerintah-desa.rubric")
    result = rubric.evaluate({...}, candidate_id="desa-tamansari")
    print(result.total, result.status)
    print(result.explain(lang="id"))
    record = result.audit()                  # canonical, hashed audit record
    report = pr.replay(record)               # report.ok, report.first_divergence
"""

from __future__ import annotations

from paritrana_rules.evaluate.rubric import CompiledRubric as CompiledRubric
from paritrana_rules.evaluate.rubric import diagnose as diagnose
from paritrana_rules.evaluate.rubric import load as load
from paritrana_rules.evaluate.rubric import loads as loads
from paritrana_rules.data import Candidate as Candidate
from paritrana_rules.data import InputSpec as InputSpec
from paritrana_rules.data import Rejected as Rejected
from paritrana_rules.data import load_candidates as load_candidates
from paritrana_rules.errors import Diagnostic as Diagnostic
from paritrana_rules.errors import InputError as InputError
from paritrana_rules.errors import InputProblem as InputProblem
from paritrana_rules.errors import RubricError as RubricError
from paritrana_rules.audit.replay import Divergence as Divergence
from paritrana_rules.audit.replay import Finding as Finding
from paritrana_rules.audit.replay import ReplayReport as ReplayReport
from paritrana_rules.audit.replay import replay as replay
from paritrana_rules.evaluate.result import Result as Result
from paritrana_rules.evaluate.result import TraceStep as TraceStep

__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "CompiledRubric",
    "Diagnostic",
    "Divergence",
    "Finding",
    "InputError",
    "InputProblem",
    "InputSpec",
    "Rejected",
    "ReplayReport",
    "Result",
    "RubricError",
    "TraceStep",
    "__version__",
    "diagnose",
    "load",
    "load_candidates",
    "loads",
    "replay",
]
