"""The HTML edition for hosts and contributors, checked on the built files (no browser)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, chapters, conf_redirects

from booktools import html as book_html
from booktools import meta

BASEURL = "https://hungary1956.github.io/book/"  # conf.py's html_baseurl
ICONS_CSS = ROOT / "booktools" / "_static" / "icons.css"
NOT_ICONS = {"fa-solid", "fa-regular", "fa-brands", "fa-lg", "fa-fw", "fa-xs", "fa-sm"}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_html_baseurl_is_set_once_in_conf():
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    assert conf.count(BASEURL) == 1, "html_baseurl should be the one place the site URL is written"


def test_html_sitemap_lists_every_reading_page(html_dir):
    tree = ET.parse(html_dir / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in tree.findall(".//s:loc", ns)}
    moved = {f"{old}.html" for old in conf_redirects()}
    pages = {p.name for p in html_dir.glob("*.html")} - {"search.html", "genindex.html", "404.html"}
    # Every language's pages (the Hungarian site has the same ones, under hu/).
    assert urls == {BASEURL + prefix + name for name in pages - moved
                    for prefix in ("", *(f"{lang}/" for lang in meta.LANGUAGES if lang != "en"))}


def test_html_old_chapter_addresses_send_the_reader_on(html_dir, epub_path):
    with zipfile.ZipFile(epub_path) as zf:
        in_epub = zf.namelist()
    redirects = conf_redirects()
    assert redirects
    for old, new in redirects.items():
        page = soup(html_dir / f"{old}.html")
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})
        assert refresh is not None and refresh["content"] == f"0; url={new}", old
        assert page.find("a", href=new), f"{old}.html: no link a reader can follow to {new}"
        assert (html_dir / new).is_file(), f"{old}.html sends readers to {new}, which is not built"
        assert 'http-equiv="refresh"' not in (html_dir / new).read_text(encoding="utf-8")
        assert not [n for n in in_epub if n.endswith(f"/{old}.xhtml")], f"{old} is in the EPUB"


def test_html_robots_txt_points_to_the_sitemap(html_dir):
    lines = (html_dir / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASEURL}sitemap.xml" in lines


@pytest.mark.parametrize("chapter", chapters(), ids=lambda c: c.path.stem)
def test_html_page_has_canonical_url_social_card_and_contributor_links(html_dir, chapter):
    name = f"{chapter.path.stem}.html"
    page = soup(html_dir / name)
    assert page.find("link", rel="canonical")["href"] == BASEURL + name
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:url"] == BASEURL + name
    assert og["og:title"] == chapter.title
    image = og["og:image"]
    assert image.startswith(BASEURL)
    assert (html_dir / image[len(BASEURL):]).is_file(), f"social image {image} not in the site"
    assert page.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    edit = page.select_one("a.btn-source-edit-button")["href"]
    assert edit == f"{meta.REPOSITORY_URL}/edit/main/book/{chapter.path.name}"
    assert page.select_one("a.btn-source-issues-button")["href"].startswith(
        f"{meta.REPOSITORY_URL}/issues/new?title="
    )
    assert re.search(r"Last updated on \d{1,2} [A-Z][a-z]+ \d{4}", page.get_text(" "))


def test_html_social_image_is_the_card_drawn_from_the_title(html_dir):
    from io import BytesIO

    from PIL import Image

    from booktools import cover

    page = soup(html_dir / "04-petofi-circle.html")
    image = page.find("meta", property="og:image")["content"]
    data = (html_dir / image[len(BASEURL):]).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    card = Image.open(BytesIO(data))
    assert card.size == (1200, 630)  # the size link previews expect
    assert card.tobytes() == cover.draw_social_card().tobytes()
    assert page.find("meta", property="og:image:alt")["content"].startswith("1956")


def test_html_404_page_uses_absolute_links(html_dir):
    page = soup(html_dir / "404.html")
    prefix = urlsplit(BASEURL).path
    for tag, attr in (("link", "href"), ("script", "src"), ("a", "href")):
        for el in page.find_all(tag, attrs={attr: True}):
            url = el[attr]
            if url.startswith(("#", "https://", "mailto:")):
                continue
            assert url.startswith(prefix), f"404.html: <{tag} {attr}={url!r}> is relative"


def test_html_404_page_stays_out_of_the_epub(epub_path):
    with zipfile.ZipFile(epub_path) as zf:
        names = zf.namelist()
    assert not [n for n in names if "404" in n or n.endswith(("robots.txt", "sitemap.xml"))]


def test_html_pages_load_nothing_from_other_hosts(html_dir):
    """Scripts, styles, images and fonts all come from the site itself (works from file://)."""
    offenders = []
    for path in sorted(html_dir.glob("*.html")):
        if path.name == "404.html":
            continue  # absolute paths on purpose, checked above
        page = soup(path)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"),
                          ("iframe", "src"), ("source", "src")):
            for el in page.find_all(tag, attrs={attr: True}):
                if tag == "link" and not {"stylesheet", "preload", "icon", "modulepreload"} & set(
                    el.get("rel", [])
                ):
                    continue
                if re.match(r"^(https?:)?//", el[attr]):
                    offenders.append(f"{path.name}: <{tag} {attr}={el[attr]}>")
    for css in (html_dir / "_static").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", css.read_text("utf-8")):
            offenders.append(f"{css.relative_to(html_dir)}: url({url})")
    assert not offenders, "\n".join(offenders)


def test_html_icons_css_draws_every_icon_the_pages_use(html_dir):
    """fontawesome.js is not loaded: an icon missing from icons.css would be blank."""
    css = ICONS_CSS.read_text(encoding="utf-8")
    used = set()
    for path in html_dir.glob("*.html"):
        for el in soup(path).select("[class*='fa-']"):
            used |= {c for c in el["class"] if c.startswith("fa-")} - NOT_ICONS
    missing = sorted(c for c in used if f".{c} {{" not in css)
    assert used and not missing, f"add {missing} to ICONS in booktools/icons.py and run it"
    for path in html_dir.glob("*.html"):
        assert "fontawesome.js" not in path.read_text(encoding="utf-8"), path.name


def test_html_icons_css_is_what_the_generator_writes():
    from booktools import icons

    assert ICONS_CSS.read_text(encoding="utf-8") == icons.css(), "run python -m booktools.icons"


def test_html_download_menu_offers_only_built_editions(tmp_path):
    """`make html` before any EPUB/PDF: the missing edition is left out, the other shown."""
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(b"%PDF" + b"x" * 2_345_678)

    config = SimpleNamespace(
        book_downloads=[("PDF", str(pdf)), ("EPUB", str(tmp_path / "missing.epub"))]
    )
    found = book_html.find_downloads(config)  # type: ignore[arg-type]
    assert [(d["label"], d["name"], d["size_text"]) for d in found] == [
        ("PDF", "book.pdf", "2.3 MB")
    ]


@pytest.mark.parametrize(("size", "text"), [(999, "1 kB"), (389_400, "389 kB"),
                                            (1_000_000, "1.0 MB"), (12_650_000, "12.7 MB")])
def test_html_download_sizes_read_as_readers_expect(size, text):
    assert book_html.human_size(size) == text

