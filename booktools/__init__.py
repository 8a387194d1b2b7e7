"""The book's own build tools: Sphinx extensions, commands and checks.

Start here.  ``make`` runs :mod:`booktools.build`, which runs Sphinx once per edition in one
process (one parse for all three); ``make check`` runs :mod:`booktools.check`; ``make serve``
runs :mod:`booktools.serve`.  Everything a contributor can get wrong ends in a message with
file, line and fix (:mod:`booktools.errors`), never a traceback.

Module map
==========

Commands (``python -m booktools.NAME``)

==================  ======================================================================
build               build the editions into work folders, publish each only if it built
check               the contributor's verdict: references, images, HTML build, links
serve               warm preview: one Sphinx application, rebuilds on save, reloads pages
bibcheck            references.bib and every citation, before any build
linkcheck           links, fragments and images of each edition (lychee, epubcheck, pikepdf)
geodata, icons      regenerate data files that are committed (GeoNames, Danube; icon CSS)
translation         the translations' gettext catalogues: update them, list what is missing
==================  ======================================================================

Sphinx extensions (listed in conf.py), by concern

==================  =========  ============================================================
module              editions   does
==================  =========  ============================================================
notes               all        ``{footcite}``: one note per use, full then short, Chicago
                               style (with ``notes_style``, a pybtex plugin); the build
                               fingerprint that invalidates the cached parse
bibliography        all        sphinxcontrib-bibtex's domain, its bibliography filter in
                               linear time (entries + citations, not entries × citations)
safety              all        no raw HTML, file insertion, ``javascript:``/``data:`` URLs
hints               all        how-to-fix hints on Sphinx's warnings; unclosed fences, roles
figures, plans      all        the timeline chart and maps, drawn from ``book/data/``
backmatter          all        timeline, people, places, glossary, numbers pages from data
incremental         all        a changed title or label rewrites every page showing it;
                               figure numbers kept when no figure moved
prune               HTML/EPUB  no page or image of a removed document survives
language            all        the Hungarian edition's settings (``-D language=hu``) and its
                               interface strings; ``lang="hu"`` on Hungarian words
epub                EPUB       the EPUB 3 builder, its translator, metadata, cover, zip
typst               PDF        the PDF builder: doctrees to Typst, compiled in-process
html, navigation    HTML       the website: downloads menu, favicon, shared navigation
redirects           HTML       old chapter addresses send readers on
alternates          HTML       the language switch, ``hreflang`` links, both languages' sitemap
==================  =========  ============================================================

Shared pieces: ``meta`` (title, author, repository, the build fingerprint; the paths
``ROOT``/``BOOK``/``BUILD``, the chapter glob, the build date), ``bookdata``
(reads and checks ``book/data/*.csv``), ``myst`` (the chapters as MyST tokens with
their lines, one walk for the checks that read them before Sphinx), ``cover`` (cover
and social card), ``errors`` (faults that end a command, and their exit codes),
``codes`` (the registry of warning codes, ``[book.unknown-key]``, with meaning and fix;
the table in CONTRIBUTING.md is made from it), ``collation`` (the Hungarian alphabetical
order, for the Hungarian edition's index and lists).

Events, in the order Sphinx emits them
======================================

Priority is Sphinx's (lower runs first; 500 is the default).  Where two handlers share an
event, the priority says why one must come first.

======================  =============================  =======  ====  =======================
event                   handler                        edition  prio  why this priority
======================  =============================  =======  ====  =======================
config-inited           language.configure_edition     all      0     before every reader
                                                                      of what it sets
config-inited           html.check_opengraph_cards     HTML     500
config-inited           html.on_config_inited          HTML     500
config-inited           notes._copy_fingerprint        all      500
config-inited           redirects.use_template_in_...  HTML     500
builder-inited          epub._use_epub_translator      EPUB     300   before the theme wraps
                                                                      the registered
                                                                      translators
builder-inited          figures._builder_inited        all      500   draws before reading
builder-inited          hints._install_filter          all      500
builder-inited          html.on_builder_inited         HTML     500
builder-inited          notes._load_forms              all      500
builder-inited          typst.check_config             PDF      500
env-get-outdated        incremental.note_removed       all      500
env-before-read-docs    safety._disable_file_and_...   all      500
env-before-read-docs    incremental.before_read        all      500
source-read             hints.check_unclosed           all      500
doctree-read            safety.check_doctree           all      500
env-get-updated         incremental.rewrite_all_...    all      500
env-updated             navigation.reset               HTML     500
env-updated             prune.remove_stale_outputs     HTML/    500   before any page is
                                                       EPUB           written or zipped
html-collect-pages      epub.collect_pages             EPUB     500
html-collect-pages      redirects.write_redirects      HTML     500
html-collect-pages      incremental.drop_words_no_...  HTML     500   after every page is
                                                                      indexed, before the
                                                                      index is written
html-page-context       navigation.share_sphinx_...    HTML     499   before the theme's
                                                                      own (500) uses it
html-page-context       html.share_sidebar_navigation  HTML     499   before the theme's
                                                                      empty-template check
html-page-context       html.add_download_menu         HTML     600   after the theme
html-page-context       html.link_favicon              HTML     500
html-page-context       alternates.add_alternates      HTML     500
html-page-context       language.sort_general_index    HTML/    500
                                                       EPUB
html-page-context       epub.add_page_context          EPUB     900   after last-updated-
                                                                      by-git (500)
build-finished          incremental.complete_sitemap   HTML     400   before sphinx-sitemap
                                                                      writes (500)
build-finished          html.on_build_finished         HTML     500
build-finished          navigation.save                HTML     500   keeps the checked
                                                                      templates for the
                                                                      next build
build-finished          notes._save_forms              all      500
build-finished          alternates.list_languages      HTML     600   after sphinx-sitemap
                                                                      writes (500)
======================  =============================  =======  ====  =======================

Transforms: ``language.AdoptTranslatedNodes`` (21, translated editions: right after Sphinx's
i18n ``Locale`` at 20), ``language.Apostrophes`` (740, Hungarian edition: before smart
quotes at 750), ``language.SortLists`` (510, Hungarian edition: after Sphinx's
GlossarySorter at 500).
Collectors: ``incremental.BookTocTreeCollector`` replaces Sphinx's table-of-contents
collector, keeping the figure numbers when no figure or toctree moved;
``backmatter.PeopleAppearances`` reads the people page again when an edit changed who
appears in which chapter (``env-get-outdated``), not after every chapter edit;
``incremental.SearchIndexEntries`` records each document's index entries for
``searchindex.js`` when it is read, so pages an incremental build does not write keep them.
Post-transform: ``language.MarkHungarian`` (priority 900, every builder).  The warm preview
(``serve``) adds two handlers of its own to its long-lived application.
"""
