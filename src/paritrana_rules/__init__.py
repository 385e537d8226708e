"""paritrana_rules: the Paritrana Award's scoring rules as code.

    import paritrana_rules as pr
    rubric = pr.load("rubrics/2024/pemerintah-desa.rubric")
    result = rubric.evaluate({...}, candidate_id="desa-tamansari")
    print(result.total, result.status)
    print(result.explain(lang="id"))
    record = result.audit()                  # canonical, hashed audit record
    report = pr.replay(record)               # report.ok, report.first_divergence

Every error raised on purpose is a `pr.Error`: `RubricError` (bad rubric text),
`InputError` (bad candidate data), `NominationError` and `UsageError`.
"""

from __future__ import annotations

from paritrana_rules.api import CompiledRubric as CompiledRubric
from paritrana_rules.api import Divergence as Divergence
from paritrana_rules.api import Finding as Finding
from paritrana_rules.api import ReplayReport as ReplayReport
from paritrana_rules.api import Result as Result
from paritrana_rules.api import diagnose as diagnose
from paritrana_rules.api import load as load
from paritrana_rules.api import loads as loads
from paritrana_rules.api import replay as replay
from paritrana_rules.data import Candidate as Candidate
from paritrana_rules.data import InputSpec as InputSpec
from paritrana_rules.data import Rejected as Rejected
from paritrana_rules.data import load_candidates as load_candidates
from paritrana_rules.errors import Diagnostic as Diagnostic
from paritrana_rules.errors import Error as Error
from paritrana_rules.errors import InputError as InputError
from paritrana_rules.errors import InputProblem as InputProblem
from paritrana_rules.errors import NominationError as NominationError
from paritrana_rules.errors import RubricError as RubricError
from paritrana_rules.errors import UsageError as UsageError
from paritrana_rules.evaluate.result import TraceStep as TraceStep
from paritrana_rules.version import VERSION as __version__

__all__ = [
    "Candidate",
    "CompiledRubric",
    "Diagnostic",
    "Divergence",
    "Error",
    "Finding",
    "InputError",
    "InputProblem",
    "InputSpec",
    "NominationError",
    "Rejected",
    "ReplayReport",
    "Result",
    "RubricError",
    "TraceStep",
    "UsageError",
    "__version__",
    "diagnose",
    "load",
    "load_candidates",
    "loads",
    "replay",
]
