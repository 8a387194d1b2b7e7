"""Old addresses of moved or renamed chapters keep working in the HTML edition.

conf.py's ``redirects`` maps an old page name to its new page (``"11-repression":
"12-repression.html"``).  sphinx-reredirects writes a small page at each old address that
sends the reader on, keeping any ``#fragment``, from a template that passes the HTML checks
(``booktools/redirect.html``, in the edition's language).  Only the HTML builder writes
them: the EPUB is built by a subclass of the HTML builder and must not carry pages that
point elsewhere.  The
pages are written outside Sphinx's page list, so they stay out of the sitemap and search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sphinx_reredirects
from sphinx.application import Sphinx
from sphinx.util import logging

from . import codes

TEMPLATE = Path(__file__).resolve().parent / "redirect.html"
logger = logging.getLogger(__name__)


def use_template_in_language(app: Sphinx, config: Any) -> None:
    """The redirect page in the edition's language: ``redirect.html`` with its words
    (booktools.language.WORDS), written beside the build's caches; sphinx-reredirects
    then fills in ``${to_uri}``."""
    if config.redirect_html_template_file != str(TEMPLATE):
        return  # a template of the project's own choosing
    from .language import words

    say = words(config.language)
    page = TEMPLATE.read_text(encoding="utf-8")
    for key, word in (("@LANG@", "html-lang"), ("@TITLE@", "moved-title"),
                      ("@BODY@", "moved-body")):
        page = page.replace(key, say[word])
    target = Path(app.doctreedir).parent / ".cache" / f"redirect-{config.language or 'en'}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text(encoding="utf-8") != page:
        target.write_text(page, encoding="utf-8")
    config.redirect_html_template_file = str(target)


def write_redirects(app: Sphinx) -> list[Any]:
    if app.builder.name != "html":
        return []
    clash = [old for old in app.config.redirects if old in app.env.found_docs]
    for old in clash:
        codes.warn(logger, "book.redirect-shadowed",
                   "conf.py: 'redirects' sends %r elsewhere, but book/%s.md exists: remove "
                   "the redirect or the page", old, old)
    return list(sphinx_reredirects.init(app) or []) if not clash else []


def setup(app: Sphinx) -> dict[str, Any]:
    # The library's own setup would also run for the EPUB builder, so register its two
    # settings here and call its page writer for the HTML builder only.
    app.add_config_value("redirects", {}, "html", types=[dict])
    app.add_config_value("redirect_html_template_file", str(TEMPLATE), "html", types=[str])
    app.connect("config-inited", use_template_in_language)
    app.connect("html-collect-pages", write_redirects)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
