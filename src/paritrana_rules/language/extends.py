"""Extending: a rubric that `extends` an earlier one -> one merged `ast.Rubric`.

The parent is found by a path relative to the rubrics folder (the nearest
folder named `rubrics` above the extending file, else the file's own folder).
Absolute paths, `..`, a link that leads out of the folder, a control
character in the path, cycles and chains longer than `MAX_EXTENDS_DEPTH` are
errors, so a rubric is only ever built from rubrics inside the folder, and no
diagnostic quotes a line of any other file. Merging starts from the parent's
declarations, in order; a declaration of the same kind and name replaces the
inherited one in place, `change criterion` replaces only the parts it names,
`remove` drops one, and anything new is appended. Header clauses the child
gives (category, sector, round, scale, rounding) override the parent's, the
others are inherited; labels and descriptions too; sources and assumptions
accumulate, and any inherited text can be removed or replaced by its words
(`text_edits.py`). Every node keeps the span of the file it was written
in, so the merged rubric's diagnostics and traces point at the right file.
"""

from __future__ import annotations

import codecs
import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

import attrs

from paritrana_rules.language import ast
from paritrana_rules.errors import Diagnostic, Indonesian, RubricError, UsageError, closest, you_meant
from paritrana_rules.language.limits import (
    MAX_EXTENDS_DEPTH,
    MAX_RUBRIC_CHARACTERS,
    merged_declarations_problem,
    path_character,
    shown,
)
from paritrana_rules.language.syntax import parse, rubric_text
from paritrana_rules.language.text_edits import PER_LANGUAGE, Owner, Report, edited
from paritrana_rules.source import SourceFile, Span

Reader = Callable[[str], str]

# Bytes read of a rubric file at most: enough for any text within MAX_RUBRIC_CHARACTERS (a character takes up
# to 4 bytes in UTF-8), so that a larger file is refused (F003) without being read whole.
_MOST_BYTES = 4 * MAX_RUBRIC_CHARACTERS + 4


@attrs.frozen
class Merged:
    rubric: ast.Rubric | None
    sources: dict[str, SourceFile]
    diagnostics: tuple[Diagnostic, ...]


def read_rubric(path: str | Path) -> str:
    """A rubric file's text, read as `pr.loads` reads a string (`rubric_text`), or RubricError saying why not."""
    location = Span(str(path), 1, 1, 1, 1)
    try:
        with open(path, "rb") as file:
            data = file.read(_MOST_BYTES)
        # Not final when cut short: a character cut in two at the end is not an error, the length is.
        return rubric_text(codecs.getincrementaldecoder("utf-8")().decode(data, final=len(data) < _MOST_BYTES))
    except UnicodeDecodeError as error:
        before = error.object[: error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        text = error.object.decode("utf-8", errors="replace").splitlines()
        where = Span(str(path), line, column, line, column + 1)
        byte = f"0x{error.object[error.start]:02x}"
        raise RubricError([Diagnostic(
            "F002", f"the rubric is not UTF-8 text: byte {byte} cannot be read",
            where, text[line - 1] if line <= len(text) else "", hint="save the file as UTF-8 (most editors offer "
            "this under 'Save as' or 'Encoding')", indonesian=Indonesian(
                f"rubrik ini bukan teks UTF-8: bita {byte} tidak dapat dibaca", "simpan berkas sebagai UTF-8 "
                "(kebanyakan penyunting menyediakannya di 'Save as' atau 'Encoding')"))]) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise RubricError([Diagnostic("F001", f"cannot read the rubric: {reason}", location, hint="check the path",
                                      indonesian=Indonesian(f"rubrik tidak dapat dibaca: {reason}",
                                                            "periksa jalurnya"))]) from None


def rubric_files(paths: Sequence[str | Path]) -> list[Path]:
    """The rubric files named, with every *.rubric under the folders named; UsageError for a path with none."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.rglob("*.rubric"))
            if not found:
                raise UsageError(f"no .rubric files under {name}")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"no such file or directory: {name}")
    return files


def rubrics_root(path: str) -> Path:
    """The folder `extends` paths are relative to."""
    given = Path(path)
    for folder in given.parents:
        if folder.name == "rubrics":
            return folder
    for folder in Path(real_path(path) or path).parents:
        if folder.name == "rubrics":
            return folder
    return given.parent


def real_path(path: str | Path) -> str | None:
    """The path with every symbolic link followed, or None when it cannot name a file (a NUL in it)."""
    try:
        return os.path.realpath(path)  # unlike Path.resolve, never raises for a cycle of links
    except (OSError, ValueError):
        return None


def resolve(rubric: ast.Rubric, source: SourceFile, read: Reader) -> Merged:
    """Merge a parsed rubric with everything it extends, or report why it cannot be."""
    sources = {source.path: source}
    diagnostics: list[Diagnostic] = []
    merged = _resolve(rubric, source, read, sources, diagnostics, chain=[_identity(source.path)])
    if merged is not None and rubric.extends_span is not None:
        count = len(merged.declarations) + len(merged.properties) + len(merged.rankings)
        too_many = merged_declarations_problem(count, rubric.extends_span, source)
        if too_many is not None:
            return Merged(None, sources, (*diagnostics, too_many))
    return Merged(merged, sources, tuple(diagnostics))


def _identity(path: str) -> str:
    return real_path(path) or path


def _resolve(rubric: ast.Rubric, source: SourceFile, read: Reader, sources: dict[str, SourceFile],
             diagnostics: list[Diagnostic], chain: list[str]) -> ast.Rubric | None:
    if rubric.shared:
        example = f"uses \"{_relative(source)}\""
        diagnostics.append(_diagnostic(sources, "X110", "this is a shared file: rubrics take its declarations with "
                                       "'uses'; it is not checked or scored on its own", rubric.span,
                                       f"check a rubric that uses it, e.g. one with: {example}", Indonesian(
                                           "ini berkas bersama: rubrik mengambil deklarasinya dengan 'uses'; berkas "
                                           "ini tidak diperiksa atau dinilai sendiri", "periksa rubrik yang "
                                           f"memakainya, misalnya yang memuat: {example}")))
        return None
    used = _used(rubric, source, read, sources, diagnostics)
    if used is None:
        return None
    if rubric.extends is None:
        for edit in rubric.text_edits:
            _report_stray(f"{edit.verb} {edit.kind}", edit.span, sources, diagnostics)
        rubric = attrs.evolve(rubric, text_edits=())
        if used:
            return _merge(_base(rubric, used), rubric, sources, diagnostics)
        strays: list[ast.RemoveDecl | ast.ChangeDecl] = [*rubric.removals, *rubric.changes]
        for stray in strays:
            _report_stray(_keyword(stray), stray.span, sources, diagnostics)
        return rubric
    assert rubric.extends_span is not None
    if len(chain) > MAX_EXTENDS_DEPTH:
        diagnostics.append(_diagnostic(sources, "X108", f"this 'extends' makes the chain of rubrics that build on one "
                                       f"another longer than {MAX_EXTENDS_DEPTH}", rubric.extends_span,
                                       "write out in full the declarations this rubric inherits, and extend nothing: "
                                       "a new chain then starts here", Indonesian(
                                           "'extends' ini membuat rantai rubrik yang saling membangun lebih panjang "
                                           f"dari {MAX_EXTENDS_DEPTH}", "tulis lengkap deklarasi yang diwarisi rubrik "
                                           "ini dan jangan memperluas apa pun: rantai baru dimulai di sini")))
        return None
    parent_path = _parent_path(rubric, source, sources, diagnostics)
    if parent_path is None:
        return None
    if _identity(parent_path) in chain:
        diagnostics.append(_diagnostic(sources, "X103", f"'{rubric.extends}' extends this rubric again: "
                                       "a rubric cannot build on itself", rubric.extends_span,
                                       "extend the previous year's rubric, which must not extend this one",
                                       Indonesian(f"'{rubric.extends}' memperluas rubrik ini kembali: rubrik tidak "
                                                  "dapat dibangun di atas dirinya sendiri", "perluas rubrik tahun "
                                                  "sebelumnya, yang tidak boleh memperluas rubrik ini")))
        return None
    parsed = _read_parsed(parent_path, read, sources, diagnostics, lambda: _not_found(rubric, source, sources))
    if parsed is None:
        return None
    parent = _resolve(*parsed, read, sources, diagnostics, [*chain, _identity(parent_path)])
    if parent is None:
        return None
    if used:
        parent = attrs.evolve(parent, declarations=(*parent.declarations, *used))
    return _merge(parent, rubric, sources, diagnostics)


def _read_parsed(path: str, read: Reader, sources: dict[str, SourceFile], diagnostics: list[Diagnostic],
                 missing: Callable[[], list[Diagnostic]]) -> tuple[ast.Rubric, SourceFile] | None:
    """A file an `extends` or `uses` names, read and parsed; None after reporting why not (`missing` says
    what to report when there is no such file)."""
    try:
        text = read(path)
    except RubricError as error:
        diagnostics.extend(missing() if any(d.code == "F001" for d in error.diagnostics) else error.diagnostics)
        return None
    outcome = parse(text, path)
    sources[path] = outcome.source
    diagnostics.extend(outcome.diagnostics)
    if outcome.rubric is None or outcome.diagnostics:
        return None
    return outcome.rubric, outcome.source


def _base(rubric: ast.Rubric, used: Sequence[ast.Declaration]) -> ast.Rubric:
    """What a rubric that extends nothing builds on when it uses shared files: their declarations alone."""
    return attrs.evolve(rubric, declarations=tuple(used), clauses=(), meta=(), properties=(), rankings=(),
                        removals=(), changes=())


def _used(rubric: ast.Rubric, source: SourceFile, read: Reader, sources: dict[str, SourceFile],
          diagnostics: list[Diagnostic]) -> list[ast.Declaration] | None:
    """The declarations of every shared file the rubric `uses`, in order; None after reporting a problem."""
    used: list[ast.Declaration] = []
    for clause in (c for c in rubric.clauses if c.kind == "uses"):
        written = str(clause.values[0])
        path = _file_path("uses", written, clause.span, source, sources, diagnostics)
        if path is None:
            return None
        parsed = _read_parsed(path, read, sources, diagnostics,
                              functools.partial(_no_shared_file, written, clause.span, source, sources))
        if parsed is None:
            return None
        shared = parsed[0]
        if not shared.shared:
            diagnostics.append(_diagnostic(sources, "X110", f"'{written}' is a rubric, not a shared file", clause.span,
                                           "build on a rubric with 'extends'; 'uses' takes a file that starts with "
                                           "'shared \"...\"'", Indonesian(
                                               f"'{written}' adalah rubrik, bukan berkas bersama", "bangun di atas "
                                               "rubrik dengan 'extends'; 'uses' mengambil berkas yang diawali "
                                               "'shared \"...\"'")))
            return None
        for decl in shared.declarations:
            if not isinstance(decl, (ast.InputDecl, ast.LetDecl, ast.GroupDecl)):
                kind = declaration_kind(decl)
                diagnostics.append(_diagnostic(sources, "X111", f"a shared file holds inputs, lets and groups; "
                                               f"this is a {kind}", decl.span, "declare it in the rubrics that need it",
                                               Indonesian("berkas bersama hanya memuat input, let dan group; ini "
                                                          f"sebuah {kind}", "deklarasikan di rubrik yang "
                                                          "memerlukannya")))
                return None
            used.append(decl)
    return used


def _no_shared_file(written: str, span: Span, source: SourceFile, sources: dict[str, SourceFile]) -> list[Diagnostic]:
    root = rubrics_root(source.path)
    known = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*.shared")) if root.name == "rubrics" else []
    meant = closest(written, known)
    return [_diagnostic(sources, "X102", f"there is no shared file '{written}'", span,
                        you_meant(meant) or f"the path is relative to the rubrics folder ({root})", Indonesian(
                            f"tidak ada berkas bersama '{written}'",
                            you_meant(meant, "id") or f"jalur ditulis relatif terhadap folder rubrik ({root})"))]


def _relative(source: SourceFile) -> str:
    root = rubrics_root(source.path)
    path = Path(source.path)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


def _keyword(statement: ast.RemoveDecl | ast.ChangeDecl) -> str:
    return "remove" if isinstance(statement, ast.RemoveDecl) else "change"


def _parent_path(rubric: ast.Rubric, source: SourceFile, sources: dict[str, SourceFile],
                 diagnostics: list[Diagnostic]) -> str | None:
    assert rubric.extends is not None and rubric.extends_span is not None
    return _file_path("extends", rubric.extends, rubric.extends_span, source, sources, diagnostics)


def _file_path(keyword: str, written_path: str, span: Span, source: SourceFile, sources: dict[str, SourceFile],
               diagnostics: list[Diagnostic]) -> str | None:
    """The file an `extends` or `uses` names, inside the rubrics folder, or None after reporting why not."""
    example = '"2024/pemerintah-desa.rubric"' if keyword == "extends" else '"wilayah/indonesia-38.shared"'
    control = path_character(written_path)
    if control is not None:
        code = f"U+{ord(control):04X}"
        diagnostics.append(_diagnostic(sources, "X107", f"the path after '{keyword}' holds a control character "
                                       f"({code}), which no rubric's file name has", span,
                                       f'write the path with letters, digits, "-", "_", "." and "/", e.g. {example}',
                                       Indonesian(f"jalur setelah '{keyword}' memuat karakter kendali ({code}), yang "
                                                  "tidak ada pada nama berkas rubrik mana pun", "tulis jalur dengan "
                                                  f'huruf, angka, "-", "_", "." dan "/", misalnya {example}')))
        return None
    written = PurePosixPath(written_path.replace("\\", "/"))
    root = rubrics_root(source.path)
    if written.is_absolute() or written_path[1:3] == ":/" or written_path[1:3] == ":\\":
        diagnostics.append(_diagnostic(sources, "X100", f"'{written_path}' is an absolute path", span,
                                       f"write the path inside the rubrics folder ({root}), e.g. {example}",
                                       Indonesian(f"'{written_path}' adalah jalur absolut", "tulis jalur di dalam "
                                                  f"folder rubrik ({root}), misalnya {example}")))
        return None
    if ".." in written.parts:
        what, what_id = ("rubrics", "rubrik") if keyword == "extends" else ("files", "berkas")
        diagnostics.append(_diagnostic(sources, "X101", f"'{written_path}' leaves the rubrics folder", span,
                                       f"a rubric can only build on {what} inside the rubrics folder ({root}); "
                                       f"write e.g. {example}", Indonesian(
                                           f"'{written_path}' keluar dari folder rubrik", "rubrik hanya dapat "
                                           f"dibangun di atas {what_id} di dalam folder rubrik ({root}); tulis "
                                           f"misalnya {example}")))
        return None
    parent = str(root / Path(*written.parts)) if written.parts else str(root)
    return parent if _stays_inside(parent, root, written_path, span, sources, diagnostics) else None


def _stays_inside(parent: str, root: Path, written_path: str, span: Span, sources: dict[str, SourceFile],
                  diagnostics: list[Diagnostic]) -> bool:
    """Whether the file, its links followed, is inside the rubrics folder: a link must not lead anywhere else."""
    real, inside = real_path(parent), real_path(root)
    if real is not None and inside is not None and Path(real).is_relative_to(inside):
        return True
    diagnostics.append(_diagnostic(sources, "X101", f"'{written_path}' leads out of the rubrics folder through a "
                                   "symbolic link", span, "a rubric can only build on rubrics inside "
                                   f"the rubrics folder ({root}); copy the rubric into it, or replace the link by "
                                   "the file", Indonesian(
                                       f"'{written_path}' keluar dari folder rubrik melalui tautan simbolik",
                                       f"rubrik hanya dapat dibangun di atas rubrik di dalam folder rubrik ({root}); "
                                       "salin rubriknya ke sana, atau ganti tautan dengan berkasnya")))
    return False


def _not_found(rubric: ast.Rubric, source: SourceFile, sources: dict[str, SourceFile]) -> list[Diagnostic]:
    assert rubric.extends is not None and rubric.extends_span is not None
    root = rubrics_root(source.path)
    # Suggestions come from the whole rubrics folder; for a loose file elsewhere, from its own folder and the
    # folders just inside it, never from a scan of everything below (it might be a home directory).
    found = root.rglob("*.rubric") if root.name == "rubrics" else [*root.glob("*.rubric"), *root.glob("*/*.rubric")]
    meant = closest(rubric.extends, (p.relative_to(root).as_posix() for p in found))
    example = '"2024/pemerintah-desa.rubric"'
    hint = you_meant(meant) or (
        f"the path is relative to the rubrics folder ({root})" if root.name == "rubrics" else
        f"no folder named 'rubrics' holds this file, so the path is taken from its own folder ({root}); "
        f"keep rubrics in rubrics/<edition>/ and write e.g. {example}")
    hint_id = you_meant(meant, "id") or (
        f"jalur ditulis relatif terhadap folder rubrik ({root})" if root.name == "rubrics" else
        f"berkas ini tidak berada di dalam folder bernama 'rubrics', jadi jalur diambil dari foldernya sendiri "
        f"({root}); simpan rubrik di rubrics/<edisi>/ dan tulis misalnya {example}")
    return [_diagnostic(sources, "X102", f"there is no rubric '{rubric.extends}' to extend", rubric.extends_span, hint,
                        Indonesian(f"tidak ada rubrik '{rubric.extends}' untuk diperluas", hint_id))]


def _report_stray(keyword: str, span: Span, sources: dict[str, SourceFile], diagnostics: list[Diagnostic]) -> None:
    """X105: `remove`, `change` or a text's removal or replacement in a rubric that extends nothing."""
    text = keyword.startswith(("remove ", "replace "))
    instead, instead_id = (("write the text as it should be", "tulis teksnya sebagaimana mestinya") if text else
                           ("declare the criterion in full", "tulis kriterianya secara lengkap"))
    diagnostics.append(_diagnostic(sources, "X105", f"'{keyword}' needs a rubric to build on", span,
                                   f"add 'extends \"YEAR/FILE.rubric\"' under the rubric line, or {instead}",
                                   Indonesian(f"'{keyword}' memerlukan rubrik yang menjadi dasarnya",
                                              "tambahkan 'extends \"TAHUN/BERKAS.rubric\"' di bawah baris rubric, "
                                              f"atau {instead_id}")))


def _diagnostic(sources: dict[str, SourceFile], code: str, message: str, span: Span, hint: str,
                indonesian: Indonesian) -> Diagnostic:
    source = sources.get(span.path)
    return Diagnostic(code, message, span, shown(source.line_text(span.line)) if source else "", hint,
                      indonesian=indonesian)


# ------------------------------------------------------------------ merging


def declaration_kind(decl: ast.Declaration) -> str:
    if isinstance(decl, ast.AdjustmentDecl):
        return decl.kind
    return {ast.InputDecl: "input", ast.LetDecl: "let", ast.CriterionDecl: "criterion", ast.GateDecl: "gate",
            ast.StageDecl: "stage", ast.AwardDecl: "award", ast.GroupDecl: "group"}[type(decl)]


def _merge(parent: ast.Rubric, child: ast.Rubric, sources: dict[str, SourceFile],
           diagnostics: list[Diagnostic]) -> ast.Rubric:
    declarations: list[ast.Declaration | None] = list(parent.declarations)
    where = {(declaration_kind(d), d.name): i for i, d in enumerate(parent.declarations)}
    removed: dict[tuple[str, str], Span] = {}
    for removal in child.removals:  # first, so that a removed name can be declared anew below
        index = where.pop((removal.kind, removal.name), None)
        if index is None:
            _unknown(removal.name, removal.kind, removal.name_span, parent, sources, diagnostics)
            continue
        declarations[index] = None
        removed[(removal.kind, removal.name)] = removal.span
    inherited = set(where)  # each may be replaced once; a second declaration is a duplicate the checker reports
    for decl in child.declarations:
        key = (declaration_kind(decl), decl.name)
        if key in inherited:
            inherited.discard(key)
            declarations[where[key]] = decl
        else:
            where.setdefault(key, len(declarations))
            declarations.append(decl)
    for change in child.changes:
        index = where.get((change.kind, change.name))
        target = declarations[index] if index is not None else None
        if (change.kind, change.name) in removed and index is None:
            line = removed[(change.kind, change.name)].line
            diagnostics.append(_diagnostic(sources, "X104", f"{change.kind} '{change.name}' is removed on line "
                                           f"{line}, so it cannot be changed", change.name_span,
                                           "keep either the 'remove' or the 'change'", Indonesian(
                                               f"{change.kind} '{change.name}' dihapus di baris {line}, jadi tidak "
                                               "dapat diubah", "pertahankan salah satu: 'remove' atau 'change'")))
            continue
        if index is None or target is None:
            _unknown(change.name, change.kind, change.name_span, parent, sources, diagnostics)
            continue
        if not isinstance(target, ast.CriterionDecl) and (change.weight is not None or change.parent is not None
                                                           or change.points):
            diagnostics.append(_diagnostic(sources, "X106", f"only a criterion's weight, parent and points can be "
                                           f"changed; '{change.name}' is a {change.kind}", change.span,
                                           f"change its texts here, or declare the {change.kind} again in full",
                                           Indonesian("hanya bobot, induk dan poin kriteria yang dapat diubah; "
                                                      f"'{change.name}' adalah {change.kind}", "ubah teksnya di sini, "
                                                      f"atau tulis ulang {change.kind} itu secara lengkap")))
            continue
        texts = edited(target.meta, change.text_edits, Owner.declaration(change.kind, change.name),
                       _reporter(sources, diagnostics))
        declarations[index] = _changed(attrs.evolve(target, meta=texts), change)
    kept = [d for d in declarations if d is not None]
    criteria = {d.name for d in kept if isinstance(d, ast.CriterionDecl)}
    inputs = {d.name for d in kept if isinstance(d, ast.InputDecl)}
    # Inherited beliefs about what was removed go with it; the child's own are checked as written.
    still = [p for p in parent.properties
             if (p.subject == "total" or p.subject in criteria) and (p.input is None or p.input in inputs)]
    properties = tuple(dict.fromkeys((*still, *child.properties)))
    return attrs.evolve(
        child,
        declarations=tuple(kept),
        clauses=_clauses(parent.clauses, child.clauses),
        meta=_meta(edited(parent.meta, child.text_edits, Owner.rubric(), _reporter(sources, diagnostics)),
                   child.meta),
        properties=properties,
        rankings=child.rankings or parent.rankings,  # a new ranking rule replaces the old one as a whole
        removals=(), changes=(), text_edits=(),
    )


def _unknown(name: str, kind: str, span: Span, parent: ast.Rubric, sources: dict[str, SourceFile],
             diagnostics: list[Diagnostic]) -> None:
    inherited = [d.name for d in parent.declarations if declaration_kind(d) == kind]
    plural = "criteria" if kind == "criterion" else f"{kind}s"
    meant = closest(name, inherited)
    hint = you_meant(meant) or f"the {plural} it inherits are: {', '.join(inherited) or 'none'}"
    hint_id = you_meant(meant, "id") or f"{kind} yang diwarisinya: {', '.join(inherited) or 'tidak ada'}"
    diagnostics.append(_diagnostic(sources, "X104", f"the rubric it extends has no {kind} '{name}'", span, hint,
                                   Indonesian(f"rubrik yang diperluasnya tidak memiliki {kind} '{name}'", hint_id)))


def _reporter(sources: dict[str, SourceFile], diagnostics: list[Diagnostic]) -> Report:
    """How `text_edits` reports a problem: as a diagnostic of the file it is written in."""

    def report(code: str, span: Span, message: str, hint: str, indonesian: Indonesian) -> None:
        diagnostics.append(_diagnostic(sources, code, message, span, hint, indonesian))

    return report


def _changed(declaration: ast.Declaration, change: ast.ChangeDecl) -> ast.Declaration:
    updated = declaration
    if not isinstance(updated, ast.CriterionDecl):
        return attrs.evolve(updated, meta=_meta(updated.meta, change.meta))
    if change.weight is not None and change.weight_span is not None:
        updated = attrs.evolve(updated, weight=change.weight, weight_span=change.weight_span)
    if change.parent is not None:
        updated = attrs.evolve(updated, parent=change.parent, parent_span=change.parent_span)
    if change.meta:
        updated = attrs.evolve(updated, meta=_meta(updated.meta, change.meta))
    if change.points:
        updated = attrs.evolve(updated, points=change.points)
    return updated


def _clauses(parent: tuple[ast.HeaderClause, ...], child: tuple[ast.HeaderClause, ...]) -> tuple[ast.HeaderClause, ...]:
    given = {c.kind for c in child}
    return (*(c for c in parent if c.kind not in given), *child)


def _meta(parent: tuple[ast.Meta, ...], child: tuple[ast.Meta, ...]) -> tuple[ast.Meta, ...]:
    """Labels, descriptions, reasons and evidence given anew replace the old; sources and assumptions add up."""
    replaced = {m.kind for m in child if m.kind in PER_LANGUAGE}
    kept = tuple(m for m in parent if m.kind not in replaced)
    return tuple(dict.fromkeys((*kept, *child)))
