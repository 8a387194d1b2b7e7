"""Notes as a history book has them: one numbered note per citation, full then short.

sphinxcontrib-bibtex's own ``footcite`` role gives each *work* one footnote per
chapter, so a second citation of the same work points back at the first note and
page numbers cannot be given.  This extension replaces the ``footcite`` role (and
its ``footcite:*`` variants) with one that

* makes a new note for every citation, numbered in reading order;
* writes the full form the first time a chapter cites a work and the short form
  after (forms from :mod:`booktools.notes_style`);
* passes pre- and post-text through: ``{footcite}`{see}lomax1976hungary{45}```
  gives "See Bill Lomax, *Hungary 1956* (London: …, 1976), 45.";
* names the file and line of an unknown key, with the nearest known key.

The notes are collected where sphinxcontrib-bibtex collects its own, so the
``footbibliography`` directive places them; the PDF (booktools/typst) sets each one
at the foot of the page where it is cited.
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import docutils.nodes
import pybtex.plugin
from docutils.nodes import make_id
from pybtex.plugin import find_plugin
from pybtex.richtext import Text
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole
from sphinxcontrib.bibtex.citation_target import parse_citation_targets
from sphinxcontrib.bibtex.roles import CitationRef
from sphinxcontrib.bibtex.transforms import node_text_transform

from . import codes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinxcontrib.bibtex.domain import BibtexDomain

    from .notes_style import NotesStyle

logger = logging.getLogger(__name__)

#: Keys cited so far in the current document (``env.temp_data`` is per document).
SEEN = "booktools_notes_seen"
#: Number of notes made so far in the current document.
COUNT = "booktools_notes_count"
#: The notes made so far, by name, and by the keys they cite (for a paragraph's translation).
NOTES = "booktools_notes_nodes"
MADE = "booktools_notes_made"


def _in_translation(document: docutils.nodes.document) -> bool:
    """Whether *document* is Sphinx's parse of a translated message (sphinx.transforms.i18n
    names it ``<file>:<line>:<translated>``), not the chapter itself."""
    return str(document.get("source", "")).endswith(":<translated>")


class NoteCiteRole(SphinxRole):
    """``{footcite}`key``` and ``{footcite}`{pre}key{post}, key2```: one note per use."""

    def run(self) -> tuple[list[docutils.nodes.Node], list[docutils.nodes.system_message]]:
        env = self.env
        domain = cast("BibtexDomain", env.get_domain("cite"))
        style = _style()
        entries = domain.bibdata.data.entries
        try:
            targets = list(parse_citation_targets(self.text))
        except ValueError:
            codes.warn(
                logger, "book.citation-syntax",
                "malformed citation %r: write {footcite}`key`, "
                "{footcite}`key{page}` or {footcite}`key1,key2`",
                self.text,
                location=self.exact_location(),
            )
            return [], []
        if _in_translation(self.inliner.document):
            return self._translated(domain, targets)
        seen: set[str] = env.temp_data.setdefault(SEEN, set())  # type: ignore[assignment]
        pieces: list[Text] = []
        keys: list[str] = []
        shorts: list[bool] = []
        for target in targets:
            entry = entries.get(target.key)
            if entry is None:
                close = difflib.get_close_matches(target.key, list(entries), n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                codes.warn(
                    logger, "book.unknown-key",
                    'unknown citation key "%s"%s: add an entry with this key to '
                    "references.bib, or correct the key",
                    target.key,
                    hint,
                    location=self.exact_location(),
                )
                continue
            pieces.append(
                style.format_note(
                    entry, short=target.key in seen, pre=target.pre, post=target.post
                )
            )
            shorts.append(target.key in seen)
            seen.add(target.key)
            keys.append(target.key)
        if not pieces:
            return [], []
        ref = self._make_note(domain, keys, pieces)
        made = cast("dict[tuple[int, tuple[str, ...]], list[tuple[str, list[bool]]]]",
                    env.temp_data.setdefault(MADE, {}))
        made.setdefault((self.lineno, tuple(keys)), []).append((ref["refname"], shorts))
        # Registered as citations with sphinxcontrib-bibtex, so that the bibliography's
        # default filter (``cited``) lists exactly the works the notes cite.
        domain.citation_refs.append(
            CitationRef(
                citation_ref_id=ref["refname"],
                docname=self.env.docname,
                line=self.lineno,
                targets=[t for t in targets if t.key in keys],
            )
        )
        return [ref], []

    def _translated(self, domain: BibtexDomain, targets: list[Any]
                    ) -> tuple[list[docutils.nodes.Node], list[docutils.nodes.system_message]]:
        """The same citation in a paragraph's translation (the Hungarian edition).

        Sphinx's i18n transform parses the translated paragraph after the English one
        (twice), and keeps a note reference only when it names a note of the English
        paragraph.  So this reuses the English paragraph's note for the same works: its
        number and its full or short forms stay, and its text is set again with the
        translation's own pre- and post-text (``{footcite}`{Lásd}key{45}```).  The
        English paragraph is the one at the line Sphinx names the translation's source by.
        """
        from .notes_style import plain_text

        env = self.env
        entries = domain.bibdata.data.entries
        keys = tuple(t.key for t in targets if t.key in entries)
        document = self.inliner.document
        line = int(str(document["source"]).rsplit(":", 2)[1] or 0)
        made = cast("dict[tuple[int, tuple[str, ...]], list[tuple[str, list[bool]]]]",
                    env.temp_data.get(MADE, {}))
        uses = cast("dict[tuple[str, ...], int]", document.setdefault("booktools_uses", {}))
        nth = uses[keys] = uses.get(keys, 0) + 1
        if len(made.get((line, keys), [])) < nth:
            codes.warn(
                logger, "book.translation-citation",
                "the translation cites %s, which the English paragraph does not cite here: "
                "keep the English paragraph's {footcite} keys, in the same order",
                ", ".join(keys) or self.text,
                location=self.exact_location(),
            )
            return [], []
        name, shorts = made[(line, keys)][nth - 1]
        style = _style()
        valid = [t for t in targets if t.key in entries]
        text = Text("; ").join([
            style.format_note(entries[t.key], short=short, pre=t.pre, post=t.post)
            for t, short in zip(valid, shorts, strict=True)
        ])
        if not plain_text(text).rstrip().endswith((".", "?", "!")):
            text = Text(text, ".")
        footnote = cast("dict[str, docutils.nodes.footnote]",
                        env.temp_data.get(NOTES, {}))[name]
        footnote.children = []
        footnote += docutils.nodes.paragraph("", "", *text.render(domain.backend))
        node_text_transform(footnote)
        return [docutils.nodes.footnote_reference(f"[#{name}]_", refname=name, auto=1)], []

    def exact_location(self) -> tuple[str, int]:
        """(docname, line) of this role itself, not of its paragraph's first line.

        MyST reports a role at the line where its paragraph starts; with one sentence
        per line, contributors want the line the citation is on.  The n-th use of the
        same role text in a paragraph is found by counting earlier uses.
        """
        docname, lineno = self.env.docname, self.lineno
        # MyST hands roles a reST-style rawtext (":footcite:`key`"); search for the text.
        needle = f"`{self.text}`"
        seen = cast("dict[tuple[int, str], int]",
                    self.env.temp_data.setdefault("booktools_role_uses", {}))
        nth = seen[(lineno, needle)] = seen.get((lineno, needle), 0) + 1
        try:
            lines = self.env.doc2path(docname).read_text(encoding="utf-8").splitlines()
        except OSError:
            return docname, lineno
        found = 0
        for number in range(max(lineno, 1), len(lines) + 1):
            found += lines[number - 1].count(needle)
            if found >= nth:
                return docname, number
            if not lines[number - 1].strip():
                break
        return docname, lineno

    def _make_note(
        self, domain: BibtexDomain, keys: list[str], pieces: list[Text]
    ) -> docutils.nodes.footnote_reference:
        from .notes_style import plain_text

        env = self.env
        text = Text("; ").join(pieces)
        if not plain_text(text).rstrip().endswith((".", "?", "!")):
            text = Text(text, ".")
        number = env.temp_data[COUNT] = cast(int, env.temp_data.get(COUNT, 0)) + 1
        name = make_id(f"note-{number}")
        footnote = docutils.nodes.footnote(auto=1, classes=["booktools-note"])
        footnote["names"].append(name)
        footnote["citekeys"] = keys
        cast("dict[str, docutils.nodes.footnote]",
             env.temp_data.setdefault(NOTES, {}))[name] = footnote
        footnote += docutils.nodes.paragraph("", "", *text.render(domain.backend))
        document = self.inliner.document
        document.note_autofootnote(footnote)
        document.note_explicit_target(footnote, footnote)
        node_text_transform(footnote)
        # Collected where sphinxcontrib-bibtex collects its notes: the next
        # footbibliography directive in the document places them.
        bibliography = cast("docutils.nodes.container", env.temp_data.setdefault(
            "bibtex_foot_bibliography", docutils.nodes.container()
        ))
        bibliography += footnote
        cast("set[str]", env.temp_data.setdefault("bibtex_foot_new_refs", set())).update(keys)
        ref = docutils.nodes.footnote_reference(f"[#{name}]_", refname=name, auto=1)
        document.note_autofootnote_ref(ref)
        document.note_footnote_ref(ref)
        return ref


@functools.cache
def _style() -> NotesStyle:
    return cast("NotesStyle", find_plugin("pybtex.style.formatting", "chicagonotes")())


def _cache_pybtex_plugin_lookups() -> None:
    """Look each pybtex plugin up once per process, not once per citation.

    pybtex resolves a plugin by scanning every installed package's entry points
    (``importlib.metadata.entry_points``) on each call, and sphinxcontrib-bibtex and
    ``Text.render_as`` call it for every citation: that was two thirds of the HTML
    build's time.  Runtime plugins (``register_plugin``) are still looked up first.
    """
    if getattr(pybtex.plugin, "_booktools_cached", False):
        return
    lookup = pybtex.plugin.entry_points

    @functools.cache
    def cached(group: str, name: str) -> tuple[object, ...]:
        return tuple(lookup(group=group, name=name))

    def entry_points(**params: str) -> Any:
        if set(params) == {"group", "name"}:  # pybtex's _load_entry_point, per citation
            return cached(params["group"], params["name"])
        return lookup(**params)  # anything else (enumerate_plugin_names): uncached

    # Upstream: pybtex scans entry points on every lookup (pybtex 0.26, pybtex/plugin), as
    # importlib.metadata does not cache them; pygments/pygments#2979 made the same cache
    # upstream there.
    # tests/test_upstream_contract.py fails if the call this replaces changes.
    pybtex.plugin.entry_points = entry_points
    pybtex.plugin._booktools_cached = True


def _copy_fingerprint(app: Sphinx, config: object) -> None:
    config.booktools_fingerprint_pages = config.booktools_fingerprint  # type: ignore[attr-defined]


def _cache_path(app: Sphinx) -> Path:
    """Beside the doctrees, not in them (a failed build deletes them): ``_build/.cache``."""
    language = app.config.language or "en"
    name = "notes-forms.pickle" if language == "en" else f"notes-forms-{language}.pickle"
    return Path(app.doctreedir).parent / ".cache" / name


def _load_forms(app: Sphinx) -> None:
    from . import notes_style

    notes_style.set_language(app.config.language)  # Hungarian works cited in Hungarian
    notes_style.load_cache(_cache_path(app))
    app.booktools_forms = notes_style.cache_size()  # type: ignore[attr-defined]


def _save_forms(app: Sphinx, exception: Exception | None) -> None:
    from . import notes_style

    if exception is None and notes_style.cache_size() != getattr(app, "booktools_forms", -1):
        notes_style.save_cache(_cache_path(app))
        app.booktools_forms = notes_style.cache_size()  # type: ignore[attr-defined]


def setup(app: Sphinx) -> dict[str, object]:
    _cache_pybtex_plugin_lookups()
    # The notes' and bibliography's forms, kept between builds (booktools.notes_style).
    app.connect("builder-inited", _load_forms)
    app.connect("build-finished", _save_forms)
    app.setup_extension("sphinxcontrib.bibtex")
    role = NoteCiteRole()
    app.add_role("footcite", role, override=True)
    for name in ("p", "ps", "t", "ts", "ct", "cts"):
        app.add_role_to_domain("footcite", name, role, override=True)
    # Only for the EPUB builder, and before the theme's handler (see booktools.epub).
    # conf.py sets this to a hash of booktools' sources: when the extensions change,
    # the cached parse is stale and every chapter is read again.
    app.add_config_value("booktools_fingerprint", "", "env")
    # The same hash at the 'html' level: the website and the EPUB write their pages again
    # even when another builder of the same run has already re-read the chapters.
    app.add_config_value("booktools_fingerprint_pages", "", "html")
    app.connect("config-inited", _copy_fingerprint)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
