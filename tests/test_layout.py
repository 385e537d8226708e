"""The package's layout: imports go one way, down the pipeline, and no module grows too long.

Every import of a `paritrana_rules` module is found with `ast`, wherever it is
written (top level, inside functions, under `if TYPE_CHECKING:`), and resolved
to the module it names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "paritrana_rules"
SOURCE = ROOT / "src" / PACKAGE

# The layers, bottom to top: a module may import its own layer and the layers below it, never one above.
# Layers that share an entry are independent: neither imports the other.
LAYERS: list[tuple[str, ...]] = [
    # foundation, the root modules (errors, numeric, source, outputs, version, ...): positions in text -> spans;
    # problems -> diagnostics and errors; number text -> exact decimals; output -> files written whole
    ("foundation",),
    # language: rubric text -> syntax tree, merged with what it extends, formatted;
    # data: candidate files or raw values -> validated candidates or every problem found
    ("language", "data"),
    # check: syntax tree -> RubricModel and every diagnostic
    ("check",),
    # compile: RubricModel -> Program (one generated Python function)
    ("compile",),
    # evaluate: Program x validated values -> Result; CompiledRubric, text to scorer in one object
    ("evaluate",),
    # rank: scored candidates -> placings, ties and nominations
    ("rank",),
    # explain: Result -> explanation; rubric -> handbook, in Indonesian or English
    ("explain",),
    # audit: Result -> hashed record; ledgers; replay of records; nominations read from ledgers
    ("audit",),
    # batch: rows of candidate data -> scored rows and ledger records, in one process or many, data frames
    ("batch",),
    # committee: a rubric and its example cases and properties -> test results; two rubrics -> their difference
    ("committee",),
    # top: the public API (`paritrana_rules`, `api`) -> the layers below
    ("top",),
    # studio: HTTP requests -> calls of the public API (the `studio` extra)
    ("studio",),
    # command: the command line (`cli` and its modules, `__main__`) -> calls of the public API, or the studio served
    ("command",),
]
RANK = {layer: rank for rank, tier in enumerate(LAYERS) for layer in tier}
COMMAND_LINE = {f"{PACKAGE}.cli", *(f"{PACKAGE}.cli.{path.stem}" for path in (SOURCE / "cli").glob("*.py")
                                     if path.stem != "__init__")}  # the command line: it uses only the public API
TOP_MODULES = {PACKAGE, f"{PACKAGE}.api"}
COMMAND_MODULES = {*COMMAND_LINE, f"{PACKAGE}.__main__"}
STUDIO = f"{PACKAGE}.studio"
MAX_LINES = 600


# ------------------------------------------------------------------ finding imports


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def imports_in(source: str, importer: str, is_package: bool, modules: set[str]) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of a package module in `source`, anywhere in it."""
    here = importer.split(".") if is_package else importer.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield node.lineno, _known(alias.name, modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield node.lineno, submodule if submodule in modules else _known(base, modules)


def _known(name: str, modules: set[str]) -> str:
    """The longest module that `name` starts with (itself when it is a module)."""
    parts = name.split(".")
    while len(parts) > 1 and ".".join(parts) not in modules:
        parts.pop()
    return ".".join(parts)


def all_imports() -> list[tuple[str, int, str]]:
    """(importer, line, imported) for every import of a package module by a package module."""
    modules = package_modules()
    found: set[tuple[str, int, str]] = set()
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        for line, imported in imports_in(source, name, path.name == "__init__.py", set(modules)):
            if imported != name:
                found.add((name, line, imported))
    return sorted(found)


def layer_of(module: str) -> str:
    if module in TOP_MODULES:
        return "top"
    if module in COMMAND_MODULES:
        return "command"
    parts = module.split(".")
    if len(parts) == 2 and (SOURCE / f"{parts[1]}.py").is_file():
        return "foundation"
    return parts[1]


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles, each as a path a -> ... -> a: one for every edge that leads back up the search path."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append([*path[path.index(imported):], imported])
            elif imported not in done:
                visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    return cycles


# ------------------------------------------------------------------ the walker finds every import

WALKER_SAMPLE = """
from __future__ import annotations
from typing import TYPE_CHECKING
import json
from . import sibling
from .. import errors
from ..data import Candidate
from paritrana_rules import language
import paritrana_rules.check.model as model

if TYPE_CHECKING:
    from paritrana_rules.evaluate.result import Result

def later():
    from paritrana_rules.explain.explanation import explain

class Record:
    def method(self):
        import paritrana_rules.audit.records
        from paritrana_rules import __version__
"""


def test_walker_finds_imports_everywhere() -> None:
    modules = {"paritrana_rules", "paritrana_rules.errors", "paritrana_rules.data", "paritrana_rules.language",
               "paritrana_rules.check", "paritrana_rules.check.model", "paritrana_rules.check.sibling",
               "paritrana_rules.evaluate.result", "paritrana_rules.explain.explanation",
               "paritrana_rules.audit.records"}
    found = list(imports_in(WALKER_SAMPLE, "paritrana_rules.check.tables", False, modules))
    assert sorted(found) == [
        (5, "paritrana_rules.check.sibling"),
        (6, "paritrana_rules.errors"),
        (7, "paritrana_rules.data"),
        (8, "paritrana_rules.language"),
        (9, "paritrana_rules.check.model"),
        (12, "paritrana_rules.evaluate.result"),  # under TYPE_CHECKING
        (15, "paritrana_rules.explain.explanation"),  # inside a function
        (19, "paritrana_rules.audit.records"),  # inside a method
        (20, "paritrana_rules"),  # a name defined in the package's __init__
    ]
    # In a package's __init__, "." is the package itself.
    assert list(imports_in("from . import model", "paritrana_rules.check", True, modules)) == [
        (1, "paritrana_rules.check.model")]


def test_walker_finds_the_package_imports() -> None:
    found = all_imports()
    assert len(found) > 100
    assert {layer_of(imported) for _, _, imported in found} >= {"foundation", "language", "check", "evaluate"}


# ------------------------------------------------------------------ the import graph


def test_import_graph_has_no_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for importer, _, imported in all_imports():
        graph.setdefault(importer, set()).add(imported)
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join("  " + " -> ".join(cycle) for cycle in cycles)


def test_imports_go_down_the_layers() -> None:
    unknown = sorted({layer_of(m) for m in package_modules()} - set(RANK))
    assert not unknown, f"subpackages missing from LAYERS in {__name__}: {', '.join(unknown)}"
    offending = []
    for importer, line, imported in all_imports():
        below, above = layer_of(importer), layer_of(imported)
        if below == above:
            continue
        if RANK[above] > RANK[below]:
            offending.append(f"{importer} (line {line}) -> {imported}: layer {above} above layer {below}")
        elif RANK[above] == RANK[below]:
            offending.append(f"{importer} (line {line}) -> {imported}: layer {above} is independent of layer {below}")
    assert not offending, "imports against the layers:\n" + "\n".join("  " + o for o in offending)


def test_foundation_imports_no_subpackage() -> None:
    offending = [f"{importer} (line {line}) -> {imported}"
                 for importer, line, imported in all_imports()
                 if layer_of(importer) == "foundation" and layer_of(imported) != "foundation"]
    assert not offending, "foundation modules importing beyond the foundation:\n" + "\n".join(
        "  " + o for o in offending)


def test_the_command_line_uses_only_the_public_api_and_the_studio() -> None:
    used = {imported for importer, _, imported in all_imports() if importer in COMMAND_LINE}
    assert {layer_of(module) for module in used - COMMAND_LINE} == {"top", "studio"}
    assert {module for module in used if layer_of(module) == "top"} == {f"{PACKAGE}.api"}


def test_the_studio_uses_only_the_public_api() -> None:
    used = {imported for importer, _, imported in all_imports() if layer_of(importer) == "studio"}
    assert {module for module in used if layer_of(module) != "studio"} == {f"{PACKAGE}.api"}


# ------------------------------------------------------------------ module size


def test_no_module_is_too_long() -> None:
    sizes = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in SOURCE.rglob("*.py")}
    assert len(sizes) > 10
    long = sorted((lines, path) for path, lines in sizes.items() if lines > MAX_LINES)
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(f"  {p}: {n} lines" for n, p in long)
