"""Jury panels: a raw mapping (or CSV text) of juror -> score -> a `Panel` with its one aggregate number.

Each score is validated as a number within the panel's bounds; a juror with a
declared conflict of interest is kept in the record but never counted; the
rule (mean, median or trimmed mean) is applied here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from paritrana_rules.data.limits import MAX_ITEMS, name_issue
from paritrana_rules.data.numbers import to_number
from paritrana_rules.data.specs import InputSpec, Invalid, Issue, clip, show, wrong_type
from paritrana_rules.numeric import CONTEXT, add_all


@attrs.frozen
class JurorScore:
    juror: str
    score: Decimal
    conflict: str | None = None  # why this juror is left out (a declared conflict of interest), or None


@attrs.frozen
class Panel:
    """A jury's scores for one input and the single number they come to under the rubric's rule.

    `dropped` names the jurors a trimmed mean leaves out (the lowest, then the highest score);
    jurors with a conflict of interest are never counted. The aggregate is computed here, once,
    so that the trace and every later step read the same exact number.
    """

    rule: str  # mean, median or trimmed_mean
    scores: tuple[JurorScore, ...]
    value: Decimal
    dropped: tuple[str, ...] = ()


def to_panel(raw: object, spec: InputSpec) -> Panel:
    entries = _panel_entries(raw, spec)
    if len(entries) > MAX_ITEMS:  # before any score is looked at
        raise Invalid(Issue(f"{len(entries):,} jurors are listed; at most {MAX_ITEMS} are allowed",
                            "list each juror of the panel once"))
    name_issues = [issue for juror, _ in entries if (issue := name_issue(juror, "a juror's name"))]
    if name_issues:
        raise Invalid(*name_issues)
    one_score = attrs.evolve(spec, kind="number")  # each juror's score is a number within the panel's bounds
    issues: list[Issue] = []
    scores: list[JurorScore] = []
    for juror, value in entries:
        try:
            scores.append(_juror_score(juror, value, one_score))
        except Invalid as bad:
            issues += [Issue(f"juror '{juror}': {issue.message}", issue.hint) for issue in bad.issues]
    counted = [s for s in scores if s.conflict is None]
    needed = 3 if spec.aggregate == "trimmed_mean" else 1
    if not issues and len(counted) < needed:
        issues.append(Issue(f"{len(counted)} juror{'s' if len(counted) != 1 else ''} without a conflict of "
                            f"interest; the {_RULE_WORDS.get(spec.aggregate or '', 'rule')} needs at least {needed}",
                            "add the scores of the other jurors"))
    if issues:
        raise Invalid(*issues)
    value, dropped = _aggregate(spec.aggregate or "mean", counted)
    # In juror order, whatever order the file lists them in: the same panel always reads the same.
    return Panel(spec.aggregate or "mean", tuple(sorted(scores, key=lambda s: s.juror)), value, dropped)


def _juror_score(juror: str, value: object, one_score: InputSpec) -> JurorScore:
    """One juror's entry: a score, or a mapping with the score and any declared conflict of interest."""
    if not isinstance(value, Mapping):
        return JurorScore(juror, to_number(value, one_score))
    conflict = str(value.get("conflict") or "conflict of interest") if value.get("conflict") else None
    unknown = [str(k) for k in value if k not in ("score", "conflict")]
    issues = [Issue(f"unknown key {show(unknown[0])}", "use score and conflict")] if unknown else []
    try:
        score = to_number(value.get("score"), one_score)
    except Invalid as bad:
        issues += bad.issues
    if issues:
        raise Invalid(*issues)
    return JurorScore(juror, score, conflict)


_RULE_WORDS = {"mean": "mean", "median": "median", "trimmed_mean": "trimmed mean"}


def _panel_entries(raw: object, spec: InputSpec) -> list[tuple[str, object]]:
    """(juror, score) pairs from a mapping, or from CSV text like 'sekda=80; spsi=70 conflict'."""
    if isinstance(raw, Mapping):
        return [(str(k), v) for k, v in raw.items()]
    if isinstance(raw, str):
        entries: list[tuple[str, object]] = []
        for piece in (p.strip() for p in raw.split(";") if p.strip()):
            juror, equals, score = piece.partition("=")
            if not equals:
                raise Invalid(Issue(f"'{clip(piece)}' is not juror=score", "write e.g. sekda=80;spsi=70 conflict"))
            words = score.split()
            conflicted = len(words) == 2 and words[1].lower() == "conflict"
            entries.append((juror.strip(), {"score": words[0] if words else "", "conflict": "conflict of interest"}
                            if conflicted else score.strip()))
        return entries
    wrong_type(raw, spec, "write the jurors' scores, e.g. {sekda: 80, kadisnaker: 85}")


def _aggregate(rule: str, counted: list[JurorScore]) -> tuple[Decimal, tuple[str, ...]]:
    ordered = sorted(counted, key=lambda s: (s.score, s.juror))
    dropped: tuple[str, ...] = ()
    if rule == "trimmed_mean":
        dropped = (ordered[0].juror, ordered[-1].juror)
        ordered = ordered[1:-1]
    if rule == "median":
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle].score, dropped
        return CONTEXT.divide(CONTEXT.add(ordered[middle - 1].score, ordered[middle].score), 2), dropped
    return CONTEXT.divide(add_all(s.score for s in ordered), len(ordered)), dropped
