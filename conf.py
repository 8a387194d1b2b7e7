"""Sphinx configuration for *1956: The Hungarian Revolution*.

Built with ``sphinx-build -c . book OUT`` (see ``booktools/build.py``), so paths
below resolve from this folder, the repository's top level.  One file, one
section per edition, in the manner of CPython's ``Doc/conf.py``.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from booktools import meta  # noqa: E402  (needs the path above)

# -- Project -----------------------------------------------------------------

project = meta.TITLE
author = meta.AUTHOR
copyright = f"{meta.YEAR}, {meta.AUTHOR}. Text CC BY-SA 4.0"
version = meta.VERSION
release = meta.VERSION
language = "en"  # `-D language=hu` (make ... LANG=hu) builds the Hungarian edition
root_doc = "index"

# -- General -----------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "booktools.notes",
    "booktools.bibliography",  # the bibliography page's filter in linear time
    "booktools.safety",  # no raw HTML, file insertion or javascript:/data: URLs
    "booktools.hints",  # how-to-fix hints; unclosed fences and roles
    "booktools.figures",  # map and timeline chart, drawn from book/data/
    "booktools.backmatter",  # timeline, people, places, glossary from book/data/
    "booktools.incremental",  # a changed title or label rewrites every page that shows it
    "booktools.prune",  # no page or image of a removed document survives into _build/
    "booktools.language",  # lang="hu" on Hungarian titles, terms and streets (all editions)
    "booktools.epub",  # the EPUB builder and its translator (booktools/epub.py)
    "booktools.typst",  # the PDF edition, typeset with Typst (booktools/typst/)
    # The HTML edition for readers and hosts (see the HTML section below).
    "booktools.html",
    "booktools.redirects",  # old chapter addresses send readers on (HTML only)
    "booktools.alternates",  # the language switch, hreflang and both languages' sitemap
    "sphinx_sitemap",
    "notfound.extension",
    "sphinxext.opengraph",
]

# A change to the local extensions invalidates the cached parse (see booktools.notes).
booktools_fingerprint = meta.source_fingerprint()

# Warnings are errors (-W --keep-going -n are passed by booktools.build too).
nitpicky = True
numfig = True
exclude_patterns = ["_build", "**/.*", "data"]
templates_path = ["booktools/_templates"]  # HTML theme overrides (booktools.html)

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 0

# -- Translations --------------------------------------------------------------
# The English text is the source; the Hungarian edition is built from the gettext catalogues
# in locales/hu/LC_MESSAGES/ (one per chapter), kept in step by `make translations`
# (booktools.translation, which also says what is untranslated or fuzzy).

locale_dirs = ["../locales"]  # relative to book/
gettext_compact = False  # one catalogue per chapter, so translators work chapter by chapter
gettext_location = False  # no file:line comments: an edit above a paragraph changes nothing
gettext_uuid = False
# Alt text of figures and images is extracted with the paragraphs (Sphinx does so by default).

# -- Citations ---------------------------------------------------------------

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "chicagonotes"  # booktools.notes_style, a pybtex plugin
bibtex_reference_style = "author_year"
bibtex_foot_reference_style = "foot"
bibtex_footcite_id = "note-{footbibliography_count}-{key}"
bibtex_footbibliography_id = "notes-{footbibliography_count}"

# -- HTML ----------------------------------------------------------------------

# Where the site is published: the one setting for canonical URLs, sitemap.xml, robots.txt,
# OpenGraph URLs and the 404 page's links.  Change it when the site moves.
html_baseurl = "https://hungary1956.github.io/book/"

html_theme = "sphinx_book_theme"
html_title = meta.TITLE
html_static_path: list[str] = []  # booktools.html adds booktools/_static (not to the EPUB)
# "Last updated" dates from git (sphinx-last-updated-by-git). Outside a git checkout (a
# source tarball, a copied folder) it can only warn, which fails the strict build: there
# the pages simply show no date (not the build date, which would mislead).
html_last_updated_fmt: str | None = None
if (ROOT / ".git").exists():
    extensions.append("sphinx_last_updated_by_git")
    html_last_updated_fmt = "%-d %B %Y"
html_copy_source = False
html_show_sourcelink = False
html_show_sphinx = False
# sphinx-book-theme's sidebar, with the title in a labelled region (booktools/_templates).
html_sidebars = {
    "**": ["sidebar-title.html", "language-switch.html", "icon-links.html",
           "search-button-field.html",
           "sbt-sidebar-nav.html"],
}
html_theme_options = {
    "repository_url": meta.REPOSITORY_URL,
    "repository_branch": "main",
    "path_to_docs": "book",
    "use_repository_button": True,
    "use_edit_page_button": True,
    "use_issues_button": True,
    "use_download_button": False,  # prints one page only; booktools.html offers the book
    "show_toc_level": 2,
    # pydata-sphinx-theme puts a second search field in the header bar above the layout
    # when this is unset (wide screens: two fields side by side); the sidebar has one.
    "navbar_persistent": [],
}
# The colour mode the theme starts in: "auto" follows the reader's system setting, as the
# theme did before, but unset it reached the page as "" and every page logged
# "Got invalid theme mode" to the browser console.
html_context = {"default_mode": "auto"}
# The whole-book downloads linked from every page (booktools.html); `make` builds them first.
book_downloads = [
    ("PDF", str(ROOT / "_build" / "pdf" / f"{meta.BASENAME}.pdf")),
    ("EPUB", str(ROOT / "_build" / "epub" / f"{meta.BASENAME}.epub")),
]

# sitemap.xml (sphinx-sitemap): one URL per page, from html_baseurl.
sitemap_url_scheme = "{link}"
sitemap_excludes = ["search.html", "genindex.html", "404.html"]

# Chapters that moved: the old address sends the reader on (booktools.redirects). A
# published link never breaks; add a line here whenever a chapter file is renamed.
redirects = {
    "11-repression": "12-repression.html",
    "12-legacy": "13-legacy.html",
}

# 404 page (sphinx-notfound-page): absolute links, so it works at any depth of the site.
notfound_urls_prefix = "/" + html_baseurl.split("://", 1)[1].split("/", 1)[1]
notfound_context = {
    "title": "Page not found",
    "pagetitle": "Page not found",  # the theme's print header; empty, it fails axe-core
    "body": (
        "<h1>Page not found</h1>\n<p>There is no page at this address. Start again from the "
        f'<a href="{notfound_urls_prefix}index.html">table of contents</a> or search the book.</p>'
    ),
}

# OpenGraph and Twitter cards (sphinxext-opengraph) with one image for the whole book,
# drawn from its title by booktools.cover when the site is built (booktools.html).
# Per-page cards (matplotlib, sphinxext-opengraph's own) cost 3.4 s of a 15 s build.
ogp_site_url = html_baseurl
ogp_site_name = meta.TITLE
ogp_description_length = 200
ogp_image = f"{html_baseurl}_images/social-card.png"
ogp_image_alt = f"{meta.TITLE}: {meta.SUBTITLE}"
ogp_social_cards = {"enable": False}
# A large preview on sites that read Twitter's card tags (the extension adds it only with
# its own per-page cards).
ogp_custom_meta_tags = ['<meta name="twitter:card" content="summary_large_image" />']
ogp_enable_meta_description = True

# -- EPUB ----------------------------------------------------------------------

epub_basename = meta.BASENAME
epub_theme = "book-epub"  # booktools/epub_theme: cover, title and copyright pages, book.css
epub_title = meta.TITLE
epub_author = meta.AUTHOR
epub_publisher = meta.PUBLISHER
epub_copyright = copyright
# A stable, unique identifier: a name-based UUID of the repository's address.  The package
# document's id for it is "bookid" (booktools.epub writes the UUID into toc.ncx as well).
epub_identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, meta.REPOSITORY_URL)}"
epub_uid = "bookid"
epub_scheme = "URL"
epub_description = meta.DESCRIPTION
epub_show_urls = "no"
epub_use_index = True
epub_tocdepth = 2
# Sphinx keeps .buildinfo.bak in the work folder when the configuration changed: not a book file.
epub_exclude_files = [".buildinfo.bak"]
epub_cover = ("_static/cover.png", "epub-cover.html")  # drawn by booktools.cover
epub_pre_files = [("titlepage.xhtml", "Title Page"), ("copyright.xhtml", "Copyright")]
# The OPF guide, and the landmarks of the navigation document (booktools.epub maps the types).
epub_guide = (
    ("title-page", "titlepage.xhtml", "Title Page"),
    ("copyright-page", "copyright.xhtml", "Copyright"),
    ("toc", "index.xhtml", "Table of Contents"),
    ("preface", "00-about-this-book.xhtml", "Introduction"),
    ("text", "01-war-and-takeover.xhtml", "Start of the Story"),
    ("glossary", "92-glossary.xhtml", "Glossary"),
    ("bibliography", "99-bibliography.xhtml", "Bibliography"),
    ("index", "genindex.xhtml", "Index"),
)

# -- PDF -----------------------------------------------------------------------
# A book, typeset with Typst: booktools/typst/ holds the builder, the translator and the
# design (book.typ).  The trim is 6 x 9 in; BOOK_PAPER=a4 or BOOK_PAPER=letter (make pdf-a4)
# prints on office paper.  Dates come from SOURCE_DATE_EPOCH (set by booktools.build).

book_paper = os.environ.get("BOOK_PAPER", "6x9")
book_frontmatter = ["00-about-this-book"]
book_mainmatter_start = "part-1-before-october"
book_backmatter_start = "part-4-reference"

