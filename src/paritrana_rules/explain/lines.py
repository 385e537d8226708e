"""An explanation as sections of indented lines, each pointing at the rubric line behind its number ->
plain text or Markdown.
"""

from __future__ import annotations

import attrs

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
    """How lines point at the rubric: 'line 12' in the rubric explained, 'path:12' in a rubric it extends."""

    line_word: str  # "line", in the explanation's language
    main: str  # the path of the rubric explained

    def of(self, at: Span) -> str:
        return f"{self.line_word} {at.line}" if at.path == self.main else f"{at.path}:{at.line}"


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
