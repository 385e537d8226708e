"""Diagnostics for rubric files, problems in candidate data, and the errors that carry them.

Every error the library raises on purpose is an `Error`: `RubricError` for bad
rubric text, `InputError` for bad candidate data, `NominationError` for a
nominating ledger that cannot be used, `UsageError` for a request that cannot
be carried out as asked. Each carries *every* problem found, not just the
first, each located precisely enough for a person to fix it, and pickles with
them (an error raised in a worker process reaches the caller whole).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, Literal

import attrs

from paritrana_rules.source import Span, gutter, render_excerpt

Severity = Literal["error", "warning"]


@attrs.frozen
class _Vocabulary:
    """How a language names each severity (one, many) and a hint, in rendered diagnostics and their count."""

    error: tuple[str, str]
    warning: tuple[str, str]
    hint: str

    def severity(self, severity: Severity) -> tuple[str, str]:
        return self.error if severity == "error" else self.warning


_VOCABULARIES = {
    "en": _Vocabulary(("error", "errors"), ("warning", "warnings"), "hint"),
    "id": _Vocabulary(("kesalahan", "kesalahan"), ("peringatan", "peringatan"), "saran"),  # no plural form
}


@attrs.frozen
class Indonesian:
    """A diagnostic's message and hint in Bahasa Indonesia, written where the English is."""

    message: str
    hint: str | None = None


@attrs.frozen
class Diagnostic:
    """One problem in a rubric: a stable code, where it is, what is wrong, how to fix it.

    `line_text` is the source line the span starts on, kept so that a
    diagnostic renders on its own, long after the file was read. `message` and
    `hint` are English; `indonesian` holds the same in Bahasa Indonesia.
    """

    code: str
    message: str
    span: Span
    line_text: str = ""
    hint: str | None = None
    severity: Severity = "error"
    indonesian: Indonesian | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (*self.span.sort_key(), self.code)

    def words(self, lang: str = "en") -> tuple[str, str | None]:
        """The message and hint in `lang` ("id" or "en"); English where no Indonesian was written."""
        if lang == "id" and self.indonesian is not None:
            return self.indonesian.message, self.indonesian.hint
        return self.message, self.hint

    def render(self, lang: str = "en") -> str:
        """The human form in `lang`: header, location, excerpt with caret, hint."""
        message, hint = self.words(lang)
        vocabulary = _vocabulary(lang)
        margin = gutter(self.span)
        parts = [f"{vocabulary.severity(self.severity)[0]}[{self.code}]: {message}",
                 f"{margin}--> {self.span.location()}"]
        if self.line_text:  # a file that cannot be read has no line to show
            parts.append(render_excerpt(self.line_text, self.span))
        if hint:
            parts.append(f"{margin} = {vocabulary.hint}: {hint}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The machine form, for `check --format json` and editors: the English texts, and the Indonesian
        ones under "indonesian" (null where none was written)."""
        indonesian = None if self.indonesian is None else {"message": self.indonesian.message,
                                                           "hint": self.indonesian.hint}
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.span.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "hint": self.hint,
            "indonesian": indonesian,
        }


def did_you_mean(word: str, options: Iterable[str], lang: str = "en") -> str | None:
    """A "did you mean" hint in `lang` ("en" or "id"), or None when no option is close."""
    return you_meant(closest(word, options), lang)


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option a misspelt word means: an exact match ignoring case first, else the closest spelling."""
    candidates = [option for option in options if option != word]
    by_lower = {option.lower(): option for option in candidates}
    match = by_lower.get(word.lower())
    if match is None:
        close = difflib.get_close_matches(word[:100], candidates, n=1, cutoff=0.6)
        match = close[0] if close else None
    return match


def you_meant(option: str | None, lang: str = "en") -> str | None:
    """The "did you mean" hint for an option found once by `closest`, so each language can say it."""
    if option is None:
        return None
    return f"maksud Anda '{option}'?" if lang == "id" else f"did you mean '{option}'?"


def grouped(count: int, lang: str = "en") -> str:
    """A count with its thousands grouped as `lang` writes them: 1,001 in English, 1.001 in Indonesian."""
    text = f"{count:,}"
    return text.replace(",", ".") if lang == "id" else text


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def render_all(diagnostics: list[Diagnostic], lang: str = "en") -> str:
    """All diagnostics in `lang` ("en" or "id"), blank-line separated, then a one-line count."""
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    body = "\n\n".join(d.render(lang) for d in diagnostics)
    vocabulary = _vocabulary(lang)
    summary = f"{_counted(errors, vocabulary.error)}, {_counted(warnings, vocabulary.warning)}"
    return f"{body}\n\n{summary}" if body else summary


def _vocabulary(lang: str) -> _Vocabulary:
    """The words of `lang`; English for any other, as `Diagnostic.words` gives."""
    return _VOCABULARIES.get(lang, _VOCABULARIES["en"])


def _counted(count: int, forms: tuple[str, str]) -> str:
    return f"{count} {forms[0] if count == 1 else forms[1]}"


def _plural(count: int, word: str) -> str:
    return _counted(count, (word, f"{word}s"))


class Error(Exception):
    """The base of every error the library raises on purpose: catch it to catch them all."""


class RubricError(Error):
    """A rubric could not be loaded; `diagnostics` lists every problem, sorted by position."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sort_diagnostics(diagnostics)
        super().__init__(render_all(self.diagnostics))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.diagnostics,))


@attrs.frozen
class InputProblem:
    """One problem in one candidate's data: which candidate, which field, what and how to fix it."""

    candidate: str
    field: str | None
    message: str
    hint: str | None = None

    def render(self) -> str:
        where = f"{self.candidate}" + (f", field '{self.field}'" if self.field else "")
        text = f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        return {"candidate": self.candidate, "field": self.field, "message": self.message, "hint": self.hint}


class InputError(Error):
    """Candidate data did not validate; `problems` lists every problem of every candidate."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p.render()}" for p in self.problems)
        super().__init__(f"{_plural(len(self.problems), 'problem')} in candidate data:\n{lines}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


class NominationError(Error):
    """A nominating ledger that cannot be used: it does not replay, or holds no nominations."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.messages,))


class UsageError(Error):
    """A request that cannot be carried out as asked (a file that is not there, a stage the rubric lacks)."""
