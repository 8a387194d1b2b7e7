"""A docutils translator from the book's doctree to Typst markup.

Safety first: every piece of text from a chapter goes through :func:`escape` (markup) or
:func:`string` (a Typst string literal), so no chapter can run Typst code, whatever
characters it holds.  The translator writes only calls to the template's own functions
(``booktools/typst/book.typ``) and Typst's standard elements around that text.

Each block records the chapter file and line it came from (:class:`Source` markers), so
that a Typst error can be reported at the chapter's line (see ``builder.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from .. import codes
from . import index as bookindex

if TYPE_CHECKING:
    from .builder import TypstPDFBuilder

logger = logging.getLogger(__name__)

#: ASCII punctuation: each is escaped in markup (Typst lets any character be escaped).
_PUNCT = frozenset("\\#$*_@<>[]`~/=-+'\":.,;!?{}()^&|%")
_LABEL_OK = re.compile(r"[^A-Za-z0-9_.:-]")


#: Characters of a definition list entry up to which it is kept on one page.
KEEP_TOGETHER = 700


#: escape()'s table: each punctuation mark escaped, line breaks a space, controls dropped.
_ESCAPES = {ord(c): "\\" + c for c in _PUNCT}
_ESCAPES.update({ord(c): " " for c in "\n\r\t"})
_ESCAPES.update({i: None for i in [*range(32), 0x7F] if chr(i) not in "\n\r\t"})


def escape(text: str) -> str:
    """Text as Typst markup that prints exactly *text* and can run nothing."""
    return text.translate(_ESCAPES)


_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November"
           "|December")
#: A day and its month ("4 November", "November 4") are kept on one line.
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) ({_MONTHS})\b|\b({_MONTHS}) (\d{{1,2}})\b")


_HU_MONTHS = ("január|február|március|április|május|június|július|augusztus|szeptember"
              "|október|november|december")
#: In Hungarian, the year to its month and the month to its day ("1956. október 23.").
_HU_YEAR_MONTH = re.compile(rf"\b(\d{{4}}\.) (?=(?:{_HU_MONTHS})\b)", re.IGNORECASE)
_HU_MONTH_DAY = re.compile(rf"\b({_HU_MONTHS}) (?=\d{{1,2}}\b)", re.IGNORECASE)


def tie_dates(text: str) -> str:
    """*text* with a no-break space between a day and its month, as a typesetter ties them."""
    text = _DAY_MONTH.sub(lambda m: "\u00a0".join(g for g in m.groups() if g), text)
    text = _HU_YEAR_MONTH.sub(lambda m: m.group(1) + "\u00a0", text)
    return _HU_MONTH_DAY.sub(lambda m: m.group(1) + "\u00a0", text)


def string(text: str) -> str:
    """*text* as a Typst string literal."""
    text = "".join(c for c in text if ord(c) >= 32 or c in "\n\t")
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace(
        "\t", "\\t")
    return f'"{text}"'


def label_name(docname: str, ident: str) -> str:
    """A Typst label for an id of a document: unique across the book, safe as a literal."""
    return "r-" + _LABEL_OK.sub("-", f"{docname}:{ident}" if ident else f"{docname}:")


@dataclass(frozen=True)
class Source:
    """Marker in the output: the lines after it come from this chapter line."""

    source: str
    line: int


class TypstTranslator(nodes.NodeVisitor):
    """Writes the whole book, assembled into one doctree, as one Typst document."""

    def __init__(self, document: nodes.document, builder: TypstPDFBuilder) -> None:
        super().__init__(document)
        self.builder = builder
        self.config = builder.config
        # "Fig. 1: ..." in English; in Hungarian the number carries the word ("1. ábra").
        self.figure_supplement = "none" if self.config.language == "hu" else "[Fig.]"
        self.body: list[str | Source] = []
        self.docnames: list[str] = [builder.config.root_doc]
        self.doc_depth: list[int] = [0]
        self.doc_is_part: list[bool] = [False]
        self.section_level = 0
        self.section_stack: list[int] = []
        self.chapter_number = 0
        self.matter = "front"
        self.in_title = False
        self.pending_after_title: list[str] = []
        self.footnotes: dict[tuple[str, str], nodes.footnote] = {}
        self.rendering_footnote = 0
        self.labels: set[str] = set()
        self.emitted: set[str] = set()
        self.first_title_done: set[str] = set()
        self._collect(document)

    # -- helpers ---------------------------------------------------------------------------

    def _collect(self, document: nodes.document) -> None:
        """Every footnote by (docname, id), and every label the book will carry.

        Walked from the top, keeping the document name: ``inline_all_toctrees`` sets a
        ``start_of_file``'s children without their parent pointers.
        """
        stack: list[tuple[nodes.Node, str]] = [(document, self.config.root_doc)]
        while stack:
            node, doc = stack.pop()
            if not isinstance(node, nodes.Element):
                continue
            if isinstance(node, addnodes.start_of_file):
                doc = node["docname"]
                self.labels.add(label_name(doc, ""))
            if node.get("ids"):
                if isinstance(node, nodes.footnote):
                    for ident in node["ids"]:
                        self.footnotes[(doc, ident)] = node
                elif not isinstance(node, addnodes.index):
                    for ident in node["ids"]:
                        if not ident.startswith("index-"):
                            self.labels.add(label_name(doc, ident))
            stack.extend((child, doc) for child in reversed(node.children))

    @property
    def docname(self) -> str:
        return self.docnames[-1]

    def add(self, text: str) -> None:
        self.body.append(text)

    def mark(self, node: nodes.Node) -> None:
        source, line = getattr(node, "source", None), getattr(node, "line", None)
        if source and line:
            self.body.append(Source(source, line))

    def anchors(self, node: nodes.Element, skip: int = 0) -> str:
        """Invisible link targets for a node's ids (the first *skip* are placed elsewhere)."""
        out = []
        for ident in node["ids"][skip:]:
            name = label_name(self.docname, ident)
            if name in self.emitted:
                continue
            self.emitted.add(name)
            out.append(f"#metadata(none)<{name}>")
        return "".join(out)

    def astext(self) -> str:
        return "".join(p for p in self.body if isinstance(p, str))

    def unknown_visit(self, node: nodes.Node) -> None:
        codes.warn(logger, "book.pdf-unsupported",
                   "the PDF edition cannot typeset a %s node yet: its text is printed "
                   "as it is", type(node).__name__, location=node)
        self.add(escape(node.astext()))
        raise nodes.SkipNode

    def unknown_departure(self, node: nodes.Node) -> None:
        pass

    # -- structure -------------------------------------------------------------------------

    def visit_document(self, node: nodes.Element) -> None:
        pass

    def depart_document(self, node: nodes.Element) -> None:
        pass

    def visit_start_of_file(self, node: nodes.Element) -> None:
        docname = node["docname"]
        config = self.config
        depth = self.doc_depth[-1] + 1
        if docname == config.book_mainmatter_start:
            self.matter = "main"
            # Arabic numbers from 1, on the right-hand page after the front matter.
            self.add('\n\n#bk-mainmatter()\n#set page(numbering: "1")\n'
                     "#counter(page).update(1)\n\n")
        elif docname == config.book_backmatter_start:
            self.matter = "back"
            self.add("\n\n#bk-backmatter()\n\n")
        self.docnames.append(docname)
        self.doc_depth.append(depth)
        # A part is a page whose toctree brings in other pages (its chapters).
        self.doc_is_part.append(any(
            isinstance(n, addnodes.start_of_file) for n in node.findall(include_self=False)))
        self.section_stack.append(self.section_level)
        self.section_level = 0

    def depart_start_of_file(self, node: nodes.Element) -> None:
        self.docnames.pop()
        self.doc_depth.pop()
        self.doc_is_part.pop()
        self.section_level = self.section_stack.pop()

    def visit_section(self, node: nodes.Element) -> None:
        self.section_level += 1

    def depart_section(self, node: nodes.Element) -> None:
        self.section_level -= 1

    def _heading_kind(self) -> tuple[str, int]:
        """(kind, Typst level) of the title now being visited.

        A part's title is level 1 and its chapters' titles level 2; a page outside any
        part (the front matter, or a small book's chapters) is a level 1 chapter.
        """
        level = self.section_level
        if self.doc_is_part[-1]:
            return ("part", 1) if level == 1 else ("section", level)
        base = 2 if any(self.doc_is_part) else 1
        kind = {1: "chapter", 2: "section"}.get(level, "subsection")
        return kind, base + level - 1

    def visit_title(self, node: nodes.Element) -> None:
        parent = node.parent
        if isinstance(parent, nodes.section):
            kind, level = self._heading_kind()
            section = parent
            self.mark(node)
            self.add("\n\n")
            number = "none"
            if kind == "chapter" and self.matter == "main":
                self.chapter_number += 1
                number = str(self.chapter_number)
            if kind == "part":
                self.add("#bk-part-break()\n")
            elif kind == "chapter":
                any_page = "true" if self.matter == "back" else "false"
                self.add(f"#bk-chapter-break(any: {any_page}, number: {number})\n")
            supplement = {"part": "Part", "chapter": "Chapter", "section": "Section",
                          "subsection": "Subsection"}[kind]
            self.add(f"#heading(level: {level}, supplement: [{supplement}])[")
            self.in_title = True
            self.pending_after_title = []
            self.title_section = section
            self.title_kind = kind
            return
        if isinstance(parent, nodes.table):
            self.add("#bk-table-title[")
            return
        if isinstance(parent, (nodes.topic, nodes.sidebar, nodes.admonition)):
            # The box's title: written by the box's visitor.
            raise nodes.SkipNode
        self.add("#strong[")

    def depart_title(self, node: nodes.Element) -> None:
        if not self.in_title:
            self.add("]")
            return
        self.in_title = False
        section = self.title_section
        label = ""
        ids: list[str] = section["ids"]
        if ids:
            name = label_name(self.docname, ids[0])
            if name not in self.emitted:
                self.emitted.add(name)
                label = f" <{name}>"
        self.add(f"]{label}\n")
        extra = self.anchors(section)
        if self.docname not in self.first_title_done:
            self.first_title_done.add(self.docname)
            doc_label = label_name(self.docname, "")
            if doc_label not in self.emitted:
                self.emitted.add(doc_label)
                extra += f"#metadata(none)<{doc_label}>"
        extra += "".join(self.pending_after_title)
        if extra:
            self.add(extra + "\n")
        if self.title_kind == "part":
            self.add("#bk-part-intro()\n")
        self.add("\n")

    def visit_subtitle(self, node: nodes.Element) -> None:
        self.add("\n\n#emph[")

    def depart_subtitle(self, node: nodes.Element) -> None:
        self.add("]\n\n")

    def visit_rubric(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add("\n\n#bk-rubric[")

    def depart_rubric(self, node: nodes.Element) -> None:
        self.add("]\n\n")

    def visit_paragraph(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add("\n\n" + self.anchors(node))

    def depart_paragraph(self, node: nodes.Element) -> None:
        self.add("\n\n")

    def visit_compound(self, node: nodes.Element) -> None:
        pass

    def depart_compound(self, node: nodes.Element) -> None:
        pass

    def visit_container(self, node: nodes.Element) -> None:
        self.add(self.anchors(node))

    def depart_container(self, node: nodes.Element) -> None:
        pass

    def visit_transition(self, node: nodes.Element) -> None:
        # MyST puts a transition before a page's notes; in print the notes stand at the
        # foot of their pages, so a rule before the (empty) end of the chapter means nothing.
        rest = node.parent.children[node.parent.index(node) + 1:] if node.parent else []
        if all(isinstance(n, (nodes.footnote, nodes.container, nodes.target, nodes.comment))
               and not any(isinstance(m, nodes.paragraph) and not _in_footnote(m)
                           for m in n.findall(nodes.paragraph))
               for n in rest):
            raise nodes.SkipNode
        self.add("\n\n#bk-transition()\n\n")
        raise nodes.SkipNode

    def visit_comment(self, node: nodes.Element) -> None:
        raise nodes.SkipNode

    visit_raw = visit_comment
    visit_substitution_definition = visit_comment
    visit_system_message = visit_comment
    visit_meta = visit_comment
    visit_toctree = visit_comment
    visit_tabular_col_spec = visit_comment
    visit_pending_xref = visit_comment  # unresolved: Sphinx has warned already

    def visit_target(self, node: nodes.Element) -> None:
        if node.get("refuri") and not node.get("ids"):
            raise nodes.SkipNode
        ids = [i for i in node["ids"] if not i.startswith("index-")]
        if ids:
            for ident in ids:
                name = label_name(self.docname, ident)
                if name in self.emitted:
                    continue
                self.labels.add(name)
                self.emitted.add(name)
                self.add(f"#metadata(none)<{name}>")
        raise nodes.SkipNode

    # -- inline ----------------------------------------------------------------------------

    def visit_Text(self, node: nodes.Text) -> None:
        text = tie_dates(node.astext())
        if self.config.language == "hu":
            # Typst's Hungarian smart quotes turn ' into », which is wrong in an apostrophe
            # ("Workers' councils" in an English title): set the apostrophe itself.
            text = text.replace("'", "\u2019")
        self.add(escape(text))

    def depart_Text(self, node: nodes.Text) -> None:
        pass

    def visit_emphasis(self, node: nodes.Element) -> None:
        self.add("#emph[")

    def depart_emphasis(self, node: nodes.Element) -> None:
        self.add("]")

    def visit_strong(self, node: nodes.Element) -> None:
        self.add("#strong[")

    depart_strong = depart_emphasis

    def visit_title_reference(self, node: nodes.Element) -> None:
        self.add("#emph[")

    depart_title_reference = depart_emphasis

    def visit_literal(self, node: nodes.Element) -> None:
        self.add(f"#raw({string(node.astext())})")
        raise nodes.SkipNode

    def visit_superscript(self, node: nodes.Element) -> None:
        self.add("#super[")

    depart_superscript = depart_emphasis

    def visit_subscript(self, node: nodes.Element) -> None:
        self.add("#sub[")

    depart_subscript = depart_emphasis

    def visit_hungarian(self, node: nodes.Element) -> None:
        self.add('#text(lang: "hu", region: none)[')

    depart_hungarian = depart_emphasis

    def visit_inline(self, node: nodes.Element) -> None:
        self.add(self.anchors(node))

    def depart_inline(self, node: nodes.Element) -> None:
        pass

    visit_abbreviation = visit_inline
    depart_abbreviation = depart_inline
    visit_problematic = visit_inline
    depart_problematic = depart_inline
    visit_generated = visit_inline
    depart_generated = depart_inline

    def visit_reference(self, node: nodes.Element) -> None:
        uri = node.get("refuri", "")
        target = ""
        if node.get("refid"):
            target = label_name(self.docname, node["refid"])
        elif uri.startswith("%"):
            doc, _, ident = uri[1:].partition("#")
            target = label_name(doc, ident)
        if target:
            if target in self.labels and not self.in_title:
                self.add(f"#link(<{target}>)[")
                self.context_link = True
                node["typst_link"] = True
            return
        if uri and not self.in_title:
            node["typst_link"] = True
            if node.astext() == uri or node.astext() == uri.removeprefix("mailto:"):
                self.add(f"#bk-url({string(uri)})")
                raise nodes.SkipNode
            self.add(f"#link({string(uri)})[")

    def depart_reference(self, node: nodes.Element) -> None:
        if node.get("typst_link"):
            self.add("]")

    visit_number_reference = visit_reference  # {numref}: Sphinx has written "Fig. 1"
    depart_number_reference = depart_reference

    def visit_footnote_reference(self, node: nodes.Element) -> None:
        note = self.footnotes.get((self.docname, node.get("refid", "")))
        if note is None or self.in_title:
            raise nodes.SkipNode
        self.add("#footnote[#h(0.3em)")
        self.rendering_footnote += 1
        first = True
        for child in note.children:
            if isinstance(child, nodes.label):
                continue
            if isinstance(child, nodes.paragraph):
                # Inline, so the note's number stands on the line of its text.
                if not first:
                    self.add("\n\n")
                for grandchild in child.children:
                    grandchild.walkabout(self)
            else:
                child.walkabout(self)
            first = False
        self.rendering_footnote -= 1
        self.add("]")
        raise nodes.SkipNode

    def visit_footnote(self, node: nodes.Element) -> None:
        raise nodes.SkipNode  # printed at its reference, at the foot of the page

    def visit_citation(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add("\n\n#bk-citation[" + self.anchors(node))

    def depart_citation(self, node: nodes.Element) -> None:
        self.add("]\n\n")

    def visit_label(self, node: nodes.Element) -> None:
        raise nodes.SkipNode

    def visit_citation_reference(self, node: nodes.Element) -> None:
        self.add(escape(node.astext()))
        raise nodes.SkipNode

    def visit_index(self, node: nodes.Element) -> None:
        calls = []
        language = self.config.language or "en"
        for entry_type, value, _target, main, _key in node["entries"]:
            for primary, secondary in bookindex.pairs(entry_type, value):
                calls.append(
                    f"#bk-ix({string(primary)}, {string(secondary)}, "
                    f"{string(bookindex.sort_key(primary, language))}, "
                    f"{string(bookindex.sort_key(secondary, language))}, "
                    f"{string(bookindex.group_letter(primary, language))}, "
                    f"main: {'true' if main == 'main' else 'false'})"
                )
        if self.in_title:
            self.pending_after_title.extend(calls)
        else:
            self.add("".join(calls))
        raise nodes.SkipNode

    # -- lists, definitions, quotes, boxes ------------------------------------------------

    def visit_bullet_list(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add("\n\n#list(")

    def depart_bullet_list(self, node: nodes.Element) -> None:
        self.add(")\n\n")

    def visit_enumerated_list(self, node: nodes.Element) -> None:
        self.mark(node)
        start = node.get("start", 1)
        self.add(f"\n\n#enum(start: {int(start)}, ")

    depart_enumerated_list = depart_bullet_list

    def visit_list_item(self, node: nodes.Element) -> None:
        self.add("[" + self.anchors(node))

    def depart_list_item(self, node: nodes.Element) -> None:
        self.add("], ")

    def visit_definition_list(self, node: nodes.Element) -> None:
        self.mark(node)
        # A short entry is kept on one page, so a term never ends a page without its text.
        keep = ", ".join("true" if len(item.astext()) < KEEP_TOGETHER else "false"
                         for item in node.children
                         if isinstance(item, nodes.definition_list_item))
        self.add(f"\n\n#bk-terms(keep: ({keep},), ")

    def depart_definition_list(self, node: nodes.Element) -> None:
        self.add(")\n\n")

    def visit_definition_list_item(self, node: nodes.Element) -> None:
        self.add("terms.item(")

    def depart_definition_list_item(self, node: nodes.Element) -> None:
        self.add("), ")

    def visit_term(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add("[" + self.anchors(node))

    def depart_term(self, node: nodes.Element) -> None:
        self.add("], ")

    def visit_classifier(self, node: nodes.Element) -> None:
        raise nodes.SkipNode

    def visit_definition(self, node: nodes.Element) -> None:
        self.add("[")

    def depart_definition(self, node: nodes.Element) -> None:
        self.add("]")

    def visit_glossary(self, node: nodes.Element) -> None:
        pass

    def depart_glossary(self, node: nodes.Element) -> None:
        pass

    def visit_field_list(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add("\n\n#bk-terms(keep: (), ")

    depart_field_list = depart_definition_list

    def visit_field(self, node: nodes.Element) -> None:
        self.add("terms.item(")

    depart_field = depart_definition_list_item

    def visit_field_name(self, node: nodes.Element) -> None:
        self.add("[")

    def depart_field_name(self, node: nodes.Element) -> None:
        self.add("], ")

    visit_field_body = visit_definition
    depart_field_body = depart_definition

    def visit_block_quote(self, node: nodes.Element) -> None:
        self.mark(node)
        kind = "epigraph" if "epigraph" in node.get("classes", []) else "quote"
        attribution = next((c for c in node.children if isinstance(c, nodes.attribution)),
                           None)
        self.add(f"\n\n#bk-{kind}(")
        if attribution is not None:
            self.add("attribution: [")
            for child in attribution.children:
                child.walkabout(self)
            self.add("], ")
        self.add("[" + self.anchors(node))

    def depart_block_quote(self, node: nodes.Element) -> None:
        self.add("])\n\n")

    def visit_attribution(self, node: nodes.Element) -> None:
        raise nodes.SkipNode  # written by visit_block_quote

    def visit_line_block(self, node: nodes.Element) -> None:
        if not isinstance(node.parent, nodes.line_block):
            self.mark(node)
            self.add("\n\n#bk-lines[")

    def depart_line_block(self, node: nodes.Element) -> None:
        if not isinstance(node.parent, nodes.line_block):
            self.add("]\n\n")

    def visit_line(self, node: nodes.Element) -> None:
        pass

    def depart_line(self, node: nodes.Element) -> None:
        self.add(" \\\n")

    def _box(self, node: nodes.Element, title: str | None) -> None:
        self.mark(node)
        classes = [c for c in node["classes"] if not c.startswith("admonition")]
        kind = classes[0] if classes else type(node).__name__
        self.add(f"\n\n#bk-box(kind: {string(kind)}, title: [")
        title_node = next((c for c in node.children if isinstance(c, nodes.title)), None)
        if title_node is not None:
            for child in title_node.children:
                child.walkabout(self)
        elif title:
            self.add(escape(title))
        self.add("])[" + self.anchors(node))

    def _box_end(self, node: nodes.Element) -> None:
        self.add("]\n\n")

    def visit_admonition(self, node: nodes.Element) -> None:
        self._box(node, None)

    depart_admonition = _box_end

    def visit_topic(self, node: nodes.Element) -> None:
        self._box(node, None)

    depart_topic = _box_end
    visit_sidebar = visit_topic
    depart_sidebar = _box_end

    def _named_admonition(self, node: nodes.Element) -> None:
        self._box(node, type(node).__name__.capitalize())

    for _name in ("attention", "caution", "danger", "error", "hint", "important", "note",
                  "tip", "warning", "seealso"):
        locals()[f"visit_{_name}"] = _named_admonition
        locals()[f"depart_{_name}"] = _box_end
    del _name

    def visit_literal_block(self, node: nodes.Element) -> None:
        self.mark(node)
        lang = node.get("language", "")
        lang_arg = f", lang: {string(lang)}" if lang and lang not in ("default", "none") else ""
        self.add(f"\n\n#raw(block: true{lang_arg}, {string(node.astext())})\n\n")
        raise nodes.SkipNode

    visit_doctest_block = visit_literal_block

    def visit_math(self, node: nodes.Element) -> None:
        self.add(f"#raw({string(node.astext())})")
        raise nodes.SkipNode

    visit_math_block = visit_literal_block

    def visit_caption(self, node: nodes.Element) -> None:
        raise nodes.SkipNode  # written by visit_figure

    def visit_legend(self, node: nodes.Element) -> None:
        raise nodes.SkipNode  # written by visit_figure

    # -- figures and tables -----------------------------------------------------------------

    def _image_call(self, node: nodes.Element) -> str:
        uri = node["uri"]
        path = self.builder.image_path(uri)
        alt = node.get("alt") or ""
        if not alt:
            codes.warn(logger, "book.pdf-no-alt",
                       "image %s has no alt text: give the figure an :alt: option, "
                       "which screen readers of the PDF read out", uri, location=node)
        width = _length(node.get("width")) or "100%"
        block = node
        while block is not None and not (block.source and block.line):
            block = block.parent
        if block is not None:
            self.builder.image_sources.setdefault(path, (block.source, block.line))
        return f"image({string(path)}, alt: {string(alt)}, width: {width})"

    def visit_figure(self, node: nodes.Element) -> None:
        self.mark(node)
        image = next(node.findall(nodes.image), None)
        if image is None:
            raise nodes.SkipNode
        number = self.builder.figure_number(self.docname, node)
        numbering = f'(..n) => "{number}"' if number else "none"
        if number and self.builder.config.language == "hu":  # "1. ábra", as Sphinx's HTML
            numbering = f'(..n) => "{number}. ábra"'

        # Floats to the top or foot of a page, as in print (book.typ: set figure), unless the
        # chapter sets it where it stands (`:figclass: in-place`, see CONTRIBUTING).
        placement = ", placement: none" if "in-place" in node["classes"] else ""
        self.add(f"\n\n#figure({self._image_call(image)}, numbering: {numbering}{placement}, "
                 f"supplement: {self.figure_supplement}, caption: ")
        caption = next((c for c in node.children if isinstance(c, nodes.caption)), None)
        if caption is None:
            self.add("none")
        else:
            self.add("[")
            for child in caption.children:
                child.walkabout(self)
            self.add("]")
        ids: list[str] = node["ids"]
        label = ""
        if ids:
            name = label_name(self.docname, ids[0])
            self.emitted.add(name)
            label = f" <{name}>"
        self.add(f"){label}{self.anchors(node)}\n\n")
        legend = next((c for c in node.children if isinstance(c, nodes.legend)), None)
        if legend is not None:
            for child in legend.children:
                child.walkabout(self)
        raise nodes.SkipNode

    def visit_image(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add(f"\n\n#align(center, {self._image_call(node)})\n\n")
        raise nodes.SkipNode

    def visit_table(self, node: nodes.Element) -> None:
        self.mark(node)
        self.add("\n\n" + self.anchors(node))
        title = next((c for c in node.children if isinstance(c, nodes.title)), None)
        if title is not None:
            title.walkabout(self)
            self.add("\n\n")
        tgroup = next(c for c in node.children if isinstance(c, nodes.tgroup))
        widths = [c.get("colwidth", 1) for c in tgroup.children if isinstance(c, nodes.colspec)]
        total = sum(widths) or 1
        columns = ", ".join(f"{w / total * 10:.2f}fr" for w in widths) or "1fr"
        self.add(f"#bk-table(columns: ({columns},), ")
        for part in tgroup.children:
            if isinstance(part, nodes.thead):
                self.add("table.header(repeat: true, ")
                self._rows(part, header=True)
                self.add("), ")
            elif isinstance(part, nodes.tbody):
                self._rows(part, header=False)
        self.add(")\n\n")
        raise nodes.SkipNode

    def _rows(self, part: nodes.Element, header: bool) -> None:
        for row in part.children:
            for entry in cast("list[nodes.Element]", row.children):
                spans = []
                if entry.get("morecols"):
                    spans.append(f"colspan: {int(entry['morecols']) + 1}")
                if entry.get("morerows"):
                    spans.append(f"rowspan: {int(entry['morerows']) + 1}")
                self.add(f"table.cell({', '.join(spans)})[" if spans else "[")
                for child in entry.children:
                    if isinstance(child, nodes.paragraph) and len(entry.children) == 1:
                        for grandchild in child.children:
                            grandchild.walkabout(self)
                    else:
                        child.walkabout(self)
                self.add("], ")

    # -- Sphinx's own nodes ---------------------------------------------------------------

    def visit_only(self, node: nodes.Element) -> None:
        pass

    def depart_only(self, node: nodes.Element) -> None:
        pass

    def visit_desc(self, node: nodes.Element) -> None:
        self.unknown_visit(node)


def _in_footnote(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.footnote):
            return True
        parent = parent.parent
    return False


def _length(value: str | None) -> str:
    """A docutils length (``80%``, ``12em``, ``300px``) as a Typst length."""
    if not value:
        return ""
    m = re.fullmatch(r"\s*([0-9.]+)\s*(%|em|pt|cm|mm|in|px)?\s*", value)
    if not m:
        return ""
    number, unit = m.group(1), m.group(2) or "px"
    if unit == "px":
        return f"{float(number) * 0.75:.1f}pt"
    return f"{number}{unit}"


__all__ = ["Source", "TypstTranslator", "escape", "label_name", "string"]
