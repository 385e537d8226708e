"""Output formats of a batch: scored and rejected items -> a table, one JSON document, JSON Lines, CSV, a workbook
or one HTML page.

Items come one per input row, in file order (see `rows.item_of` and
`rows.rejected_item`); placings, when the rubric ranks, one per scored item, in the same order.
What people read (a table, CSV, a workbook, a page) has its headings and statuses in the language asked for;
what programs read (JSON, JSON Lines) keeps its keys and status codes in every language. Each renderer
gives the output's bytes, in pieces.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, get_args

from paritrana_rules.batch.cells import heading, status_word
from paritrana_rules.batch.rows import (
    RANK_COLUMNS,
    Options,
    csv_cells,
    csv_header,
    explained,
    line,
    placed,
    points_of,
    rank_cells,
)
from paritrana_rules.batch.workbook import score_workbook
from paritrana_rules.evaluate.result import Status
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.funnel import FunnelWords
from paritrana_rules.explain.html import scores_html
from paritrana_rules.rank.ranking import Placing, Rules
from paritrana_rules.rank.ranking import describe as describe_funnel

Items = Iterable[dict[str, Any]]
Placings = Iterator[Placing] | None  # one per scored (not rejected) item, in order, when the rubric ranks
Render = Callable[[AnyRubric, Items, Placings, Options], Iterator[bytes]]
_STATUS_ORDER = (*get_args(Status), "rejected")  # how a page counts its rows by status


def _placed(items: Items, placings: Placings) -> Iterator[tuple[dict[str, Any], Placing | None]]:
    """Each item with its placing (None for a rejected row, or when the rubric does not rank)."""
    for item in items:
        yield item, next(placings) if placings is not None and item["status"] != "rejected" else None


def table(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[bytes]:
    """A fixed-width table for a terminal: id, status, total, rank and each top criterion's points."""
    pairs = list(_placed(items, placings))
    lang = options.lang
    words = FunnelWords(rubric.model, lang)
    items = [item for item, _ in pairs]
    roots = list(rubric.model.roots)
    ranked = RANK_COLUMNS if placings is not None else []
    header = [*(heading(code, lang) for code in ("id", "status", "total", *ranked)), *roots]
    rows = [[item["candidate_id"], status_word(item["status"], lang), item.get("total", "-"),
             *(rank_cells(words, placing, lang) if ranked else []),
             *(points_of(item).get(c, "-") for c in roots)] for item, placing in pairs]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def aligned(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    out = [aligned(header), aligned(["-" * w for w in widths]), *(aligned(r) for r in rows)]
    if placings is not None:
        out.append(f"{describe_funnel(Rules(rubric.model))}; '=' marks a rank shared by a tie nothing breaks")
    out += [f"{item['candidate_id']} ({status_word(item['status'], lang)}): {'; '.join(item['reasons'])}"
            for item in items if item.get("reasons")]
    if options.explain:
        for item, placing in pairs:
            if "explanation" in item:
                out += ["", "=" * 72, "", explained(rubric, item, placing, lang).rstrip()]
    yield ("\n".join(out) + "\n").encode("utf-8")


def json_document(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[bytes]:
    """One JSON document: the rubric's identity, the results (with placings) and the rejected rows."""
    results, rejected = [], []
    words = FunnelWords(rubric.model, options.lang)
    for item, placing in _placed(items, placings):
        if item["status"] == "rejected":
            rejected.append({"candidate_id": item["candidate_id"], "origin": item["origin"],
                             "problems": item["problems"]})
            continue
        extra = placed(words, placing) if placing is not None else {}
        if "explanation" in item:
            extra["explanation"] = explained(rubric, item, placing, options.lang)
        results.append({**item, **extra})
    document = {"rubric": {**rubric.identity, "path": rubric.path}, "results": results, "rejected": rejected}
    yield (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def json_lines(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[bytes]:
    """One object per input row, in file order: scored, disqualified or rejected, nothing dropped."""
    words = FunnelWords(rubric.model, options.lang)
    for item, placing in _placed(items, placings):
        shown = {**item, "explanation": explained(rubric, item, placing, options.lang)} \
            if placing is not None and "explanation" in item else item
        yield line(rubric, shown, placing, "jsonl", words).encode("utf-8")


def csv_rows(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[bytes]:
    """One row per input row, in the same order: scored, disqualified or rejected with its reasons."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(csv_header(rubric, options.lang))
    yield buffer.getvalue().encode("utf-8")
    words = FunnelWords(rubric.model, options.lang)
    for item, placing in _placed(items, placings):
        yield line(rubric, item, placing, "csv", words, raw_csv=options.raw_csv, lang=options.lang).encode("utf-8")


def workbook(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[bytes]:
    """An .xlsx workbook: the scores as numbers, and each candidate's explanation or reasons (`batch.workbook`)."""
    yield from score_workbook(rubric, _placed(items, placings), options)


def html_page(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[bytes]:
    """One self-contained HTML page (`explain.html`) to read or print: how many candidates ended in each status,
    then the CSV's cells (as they are: a page runs no formulas), the outcomes apart from the criteria's points."""
    words, lang = FunnelWords(rubric.model, options.lang), options.lang
    rows, statuses = [], Counter[str]()
    for item, placing in _placed(items, placings):
        rows.append(csv_cells(rubric, item, placing, words, raw=True, lang=lang))
        statuses[item["status"]] += 1
    header = csv_header(rubric, lang)
    points = len(header) - len(rubric.model.criteria) - 1  # the criteria's columns, then the reasons, end a row
    outcomes = ([*header[:points], header[-1]], [[*row[:points], row[-1]] for row in rows])
    counts = [(status_word(status, lang), statuses[status]) for status in _STATUS_ORDER if statuses[status]]
    yield scores_html(rubric, outcomes, (header[:1] + header[points:-1], [row[:1] + row[points:-1] for row in rows]),
                      counts, lang).encode("utf-8")


RENDERERS: dict[str, Render] = {"table": table, "json": json_document, "jsonl": json_lines, "csv": csv_rows,
                                "xlsx": workbook, "html": html_page}
