"""The candidate handbook: a compiled rubric -> the document candidates read to prepare.

Input: an `AnyRubric`, a language (`id`, the default, or `en`) and a format
(`markdown` or `text`). Output: one string, the same bytes on every call and
every machine. Its sections, in order: the title (award, edition, assessment
period, category, description); how the score is made (scale, rounding, the
weighted sum, a table of the criteria tree with each weight and its share of
the total); how each criterion's points are given (bands as tables of ranges,
decision tables as rows with the hit policy in words, formulas); the
conditions (gates); bonuses and penalties; the stages and the ranking, when
the rubric has them; the data to prepare, with the type, default, evidence and
uses of each; and every source and assumption in the rubric, whichever file of
an `extends` chain it was written in.

Nothing is invented here: every number, label and rule comes from the rubric's
checked model. Every condition and formula is shown as written in the rubric
(the source excerpt) and, where its shape is simple enough, first in words,
with the labels of inputs, lets and options; shapes beyond that are shown as
written with a legend of the built-ins they use. Labels and texts are picked
in the requested language, falling back to the other one, then to the name;
numbers follow the language (1.234,5 in Bahasa Indonesia, 1,234.5 in English),
through the words shared with explanations (`explain.words`). The rubric's
content hash is printed, so a handbook can be matched to the audit records of
the scores it explains.

Each section is a module that writes blocks (`blocks`) with a `Writer` (the
rubric in one language, with the phrases of `phrases.toml`); conditions and
formulas are put in words by `formulas`, with legends by `legends`.
"""

from __future__ import annotations

from paritrana_rules.evaluate.rubric import AnyRubric
from paritrana_rules.explain.handbook.adjustments import adjustments
from paritrana_rules.explain.handbook.blocks import Block, markdown, plain_text
from paritrana_rules.explain.handbook.gates import gates
from paritrana_rules.explain.handbook.inputs import inputs
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

FORMATS = ("markdown", "text")


@exact
def handbook(rubric: AnyRubric, lang: str = "id", format: str = "markdown") -> str:
    """The handbook of a rubric, in Bahasa Indonesia (`id`) or English (`en`), as Markdown or plain text.

    Raises ValueError for an unknown language or format.
    """
    check_request(lang, format, FORMATS)
    blocks = document(Writer(rubric.model, lang), rubric.identity, rubric_hash(rubric.model.rubric))
    return markdown(blocks) if format == "markdown" else plain_text(blocks)


def document(w: Writer, identity: dict[str, object], fingerprint: str) -> list[Block]:
    """Every section, in the order a candidate reads them."""
    return [*title(w, identity, fingerprint), *score(w), *points_section(w), *gates(w), *adjustments(w), *stages(w),
            *ranking(w), *inputs(w), *sources(w)]
