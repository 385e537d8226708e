"""Nominations: the provincial round's ledgers -> the candidates a national round may score.

The award's provincial rounds each rank their candidates and nominate the
first places to the national round (docs/award.md §2). A national `score` is given
the provincial ledgers (`--nominees`): each must replay cleanly (chain, seal,
every score and the ranking, re-derived under its rubric) and hold a ranking
record, whose nominated candidates are the only ones the national round
scores; any other row is rejected, saying so. The national
ledger's rubric record names every provincial ledger by its sealed head and
its ranking record's hash, with the candidates each nominated, so that replay
can show every national candidate was nominated, and by which ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from paritrana_rules.audit.ledger import read_ledger
from paritrana_rules.audit.records import Nomination
from paritrana_rules.audit.replay import replay
from paritrana_rules.errors import NominationError, UsageError
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.language.extends import rubrics_root


_FINDINGS_SHOWN = 3


def read_nominations(paths: Iterable[str | Path], rubric_paths: Iterable[str | Path] = ()) -> tuple[Nomination, ...]:
    """The nominations of each provincial ledger (each once); NominationError names every one that cannot be used.

    `rubric_paths` are where to find the provincial rubrics (default: `rubrics/` in the current folder); what
    the ledgers record of where their rubric was only says which of those to try first.
    """
    nominations: dict[str, Nomination] = {}
    messages = []
    for path in paths:
        try:
            nomination = _nomination(Path(path), list(rubric_paths))
        except NominationError as error:
            messages += error.messages
            continue
        nominations.setdefault(nomination.head, nomination)
    if messages:
        raise NominationError(messages)
    return tuple(nominations.values())


def _nomination(path: Path, rubric_paths: list[str | Path]) -> Nomination:
    documents = [d for _, d in read_ledger(path, [])]
    report = replay(path, rubric_paths or None)
    problems = [f for f in report.findings if f.severity == "error"]
    if problems:
        shown = [f"  - {f.render()}" for f in problems[:_FINDINGS_SHOWN]]
        more = [f"  ... and {len(problems) - _FINDINGS_SHOWN} more"] if len(problems) > _FINDINGS_SHOWN else []
        raise NominationError([f"{path}: the nominating ledger does not replay cleanly (run 'paritrana-rules "
                               "replay' on it):", *shown, *more])
    rankings = [d for d in documents if d.get("kind") == "ranking"]
    seal: dict[str, Any] = next((d for d in reversed(documents) if d.get("kind") == "seal"), {})
    if not rankings:
        raise NominationError([f"{path}: holds no ranking, so it nominates no one: its rubric declares no 'rank' "
                               "with 'nominate'"])
    ranking = rankings[-1]
    rubric = dict(ranking.get("rubric") or {})
    if rubric.get("round") is None:
        raise NominationError([f"{path}: was scored by a rubric that declares no round; a provincial round's "
                               "rubric says 'round provinsi'"])
    nominated = tuple(str(candidate) for candidate in ranking.get("nominated") or ())
    return Nomination(str(path), str(seal.get("head")), str(ranking.get("sha256")), rubric, nominated)


def nominated_ids(nominations: Iterable[Nomination]) -> frozenset[str]:
    return frozenset(candidate for n in nominations for candidate in n.nominated)


def nominations_for(rubric: AnyRubric, ledgers: Sequence[str | Path]) -> tuple[Nomination, ...]:
    """The provincial ledgers' nominations, each for this rubric's award, edition and category, from an earlier
    round; UsageError when a ledger is missing or is for another category or the same round."""
    for path in ledgers:
        if not Path(path).exists():
            raise UsageError(f"no such nominating ledger: {path}")
    nominations = read_nominations(ledgers, [rubrics_root(rubric.path)])
    wanted = {k: rubric.identity[k] for k in ("award", "edition", "category", "sector")}
    for nomination in nominations:
        found = {k: nomination.rubric.get(k) for k in wanted}
        if found != wanted:
            raise UsageError(f"{nomination.ledger} nominates for {found['category']} edition {found['edition']}, "
                             f"not for {wanted['category']} edition {wanted['edition']}")
        if nomination.rubric.get("round") == rubric.identity["round"]:
            raise UsageError(f"{nomination.ledger} was scored in the same round as {rubric.path}; its nominees go "
                             "on to the next round's rubric")
    return nominations
