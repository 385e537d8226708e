"""The language server (`paritrana-rules lsp`), driven through the protocol as an editor drives it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from paritrana_rules import api

ROOT = Path(__file__).resolve().parents[1]
PARENT = ROOT / "rubrics/2024/pemerintah-desa.rubric"
CHILD = ROOT / "rubrics/2025/pemerintah-desa.rubric"
TIMEOUT = 60.0
MESSY = CHILD.read_text(encoding="utf-8").replace("\nchange input", "\n\n\nchange   input", 1)


class Editor:
    """A client that keeps the diagnostics the server publishes, by document, and can wait for the next ones."""

    def __init__(self) -> None:
        self.client = LanguageClient("tests", "1")
        self.published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait(params)

    async def start(self, lang: str) -> None:
        await self.client.start_io(sys.executable, "-m", "paritrana_rules", "lsp", cwd=str(ROOT))
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), initialization_options={"lang": lang}))
        self.client.initialized(types.InitializedParams())

    async def diagnostics(self) -> list[types.Diagnostic]:
        params = await asyncio.wait_for(self.published.get(), TIMEOUT)
        return list(params.diagnostics)

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def session(lang: str, steps: Callable[[Editor], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        editor = Editor()
        await editor.start(lang)
        try:
            return await steps(editor)
        finally:
            await editor.stop()
    return asyncio.run(run())


def open_document(editor: Editor, path: Path, text: str) -> str:
    uri = from_fs_path(str(path)) or str(path)
    editor.client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="paritrana-rubric", version=1, text=text)))
    return uri


def change(editor: Editor, uri: str, version: int, text: str) -> None:
    editor.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def position_of(text: str, needle: str, skip: int = 0) -> types.Position:
    """Where the `skip`-th occurrence of `needle` starts, as an LSP position."""
    at = -1
    for _ in range(skip + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    return types.Position(line, at - (text.rfind("\n", 0, at) + 1))


def test_a_mistake_typed_is_reported_at_its_place_and_goes_away_when_fixed() -> None:
    text = PARENT.read_text(encoding="utf-8")
    broken = text.replace("weight 20%", "weight 25%", 1)

    async def steps(editor: Editor) -> tuple[Any, ...]:
        uri = open_document(editor, PARENT, text)
        clean = await editor.diagnostics()
        change(editor, uri, 2, broken)
        found = await editor.diagnostics()
        change(editor, uri, 3, text)
        fixed = await editor.diagnostics()
        return clean, found, fixed

    clean, found, fixed = session("en", steps)
    assert clean == [] and fixed == []
    weights = [d for d in found if str(d.code).startswith("W4")]
    assert weights and weights[0].severity == types.DiagnosticSeverity.Error
    assert "hint:" in weights[0].message
    line = broken.splitlines()[weights[0].range.start.line]
    assert "weight" in line  # underlined where the checker's span says


def test_messages_come_in_the_language_asked_for() -> None:
    broken = PARENT.read_text(encoding="utf-8").replace("weight 20%", "weight 25%", 1)

    async def steps(editor: Editor) -> list[types.Diagnostic]:
        open_document(editor, PARENT, broken)
        return await editor.diagnostics()

    assert session("id", steps)[0].message != session("en", steps)[0].message


def test_hover_definition_completion_and_formatting() -> None:
    text = CHILD.read_text(encoding="utf-8")
    parent = PARENT.read_text(encoding="utf-8")
    inherited = next(word for word in ("rentan_dibiayai", "aparat_desa", "cakupan_desa") if word in text)

    async def steps(editor: Editor) -> tuple[Any, ...]:
        uri = open_document(editor, CHILD, text)
        assert await editor.diagnostics() == []
        document = types.TextDocumentIdentifier(uri=uri)
        where = position_of(text, inherited)
        hover = await editor.client.text_document_hover_async(types.HoverParams(document, where))
        definition = await editor.client.text_document_definition_async(types.DefinitionParams(document, where))
        completion = await editor.client.text_document_completion_async(types.CompletionParams(document, where))
        change(editor, uri, 2, MESSY)
        await editor.diagnostics()
        edits = await editor.client.text_document_formatting_async(types.DocumentFormattingParams(
            document, types.FormattingOptions(tab_size=4, insert_spaces=True)))
        return hover, definition, completion, edits

    hover, definition, completion, edits = session("en", steps)
    assert inherited in hover.contents.value and "named on lines" in hover.contents.value
    assert definition.uri == from_fs_path(str(PARENT))  # inherited: found in the file it comes from
    declared = parent.splitlines()[definition.range.start.line]
    assert inherited in declared
    labels = {item.label for item in completion.items}
    assert inherited in labels and "jawa_timur" in labels
    assert len(edits) == 1 and edits[0].new_text == api.format_text(MESSY, str(CHILD)) != MESSY  # what `fmt` writes
