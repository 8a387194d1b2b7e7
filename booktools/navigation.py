"""The sidebar navigation rendered once per build, not once per page.

sphinx-book-theme writes the whole book's navigation into every page, and
pydata-sphinx-theme builds it for each page afresh (a toctree, rendered, parsed with
BeautifulSoup, rewritten): the cost grows with pages x pages (upstream:
pydata/pydata-sphinx-theme#364 and #381, closed without a cache; #859 proposed rendering it
once per page).  Between two pages at the same
folder depth the navigation differs only in the marks of the current page: ``current``
(and the theme's ``active``) on its list items and lists, ``current`` and ``href="#"`` on its
own link, ``open`` on the disclosure widgets above it.

So the first page of a build renders it the theme's way; the marks of that page are taken
off, leaving a template with a slot at every element that can carry a mark; every other page
fills the slots on the chain of its own link, a string join.  The first page's result is
checked against the theme's own: if they ever differ (a new theme version), the build falls
back to the theme's way for every page, so the reader sees the same navigation either way
(``tests/test_incremental.py`` compares whole sites built both ways).

A checked template is kept for the next build (``STORE``, beside the environment), with a
fingerprint of what it was made from: the whole toctree as Sphinx resolves it for the root
document, with every title, caption and link, and the versions and settings that render it
(:func:`fingerprint`).  A build whose fingerprint is the same (a sentence edited, nothing
changed) uses it without rendering the theme's navigation at all: at 50 times the book that
was 2.5 s of a build that writes a few pages.  Any other change makes and checks a new one.
(``tests/test_incremental.py`` fails if the fingerprint leaves out the toctree.)
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SLOT = "data-bk-nav-slot"
MARKABLE = ("li", "ul", "a", "details")
_TAG = re.compile(rf'<(li|ul|a|details)\b([^>]*?) {SLOT}="(\d+)"([^>]*)>')


@dataclass
class Template:
    """The navigation without current-page marks, cut at every markable element."""

    pieces: list[str]  # text, then the element of slot i, then text, ...
    plain: list[str]  # each slot's opening tag, unmarked
    marked: list[str]  # each slot's opening tag, marked as on the current page's chain
    chains: dict[str, list[int]]  # a page's link href -> the slots to mark for it

    def render(self, href: str | None) -> str:
        chain = set(self.chains.get(href, ())) if href else set()
        out = [self.pieces[0]]
        for i, text in enumerate(self.pieces[1:]):
            out.append(self.marked[i] if i in chain else self.plain[i])
            out.append(text)
        return "".join(out)


def _mark(name: str, attrs: str, li_marks: tuple[str, ...] = ("current", "active")) -> str:
    """The opening tag *name* with *attrs*, as the theme writes it on the current chain."""
    if name == "details":
        return f'<details{attrs} open="open">'
    m = re.search(r' class="([^"]*)"', attrs)
    if m is None:
        return f'<{name}{attrs} class="current">'
    classes = m.group(1).split()
    if name == "li":  # Sphinx appends "current" to "toctree-lN"; the theme then "active"
        classes[1:1] = list(li_marks)
    else:  # Sphinx's "current" comes before the classes the theme or writer add after it
        classes.insert(0, "current")
    attrs = attrs[:m.start()] + f' class="{" ".join(classes)}"' + attrs[m.end():]
    if name == "a":
        attrs = re.sub(r' href="[^"]*"', ' href="#"', attrs, count=1)
    return f"<{name}{attrs}>"


def make_template(html: str, own_href: str,
                  li_marks: tuple[str, ...] = ("current", "active")) -> Template:
    """Take the current page's marks off *html* (the theme's navigation of a page whose
    link is *own_href*) and cut it into a :class:`Template`.  *li_marks*: the classes a list
    item on the current chain gains (Sphinx's own toctree: only "current")."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(class_="current"):
        classes = [c for c in tag["class"] if c not in {"current", "active"}]
        if classes:
            tag["class"] = " ".join(classes)
        else:
            del tag["class"]
        if tag.name == "a" and tag.get("href") == "#":
            tag["href"] = own_href
        if tag.name == "li":
            details = tag.find("details", recursive=False)
            if details is not None:
                del details["open"]
    slots: list[Tag] = soup.find_all(MARKABLE)
    for i, tag in enumerate(slots):
        tag[SLOT] = str(i)
    chains: dict[str, list[int]] = {}
    for i, tag in enumerate(slots):
        if tag.name != "a" or tag.get("href") in chains:
            continue
        chain = [i]
        for parent in tag.parents:
            if parent.name in {"li", "ul"} and parent.has_attr(SLOT):
                chain.append(int(str(parent[SLOT])))
            if parent.name == "li":
                details = parent.find("details", recursive=False)
                if details is not None and details.find("ul") is not None:
                    chain.append(int(str(details[SLOT])))
        chains[str(tag["href"])] = chain
    text = str(soup)
    pieces: list[str] = []
    plain: list[str] = []
    marked: list[str] = []
    last = 0
    for m in _TAG.finditer(text):
        name, attrs = m.group(1), m.group(2) + m.group(4)
        assert int(m.group(3)) == len(plain)
        pieces.append(text[last:m.start()])
        plain.append(f"<{name}{attrs}>")
        marked.append(_mark(name, attrs, li_marks))
        last = m.end()
    pieces.append(text[last:])
    return Template(pieces, plain, marked, chains)


#: The templates kept for the next build, in the doctrees folder beside the environment.
STORE = "booktools-navigation.pickle"


@dataclass
class Cache:
    """Templates for one build, per set of arguments; None: use the theme's way.

    *stored*: the templates of earlier builds, each with the fingerprint of what it was
    made from (:func:`fingerprint`), loaded from STORE; *fresh*: those made and checked in
    this build, saved for the next.
    """

    templates: dict[tuple, Template | None] = field(default_factory=dict)
    stored: dict[tuple, tuple[str, Template]] = field(default_factory=dict)
    fresh: dict[tuple, tuple[str, Template]] = field(default_factory=dict)
    tocs: dict[tuple, str] = field(default_factory=dict)  # the root's toctree, per options


def cache(app: Sphinx) -> Cache:
    if not hasattr(app, "booktools_navigation"):
        app.booktools_navigation = Cache()  # type: ignore[attr-defined]
    return app.booktools_navigation  # type: ignore[attr-defined]


def reset(app: Sphinx, env: Any) -> None:
    """A new build (the warm preview runs many in one process): titles may have changed;
    the templates of the last build are loaded, to be used where their fingerprint holds."""
    stored: dict[tuple, tuple[str, Template]] = {}
    try:
        with (Path(app.doctreedir) / STORE).open("rb") as f:
            loaded = pickle.load(f)
        if isinstance(loaded, dict):
            stored = loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
            TypeError, ImportError):
        pass  # none yet, or from another version of this module: make them again
    app.booktools_navigation = Cache(stored=stored)  # type: ignore[attr-defined]


def save(app: Sphinx, exception: Exception | None) -> None:
    """Keep this build's checked templates (and the stored ones still in use) for the next."""
    nav = getattr(app, "booktools_navigation", None)
    if exception is not None or nav is None or not nav.fresh:
        return
    path = Path(app.doctreedir) / STORE
    path.write_bytes(pickle.dumps({**nav.stored, **nav.fresh}, protocol=pickle.HIGHEST_PROTOCOL))


def fingerprint(app: Sphinx, kwargs: dict[str, Any]) -> str:
    """What the navigation of every page is made from, as one hash: the book's whole
    toctree as Sphinx resolves it for the root document with these arguments (every title,
    caption, entry, number and link in it), the versions of Sphinx, the themes and
    BeautifulSoup, which render and rewrite it, the local extensions' sources (the toggles'
    labels), the builder, the language, the theme's options and the 404 page's prefix.  A
    template made from the same fingerprint gives the same pages: it was checked against
    the theme's own."""
    from importlib import metadata

    from sphinx.environment.adapters.toctree import global_toctree_for_doc

    options = (bool(kwargs.get("collapse", False)), bool(kwargs.get("includehidden", True)),
               int(kwargs.get("maxdepth", 0) or 0), bool(kwargs.get("titles_only", False)))
    tocs = cache(app).tocs
    if options not in tocs:  # resolved once per build (0.4 s at 50 times the book)
        toc = global_toctree_for_doc(
            app.env, app.config.root_doc, app.builder, tags=app.tags, collapse=options[0],
            includehidden=options[1], maxdepth=options[2], titles_only=options[3])
        tocs[options] = "" if toc is None else str(toc)
    digest = hashlib.sha256()
    for part in (*(metadata.version(name) for name in (
            "sphinx", "pydata-sphinx-theme", "sphinx-book-theme", "beautifulsoup4")),
            app.builder.name, app.config.language or "",
            str(getattr(app.config, "booktools_fingerprint", "")),
            repr(sorted(app.config.html_theme_options.items())), repr(kwargs),
            repr(getattr(app.config, "notfound_urls_prefix", None)),
            tocs[options]):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def known(app: Sphinx, key: tuple, kwargs: dict[str, Any]) -> tuple[str, Template | None]:
    """This build's fingerprint for *key*, and the stored template made from the same."""
    nav = cache(app)
    stamp = fingerprint(app, kwargs)
    held = nav.stored.get(key)
    return stamp, (held[1] if held is not None and held[0] == stamp else None)


def shared(app: Sphinx, pagename: str, generate: Callable[..., Any],
           finish: Callable[[str], str]) -> Callable[..., Markup]:
    """Stand-in for the theme's ``generate_toctree_html`` on page *pagename*.

    *finish* is applied to the theme's HTML before it is cut into the template (the book's
    labels on the disclosure widgets), so it runs once per build too.
    """
    templates = cache(app).templates
    enabled = app.config.booktools_shared_nav and "/" not in pagename
    # sphinx-notfound-page writes the 404 page's links absolute: it has a template of its
    # own, which only a later build can reuse.
    notfound = pagename == getattr(app.config, "notfound_pagename", "404")
    own_href = app.builder.get_target_uri(pagename)

    def generate_html(*args: Any, **kwargs: Any) -> Markup:
        sidebar = (args[:1] or (kwargs.get("kind"),))[0] == "sidebar"
        usable = (enabled and sidebar and int(kwargs.get("show_nav_level", 1)) > 0
                  and not kwargs.get("collapse", False))
        if not usable:
            return Markup(finish(str(generate(*args, **kwargs))))
        key = (("notfound",) if notfound else ()) + (args, tuple(sorted(kwargs.items())))
        if key not in templates:
            stamp, held = known(app, key, kwargs)
            if held is not None:  # made by an earlier build from the same sources
                templates[key] = held
                return Markup(held.render(own_href))
            theirs = finish(str(generate(*args, **kwargs)))
            template = make_template(theirs, own_href)
            ok = template.render(own_href) == theirs
            if not ok:
                logger.info("[navigation] the cached sidebar differs from the theme's on "
                            "%s: rendering it for every page", pagename)
            templates[key] = template if ok else None
            if ok:
                cache(app).fresh[key] = (stamp, template)
            return Markup(theirs)
        cached = templates[key]
        if cached is None:
            return Markup(finish(str(generate(*args, **kwargs))))
        return Markup(cached.render(own_href))

    return generate_html


def normalized(html: str) -> str:
    """*html* as BeautifulSoup writes it: the theme parses Sphinx's toctree with it, so two
    strings equal after this give the theme the same tree."""
    return str(BeautifulSoup(html, "html.parser"))


def share_sphinx_toctree(app: Sphinx, pagename: str, templatename: str,
                         context: dict[str, Any], doctree: Any) -> None:
    """Sphinx's own ``toctree()`` of the page, from a template too (see the module's doc).

    pydata-sphinx-theme renders every sidebar template before the page, to drop empty
    ones, and so builds the whole book's toctree for each page before any handler after its
    own can step in: this runs before it (priority 499) and serves that ``toctree()``.  The
    result is checked as the sidebar's is, after BeautifulSoup, which the theme parses it
    with; pages other than the book's own keep Sphinx's.
    """
    toctree = context.get("toctree")
    if (toctree is None or not app.config.booktools_shared_nav or "/" in pagename
            or pagename == getattr(app.config, "notfound_pagename", "404")
            or app.builder.format != "html" or app.builder.name.startswith("epub")):
        return
    templates = cache(app).templates
    own_href = app.builder.get_target_uri(pagename)

    def shared_toctree(**kwargs: Any) -> str:
        if kwargs.get("collapse", True):
            return toctree(**kwargs)  # only the current branch: nothing to share
        key = ("sphinx-toctree", tuple(sorted(kwargs.items())))
        if key not in templates:
            stamp, held = known(app, key, kwargs)
            if held is not None:  # made by an earlier build from the same sources
                templates[key] = held
                return held.render(own_href)
            theirs = normalized(toctree(**kwargs))
            template = make_template(theirs, own_href, li_marks=("current",))
            ok = normalized(template.render(own_href)) == theirs
            if not ok:
                logger.info("[navigation] Sphinx's toctree differs from the template on %s",
                            pagename)
            templates[key] = template if ok else None
            if ok:
                cache(app).fresh[key] = (stamp, template)
            return theirs
        cached = templates[key]
        return toctree(**kwargs) if cached is None else cached.render(own_href)

    context["toctree"] = shared_toctree


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", share_sphinx_toctree, priority=499)
    app.add_config_value("booktools_shared_nav", True, "html", types=[bool],
                         description="Render the sidebar navigation once per build")
    app.connect("env-updated", reset)
    app.connect("build-finished", save)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": False}
