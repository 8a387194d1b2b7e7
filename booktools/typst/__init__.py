"""The PDF edition, typeset with Typst: builder, translator, template and index.

``python -m booktools.build pdf`` runs the ``typst`` builder (:mod:`.builder`), which
writes the book as one Typst document with :mod:`.translator` and the book design in
``book.typ``, and compiles it in-process with the ``typst`` package.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.typing import ExtensionMetadata

from .builder import TypstPDFBuilder


def check_config(app: Sphinx) -> None:
    """Name the page a misspelt setting points to, rather than print a manual-like book."""
    if app.builder.name != TypstPDFBuilder.name:
        return
    config = app.config
    docs = {p.stem for p in Path(app.srcdir).glob("*.md")}
    named = [*config.book_frontmatter, config.book_mainmatter_start, config.book_backmatter_start]
    for name in named:
        if name and name not in docs:
            raise ConfigError(
                f"conf.py: book_frontmatter/book_mainmatter_start/book_backmatter_start names "
                f"{name!r}, which is not a page in {app.srcdir}: use a file name without '.md'"
            )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("book_paper", "6x9", "env", types=[str],
                         description="paper of the PDF: 6x9 (the trim), a4 or letter")
    app.add_config_value("book_frontmatter", [], "env", types=[list],
                         description="pages before the main matter (roman page numbers)")
    app.add_config_value("book_mainmatter_start", "", "env", types=[str],
                         description="the page the main matter (arabic numbers) starts at")
    app.add_config_value("book_backmatter_start", "", "env", types=[str],
                         description="the page the back matter starts at")
    app.add_builder(TypstPDFBuilder)
    app.connect("builder-inited", check_config)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
