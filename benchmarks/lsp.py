"""From a keystroke to its diagnostic: `paritrana-rules lsp` on the largest bundled rubric.

An editor's client (pygls) opens the largest rubric, then sends one change at a
time, alternately breaking a weight (so the checker reports W400) and
restoring it, and times each change from sending it to receiving the published
diagnostics. Prints the median and the 95th percentile.

    .venv/bin/python benchmarks/lsp.py [--changes 60]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

ROOT = Path(__file__).resolve().parents[1]


def largest_rubric() -> Path:
    return max((ROOT / "rubrics").glob("*/*.rubric"), key=lambda path: len(path.read_bytes()))


async def measure(changes: int) -> tuple[Path, list[float]]:
    path = largest_rubric()
    text = path.read_text(encoding="utf-8")
    weight = re.search(r"weight (\d+)%", text)
    if weight is None:
        raise SystemExit(f"{path} has no weight to change")
    broken = text[:weight.end(1)] + "1" + text[weight.end(1):]
    client = LanguageClient("benchmark", "1")
    published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    await client.start_io(sys.executable, "-m", "paritrana_rules", "lsp", cwd=str(ROOT))
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    uri = from_fs_path(str(path)) or str(path)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="paritrana-rubric", version=1, text=text)))
    await published.get()
    times = []
    for version in range(2, changes + 2):
        sent = broken if version % 2 == 0 else text
        start = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=sent)]))
        found = await published.get()
        times.append(time.perf_counter() - start)
        if bool(found.diagnostics) != (sent is broken):
            raise SystemExit("the diagnostics do not follow the text")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return path, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=60)
    args = parser.parse_args()
    path, times = asyncio.run(measure(args.changes))
    ordered = sorted(times)
    print(f"keystroke to diagnostic on {path.relative_to(ROOT)} ({len(path.read_text().splitlines())} lines), "
          f"{len(times)} changes: median {statistics.median(ordered) * 1000:.0f} ms, 95th percentile "
          f"{ordered[int(len(ordered) * 0.95)] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
