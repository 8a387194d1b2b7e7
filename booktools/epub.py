"""The EPUB edition to the Standard Ebooks bar: valid, accessible and byte-reproducible.

Sphinx's EPUB 3 builder leaves out what epubcheck's peers and Ace by DAISY ask of a published
e-book, so this extension replaces it with a subclass that adds:

* full package metadata (subtitle, subjects, licence, source) and the EPUB Accessibility 1.1
  metadata (``schema:accessMode`` and the rest, ``dcterms:conformsTo``);
* a cover generated from the title (``booktools.cover``), a title page and a copyright page;
* a navigation document with DPUB-ARIA roles and landmarks;
* ``lang``/``xml:lang`` on every page (the Hungarian spans inside it are marked by
  booktools.language, for every edition);
* a zip written in a fixed order with fixed times, so two builds of one commit are identical.
"""

from __future__ import annotations

import html
import re
import time
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.html5 import HTML5Translator

from . import cover, meta
from .language import words

HERE = Path(__file__).resolve().parent
COVER_IMAGE = "_static/cover.png"
LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
SUBJECTS = [
    "Hungary -- History -- Revolution, 1956",
    "Workers' councils -- Hungary",
    "Hungary -- Politics and government -- 1945-1989",
    "Cold War",
]
# EPUB landmarks (epub:type) for the EPUB 2 guide types Sphinx's ``epub_guide`` uses.
LANDMARK_TYPES = {
    "cover": "cover", "title-page": "titlepage", "copyright-page": "copyright-page",
    "toc": "toc", "preface": "preface", "text": "bodymatter", "glossary": "glossary",
    "bibliography": "bibliography", "index": "index",
}

# -- The EPUB builder and translator ----------------------------------------------------------


class BookEpubTranslator(HTML5Translator):
    """All the EPUB's own markup: notes as e-readers' pop-ups, and the ARIA Ace asks for on
    toctree captions.

    Sphinx marks notes with ARIA roles only (``doc-noteref``, ``doc-footnote``); Apple
    Books, Kobo and others look for ``epub:type`` (EPUB 3 Structural Semantics).  Both are
    kept, as the EPUB Accessibility guidelines advise.  The notes' text is the same as the
    website's and the PDF's (booktools.notes).
    """

    def visit_footnote_reference(self, node: nodes.Element) -> None:
        super().visit_footnote_reference(node)
        # docutils appends the <a> start tag, then the opening bracket.
        for i in range(len(self.body) - 1, max(len(self.body) - 4, -1), -1):
            if 'role="doc-noteref"' in self.body[i]:
                self.body[i] = self.body[i].replace(
                    'role="doc-noteref"', 'epub:type="noteref" role="doc-noteref"', 1
                )
                break

    def visit_footnote(self, node: nodes.footnote) -> None:
        super().visit_footnote(node)
        self.body[-1] = self.body[-1].replace(
            'role="doc-footnote"', 'epub:type="footnote" role="doc-footnote"', 1
        )

    def visit_title(self, node: nodes.title) -> None:
        super().visit_title(node)
        # A toctree caption is '<p class="caption" role="heading">': give it its level.
        for i in range(len(self.body) - 1, max(len(self.body) - 3, -1), -1):
            if 'role="heading"' in self.body[i] and "aria-level" not in self.body[i]:
                self.body[i] = self.body[i].replace(
                    'role="heading"', 'role="heading" aria-level="2"'
                )
                break


class BookEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder with full metadata, landmarks and a reproducible zip."""

    # Sphinx types it as its private _StrPath (a Path that also acts as a str); it is only
    # joined with "/", which a Path does.
    template_dir = HERE / "epub_templates"  # type: ignore[assignment]

    def init(self) -> None:
        super().init()
        lang = html.escape(self.config.epub_language)
        self.html_tag = (
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">'
        )

    def build_date(self) -> time.struct_time:
        return meta.build_time()

    def content_metadata(self) -> dict[str, Any]:

        metadata = super().content_metadata()
        esc = html.escape
        ident = meta.identity(self.config.language)
        metadata.update(
            subtitle=esc(ident.subtitle),
            subjects=[esc(s) for s in SUBJECTS],
            license_url=esc(LICENSE_URL),
            source_url=esc(meta.REPOSITORY_URL),
            access_modes=["textual", "visual"],
            access_modes_sufficient=["textual"],
            accessibility_features=[
                "structuralNavigation", "tableOfContents", "readingOrder", "alternativeText",
                "index", "displayTransformability", "unlocked",
            ],
            accessibility_hazards=["none"],
            accessibility_summary=esc(words(self.config.language)["accessibility-summary"]),
            conforms_to="EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
            certified_by=esc(ident.publisher),
        )
        return metadata

    def build_content(self) -> None:
        # A cover page left in the work folder by the last build would be listed twice in
        # the spine (Sphinx adds it as a stray page, then again as the cover): start afresh.
        (self.outdir / self.coverpage_name).unlink(missing_ok=True)
        # Guide entries name pages of the real book; a smaller book (a test fixture, the
        # benchmark's tiny book) keeps only those it has.
        self.config.epub_guide = tuple(
            g for g in self.config.epub_guide if (self.outdir / g[1]).is_file()
        )
        super().build_content()
        # Landmarks come from the same list as the OPF guide, mapped to EPUB 3 types.
        guides = [(g, u, t) for g, u, t in self.config.epub_guide]
        if self.config.epub_cover and self.config.epub_cover[1]:
            cover_title = words(self.config.language).get("Cover", self.guide_titles["cover"])
            guides.insert(0, ("cover", self.coverpage_name, cover_title))
        self.landmarks = [
            {"type": LANDMARK_TYPES[g], "uri": html.escape(u), "title": html.escape(t)}
            for g, u, t in guides
        ]

    def navigation_doc_metadata(self, navlist: list[Any]) -> dict[str, Any]:
        metadata = super().navigation_doc_metadata(navlist)
        metadata["landmarks"] = getattr(self, "landmarks", [])
        metadata["landmarks_title"] = words(self.config.language)["landmarks"]
        metadata["stylesheets"] = ["_static/epub.css", "_static/book.css"]
        return metadata

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        # toc.ncx's dtb:uid must equal the package identifier's text (epubcheck NCX-001);
        # Sphinx writes the XML id there, which forbids a urn:uuid identifier.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def build_epub(self) -> None:
        """Write the zip: mimetype first and stored, then sorted names, fixed times."""
        stamp = self.build_date()[:6]
        stamp = max(stamp, (1980, 1, 1, 0, 0, 0))  # the earliest time a zip can hold
        first = ["META-INF/container.xml", "content.opf", "toc.ncx"]
        rest = sorted(set(self.files) - set(first))
        target = self.outdir / f"{self.config.epub_basename}.epub"
        with zipfile.ZipFile(target, "w") as epub:
            for name in ["mimetype", *first, *rest]:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.external_attr = 0o644 << 16
                info.create_system = 3  # Unix, whatever the build machine
                method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                info.compress_type = method
                epub.writestr(info, (self.outdir / name).read_bytes(), compress_type=method)


# -- Extra pages and the cover ----------------------------------------------------------------


def page_context(app: Sphinx) -> dict[str, Any]:
    """What the cover, title and copyright templates print, in the edition's language."""
    import datetime

    from babel.dates import format_date

    from .language import words

    when = meta.build_time()
    language = app.config.language or "en"
    ident = meta.identity(language)
    day = datetime.date(when.tm_year, when.tm_mon, when.tm_mday)
    date = (format_date(day, format="long", locale="hu") if language == "hu"
            else f"{when.tm_mday} {time.strftime('%B %Y', when)}")
    subtitle = ident.subtitle.replace("'", "\u2019")
    say = words(language)
    link = f'<a href="{html.escape(LICENSE_URL)}">CC BY-SA 4.0</a>'
    source = f'<a href="{html.escape(meta.REPOSITORY_URL)}">{html.escape(meta.REPOSITORY_URL)}</a>'
    esc = html.escape
    return {
        "book_title": ident.title, "book_subtitle": subtitle,
        "book_author": ident.author, "book_publisher": ident.publisher, "book_year": meta.YEAR,
        "book_version": meta.VERSION, "book_identifier": app.config.epub_identifier,
        "book_date": date, "license_url": LICENSE_URL, "source_url": meta.REPOSITORY_URL,
        "accessibility_summary": say["accessibility-summary"],
        # The pages' sentences, escaped here; the links in them are markup.
        "say_title_page": say["title-page"],
        "say_copyright_heading": say["copyright-heading"],
        "say_edition": esc(say["edition"].format(work="{work}", version=meta.VERSION,
                                                 date=date)).replace(
            "{work}", f"<cite>{esc(ident.title)}: {esc(subtitle)}</cite>"),
        "say_copyright_line": esc(say["copyright-line"].format(
            year=meta.YEAR, author=ident.author, publisher=ident.publisher)),
        "say_licence": esc(say["licence"]).replace("{link}", link),
        "say_source": esc(say["source"]).replace("{link}", source),
        "say_identifier": esc(say["identifier"].format(identifier=app.config.epub_identifier)),
        "say_colophon": esc(say["colophon"]),
        "say_cover_alt": say["cover-alt"].format(title=ident.title, subtitle=subtitle,
                                                 author=ident.author),
    }


def collect_pages(app: Sphinx) -> Any:
    """Render the title and copyright pages (EPUB only), and draw the cover."""
    if app.builder.name != "epub":
        return []
    cover.write_cover(Path(app.outdir) / COVER_IMAGE, app.config.language or "en")
    ctx = page_context(app)
    return [
        ("titlepage", {**ctx, "title": ctx["say_title_page"]}, "titlepage.html"),
        ("copyright", {**ctx, "title": words(app.config.language).get("Copyright", "Copyright")},
         "copyright.html"),
    ]


def add_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: Any) -> None:
    """The cover page's template needs the title for its image description.

    Pages carry no per-page date from git (sphinx-last-updated-by-git, loaded for the
    website): the EPUB's one date is the package's, from SOURCE_DATE_EPOCH, so the file
    is the same whether it is built in a git checkout or from a copy of the sources.
    """
    if app.builder.name != "epub":
        return
    if templatename == "epub-cover.html":
        context.update(page_context(app))
    context["last_updated"] = None
    context["metatags"] = re.sub(
        r'\s*<meta property="article:modified_time"[^>]*/>', "", context.get("metatags", "")
    ).rstrip()


def _use_epub_translator(app: Sphinx) -> None:
    if app.builder.name == "epub":
        app.set_translator("epub", BookEpubTranslator, override=True)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_builder(BookEpubBuilder, override=True)
    # Registered only when the EPUB is built: a translator registered for any builder makes
    # pydata-sphinx-theme wrap only the registered ones, and the website would lose the
    # theme's own HTML (aria-level on captions among it).  Before the theme's handler.
    app.connect("builder-inited", _use_epub_translator, priority=300)
    app.add_html_theme("book-epub", str(HERE / "epub_theme"))
    app.connect("html-collect-pages", collect_pages)
    # After sphinx-last-updated-by-git's handler (priority 500), which adds the dates.
    app.connect("html-page-context", add_page_context, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
