"""The undocumented upstream internals booktools relies on are still there.

Each check names the internal, the booktools code that relies on it, and what to do when it
fails, in one line.  Run after any dependency upgrade (``uv lock --upgrade``): a dependency
past its upper bound in pyproject.toml fails the first test; an internal that changed fails
its own.  Fast: nothing is built.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import tomllib
from pathlib import Path

import pytest
from conftest import BOOK, ROOT
from packaging.requirements import Requirement


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [Requirement(r) for r in project["project"]["dependencies"]]


@pytest.mark.parametrize("req", requirements(), ids=lambda r: r.name)
def test_installed_version_is_within_its_bounds(req: Requirement) -> None:
    version = importlib.metadata.version(req.name)
    assert req.specifier.contains(version, prereleases=True), (
        f"{req.name} {version} is outside {req.specifier} (pyproject.toml): read the reason "
        "beside the bound, check the internals below, then move the bound")
    if not str(req.specifier).startswith("=="):
        assert any(s.operator in ("<", "<=", "~=") for s in req.specifier), (
            f"{req.name} has no upper bound in pyproject.toml: add one, with its reason")


def source(obj: object) -> str:
    return inspect.getsource(obj)  # type: ignore[arg-type]


def test_pybtex_plugin_lookup() -> None:
    """booktools.notes caches pybtex.plugin.entry_points(group, name) per process."""
    import pybtex.plugin

    load = source(pybtex.plugin._load_entry_point)
    assert "entry_points(group=search_group, name=name)" in load, (
        "pybtex looks plugins up differently: update booktools.notes._cache_pybtex_plugin_lookups")


def test_pybtex_low_level_parser_error_hook() -> None:
    """booktools.bibcheck replaces LowLevelParser.handle_error to report a syntax error once."""
    from pybtex.database.input.bibtex import LowLevelParser

    assert "self.handle_error(" in source(LowLevelParser), (
        "pybtex's LowLevelParser no longer calls self.handle_error: update booktools.bibcheck")


def test_pybtex_style_sorts_with_the_style_s_own_sorting_plugin() -> None:
    """NotesStyle names its sorting plugin by class; pybtex binds self.sort to it."""
    from booktools.notes_style import BookSorting, NotesStyle

    style = NotesStyle()
    assert isinstance(style.sorting_style, BookSorting), (
        "pybtex's BaseStyle no longer takes default_sorting_style as a plugin class: "
        "update NotesStyle (booktools/notes_style.py)")
    assert style.sort.__self__ is style.sorting_style


def test_sphinxcontrib_bibtex_footnote_protocol() -> None:
    """booktools.notes puts its notes where sphinxcontrib-bibtex 2.7 collects foot notes."""
    from sphinxcontrib.bibtex import foot_directives, foot_roles

    text = source(foot_roles) + source(foot_directives)
    for key in ("bibtex_foot_bibliography", "bibtex_foot_new_refs"):
        assert key in text, (f"sphinxcontrib-bibtex no longer uses env.temp_data[{key!r}]: "
                             "update booktools.notes.FootCiteRole")


def test_theme_passes_generate_toctree_html() -> None:
    """booktools.html wraps the context's generate_toctree_html (booktools.navigation)."""
    import pydata_sphinx_theme.toctree as toctree

    assert 'context["generate_toctree_html"]' in source(toctree), (
        "pydata-sphinx-theme no longer puts generate_toctree_html in the page context: "
        "update booktools.html.share_navigation and booktools.navigation")


def test_sphinx_warning_stream_handler() -> None:
    """booktools.hints adds its filter to Sphinx's WarningStreamHandler."""
    from sphinx.util import logging as sphinx_logging

    assert isinstance(sphinx_logging.NAMESPACE, str) and issubclass(
        sphinx_logging.WarningStreamHandler, object), (
        "sphinx.util.logging lost NAMESPACE or WarningStreamHandler: update booktools.hints")


def test_sphinx_keeps_its_translators_in_one_clearable_cache() -> None:
    """booktools.build clears sphinx.locale.translators before each build, as Sphinx's own
    test applications do, so one process can build English after Hungarian."""
    import sphinx.locale
    from sphinx.testing import util

    assert isinstance(sphinx.locale.translators, dict)
    assert "sphinx.locale.translators.clear()" in source(util), (
        "Sphinx no longer clears its translator cache this way: update "
        "booktools.build.forget_translations")


def test_sphinx_warning_count_for_the_warm_preview() -> None:
    """booktools.serve resets Sphinx._warncount between rebuilds of one application."""
    from sphinx.application import Sphinx

    assert "self._warncount" in source(Sphinx), (
        "Sphinx no longer counts warnings in _warncount: update booktools.serve.Preview.build")


def test_epub3_builder_methods() -> None:
    """booktools.epub subclasses Epub3Builder and overrides these methods."""
    from sphinx.builders.epub3 import Epub3Builder

    for name in ("init", "build_epub", "build_content", "build_navigation_doc", "handle_finish"):
        assert callable(getattr(Epub3Builder, name, None)), (
            f"Sphinx's Epub3Builder has no {name}(): update booktools.epub.BookEpubBuilder")


def test_sphinx_reredirects_page_writer() -> None:
    """booktools.redirects calls sphinx_reredirects.init(app) for the HTML builder only."""
    import sphinx_reredirects

    assert list(inspect.signature(sphinx_reredirects.init).parameters) == ["app"], (
        "sphinx_reredirects.init(app) changed: update booktools.redirects.write_redirects")


def test_opengraph_social_cards_module() -> None:
    """booktools.html stands in for sphinxext.opengraph._social_cards (skipping matplotlib)."""
    import importlib.util

    init = importlib.util.find_spec("sphinxext.opengraph").origin
    text = Path(init).read_text(encoding="utf-8")
    assert "from sphinxext.opengraph._social_cards import" in text and \
        "create_social_card = None" in text, (
        "sphinxext-opengraph imports its card module differently: update "
        "booktools.html.skip_opengraph_cards")


def test_sphinx_sitemap_link_queue() -> None:
    """booktools.incremental refills app.sitemap_links through add_html_link."""
    import sphinx_sitemap

    params = list(inspect.signature(sphinx_sitemap.add_html_link).parameters)
    assert params == ["app", "pagename", "templatename", "context", "doctree"] and \
        "sitemap_links" in source(sphinx_sitemap), (
        "sphinx-sitemap's add_html_link or sitemap_links changed: update "
        "booktools.incremental.complete_sitemap")


#: Sphinx's EPUB 3 templates as booktools/epub_templates copied them (Sphinx 9.0.4): three
#: unchanged (the builder reads all five from one folder), two with the book's additions.
SPHINX_EPUB_TEMPLATES = {
    "container.xml": "416eb02b2305a0e87504947939bdeaccc93252ce38c29fd21fb92b7672c3be80",
    "content.opf.jinja": "1bc66feeff736c0491fe447f610a409703e4e9bced00b10372064d3ca4c42134",
    "mimetype": "e468e350d1143eb648f60c7b0bd6031101ec0544a361ca74ecef256ac901f48b",
    "nav.xhtml.jinja": "de16ebbb2802c7785776600e34bd6c5103b92a82eadc4bd1944448ea90227757",
    "toc.ncx.jinja": "17e52885a9541f612945552af31d017107c8335e084090c46c8012c0bebfae38",
}


@pytest.mark.parametrize("name", sorted(SPHINX_EPUB_TEMPLATES))
def test_sphinx_epub_templates_are_those_the_book_copied(name: str) -> None:
    """Sphinx's templates have no blocks to extend, so booktools.epub's template folder
    holds copies: when Sphinx changes one, merge the change into the copy."""
    import sphinx

    theirs = Path(sphinx.__file__).parent / "templates" / "epub3" / name
    ours = ROOT / "booktools" / "epub_templates" / name
    assert ours.is_file(), f"booktools/epub_templates/{name} is missing"
    digest = hashlib.sha256(theirs.read_bytes()).hexdigest()
    assert digest == SPHINX_EPUB_TEMPLATES[name], (
        f"Sphinx's epub3/{name} changed: merge the change into booktools/epub_templates/"
        f"{name}, then record the new digest here ({digest})")
    if name in ("container.xml", "mimetype", "toc.ncx.jinja"):
        assert ours.read_bytes() == theirs.read_bytes(), (
            f"booktools/epub_templates/{name} is meant to be Sphinx's unchanged")


def test_event_listeners_name_their_handlers() -> None:
    """booktools.incremental finds Sphinx's TocTreeCollector through the handlers of
    ``app.events.listeners`` (EventListener.handler) to disable it before adding its own."""
    from sphinx.events import EventListener, EventManager

    assert "handler" in EventListener._fields, (
        "sphinx.events.EventListener has no handler: update "
        "booktools.incremental.use_book_toctree_collector")
    assert "self.listeners" in inspect.getsource(EventManager.__init__), (
        "Sphinx's EventManager keeps no listeners dict: update "
        "booktools.incremental.use_book_toctree_collector")
    from sphinx.environment.collectors.toctree import TocTreeCollector

    assert callable(getattr(TocTreeCollector, "assign_figure_numbers", None)) and callable(
        getattr(TocTreeCollector, "assign_section_numbers", None)), (
        "TocTreeCollector no longer has assign_figure_numbers/assign_section_numbers: "
        "update booktools.incremental.BookTocTreeCollector")


def test_sphinxcontrib_bibtex_filter_is_the_one_booktools_overrides() -> None:
    """booktools.bibliography overrides BibtexDomain.get_filtered_entries with the same
    filter in linear time, and uses its private _FilterVisitor: both pinned."""
    from sphinxcontrib.bibtex import domain

    digest = hashlib.sha256(source(domain.BibtexDomain.get_filtered_entries).encode())
    assert digest.hexdigest() == (
        "3ec52cc65a607579bb3e9022250cbe327475f4e0ce2eb026ce46c71640639dad"), (
        "sphinxcontrib-bibtex changed BibtexDomain.get_filtered_entries: bring "
        "booktools.bibliography.BookBibtexDomain in line with it, or drop it")
    assert callable(getattr(domain, "_FilterVisitor", None)), (
        "sphinxcontrib-bibtex lost _FilterVisitor: update booktools.bibliography")


def test_sphinx_search_index_entries_are_the_ones_booktools_records() -> None:
    """booktools.incremental.SearchIndexEntries records each document's index entries as
    IndexBuilder.feed finds them, in the environment's _search_index_index_entries, because
    IndexBuilder.load does not restore them: both methods pinned."""
    from sphinx.environment import BuildEnvironment
    from sphinx.search import IndexBuilder

    digests = [hashlib.sha256(source(m).encode()).hexdigest()
               for m in (IndexBuilder.feed, IndexBuilder.load)]
    assert digests == [
        "056af53b330d8dac4d0d499a39e57cffbc1aec743757f0fd2d59034635611a48",
        "f6bda8631cdd8c130a6b65f4d2fad628e015abe99c8e6d8e9a2b82defb59ab59"], (
        "Sphinx changed IndexBuilder.feed or .load: bring booktools.incremental."
        "index_entries in line with feed, or drop SearchIndexEntries if load restores "
        "the index entries")
    assert "self._search_index_index_entries" in source(BuildEnvironment.__init__), (
        "Sphinx's environment no longer keeps _search_index_index_entries: update "
        "booktools.incremental.SearchIndexEntries")
    assert all(f"self.{name}: dict[str, set[str]]" in source(IndexBuilder.__init__)
               for name in ("_mapping", "_title_mapping")), (
        "Sphinx's IndexBuilder renamed its word mappings: update "
        "booktools.incremental.drop_words_no_page_has")


def book_words() -> dict[str, set[str]]:
    """Every word of the English chapters and of the Hungarian catalogues, lower-cased."""
    import re

    words: dict[str, set[str]] = {"english": set(), "hungarian": set()}
    for path, language in [*((p, "english") for p in BOOK.glob("*.md")),
                           *((p, "hungarian") for p in ROOT.glob("locales/hu/LC_MESSAGES/*.po"))]:
        words[language] |= set(re.findall(r"\w+", path.read_text(encoding="utf-8").lower()))
    return words


def test_the_search_index_stems_in_c_with_the_same_stems() -> None:
    """snowballstemmer, which Sphinx's search languages call, hands over to PyStemmer when
    it is installed (pyproject.toml); the stems must be the pure-Python ones, word for word,
    or the search index (and the browser's stemmer, which is Snowball's JavaScript) would
    change with the install."""
    import snowballstemmer
    import Stemmer
    from snowballstemmer.english_stemmer import EnglishStemmer
    from snowballstemmer.hungarian_stemmer import HungarianStemmer

    pure = {"english": EnglishStemmer(), "hungarian": HungarianStemmer()}
    for language, words in book_words().items():
        fast = snowballstemmer.stemmer(language)
        assert isinstance(fast, Stemmer.Stemmer), (
            f"snowballstemmer no longer uses PyStemmer for {language}: the search index is "
            "stemmed in pure Python again (slower; check snowballstemmer's __init__)")
        assert len(words) > 1000, language
        differ = sorted(w for w in words if fast.stemWord(w) != pure[language].stemWord(w))
        assert not differ, f"PyStemmer and snowballstemmer differ on {language}: {differ[:10]}"


def test_the_pdfs_label_font_is_found_where_matplotlib_keeps_it() -> None:
    """booktools.typst.builder.font_paths finds DejaVu Sans beside matplotlib's package
    without importing it; matplotlib's own answer must be the same folder, with the font."""
    import matplotlib

    from booktools.typst.builder import font_paths

    assert font_paths() == [str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")], (
        "matplotlib keeps its data elsewhere now: update font_paths in booktools/typst/builder.py")
    assert (Path(font_paths()[0]) / "DejaVuSans.ttf").is_file()
