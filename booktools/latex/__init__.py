"""The printed edition as a book: front matter, main matter and back matter.

Sphinx turns every page's top heading into a ``\\part`` (``latex_toplevel_sectioning =
"part"``), so "About This Book" would open like a part of the story and the Reference part
would number its pages like chapters.  This extension gives LaTeX's book structure instead:

* pages listed in ``book_frontmatter`` have their headings moved one level down (the page
  title becomes an unnumbered front-matter ``\\chapter``, its sections ``\\section``);
* ``\\mainmatter`` goes before ``book_mainmatter_start`` and ``\\backmatter`` before
  ``book_backmatter_start``;
* the book design (``hungary1956book.sty``) and the ``\\DocumentMetadata`` template are
  handed to Sphinx.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.latex import LaTeXTranslator

HERE = Path(__file__).resolve().parent
STYLE = HERE / "hungary1956book.sty"
TEMPLATES = HERE / "templates"


class BookLaTeXTranslator(LaTeXTranslator):
    """Sphinx's LaTeX translator that knows front, main and back matter."""

    def __init__(self, document: nodes.document, builder: Any, theme: Any) -> None:
        super().__init__(document, builder, theme)
        # Read by templates/latex.tex.jinja (latex_elements accepts only Sphinx's keys).
        self.elements["documentmetadata"] = self.config.book_document_metadata

    def visit_start_of_file(self, node: nodes.Element) -> None:
        super().visit_start_of_file(node)
        docname = node["docname"]
        config = self.config
        if docname == config.book_mainmatter_start:
            self.body.append("\\bookmainmatter\n")
        elif docname == config.book_backmatter_start:
            self.body.append("\\bookbackmatter\n")
        shift = 1 if docname in config.book_frontmatter else 0
        self.sectionlevel += shift
        self.context.append(shift)

    def depart_start_of_file(self, node: nodes.Element) -> None:
        self.sectionlevel -= self.context.pop()
        super().depart_start_of_file(node)


def check_config(app: Sphinx) -> None:
    """Name the page a misspelt setting points to, rather than print a manual-like book."""
    if app.builder.name != "latex":
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


def _use_latex_translator(app: Sphinx) -> None:
    if app.builder.name == "latex":
        app.set_translator("latex", BookLaTeXTranslator, override=True)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("book_document_metadata", "", "env", types=[str])
    app.add_config_value("book_frontmatter", [], "env", types=[list])
    app.add_config_value("book_mainmatter_start", "", "env", types=[str])
    app.add_config_value("book_backmatter_start", "", "env", types=[str])
    # Registered only for the LaTeX builder: any registered translator stops
    # pydata-sphinx-theme from wrapping the website's own (see booktools.epub).
    app.connect("builder-inited", _use_latex_translator, priority=300)
    app.connect("builder-inited", check_config)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
