"""Notes as a history book has them, the same in HTML, EPUB and PDF (issue 7).

Expected texts are computed from references.bib with the notes style, never copied
from a build: the tests check that each edition shows what the style produces.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from functools import cache

import pytest
from bs4 import BeautifulSoup
from conftest import BOOK, ROOT, citation_keys, squash
from pybtex.database import parse_file
from pypdf import PdfReader

from booktools.notes_style import NotesStyle, plain_text

ROLE = re.compile(r"\{footcite\}`([^`]+)`")
CHAPTER = BOOK / "05-twenty-third-october.md"


@cache
def entries():
    return parse_file(ROOT / "references.bib").entries


def note_keys(path):
    """The keys of each note in a chapter, in reading order (one note per role)."""
    notes = []
    for m in ROLE.finditer(path.read_text(encoding="utf-8")):
        notes.append(citation_keys(m.group(1)))
    return notes


def repeated_work(path):
    """(key, first note, later note) for a book the chapter cites twice.

    A book, so that the full note carries no URL, which the PDF may break across lines.
    """
    first: dict[str, int] = {}
    for number, keys in enumerate(note_keys(path), 1):
        for key in keys:
            if entries()[key].type != "book" or "url" in entries()[key].fields:
                continue
            if key in first:
                return key, first[key], number
            first[key] = number
    raise AssertionError(f"{path.name} cites no work twice")


def forms(key):
    style, entry = NotesStyle(), entries()[key]
    full = squash(plain_text(style.format_note(entry, short=False)))
    short = squash(plain_text(style.format_note(entry, short=True)))
    return full, short


def notes_in_markup(markup: bytes | str) -> list[str]:
    soup = BeautifulSoup(markup, "html.parser")
    return [squash(a.find("p").get_text("")) for a in soup.select("aside.footnote")]


def check_full_then_short(notes: list[str]) -> None:
    key, n1, n2 = repeated_work(CHAPTER)
    full, short = forms(key)
    assert len(notes) == len(note_keys(CHAPTER)), "one note per citation, in order"
    assert full in notes[n1 - 1], f"note {n1} should give the full form of {key}"
    assert full not in notes[n2 - 1] and short in notes[n2 - 1], (
        f"note {n2} should give the short form of {key}"
    )


def test_html_notes_full_then_short_with_links_both_ways(html_dir):
    page = (html_dir / f"{CHAPTER.stem}.html").read_text(encoding="utf-8")
    check_full_then_short(notes_in_markup(page))
    soup = BeautifulSoup(page, "html.parser")
    ref = soup.select_one("a.footnote-reference")
    target = soup.find(id=ref["href"].lstrip("#"))
    assert target is not None and "footnote" in target["class"]
    back = target.select_one('a[role="doc-backlink"]')
    assert back is not None and back["href"] == f"#{ref['id']}"


def test_epub_notes_full_then_short_and_pop_up_markup(epub_path):
    with zipfile.ZipFile(epub_path) as zf:
        xhtml = zf.read(f"{CHAPTER.stem}.xhtml").decode("utf-8")
    check_full_then_short(notes_in_markup(xhtml))
    soup = BeautifulSoup(xhtml, "html.parser")
    refs = soup.select("a.footnote-reference")
    notes = soup.select("aside.footnote")
    assert refs and all(
        r.get("epub:type") == "noteref" and r.get("role") == "doc-noteref" for r in refs
    )
    assert notes and all(
        n.get("epub:type") == "footnote" and n.get("role") == "doc-footnote" for n in notes
    )


def chapter_pages(pdf_path, title: str) -> tuple[int, int]:
    """First and last page (1-based) of a chapter, from the PDF's outline: it ends where the
    next entry at its own level or above begins (its sections do not end it)."""
    reader = PdfReader(pdf_path)
    flat: list[tuple[str, int, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                flat.append((item.title, reader.get_destination_page_number(item) + 1, depth))

    walk(reader.outline, 0)
    index = next(i for i, (t, _, _) in enumerate(flat) if t.endswith(title))
    _, page, depth = flat[index]
    later = [p for _, p, d in flat[index + 1:] if d <= depth and p > page]
    return page, (later[0] if later else len(reader.pages))


@pytest.mark.slow
def test_pdf_notes_full_then_short_at_page_foot(pdf_path):
    title = re.search(r"^# (.+)$", CHAPTER.read_text("utf-8"), re.M).group(1)
    first, last = chapter_pages(pdf_path, title)
    text = squash(subprocess.run(
        ["pdftotext", "-f", str(first), "-l", str(last), str(pdf_path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout)
    key, n1, n2 = repeated_work(CHAPTER)
    full, short = forms(key)
    assert full in text
    after_full = text[text.index(full) + len(full):]
    assert short in after_full, "a later note gives the short form"


def cited_keys() -> set[str]:
    """Works cited in the chapters and in the data files the back matter is built from."""
    from booktools.bibcheck import read_data_citations

    keys = {c.key for c in read_data_citations(BOOK / "data")}
    for path in BOOK.glob("*.md"):
        for note in note_keys(path):
            keys.update(note)
    return keys


def test_bibliography_lists_exactly_the_cited_works(html_dir):
    soup = BeautifulSoup((html_dir / "99-bibliography.html").read_text("utf-8"), "html.parser")
    items = [squash(li.get_text("")) for li in soup.select("section#bibliography ul li")]
    style = NotesStyle()
    further = {k for k, e in entries().items() if "further-reading" in e.fields.get("keywords", "")}
    expected = {
        squash(plain_text(style.format_bibliography(entries()[k])))
        for k in cited_keys() | further
    }
    assert set(items) == expected
    assert len(items) == len(expected), "no work listed twice"
    order = [e.key for e in style.sort(entries()[k] for k in cited_keys() | further)]
    rendered = [squash(plain_text(style.format_bibliography(entries()[k]))) for k in order]
    assert items == rendered, "sorted by author, or by title where there is none"


@pytest.mark.slow
def test_pdf_has_one_bibliography_heading(pdf_path):
    reader = PdfReader(pdf_path)
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    assert sum("Bibliography" in t for t in titles) == 1, titles
