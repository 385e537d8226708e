"""Ranking: one declaration, by the total or criteria, nominating a whole number (its `within`: funnel.py)."""

from __future__ import annotations

from paritrana_rules.check.model import CriterionModel
from paritrana_rules.check.state import CheckState
from paritrana_rules.errors import Indonesian, closest, you_meant
from paritrana_rules.language import ast
from paritrana_rules.numeric import plain


def check_ranking(state: CheckState, criteria: list[CriterionModel]) -> ast.RankingDecl | None:
    """The rubric's ranking, the first when there are several."""
    for extra in state.rubric.rankings[1:]:
        state.report("W407", "the rubric ranks candidates twice", extra.span,
                     "keep one 'rank candidates by ...' declaration",
                     indonesian=Indonesian("rubrik ini memeringkat peserta dua kali",
                                           "sisakan satu deklarasi 'rank candidates by ...'"))
    if not state.rubric.rankings:
        return None
    ranking = state.rubric.rankings[0]
    names = [c.decl.name for c in criteria]
    for key, span in zip(ranking.keys, ranking.key_spans, strict=True):
        if key != "total" and key not in names:
            meant = closest(key, names)
            state.report("N214", f"candidates cannot be ranked by '{key}': it is neither 'total' nor a criterion",
                         span, you_meant(meant) or "rank by total, then by criteria to break ties",
                         indonesian=Indonesian(f"peserta tidak dapat diperingkat menurut '{key}': ini bukan 'total' "
                                               "dan bukan kriteria", you_meant(meant, "id") or "urutkan menurut total, "
                                               "lalu menurut kriteria untuk memisahkan nilai yang sama"))
    top = ranking.nominate
    if top is not None and ranking.nominate_span is not None and (top < 1 or top != top.to_integral_value()):
        state.report("R513", f"cannot nominate the top {plain(top)}: nominate a whole number of candidates, 1 or more",
                     ranking.nominate_span, "e.g. nominate top 1 (the best of each group goes on)",
                     indonesian=Indonesian(f"tidak dapat menominasikan {plain(top)} peserta teratas: jumlah "
                                           "peserta yang dinominasikan harus bilangan bulat, 1 atau lebih",
                                           "misalnya nominate top 1 (peserta terbaik dari setiap kelompok yang "
                                           "lanjut)"))
    return ranking
