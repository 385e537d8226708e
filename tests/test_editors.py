"""The editor files in editors/: the TextMate grammar knows every keyword of the language, the extension is whole."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VSCODE = ROOT / "editors/vscode"
GRAMMAR = VSCODE / "syntaxes/paritrana-rubric.tmLanguage.json"


def language_keywords() -> set[str]:
    """Every word the Lark grammar spells out (its quoted literals)."""
    text = (ROOT / "grammar/rubric.lark").read_text(encoding="utf-8")
    return {word for literal in re.findall(r'"([a-z_][a-z_ ]*)"', text) for word in literal.split()}


def highlighted(grammar: dict[str, object]) -> set[str]:
    repository = grammar["repository"]
    assert isinstance(repository, dict)
    words: set[str] = set()
    for rule in ("keyword", "constant", "declaration"):
        words |= set(re.findall(r"[a-z_]{2,}", repository[rule]["match"]))
    return words


def test_the_textmate_grammar_highlights_every_keyword_of_the_language() -> None:
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    missing = language_keywords() - highlighted(grammar)
    assert not missing, f"keywords of grammar/rubric.lark the TextMate grammar does not know: {sorted(missing)}"
    for rule in grammar["repository"].values():
        for key in ("match", "begin", "end"):
            if key in rule:
                re.compile(rule[key])  # TextMate patterns are Oniguruma; these use only what Python's re shares


def test_the_extension_names_its_files_and_starts_the_server() -> None:
    package = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    contributes = package["contributes"]
    assert (VSCODE / package["main"]).is_file()
    assert (VSCODE / contributes["languages"][0]["configuration"]).is_file()
    assert (VSCODE / contributes["grammars"][0]["path"]).resolve() == GRAMMAR.resolve()
    assert contributes["configuration"]["properties"]["paritranaRubric.command"]["default"] == ["paritrana-rules",
                                                                                                "lsp"]
    client = (VSCODE / package["main"]).read_text(encoding="utf-8")
    assert 'getConfiguration("paritranaRubric")' in client and 'settings.get("command")' in client
    assert "vscode-languageclient" in package["dependencies"]
    json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
