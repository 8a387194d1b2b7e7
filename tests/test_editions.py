"""The three editions exist, hold every chapter, render citations and Hungarian names."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, chapters, epub_texts, html_text, pdf_text, squash
from pybtex.database import parse_file

from booktools.notes_style import NotesStyle

HUNGARIAN_NAMES = ["Petőfi", "Kádár", "Győr", "Rákosi", "Gerő"]


def first_cited_key(chapter_path) -> str | None:
    m = re.search(r"\{footcite\}`(?:\{[^}]*\})?([^`{},\s]+)", chapter_path.read_text("utf-8"))
    return m.group(1) if m else None


def expected_first_note(chapter_path) -> str:
    """The full note the style makes for the chapter's first citation, as plain text."""
    key = first_cited_key(chapter_path)
    if key is None:  # the bibliography page cites nothing
        return ""
    entry = parse_file(ROOT / "references.bib").entries[key]
    text = NotesStyle().format_note(entry, short=False).render_as("text")
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
    first = chapters()[1]  # chapter 01: its first note is a full note at a page foot
    assert expected_first_note(first.path) in text


@pytest.mark.slow
@pytest.mark.parametrize("name", HUNGARIAN_NAMES)
def test_pdf_extracts_hungarian_names_exactly(pdf_path, name):
    assert name in pdf_text(pdf_path)


@pytest.mark.parametrize("name", HUNGARIAN_NAMES)
def test_html_and_epub_keep_hungarian_names(html_dir, epub_path, name):
    assert any(name in html_text(p) for p in sorted(html_dir.glob("[0-9][0-9]-*.html")))
    assert any(name in t for t in epub_texts(epub_path).values())
