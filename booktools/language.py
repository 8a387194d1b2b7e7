"""Hungarian in an English book: marked so that every edition says it in Hungarian.

A post-transform wraps Hungarian italics (titles of works, terms) and Budapest street and
square names ("Bródy Sándor utca", "Corvin köz") in a ``hungarian`` node.  The website and
the EPUB write it as ``<span lang="hu">`` (with ``xml:lang`` in the EPUB's XHTML), so screen
readers pronounce it as Hungarian; the PDF's translator (booktools/typst) writes
``text(lang: "hu")``, for Hungarian hyphenation and PDF/UA's language tags.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.typing import ExtensionMetadata
from sphinx.writers.html5 import HTML5Translator

#: Letters that occur in Hungarian but not in English words.
HUNGARIAN_LETTERS = re.compile(r"[áéíóöőúüűÁÉÍÓÖŐÚÜŰ]")
#: Hungarian words without accents that may stand alone in italics as Hungarian.
HUNGARIAN_WORDS = frozenset(
    ["magyar", "nemzeti", "dal", "utca", "szabad", "kommunista", "munkás", "párt", "ifjúság"]
)
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


class hungarian(nodes.inline):
    """Text in Hungarian: ``lang="hu"`` in HTML and EPUB; the PDF's translator
    (booktools/typst) sets it in ``text(lang: "hu")``, for Hungarian hyphenation."""


def is_hungarian_title(text: str) -> bool:
    """Whether an italic phrase is Hungarian: a Hungarian letter or a known Hungarian word.

    The book writes titles of works and Hungarian terms in italics; English titles in
    italics (*Failed Illusions*) carry neither.
    """
    words = re.findall(r"\w+", text.lower())
    return bool(HUNGARIAN_LETTERS.search(text)) or (
        bool(words) and all(w in HUNGARIAN_WORDS for w in words)
    )


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
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
