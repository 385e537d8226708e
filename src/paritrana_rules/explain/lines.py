"""An explanation as sections of indented lines, each pointing at the rubric line behind its number ->
plain text, Markdown or one self-contained HTML page.

A line of a rubric that the explained one extends is placed by the path `extends` names it by, inside the
rubrics folder ("2024/pemerintah-desa.rubric:189"), as the handbook places it: never by where this machine
keeps the file. The HTML page is written by the handbook's blocks (`handbook.blocks`), so explanations, score
tables and handbooks share one page shell, style and escaping; control characters in candidates' data are shown
escaped (`\\x1b`), never passed on.
"""

from __future__ import annotations

import attrs

from paritrana_rules.explain.handbook.blocks import Block, Heading, Items, Para, bold
from paritrana_rules.explain.handbook.blocks import html as html_page
from paritrana_rules.explain.wording import inside_rubrics
from paritrana_rules.outputs import for_terminal
from paritrana_rules.source import Span


@attrs.frozen
class Line:
    level: int
    text: str
    at: Span | None = None  # the rubric line that produced the number on this line


@attrs.frozen
class Section:
    title: str
    lines: tuple[Line, ...]


@attrs.frozen
class Page:
    """Who and which rubric (a first line, then the rest), the outcome in one line, and the sections."""

    title: str
    summary: str
    sections: list[Section]


@attrs.frozen
class Places:
    """How lines point at the rubric: 'line 12' in the rubric explained, '2024/pemerintah-desa.rubric:12' in a
    rubric it extends (its path inside the rubrics folder)."""

    line_word: str  # "line", in the explanation's language
    main: str  # the path of the rubric explained

    def of(self, at: Span) -> str:
        if at.path == self.main:
            return f"{self.line_word} {at.line}"
        return f"{inside_rubrics(at.path, self.main)}:{at.line}"


def plain_text(page: Page, places: Places) -> str:
    out = [page.title, "", page.summary]
    for section in page.sections:
        out += ["", section.title, "-" * len(section.title)]
        for line in section.lines:
            where = f"  [{places.of(line.at)}]" if line.at is not None else ""
            out.append(f"{'  ' * line.level}{line.text}{where}")
    return "\n".join(out) + "\n"


def markdown(page: Page, places: Places) -> str:
    name, _, rest = page.title.partition("\n")
    out = [f"## {name}", "", *(f"{r}  " for r in rest.splitlines()), "", f"**{page.summary}**"]
    for section in page.sections:
        out += ["", f"### {section.title}", ""]
        for line in section.lines:
            where = f" _({places.of(line.at)})_" if line.at is not None else ""
            out.append(f"{'  ' * line.level}- {_escape(line.text)}{where}")
    return "\n".join(out) + "\n"


def _escape(text: str) -> str:
    return text.replace("*", "\\*").replace("_", "\\_")


def html(page: Page, places: Places, lang: str) -> str:
    """The page as one self-contained HTML page in `lang`, which prints as it reads."""
    return html_page(blocks(page, places), lang)


def blocks(page: Page, places: Places) -> list[Block]:
    """The page as the handbook's blocks: who as the heading, the outcome in bold, each section as a nested list."""
    name, _, rest = page.title.partition("\n")
    out: list[Block] = [Heading(1, for_terminal(name)), *(Para(for_terminal(r)) for r in rest.splitlines()),
                        Para(bold(for_terminal(page.summary)))]
    for section in page.sections:
        out.append(Heading(2, section.title))
        if section.lines:
            out.append(Items(tuple((line.level, _placed(line, places)) for line in section.lines)))
    return out


def _placed(line: Line, places: Places) -> str:
    """A line's text, shown as it is, with where its number comes from after it."""
    where = f" ({for_terminal(places.of(line.at))})" if line.at is not None else ""
    return for_terminal(line.text) + where
