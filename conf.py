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
language = "en"
root_doc = "index"
today_fmt = "%-d %B %Y"

# -- General -----------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "booktools.notes",
    "booktools.epub",  # EPUB builder, lang="hu" marking (booktools/epub.py)
]

# Warnings are errors (-W --keep-going -n are passed by booktools.build too).
nitpicky = True
numfig = True
exclude_patterns = ["_build", "**/.*", "data"]
templates_path: list[str] = []

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 0

# -- Citations ---------------------------------------------------------------

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "chicagonotes"  # booktools.notes_style, a pybtex plugin
bibtex_reference_style = "author_year"
bibtex_foot_reference_style = "foot"
bibtex_footcite_id = "note-{footbibliography_count}-{key}"
bibtex_footbibliography_id = "notes-{footbibliography_count}"

# -- HTML ----------------------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = meta.TITLE
html_static_path: list[str] = []
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "repository_url": meta.REPOSITORY_URL,
    "repository_branch": "main",
    "path_to_docs": "book",
    "use_repository_button": True,
    "use_edit_page_button": True,
    "use_issues_button": True,
    "use_download_button": False,
    "show_toc_level": 2,
}

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
    ("preface", "00-about-this-book.xhtml", "About This Book"),
    ("text", "01-war-and-takeover.xhtml", "Start of the Story"),
    ("glossary", "92-glossary.xhtml", "Glossary"),
    ("bibliography", "99-bibliography.xhtml", "Bibliography"),
    ("index", "genindex.xhtml", "Index"),
)

# -- LaTeX / PDF ---------------------------------------------------------------

latex_engine = "xelatex"
latex_documents = [
    (root_doc, f"{meta.BASENAME}.tex", meta.TITLE, meta.AUTHOR, "manual", True),
]
latex_toplevel_sectioning = "part"
latex_show_urls = "no"
latex_use_xindy = True
latex_elements = {
    "papersize": "a5paper",
    "pointsize": "10pt",
    "fontpkg": r"""
\setmainfont{Linux Libertine O}[Numbers=OldStyle]
\setsansfont{Linux Biolinum O}
\setmonofont{Linux Libertine Mono O}[Scale=0.9]
""",
    "preamble": r"""
% A missing glyph is an error, not an empty box (Hungarian ő and ű included).
\tracinglostchars=3
""",
    "babel": r"\usepackage{polyglossia}\setmainlanguage[variant=british]{english}",
    "printindex": r"\printindex",
}

# Reproducible output: dates come from SOURCE_DATE_EPOCH when it is set.
if "SOURCE_DATE_EPOCH" in os.environ:
    import datetime as _dt

    today = _dt.datetime.fromtimestamp(
        int(os.environ["SOURCE_DATE_EPOCH"]), tz=_dt.timezone.utc
    ).strftime("%-d %B %Y")
