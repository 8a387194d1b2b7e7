"""The HTML edition for readers and hosts: whole-book downloads, robots.txt.

* Downloads: the PDF and EPUB editions that ``booktools.build`` published into
  ``_build/pdf`` and ``_build/epub`` are copied into the site's ``_downloads/`` and linked,
  with their sizes, from a "Download the book" menu in every page's header.  ``make`` builds
  them before the HTML (``epub pdf html``).  ``make html`` alone links the last good editions
  found there; an edition never built is left out of the menu and named in the build log.
* The sizes go into ``html_context`` at config time, so Sphinx's build-info hash changes and
  every page is rewritten when a download changes size, also in an incremental build.
* ``robots.txt`` points crawlers at ``sitemap.xml`` (written by sphinx-sitemap).
* A favicon drawn from the cover (``_static/favicon.png``, linked from every page), so
  browsers do not ask for a ``/favicon.ico`` the site does not have.  It and the link-preview
  card are drawn only when their drawing changed (``booktools.cover.write_cached``).
* Images carry their own width and height (read from the file), so a browser reserves their
  space before they arrive and the page does not move as it loads; a figure set to the
  column's width (``:width: 100%``) keeps that width through CSS (``img.column-width``).
  Images below the first paragraphs load lazily (``loading="lazy"``), when the reader
  scrolls near them.  Both are docutils' own image attributes, set by a post-transform
  (:class:`SizeImages`).
"""

from __future__ import annotations

import functools
import shutil
import sys
import types
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.images import get_image_size

from . import cover, navigation
from .errors import BuildError

logger = logging.getLogger(__name__)

DOWNLOADS_DIR = "_downloads"
#: The book's link-preview image, in the site (conf.py's ogp_image points at it).
SOCIAL_CARD = "_images/social-card.png"
STATIC = Path(__file__).resolve().parent / "_static"
#: The favicon, in the site's _static folder (drawn into the build's cache, then copied).
FAVICON = "favicon.png"


#: Images before this many paragraphs of a page are loaded at once (they are likely in view
#: when the page opens); those after it lazily.
EAGER_PARAGRAPHS = 3


class SizeImages(SphinxPostTransform):
    """Each image's intrinsic width and height as attributes; lazy loading below the fold.

    Lighthouse's audits "unsized-images" and "offscreen-images" check both.  The size is the
    source file's (Sphinx's ``get_image_size``, which reads SVG and raster images).  A
    figure's image set to a share of the column (``:width: 80%``) passes that share to the
    figure (docutils' ``figwidth``), so caption and image keep it, and fills the figure.
    An image with a fixed size, or whose size cannot be read, is left as it is.
    """

    default_priority = 900
    builders = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs: Any) -> None:
        paragraphs = 0
        condition = (nodes.paragraph, nodes.image)
        for node in self.document.findall(lambda n: isinstance(n, condition)):
            if not isinstance(node, nodes.image):
                paragraphs += 1
                continue
            if paragraphs >= EAGER_PARAGRAPHS:
                node["loading"] = "lazy"
            self.size(node)

    def size(self, node: nodes.image) -> None:
        width = node.get("width", "")
        if "height" in node or (width and not width.endswith("%")):
            return
        if width.endswith("%") and width != "100%":
            if not isinstance(node.parent, nodes.figure) or node.parent.get("width"):
                return
            node.parent["width"] = width
            width = "100%"
        candidates = node.get("candidates") or {}
        source = candidates.get("image/svg+xml") or next(iter(candidates.values()), None)
        source = source or node["uri"]
        if "://" in source:
            return
        size = get_image_size(Path(self.env.srcdir, source.lstrip("/")))
        if not size:
            return
        node["width"], node["height"] = str(size[0]), str(size[1])
        if width == "100%":
            node["classes"].append("column-width")


def cache_dir(app: Sphinx) -> Path:
    """Drawn images kept between builds: ``_build/.cache`` (beside the doctrees, which a
    failed build deletes)."""
    cache = Path(app.doctreedir).parent / ".cache"
    language = app.config.language or "en"
    return cache if language == "en" else cache / language  # a language's own drawings


def human_size(size: int) -> str:
    """Size the way a reader compares downloads: "2.4 MB", "380 kB" (SI units)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} kB"


def find_downloads(config: Config) -> list[dict[str, Any]]:
    """The editions to offer, as they are now on disk; missing ones are logged and left out."""
    found = []
    for label, path_str in config.book_downloads:
        path = Path(path_str)
        if not path.is_file():
            logger.info(
                "[html] no %s edition at %s yet: the HTML links no %s "
                "(run `make` to build every edition, the HTML last)", label, path, label,
            )
            continue
        size = path.stat().st_size
        found.append({"label": label, "name": path.name, "source": str(path),
                      "size": size, "size_text": human_size(size)})
    return found


def on_config_inited(app: Sphinx, config: Config) -> None:
    config.html_context = {**config.html_context, "book_downloads": find_downloads(config)}


def is_html_site(app: Sphinx) -> bool:
    """True for the website builders, false for the EPUB (which shares the HTML machinery)."""
    return app.builder.format == "html" and not app.builder.name.startswith("epub")


def on_builder_inited(app: Sphinx) -> None:
    """The site's own CSS and JS, for the website only: the EPUB keeps its own styles."""
    if not is_html_site(app):
        return
    # The favicon is drawn into a folder of its own, which Sphinx copies into _static/.
    icons = cache_dir(app) / "favicon"
    cover.write_cached(icons / FAVICON, cover.write_favicon, cache_dir(app))
    app.config.html_static_path = [*app.config.html_static_path, str(STATIC), str(icons)]
    app.add_css_file("icons.css")  # the theme's icons without fontawesome.js (booktools.icons)
    app.add_css_file("book.css")
    app.add_js_file("footnotes.js", loading_method="defer")


def link_favicon(app: Sphinx, pagename: str, templatename: str,
                 context: dict[str, Any], doctree: Any) -> None:
    """Link the favicon from every page (the layout writes ``<link rel="icon">``)."""
    if is_html_site(app) and not context.get("favicon_url"):
        context["favicon_url"] = context["pathto"](f"_static/{FAVICON}", 1)


def label_toggles(html: str, toggle: str = "Show or hide the contents of {name}") -> str:
    """Name the sidebar's expand/collapse toggles.

    pydata-sphinx-theme writes each toggle as a ``<summary>`` holding only a chevron icon,
    which has no accessible name (axe-core "summary-name", WCAG 4.1.2); the theme builds it
    in Python, so no template can fix it: we label it after the part it opens.
    """
    soup = BeautifulSoup(html, "html.parser")
    for summary in soup.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a") if item else None
        name = link.get_text(" ", strip=True) if link else "this section"
        summary["aria-label"] = toggle.format(name=name)
    return str(soup)


def share_sidebar_navigation(app: Sphinx, pagename: str, templatename: str,
                             context: dict[str, Any], doctree: Any) -> None:
    """``booktools_sidebar_nav``, which the book's sidebar template calls: the theme's
    ``generate_toctree_html``, its toggles labelled (:func:`label_toggles`), rendered once
    per build rather than once per page (booktools.navigation).

    pydata-sphinx-theme renders every sidebar template before the page, to drop the empty
    ones (``update_and_remove_templates``, priority 500), right after it puts its own
    ``generate_toctree_html`` in the context, so no handler can wrap that function in
    between: the check rendered the whole book's navigation the theme's way on every page
    (227 s of a clean 50x build).  This name is set before (499) and wraps the theme's
    function when the check first calls it, so the check is served from the one rendering
    too.  The page is the same: :func:`booktools.navigation.shared` gives the theme's own
    HTML for the first page and a template checked against it for the rest.
    """
    if not is_html_site(app):
        return
    from .language import words

    toggle = words(app.config.language)["toc-toggle"]
    made: list[Any] = []

    def sidebar_nav(*args: Any, **kwargs: Any) -> Any:
        if not made:  # the theme's function, in the context by now (its priority 500)
            made.append(navigation.shared(app, pagename, context["generate_toctree_html"],
                                          functools.partial(label_toggles, toggle=toggle)))
        return made[0](*args, **kwargs)

    context["booktools_sidebar_nav"] = sidebar_nav


def add_download_menu(app: Sphinx, pagename: str, templatename: str,
                      context: dict[str, Any], doctree: Any) -> None:
    """Add the "Download the book" menu to sphinx-book-theme's header buttons."""
    downloads = context.get("book_downloads") or []
    if not is_html_site(app) or not downloads or "header_buttons" not in context:
        return
    from .language import words

    say = words(app.config.language)
    root = context["pathto"](DOWNLOADS_DIR, 1)
    comma = app.config.language == "hu"  # "2,4 MB" in Hungarian

    def size(d: dict[str, Any]) -> str:
        return d["size_text"].replace(".", ",") if comma else d["size_text"]

    context["header_buttons"].insert(0, {
        "type": "group",
        "tooltip": say["download-tooltip"],
        "icon": "fa-solid fa-download",
        "label": "download-book",
        "buttons": [
            {
                "type": "link",
                "url": f"{root}/{d['name']}",
                "text": f"{d['label']} ({size(d)})",
                "tooltip": say["download-as"].format(label=d["label"], size=size(d)),
                "icon": "fa-solid fa-file-pdf" if d["label"] == "PDF" else "fa-solid fa-book",
                "label": f"download-{d['label'].lower()}",
            }
            for d in downloads
        ],
    })


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Copy the downloads into the site and write robots.txt."""
    if exception is not None or not is_html_site(app):
        return
    outdir = Path(app.outdir)
    target = outdir / DOWNLOADS_DIR
    target.mkdir(exist_ok=True)
    for d in app.config.html_context.get("book_downloads", []):
        source = Path(d["source"])
        if source.stat().st_size != d["size"]:
            # Changed between config time and now: the menu would show a wrong size.
            raise BuildError(f"{source} changed during the HTML build; build again")
        shutil.copyfile(source, target / d["name"])
    # One link-preview card for the whole book, drawn from its title (conf.py: ogp_image).
    language = app.config.language or "en"
    cover.write_cached(outdir / SOCIAL_CARD,
                       functools.partial(cover.write_social_card, language=language),
                       cache_dir(app))
    sitemap = f"{app.config.html_baseurl.rstrip('/')}/{app.config.sitemap_filename}"
    (outdir / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n", encoding="utf-8"
    )


#: sphinxext-opengraph's per-page image module, which imports matplotlib (0.5 s) at load.
OGP_CARDS = "sphinxext.opengraph._social_cards"


def skip_opengraph_cards() -> None:
    """Load sphinxext-opengraph without its per-page image cards (and so without matplotlib).

    The book has one card for every page (conf.py turns the per-page ones off), but
    sphinxext-opengraph 0.13 imports its card module, and with it matplotlib, whenever it is
    loaded.  Its own fallback when matplotlib is missing is ``create_social_card = None``:
    this stands in for the module with exactly that, before the extension is imported.
    :func:`check_opengraph_cards` stops the build if the cards are ever turned on.
    TODO: drop this if sphinxext-opengraph imports matplotlib lazily.
    """
    if "sphinxext.opengraph" in sys.modules or OGP_CARDS in sys.modules:
        return
    stub = types.ModuleType(OGP_CARDS, "booktools.html: per-page social cards are off")
    stub.DEFAULT_SOCIAL_CONFIG = {  # type: ignore[attr-defined]  # the same as upstream's
        "enable": True, "site_url": True, "site_title": True, "page_title": True,
        "description": True,
    }
    stub.create_social_card = None  # type: ignore[attr-defined]
    sys.modules[OGP_CARDS] = stub


def check_opengraph_cards(app: Sphinx, config: Config) -> None:
    cards = getattr(config, "ogp_social_cards", None) or {}
    if sys.modules.get(OGP_CARDS) is not None and getattr(
            sys.modules[OGP_CARDS], "create_social_card", 1) is None and cards.get("enable") \
            is not False:
        from sphinx.errors import ConfigError

        raise ConfigError("booktools.html loads sphinxext-opengraph without per-page cards: "
                          "keep ogp_social_cards = {'enable': False} in conf.py")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("booktools.navigation")
    skip_opengraph_cards()
    app.connect("config-inited", check_opengraph_cards)
    app.add_config_value("book_downloads", [], "html", types=[list])
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    # After sphinx-book-theme's own buttons (priority 501), so ours comes first in the list.
    app.connect("html-page-context", add_download_menu, priority=600)
    app.connect("html-page-context", share_sidebar_navigation, priority=499)
    app.connect("html-page-context", link_favicon)
    app.connect("build-finished", on_build_finished)
    app.add_post_transform(SizeImages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
