"""What an incremental build must rewrite besides the documents that changed.

Sphinx rewrites a page when its own source changed.  But every HTML page carries the whole
book's navigation (sphinx-book-theme), and a ``{ref}`` to a section shows that section's
title: when a chapter's title, the table of contents or a section label changes, pages whose
sources did not change show the old text, and an incremental build no longer gives the
pages a clean build gives (``tests/test_incremental.py`` shows it).

Sphinx's own events carry this: ``env-before-read-docs`` lets us note, before the changed
documents are read again, what they contributed to the book-wide parts (titles, toctree
entries and their captions and options, labels); ``env-get-updated`` then compares and,
when anything differs, asks Sphinx to rewrite every page.  A sentence edited inside a
chapter changes none of these, so it rewrites that chapter only (and the part page whose
toctree lists it).

``sitemap.xml`` (sphinx-sitemap) is collected from the pages written in a build, so an
incremental build listed only those: before it is written, it is given every page, in the
order a clean build writes them.

The search index: Sphinx keeps each page's ``{index}`` entries for ``searchindex.js`` in the
environment, but fills them only while it writes the page, after the environment is saved,
and ``IndexBuilder.load`` does not read them back: an incremental build's index lost the
entries of every page it did not write (381 after a clean build, 0 after one with nothing
to do).  :class:`SearchIndexEntries` records them when a document is read, where Sphinx
keeps them, so they are saved with the rest.  And a word that left the book (a title
edited, then reverted) stayed in the index with no page: :func:`drop_words_no_page_has`.

Figure numbers: with ``numfig`` on, Sphinx's table-of-contents collector reads every
document's doctree from disk on every build to number the figures again, even when the
build read no document (sphinx-doc/sphinx#11474; Zephyr and LLVM turned numfig off for
it).  :class:`BookTocTreeCollector` keeps the numbers it has when no document was
removed and the documents read again hold the same numbered elements as before.
"""

from __future__ import annotations

import pickle
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util.index_entries import split_index_msg


def shared_state(env: BuildEnvironment, docnames: set[str]) -> dict[str, Any]:
    """What *docnames* contribute to other pages: titles, toctrees (and their captions and
    options), labels, the doc set."""
    std = env.domains.standard_domain
    return {
        "docs": frozenset(env.all_docs),
        "titles": {d: env.titles[d].astext() for d in docnames if d in env.titles},
        # Every toctree as the environment keeps it (the table-of-contents collector copies
        # each one into env.tocs): the files it lists, its caption, its entries' own titles
        # and its options, all of which every page's navigation shows.
        "toctrees": {d: [dict(t.attributes) for t in env.tocs[d].findall(addnodes.toctree)]
                     for d in docnames if d in env.tocs},
        "labels": {name: value for name, value in std.labels.items() if value[0] in docnames},
        "anonlabels": {name: value for name, value in std.anonlabels.items()
                       if value[0] in docnames},
    }


def note_removed(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                 removed: set[str]) -> list[str]:
    """Whether this build removes a document (it renumbers the figures after it)."""
    app.booktools_removed = bool(removed)  # type: ignore[attr-defined]
    return []


def numbering_signature(doctree: nodes.Node) -> list[tuple[Any, ...]]:
    """What figure numbering can depend on in one document, and more: every element with
    ids, its kind and its caption or title (Sphinx numbers only captioned figures, tables
    and code blocks), and every toctree's entries, in document order."""
    out: list[tuple[Any, ...]] = []
    for node in doctree.findall(nodes.Element):
        if isinstance(node, addnodes.toctree):
            out.append(("toctree", tuple(entry[1] for entry in node["entries"])))
        elif node["ids"]:
            out.append((node.tagname, tuple(node["ids"]), tuple(
                child.tagname for child in node.children
                if isinstance(child, (nodes.caption, nodes.title)))))
    return out


def _stored_signature(env: BuildEnvironment, docname: str) -> list[tuple[Any, ...]] | None:
    """The signature of *docname* as the last build left it, read from its pickle file
    directly: ``env.get_doctree`` would cache the old doctree for the rest of the build."""
    try:
        with open(Path(env.doctreedir) / f"{docname}.doctree", "rb") as f:
            return numbering_signature(pickle.load(f))
    except Exception:  # noqa: BLE001 (missing, unreadable or from another docutils: renumber)
        return None


def before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    app.booktools_shared_before = (set(docnames), shared_state(env, set(docnames)))  # type: ignore[attr-defined]
    # What the documents to be read held before, and their figure numbers (reading a
    # document again drops them, TocTreeCollector.clear_doc), to be put back when nothing
    # moved them; None: number them all again.
    keep = env.config.numfig and not getattr(app, "booktools_removed", True)
    app.booktools_numbering = ((  # type: ignore[attr-defined]
        {d: _stored_signature(env, d) for d in docnames},
        {d: env.toc_fignumbers[d] for d in docnames if d in env.toc_fignumbers},
    ) if keep else None)


class BookTocTreeCollector(TocTreeCollector):
    """Sphinx's table-of-contents collector, except that it keeps the figure numbers it has
    when no document was removed and every document read again holds the same numbered
    elements and toctrees as before (a sentence edited; nothing at all read), instead of
    reading every doctree to assign them again: at 50 times this book, 24 s of a 40 s
    build.  TODO: drop when Sphinx numbers figures incrementally (sphinx-doc/sphinx#11474).
    """

    def get_updated_docs(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        sections = self.assign_section_numbers(env)
        before = getattr(app, "booktools_numbering", None)
        app.booktools_numbering = None  # type: ignore[attr-defined]
        if before is not None and not sections:
            signatures, fignumbers = before
            if all(old is not None and old == numbering_signature(env.get_doctree(docname))
                   for docname, old in signatures.items()):
                env.toc_fignumbers.update(fignumbers)
                return sections
        return sections + self.assign_figure_numbers(env)


def use_book_toctree_collector(app: Sphinx) -> None:
    """Swap Sphinx's collector, which it sets up before any extension, for ours: disable
    it (its documented ``disable``), found through its event listeners, then add ours."""
    owners = (getattr(listener.handler, "__self__", None)
              for listeners in app.events.listeners.values() for listener in listeners)
    owner = next((o for o in owners if type(o) is TocTreeCollector), None)
    if owner is not None:
        owner.disable(app)
    app.add_env_collector(BookTocTreeCollector)


def rewrite_all_if_shared_parts_changed(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """All documents, when a changed document changed what other pages show of it."""
    read, before = getattr(app, "booktools_shared_before", (set(), None))
    app.booktools_shared_before = (set(), None)  # type: ignore[attr-defined]
    if before is None or not read:
        return []
    # Documents added or removed change the navigation too; shared_state sees them in "docs".
    after = shared_state(env, read)
    if after == before:
        return []
    return sorted(env.found_docs)


def index_entries(doctree: nodes.document) -> list[tuple[str, str, str]]:
    """The document's entries for the search index, exactly as ``IndexBuilder.feed`` finds
    them (``tests/test_upstream_contract.py`` pins that method)."""
    found: set[tuple[str, str, str]] = set()
    for node in doctree.findall(addnodes.index):
        for entry_type, value, target_id, main, _category_key in node["entries"]:
            try:
                result = split_index_msg(entry_type, value)
            except ValueError:
                continue
            target_id = target_id or ""
            if entry_type in {"see", "seealso"}:
                found.add((result[0], target_id, main))
            found |= {(x, target_id, main) for x in result}
    return sorted(found)


class SearchIndexEntries(EnvironmentCollector):
    """Each document's ``{index}`` entries for ``searchindex.js``, recorded when it is read,
    in the mapping Sphinx's search indexer keeps in the environment, so that they are saved
    with it and pages an incremental build does not write keep theirs in the index.  The
    mapping is kept in document order, the order a clean build's index lists them in.
    TODO: drop when ``IndexBuilder.load`` restores the index entries (Sphinx 9.0 does not).
    """

    @staticmethod
    def entries(env: BuildEnvironment) -> dict[str, list[tuple[str, str, str]]]:
        return env._search_index_index_entries

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        self.entries(env).pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: AbstractSet[str],
                    other: BuildEnvironment) -> None:
        theirs = self.entries(other)
        self.entries(env).update((d, theirs[d]) for d in docnames if d in theirs)

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        self.entries(app.env)[app.env.docname] = index_entries(doctree)

    def get_updated_docs(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        mapping = self.entries(env)
        ordered = sorted(mapping.items())
        mapping.clear()
        mapping.update(ordered)
        return []


def drop_words_no_page_has(app: Sphinx) -> list[Any]:
    """Drop the words the search index loaded from the last build that no page has now.

    Sphinx's indexer reads the last ``searchindex.js`` back and removes the pages it is
    about to index again from each word's set, but keeps a word whose set is left empty,
    which a clean build never lists.  Runs on ``html-collect-pages``, after the documents
    are indexed and before the index is written.  TODO: drop when ``IndexBuilder.prune``
    drops them (Sphinx 9.0 does not).
    """
    indexer = getattr(app.builder, "indexer", None)
    for name in ("_mapping", "_title_mapping"):
        words = getattr(indexer, name, None)
        if words is not None:
            for word in [word for word, pages in words.items() if not pages]:
                del words[word]
    return []


def complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Give sphinx-sitemap every page, not only the ones this build wrote.

    Runs before sphinx-sitemap's own build-finished handler writes the file.  TODO: drop
    when sphinx-sitemap collects pages across incremental builds itself.
    """
    links = getattr(app, "sitemap_links", None)
    if exception is not None or links is None or app.builder.format != "html":
        return
    from sphinx_sitemap import add_html_link

    while not links.empty():
        links.get_nowait()
    for docname in sorted(app.env.all_docs):  # Sphinx writes the documents sorted
        add_html_link(app, docname, "page.html", {}, None)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", complete_sitemap, priority=400)
    app.connect("env-get-outdated", note_removed)
    app.connect("env-before-read-docs", before_read)
    app.connect("env-get-updated", rewrite_all_if_shared_parts_changed)
    use_book_toctree_collector(app)
    app.add_env_collector(SearchIndexEntries)
    app.connect("html-collect-pages", drop_words_no_page_has)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
