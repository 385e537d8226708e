"""Output formats of a batch: scored and rejected items -> a table, one JSON document, JSON Lines or CSV.

Items come one per input row, in file order (see `rows.item_of` and
`rows.rejected_item`); placings, when the rubric ranks, by candidate id.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from paritrana_rules.batch.rows import Options, csv_header, line, points_of, rank_cells
from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.rank.ranking import Placing
from paritrana_rules.rank.ranking import describe as describe_ranking

Items = Iterable[dict[str, Any]]
Placings = Mapping[str, Placing]
Render = Callable[[AnyRubric, Items, Placings, Options], Iterator[str]]


def table(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
    """A fixed-width table for a terminal: id, status, total, rank and each top criterion's points."""
    items = list(items)
    roots = list(rubric.model.roots)
    ranked = ["rank", "nominated"] if rubric.model.ranking is not None else []
    header = ["id", "status", "total", *ranked, *roots]
    rows = [[item["candidate_id"], item["status"], item.get("total", "-"),
             *(rank_cells(placings.get(item["candidate_id"])) if ranked else []),
             *(points_of(item).get(c, "-") for c in roots)] for item in items]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def aligned(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    out = [aligned(header), aligned(["-" * w for w in widths]), *(aligned(r) for r in rows)]
    if rubric.model.ranking is not None:
        out.append(f"ranked {describe_ranking(rubric.model.ranking)}; '=' marks a rank shared by a tie nothing breaks")
    out += [f"{item['candidate_id']} ({item['status']}): {'; '.join(item['reasons'])}"
            for item in items if item.get("reasons")]
    if options.explain:
        for item in items:
            if "explanation" in item:
                out += ["", "=" * 72, "", item["explanation"].rstrip()]
    yield "\n".join(out) + "\n"


def json_document(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
    """One JSON document: the rubric's identity, the results (with placings) and the rejected rows."""
    results, rejected = [], []
    for item in items:
        if item["status"] == "rejected":
            rejected.append({"candidate_id": item["candidate_id"], "origin": item["origin"],
                             "problems": item["problems"]})
            continue
        placing = placings.get(item["candidate_id"])
        placed = {"rank": placing.rank, "nominated": placing.nominated, "tied": placing.tied,
                  "group": placing.group} if placing is not None else {}
        results.append({**item, **placed})
    document = {"rubric": {**rubric.identity, "path": rubric.path}, "results": results, "rejected": rejected}
    yield json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def json_lines(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
    """One object per input row, in file order: scored, disqualified or rejected, nothing dropped."""
    for item in items:
        yield line(rubric, item, placings.get(item["candidate_id"]) if item["status"] != "rejected" else None, "jsonl")


def csv_rows(rubric: AnyRubric, items: Items, placings: Placings, options: Options) -> Iterator[str]:
    """One row per input row, in the same order: scored, disqualified or rejected with its reasons."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(csv_header(rubric))
    yield buffer.getvalue()
    for item in items:
        yield line(rubric, item, placings.get(item["candidate_id"]), "csv", raw_csv=options.raw_csv)


RENDERERS: dict[str, Render] = {"table": table, "json": json_document, "jsonl": json_lines, "csv": csv_rows}
