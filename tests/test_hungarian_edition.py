"""The Hungarian edition (issue 20): what it has that the English one has not.

The checks every edition passes (links, epubcheck, Ace, the Nu checker, axe,
reproducibility) run on the Hungarian files too, in their own modules; here are its
language, the switch between the languages, the sitemap, the Hungarian alphabet, the
interface strings and the notes.  Expected values come from booktools (meta, language,
collation, notes_style) and references.bib, never from a build.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest
from bs4 import BeautifulSoup
from conftest import BOOK, ROOT, citation_keys, conf_redirects, squash
from pybtex.database import parse_file

from booktools import collation, language, meta
from booktools.notes_style import NotesStyle, plain_text, set_language

HU = meta.identity("hu")
BASE = "https://hungary1956.github.io/book/"  # conf.py's html_baseurl
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def pages(site: Path, redirects: bool = False) -> list[str]:
    """The site's pages; the old addresses of moved chapters (conf.py's redirects) only
    when asked, as they are not pages of the book."""
    old = set() if redirects else {f"{name}.html" for name in conf_redirects()}
    return sorted(p.name for p in site.glob("*.html") if p.name not in old)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# -- HTML -----------------------------------------------------------------------------------

def test_the_sites_have_the_same_pages(html_dir, hu_html_dir):
    assert pages(hu_html_dir, redirects=True) == pages(html_dir, redirects=True)
    assert len(pages(hu_html_dir)) > 20


def test_every_hungarian_page_says_it_is_hungarian(hu_html_dir):
    wrong = []
    for name in pages(hu_html_dir, redirects=True):
        page = soup(hu_html_dir / name)
        moved = name in pages(hu_html_dir, redirects=True) and name not in pages(hu_html_dir)
        title = "Az oldal új helyre költözött" if moved else HU.title
        if page.html.get("lang") != "hu" or title not in page.title.get_text():
            wrong.append(f"{name}: lang={page.html.get('lang')!r} title={page.title.get_text()!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("here", "there"), [("en", "hu"), ("hu", "en")])
def test_every_page_links_to_the_same_page_in_the_other_language(
        html_dir, hu_html_dir, here, there):
    sites = {"en": html_dir, "hu": hu_html_dir}
    wrong = []
    for name in pages(sites[here]):
        if name == "404.html":
            continue  # linked by absolute path: tests/test_html_browser.py follows it
        links = soup(sites[here] / name).select(f"nav.bk-language-switch a[hreflang={there}]")
        target = (sites[here] / links[0]["href"]).resolve() if len(links) == 1 else None
        if target != (sites[there] / name).resolve() or not target.is_file():
            wrong.append(f"{here}/{name}: {[a.get('href') for a in links]}")
    assert not wrong, "\n".join(wrong)


def test_every_page_names_its_alternates(html_dir, hu_html_dir):
    wrong = []
    for site, prefix in ((html_dir, ""), (hu_html_dir, "hu/")):
        for name in pages(site):
            found = {link["hreflang"]: link["href"] for link in
                     soup(site / name).select('link[rel="alternate"][hreflang]')}
            expected = {"en": BASE + name, "hu": BASE + "hu/" + name, "x-default": BASE + name}
            if found != expected:
                wrong.append(f"{prefix}{name}: {found}")
    assert not wrong, "\n".join(wrong[:10])


def test_one_sitemap_lists_both_languages_with_alternates(html_dir, hu_html_dir):
    root = ElementTree.parse(html_dir / "sitemap.xml").getroot()
    urls = {u.findtext(f"{SITEMAP}loc"): {a.get("hreflang"): a.get("href")
                                          for a in u.findall(f"{XHTML}link")}
            for u in root.findall(f"{SITEMAP}url")}
    excluded = {"search.html", "genindex.html", "404.html"}  # conf.py: sitemap_excludes
    listed = [n for n in pages(html_dir) if n not in excluded]
    assert set(urls) == {BASE + n for n in listed} | {BASE + "hu/" + n for n in listed}
    for loc, alternates in urls.items():
        name = loc.rsplit("/", 1)[1]
        assert alternates == {"en": BASE + name, "hu": BASE + "hu/" + name}, loc
    robots = (html_dir / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_general_index_follows_the_hungarian_alphabet(hu_html_dir):
    page = soup(hu_html_dir / "genindex.html")
    groups = [h.get_text(strip=True) for h in page.select("h2")]
    assert "Cs" in groups and "Sz" in groups and "Ö" in groups, groups
    assert groups.index("C") < groups.index("Cs") < groups.index("D")
    assert groups.index("S") < groups.index("Sz") < groups.index("T")
    for table in page.select("table.indextable"):
        heading = table.find_previous("h2").get_text(strip=True)
        names = [squash(a.get_text()) for a in table.select("td > ul > li > a:first-child")]
        names = [n for n in names if not n.startswith("[")]
        assert names == sorted(names, key=collation.hungarian_key), heading
        if len(heading) <= 3 and heading not in ("Jelek",):
            wrong = [n for n in names if collation.initial(n) != heading]
            assert not wrong, f"{heading}: {wrong}"


@pytest.mark.parametrize("page", ["91-people.html", "92-glossary.html", "93-places.html"])
def test_lists_of_names_follow_the_hungarian_alphabet(hu_html_dir, page):
    lists = soup(hu_html_dir / page).select("dl")
    assert lists
    for dl in lists:
        names = [squash(dt.get_text()).rstrip("#").strip() for dt in dl.find_all("dt")]
        if len(names) > 1:
            assert names == sorted(names, key=collation.hungarian_key), names


def test_the_english_and_hungarian_alphabets_really_differ_on_these_pages(html_dir, hu_html_dir):
    """The Hungarian order is not the English order by accident: the people page has names
    the two alphabets file differently (Cs, Sz, Zs, long vowels)."""
    def names(site: Path) -> list[str]:
        return [squash(dt.get_text()) for dt in soup(site / "91-people.html").select("dt")]
    hu = names(hu_html_dir)
    assert hu != sorted(hu, key=lambda n: n.casefold())


def test_interface_in_hungarian(hu_html_dir):
    page = soup(hu_html_dir / "05-twenty-third-october.html")
    say = language.words("hu")
    assert say["download-tooltip"] in str(page), "the download menu is in Hungarian"
    downloads = [a["href"] for a in page.select("a[href*='_downloads/']")]
    assert len(downloads) == 2 and all(f"/{HU.basename}." in h for h in downloads), downloads
    assert page.select_one(".search-button__default-text").get_text(strip=True) == "Keresés"
    missing = soup(hu_html_dir / "404.html")
    assert missing.h1.get_text(strip=True) == say["not-found-title"]
    assert 'href="/book/hu/index.html"' in str(missing)


def test_no_apostrophe_becomes_a_hungarian_quotation_mark(hu_html_dir):
    """' is an apostrophe: Sphinx's Hungarian smart quotes made "Workers' councils" into
    "Workers» councils".  » opens an inner quotation (»…«), so it never follows a letter."""
    bad = []
    for name in pages(hu_html_dir):
        text = soup(hu_html_dir / name).get_text()
        bad += [f"{name}: …{m.group(0)}…" for m in re.finditer(r"\w+»", text)]
    assert not bad, "\n".join(bad[:10])


# -- Notes ------------------------------------------------------------------------------------

CHAPTER = BOOK / "10-central-workers-council.md"
ROLE = re.compile(r"\{footcite\}`([^`]+)`")


def test_hungarian_notes_computed_from_references_bib(hu_html_dir):
    """The chapter's notes: as many as the English, each giving the Hungarian forms of its
    works (full the first time, short after) that the notes style makes from references.bib."""
    entries = parse_file(ROOT / "references.bib").entries
    keys = [citation_keys(m.group(1)) for m in ROLE.finditer(CHAPTER.read_text(encoding="utf-8"))]
    notes = [squash(a.find("p").get_text("")) for a in
             soup(hu_html_dir / f"{CHAPTER.stem}.html").select("aside.footnote")]
    assert len(notes) == len(keys)
    style = NotesStyle()
    set_language("hu")
    try:
        seen: set[str] = set()
        checked_hungarian = 0
        for number, (note, cited) in enumerate(zip(notes, keys, strict=True), 1):
            for key in cited:
                form = squash(plain_text(style.format_note(entries[key], short=key in seen)))
                form = form.replace("'", "\u2019")  # the edition's apostrophe
                assert form in note, f"note {number}: {form!r} not in {note!r}"
                seen.add(key)
                checked_hungarian += entries[key].fields.get("langid") == "hungarian"
    finally:
        set_language("en")
    assert checked_hungarian > 10  # the Hungarian forms were really exercised


# -- EPUB -------------------------------------------------------------------------------------

def test_epub_is_hungarian(hu_epub_path, epub_path):
    with zipfile.ZipFile(hu_epub_path) as zf:
        opf = BeautifulSoup(zf.read("content.opf"), "xml")
        nav = BeautifulSoup(zf.read("nav.xhtml"), "html.parser")
        pages = [n for n in zf.namelist() if n.endswith(".xhtml")]
        langs = {n: BeautifulSoup(zf.read(n), "html.parser").html.get("lang") for n in pages}
    with zipfile.ZipFile(epub_path) as zf:
        english_id = BeautifulSoup(zf.read("content.opf"), "xml").find("dc:identifier").text
    assert opf.find("dc:language").text == "hu"
    assert opf.find("dc:title").text == HU.title
    assert opf.find("dc:identifier").text not in ("", english_id)  # an edition of its own
    summary = opf.find("meta", attrs={"property": "schema:accessibilitySummary"}).text
    assert summary == language.words("hu")["accessibility-summary"]
    say = language.words("hu")
    landmarks = [a.get_text(strip=True) for a in nav.select('nav[epub\\:type="landmarks"] a')]
    assert landmarks[:3] == [say["Cover"], say["Title Page"], say["Copyright"]], landmarks
    assert say["Index"] in landmarks and say["Glossary"] in landmarks
    assert nav.select_one("#landmarks-title").get_text(strip=True) == say["landmarks"]
    assert {n for n, lang in langs.items() if lang != "hu"} == set()


# -- PDF --------------------------------------------------------------------------------------

def test_pdf_is_hungarian_tagged_and_titled(hu_pdf_path):
    with pikepdf.open(hu_pdf_path) as pdf:
        assert str(pdf.Root.Lang).lower().startswith("hu")
        assert "/StructTreeRoot" in pdf.Root
        with pdf.open_metadata() as xmp:
            assert xmp.get("dc:title") == HU.title
    text = subprocess.run(["pdftotext", "-l", "8", str(hu_pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert HU.subtitle in text and "Tartalom" in text and "Kiadja:" in text
    opening = subprocess.run(["pdftotext", "-f", "9", "-l", "30", str(hu_pdf_path), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert re.search(r"^\f*1\. fejezet$", opening, re.M | re.I), "chapter 1's label in Hungarian"
    assert "chapter" not in opening.lower()
    last = subprocess.run(["pdftotext", "-f", "250", str(hu_pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Mutató" in last
    # the index files Cs after C: a "Cs" group heading stands before the first Cs entry
    assert re.search(r"^Cs$", last, re.M), "no Cs group in the index"


def test_pdf_index_keys_follow_the_hungarian_alphabet():
    from booktools.typst import index

    words = ["Czakó", "Csepel", "Cukor", "Dózsa", "Ózd", "Őrség", "Zugló", "Zsolt"]
    assert sorted(words, key=lambda w: index.sort_key(w, "hu")) == [
        "Cukor", "Czakó", "Csepel", "Dózsa", "Ózd", "Őrség", "Zugló", "Zsolt"]
    assert [index.group_letter(w, "hu") for w in ("Csepel", "Őrség", "1956")] == [
        "Cs", "Ö", "Számok"]
    assert index.group_letter("Csepel") == "C"  # the English edition files it under C


def test_an_english_build_after_a_hungarian_one_in_one_process_is_english():
    """`make` builds both languages in one process.  Sphinx caches each catalogue's
    translator for the process and adds a later build's language to it as a fallback, so
    without booktools.build.forget_translations the English edition came out with
    Hungarian titles and interface strings."""
    import sphinx.locale

    from booktools import build

    locales = [None, str(ROOT / "locales")]
    sphinx.locale.init(locales, "hu")
    assert sphinx.locale._("Search") == "Keresés"
    build.forget_translations()
    sphinx.locale.init(locales, "en")
    assert sphinx.locale._("Search") == "Search"
    build.forget_translations()


def test_figures_are_drawn_with_hungarian_labels(html_dir, hu_html_dir):
    """Each figure of the Hungarian site is its Hungarian drawing (NAME.hu.svg, which
    Sphinx's figure_language_filename picks), labelled from figures.po; the English site
    keeps the English drawings."""
    from babel.messages.pofile import read_po

    hu_images = {img["src"] for name in pages(hu_html_dir)
                 for img in soup(hu_html_dir / name).select("img[src*='_images/']")}
    en_images = {img["src"] for name in pages(html_dir)
                 for img in soup(html_dir / name).select("img[src*='_images/']")}
    figures = {src for src in hu_images if not src.endswith(".png")}
    assert figures and all(src.endswith(".hu.svg") for src in figures), sorted(hu_images)
    assert not any(".hu." in src for src in en_images)
    with (ROOT / "locales/hu/LC_MESSAGES/figures.po").open("rb") as f:
        labels = {m.id: m.string for m in read_po(f) if m.id}
    text = "".join((ROOT / "book/_figures" / f"{Path(src).stem}-text.svg").read_text(
        encoding="utf-8") for src in figures)
    for english in ("Bloody Thursday", "Parliament", "Slovakia", "23–24 October"):
        assert labels[english].upper() in text.upper() and english not in text, english
    assert "okt. 23." in text  # the chart's dates, in Hungarian


def test_translated_doctrees_hold_no_second_document(hu_html_dir):
    """Every node of a translated chapter's cached parse belongs to that chapter's document:
    a node still pointing at the parse of its message pickled that whole document along
    (booktools.language.AdoptTranslatedNodes), and the doctrees grew sevenfold."""
    import pickle

    from booktools.build import folders

    doctrees = sorted(folders("hu")[0].glob("*.doctree"))
    assert len(doctrees) > 20, doctrees
    foreign = {}
    for path in doctrees:
        document = pickle.loads(path.read_bytes())
        strays = [node for node in document.findall()
                  if node.__dict__.get("_document") not in (None, document)]
        if strays:
            foreign[path.name] = f"{len(strays)} nodes, e.g. {strays[0].__class__.__name__}"
    assert not foreign, foreign
