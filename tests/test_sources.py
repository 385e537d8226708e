"""Every citation in the project leads somewhere: to a section of docs/award.md or to a listed public source.

docs/award.md is the project's own account of the award. Rubrics, example files, the other documents
and the handbooks generated from the rubrics cite its sections ("docs/award.md section 3.4",
"docs/award.md §1, §5") and the public pages it lists under "Sources", by the page's address.
A section that does not exist, a page cited but not listed, or a file outside the repository would
send a reader nowhere, so each is a failure here.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import paritrana_rules as pr
from paritrana_rules.api import handbook

ROOT = Path(__file__).resolve().parents[1]
AWARD = ROOT / "docs" / "award.md"
SCANNED_SUFFIXES = {".rubric", ".shared", ".yaml", ".csv", ".py", ".md", ".json"}
# Address prefixes that name the same site: a citation of "medcom.id" finds "https://www.medcom.id/...".
SAME_SITE_PREFIXES = ("www.", "amp.", "m.")
# A web address or a bare host name, as a rubric or an example cites a page ("koreri.com 2024-02-26"); the
# name before the top-level domain has two characters at least, so "c.id" in Python code is not a host.
HOST = re.compile(r"(?<![\w@/.-])(?:https?://)?((?:[a-z0-9-]+\.)*[a-z0-9-]{2,}\.(?:com|id|co|net|org|biz|info))"
                  r"(?![\w-])", re.IGNORECASE)
SECTION_NUMBER = r"(?:\d+(?:\.\d+)?|appendix)"
SECTION_LIST = re.compile(
    rf"\s*(?:sections?\s+|§\s*)({SECTION_NUMBER}(?:\s*(?:,|and|to)\s*(?:§\s*)?{SECTION_NUMBER}(?![\w.]\w))*)",
    re.IGNORECASE)
AWARD_CITATION = re.compile(r"docs/award\.md`?")
# Inside docs/award.md a citation of its own section needs no file name: "(section 3.3)".
OWN_SECTION = re.compile(rf"\bsections?\s+{SECTION_NUMBER}(?:\s*(?:,|and|to)\s*{SECTION_NUMBER}(?![\w.]\w))*",
                         re.IGNORECASE)
RELATIVE_PATH = re.compile(r"(?:\.\./)+[\w./-]*")
# The folders of the machine the project is worked on, which a reader of the project does not have.
ABSOLUTE_PATH = re.compile(r"(?:^|(?<=[\s\"'(`=]))(?:~|/(?:work|tmp|root|mnt|srv))/[\w./-]*")
# A document named like README.md, or by its path (docs/award.md); lower-case file names in command
# examples ("-o panduan-desa-2026.md") are the user's own files.
MARKDOWN_NAME = re.compile(r"(?<![\w/.-])((?:[\w-]+/)+[\w-]+\.md|[A-Z][A-Z0-9_-]*\.md)\b")


def project_files() -> list[Path]:
    """The files whose citations a reader follows: rubrics, examples, README.md and docs/."""
    roots = [ROOT / "rubrics", ROOT / "examples", ROOT / "docs"]
    found = [path for folder in roots for path in sorted(folder.rglob("*"))
             if path.is_file() and path.suffix in SCANNED_SUFFIXES]
    return [ROOT / "README.md", *found]


def joined(text: str) -> str:
    """The text with wrapped lines (and the comment marks that continue them) joined by spaces."""
    return re.sub(r"[ \t]*\r?\n[ \t]*(?:#[ \t]*)?", " ", text)


@cache
def award_text() -> str:
    return AWARD.read_text(encoding="utf-8")


@cache
def award_sections() -> frozenset[str]:
    """The numbers of docs/award.md's sections and subsections, and "appendix"."""
    numbers = re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", award_text(), re.MULTILINE)
    has_appendix = re.search(r"^## Appendix\b", award_text(), re.MULTILINE) is not None
    return frozenset([*numbers, *(["appendix"] if has_appendix else [])])


@cache
def source_rows() -> dict[str, tuple[str, str]]:
    """The Sources table: key -> (publication, address)."""
    table = award_text().partition("\n## Sources")[2]
    rows: dict[str, tuple[str, str]] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", cells[0]):
            assert cells[0] not in rows, f"source key {cells[0]!r} is listed twice"
            rows[cells[0]] = (cells[1], cells[3])
    return rows


def site(host: str) -> str:
    host = host.lower()
    while host.startswith(SAME_SITE_PREFIXES):
        host = host.split(".", 1)[1]
    return host


@cache
def listed_sites() -> frozenset[str]:
    return frozenset(site(match.group(1)) for _, address in source_rows().values()
                     for match in HOST.finditer(address))


def cited_sections(text: str) -> Iterator[str]:
    """Every section number that a "docs/award.md section(s) X" or "docs/award.md §X" citation names."""
    for citation in AWARD_CITATION.finditer(text):
        listed = SECTION_LIST.match(text, citation.end())
        if listed:
            yield from (number.lower() for number in re.findall(SECTION_NUMBER, listed.group(1), re.IGNORECASE))


def cited_hosts(text: str) -> Iterator[str]:
    """Every web site a text names, as a bare host or inside an address."""
    for match in HOST.finditer(text):
        yield site(match.group(1))


@cache
def repository_names() -> frozenset[str]:
    """The names of the repository's files, outside hidden folders (.venv, .git)."""
    names: set[str] = set()
    for _folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        names.update(files)
    return frozenset(names)


def outside_paths(path: Path, text: str) -> Iterator[str]:
    """Paths in the text that leave the repository or name a document it does not hold.

    A relative path may be written for a file elsewhere in the repository ("rubric: ../../rubrics/..."
    in a document that shows an example file): it stays inside when what follows its "../" steps
    starts with one of the repository's top-level folders.
    """
    top_level = {entry.name for entry in ROOT.iterdir()}
    for match in RELATIVE_PATH.finditer(text):
        target = (path.parent / match.group(0)).resolve()
        rest = match.group(0).lstrip("./").split("/", 1)[0]
        if not target.is_relative_to(ROOT) and rest not in top_level:
            yield match.group(0)
    for match in ABSOLUTE_PATH.finditer(text):
        yield match.group(0)
    for match in MARKDOWN_NAME.finditer(text):
        name = match.group(1)
        if not ((ROOT / name).exists() or (path.parent / name).exists() or Path(name).name in repository_names()):
            yield name


def shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ------------------------------------------------------------------ docs/award.md itself


def test_award_has_its_fixed_sections() -> None:
    """The section numbers rubrics cite are fixed: 0 to 6, 3.1 to 3.4, and the appendix."""
    expected = {"0", "1", "2", "3", "3.1", "3.2", "3.3", "3.4", "4", "5", "6", "appendix"}
    assert expected <= award_sections()


def test_every_listed_source_has_a_publication_and_an_address() -> None:
    rows = source_rows()
    assert len(rows) > 50
    for key, (publication, address) in rows.items():
        assert publication, f"source {key!r} names no publication"
        assert HOST.search(address), f"source {key!r} has no web address: {address!r}"


def unknown_keys(body: str, keys: set[str]) -> set[str]:
    """Source keys a text cites in brackets that are not among `keys`.

    A bracket cites sources as "(koreri; taburapos-19113)" or "(tribun-ambon, page 2)". Glosses look
    alike ("(thousand)"), so a word counts as a key when its bracket also names a listed key, or when
    it is one letter or two away from a listed key (a misspelt key).
    """
    unknown: set[str] = set()
    for group in re.findall(r"\(([^()]*)\)", joined(body)):
        parts = [part.split(",")[0].strip() for part in group.split(";")]
        named = [part for part in parts if re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", part)]
        if any(part in keys for part in named):
            unknown |= {part for part in named if part not in keys}
        unknown |= {part for part in named if part not in keys and difflib.get_close_matches(part, keys, 1, 0.85)}
    return unknown


def test_every_key_cited_in_award_is_listed() -> None:
    unknown = unknown_keys(award_text().partition("\n## Sources")[0], set(source_rows()))
    assert not unknown, f"source keys cited in docs/award.md but not listed under Sources: {sorted(unknown)}"


def test_every_listed_source_is_cited_somewhere() -> None:
    """No orphan in the Sources table: each is cited by its key in docs/award.md or by its site elsewhere."""
    body = award_text().partition("\n## Sources")[0]
    elsewhere = {host for path in project_files() if path != AWARD
                 for host in cited_hosts(path.read_text(encoding="utf-8"))}
    orphans = [key for key, (_, address) in source_rows().items()
               if not re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", body)
               and not {site(m.group(1)) for m in HOST.finditer(address)} & elsewhere]
    assert not orphans, f"listed under Sources but cited nowhere: {orphans}"


def test_award_cites_only_its_own_sections() -> None:
    body = joined(award_text())
    numbers = [number.lower() for match in OWN_SECTION.finditer(body)
               for number in re.findall(SECTION_NUMBER, match.group(0), re.IGNORECASE)]
    assert numbers, "docs/award.md cites none of its own sections: the pattern no longer matches"
    assert set(numbers) <= award_sections(), sorted(set(numbers) - award_sections())


# ------------------------------------------------------------------ rubrics, examples, README.md, docs/


@pytest.mark.parametrize("path", project_files(), ids=shown)
def test_cited_sections_exist(path: Path) -> None:
    missing = sorted(set(cited_sections(joined(path.read_text(encoding="utf-8")))) - award_sections())
    assert not missing, f"{shown(path)} cites docs/award.md sections that do not exist: {missing}"


@pytest.mark.parametrize("path", project_files(), ids=shown)
def test_cited_sites_are_listed_sources(path: Path) -> None:
    """A rubric or example cites a page by its site; docs/award.md lists its publication, date and address.

    README.md and docs/ may also give a full https:// address of a page that is not about the award
    (a package's page, a JSON Schema draft): the address itself tells the reader where to go.
    """
    text = path.read_text(encoding="utf-8")
    in_library = path.relative_to(ROOT).parts[0] in {"rubrics", "examples"}
    full_addresses = {site(m.group(1)) for m in re.finditer(r"https://((?:[a-z0-9-]+\.)+[a-z]+)", text)}
    allowed = listed_sites() if in_library else listed_sites() | full_addresses
    unlisted = sorted(set(cited_hosts(text)) - allowed)
    assert not unlisted, f"{shown(path)} cites sites not listed under docs/award.md Sources: {unlisted}"


@pytest.mark.parametrize("path", project_files(), ids=shown)
def test_no_file_outside_the_repository(path: Path) -> None:
    outside = sorted(set(outside_paths(path, path.read_text(encoding="utf-8"))))
    assert not outside, f"{shown(path)} names files outside the repository: {outside}"


def test_not_in_award_is_said_only_of_what_award_lacks() -> None:
    """ "Not in docs/award.md" marks our own figures; a citation of a listed source never says it."""
    wrong = []
    for path in project_files():
        for citation in re.findall(r"\(([^()]*not in docs/award\.md[^()]*)\)", joined(path.read_text(encoding="utf-8"))):
            wrong += [f"{shown(path)}: {host}" for host in cited_hosts(citation) if host in listed_sites()]
    assert not wrong, wrong


# ------------------------------------------------------------------ the generated handbooks


def bundled_rubrics() -> list[Path]:
    return sorted((ROOT / "rubrics").rglob("*.rubric"))


@pytest.mark.parametrize("path", bundled_rubrics(), ids=shown)
def test_handbook_citations_resolve(path: Path) -> None:
    """The handbook repeats the rubric's sources and assumptions, in both languages: they must resolve there too."""
    rubric = pr.load(path)
    for lang in ("id", "en"):
        text = joined(handbook(rubric, lang))
        missing = sorted(set(cited_sections(text)) - award_sections())
        unlisted = sorted(set(cited_hosts(text)) - listed_sites())
        assert not missing, f"{lang} handbook of {shown(path)} cites missing sections: {missing}"
        assert not unlisted, f"{lang} handbook of {shown(path)} cites sites not listed under Sources: {unlisted}"


# ------------------------------------------------------------------ the checks themselves


def test_section_citations_are_found_in_every_form() -> None:
    text = joined("see docs/award.md sections 0 and 3.4, docs/award.md §1, §5 and `docs/award.md` §6;\n"
                  "# docs/award.md section 2, step 6 (docs/award.md section 9) docs/award.md the appendix")
    assert list(cited_sections(text)) == ["0", "3.4", "1", "5", "6", "2", "9"]


def test_hosts_are_found_bare_and_in_addresses() -> None:
    text = "(koreri.com 2024-02-26; https://www.medcom.id/x; amp.suara.com/bisnis) not kabupaten-kota.rubric"
    assert list(cited_hosts(text)) == ["koreri.com", "medcom.id", "suara.com"]


def test_paths_outside_the_repository_are_found() -> None:
    text = ("rubric: ../../rubrics/2024/ukm.rubric, see ../../../elsewhere/NOTES.md and /work/x.txt;\n"
            "as NOTES.md says (docs/award.md, README.md; `-o panduan-2026.md`)")
    found = list(outside_paths(ROOT / "examples" / "2024" / "ukm.yaml", text))
    assert found == ["../../../elsewhere/NOTES.md", "/work/x.txt", "NOTES.md"]


def test_unknown_keys_are_found_beside_known_ones_and_when_misspelt() -> None:
    keys = {"koreri", "kilasriau", "taburapos-19113"}
    body = "(koreri; tabura-post) (kilasriu) (thousand) (koreri, page 2) (kilasriau;\nsection 6)"
    assert unknown_keys(body, keys) == {"tabura-post", "kilasriu"}


def test_the_project_cites_sections_and_sites() -> None:
    """The patterns still find what the project writes: hundreds of section citations and sites."""
    texts = [joined(path.read_text(encoding="utf-8")) for path in project_files()]
    assert sum(len(list(cited_sections(text))) for text in texts) > 200
    assert sum(len(list(cited_hosts(text))) for text in texts) > 300
