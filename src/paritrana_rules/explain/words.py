"""Words explanations and handbooks share: languages, phrase files, numbers and units, and the rubric's own texts.

A rubric gives its labels, reasons and option names per language; a reader gets
the requested language, else the other one, else the name. Numbers follow the
language: 1,234.5 in English, 1.234,5 in Bahasa Indonesia.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources

from paritrana_rules.check.model import RubricModel, texts
from paritrana_rules.check.texts import LANGUAGES
from paritrana_rules.language import ast
from paritrana_rules.numeric import normalize
from paritrana_rules.source import Span

# Units the rubrics declare, as each language writes them ("en 1": after the number 1); any other unit is shown
# as the rubric writes it.
UNITS = {
    "percent": {"id": "%", "en": "%"},
    "rupiah": {"id": "rupiah", "en": "rupiah"},
    "juta rupiah": {"id": "juta rupiah", "en": "million rupiah"},
    "orang": {"id": "orang", "en": "people", "en 1": "person"},
    "bulan": {"id": "bulan", "en": "months", "en 1": "month"},
    "badan usaha": {"id": "badan usaha", "en": "businesses", "en 1": "business"},
    "kabupaten/kota": {"id": "kabupaten/kota", "en": "regencies and cities"},
}

# Free texts of a rubric with no language given (`source "..."`, `assumption "..."`) are written in English.
UNTAGGED_LANGUAGE = "en"
# How a text given in one language only is shown to a reader of the other: marked, never silently mixed.
_ONLY_IN = {
    ("id", "en"): "“{text}” (hanya dalam bahasa Inggris)",
    ("en", "id"): "“{text}” (only in Bahasa Indonesia)",
}

_YES_NO = {"id": ("ya", "tidak"), "en": ("yes", "no")}


def check_request(lang: str, format: str, formats: tuple[str, ...]) -> None:
    """ValueError for a language or a format that cannot be written, naming the ones that can."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use {_either(LANGUAGES)}")
    if format not in formats:
        raise ValueError(f"unknown format {format!r}: use {_either(formats)}")


def _either(choices: tuple[str, ...]) -> str:
    return " or ".join(repr(choice) for choice in choices)


def load_phrases(package: str, name: str) -> dict[str, dict[str, str]]:
    """A phrase file (a table a phrase, with its text in each language) -> each language's phrases by key.

    Translations are data, kept apart from the code that fills them in; a phrase
    missing a language fails on import, not in front of a reader.
    """
    table = tomllib.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))
    return {lang: {key: by_lang[lang] for key, by_lang in table.items()} for lang in LANGUAGES}


# ------------------------------------------------------------------ numbers


def localise(value: Decimal, lang: str) -> str:
    """A decimal as the language writes it: thousands grouped, the decimal point or comma of the language."""
    text = format(value, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    thousands, point = (".", ",") if lang == "id" else (",", ".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = thousands.join([whole, *groups])
    return sign + grouped + (point + fraction if fraction else "")


def plain_number(value: Decimal, lang: str) -> str:
    """A decimal without trailing zeros, so that 18.0, 18 and 1.8E+1 all read 18."""
    return localise(normalize(value.normalize()), lang)


def percent(fraction: Decimal, lang: str) -> str:
    """A fraction as a percentage: 0.25 -> 25%."""
    return plain_number(fraction * 100, lang) + "%"


def yes_no(value: bool, lang: str) -> str:
    return _YES_NO[lang][0 if value else 1]


def input_unit(model: RubricModel, name: str, lang: str, value: Decimal | None = None) -> str | None:
    """The unit an input's numbers are shown with (after `value`, when given), or None for an input without one
    (or no input of that name).
    """
    unit = next((i.spec.unit for i in model.inputs if i.spec.name == name), None)
    if not unit:
        return None
    shown = UNITS.get(unit, {})
    return shown.get(f"{lang} 1" if value == 1 else lang) or shown.get(lang, unit)


# ------------------------------------------------------------------ the rubric's own texts


def pick_text(found: ast.Texts | None, lang: str) -> str | None:
    """A text in the language, else in the first language it is given in, marked as such."""
    return None if found is None else in_language(found.by_lang, lang)


def in_language(by_lang: tuple[tuple[str, str], ...], lang: str) -> str | None:
    """The one place a rubric's text is picked for a reader: in the reader's language, else in another one,
    marked as written only in that language ("(hanya dalam bahasa Inggris)").
    """
    given = dict(by_lang)
    if given.get(lang):
        return given[lang]
    other, text = next(((written, text) for written, text in by_lang if text), (None, None))
    if other is None or text is None:
        return None
    return _ONLY_IN.get((lang, other), "{text}").format(text=text)


def free_texts(meta: tuple[ast.Meta, ...], kind: str, lang: str) -> list[str]:
    """A declaration's sources or assumptions, for a reader of the language: given per language, or as one text
    (written in English unless tagged)."""
    found = [in_language(m.texts.by_lang if m.texts is not None else ((UNTAGGED_LANGUAGE, str(m.text)),), lang)
             for m in meta if m.kind == kind and (m.text or m.texts)]
    return [text for text in found if text]


def text_of(meta: tuple[ast.Meta, ...], kind: str, lang: str) -> str | None:
    """A declaration's label, description, reason or evidence in the language, if it has one."""
    return pick_text(texts(meta, kind), lang)


def label(meta: tuple[ast.Meta, ...], name: str, lang: str) -> str:
    """A declaration's label, or its name when it has none."""
    return text_of(meta, "label", lang) or name


def gate_reason(model: RubricModel, gate: str, lang: str) -> str:
    """Why a failed gate matters, in the rubric's words: its reason, else its label, else its name."""
    decl = next(g.decl for g in model.gates if g.decl.name == gate)
    return text_of(decl.meta, "reason", lang) or label(decl.meta, gate, lang)


def member_label(model: RubricModel, name: str, member: str, lang: str) -> str:
    """An option of a one-of or set-of input by its label; its code when it has none."""
    members = next((i.decl.type.members for i in model.inputs if i.decl.name == name), ())
    return pick_text(next((m.label for m in members if m.name == member), None), lang) or member


def excerpt(model: RubricModel, span: Span) -> str:
    """Rubric text as written, from whichever file (of an extends chain) the span is in."""
    return model.sources.get(span.path, model.source).excerpt(span)
