"""Candidate data: raw rows -> validated candidates.

Input: a `.yaml`/`.yml`, `.json`, `.jsonl`, `.csv` or `.xlsx` file, or
standard input ("-", its format named), or raw values from Python, and the
rubric's `InputSpec`s. Output: for each candidate either validated values for
every spec (exact `Decimal`s, `bool`s, members, frozensets, text, jury
`Panel`s) or every `InputProblem` found, each naming the candidate and the field.

Invariants:
- every problem of every candidate is listed at once; one bad candidate never
  hides or drops another (only a file that cannot be read at all raises);
- no float is ever built from file data: YAML scalars stay text until
  validation parses them, JSON decimals become `Decimal`s, CSV cells are text;
- no file can bring a run down, hang it or swamp it: everything read is held
  to the limits of `limits` before the work they bound, and a record past one
  is rejected with its problems, alone.

Modules, each importing only those after it: `readers` (a file by its ending,
streamed; records judged) -> `parts` (a CSV file cut into parts that worker
processes read on their own) -> `documents` (YAML, JSON, JSON Lines) and
`spreadsheets` (CSV, .xlsx) -> `records` (one record -> `RawCandidate`),
`workbooks` (an .xlsx archive looked over) and `files` (a file as text) ->
`values` (one candidate validated) -> `panels` (jury scores -> one number) ->
`numbers` (exact numbers) -> `limits` (how large anything read may be) ->
`specs` (`InputSpec` and the words of problems).
"""

from paritrana_rules.data.limits import MAX_ALIAS_VALUES as MAX_ALIAS_VALUES
from paritrana_rules.data.limits import MAX_DECIMAL_PLACES as MAX_DECIMAL_PLACES
from paritrana_rules.data.limits import MAX_DEPTH as MAX_DEPTH
from paritrana_rules.data.limits import MAX_DIGITS as MAX_DIGITS
from paritrana_rules.data.limits import MAX_EXPONENT as MAX_EXPONENT
from paritrana_rules.data.limits import MAX_FIELDS as MAX_FIELDS
from paritrana_rules.data.limits import MAX_ID_CHARS as MAX_ID_CHARS
from paritrana_rules.data.limits import MAX_ITEMS as MAX_ITEMS
from paritrana_rules.data.limits import MAX_MAGNITUDE as MAX_MAGNITUDE
from paritrana_rules.data.limits import MAX_NAME_CHARS as MAX_NAME_CHARS
from paritrana_rules.data.limits import MAX_NUMBER_CHARS as MAX_NUMBER_CHARS
from paritrana_rules.data.limits import MAX_ROW_CHARS as MAX_ROW_CHARS
from paritrana_rules.data.limits import MAX_TEXT_CHARS as MAX_TEXT_CHARS
from paritrana_rules.data.limits import MAX_XLSX_BYTES as MAX_XLSX_BYTES
from paritrana_rules.data.limits import MAX_XLSX_RATIO as MAX_XLSX_RATIO
from paritrana_rules.data.panels import JurorScore as JurorScore
from paritrana_rules.data.panels import Panel as Panel
from paritrana_rules.data.readers import Format as Format
from paritrana_rules.data.readers import iter_candidates as iter_candidates
from paritrana_rules.data.readers import iter_rows as iter_rows
from paritrana_rules.data.readers import judge_candidates as judge_candidates
from paritrana_rules.data.readers import load_candidates as load_candidates
from paritrana_rules.data.readers import read_candidates as read_candidates
from paritrana_rules.data.readers import with_first_origins as with_first_origins
from paritrana_rules.data.specs import InputSpec as InputSpec
from paritrana_rules.data.spreadsheets import CellRow as CellRow
from paritrana_rules.data.spreadsheets import candidate_from_cells as candidate_from_cells
from paritrana_rules.data.spreadsheets import cell_text as cell_text
from paritrana_rules.data.spreadsheets import check_header as check_header
from paritrana_rules.data.values import Candidate as Candidate
from paritrana_rules.data.values import RawCandidate as RawCandidate
from paritrana_rules.data.values import Rejected as Rejected
from paritrana_rules.data.values import is_missing as is_missing
from paritrana_rules.data.values import judge as judge
from paritrana_rules.data.values import validate as validate
from paritrana_rules.data.values import validate_with_defaults as validate_with_defaults
