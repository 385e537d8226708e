"""The handbook's HTML page -> PDF, printed by WeasyPrint (the `pdf` extra).

There is one layout: the page `blocks.html` writes, with its own print rules
(A4, margins, headings kept with what follows them, table headers repeated).
Nothing here lays anything out; WeasyPrint only prints that page, so the PDF
and the page a browser prints cannot drift apart. WeasyPrint is imported only
when a PDF is asked for, so the core never needs it or the Pango library it
loads.

The bytes are the same on every call for the same page: the page names no
creation or modification date, so WeasyPrint writes none; it writes no file
identifier either, and names its font subsets from a hash of the font. Another
machine gives the same bytes only with the same WeasyPrint and fonts, which
choose the glyphs.
"""

from __future__ import annotations

from paritrana_rules.errors import UsageError

EXTRA_MISSING = "the handbook as PDF needs the 'pdf' extra: pip install 'paritrana-rules[pdf]'"
PANGO_MISSING = ("the handbook as PDF needs the Pango library, which WeasyPrint could not load ({error}); "
                 "on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0")


def printed(page: str) -> bytes:
    """The PDF of one self-contained HTML page (it loads nothing, so no base URL is given).

    UsageError, saying what to install, without WeasyPrint or without the Pango library it loads.
    """
    try:
        from weasyprint import HTML  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise UsageError(EXTRA_MISSING) from None
    except OSError as error:  # WeasyPrint is there, but the system's Pango is not
        raise UsageError(PANGO_MISSING.format(error=error)) from None
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf
