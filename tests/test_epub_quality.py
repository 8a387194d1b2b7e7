"""The EPUB edition passes epubcheck and Ace by DAISY and declares what a published e-book must.

Ace runs Debian's Chromium (never a downloaded one); a missing checker fails the test.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import time
import zipfile
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, browser_turn, edition_fixture
from PIL import Image

from booktools import build, epub, language, meta

ACE = ROOT / "booktools" / "node" / "node_modules" / ".bin" / "ace-cli"


@cache
def package(epub_path: Path) -> BeautifulSoup:
    with zipfile.ZipFile(epub_path) as zf:
        return BeautifulSoup(zf.read("content.opf"), "xml")


def meta_values(opf: BeautifulSoup, prop: str) -> list[str]:
    return [m.get_text(strip=True) for m in opf.find_all("meta", attrs={"property": prop})]


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_epubcheck_reports_nothing(language, request):
    """Not even a warning or an info message: epubcheck's report on the EPUB is empty."""
    epubcheck_report = request.getfixturevalue(edition_fixture("epubcheck_report", language))
    messages = [f"{m['severity']} {m['ID']} {m['locations'][:1]}: {m['message']}"
                for m in epubcheck_report["messages"]]
    assert not messages, "\n".join(messages)
    assert epubcheck_report["checker"]["nFatal"] == epubcheck_report["checker"]["nError"] == 0


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_ace_finds_no_violations(language, request, tmp_path):
    epub_path = request.getfixturevalue(edition_fixture("epub_path", language))
    assert ACE.is_file(), f"{ACE} missing: run 'make setup'"
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1",
           "PUPPETEER_EXECUTABLE_PATH": "/usr/bin/chromium"}
    out = tmp_path / "ace"
    with browser_turn():  # Ace drives Chromium; about 25 s a book
        proc = subprocess.run(
            [str(ACE), "-E", "-s", "-o", str(out), "-f", str(epub_path)],
            capture_output=True, text=True, env=env, check=False, timeout=600,
        )
    report = json.loads((out / "report.json").read_text())
    found = [
        f"{a['earl:testSubject']['url']}: {b['earl:test']['dct:title']} "
        f"({b['earl:test']['earl:impact']})"
        for a in report["assertions"] for b in a["assertions"]
    ]
    assert proc.returncode == 0 and report["earl:result"]["earl:outcome"] == "pass", (
        "\n".join(found) or proc.stderr[-2000:]
    )


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("schema:accessMode", {"textual", "visual"}),
        ("schema:accessModeSufficient", {"textual"}),
        ("schema:accessibilityHazard", {"none"}),
        ("dcterms:conformsTo", {"EPUB Accessibility 1.1 - WCAG 2.1 Level AA"}),
    ],
)
def test_accessibility_metadata(epub_path, prop, expected):
    assert set(meta_values(package(epub_path), prop)) == expected


def test_accessibility_features_and_summary(epub_path):
    opf = package(epub_path)
    features = set(meta_values(opf, "schema:accessibilityFeature"))
    assert {"structuralNavigation", "tableOfContents", "alternativeText"} <= features
    (summary,) = meta_values(opf, "schema:accessibilitySummary")
    assert "WCAG 2.1 Level AA" in summary


def test_bibliographic_metadata(epub_path):
    opf = package(epub_path)
    titles = {t.get_text(): t["id"] for t in opf.find_all("title")}
    assert titles[meta.TITLE] == "title" and titles[meta.SUBTITLE] == "subtitle"
    assert opf.find("creator").get_text() == meta.AUTHOR
    assert opf.find("publisher").get_text() == meta.PUBLISHER
    assert opf.find("language").get_text() == "en"
    assert "CC BY-SA 4.0" in opf.find("rights").get_text()
    assert opf.find("description").get_text() == meta.DESCRIPTION
    assert [s.get_text() for s in opf.find_all("subject")] == epub.SUBJECTS
    uid = opf.find("package")["unique-identifier"]
    identifier = opf.find("identifier", id=uid).get_text()
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier)


def test_dates_come_from_the_last_commit(epub_path):
    opf = package(epub_path)
    epoch = int(build.source_date_epoch())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    assert opf.find("date").get_text() == stamp
    assert meta_values(opf, "dcterms:modified") == [stamp]


def test_cover_is_generated_png(epub_path):
    opf = package(epub_path)
    item = opf.find("item", properties="cover-image")
    assert item is not None, "no manifest item with properties='cover-image'"
    with zipfile.ZipFile(epub_path) as zf:
        image = Image.open(io.BytesIO(zf.read(item["href"])))
        assert image.format == "PNG" and image.size == (1400, 2100)
        cover_page = BeautifulSoup(zf.read("epub-cover.xhtml"), "html.parser")
    alt = cover_page.find("img")["alt"]
    assert meta.TITLE in alt


def test_spine_opens_with_cover_title_and_copyright(epub_path):
    opf = package(epub_path)
    hrefs = {i["id"]: i["href"] for i in opf.find_all("item")}
    spine = [hrefs[r["idref"]] for r in opf.find("spine").find_all("itemref")]
    assert spine[:4] == ["epub-cover.xhtml", "titlepage.xhtml", "copyright.xhtml", "index.xhtml"]
    assert len(spine) == len(set(spine)), "a page appears twice in the spine"


def test_navigation_has_landmarks(epub_path):
    with zipfile.ZipFile(epub_path) as zf:
        nav = BeautifulSoup(zf.read("nav.xhtml"), "html.parser")
    toc = nav.find("nav", attrs={"epub:type": "toc"})
    assert toc is not None and toc.get("role") == "doc-toc"
    landmarks = nav.find("nav", attrs={"epub:type": "landmarks"})
    assert landmarks is not None
    types = {a["epub:type"]: a["href"] for a in landmarks.find_all("a")}
    assert types["bodymatter"] == "01-war-and-takeover.xhtml"
    assert {"cover", "titlepage", "copyright-page", "toc", "index", "bibliography"} <= set(types)


def test_every_page_declares_its_language(epub_path):
    with zipfile.ZipFile(epub_path) as zf:
        for name in zf.namelist():
            if name.endswith(".xhtml"):
                head = zf.read(name).decode("utf-8")[:600]
                assert re.search(r'<html[^>]* lang="en" xml:lang="en"', head), name


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ("00-about-this-book.xhtml", "Magyar Kronológia"),  # a title of a work
        ("05-twenty-third-october.xhtml", "Szabad Nép"),  # a newspaper
        ("07-street-fighting.xhtml", "Corvin köz"),  # a place in its Hungarian form
    ],
)
def test_hungarian_is_marked(epub_path, page, words):
    with zipfile.ZipFile(epub_path) as zf:
        soup = BeautifulSoup(zf.read(page), "html.parser")
    marked = [s.get_text() for s in soup.find_all("span", attrs={"lang": "hu"})]
    assert words in marked, f"{words!r} not marked lang='hu' in {page}; marked: {marked[:10]}"
    assert all(s.get("xml:lang") == "hu" for s in soup.find_all("span", attrs={"lang": "hu"}))


def test_english_titles_are_not_marked_hungarian(epub_path):
    with zipfile.ZipFile(epub_path) as zf:
        soup = BeautifulSoup(zf.read("00-about-this-book.xhtml"), "html.parser")
    marked = {s.get_text() for s in soup.find_all("span", attrs={"lang": "hu"})}
    assert not marked & {"Failed Illusions", "The First Domino", "Daily Worker", "Twelve Days"}


@pytest.mark.parametrize(
    ("text", "hungarian"),
    [("Szabad Nép", True), ("Nemzeti dal", True), ("termelőszövetkezet", True),
     ("Failed Illusions", False), ("Pravda", False), ("Hungary 1956", False),
     # Accents alone do not make a title Hungarian: a function word of another language
     # outweighs them, except in a gloss in brackets.
     ("A Good Comrade: János Kádár, Communism and Hungary", False),
     ("Les chars soviétiques à Budapest", False),
     ("Gefängnisbriefe: Der Briefwechsel Tibor Dérys mit seiner Mutter", False),
     ("[Article on the reburial of László Rajk, 6 October 1956]", False),
     ("A szabadulás", True), ("Ahogy ‘56-ot Kádárék tanították", True),
     ("Magyar Kronológia: 1956. november 4. (the Uzhhorod broadcast)", True),
     ("Dokumentum (Október 23.)", True),
     ("[Study of Soviet policy and the removal of Rákosi, July 1956], page 6", False),
     ("Béla Király; Hungarian General Led 1956 Uprising Against Soviets", False)],
)
def test_italic_phrase_language(text, hungarian):
    assert language.is_hungarian_title(text) is hungarian


@pytest.mark.parametrize(
    ("text", "streets"),
    [("Facing Corvin köz the insurgents", ["Corvin köz"]),
     ("on Bródy Sándor utca and in Széna tér", ["Bródy Sándor utca", "Széna tér"]),
     ("The Kilián barracks stood", [])],
)
def test_street_names_found(text, streets):
    assert [text[a:b] for a, b in language.street_spans(text)] == streets


def test_stylesheet_leaves_colours_and_widths_to_the_reader(epub_path):
    with zipfile.ZipFile(epub_path) as zf:
        css = zf.read("_static/book.css").decode()
    body = re.search(r"body \{([^}]*)\}", css).group(1)
    assert "background" not in body and "color" not in body and "font-size" not in body
    assert not re.search(r"\bwidth:\s*\d+(px|em|pt)", css)
