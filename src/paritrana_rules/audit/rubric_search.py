"""Finding the rubric a record was scored with: by identity and content hash, among the rubric files the auditor
names, and nowhere else.

A record's `context.rubric_path` says where its rubric was loaded from, but no
hash covers it: anyone can write any path there. So it never chooses what is
read (a device would be read without end, a FIFO would hang, `/` would be
searched whole); it only orders the files found under the given folders, so
that the likely one is compiled first. Only regular files are read: a symlink
is followed when it ends at one, and folders reached through a symlink are not
searched (a folder named explicitly is).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any

from paritrana_rules.audit.records import RecordWriter
from paritrana_rules.errors import RubricError
from paritrana_rules.evaluate.rubric import CompiledRubric

DEFAULT_FOLDER = "rubrics"  # searched, under the current folder, when no rubric files are named
_IDENTITY = ("award", "edition", "period", "category", "sector", "round")


def rubric_files(paths: Iterable[str | Path]) -> set[Path]:
    """The regular files named, and the `*.rubric` regular files under the folders named; anything else (devices,
    FIFOs, what is not there) is left out."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(file for file in path.rglob("*.rubric") if file.is_file())
        elif path.is_file():
            found.add(path)
    return found


class RubricFinder:
    """Finds the rubric a record was scored with among the given files and folders (default: `rubrics/` here)."""

    def __init__(self, paths: Iterable[str | Path] | None, recorded: Iterable[str]) -> None:
        recorded = list(recorded)  # where the records say their rubric was: a hint, never opened
        hinted = {os.path.abspath(p) for p in recorded}
        names = {PurePath(p).name for p in recorded}
        files = rubric_files([DEFAULT_FOLDER] if paths is None else paths)
        # The recorded file first, then files of its name: finding a rubric should not mean compiling them all.
        self.files = sorted(files, key=lambda f: (os.path.abspath(f) not in hinted, f.name not in names, str(f)))
        self.loaded: dict[Path, CompiledRubric | RubricError] = {}
        self.writers: dict[CompiledRubric, RecordWriter] = {}

    def _load(self, path: Path) -> CompiledRubric | RubricError:
        if path not in self.loaded:
            try:
                self.loaded[path] = CompiledRubric.from_file(path)
            except RubricError as error:
                self.loaded[path] = error
        return self.loaded[path]

    def writer(self, compiled: CompiledRubric) -> RecordWriter:
        """The record writer of a rubric (at a stage): made once, since it costs more than a record."""
        if compiled not in self.writers:
            self.writers[compiled] = RecordWriter(compiled.program)
        return self.writers[compiled]

    def sha256(self, compiled: CompiledRubric) -> str:
        """A rubric's content hash, as its records carry it."""
        return str(self.writer(compiled).identity["sha256"])

    def find(self, identity: Mapping[str, Any]) -> tuple[CompiledRubric | None, list[str]]:
        """The matching rubric (by content hash if several share the identity), and any broken candidates."""
        matches, broken = [], []
        for path in self.files:
            compiled = self._load(path)
            if isinstance(compiled, RubricError):
                broken.append(str(path))
                continue
            if all(compiled.identity.get(k) == identity.get(k) for k in _IDENTITY):
                if self.sha256(compiled) == identity.get("sha256"):
                    return compiled, broken
                matches.append(compiled)
        return (matches[0] if matches else None), broken
