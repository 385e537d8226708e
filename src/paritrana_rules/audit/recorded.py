"""What a ledger records of decisions across its records, checked when it is replayed: each placing and the ranking
record against the funnel decided again, and the provincial ledgers a national round's rubric record names
against the nominations given.

Read by `replay.py`; kept apart from `ledger.py`, which reads and chains the records themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from paritrana_rules.audit.ledger import Finding, as_mapping, shown
from paritrana_rules.audit.records import Decisions, Nomination, funnel_rule
from paritrana_rules.rank.ranking import AwardOutcome, CutOutcome, Funnel, Placing


def recorded_placing(decision: Any) -> Placing | None:
    """The placing a placing record's decision reads as (`Placing.to_dict` read back), or None when it has not
    that shape. Only a line that the rubric's writer writes again from it, byte for byte, is taken as it is."""
    try:
        cut, awards = decision["cut"], decision["awards"]
        return Placing(decision["candidate"], decision["group"], decision["rank"], decision["of"],
                       decision["nominated"], decision["tied"], CutOutcome(**cut) if cut is not None else None,
                       tuple(AwardOutcome(a["award"], a["rank"], a["of"], a["group"], a["ahead"],
                                          _behind_by(a["behind_by"])) for a in awards))
    except (TypeError, KeyError, IndexError, ValueError):  # any shape, after tampering
        return None


# A gap to the placing above as `plain` writes it. Nothing else is read as a number: "1E+999999999" would be
# written again as a billion digits.
_WRITTEN_GAP = re.compile(r"-?[0-9]{1,40}(?:\.[0-9]{1,40})?")


def _behind_by(recorded: Any) -> Decimal | None:
    if recorded is None:
        return None
    if not isinstance(recorded, str) or not _WRITTEN_GAP.fullmatch(recorded):
        raise ValueError("not a gap as written")
    return Decimal(recorded)


def placing_findings(line: int, document: Mapping[str, Any], recorded: Iterable[tuple[int, Any]], funnel: Funnel
                     ) -> Iterator[tuple[int, Finding]]:
    """Placings are steps too: each placing record against the funnel's decision for its candidate, in order,
    then the ranking record against what those decisions sum up to. The first difference is reported. `recorded`
    holds each placing record's line and the decision it records."""
    decisions = Decisions()
    records = iter(recorded)
    for placing in funnel.placings():
        decisions.add(placing)
        found = next(records, None)
        fresh = placing.to_dict()
        if found is None:
            yield line, Finding("ranking", f"no placing record for candidate {placing.candidate}: recomputed "
                                f"{shown(fresh)}", line, placing.candidate)
            return
        if as_mapping(found[1]) != fresh:
            yield found[0], Finding("ranking", f"candidate {placing.candidate}: recorded {shown(found[1])}, "
                                    f"recomputed {shown(fresh)}", found[0], placing.candidate)
            return
    extra = next(records, None)
    if extra is not None:
        yield extra[0], Finding("ranking", "a placing record for a candidate the ledger did not score", extra[0])
        return
    summed = decisions.to_dict()
    for key in ("placings", "nominated", "awarded"):
        if document.get(key) != summed[key]:
            yield line, Finding("ranking", f"the ranking record's {key}: recorded {shown(document.get(key))}, "
                                f"recomputed {shown(summed[key])}", line)
            return
    if document.get("rule") != funnel_rule(funnel.rules.model):
        yield line, Finding("ranking", f"the ranking record's rule: recorded {shown(document.get('rule'))}, the "
                            f"rubric's {shown(funnel_rule(funnel.rules.model))}", line)


def recorded_nominations(rubric_records: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The provincial ledgers a national ledger's rubric records name, with their nominees."""
    return [n for d in rubric_records for n in as_list(d.get("nominations")) if isinstance(n, Mapping)]


def nominated_in(rubric_records: Sequence[Mapping[str, Any]]) -> set[str] | None:
    """Every candidate the ledger's nominating ledgers nominated; None when it is not a national round's."""
    recorded = recorded_nominations(rubric_records)
    if not recorded:
        return None
    return {str(c) for n in recorded for c in as_list(n.get("nominated"))}


def as_list(value: Any) -> list[Any]:
    """A part of a record that should be a list; anything else (after tampering) reads as empty."""
    return value if isinstance(value, list) else []


def nominee_findings(rubric_records: Sequence[Mapping[str, Any]], given: Sequence[Nomination] | None,
                     unusable: Sequence[str]) -> list[Finding]:
    """Each given provincial ledger is named, with the same nominees, by the ledger's rubric record."""
    if unusable:
        return [Finding("nominations", message) for message in unusable]
    if given is None:
        return []
    recorded = {str(n.get("head")): n for n in recorded_nominations(rubric_records)}
    findings = []
    for nomination in given:
        named = recorded.get(nomination.head)
        if named is None:
            findings.append(Finding("nominations", f"{nomination.ledger} is not a ledger this one names (its head "
                                    f"{nomination.head[:12]}… is not recorded)"))
        elif named != nomination.to_dict():
            findings.append(Finding("nominations", f"{nomination.ledger} nominates other candidates than the ledger "
                                    "records"))
    missing = recorded.keys() - {n.head for n in given}
    if missing:
        findings.append(Finding("nominations", f"the ledger names {len(recorded)} nominating ledgers and "
                                f"{len(missing)} of them were not given, so their nominees were not checked "
                                f"against them (heads {', '.join(sorted(h[:12] + '…' for h in missing))})"))
    return findings
