"""`paritrana-rules lsp`: the checker's diagnostics in any editor, through the Language Server Protocol.

The server (pygls, the `lsp` extra) checks a rubric as it is typed, with the
checker's own spans, codes and hints; and from the last version of the rubric
that checked clean it answers hover (a name's label, kind, weight, the range of
values the checker proved, and where the name is used), go to definition
(across `extends`: an inherited declaration is found in the file it comes from),
completion (names, and the members of a one-of or set-of input) and formatting
(the canonical layout of `fmt`). Initialization options `{"lang": "id"}` give
the messages in Bahasa Indonesia.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from paritrana_rules import api

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}


@attrs.frozen
class Name:
    """A declared name as hover, definition and completion show it."""

    name: str
    kind: str  # input, let, criterion, gate, stage, ...
    span: Any  # where it is declared (`source.Span`)
    details: tuple[str, ...]  # lines of the hover
    members: tuple[str, ...] = ()


class RubricServer(LanguageServer):
    """Keeps, for each open rubric, the names of its last version that checked clean, and the language."""

    def __init__(self) -> None:
        super().__init__("paritrana-rules", api.VERSION)
        self.names: dict[str, dict[str, Name]] = {}
        self.lang = "en"


server = RubricServer()


@server.feature(types.INITIALIZE)
def _initialize(ls: RubricServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict) and options.get("lang") in ("en", "id"):
        ls.lang = options["lang"]


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _opened(ls: RubricServer, params: types.DidOpenTextDocumentParams) -> None:
    _check(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _changed(ls: RubricServer, params: types.DidChangeTextDocumentParams) -> None:
    _check(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _saved(ls: RubricServer, params: types.DidSaveTextDocumentParams) -> None:
    _check(ls, params.text_document.uri)


def _check(ls: RubricServer, uri: str) -> None:
    """Publish the document's diagnostics; remember its names when it checks clean."""
    document = ls.workspace.get_text_document(uri)
    path = to_fs_path(uri) or uri
    model, found = api.diagnose(document.source, path)
    if model is not None:
        ls.names[uri] = {name.name: name for name in names_of(model, ls.lang)}
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, version=document.version, diagnostics=[_diagnostic(d, path, ls.lang) for d in found]))


def _diagnostic(found: api.Diagnostic, path: str, lang: str) -> types.Diagnostic:
    message, hint = found.words(lang)
    here = Path(found.span.path) == Path(path)  # a problem in a file this one extends is shown at the top
    return types.Diagnostic(range=_range(found.span) if here else types.Range(types.Position(0, 0),
                                                                              types.Position(0, 0)),
                            message=message + (f"\nhint: {hint}" if hint else "")
                            + ("" if here else f"\n({found.span.location()})"),
                            severity=_SEVERITY[found.severity], code=found.code, source="paritrana-rules")


def _range(span: Any) -> types.Range:
    """A span (lines and columns from 1, the end past the last character) as an LSP range (from 0)."""
    end_line, end_column = max(span.end_line, span.line), span.end_column
    if end_line == span.line:
        end_column = max(end_column, span.column + 1)
    return types.Range(types.Position(span.line - 1, span.column - 1), types.Position(end_line - 1, end_column - 1))


def names_of(model: Any, lang: str) -> Iterator[Name]:
    """Every declared name of a checked rubric with what a hover says of it: its label in `lang`, its kind, and
    the range of values the checker proved (inputs and lets), its weight (criteria) or members."""
    for item in model.inputs:
        spec = item.spec
        yield Name(spec.name, "input", item.decl.name_span,
                   (_titled(item.decl, lang, f"input: {spec.kind}" + (f", {spec.unit}" if spec.unit else "")),
                    *_proved(item.interval), *(("members: " + ", ".join(spec.members),) if spec.members else ())),
                   spec.members)
    for let in model.lets:
        yield Name(let.decl.name, "let", let.decl.name_span, (_titled(let.decl, lang, "let"), *_proved(let.interval)))
    for criterion in model.criteria:
        weight = f"weight {api.plain(criterion.weight * 100)}%"
        yield Name(criterion.decl.name, "criterion", criterion.decl.name_span,
                   (_titled(criterion.decl, lang, "criterion"), weight))
    for kind, decls in (("gate", [g.decl for g in model.gates]), ("stage", [s.decl for s in model.stages]),
                        ("adjustment", [a.decl for a in model.adjustments])):
        for decl in decls:
            yield Name(decl.name, kind, decl.name_span, (_titled(decl, lang, kind),))


def _titled(decl: Any, lang: str, kind: str) -> str:
    label = api.label(decl.meta, decl.name, lang)
    return f"**{decl.name}** ({kind})" + (f": {label}" if label != decl.name else "")


def _proved(interval: Any) -> tuple[str, ...]:
    """The range of values the checker proved, when it proved one."""
    if interval is None:
        return ()
    return (f"proved range: {api.plain(interval.low)} to {api.plain(interval.high)}",)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: RubricServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    word = _word_at(document.lines, params.position)
    name = ls.names.get(params.text_document.uri, {}).get(word or "")
    if name is None:
        return None
    uses = [str(number + 1) for number, line in enumerate(document.lines)
            if re.search(rf"\b{name.name}\b", line.split("#", 1)[0])]
    lines = [*name.details, f"named on lines {', '.join(uses)} of this file" if uses else "not named in this file"]
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(lines)))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def _definition(ls: RubricServer, params: types.DefinitionParams) -> types.Location | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    name = ls.names.get(params.text_document.uri, {}).get(_word_at(document.lines, params.position) or "")
    if name is None:
        return None
    return types.Location(uri=from_fs_path(name.span.path) or name.span.path, range=_range(name.span))


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def _completion(ls: RubricServer, params: types.CompletionParams) -> types.CompletionList:
    names = ls.names.get(params.text_document.uri, {}).values()
    items = [types.CompletionItem(label=n.name, kind=types.CompletionItemKind.Variable, detail=n.kind)
             for n in names if n.kind in ("input", "let", "criterion")]
    members = {member for n in names for member in n.members}
    items += [types.CompletionItem(label=m, kind=types.CompletionItemKind.EnumMember, detail="member")
              for m in sorted(members)]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def _formatting(ls: RubricServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    try:
        formatted = api.format_text(document.source, to_fs_path(params.text_document.uri) or "<rubric>")
    except api.RubricError:
        return None  # the diagnostics say why
    if formatted == document.source:
        return []
    end = types.Position(len(document.lines), 0)
    return [types.TextEdit(range=types.Range(types.Position(0, 0), end), new_text=formatted)]


def _word_at(lines: Sequence[str], position: types.Position) -> str | None:
    if position.line >= len(lines):
        return None
    line = lines[position.line]
    for match in _WORD.finditer(line):
        if match.start() <= position.character <= match.end():
            return match.group()
    return None


def serve_stdio() -> None:
    """Serve an editor on standard input and output."""
    server.start_io()
