"""Pages for people who will not run a server: a batch's scored table as one self-contained HTML file in Bahasa
Indonesia or English (one candidate's explanation is `explanation.explain(..., format="html")`).

Both are written with the handbook's blocks (`handbook.blocks`), so the handbook, explanations and score tables
share one page shell: the style inside the page, nothing loaded from anywhere (no scripts, fonts, images or
links), every text escaped, tables that repeat their headings on each printed page. Text from candidates' data
(ids, names, reasons) is shown with its control characters escaped (`\\x1b`), never passed on. The same input
gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, Table, code
from paritrana_rules.explain.handbook.blocks import html as html_page
from paritrana_rules.explain.handbook.writer import PHRASES as HANDBOOK_PHRASES
from paritrana_rules.explain.words import check_request, label
from paritrana_rules.language.identity import rubric_hash
from paritrana_rules.outputs import for_terminal

Cells = tuple[Sequence[str], Sequence[Sequence[str]]]  # a header and its rows
CRITERIA_PER_TABLE = 8  # columns of points a table holds beside the id: what fits across an A4 page

_WORDS = {
    "en": {"scores": "Scores", "summary": "Candidates by status", "status": "status", "count": "candidates",
           "all": "all", "outcomes": "Outcome of each candidate", "points": "Points by criterion",
           "fingerprint": "Rubric fingerprint (sha256), as the audit record of every score carries it"},
    "id": {"scores": "Hasil penilaian", "summary": "Peserta menurut status", "status": "status",
           "count": "jumlah peserta", "all": "seluruhnya", "outcomes": "Hasil per peserta",
           "points": "Poin per kriteria",
           "fingerprint": "Sidik jari rubrik (sha256), sebagaimana tercantum pada catatan audit setiap nilai"},
}


def scores_html(rubric: AnyRubric, outcomes: Cells, points: Cells, statuses: Sequence[tuple[str, int]],
                lang: str = "en") -> str:
    """A batch's scores as one HTML page: the rubric, how many candidates ended in each status, each candidate's
    outcome, then the points of every criterion, in tables narrow enough to print on A4 (the id first in each).

    `outcomes` are the header and rows of the outcome columns as the batch's CSV gives them, the total the fourth;
    `points` the candidate's id and each criterion's points, headed by the criteria's names; `statuses` each
    status in words of `lang` with its count, in order.
    """
    check_request(lang, "html", ("html",))
    words = _WORDS[lang]
    title, category = _titles(rubric, lang)
    counted = [(status, str(count)) for status, count in statuses]
    blocks: list[Block] = [
        Heading(1, f"{words['scores']}: {title}"), Para(category),
        Para(f"{words['fingerprint']}: {code(rubric_hash(rubric.model.rubric))}"),
        Heading(2, words["summary"]),
        Table((words["status"], words["count"]),
              (*counted, (words["all"], str(sum(count for _, count in statuses)))), frozenset({1})),
        Heading(2, words["outcomes"]), _table(outcomes, frozenset({3})),
        Heading(2, words["points"]),
    ]
    (first, *names), rows = points
    for start in range(0, len(names), CRITERIA_PER_TABLE):
        shown = range(start + 1, min(start + CRITERIA_PER_TABLE, len(names)) + 1)
        header = (first, *(code(names[i - 1]) for i in shown))
        blocks.append(_table((header, [(row[0], *(row[i] for i in shown)) for row in rows]),
                             frozenset(range(1, len(header)))))
    return html_page(blocks, lang)


def _table(cells: Cells, numbers: frozenset[int]) -> Table:
    """A table of cells as a batch gives them, shown as they are (`numbers`: the columns aligned right)."""
    header, rows = cells
    return Table(tuple(header), tuple(tuple(for_terminal(cell) for cell in row) for row in rows), numbers)


def _titles(rubric: AnyRubric, lang: str) -> tuple[str, str]:
    """The award, edition and period, and the category, in the handbook's words."""
    ident, phrases = rubric.identity, HANDBOOK_PHRASES[lang]
    title = phrases["title"].format(award=ident["award"], edition=ident["edition"], period=ident["period"])
    shown = {"label": label(rubric.model.rubric.meta, ident["category"], lang), "code": code(ident["category"])}
    if ident["sector"]:
        return title, phrases["category_sector"].format(**shown, sector=code(ident["sector"]))
    return title, phrases["category"].format(**shown)
