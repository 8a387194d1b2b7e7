"""Hungarian in the book: the Hungarian edition's settings, and Hungarian words marked.

**The edition's language.**  ``-D language=hu`` (``make html LANG=hu``) builds the
Hungarian edition from the catalogues in ``locales/hu`` (booktools.translation).  At
``config-inited``, before any other extension reads them, :func:`configure_edition` sets
what conf.py cannot know in advance: the title, author and description in Hungarian
(booktools.meta), the site's address under ``/hu/``, the EPUB's identifier, the
downloads, the landmarks' titles and the 404 page.  :data:`WORDS` holds the book's own
interface strings in each language (the download menu, the EPUB's accessibility
summary, the PDF's headings); Sphinx's and the theme's strings come from their own
catalogues.

**Hungarian in the English edition.**

A post-transform wraps Hungarian italics (titles of works, terms) and Budapest street and
square names ("Bródy Sándor utca", "Corvin köz") in a ``hungarian`` node.  The website and
the EPUB write it as ``<span lang="hu">`` (with ``xml:lang`` in the EPUB's XHTML), so screen
readers pronounce it as Hungarian; the PDF's translator (booktools/typst) writes
``text(lang: "hu")``, for Hungarian hyphenation and PDF/UA's language tags.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.html5 import HTML5Translator

#: Letters that occur in Hungarian but not in English words.
HUNGARIAN_LETTERS = re.compile(r"[áéíóöőúüűÁÉÍÓÖŐÚÜŰ]")
#: Hungarian words without accents that may stand alone in italics as Hungarian.
HUNGARIAN_WORDS = frozenset(
    ["magyar", "nemzeti", "dal", "utca", "szabad", "kommunista", "munkás", "párt", "ifjúság"]
)
#: Function words of English, French and German that are not Hungarian words: an italic
#: phrase that has one is not Hungarian, whatever its accents (*A Good Comrade: János
#: Kádár, Communism and Hungary*, *Les chars soviétiques à Budapest*).  Not "a", "de",
#: "is", "les" or "mit", which are Hungarian words too.
FOREIGN_WORDS = frozenset([
    "the", "and", "of", "to", "for", "with", "from", "by", "an", "at", "on", "in", "its",
    "against", "et", "du", "des", "une", "à", "sur", "pour", "und", "der", "die", "das",
])
#: A gloss in brackets: "(the Uzhhorod broadcast)", "[Article on …]".
BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
#: Budapest streets and squares in their Hungarian form: "Corvin köz", "Bródy Sándor utca".
STREET = re.compile(
    r"(?:\b[A-ZÁÉÍÓÖŐÚÜŰ][\w-]+ )?\b[A-ZÁÉÍÓÖŐÚÜŰ][\w-]+ "
    r"(?:utca|tér|út|útja|köz|körút|körtér|rakpart|híd)\b"
)
#: English words that may start a sentence before a street name and are not part of it.
ENGLISH_LEADS = frozenset(
    ["A", "An", "And", "At", "By", "Facing", "From", "In", "Into", "Near", "Of", "On", "The",
     "To", "Along", "Past", "Towards", "Via"]
)


#: The book's own interface strings, by language (English is the fallback).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "download-tooltip": "Download the whole book",
        "download-as": "The whole book as {label}, {size}",
        "other-language": "Magyarul",
        "other-language-label": "A könyv magyarul (this page in Hungarian)",
        "not-found-title": "Page not found",
        "not-found-body": "There is no page at this address. Start again from the "
                          '<a href="{prefix}index.html">table of contents</a> or search the book.',
        "copyright": "{year}, {author}. Text CC BY-SA 4.0",
        "updated": "%-d %B %Y",
        # The EPUB's title, copyright and cover pages (booktools/epub_theme).
        "title-page": "Title page",
        "copyright-heading": "Copyright and colophon",
        "edition": "{work}, edition {version}, {date}.",
        "copyright-line": "Copyright © {year} {author}. Published by {publisher}.",
        "licence": "The text is licensed under the Creative Commons Attribution-ShareAlike "
                   "4.0 International licence ({link}): you may copy, share and adapt it, for "
                   "any purpose, if you credit the authors and share your changes under the "
                   "same licence.",
        "source": "The source text, the tools that build this book and its history of "
                  "changes are at {link}.",
        "identifier": "Identifier: {identifier}",
        "colophon": "The cover was drawn from the book’s title when this edition was built. "
                    "Set with Sphinx from MyST Markdown; the printed edition (the PDF) is set "
                    "in Libertinus Serif with Typst.",
        "cover-alt": "Cover: {title}. {subtitle}. {author}.",
        "landmarks": "Landmarks",
        # The page at a moved chapter's old address (booktools.redirects).
        "html-lang": "en-GB",
        "moved-title": "This page has moved",
        "moved-body": 'This chapter has moved to <a href="${to_uri}">a new address</a>.',
        "search-placeholder": "Search...",
        "toc-toggle": "Show or hide the contents of {name}",
        "accessibility-summary": (
            "This publication conforms to WCAG 2.1 Level AA. It has a table of contents, "
            "landmarks, headings for every part, chapter and section, and notes linked both "
            "ways; the reading order follows the printed book. Images carry text "
            "alternatives, Hungarian words are marked as Hungarian, and no colour carries "
            "meaning alone."),
    },
    "hu": {
        "download-tooltip": "A teljes könyv letöltése",
        "download-as": "A teljes könyv {label} formátumban, {size}",
        "other-language": "English",
        "other-language-label": "The book in English (ez az oldal angolul)",
        "not-found-title": "Az oldal nem található",
        "not-found-body": "Ezen a címen nincs oldal. Kezdje újra a "
                          '<a href="{prefix}index.html">tartalomjegyzéktől</a>, vagy keressen '
                          "a könyvben.",
        "copyright": "{year}, {author}. A szöveg CC BY-SA 4.0 licenc alatt",
        "updated": "%Y. %B %-d.",
        "title-page": "Címoldal",
        "copyright-heading": "Impresszum",
        "edition": "{work}, {version}. kiadás, {date}",
        "copyright-line": "Copyright © {year} {author}. Kiadja: {publisher}.",
        "licence": "A szöveg a Creative Commons Nevezd meg! – Így add tovább! 4.0 Nemzetközi "
                   "licenc ({link}) alatt áll: bármilyen célra szabadon másolható, terjeszthető "
                   "és átdolgozható, ha a szerzőket feltünteti, és a változtatásait ugyanezen "
                   "licenc alatt osztja meg.",
        "source": "A forrásszöveg, a könyvet előállító eszközök és a változtatások története: "
                  "{link}.",
        "identifier": "Azonosító: {identifier}",
        "colophon": "A borítót a könyv címéből rajzolta a kiadás előállítása. A szöveget a "
                    "Sphinx szedte MyST Markdown forrásból; a nyomtatott kiadást (a PDF-et) a "
                    "Typst Libertinus Serif betűvel szedte.",
        "cover-alt": "Borító: {title}. {subtitle}. {author}.",
        "landmarks": "Navigációs pontok",
        "html-lang": "hu",
        "moved-title": "Az oldal új helyre költözött",
        "moved-body": 'A fejezet <a href="${to_uri}">új címre</a> költözött.',
        "search-placeholder": "Keresés…",
        "toc-toggle": "{name}: a tartalom megjelenítése vagy elrejtése",
        "accessibility-summary": (
            "A kiadvány megfelel a WCAG 2.1 AA szintjének. Van tartalomjegyzéke és "
            "navigációs pontjai; minden résznek, fejezetnek és alfejezetnek van címsora, a "
            "jegyzetek és hivatkozásaik kölcsönösen egymásra mutatnak; az olvasási sorrend a "
            "nyomtatott könyvét követi. A képeknek szöveges leírásuk van, minden oldal "
            "nyelve magyarként van megadva, és semmilyen jelentést nem hordoz egyedül a "
            "szín."),
        # The EPUB's landmarks and guide (conf.py's epub_guide titles, in order).
        "Title Page": "Címoldal", "Copyright": "Impresszum",
        "Table of Contents": "Tartalom", "Introduction": "Bevezetés",
        "Start of the Story": "A történet kezdete", "Glossary": "Fogalomtár",
        "Bibliography": "Irodalom", "Index": "Mutató", "Cover": "Borító",
    },
}


def words(language: str | None) -> dict[str, str]:
    """The book's interface strings in *language*, English where it has none."""
    return {**WORDS["en"], **WORDS.get(language or "en", {})}


def configure_edition(app: Sphinx, config: Any) -> None:
    """Set what depends on the edition's language, before other extensions read it."""
    import uuid

    from . import meta

    language = config.language or "en"
    if language == "en":
        return
    if language not in meta.LANGUAGES:
        from sphinx.errors import ConfigError

        raise ConfigError(f"language {language!r}: the book is published in "
                          f"{', '.join(meta.LANGUAGES)} (booktools.meta.LANGUAGES)")
    ident, say = meta.identity(language), words(language)
    config.project = config.html_title = config.epub_title = ident.title
    config.author = config.epub_author = ident.author
    config.epub_publisher = ident.publisher
    config.epub_description = ident.description
    config.copyright = config.epub_copyright = say["copyright"].format(
        year=meta.YEAR, author=ident.author)
    config.epub_identifier = (
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{meta.REPOSITORY_URL}#{language}')}")
    config.epub_guide = tuple((kind, page, say.get(title, title))
                              for kind, page, title in config.epub_guide)
    if config.html_last_updated_fmt:
        config.html_last_updated_fmt = say["updated"]
    # The site: the same pages under /<language>/, offering this language's downloads.
    config.html_baseurl = f"{config.html_baseurl}{language}/"
    config.ogp_site_url = config.html_baseurl
    config.ogp_site_name = ident.title
    config.ogp_image = f"{config.html_baseurl}_images/social-card.png"
    config.ogp_image_alt = f"{ident.title}: {ident.subtitle}"
    config.notfound_urls_prefix = f"{config.notfound_urls_prefix}{language}/"
    title = say["not-found-title"]
    config.notfound_context = {
        "title": title, "pagetitle": title,
        "body": f"<h1>{title}</h1>\n<p>"
                + say["not-found-body"].format(prefix=config.notfound_urls_prefix) + "</p>",
    }
    config.book_downloads = [
        (label, str(Path(path).with_name(
            Path(path).name.replace(meta.BASENAME, ident.basename, 1))))
        for label, path in config.book_downloads
    ]
    config.html_theme_options = {**config.html_theme_options,
                                 "search_bar_text": say["search-placeholder"]}
    # sphinx-book-theme's own Hungarian catalogue lacks some of its strings: ours, first.
    theme_catalogue = meta.ROOT / "locales" / language / "LC_MESSAGES" / "booktheme.po"
    if theme_catalogue.is_file():
        _compile(theme_catalogue, language)
        app.add_message_catalog("booktheme", str(meta.ROOT / "locales"))


def _compile(po: Path, language: str) -> None:
    """Write the .mo beside *po* when it is missing or older, with Sphinx's own catalogue
    compiler (Sphinx compiles only the chapters' catalogues and its 'sphinx' domain before
    an extension's catalogue is loaded)."""
    from sphinx.util.i18n import CatalogInfo

    catalogue = CatalogInfo(str(po.parent), po.stem, "utf-8")
    if catalogue.is_outdated():
        catalogue.write_mo(language)


class SortLists(SphinxTransform):
    """In a translation, file the lists of names by that language's alphabet again.

    The people, places and glossary pages are sorted by their English names when they are
    made; Sphinx's i18n transform (priority 20) then translates each name, and Sphinx's
    GlossarySorter (500) sorts a glossary by code points (á after z); so the order is set
    again after both, by the Hungarian alphabet (booktools.collation).
    """

    default_priority = 510

    def apply(self, **kwargs: Any) -> None:
        if self.config.language != "hu":
            return
        from . import collation

        lists = [dl for dl in self.document.findall(nodes.definition_list)
                 if dl.get("book_sort_by_name")
                 or isinstance(dl.parent, addnodes.glossary)]
        for dl in lists:
            items = [c for c in dl.children if isinstance(c, nodes.definition_list_item)]
            if len(items) != len(dl.children):
                continue  # something other than entries in the list: leave it as it is
            items.sort(key=lambda item: collation.hungarian_key(
                term.astext() if (term := item.next_node(nodes.term)) else ""))
            dl.children = list(items)


class Apostrophes(SphinxTransform):
    """In the Hungarian edition, ' is an apostrophe (’), never a quotation mark.

    Sphinx's smart quotes (priority 750) read the ' of "Workers' councils" in an English
    title as a closing single quote, which in Hungarian is », so the Hungarian edition
    printed "Workers» councils".  Hungarian text quotes with „…” and »…«, written as
    such; so ' is set as the apostrophe before the smart quotes run.
    """

    default_priority = 740

    def apply(self, **kwargs: Any) -> None:
        if self.config.language != "hu":
            return
        for text in list(self.document.findall(nodes.Text)):
            if "'" not in text or _in_code(text):
                continue
            text.parent.replace(text, nodes.Text(str(text).replace("'", "\u2019")))


class AdoptTranslatedNodes(SphinxTransform):
    """Nodes of a translated paragraph belong to the chapter's document, not to the parse
    of their message.

    Sphinx's i18n transform (``Locale``, priority 20) parses each translated message as a
    document of its own and moves the nodes into the chapter; MyST had given some of them
    (footnote references, index entries, targets, cross-references) that message's document
    as their own, so each one pickled a whole second document into the chapter's doctree.
    The Hungarian doctrees were seven times the English ones (25 MB against 4.6 MB) and a
    build with nothing to do spent 3 s unpickling them.  Handing the nodes back to the
    chapter's document changes no output.
    """

    default_priority = 21  # right after Sphinx's Locale (20)

    def apply(self, **kwargs: Any) -> None:
        if not self.config.language or self.config.language == "en":
            return
        for node in self.document.findall():
            own = node.__dict__.get("_document")
            if own is not None and own is not self.document:
                node.document = self.document


def _in_code(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.FixedTextElement, nodes.literal, nodes.raw)):
            return True
        parent = parent.parent
    return False


def sort_general_index(app: Sphinx, pagename: str, templatename: str,
                       context: dict[str, Any], doctree: Any) -> None:
    """The general index of a translation, filed by its alphabet (HTML and EPUB).

    Sphinx groups and sorts ``genindex`` by the letters of the English alphabet; in
    Hungarian, Cs, Gy, Ny, Sz, Zs, Ö and Ü head groups of their own, and every entry and
    sub-entry is sorted by booktools.collation.
    """
    if pagename != "genindex" or app.config.language != "hu" \
            or "genindexentries" not in context:
        return
    from . import collation

    entries = [entry for _letter, group in context["genindexentries"] for entry in group]
    for _name, (_links, subentries, _key) in entries:
        subentries.sort(key=lambda sub: collation.hungarian_key(sub[0]))
    entries.sort(key=lambda entry: collation.hungarian_key(entry[0]))
    groups: dict[str, list[Any]] = {}
    for entry in entries:
        other = "Számok" if entry[0][:1].isdigit() else "Jelek"  # numbers, symbols
        groups.setdefault(collation.initial(entry[0]) or other, []).append(entry)
    context["genindexentries"] = list(groups.items())


class hungarian(nodes.inline):
    """Text in Hungarian: ``lang="hu"`` in HTML and EPUB; the PDF's translator
    (booktools/typst) sets it in ``text(lang: "hu")``, for Hungarian hyphenation."""


def is_hungarian_title(text: str) -> bool:
    """Whether an italic phrase is Hungarian: a Hungarian letter or a known Hungarian word,
    and no English, French or German function word (FOREIGN_WORDS).

    The book writes titles of works and Hungarian terms in italics; English titles in
    italics (*Failed Illusions*) carry neither.  A gloss in brackets after a Hungarian
    title (*Magyar Kronológia: 1956. november 4. (the Uzhhorod broadcast)*) does not
    count against it, and Hungarian in brackets after a bare word counts for it
    (*Dokumentum (Október 23.)*); an English description in brackets
    (*[Study of Soviet policy and the removal of Rákosi, July 1956], page 6*) is English.
    """
    def words(part: str) -> list[str]:
        return re.findall(r"\w+", part.lower())

    def hungarian_signs(part: str) -> bool:
        found = words(part)
        return bool(HUNGARIAN_LETTERS.search(part)) or (
            bool(found) and all(w in HUNGARIAN_WORDS for w in found))

    outside = BRACKETED.sub("", text).strip() or text
    inside = " ".join(BRACKETED.findall(text))
    if FOREIGN_WORDS.intersection(words(outside)):
        return False
    if not hungarian_signs(outside) and FOREIGN_WORDS.intersection(words(inside)):
        return False
    return hungarian_signs(text)


def street_spans(text: str) -> list[tuple[int, int]]:
    """Spans of Budapest street and square names in *text*, without a leading English word."""
    spans = []
    for m in STREET.finditer(text):
        start = m.start()
        first = m.group(0).split(" ", 1)[0]
        if first in ENGLISH_LEADS:
            start += len(first) + 1
        spans.append((start, m.end()))
    return spans


class MarkHungarian(SphinxPostTransform):
    """Wrap Hungarian italics and street names in ``hungarian`` nodes (every builder)."""

    default_priority = 900

    def run(self, **kwargs: Any) -> None:
        for em in list(self.document.findall(nodes.emphasis)):
            if is_hungarian_title(em.astext()):
                em.replace_self(hungarian("", "", em.deepcopy(), classes=["hu"]))
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or isinstance(
                parent, (hungarian, nodes.FixedTextElement, nodes.literal)
            ):
                continue
            if isinstance(parent, nodes.emphasis) and isinstance(parent.parent, hungarian):
                continue
            value = str(text)
            spans = street_spans(value)
            if not spans:
                continue
            pieces: list[nodes.Node] = []
            pos = 0
            for start, end in spans:
                if start > pos:
                    pieces.append(nodes.Text(value[pos:start]))
                pieces.append(hungarian("", value[start:end], classes=["hu"]))
                pos = end
            if pos < len(value):
                pieces.append(nodes.Text(value[pos:]))
            index = parent.index(text)
            parent.remove(text)
            for offset, piece in enumerate(pieces):
                parent.insert(index + offset, piece)


def visit_hungarian_html(self: HTML5Translator, node: hungarian) -> None:
    # xml:lang as well as lang: EPUB readers read the XHTML as XML.
    attrs = {"lang": "hu"}
    if self.builder.name == "epub":
        attrs["xml:lang"] = "hu"
    self.body.append(self.starttag(node, "span", "", False, **attrs))


def depart_hungarian_html(self: HTML5Translator, node: hungarian) -> None:
    self.body.append("</span>")


def visit_hungarian_plain(self: Any, node: hungarian) -> None:
    pass


def depart_hungarian_plain(self: Any, node: hungarian) -> None:
    pass



def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_node(
        hungarian,
        html=(visit_hungarian_html, depart_hungarian_html),
        text=(visit_hungarian_plain, depart_hungarian_plain),
        man=(visit_hungarian_plain, depart_hungarian_plain),
        texinfo=(visit_hungarian_plain, depart_hungarian_plain),
    )
    app.add_post_transform(MarkHungarian)
    app.add_transform(SortLists)
    app.add_transform(Apostrophes)
    app.add_transform(AdoptTranslatedNodes)
    app.connect("html-page-context", sort_general_index)
    # First of every config-inited handler: sphinx-sitemap, sphinx-notfound-page,
    # sphinxext-opengraph and booktools.html read the values it sets.
    app.connect("config-inited", configure_edition, priority=0)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
