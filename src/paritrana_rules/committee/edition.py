"""Next year's rubric: a short file that extends this year's, with every dated text moved on for review.

Most years the committee changes little, so the new edition starts as
`extends "OLD"` and nothing else, except what would otherwise be wrong without
anyone noticing: each label, description, reason or evidence that names a year
of the edition it was written in ("APBDes 2024") gets an explicit `replace`
line with the year moved on, under a comment that asks for review. The years
are found and moved by `check.years`, the very rule the L808 warning applies,
so the new rubric is clean under it by construction; it is checked before it
is written, and written only where no file is.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from paritrana_rules.check.years import Edition, Origins, edition_of, own_years, replace_line, years_in
from paritrana_rules.errors import RubricError, UsageError
from paritrana_rules.evaluate.rubric import diagnose
from paritrana_rules.language import ast
from paritrana_rules.language.extends import declaration_kind, read_rubric, real_path, rubrics_root
from paritrana_rules.language.format import format_text
from paritrana_rules.language.text_edits import quoted


def new_edition_text(old: str | Path, new: str | Path, edition: int | None = None, period: int | None = None) -> str:
    """The text of the rubric at `new` that extends `old` for the next year (or the edition and period given).

    UsageError when `old` is not a rubric inside the rubrics folder `new` would be in, or the years do not
    move forward; RubricError with every problem when `old` does not check.
    """
    model, problems = diagnose(read_rubric(old), str(old))
    if model is None:
        raise RubricError(problems)
    rubric = model.rubric
    was = edition_of(rubric)
    now = Edition(period if period is not None else was.period + 1, edition if edition is not None else
                  was.edition + 1)
    if now.period <= was.period or now.edition <= was.edition:
        raise UsageError(f"the new edition {now.edition} (period {now.period}) must come after the old one, "
                         f"edition {was.edition} (period {was.period})")
    lines = [*_preamble(rubric, now, _extends_path(old, new)), *_header_lines(rubric, now, Origins(model.sources))]
    for decl in rubric.declarations:
        lines += _change_lines(decl, now, Origins(model.sources))
    text = format_text("\n".join(lines) + "\n", str(new))
    checked, found = diagnose(text, str(new))
    if checked is None:
        raise RubricError(found)
    return text


def write_new_rubric(path: str | Path, text: str) -> None:
    """Write a rubric where no file is: whole or not at all, and never over a file that exists.

    The text goes to a temporary file beside it (its folder made if need be), flushed to disk, which is then
    linked to the name: the link fails, and nothing is written, when the name is taken, even by a file made a
    moment before.
    """
    target = Path(path)
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists; new-edition never overwrites a rubric")
    temporary = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # the new edition's folder, usually
        with open(temporary, "xb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.link(temporary, target)
    except FileExistsError:
        raise UsageError(f"{target} already exists; new-edition never overwrites a rubric") from None
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _extends_path(old: str | Path, new: str | Path) -> str:
    """OLD as an `extends` line in NEW writes it: relative to the rubrics folder NEW is in."""
    root = rubrics_root(str(new))
    real_old, real_root = real_path(old), real_path(root)
    if real_old is None or real_root is None or not Path(real_old).is_relative_to(real_root):
        raise UsageError(f"{old} is not inside the rubrics folder {root} that {new} would be in; a rubric "
                         "only extends rubrics of its own folder")
    return Path(real_old).relative_to(real_root).as_posix()


def _preamble(rubric: ast.Rubric, now: Edition, extends: str) -> list[str]:
    return [
        f"# {rubric.award} edition {now.edition} (assessment period {now.period}), built on {extends}.",
        "# Written by 'paritrana-rules new-edition': each text below that names a year has its year moved on;",
        "# review every line marked 'review', and add what changed this year.",
        f"rubric {quoted(rubric.award)} edition {now.edition} period {now.period}",
        f"extends {quoted(extends)}",
    ]


def _header_lines(rubric: ast.Rubric, now: Edition, origins: Origins) -> list[str]:
    """The header's dated texts moved on; its inherited assumptions listed for review, as comments (an assumption
    is history, or a choice the committee makes again each year: only it can say which)."""
    moved = [line for clause in rubric.meta for line in _replacement(clause, now, origins)]
    return moved + [line for clause in rubric.meta if clause.kind == "assumption" for line in _to_review(clause)]


def _to_review(assumption: ast.Meta) -> list[str]:
    words = " / ".join(assumption.words())
    return [f"# review: inherited assumption {quoted(words)}: still true for this edition? If not:",
            f"#     remove assumption {quoted(assumption.words()[0])}"]


def _change_lines(decl: ast.Declaration, now: Edition, origins: Origins) -> list[str]:
    lines = [line for clause in decl.meta for line in _replacement(clause, now, origins)]
    return ["", f"change {declaration_kind(decl)} {decl.name}", *lines] if lines else []


def _replacement(clause: ast.Meta, now: Edition, origins: Origins) -> list[str]:
    """A dated clause's replace line under its review comment; nothing for any other clause."""
    origin = origins.of(clause.span.path)
    if origin is None or not own_years(clause, origin):
        return []
    move = origin.mover(now)
    moved = ", ".join(f"{year} -> {move(year)}" for year in _distinct(clause.words()) if move(year) != year)
    return [f"# review: the years of this {clause.kind} moved ({moved})", replace_line(clause, move)]


def _distinct(texts: Iterable[str]) -> list[int]:
    return sorted({year.value for text in texts for year in years_in(text)})
