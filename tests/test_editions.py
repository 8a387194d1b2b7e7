"""The three editions exist, hold every chapter, render citations and Hungarian names."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, chapters, citation_keys, epub_texts, html_text, pdf_text, squash
from pybtex.database import parse_file

from booktools.notes_style import NotesStyle, plain_text

HUNGARIAN_NAMES = ["Petőfi", "Kádár", "Győr", "Rákosi", "Gerő"]


def first_cited_key(chapter_path) -> str | None:
    m = re.search(r"\{footcite\}`([^`]*)`", chapter_path.read_text("utf-8"))
    return citation_keys(m.group(1))[0] if m else None


def expected_first_note(chapter_path) -> str:
    """The full note the style makes for the chapter's first citation, as plain text."""
    key = first_cited_key(chapter_path)
    if key is None:  # the bibliography page cites nothing
        return ""
    entry = parse_file(ROOT / "references.bib").entries[key]
    text = plain_text(NotesStyle().format_note(entry, short=False))
    return squash(text)


@pytest.mark.parametrize("chapter", chapters(), ids=lambda c: c.path.stem)
def test_html_has_chapter_title_and_first_note(html_dir, chapter):
    page = html_dir / f"{chapter.path.stem}.html"
    assert page.is_file(), f"missing page {page}"
    text = html_text(page)
    assert chapter.title in text
    assert expected_first_note(chapter.path) in text


def test_epub_has_every_chapter_and_notes(epub_path):
    texts = epub_texts(epub_path)
    for chapter in chapters():
        name = f"{chapter.path.stem}.xhtml"
        assert name in texts, f"{name} missing from the EPUB"
        assert chapter.title in texts[name]
        assert expected_first_note(chapter.path) in texts[name]


@pytest.mark.slow
def test_pdf_has_every_chapter_title_and_a_full_note(pdf_path):
    text = squash(pdf_text(pdf_path))
    for chapter in chapters():
        assert chapter.title in text, f"chapter title {chapter.title!r} not in the PDF"
    # Chapter 01's first book without a URL (a URL may break across lines in print): its
    # first note is the full form, at a page foot.
    bib = parse_file(ROOT / "references.bib").entries
    keys = [key for m in re.finditer(r"\{footcite\}`([^`]*)`",
                                     chapters()[1].path.read_text("utf-8"))
            for key in citation_keys(m.group(1))]
    book = next(k for k in keys if bib[k].type == "book" and "url" not in bib[k].fields)
    full = squash(plain_text(NotesStyle().format_note(bib[book], short=False)))
    assert full in text, full


@pytest.mark.slow
@pytest.mark.parametrize("name", HUNGARIAN_NAMES)
def test_pdf_extracts_hungarian_names_exactly(pdf_path, name):
    assert name in pdf_text(pdf_path)


@pytest.mark.parametrize("name", HUNGARIAN_NAMES)
def test_html_and_epub_keep_hungarian_names(html_dir, epub_path, name):
    assert any(name in html_text(p) for p in sorted(html_dir.glob("[0-9][0-9]-*.html")))
    assert any(name in t for t in epub_texts(epub_path).values())
