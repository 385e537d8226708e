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

from .api import CompiledRubric as CompiledRubric
from .api import diagnose as diagnose
from .api import load as load
from .api import loads as loads
from .data import Candidate as Candidate
from .data import InputSpec as InputSpec
from .data import Rejected as Rejected
from .data import load_candidates as load_candidates
from .errors import Diagnostic as Diagnostic
from .errors import InputError as InputError
from .errors import InputProblem as InputProblem
from .errors import RubricError as RubricError
from .replay import Divergence as Divergence
from .replay import Finding as Finding
from .replay import ReplayReport as ReplayReport
from .replay import replay as replay
from .result import Result as Result
from .result import TraceStep as TraceStep

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
