"""Output formats of a batch: scored and rejected items -> a table, one JSON document, JSON Lines or CSV.

Items come one per input row, in file order (see `rows.item_of` and
`rows.rejected_item`); placings, when the rubric ranks, one per scored item, in the same order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from paritrana_rules.batch.rows import RANK_COLUMNS, Options, csv_header, line, placed, points_of, rank_cells
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.funnel import FunnelWords, funnel_sentences
from paritrana_rules.rank.ranking import Placing, Rules
from paritrana_rules.rank.ranking import describe as describe_funnel

Items = Iterable[dict[str, Any]]
Placings = Iterator[Placing] | None  # one per scored (not rejected) item, in order, when the rubric ranks
Render = Callable[[AnyRubric, Items, Placings, Options], Iterator[str]]


def _placed(items: Items, placings: Placings) -> Iterator[tuple[dict[str, Any], Placing | None]]:
    """Each item with its placing (None for a rejected row, or when the rubric does not rank)."""
    for item in items:
        yield item, next(placings) if placings is not None and item["status"] != "rejected" else None


def table(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
    """A fixed-width table for a terminal: id, status, total, rank and each top criterion's points."""
    pairs = list(_placed(items, placings))
    words = FunnelWords(rubric.model, options.lang)
    items = [item for item, _ in pairs]
    roots = list(rubric.model.roots)
    ranked = RANK_COLUMNS if placings is not None else []
    header = ["id", "status", "total", *ranked, *roots]
    rows = [[item["candidate_id"], item["status"], item.get("total", "-"),
             *(rank_cells(words, placing) if ranked else []),
             *(points_of(item).get(c, "-") for c in roots)] for item, placing in pairs]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def aligned(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    out = [aligned(header), aligned(["-" * w for w in widths]), *(aligned(r) for r in rows)]
    if placings is not None:
        out.append(f"{describe_funnel(Rules(rubric.model))}; '=' marks a rank shared by a tie nothing breaks")
    out += [f"{item['candidate_id']} ({item['status']}): {'; '.join(item['reasons'])}"
            for item in items if item.get("reasons")]
    if options.explain:
        for item, placing in pairs:
            if "explanation" in item:
                out += ["", "=" * 72, "", _explained(rubric, item, placing, options.lang).rstrip()]
    yield "\n".join(out) + "\n"


def json_document(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
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
            extra["explanation"] = _explained(rubric, item, placing, options.lang)
        results.append({**item, **extra})
    document = {"rubric": {**rubric.identity, "path": rubric.path}, "results": results, "rejected": rejected}
    yield json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def json_lines(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
    """One object per input row, in file order: scored, disqualified or rejected, nothing dropped."""
    words = FunnelWords(rubric.model, options.lang)
    for item, placing in _placed(items, placings):
        shown = {**item, "explanation": _explained(rubric, item, placing, options.lang)} \
            if placing is not None and "explanation" in item else item
        yield line(rubric, shown, placing, "jsonl", words)


def csv_rows(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
    """One row per input row, in the same order: scored, disqualified or rejected with its reasons."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(csv_header(rubric))
    yield buffer.getvalue()
    words = FunnelWords(rubric.model, options.lang)
    for item, placing in _placed(items, placings):
        yield line(rubric, item, placing, "csv", words, raw_csv=options.raw_csv)


def _explained(rubric: AnyRubric, item: dict[str, Any], placing: Placing | None, lang: str) -> str:
    """A candidate's explanation, with what the funnel decided once every candidate was scored."""
    text = str(item["explanation"])
    sentences = funnel_sentences(rubric.model, placing, lang) if placing is not None else []
    return text.rstrip() + "\n\n" + "\n".join(sentences) + "\n" if sentences else text


RENDERERS: dict[str, Render] = {"table": table, "json": json_document, "jsonl": json_lines, "csv": csv_rows}
