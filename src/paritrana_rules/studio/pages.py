"""The studio's pages: the library, and a rubric's workbench: the editor beside the handbook, the example cases
and coverage, the changes from the rubric it extends, what-if, scoring a file, and replay.

The pages are plain HTML with one script and one stylesheet shipped in
`static/`; everything they show comes from the HTTP API (`server.py`), so the
studio shows what the command line would. No page fetches anything from the
network: the studio works on a machine without one.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import get_args
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from paritrana_rules import api
from paritrana_rules.studio.base import Limits, Refusal, Studio
from paritrana_rules.studio.server import application

# The pages load nothing but the studio's own script, stylesheet and answers; the handbook's page, shown in a
# sandboxed frame, keeps its own inline style; downloads are blob: links the script makes.
CSP = {"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                  "img-src 'self' data:; connect-src 'self' blob:; frame-src 'self' about:; "
                                  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"}
_STATIC = {"studio.js": "text/javascript; charset=utf-8", "studio.css": "text/css; charset=utf-8"}


def create_studio(root: str | Path, *, limits: Limits | None = None) -> Starlette:
    """The studio: its pages and the API they use, over the rubrics under `root`. It has no token: it is served
    on loopback only, to the person at the machine (other systems use `serve`, with a token)."""
    studio = Studio(root, limits or Limits())
    return application(studio, page_routes(studio))


def page_routes(studio: Studio) -> list[Route]:
    async def library(request: Request) -> Response:
        return HTMLResponse(_library(studio, _lang(request)), headers=CSP)

    async def workbench(request: Request) -> Response:
        try:
            name = studio.rubric_name(request.path_params["rubric"])
        except Refusal as refusal:
            return HTMLResponse(_page("paritrana-rules studio", f"<p class=refusal>{html.escape(str(refusal))}</p>"
                                      '<p><a href="/">the library</a></p>'), status_code=refusal.status, headers=CSP)
        return HTMLResponse(_workbench(studio, name, _lang(request)), headers=CSP)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return Response(b"", status_code=404)
        return Response(resources.files("paritrana_rules.studio").joinpath("static", name).read_bytes(),
                        media_type=_STATIC[name])

    return [Route("/", library), Route("/rubric/{rubric:path}", workbench), Route("/static/{name}", static)]


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "id")
    return lang if lang in ("id", "en") else "id"


def _page(title: str, body: str, lang: str = "id") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f'<link rel="stylesheet" href="/static/studio.css"></head><body>{body}'
            '<script src="/static/studio.js"></script></body></html>')


def _library(studio: Studio, lang: str) -> str:
    """Every rubric by category, then period and round, each linking to its workbench."""
    rows: dict[str, list[str]] = {}
    for entry in studio.catalogue():
        link = f'/rubric/{html.escape(quote(entry.path))}?lang={lang}'
        label = html.escape(entry.label(lang) or entry.path)
        failure = f' <span class=failure>{html.escape(entry.failure.message)}</span>' if entry.failure else ""
        rows.setdefault(entry.category or "?", []).append(
            f"<tr><td><a href=\"{link}\">{label}</a>{failure}</td><td>{entry.period or ''}</td>"
            f"<td>{entry.edition or ''}</td><td>{html.escape(entry.round or '')}</td>"
            f"<td><code>{html.escape(entry.path)}</code></td></tr>")
    words = _WORDS[lang]
    sections = "".join(f"<h2>{html.escape(category)}</h2><table><tr><th>{words['rubric']}</th>"
                       f"<th>{words['period']}</th><th>{words['edition']}</th><th>{words['round']}</th>"
                       f"<th>{words['file']}</th></tr>{''.join(found)}</table>" for category, found in rows.items())
    other = "en" if lang == "id" else "id"
    title = f"<header><h1>{words['library']}</h1><a href=\"/?lang={other}\">{other}</a></header>"
    return _page(words["library"], f"{title}<main>{sections}</main>", lang)


def _workbench(studio: Studio, name: str, lang: str) -> str:
    words = _WORDS[lang]
    tabs = "".join(f'<button class=tab data-tab="{tab}" aria-selected="{str(tab == "handbook").lower()}">'
                   f'{words[tab]}</button>' for tab in ("handbook", "cases", "diff", "whatif", "batch", "replay"))
    said = json.dumps({**_SAID[lang], "statuses": _statuses(lang)}, ensure_ascii=False
                      ).replace("<", "\\u003c")  # data for the script, never markup
    body = f"""
<header><a href="/?lang={lang}">{words['library']}</a> / <code id=rubric-name>{html.escape(name)}</code>
  <span id=save-state></span></header>
<script type="application/json" id=words>{said}</script>
<main class=workbench data-rubric="{html.escape(name)}" data-shown="{html.escape(studio.shown(name))}"
  data-lang="{lang}">
  <section class=editor>
    <div class=toolbar><button id=save>{words['save']}</button><button id=format>{words['format']}</button>
      <span id=summary></span></div>
    <div class=code><pre id=marks aria-hidden=true></pre><textarea id=text spellcheck=false></textarea></div>
    <ol id=diagnostics></ol>
  </section>
  <section class=side>
    <nav>{tabs}</nav>
    <div class=panel id=handbook>
      <div class=toolbar><button class=handbook-lang data-lang=id aria-pressed="{str(lang == 'id').lower()}">Bahasa
        Indonesia</button><button class=handbook-lang data-lang=en aria-pressed="{str(lang == 'en').lower()}">English
        </button></div>
      <iframe id=handbook-page sandbox title="{words['handbook']}"></iframe></div>
    <div class=panel id=cases hidden>
      <div class=toolbar><button id=cases-run>{words['run_cases']}</button><output id=cases-summary></output></div>
      <p id=coverage class=result></p><ul id=cases-list></ul>
      <h3>{words['uncovered']}</h3><ul id=uncovered-list></ul>
      <details><summary>{words['report']}</summary><pre id=cases-report></pre></details></div>
    <div class=panel id=diff hidden>
      <div class=toolbar><button id=diff-run>{words['run_diff']}</button><output id=diff-summary></output></div>
      <ul id=diff-changes></ul><table id=diff-moves></table>
      <details><summary>{words['report']}</summary><pre id=diff-text></pre></details></div>
    <div class=panel id=whatif hidden><form id=whatif-form></form>
      <p class=result>{words['total']}: <output id=whatif-total>-</output> <output id=whatif-status></output></p>
      <h3>{words['margins']}</h3><ul id=whatif-margins></ul>
      <pre id=whatif-explanation></pre></div>
    <div class=panel id=batch hidden><input type=file id=batch-file accept=".csv,.xlsx,.json,.jsonl,.yaml,.yml">
      <p class=downloads><a id=batch-download hidden download=scores.csv>{words['download']}</a>
        <a id=batch-xlsx hidden download=scores.xlsx>{words['download_xlsx']}</a>
        <a id=batch-ledger hidden download=ledger.jsonl>{words['download_ledger']}</a></p>
      <div id=batch-charts></div>
      <p class=hint>{words['click_row']}</p><table id=batch-table></table>
      <pre id=batch-explanation></pre></div>
    <div class=panel id=replay hidden><input type=file id=replay-file accept=".jsonl">
      <label class=option><input type=checkbox id=replay-current> {words['against_current']}</label>
      <div id=replay-divergence hidden></div>
      <pre id=replay-report></pre></div>
  </section>
</main>"""
    return _page(f"{Path(name).name} · paritrana-rules studio", body, lang)


def _statuses(lang: str) -> dict[str, str]:
    """Each status code as the tables, CSV files and workbooks of `score --lang` show it."""
    return {code: api.status_word(code, lang) for code in (*get_args(api.Status), "rejected")}


_WORDS = {
    "id": {"library": "Pustaka rubrik", "rubric": "Rubrik", "period": "Periode", "edition": "Edisi", "round": "Babak",
           "file": "Berkas", "save": "Simpan", "format": "Rapikan", "handbook": "Buku panduan",
           "cases": "Contoh kasus", "diff": "Perubahan", "whatif": "Simulasi", "batch": "Nilai berkas",
           "replay": "Periksa buku besar", "total": "Nilai total", "download": "Unduh CSV",
           "download_xlsx": "Unduh xlsx", "download_ledger": "Unduh buku besar (JSONL)",
           "margins": "Jarak ke rentang poin berikutnya", "run_cases": "Jalankan contoh kasus",
           "uncovered": "Aturan yang belum tercapai oleh kasus mana pun",
           "report": "Laporan lengkap", "run_diff": "Bandingkan dengan rubrik yang diperluas",
           "click_row": "Klik sebuah baris untuk melihat penjelasan nilainya.",
           "against_current": "Jika rubrik telah berubah, hitung ulang dengan rubrik yang berlaku sekarang"},
    "en": {"library": "Rubric library", "rubric": "Rubric", "period": "Period", "edition": "Edition", "round": "Round",
           "file": "File", "save": "Save", "format": "Format", "handbook": "Handbook", "cases": "Example cases",
           "diff": "Changes", "whatif": "What-if", "batch": "Score a file", "replay": "Replay a ledger",
           "total": "Total", "download": "Download CSV", "download_xlsx": "Download xlsx",
           "download_ledger": "Download the ledger (JSONL)", "margins": "How far each criterion is from its next band",
           "run_cases": "Run the example cases",
           "uncovered": "Rules no case reaches", "report": "Full report",
           "run_diff": "Compare with the rubric it extends", "click_row": "Click a row to see its explanation.",
           "against_current": "If the rubric changed, re-score under the rubric as it is now"},
}

# What the script writes in the page, in the page's language.
_SAID = {
    "id": {"line": "baris", "coverage": "Cakupan uji: {hit} dari {rules} aturan tercapai oleh contoh kasus",
           "extendsNone": "Rubrik ini tidak memperluas rubrik lain.",
           "movesHead": ["Kandidat", "Dengan rubrik yang diperluas", "Dengan rubrik ini", "Selisih nilai",
                         "Nominasi"],
           "rejected": "data ditolak", "batchHead": ["Kandidat", "Status", "Nilai total", "Peringkat"],
           "contributions": "Sumbangan setiap kriteria pada nilai total", "histogram": "Sebaran nilai total",
           "divergence": "Langkah pertama yang menyimpang: baris {line} buku besar ({candidate}), langkah {step}",
           "recorded": "Tercatat", "recomputed": "Dihitung ulang", "reads": "Data yang dibaca",
           "showInText": "Tunjukkan di teks rubrik"},
    "en": {"line": "line", "coverage": "Coverage: {hit} of {rules} rules reached by a case",
           "extendsNone": "This rubric extends no other rubric.",
           "movesHead": ["Candidate", "Under the rubric extended", "Under this rubric", "Change", "Nomination"],
           "rejected": "data rejected", "batchHead": ["Candidate", "Status", "Total", "Rank"],
           "contributions": "What each criterion adds to the total", "histogram": "Distribution of totals",
           "divergence": "First diverging step: ledger line {line} ({candidate}), step {step}",
           "recorded": "Recorded", "recomputed": "Recomputed", "reads": "It read",
           "showInText": "Show it in the rubric text"},
}
