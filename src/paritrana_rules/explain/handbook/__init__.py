"""The candidate handbook: a compiled rubric -> the document candidates read to prepare.

Input: an `AnyRubric`, a language (`id`, the default, or `en`), a format
(`markdown`, `text` or `html`) and, for a rubric that extends another, its
changes from it. Output: one string, the same bytes on every call and every
machine; `handbook_pdf` prints the html format's page to PDF bytes (module `pdf`;
the `pdf` extra). Its sections, in order: the title (award, edition, assessment period,
category, description); what changed this edition; how the score is made (scale, rounding, the
weighted sum, a table of the criteria tree with each weight and its share of
the total); how each criterion's points are given (bands as tables of ranges,
decision tables as rows with the hit policy in words, formulas); the
conditions (gates); bonuses and penalties; the stages and the ranking, when
the rubric has them; the data to prepare, with the type, default, evidence and
uses of each; and every source and assumption in the rubric, whichever file of
an `extends` chain it was written in.

Nothing is invented here: every number, label and rule comes from the rubric's
checked model. Every condition, formula, band row and table row is said in
words of the language (`explain.wording`, shared with explanations), with the
labels of inputs, lets and options and the rubric line it stands on ("baris
212"). A weight or number that rests on an `assumption` line is marked as the
committee's assumption. Labels and texts are picked in the requested language;
a text the rubric gives in the other language only is shown marked as such.
Numbers follow the language (1.234,5 in Bahasa Indonesia, 1,234.5 in English). The rubric's
content hash is printed, so a handbook can be matched to the audit records of
the scores it explains.

Each section is a module that writes blocks (`blocks`) with a `Writer` (the
rubric's `Wording` in one language, with the phrases of `phrases.toml`);
formulas get a legend of the names they read from `legends`.
"""

from __future__ import annotations

from collections.abc import Sequence

from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.handbook.adjustments import adjustments
from paritrana_rules.explain.handbook.blocks import Block, Heading, Para, code, html, items, markdown, plain_text
from paritrana_rules.explain.handbook.gates import gates
from paritrana_rules.explain.handbook.inputs import inputs
from paritrana_rules.explain.handbook.pdf import printed
from paritrana_rules.explain.handbook.points import points_section
from paritrana_rules.explain.handbook.ranking import ranking
from paritrana_rules.explain.handbook.score import score
from paritrana_rules.explain.handbook.sources import sources
from paritrana_rules.explain.handbook.stages import stages
from paritrana_rules.explain.handbook.title import title
from paritrana_rules.explain.handbook.writer import Writer
from paritrana_rules.explain.words import check_request
from paritrana_rules.language.identity import rubric_hash
from paritrana_rules.numeric import exact

FORMATS = ("markdown", "text", "html")


@exact
def handbook(rubric: AnyRubric, lang: str = "id", format: str = "markdown", changes: Sequence[str] = ()) -> str:
    """The handbook of a rubric, in Bahasa Indonesia (`id`) or English (`en`), as Markdown, plain text or one
    self-contained HTML page.

    `changes` are the differences from the rubric this one extends, each already told in `lang` (the
    committee's diff, a layer above this one): given, they make the section "What changed this edition".
    Raises ValueError for an unknown language or format.
    """
    check_request(lang, format, FORMATS)
    blocks = document(Writer(rubric.model, lang), rubric.identity, rubric_hash(rubric.model.rubric), changes)
    if format == "html":
        return html(blocks, lang)
    return markdown(blocks) if format == "markdown" else plain_text(blocks)


def handbook_pdf(rubric: AnyRubric, lang: str = "id", changes: Sequence[str] = ()) -> bytes:
    """The handbook as PDF: the page `handbook(..., format="html")` writes, printed on A4 by its own print rules.

    Needs the `pdf` extra (WeasyPrint): UsageError, saying what to install, without it. Raises ValueError for
    an unknown language.
    """
    return printed(handbook(rubric, lang, "html", changes))


def document(w: Writer, identity: dict[str, object], fingerprint: str, changes: Sequence[str] = ()) -> list[Block]:
    """Every section, in the order a candidate reads them."""
    listed = changed(w, changes)
    return [*title(w, identity, fingerprint, bool(listed)), *listed, *score(w), *points_section(w), *gates(w),
            *adjustments(w), *stages(w), *ranking(w), *inputs(w), *sources(w)]


def changed(w: Writer, changes: Sequence[str]) -> list[Block]:
    """What changed from the rubric this one extends; nothing for a rubric that extends none."""
    if w.model.rubric.extends is None or not changes:
        return []
    return [Heading(2, w.w("s_changes")), Para(w.w("changes_intro", parent=code(w.model.rubric.extends))),
            items(list(changes))]
