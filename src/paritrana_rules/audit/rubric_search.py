"""Finding the rubric a record was scored with: by identity and content hash, among the rubric files the auditor
names, and nowhere else.

A record's `context.rubric_path` says where its rubric was loaded from, but no
hash covers it: anyone can write any path there. So it never chooses what is
read (a device would be read without end, a FIFO would hang, `/` would be
searched whole); it only orders the files found under the given folders, so
that the likely one is compiled first. Only regular files are read: a symlink
is followed when it ends at one, and folders reached through a symlink are not
searched (a folder named explicitly is). Once found, a ledger's rubric record
says where each rule was: `moved_steps` notes those now elsewhere in the files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

from paritrana_rules.audit.ledger import Finding, as_mapping
from paritrana_rules.audit.records import RecordWriter, step_locations
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


def moved_steps(line: int, document: Mapping[str, Any], rubrics: RubricFinder) -> list[Finding]:
    """A ledger's rubric record: is that rubric still there, and are its rules where the ledger says? A note when
    some are elsewhere in the files."""
    identity = as_mapping(document.get("rubric"))
    compiled, _ = rubrics.find(identity)
    if compiled is None or rubrics.sha256(compiled) != identity.get("sha256"):
        return []  # each scored record says so, naming what changed
    recorded = document.get("locations")
    recorded_steps = recorded if isinstance(recorded, list) else []  # any length, after tampering
    current = step_locations(compiled.program)
    moved = [str(new[0]) for old, new in zip(_placed(recorded_steps), _placed(current), strict=False) if old != new]
    if not moved:
        return []
    return [Finding("moved", f"{len(moved)} steps are recorded at other lines than the rubric has them now (first: "
                    f"{moved[0]}); the rubric's meaning is the same, its layout changed", line, None, "note")]


def _placed(locations: Sequence[Any]) -> list[Any]:
    """Steps' places ([id, file, line, column]) with each file named as it is wherever the rubrics folder is: on
    the machine that scored or this one, by an absolute or a relative path. The rubric itself (the file of the
    `total` step) is named "", a file it builds on by its path inside the rubrics folder, so that only a rule
    that truly moved, in its file or to another, reads as moved."""
    main = next((step[1] for step in locations if _step_place(step) and step[0] == "total"), None)
    return [[step[0], _inside_rubrics(step[1], main), *step[2:]] if _step_place(step) else step for step in locations]


def _step_place(step: Any) -> bool:
    return isinstance(step, list) and len(step) == 4 and isinstance(step[1], str)  # any shape, after tampering


def _inside_rubrics(file: str, main: str | None) -> str:
    """A file's name that does not depend on where the rubrics folder is: its path below the last folder named
    `rubrics` (where `extends` paths start), else below the rubric's own folder (where they start without one)."""
    if file == main:
        return ""
    parts = PurePath(file).parts
    folders = parts[:-1]
    if "rubrics" in folders:
        last = len(folders) - 1 - folders[::-1].index("rubrics")
        return PurePath(*parts[last + 1:]).as_posix()
    if main is not None and PurePath(file).is_relative_to(PurePath(main).parent):
        return PurePath(file).relative_to(PurePath(main).parent).as_posix()
    return file
