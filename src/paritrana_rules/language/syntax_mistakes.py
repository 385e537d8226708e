"""The writing mistakes behind most syntax errors, each recognised where the parser stopped and named with its fix.

Lark says only which token it did not expect. A committee member needs to hear
that a quote is missing, that the arrow of a band row is `->`, that a weight
takes one `%`, and where. Each recogniser looks at the place of the error and
returns what to say there (in English and in Bahasa Indonesia), or None when
the mistake is not its kind; `syntax_diagnostics` asks them in turn before
falling back on "unexpected ..., expected ...".
"""

from __future__ import annotations

import re
import unicodedata

import attrs

from paritrana_rules.language.grammar import literal_terminals
from paritrana_rules.language.recovery import top_level_starts
from paritrana_rules.language.syntax_places import Mistake, Place, Recogniser, Said, expected_words, rewritten

_OTHER_QUOTES = "“”„‟‘’‚‛«»'`´"
_ARROWS = "→⇒⟶⟹➔➜➝↦"
_DASHES = "–—−"  # en dash, em dash, minus sign: word processors turn "-" into these
_LANGUAGE_SWALLOWED = re.compile(r"\S(\s+(id|en))\s*$")  # a text that ran on over the next language's code
_WORD = re.compile(r"[A-Za-z_]\w*")
_TEXT_BEFORE = ("id", "en", "source", "assumption", "alias", "unit", "rubric", "shared", "uses", "extends")
_SYMBOL_WORDS = {"&": "and", "|": "or", "!": "not"}


# ---------------------------------------------------------------- quotes


@attrs.frozen
class _Texts:
    """The texts of one line as a reader pairs its quotes: closed ones, one left open, escapes that are not."""

    closed: tuple[tuple[int, int], ...]  # (opening quote, after the closing quote)
    open: int | None  # the opening quote of a text that runs to the end of the line
    bad_escapes: tuple[int, ...]


def _texts(line: str) -> _Texts:
    closed: list[tuple[int, int]] = []
    bad: list[int] = []
    start: int | None = None
    index = 0
    while index < len(line):
        char = line[index]
        if start is None and char == "#":
            break
        if start is None and char == '"':
            start = index
        elif start is not None and char == "\\":
            if line[index + 1 : index + 2] not in ('"', "\\", "n"):
                bad.append(index)
            index += 1
        elif start is not None and char == '"':
            closed.append((start, index + 1))
            start = None
        index += 1
    return _Texts(tuple(closed), start, tuple(bad))


def quote_mistake(place: Place) -> Mistake | None:
    """A text that runs on past its end, stops early, or never starts, judged from the quotes of the line."""
    texts = _texts(place.line)
    at = place.column
    for start, end in texts.closed:
        if start == at and place.token is None:  # the lexer could not read a text that the quotes close
            return _bad_escape([b for b in texts.bad_escapes if start < b < end])
    earlier = [(start, end) for start, end in texts.closed if end <= at]
    if earlier:
        swallowed = _LANGUAGE_SWALLOWED.search(place.line[earlier[-1][0] + 1 : earlier[-1][1] - 1])
        missing = earlier[-1][0] + 1 + swallowed.start(1) if swallowed else 0
        if swallowed and place.line[missing - 1] in _OTHER_QUOTES:
            return _curly_close(place.line, missing - 1)
        if swallowed:
            return _swallowed_language(place.line, missing, swallowed.group(2))
        if earlier[-1][1] == at:
            return _quote_inside_text(at - 1)
    if texts.open is not None and at >= texts.open:
        return _open_text(place.line, texts.open)
    if texts.open is not None and at < texts.open and _text_expected(place):
        return _text_without_opening_quote(place.line, at)
    return None


def _bad_escape(backslashes: list[int]) -> Mistake | None:
    if not backslashes:
        return None
    return Mistake("P101", Said(
        "a backslash in a text must be followed by \", \\ or n",
        "write \\\\ for a backslash itself, or use / instead (as in a web address)",
        "garis miring terbalik di dalam teks harus diikuti \", \\ atau n",
        "tulis \\\\ untuk garis miring terbalik itu sendiri, atau pakai / (seperti pada alamat web)"),
        backslashes[0], backslashes[0] + 1)


def _swallowed_language(line: str, missing: int, language: str) -> Mistake:
    fix = rewritten(line, missing, missing, '"')
    return Mistake("P107", Said(
        f"a text is not closed before '{language}'",
        f"add the closing quote here; each language's text has its own quotes: {fix}",
        f"sebuah teks belum ditutup sebelum '{language}'",
        f"tambahkan tanda kutip penutup di sini; teks setiap bahasa memiliki tanda kutipnya sendiri: {fix}"),
        missing, missing + 1)


def _quote_inside_text(quote: int) -> Mistake:
    """A text closed by a quote meant to be inside it: the word after the quote is glued to it."""
    return Mistake("P101", Said(
        "this double quote ends the text, but the text goes on after it",
        'to put a double quote inside a text, write \\" (e.g. "Program \\"Satu Desa\\"")',
        "tanda kutip ganda ini mengakhiri teks, padahal teksnya berlanjut setelahnya",
        'untuk menulis tanda kutip ganda di dalam teks, tulis \\" (misalnya "Program \\"Satu Desa\\"")'),
        quote, quote + 1)


def _curly_close(line: str, curly: int) -> Mistake:
    """A text opened with a straight quote and ended with a curly one, which a reader takes for its end."""
    fix = rewritten(line, curly, curly + 1, '"')
    return Mistake("P107", Said(
        f"this text ends with {line[curly]!r}, which does not close it",
        f'end the text with a straight double quote ": {fix}',
        f"teks ini diakhiri {line[curly]!r}, yang tidak menutupnya",
        f'akhiri teks dengan tanda kutip ganda lurus ": {fix}'), curly, curly + 1)


def _open_text(line: str, opening: int) -> Mistake:
    curly = next((i for i in range(opening + 1, len(line)) if line[i] in _OTHER_QUOTES), None)
    if curly is not None:
        return _curly_close(line, curly)
    end = len(line.rstrip())
    fix = rewritten(line, end, end, '"')
    return Mistake("P107", Said(
        "this text is not closed",
        f'end it with " on the same line (a text cannot go on to the next line): {fix}',
        "teks ini belum ditutup",
        f'akhiri dengan " pada baris yang sama (sebuah teks tidak dapat berlanjut ke baris berikutnya): {fix}'),
        opening, opening + 1)


def _text_expected(place: Place) -> bool:
    if "STRING" in place.expected:
        return True
    words = place.before().split()
    return bool(words) and words[-1] in _TEXT_BEFORE


def _text_without_opening_quote(line: str, at: int) -> Mistake:
    fix = rewritten(line, at, at, '"')
    return Mistake("P107", Said(
        "this text has no opening quote",
        f"put a double quote before it: {fix}",
        "teks ini tidak memiliki tanda kutip pembuka",
        f"tambahkan tanda kutip ganda di depannya: {fix}"),
        at, at + 1)


def other_quote(place: Place) -> Mistake | None:
    """A curly quote from a word processor, or a single quote, where a text was meant."""
    if place.token is not None or place.char not in _OTHER_QUOTES:
        return None
    at, line = place.column, place.line
    closing = next((i for i in range(at + 1, len(line)) if line[i] in _OTHER_QUOTES), None)
    content = line[at + 1 : closing].replace('"', '\\"') if closing is not None else "..."
    kind_en, kind_id = ("single quote", "tanda kutip tunggal") if place.char == "'" else (
        "curly quote", "tanda kutip lengkung")
    return Mistake("P101", Said(
        f"unexpected {kind_en} {place.char!r}",
        f'texts are written between straight double quotes: "{content}"',
        f"{kind_id} {place.char!r} tidak dapat dipakai di sini",
        f'teks ditulis di antara tanda kutip ganda lurus: "{content}"'),
        at, at + 1)


# ---------------------------------------------------------------- characters


def invisible_character(place: Place) -> Mistake | None:
    """A no-break space, a zero-width space or a control character, pasted along with copied text."""
    char = place.char
    if place.token is not None or not char or unicodedata.category(char) not in ("Zs", "Zl", "Zp", "Cf", "Cc"):
        return None
    name = unicodedata.name(char, "control character").lower()
    return Mistake("P101", Said(
        f"invisible character U+{ord(char):04X} ({name})",
        "delete it, and type an ordinary space if one is needed; such characters come with text copied "
        "from a word processor or a web page",
        f"karakter tak terlihat U+{ord(char):04X} ({name})",
        "hapus, lalu ketik spasi biasa bila perlu; karakter seperti ini ikut tersalin dari pengolah kata "
        "atau halaman web"), place.column, place.column + 1)


def capital_letter(place: Place) -> Mistake | None:
    """A keyword written with a capital (names with capitals get the general lowercase hint)."""
    if place.token is not None or not place.char.isupper():
        return None
    word = _WORD.match(place.line, place.column)
    if word is None or word.group().lower() not in literal_terminals().values():
        return None
    lower = word.group().lower()
    return Mistake("P101", Said(
        f"'{word.group()}' is written in lowercase: '{lower}'",
        f"the words of the rubric language are written in lowercase letters: {lower}",
        f"'{word.group()}' ditulis dengan huruf kecil: '{lower}'",
        f"kata-kata bahasa rubrik ditulis dengan huruf kecil: {lower}"), word.start(), word.end())


def symbol_for_a_word(place: Place) -> Mistake | None:
    """`&&`, `||` or `!` from a spreadsheet or a programming language, where the rubric says and, or, not."""
    if place.token is not None or place.char not in _SYMBOL_WORDS or place.line[place.column :].startswith("!="):
        return None
    symbol = re.match(r"&&?|\|\|?|!", place.line[place.column :])
    assert symbol is not None
    word = _SYMBOL_WORDS[place.char]
    end = place.column + len(symbol.group())
    fix = rewritten(place.line, place.column, end, word)
    return Mistake("P101", Said(
        f"'{symbol.group()}' is written '{word}' in a rubric", f"write: {fix}",
        f"'{symbol.group()}' ditulis '{word}' dalam rubrik", f"tulis: {fix}"), place.column, end)


def stray_line_start(place: Place) -> Mistake | None:
    """A sign at the very start of the line the parser stopped in, where a declaration starts with its keyword
    (the sign may even have parsed, as `= criterion` after a band row's points)."""
    sign = re.match(r"[^\w\s\"#]+", place.line)
    if sign is None or place.line[sign.end() : sign.end() + 1].isspace():
        return None
    fix = rewritten(place.line, 0, sign.end(), "")
    return Mistake("P100" if place.token is not None else "P101", Said(
        f"a line cannot start with '{sign.group()}'",
        f"remove it: a declaration starts with its keyword at the left margin: {fix}",
        f"baris tidak dapat diawali '{sign.group()}'",
        f"hapus: sebuah deklarasi diawali kata kuncinya di tepi kiri: {fix}"), 0, sign.end())


# ---------------------------------------------------------------- arrows and comparisons


def arrow(place: Place) -> Mistake | None:
    """A band or table row's arrow typed as =>, →, – > or a lone - or >."""
    rest = place.line[place.column :]
    if place.token is None and place.char in _ARROWS:
        length = 1
    elif place.token is None and place.char in _DASHES:
        dash_arrow = re.match(rf"[{_DASHES}]\s*>", rest)
        if dash_arrow is None:
            return _dash_for_minus(place)
        length = len(dash_arrow.group())
    elif place.token is not None and "->" in expected_words(place.expected):
        wrong = re.match(r"=+\s*>|-\s*>|>=?|-|=", rest)
        if wrong is None:
            return None
        length = len(wrong.group())
    else:
        return None
    wrong_text = rest[:length]
    fix = rewritten(place.line, place.column, place.column + length, "->")
    return Mistake("P100" if place.token is not None else "P101", Said(
        f"'{wrong_text}' is not an arrow: a row's points follow '->'",
        f"write the arrow as a minus sign and a greater-than sign: {fix}",
        f"'{wrong_text}' bukan tanda panah: nilai sebuah baris ditulis setelah '->'",
        f"tulis tanda panah sebagai tanda minus diikuti tanda lebih besar: {fix}"),
        place.column, place.column + length)


def _dash_for_minus(place: Place) -> Mistake:
    fix = rewritten(place.line, place.column, place.column + 1, "-")
    return Mistake("P101", Said(
        f"{place.char!r} is a dash, not a minus sign", f"type the minus sign on the keyboard, -: {fix}",
        f"{place.char!r} adalah tanda pisah, bukan tanda minus", f"ketik tanda minus dari papan ketik, -: {fix}"),
        place.column, place.column + 1)


def comparison(place: Place) -> Mistake | None:
    """'==', '=>', '=<' or '<>' from a spreadsheet or a programming language, where a rubric writes
    '=' (or 'is'), '>=', '<=' and '!=' (or 'is not')."""
    if place.token is None or place.found not in ("=", ">", "<", ">=", "<="):
        return None
    before = place.line[: place.column].rstrip()
    pair = (before[-1:] + place.found)[:2]
    right = {"==": "=", "=>": ">=", "=<": "<=", "<>": "!="}.get(pair)
    if right is None:
        return None
    start = len(before) - 1
    end = place.column + 1
    fix = rewritten(place.line, start, end, right)
    if pair == "==":
        return Mistake("P100", Said(
            "'==' is written with one '=' in a rubric",
            f"compare with one '=' (or with 'is' for a choice): {fix}",
            "'==' ditulis dengan satu '=' dalam rubrik",
            f"bandingkan dengan satu '=' (atau dengan 'is' untuk pilihan): {fix}"), start, end)
    also = (" (or 'is not' for a choice)", " (atau 'is not' untuk pilihan)") if right == "!=" else ("", "")
    return Mistake("P100", Said(
        f"'{pair}' is written '{right}' in a rubric", f"write{also[0]}: {fix}",
        f"'{pair}' ditulis '{right}' dalam rubrik", f"tulis{also[1]}: {fix}"), start, end)


# ---------------------------------------------------------------- numbers and percentages


def percent(place: Place) -> Mistake | None:
    """A '%' doubled, written before the number, or after a number that is not a weight."""
    if place.found != "%" or place.token is None:
        return None
    at, line = place.column, place.line
    if place.before().endswith("%"):
        start = len(place.before()) - 1
        fix = rewritten(line, start, at + 1, "%")
        return Mistake("P100", Said(
            "'%' is written once", f"write the weight as a number followed by one %: {fix}",
            "'%' ditulis satu kali", f"tulis bobot sebagai angka yang diikuti satu %: {fix}"), start, at + 1)
    number = re.match(r"\s*\d+(\.\d+)?", line[at + 1 :])
    if number is not None and "NUMBER" in place.expected:
        fix = rewritten(line, at, at + 1 + number.end(), number.group().strip() + "%")
        return Mistake("P100", Said(
            "the '%' sign comes after the number", f"write: {fix}",
            "tanda '%' ditulis setelah angkanya", f"tulis: {fix}"), at, at + 1)
    fix = rewritten(line, at, at + 1, "")
    return Mistake("P100", Said(
        "'%' is written only after a weight",
        f"band limits, points and formulas take plain numbers: {fix}",
        "'%' hanya ditulis setelah bobot",
        f"batas rentang, nilai, dan rumus memakai angka biasa: {fix}"), at, at + 1)


def decimal_comma(place: Place) -> Mistake | None:
    """A decimal comma (2,5), as Indonesian writing has it, or a thousands separator (1,000)."""
    if place.found != "," or place.token is None:
        return None
    whole = re.search(r"\d+$", place.line[: place.column])
    fraction = re.match(r"\d+", place.line[place.column + 1 :])
    if whole is None or fraction is None:
        return None
    if len(fraction.group()) == 3 and len(whole.group()) <= 3 and whole.group() != "0":
        written = whole.group() + fraction.group()
        return Mistake("P100", Said(
            "unexpected ',' inside a number",
            f"numbers are written without thousands separators, e.g. {written}; decimals follow a point",
            "',' tidak diharapkan di dalam angka",
            f"angka ditulis tanpa pemisah ribuan, misalnya {written}; desimal ditulis setelah titik"),
            place.column, place.column + 1)
    written = f"{whole.group()}.{fraction.group()}"
    return Mistake("P100", Said(
        "unexpected ',' inside a number",
        f"decimals are written with a point, not a comma: e.g. {written}",
        "',' tidak diharapkan di dalam angka",
        f"desimal ditulis dengan titik, bukan koma: misalnya {written}"), place.column, place.column + 1)


# ---------------------------------------------------------------- words


def missing_sign(place: Place) -> Mistake | None:
    """The ':' after a declared name (or the '=' of a let) left out, replaced by another sign, or a name
    written as two words or with a hyphen."""
    expected = expected_words(place.expected)
    if place.token is None or len(expected) != 1 or next(iter(expected)) not in (":", "="):
        return None
    sign = next(iter(expected))
    at, line, found = place.column, place.line, place.found
    words = place.before().split()
    named = words[-1] if words and _WORD.fullmatch(words[-1]) else None
    start = len(place.before()) - len(named or "")
    following = _WORD.match(line, at + 1)
    if named and found == "-" and following:
        return _name_in_two(line, start, following.end(), f"{named}_{following.group()}", "'-'")
    if named and place.token.type == "NAME" and line[at + len(found) :].lstrip().startswith(sign):
        return _name_in_two(line, start, at + len(found), f"{named}_{found}", "spaces")
    if found in (":", "="):
        fix = rewritten(line, at, at + 1, sign if sign == ":" or line[at - 1 : at].isspace() else " =")
        return Mistake("P100", Said(
            f"'{found}' should be '{sign}' here", f"write: {fix}",
            f"'{found}' seharusnya '{sign}' di sini", f"tulis: {fix}"), at, at + 1)
    if not (found[0].isalnum() or found[0] in "_\"({"):
        return None  # a stray sign: the mistake is the sign, not a missing one
    end = len(place.before())
    fix = rewritten(line, end, end, sign if sign == ":" else " =")
    after = f" after '{named}'" if named else ""
    after_id = f" setelah '{named}'" if named else ""
    return Mistake("P100", Said(
        f"'{sign}' is missing{after}", f"write: {fix}", f"tanda '{sign}' terlewat{after_id}", f"tulis: {fix}"),
        end, end + 1)


def _name_in_two(line: str, start: int, end: int, joined: str, what: str) -> Mistake:
    what_id = "spasi" if what == "spaces" else what
    fix = rewritten(line, start, end, joined)
    return Mistake("P100", Said(
        f"a name cannot contain {what}", f"join its words with _: {fix}",
        f"nama tidak boleh mengandung {what_id}", f"gabungkan kata-katanya dengan _: {fix}"), start, end)


def missing_weight(place: Place) -> Mistake | None:
    """`criterion x 10%`: the word 'weight' left out."""
    if place.token is None or place.token.type != "NUMBER" or "weight" not in expected_words(place.expected):
        return None
    at = place.column
    fix = rewritten(place.line, at, at, "weight ")
    return Mistake("P100", Said(
        f"'weight' is missing before {place.found}", f"write: {fix}",
        f"kata 'weight' terlewat sebelum {place.found}", f"tulis: {fix}"), at, at + len(place.found))


def block_end(place: Place) -> Mistake | None:
    """An 'end' closing a block, as in other languages: a rubric's declarations end by themselves."""
    if place.token is None or place.found != "end":
        return None
    return Mistake("P100", Said(
        "a rubric has no 'end'",
        "a declaration ends where the next line at the left margin starts: remove this 'end'",
        "rubrik tidak memakai 'end'",
        "sebuah deklarasi berakhir dengan sendirinya ketika baris berikutnya dimulai di tepi kiri: hapus 'end' ini"),
        place.column, place.column + 3)


def yes_no_apart(place: Place) -> Mistake | None:
    """`yes / no` with spaces, where the kind of input is the one word yes/no."""
    if place.found != "yes" or "yes/no" not in expected_words(place.expected):
        return None
    spaced = re.match(r"yes\s*/\s*no", place.line[place.column :])
    if spaced is None:
        return None
    end = place.column + len(spaced.group())
    fix = rewritten(place.line, place.column, end, "yes/no")
    return Mistake("P100", Said(
        "'yes/no' is written as one word", f"write it without spaces: {fix}",
        "'yes/no' ditulis sebagai satu kata", f"tulis tanpa spasi: {fix}"), place.column, end)


# ---------------------------------------------------------------- brackets

_CLOSERS = {"(": ")", "{": "}"}


def unclosed_bracket(place: Place) -> Mistake | None:
    """A '(' or '{' of the declaration left open, found where the parser wanted its partner and met the next
    line, or the end of the file."""
    opened = _open_brackets(place)
    if not opened or _CLOSERS[place.text[opened[-1]]] not in expected_words(place.expected):
        return None
    at = opened[-1]
    line_start = place.text.rfind("\n", 0, at) + 1
    if place.text[at] == "(":
        said = Said("'(' is not closed", "add ')' where the formula inside it ends",
                    "'(' belum ditutup", "tambahkan ')' di tempat rumus di dalamnya berakhir")
    else:
        said = Said("'{' is not closed", "add '}' after the last value of the list",
                    "'{' belum ditutup", "tambahkan '}' setelah nilai terakhir daftar")
    return Mistake("P102", said, at - line_start, at - line_start + 1, line_start)


def missing_comma(place: Place) -> Mistake | None:
    """Two values of a {...} list on their own lines with no comma between: the parser read on from the first
    into the second and stumbled there."""
    opened = _open_brackets(place)
    if not opened or place.text[opened[-1]] != "{" or opened[-1] >= place.line_start:
        return None
    previous_end = place.text.rfind("\n", 0, place.line_start)
    previous_start = place.text.rfind("\n", 0, max(0, previous_end)) + 1
    previous = re.sub(r"\s*#[^\"\n]*$", "", place.text[previous_start:previous_end]).rstrip()
    indent = len(place.line) - len(place.line.lstrip())
    if not previous or previous[-1] in ",{" or not _WORD.match(place.line, indent) or place.column < indent:
        return None
    at = len(previous)
    fix = rewritten(previous, at, at, ",")
    return Mistake("P100", Said(
        "a ',' is missing at the end of this line", f"the values of a list are separated by commas: {fix}",
        "tanda ',' terlewat di akhir baris ini", f"nilai-nilai daftar dipisahkan dengan koma: {fix}"),
        at, at + 1, previous_start)


def _open_brackets(place: Place) -> list[int]:
    """The offsets of the brackets still open where the parser stopped, in the declaration it was in."""
    opened: list[int] = []
    for offset, char in _signs(place.text, _declaration_start(place), place.position):
        if char in _CLOSERS:
            opened.append(offset)
        elif opened and char == _CLOSERS[place.text[opened[-1]]]:
            opened.pop()
    return opened


def _declaration_start(place: Place) -> int:
    """Where the declaration the parser was in starts: the last line at the margin before the error's own
    line when the error starts a line (the parser was still in the line before), else before the error."""
    own_line_starts = not place.before()
    tops = [top for top in top_level_starts(place.text)
            if (top < place.line_start if own_line_starts else top <= place.position)]
    return tops[-1] if tops else 0


def _signs(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """The brackets between `start` and `end` with their offsets, leaving out texts and comments."""
    found: list[tuple[int, str]] = []
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[(){}]', text[start:end]):
        if match.group() in ("(", ")", "{", "}"):
            found.append((start + match.start(), match.group()))
    return found


# Most specific first: a line's quotes explain any error on it, so they are judged before anything else.
RECOGNISERS: tuple[Recogniser, ...] = (
    quote_mistake, other_quote, invisible_character, capital_letter, symbol_for_a_word, stray_line_start, arrow,
    comparison,
    percent, decimal_comma, missing_sign, missing_weight, block_end, yes_no_apart, missing_comma, unclosed_bracket)


def recognise(place: Place) -> Mistake | None:
    """The first recognised mistake at this place, if any."""
    for recogniser in RECOGNISERS:
        mistake = recogniser(place)
        if mistake is not None:
            return mistake
    return None
