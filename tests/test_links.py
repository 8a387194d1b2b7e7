"""Link checks (booktools.linkcheck): every edition of the real book passes, each fault is named.

HTML: lychee (offline, fragments) and our own pass; EPUB: epubcheck and our pass over
its XHTML; PDF: pikepdf over link annotations, destinations and bookmarks.  The
external check runs against a local server here: the real one is ``make linkcheck``.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pikepdf
import pytest
from conftest import BOOK, ROOT, edition_fixture, make_project

from booktools import linkcheck, meta


def render(problems, base: Path = ROOT) -> list[str]:
    return [p.render(base) for p in problems]


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=project,
                          capture_output=True, text=True, check=False)


# -- the real book ---------------------------------------------------------------------

def test_real_book_images_exist():
    assert render(linkcheck.check_sources(BOOK)) == []


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_html_edition_links_and_fragments_resolve(language, request):
    site = request.getfixturevalue(edition_fixture("html_dir", language))
    assert render(linkcheck.check_html(site)) == []


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_epub_passes_epubcheck_and_its_fragments_resolve(language, request):
    epub = request.getfixturevalue(edition_fixture("epub_path", language))
    report = request.getfixturevalue(edition_fixture("epubcheck_report", language))
    assert render(linkcheck.check_epub(epub, report=report)) == []


@pytest.mark.slow
@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_pdf_links_resolve_and_outline_has_every_chapter(language, request):
    pdf = request.getfixturevalue(edition_fixture("pdf_path", language))
    titles = linkcheck.chapter_titles(BOOK, language)
    if language != "en":  # the titles are the translation's, not the English ones
        assert set(titles).isdisjoint(linkcheck.chapter_titles(BOOK)), titles
    problems = linkcheck.check_pdf(pdf, titles, len(linkcheck.source_images(BOOK)))
    assert render(problems) == []


# -- fixture books: the exact message a contributor sees ------------------------------

def test_fixture_dangling_cross_reference_fails_the_build_with_file_and_line(fault_build):
    _, proc = fault_build("dangling-cross-reference")
    assert proc.returncode == 1
    output = proc.stdout + proc.stderr
    assert "book/01-chapter.md:4: WARNING: undefined label: 'the-councils'" in output


def test_fixture_broken_fragment_fails_the_build_with_file_line_and_fix(fault_build):
    """A link to a fragment that does not exist is caught before any edition is published.

    Raw HTML links are refused (booktools.safety), so a contributor's broken fragment is a
    Markdown link, which MyST resolves at build time; the link checkers below prove, on
    planted faults, that a broken fragment in a built edition is caught as well.
    """
    _, build = fault_build("broken-fragment")
    assert build.returncode == 1
    lines = [ln for ln in build.stderr.splitlines() if "WARNING" in ln]
    assert len(lines) == 1, build.stderr  # line 8 links to a label that exists
    assert "book/01-chapter.md:7: WARNING: local id not found in doc '01-chapter': " \
        "'the-council'" in lines[0]
    assert "how to fix: the link's target does not exist" in build.stderr


def test_fixture_missing_image_is_named_before_the_build(tmp_path, fault_build):
    project = make_project(tmp_path, "missing-image")
    proc = run(project, "booktools.linkcheck", "sources")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        ('book/01-chapter.md:5: image "images/kossuth-square.png" not found (looked for '
        "book/images/kossuth-square.png); add the file, or correct the path (relative to "
        "the chapter) [book.missing-image]")
    ]
    _, build = fault_build("missing-image")
    assert build.returncode == 1
    assert "book/01-chapter.md:5: WARNING: image file not readable" in build.stderr


# -- the checkers catch what they claim to catch ---------------------------------------

def test_html_check_catches_missing_file_fragment_and_image(tmp_path):
    site = tmp_path / "html"
    site.mkdir()
    (site / "a.html").write_text(
        '<html><body><p id="here">x</p>\n<a href="b.html#there">ok</a>\n'
        '<a href="b.html#nowhere">bad fragment</a>\n<a href="#here">ok</a>\n'
        '<a href="c.html">missing page</a>\n<img src="missing.png" alt="">\n</body></html>')
    (site / "b.html").write_text('<html><body><h1 id="there">t</h1></body></html>')
    ours = linkcheck.internal_problems(site, tmp_path / "book", (".html",))
    assert [(p.line, p.message.split(":")[0]) for p in ours] == [
        (3, 'link "b.html#nowhere" in a.html'),
        (5, ('link "c.html" in a.html leads to a missing file (c.html); correct the path, '
            "or add the file")),
        (6, ('link "missing.png" in a.html leads to a missing file (missing.png); correct '
            "the path, or add the file")),
    ]
    lychee = linkcheck.lychee_problems(site, tmp_path / "book")
    assert sorted(p.line for p in lychee) == [3, 5, 6]


def tiny_epub(path: Path, body: str) -> Path:
    """A valid one-chapter EPUB 3 whose chapter body is *body*: epubcheck reads it in a
    second or two, where the whole book takes half a minute."""
    import zipfile

    opf = (
        '<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" '
        'version="3.0" unique-identifier="id" xml:lang="en"><metadata '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:'
        "9a2c3d4e-1f00-4b5a-8c6d-7e8f90a1b2c3</dc:identifier><dc:title>Tiny</dc:title>"
        '<dc:language>en</dc:language><meta property="dcterms:modified">2026-01-01T00:00:00Z'
        '</meta></metadata><manifest><item id="nav" href="nav.xhtml" '
        'media-type="application/xhtml+xml" properties="nav"/><item id="c" href="chapter.xhtml" '
        'media-type="application/xhtml+xml"/></manifest><spine><itemref idref="c"/></spine>'
        "</package>")
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html '
            'xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
            'xml:lang="en" lang="en"><head><title>{title}</title></head><body>{body}</body></html>')
    nav = '<nav epub:type="toc"><ol><li><a href="chapter.xhtml">Chapter</a></li></ol></nav>'
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", (
            '<?xml version="1.0"?>\n<container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
            'full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>"))
        zf.writestr("EPUB/content.opf", opf)
        zf.writestr("EPUB/nav.xhtml", page.format(title="Contents", body=nav))
        zf.writestr("EPUB/chapter.xhtml", page.format(title="Chapter", body=body))
    return path


def test_epubcheck_reports_an_invalid_epub(tmp_path):
    good = tiny_epub(tmp_path / "good.epub", '<p id="p1"><a href="#p1">here</a></p>')
    assert render(linkcheck.check_epub(good), tmp_path) == []  # the tiny EPUB itself is valid
    broken = tiny_epub(tmp_path / "broken.epub", '<p><a href="nowhere.xhtml">x</a></p>')
    messages = render(linkcheck.check_epub(broken), tmp_path)
    assert any("epubcheck ERROR RSC-007" in m for m in messages), messages
    assert any('link "nowhere.xhtml" in' in m for m in messages), messages


def test_pdf_check_catches_missing_destination_and_bookmark(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    pdf.Root.Names = pikepdf.Dictionary(
        Dests=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("chapter.1"),
                                                      pikepdf.Array([pdf.pages[1].obj])])))
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                              Rect=[0, 0, 10, 10], Dest=pikepdf.String("chapter.9"))
    good = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                              Rect=[0, 0, 10, 10], Dest=pikepdf.String("chapter.1"))
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([link, good]))
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("1 The Rákosi Years", 1))
    path = tmp_path / "book.pdf"
    pdf.save(path)

    messages = render(linkcheck.check_pdf(path, ["The Rákosi Years", "Legacy"], images=1),
                      tmp_path)
    assert messages == [
        ("book.pdf:1: link on page 1 leads to a missing destination chapter.9; a link "
        "of the PDF's Typst source (booktools/typst) has no target [book.pdf-link]"),
        ('book.pdf:0: the PDF outline (bookmarks) has no entry for chapter "Legacy"; is the '
        "chapter in a toctree, with a '# ' title? [book.pdf-link]"),
        ("book.pdf:0: the chapters name 1 image(s) but the PDF holds 0; an image did not "
        "reach the PDF (see _build/.work/pdf/typst-warnings.log) [book.pdf-images]"),
    ]


class _Server(http.server.BaseHTTPRequestHandler):
    """Answers /good with 200 and everything else with 404."""

    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/good" else 404)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>page</body></html>")

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_external_check_names_the_dead_link_on_a_local_server(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        site = tmp_path / "html"
        site.mkdir()
        (site / "01-chapter.html").write_text(
            f'<html><body>\n<a href="{base}/good">good</a>\n<a href="{base}/dead">dead</a>\n'
            "</body></html>")
        problems = linkcheck.check_external(site, tmp_path / "book")
    finally:
        server.shutdown()
    messages = render(problems, tmp_path)
    assert len(messages) == 1, messages
    assert messages[0].startswith(f"html/01-chapter.html:3: lychee: {base}/dead: ")
    assert "404" in messages[0]
