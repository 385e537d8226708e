"""The 2024 regency/city rubric in two established rules engines from PyPI, for comparison.

- GoRules Zen (`zen-engine`): a JDM decision graph — an expression node for the
  derived values, one decision table per band or lookup, and an expression node
  that rounds, weighs and totals, whose output is every criterion's points, the
  totals and the status. The JSON is built below from the readable tables, never
  typed by hand. It is run through Zen's fast path, the one its Python docs give
  for performance: a loader handing the engine a `ZenDecisionContent` compiled
  once, and `ZenEngine.evaluate(key, context)`. The binding's basic usage,
  `create_decision(json).evaluate`, is kept as a separate scorer: several times
  slower, and labelled as such wherever it is timed.
- `rule-engine`: one rule (expression) per derived value and criterion, run in
  rubric order, each reading what the earlier ones produced.

Both are checked against the engine's totals on the bundled example candidates
(`python benchmarks/engines.py`); `run.py` times them.

Where they cannot be exact:
- Zen computes with `rust_decimal` (28 significant digits, not the engine's 50)
  and hands every number back to Python as a binary float. It is given the
  candidate as JSON text with every number written exactly (a Python dict
  cannot carry a Decimal into it); the totals are compared as
  `Decimal(repr(float))`, which is exact for two-decimal results but is a
  conversion the engine never needs; a ratio whose 29th digit decides a
  rounding tie would differ (none does in the examples or synthetic data).
- rule-engine computes with `decimal.Decimal` under a context we give it (the
  engine's 50 digits here), so it is exact; it has no rounding function, so
  half-up rounding is written as `(x * 100 + 0.5) // 1 / 100`, valid because
  points are never negative.
"""

from __future__ import annotations

import functools
import itertools
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import rule_engine
import zen

# ------------------------------------------------------------------ the rubric as readable tables
# Transcribed from rubrics/2024/kabupaten-kota.rubric; a test is the examples agreeing.

Test = tuple[str, int | str] | None  # (">=", 80) means "subject >= 80"; None is "otherwise"


def percent(part: str, whole: str) -> tuple[str, str, str]:
    """The rubric's clamp(ratio(part * 100, whole, if zero 0), 0, 100)."""
    return (part, whole, "clamp")


LETS: dict[str, tuple[str, str, str]] = {
    "cakupan_pu": percent("peserta_pu", "potensi_pu"),
    "cakupan_bpu": percent("peserta_bpu", "potensi_bpu"),
    "pertumbuhan_peserta": ("peserta_pu + peserta_bpu - peserta_tahun_lalu", "peserta_tahun_lalu", "free"),
    "cakupan_rentan": percent("rentan_dibiayai_apbd", "pekerja_rentan"),
}

BANDS: dict[str, tuple[str, list[tuple[Test, int]]]] = {
    "cakupan_penerima_upah": ("cakupan_pu", [((">=", 80), 100), ((">=", 60), 80), ((">=", 40), 60),
                                             ((">=", 20), 40), (None, 20)]),
    "cakupan_bukan_penerima_upah": ("cakupan_bpu", [((">=", 30), 100), ((">=", 20), 80), ((">=", 10), 60),
                                                    ((">=", 5), 40), (None, 20)]),
    "pertumbuhan": ("pertumbuhan_peserta", [((">=", 10), 100), ((">=", 5), 80), ((">=", 0), 60),
                                            ((">=", -5), 30), (None, 0)]),
    "jumlah_rentan": ("rentan_dibiayai_apbd", [((">=", 50000), 100), ((">=", 20000), 85), ((">=", 10000), 70),
                                               ((">=", 5000), 55), ((">=", 1000), 40), ((">", 0), 20), (None, 0)]),
    "anggaran_rentan": ("anggaran_iuran_rentan", [((">=", 10000), 100), ((">=", 5000), 80), ((">=", 1000), 60),
                                                  ((">=", 250), 40), ((">", 0), 20), (None, 0)]),
}

# criterion -> (input, how matches combine, member -> points); a member not listed scores 0.
LOOKUPS: dict[str, tuple[str, str, dict[str, int]]] = {
    "jenis_produk_hukum": ("produk_hukum", "max", {"perda": 100, "perkada": 75, "instruksi": 50, "surat_edaran": 40}),
    "inovasi_kebijakan": ("inovasi", "sum", {"program_rentan_khusus": 30, "kuota_per_desa": 20,
                                             "perizinan_terintegrasi": 20, "data_nik_terpadu": 15,
                                             "kemitraan_csr": 15}),
    "kehadiran_pimpinan": ("hadir_wawancara", "is", {"kepala_daerah": 100, "wakil_kepala_daerah": 80, "sekda": 60,
                                                     "kepala_dinas": 40}),
}

# Leaves whose points are a plain expression.
DIRECT = {"nspk": ("integrasi_nspk", 100), "porsi_rentan": ("cakupan_rentan", None),
          "pemahaman": ("nilai_pemahaman", None)}

PARENTS: dict[str, list[tuple[str, str]]] = {
    "regulasi": [("jenis_produk_hukum", "0.8"), ("nspk", "0.2")],
    "cakupan": [("cakupan_penerima_upah", "0.45"), ("cakupan_bukan_penerima_upah", "0.4"), ("pertumbuhan", "0.15")],
    "pekerja_rentan_apbd": [("porsi_rentan", "0.5"), ("jumlah_rentan", "0.3"), ("anggaran_rentan", "0.2")],
    "wawancara": [("kehadiran_pimpinan", "0.4"), ("pemahaman", "0.6")],
}
TOP = [("regulasi", "0.25"), ("cakupan", "0.35"), ("pekerja_rentan_apbd", "0.15"), ("inovasi_kebijakan", "0.1"),
       ("wawancara", "0.15")]
BONUS = ("perda_perizinan_bpjs", 5)
PENALTY = ("tunggakan_iuran_pemda", 5)
CAP = (("perda", "perkada"), "produk_hukum", 60)  # capped unless one of these is in the set
DISQUALIFY_UNLESS = "berkas_lengkap"
# The desk assessment's advance rule: its provisional total (everything but the interview) must reach this.
DESK = [part for part in TOP if part[0] != "wawancara"]
ADVANCE_AT = 40
LEAVES = [*BANDS, *LOOKUPS, *DIRECT]


def candidate_json(values: Mapping[str, Any]) -> str:
    """Validated values as JSON text, numbers written exactly (Zen parses them as decimals)."""
    return "{" + ",".join([_json_key(k) + _ENCODE[type(v)](v) for k, v in values.items()]) + "}"


@functools.cache
def _json_key(name: str) -> str:
    return json.dumps(name) + ":"


def _json_set(members: frozenset[str]) -> str:
    return json.dumps(sorted(members))


# One encoder per type a validated value can have: a lookup, not a chain of isinstance tests per value.
_ENCODE: dict[type, Callable[[Any], str]] = {
    bool: lambda v: "true" if v else "false", int: str, Decimal: lambda v: format(v, "f"), str: json.dumps,
    frozenset: _json_set, set: _json_set,
}


# ------------------------------------------------------------------ GoRules Zen (JDM graph)


def _zen_let(part: str, whole: str, limit: str) -> str:
    ratio = f"({whole} == 0 ? 0 : ({part}) * 100 / {whole})"
    return f"max([0, min([100, {ratio}])])" if limit == "clamp" else ratio


def _zen_unary(test: Test) -> str:
    return "" if test is None else f"{test[0]} {test[1]}"


def _node(node_id: str, kind: str, content: dict[str, Any], x: int) -> dict[str, Any]:
    return {"id": node_id, "type": kind, "name": node_id, "position": {"x": x, "y": 0}, "content": content}


def _expression_node(node_id: str, expressions: list[tuple[str, str]], x: int,
                     pass_through: bool = True) -> dict[str, Any]:
    listed = [{"id": f"{node_id}-{i}", "key": key, "value": value} for i, (key, value) in enumerate(expressions)]
    return _node(node_id, "expressionNode", {"expressions": listed, "passThrough": pass_through, "inputField": None,
                                             "outputPath": None, "executionMode": "single"}, x)


def _table_node(name: str, hit_policy: str, column: str, rules: list[tuple[str, int]], x: int,
                output_path: str | None = None) -> dict[str, Any]:
    """One decision table: a single input column (unary tests) and one output, `points`."""
    return _node(f"table-{name}", "decisionTableNode", {
        "hitPolicy": hit_policy, "passThrough": True, "inputField": None,
        "outputPath": output_path or f"{name}_table", "executionMode": "single",
        "inputs": [{"id": "subject", "name": column, "field": column}],
        "outputs": [{"id": "points", "name": "points", "field": "points"}],
        "rules": [{"_id": f"{name}-{i}", "subject": test, "points": str(points)}
                  for i, (test, points) in enumerate(rules)],
    }, x)


def _zen_tables(x: int) -> list[dict[str, Any]]:
    tables = [_table_node(name, "first", subject, [(_zen_unary(t), p) for t, p in rows], x + 10 * i)
              for i, (name, (subject, rows)) in enumerate(BANDS.items())]
    for name, (field, combine, points) in LOOKUPS.items():
        # A one-of input is matched by value (first hit); a set by membership, every match collected.
        tests = [(f"'{member}'" if combine == "is" else f"contains($, '{member}')", p) for member, p in points.items()]
        policy = "first" if combine == "is" else "collect"
        tables.append(_table_node(name, policy, field, [*tests, ("", 0)], x + 100))
    return tables


def _zen_points(name: str) -> str:
    if name in BANDS or LOOKUPS.get(name, ("", "", {}))[1] == "is":
        return f"{name}_table.points"
    if name in LOOKUPS:
        combine = LOOKUPS[name][1]
        return f"{combine}(map({name}_table, #.points))"
    field, when_true = DIRECT[name]
    return f"({field} ? {when_true} : 0)" if when_true is not None else field


def _adjustments() -> str:
    """The bonus and the penalty, in the ternary both engines' languages share."""
    return f"({BONUS[0]} ? {BONUS[1]} : 0) - ({PENALTY[0]} ? {PENALTY[1]} : 0)"


def _weighted(parts: list[tuple[str, str]], ref: Callable[[str], str]) -> str:
    return " + ".join(f"{weight} * {ref(child)}" for child, weight in parts)


def _zen_totals() -> list[tuple[str, str]]:
    expressions = [(leaf, f"round({_zen_points(leaf)}, 2)") for leaf in LEAVES]
    expressions += [(parent, f"round({_weighted(parts, lambda c: '$.' + c)}, 2)") for parent, parts in PARENTS.items()]
    members, field, cap = CAP
    binding = " or ".join(f"contains({field}, '{m}')" for m in members)
    for prefix, parts in (("desk_", DESK), ("", TOP)):
        expressions += [(f"{prefix}subtotal", f"{_weighted(parts, lambda c: '$.' + c)} + {_adjustments()}"),
                        (f"{prefix}capped", f"({binding}) ? $.{prefix}subtotal : min([$.{prefix}subtotal, {cap}])"),
                        (f"{prefix}total", f"round(max([0, min([100, $.{prefix}capped])]), 2)")]
    expressions.append(("status", f"{DISQUALIFY_UNLESS} ? ($.desk_total >= {ADVANCE_AT} ? 'eligible' : 'eliminated')"
                                  " : 'disqualified'"))
    return expressions


def zen_graph() -> dict[str, Any]:
    """The rubric as a JDM decision graph: input -> derived values -> tables -> totals -> output.

    The totals node passes nothing else through: the output is what a user reads (every criterion's points,
    the totals, the status), not the inputs and intermediate tables, which Zen would otherwise convert to
    Python objects on every call.
    """
    lets = [(name, _zen_let(*spec)) for name, spec in LETS.items()]
    nodes = [_node("request", "inputNode", {}, 0), _expression_node("derived", lets, 100), *_zen_tables(200),
             _expression_node("totals", _zen_totals(), 400, pass_through=False),
             _node("response", "outputNode", {}, 500)]
    edges = [{"id": f"edge-{i}", "sourceId": a["id"], "targetId": b["id"], "type": "edge"}
             for i, (a, b) in enumerate(itertools.pairwise(nodes))]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


ZEN_KEY = "kabupaten-kota.json"


def zen_fast_engine() -> zen.ZenEngine:
    """Zen's documented fast path: a loader that hands out the decision compiled once (`ZenDecisionContent`)."""
    compiled = {ZEN_KEY: zen.ZenDecisionContent(json.dumps(zen_graph()))}
    return zen.ZenEngine({"loader": compiled.__getitem__})


def zen_scorer() -> Callable[[Mapping[str, Any]], tuple[Decimal, str, dict[str, Any]]]:
    """Validated values to (total, status, Zen's result: every criterion's points too), through Zen's fast path."""
    engine = zen_fast_engine()

    def score(values: Mapping[str, Any]) -> tuple[Decimal, str, dict[str, Any]]:
        result = engine.evaluate(ZEN_KEY, candidate_json(values))["result"]
        return Decimal(repr(result["total"])), result["status"], result

    return score


def zen_binding_scorer() -> Callable[[Mapping[str, Any]], tuple[Decimal, str, dict[str, Any]]]:
    """The same through `create_decision(json).evaluate`: the binding's basic usage, not its fast path."""
    decision = zen.ZenEngine().create_decision(json.dumps(zen_graph()))

    def score(values: Mapping[str, Any]) -> tuple[Decimal, str, dict[str, Any]]:
        result = decision.evaluate(candidate_json(values))["result"]
        return Decimal(repr(result["total"])), result["status"], result

    return score


# ------------------------------------------------------------------ rule-engine (one rule per step)


def _re_let(part: str, whole: str, limit: str) -> str:
    ratio = f"({whole} == 0 ? 0 : ({part}) * 100 / {whole})"
    return f"$max([0, $min([100, {ratio}])])" if limit == "clamp" else ratio


def _re_round(expression: str) -> str:
    return f"(({expression}) * 100 + 0.5) // 1 / 100"


def _re_band(subject: str, rows: Sequence[tuple[Test, int]]) -> str:
    text = ""
    for test, points in reversed(rows):
        text = str(points) if test is None else f"({subject} {test[0]} {test[1]} ? {points} : {text})"
    return text


def _re_leaf(name: str) -> str:
    if name in BANDS:
        return _re_band(*BANDS[name])
    if name in LOOKUPS:
        field, combine, points = LOOKUPS[name]
        if combine == "is":
            return _re_band(field, [*((("==", f"'{m}'"), p) for m, p in points.items()), (None, 0)])
        terms = ", ".join(f"('{m}' in {field} ? {p} : 0)" for m, p in points.items())
        return f"${combine}([{terms}])"
    field, when_true = DIRECT[name]
    return f"({field} ? {when_true} : 0)" if when_true is not None else field


def rule_engine_steps() -> list[tuple[str, str]]:
    """(name, rule text) in evaluation order; each rule reads the inputs and the names before it."""
    steps = [(name, _re_let(*spec)) for name, spec in LETS.items()]
    steps += [(leaf, _re_round(_re_leaf(leaf))) for leaf in LEAVES]
    steps += [(parent, _re_round(_weighted(parts, str))) for parent, parts in PARENTS.items()]
    members, field, cap = CAP
    binding = " or ".join(f"'{m}' in {field}" for m in members)
    for prefix, parts in (("desk_", DESK), ("", TOP)):
        steps += [(f"{prefix}subtotal", f"{_weighted(parts, str)} + {_adjustments()}"),
                  (f"{prefix}capped", f"({binding}) ? {prefix}subtotal : $min([{prefix}subtotal, {cap}])"),
                  (f"{prefix}total", _re_round(f"$max([0, $min([100, {prefix}capped])])"))]
    steps.append(("status", f"{DISQUALIFY_UNLESS} ? (desk_total >= {ADVANCE_AT} ? 'eligible' : 'eliminated') "
                            ": 'disqualified'"))
    return steps


def rule_engine_scorer() -> Callable[[Mapping[str, Any]], tuple[Decimal, str, dict[str, Any]]]:
    """Validated values to (total, status, every step's value: the points too), through rule-engine, 50 digits."""
    from paritrana_rules.numeric import CONTEXT

    context = rule_engine.Context(decimal_context=CONTEXT)
    rules = [(name, rule_engine.Rule(text, context=context)) for name, text in rule_engine_steps()]

    def score(values: Mapping[str, Any]) -> tuple[Decimal, str, dict[str, Any]]:
        env: dict[str, Any] = {k: set(v) if isinstance(v, frozenset) else v for k, v in values.items()}
        for name, rule in rules:
            env[name] = rule.evaluate(env)
        return env["total"], env["status"], env

    return score


SCORERS = {"GoRules Zen": zen_scorer, "GoRules Zen, create_decision": zen_binding_scorer,
           "rule-engine": rule_engine_scorer}


def check_examples(root: Path) -> dict[str, int]:
    """How many bundled example candidates each engine scores differently from the engine (0 is right)."""
    import paritrana_rules as pr

    rubric = pr.load(root / "rubrics/2024/kabupaten-kota.rubric")
    candidates, _ = pr.load_candidates(root / "examples/2024/kabupaten-kota.yaml", rubric.input_specs)
    expected = [(r.total, r.status) for r in map(rubric.evaluate_candidate, candidates)]
    return {name: sum(make()(c.values)[:2] != e for c, e in zip(candidates, expected, strict=True))
            for name, make in SCORERS.items()}


if __name__ == "__main__":
    differences = check_examples(Path(__file__).resolve().parents[1])
    for engine, wrong in differences.items():
        print(f"{engine}: {'agrees on every example' if not wrong else f'{wrong} examples differ'}")
    sys.exit(1 if any(differences.values()) else 0)
