"""The website in two languages: the switch, ``hreflang`` alternates and one sitemap.

The English site is the top of the published folder and each translation lives below it
(``/hu/``), with the same page names (booktools.build publishes them so).  Every page

* shows a link to the same page in the other language, in the sidebar under the title
  (``booktools/_templates/language-switch.html``);
* names its alternates in ``<head>`` (``<link rel="alternate" hreflang="...">``, with
  ``x-default`` for the English), as search engines ask;

and the English site's ``sitemap.xml`` (sphinx-sitemap's) lists the pages of every
language, each with its alternates, so one sitemap serves the whole site.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from sphinx.application import Sphinx

from . import meta

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: The name each language goes by in the switch, written in that language.
NAMES = {"en": "English", "hu": "Magyar"}


def site_root(app: Sphinx) -> str:
    """The address of the English site (conf.py's html_baseurl, before the language)."""
    base: str = app.config.html_baseurl
    language = app.config.language or "en"
    return base.removesuffix(f"{language}/") if language != "en" else base


def page_url(root: str, language: str, page: str) -> str:
    """The address of *page* (``05-x.html``) in *language*, from the English site's root."""
    return f"{root}{'' if language == 'en' else language + '/'}{page}"


def add_alternates(app: Sphinx, pagename: str, templatename: str,
                   context: dict[str, Any], doctree: Any) -> None:
    """The switch's links and the ``hreflang`` alternates of one page."""
    if app.builder.format != "html" or app.builder.name == "epub":
        return
    here = app.config.language or "en"
    page = f"{pagename}.html"
    root = site_root(app)
    alternates = [(lang, page_url(root, lang, page)) for lang in meta.LANGUAGES]
    tags = [f'<link rel="alternate" hreflang="{lang}" href="{html.escape(url)}" />'
            for lang, url in alternates]
    tags.append(f'<link rel="alternate" hreflang="x-default" '
                f'href="{html.escape(alternates[0][1])}" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)
    # The switch links relatively, so the site works from any folder and offline; the 404
    # page is served at any address, so it links by absolute path.
    if pagename == "404":
        prefix = app.config.notfound_urls_prefix.removesuffix(f"{here}/") \
            if here != "en" else app.config.notfound_urls_prefix
        links = [(lang, prefix + ("" if lang == "en" else f"{lang}/") + page)
                 for lang in meta.LANGUAGES if lang != here]
    else:
        up = "../" * pagename.count("/")
        to_root = up + ("../" if here != "en" else "")
        links = [(lang, to_root + ("" if lang == "en" else f"{lang}/") + page)
                 for lang in meta.LANGUAGES if lang != here]
    context["book_languages"] = [
        {"lang": lang, "name": NAMES[lang], "href": href} for lang, href in links]


def list_languages(app: Sphinx, exception: Exception | None) -> None:
    """Give the English sitemap every language's pages, each with its alternates.

    Runs after sphinx-sitemap wrote ``sitemap.xml`` (priority 500).  The page list is the
    English one: every translation has the same pages (booktools.build builds them from
    the same sources).  A translation's own build keeps its sitemap in its folder.
    """
    if exception is not None or app.builder.name != "html":
        return
    path = Path(app.outdir) / app.config.sitemap_filename
    if not path.is_file():
        return
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    tree = ElementTree.parse(path)
    urlset = tree.getroot()
    root = site_root(app)
    here = app.config.language or "en"
    pages = []
    for url in list(urlset):
        loc = url.findtext(f"{{{SITEMAP_NS}}}loc") or ""
        pages.append((loc.removeprefix(page_url(root, here, "")),
                      url.findtext(f"{{{SITEMAP_NS}}}lastmod")))
        urlset.remove(url)
    languages = meta.LANGUAGES if here == "en" else (here,)
    for language in languages:
        for page, lastmod in pages:
            url = ElementTree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = \
                page_url(root, language, page)
            if lastmod:
                ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
            for other in meta.LANGUAGES:
                ElementTree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate",
                                       hreflang=other, href=page_url(root, other, page))
    ElementTree.indent(tree)
    tree.write(path, xml_declaration=True, encoding="utf-8", method="xml")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", add_alternates)
    # After sphinx-sitemap writes the file (500).
    app.connect("build-finished", list_languages, priority=600)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
