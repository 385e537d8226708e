"""Source files and spans: where in which rubric file a thing was written.

Every AST node, diagnostic and trace step carries a `Span`, so that any number
a person sees can be traced to a line of a rubric file. Lines and columns are
1-based; columns count characters, with tabs expanded when drawing excerpts.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Span:
    """A stretch of a rubric file: from (line, column) up to (end_line, end_column)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def location(self) -> str:
        """`path:line:column`, the form editors and terminals make clickable."""
        return f"{self.path}:{self.line}:{self.column}"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.column)


@attrs.frozen
class SourceFile:
    """A rubric file's path and full text, kept to draw excerpts later."""

    path: str
    text: str
    lines: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Split on "\n" only, as the parser counts lines; a U+2028 pasted from a word processor is not a line break.
        object.__setattr__(self, "lines", tuple(line.removesuffix("\r") for line in self.text.split("\n")))

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def excerpt(self, span: Span) -> str:
        """The text a span covers, on one line with runs of whitespace collapsed."""
        lines = list(self.lines[span.line - 1 : span.end_line])
        if not lines:
            return ""
        if len(lines) == 1:
            lines[0] = lines[0][span.column - 1 : span.end_column - 1]
        else:
            lines[0] = lines[0][span.column - 1 :]
            lines[-1] = lines[-1][: span.end_column - 1]
        text = " ".join(line.split("#")[0] if '"' not in line else line for line in lines)
        return " ".join(text.split())


def render_excerpt(line_text: str, span: Span) -> str:
    """Draw the source line with a caret under the span, gutter included (the rustc layout).

    Only the first line of a multi-line span is underlined; that is where the
    reader's eye goes first.
    """
    number = str(span.line)
    gutter = " " * len(number)
    shown = line_text.expandtabs(4)
    start = len(line_text[: span.column - 1].expandtabs(4))
    if span.end_line == span.line and span.end_column > span.column:
        end = len(line_text[: span.end_column - 1].expandtabs(4))
    else:
        end = max(len(shown), start + 1)
    width = max(1, end - start)
    lines = [f"{gutter} |", f"{number} | {shown}", f"{gutter} | {' ' * start}{'^' * width}"]
    return "\n".join(line.rstrip() for line in lines)


def gutter(span: Span) -> str:
    """The blank margin that lines up with the line number in an excerpt."""
    return " " * len(str(span.line))
