"""The studio's pages: the library, and a rubric's workbench (editor, handbook, what-if, scoring, replay).

The pages are plain HTML with one script and one stylesheet shipped in
`static/`; everything they show comes from the HTTP API (`server.py`), so the
studio shows what the command line would. No page fetches anything from the
network: the studio works on a machine without one.
"""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from paritrana_rules import api
from paritrana_rules.studio.server import Limits, Refusal, Studio, application

_STATIC = {"studio.js": "text/javascript; charset=utf-8", "studio.css": "text/css; charset=utf-8"}


def create_studio(root: str | Path, *, limits: Limits | None = None) -> Starlette:
    """The studio: its pages and the API they use, over the rubrics under `root`. It has no token: it is served
    on loopback only, to the person at the machine (other systems use `serve`, with a token)."""
    studio = Studio(root, limits or Limits())
    return application(studio, page_routes(studio))


def page_routes(studio: Studio) -> list[Route]:
    async def library(request: Request) -> Response:
        return HTMLResponse(_library(studio, _lang(request)))

    async def workbench(request: Request) -> Response:
        name = request.path_params["rubric"]
        try:
            studio.rubric_path(name)
        except Refusal as refusal:
            return HTMLResponse(_page("paritrana-rules studio", f"<p class=refusal>{html.escape(str(refusal))}</p>"
                                      '<p><a href="/">the library</a></p>'), status_code=refusal.status)
        return HTMLResponse(_workbench(name, _lang(request)))

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
    entries = api.catalogue(studio.root)
    rows: dict[str, list[str]] = {}
    for entry in entries:
        link = f'/rubric/{html.escape(entry.path)}?lang={lang}'
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


def _workbench(name: str, lang: str) -> str:
    words = _WORDS[lang]
    tabs = "".join(f'<button class=tab data-tab="{tab}">{words[tab]}</button>'
                   for tab in ("handbook", "whatif", "batch", "replay"))
    body = f"""
<header><a href="/?lang={lang}">{words['library']}</a> / <code id=rubric-name>{html.escape(name)}</code>
  <span id=save-state></span></header>
<main class=workbench data-rubric="{html.escape(name)}" data-lang="{lang}">
  <section class=editor>
    <div class=toolbar><button id=save>{words['save']}</button><button id=format>{words['format']}</button>
      <span id=summary></span></div>
    <div class=code><pre id=marks aria-hidden=true></pre><textarea id=text spellcheck=false></textarea></div>
    <ol id=diagnostics></ol>
  </section>
  <section class=side>
    <nav>{tabs}</nav>
    <div class=panel id=handbook><pre id=handbook-text></pre></div>
    <div class=panel id=whatif hidden><form id=whatif-form></form>
      <p class=result>{words['total']}: <output id=whatif-total>-</output> <output id=whatif-status></output></p>
      <pre id=whatif-explanation></pre></div>
    <div class=panel id=batch hidden><input type=file id=batch-file accept=".csv,.xlsx,.json,.jsonl,.yaml,.yml">
      <a id=batch-download hidden download=scores.csv>{words['download']}</a>
      <table id=batch-table></table></div>
    <div class=panel id=replay hidden><input type=file id=replay-file accept=".jsonl">
      <pre id=replay-report></pre></div>
  </section>
</main>"""
    return _page(f"{Path(name).name} · paritrana-rules studio", body, lang)


_WORDS = {
    "id": {"library": "Pustaka rubrik", "rubric": "Rubrik", "period": "Periode", "edition": "Edisi", "round": "Babak",
           "file": "Berkas", "save": "Simpan", "format": "Rapikan", "handbook": "Buku panduan", "whatif": "Simulasi",
           "batch": "Nilai berkas", "replay": "Periksa buku besar", "total": "Nilai total",
           "download": "Unduh CSV"},
    "en": {"library": "Rubric library", "rubric": "Rubric", "period": "Period", "edition": "Edition", "round": "Round",
           "file": "File", "save": "Save", "format": "Format", "handbook": "Handbook", "whatif": "What-if",
           "batch": "Score a file", "replay": "Replay a ledger", "total": "Total", "download": "Download CSV"},
}
