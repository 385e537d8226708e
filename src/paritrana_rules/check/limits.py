"""How large a rubric may grow: the limits of the language, each checked before the work it bounds.

Without them a rubric of a few hundred bytes could take minutes or gigabytes to
check, or check and then fail to compile. Each limit is far above what the
award needs: the library in `rubrics/` has at most 17 criteria two levels deep,
bands of 7 rows, tables of 6 rows, inputs of 5 values and formulas of 6 terms.
A rubric beyond a limit gets a located diagnostic (docs/errors.md); a table
beyond what its analysis may enumerate gets the analysis's own answer instead
(R511, R512: add an `otherwise` row, or use `first match`).
"""

from __future__ import annotations

import attrs

from paritrana_rules.check.chains import is_chain, operands
from paritrana_rules.language import ast

# Values one one-of or set-of input may list (T322). Every regency and city of Indonesia (514) fits; the
# values appear in messages, in the handbook and in every case a table's analysis enumerates.
MAX_INPUT_VALUES = 1_000

# Levels of the criteria tree, a top-level criterion being level 1 (W409). Every level multiplies the
# weights of those under it, and explanations and the handbook walk the tree level by level.
MAX_CRITERIA_DEPTH = 20

# Terms (numbers, names and values) in one formula (T320). Checking, compiling and explaining a formula
# follow its tree, which a long sum makes as deep as it has terms; the handbook recurses a few frames a term.
MAX_FORMULA_TERMS = 200

# Operations nested inside one another in one formula (T321); a run such as a + b - c, p and q and r,
# counts as one. Python accepts at most 200 open brackets in a line, and the generated code opens at most
# two per level.
MAX_FORMULA_DEPTH = 50

# Cases a table's analysis may enumerate (`tables.py`); beyond it the table is beyond analysis (R511,
# R512). A set-of input tested value by value doubles the cases with each value.
MAX_TABLE_CASES = 20_000

# Row conditions a table's analysis may evaluate: its cases times its rows with a condition, each
# evaluation taking a few microseconds. Beyond it the table is beyond analysis, as above.
MAX_TABLE_TESTS = 200_000

# Overlaps reported per band (R502) or per `unique match` table (R505): every pair of a thousand rows that
# all overlap would be half a million messages, while fourteen rows that all overlap have 91 pairs.
MAX_OVERLAPS_REPORTED = 100


@attrs.frozen
class FormulaSize:
    terms: int
    depth: int  # operations on the longest path from the top to a term; a run counts once


def formula_size(expr: ast.Expr) -> FormulaSize:
    """How many terms a formula has and how deeply it nests, counted without recursion: it may be huge."""
    terms = depth = 0
    pending = [(expr, 0)]
    while pending:
        node, level = pending.pop()
        parts = _parts(node)
        if not parts:
            terms += 1
            depth = max(depth, level)
        pending.extend((part, level + 1) for part in parts)
    return FormulaSize(terms, depth)


def _parts(expr: ast.Expr) -> list[ast.Expr]:
    """What an operation works on; nothing for a term."""
    match expr:
        case ast.Binary(_, left, right):
            return operands(expr) if is_chain(expr) else [left, right]
        case ast.Unary(_, operand):
            return [operand]
        case ast.IfThenElse(condition, then, otherwise):
            return [condition, then, otherwise]
        case ast.Call(_, args):
            return list(args)
    return []
