"""The PDF edition: a Sphinx builder that writes the book as Typst and compiles it.

* The same doctrees as the HTML and EPUB editions (one parse in ``booktools.build``),
  assembled into one document as Sphinx's LaTeX builder does (``inline_all_toctrees``),
  then written by :class:`~booktools.typst.translator.TypstTranslator`.
* Compiled in this process by the ``typst`` package, with the fonts built into Typst
  and those shipped inside Python packages only (never the system's), the date from
  SOURCE_DATE_EPOCH, and the build folder as Typst's root: the same bytes on every
  machine, and not even the template can read a file outside the build folder.
* Exported as PDF/UA-1 and PDF/A-2a together: tagged (headings, lists, tables, figures
  with alt text, notes), and Typst refuses to write a file that breaks either standard.
* A Typst error is reported at the chapter file and line the failing Typst line came
  from (a map kept while writing), with Typst's message and hints, never a bare trace.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import importlib.util
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.frontend import get_default_settings
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.console import darkgreen
from sphinx.util.docutils import new_document
from sphinx.util.nodes import inline_all_toctrees

from .. import codes, meta
from ..errors import ToolError
from .translator import Source, TypstTranslator, string

if TYPE_CHECKING:
    from typst import PDFStandard

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "book.typ"
#: The standards the PDF declares; Typst's exporter refuses a file that breaks one.
PDF_STANDARDS: list[PDFStandard] = ["a-2a", "ua-1"]
#: Paper sizes (BOOK_PAPER): Typst names and the template's settings for each.
PAPERS = ("6x9", "a4", "letter")
KEYWORDS = ["Hungary", "1956", "revolution", "workers' councils", "Imre Nagy",
            "János Kádár", "Cold War"]


def font_paths() -> list[str]:
    """Fonts shipped inside Python packages: DejaVu Sans (matplotlib), for the figures' labels.

    The book's own face, Libertinus Serif, is built into Typst.  The folder is found
    beside matplotlib's package, where ``matplotlib.get_data_path()`` finds it, without
    importing matplotlib and numpy (0.5 s of every PDF build; tests/test_upstream_contract
    checks that both name the same folder).
    """
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.origin:
        raise ToolError("matplotlib is not installed (its DejaVu Sans labels the PDF's "
                        "figures): run 'make setup'")
    return [str(Path(spec.origin).with_name("mpl-data") / "fonts" / "ttf")]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the book is assembled and translated.

    Assembling unpickles every chapter's doctree at once: hundreds of thousands of nodes,
    all kept (they are the book), which the collector, set off by the allocations, scans
    again and again.  What the step makes is kept to its end (the book's doctree, the
    Typst text); its few cycles of garbage are freed when the collector runs again.
    Measured on the real book after a one-chapter edit (``python -m booktools.build pdf``):
    the write step 1.42 s -> 0.75 s, the whole build 5.7 s -> 4.7 s.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TypstPDFBuilder(Builder):
    """Writes ``<basename>.typ`` and compiles ``<basename>.pdf`` in the output folder."""

    name = "typst"
    format = "typst"
    epilog = __("The PDF is in %(outdir)s.")
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]
    supported_remote_images = False
    default_translator_class = TypstTranslator

    def init(self) -> None:
        self.docnames: set[str] = set()
        #: image path in Typst's root -> (chapter file, line) of the figure that shows it
        self.image_sources: dict[str, tuple[str, int]] = {}
        paper = self.config.book_paper
        if paper not in PAPERS:
            from sphinx.errors import ConfigError

            raise ConfigError(f"BOOK_PAPER={paper!r}: choose one of {', '.join(PAPERS)}")

    def get_outdated_docs(self) -> str | Iterable[str]:
        return "all documents"  # one PDF from all of them

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return "%" + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def prepare_writing(self, docnames: Set[str]) -> None:
        pass

    def copy_assets(self) -> None:
        pass

    # -- the one document --------------------------------------------------------------

    def assemble_doctree(self) -> nodes.document:
        """The whole book as one doctree: the root page's toctrees, inlined, resolved."""
        root = self.config.root_doc
        tree = self.env.get_doctree(root)
        book = new_document("<typst output>", get_default_settings())
        section = nodes.section()
        book += section
        for toctree in list(tree.findall(addnodes.toctree)):
            section += toctree
        self.docnames = {root}
        largetree = inline_all_toctrees(self, self.docnames, root, book, darkgreen, [root])
        largetree["docname"] = root
        self.env.resolve_references(largetree, root, self)
        for pending in list(largetree.findall(addnodes.pending_xref)):
            pending.replace_self(nodes.inline("", "", *pending.children))
        return largetree

    def write_documents(self, _docnames: Set[str]) -> None:
        started = time.perf_counter()
        with collector_paused():
            doctree = self.assemble_doctree()
            self.post_process_images(doctree)
            translator = TypstTranslator(doctree, self)
            doctree.walkabout(translator)
            body, line_map = _join(translator.body)
        out = Path(self.outdir)
        template = out / TEMPLATE.name
        if not template.exists() or template.read_bytes() != TEMPLATE.read_bytes():
            shutil.copyfile(TEMPLATE, template)
        self.images_unchanged = self.copy_images()
        main = out / f"{meta.BASENAME}.typ"
        head = self.preamble()
        index_title = typst_words(self.config.language or "en")["index"]
        text = head + body + f"\n#bk-index(title: {string(index_title)})\n"
        pdf = out / f"{meta.BASENAME}.pdf"
        # The same Typst text, template and images as the PDF already there: nothing to do.
        self.unchanged = (pdf.exists() and main.exists() and self.images_unchanged
                          and main.read_text(encoding="utf-8") == text
                          and pdf.stat().st_mtime >= max(main.stat().st_mtime,
                                                         TEMPLATE.stat().st_mtime))
        if not self.unchanged:
            main.write_text(text, encoding="utf-8")
        self.line_map = (head.count("\n"), line_map)
        self.main = main
        logger.info(f"[typst] wrote {main.name} ({time.perf_counter() - started:.1f} s)")

    def preamble(self) -> str:
        config = self.config
        language = config.language or "en"
        date = _book_date(language)
        ident = meta.identity(language)
        say = typst_words(language)
        args = {
            "title": ident.title, "subtitle": ident.subtitle.replace("'", "\u2019"),
            "author": ident.author, "publisher": ident.publisher, "year": str(meta.YEAR),
            "url": meta.REPOSITORY_URL,
            "edition": say["edition"].format(version=meta.VERSION), "date": date,
            "paper": config.book_paper, "lang": language, "region": say["region"],
        }
        lines = [
            "// Generated by booktools/typst (the PDF edition); edit the chapters, not this.",
            # The PDF's dates: a new epoch is a new PDF, even when the text is the same.
            f"// SOURCE_DATE_EPOCH={int(os.environ.get('SOURCE_DATE_EPOCH', '0') or 0)}",
            f'#import "/{TEMPLATE.name}": *',
            "#show: book.with(",
            *(f"  {key}: {string(value)}," for key, value in args.items()),
            "  words: (" + ", ".join(f"{string(k)}: {string(v)}" for k, v in say.items()
                                     if k not in ("edition", "region")) + "),",
            f"  keywords: ({', '.join(string(k) for k in KEYWORDS)},),",
            ")",
            "",
        ]
        return "\n".join(lines) + "\n"

    def image_path(self, uri: str) -> str:
        """Where an image of the doctree is inside Typst's root (the build folder)."""
        name = self.images.get(uri, Path(uri).name)
        return f"/images/{name}"

    def copy_images(self) -> bool:
        """The images the book uses, into the build folder (Typst reads only from there).

        A figure drawn with its labels as text (``NAME-text.svg`` beside ``NAME.svg``,
        see booktools.figures) is used instead: the labels can then be searched and read.
        """
        target = Path(self.outdir) / "images"
        target.mkdir(exist_ok=True)
        unchanged = True
        for src, dest in self.images.items():
            path = Path(self.srcdir) / src
            text_version = path.with_name(f"{path.stem}-text{path.suffix}")
            if text_version.exists():
                path = text_version
            data = path.read_bytes()
            out = target / dest
            if not out.exists() or out.read_bytes() != data:
                out.write_bytes(data)
                unchanged = False
        return unchanged

    def figure_number(self, docname: str, figure: nodes.Element) -> str:
        numbers = self.env.toc_fignumbers.get(docname, {}).get("figure", {})
        for ident in figure["ids"]:
            if ident in numbers:
                return ".".join(str(n) for n in numbers[ident])
        return ""

    # -- compile -----------------------------------------------------------------------

    def finish(self) -> None:
        if not hasattr(self, "main"):
            return
        if self.unchanged:
            logger.info("[typst] the book's Typst text is unchanged: the PDF is kept")
            return
        import typst

        out = Path(self.outdir)
        pdf = out / f"{meta.BASENAME}.pdf"
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
        started = time.perf_counter()
        partial = pdf.with_name(f".{pdf.stem}.part.pdf")
        log = out / "typst-warnings.log"
        # Packages could only come from inside the build folder (there are none): the
        # template is self-contained, and the chapters cannot name a package.
        packages = out / ".typst-packages"
        try:
            _, warnings = typst.compile_with_warnings(
                str(self.main), output=str(partial), root=str(out), font_paths=font_paths(),
                ignore_system_fonts=True, format="pdf", pdf_standards=PDF_STANDARDS,
                timestamp=epoch, package_path=str(packages), package_cache_path=str(packages),
            )
        except typst.TypstError as err:
            partial.unlink(missing_ok=True)
            log.write_text(getattr(err, "diagnostic", str(err)), encoding="utf-8")
            if "internal error: parent group" in getattr(err, "message", ""):
                # TODO: drop when a Typst with typst/typst#8487 fixed is pinned.  Its tagged
                # export fails so when some floating figures land where they do (the
                # timeline's did, tall and followed by a long table with notes).
                codes.warn(logger, "book.pdf-compile", (
                    "Typst could not tag the PDF: a floating figure sets off a Typst bug "
                    "(typst/typst#8487); give the figure you added or moved the option "
                    "':figclass: in-place' (set where it stands), as book/90-timeline.md "
                    "does"), error=True)
                return
            self.report(err)
            return
        log.write_text("".join(getattr(w, "diagnostic", str(w)) for w in warnings),
                       encoding="utf-8")
        for warning in warnings:
            self.report(warning, error=False)
        _pack(partial, pdf)
        partial.unlink()
        logger.info(f"[typst] compiled {pdf.name} ({time.perf_counter() - started:.1f} s)")

    def report(self, err: Any, error: bool = True) -> None:
        """A Typst error or warning, at the chapter line its Typst line came from."""
        diagnostic = getattr(err, "diagnostic", "") or str(err)
        location: tuple[str, int] | None = None
        for m in re.finditer(r"┌─ ([^\n]+?):(\d+):(\d+)", diagnostic):
            path = Path(m.group(1))
            if path.name == self.main.name:
                location = self.source_of(int(m.group(2)))
                break
            for image, source in self.image_sources.items():
                if path.as_posix().endswith(image):
                    location = source
                    break
            if location:
                break
        where = f"{location[0]}:{location[1]}" if location else None
        hints = "".join(f"\n  hint: {h}" for h in getattr(err, "hints", []) or [])
        what = "could not typeset the PDF" if error else "warns"
        message = (f"Typst {what}: {getattr(err, 'message', err)}{hints}\n"
                   f"  (generated file: {self.main}; the chapter text at this line is the "
                   "likely cause: check its markup, or report the line in an issue)")
        codes.warn(logger, "book.pdf-compile", message, location=where, error=error)

    def source_of(self, typst_line: int) -> tuple[str, int] | None:
        head, starts = self.line_map
        index = bisect.bisect_right([s for s, _ in starts], typst_line - head - 1) - 1
        if index < 0:
            return None
        return starts[index][1]


def _join(pieces: list[str | Source]) -> tuple[str, list[tuple[int, tuple[str, int]]]]:
    """The Typst text, and (line index, (source, line)) where each chapter block starts."""
    out: list[str] = []
    starts: list[tuple[int, tuple[str, int]]] = []
    lines = 0
    for piece in pieces:
        if isinstance(piece, Source):
            starts.append((lines, (piece.source, piece.line)))
            continue
        out.append(piece)
        lines += piece.count("\n")
    return "".join(out), starts


def _pack(source: Path, target: Path) -> None:
    """Write *source* to *target* with its objects in compressed object streams.

    Typst writes each of the ~10,000 structure elements and link annotations of the tagged
    book as a plain object (2.9 MB); packed, the same objects take 1.1 MB.  Nothing but the
    file's packing changes (no content, tag, metadata or standard's mark), and the /ID
    is derived from the content, so the file stays byte-reproducible.
    """
    import pikepdf

    tmp = target.with_name(f".{target.name}.new")
    with pikepdf.open(source) as pdf:
        pdf.save(tmp, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True, deterministic_id=True)
    os.replace(tmp, target)


#: The PDF's own sentences and headings, by language (book.typ's ``words``).
TYPST_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "region": "GB", "edition": "Edition {version}", "contents": "Contents",
        "chapter": "chapter {number}",
        "index": "Index", "figure": "Fig.",
        "copyright": "Copyright © {year} {author}. Published by {publisher}.",
        "licence": "The text is licensed under the Creative Commons Attribution-ShareAlike "
                   "4.0 International licence (CC BY-SA 4.0): you may copy, share and adapt "
                   "it if you credit the authors and share your changes under the same "
                   "licence.",
        "source": "Source and history of changes:",
        "colophon": "Set in Libertinus Serif with Typst from MyST Markdown by Sphinx.",
    },
    "hu": {
        "region": "HU", "edition": "{version}. kiadás", "contents": "Tartalom",
        "chapter": "{number}. fejezet",
        "index": "Mutató", "figure": "ábra",
        "copyright": "Copyright © {year} {author}. Kiadja: {publisher}.",
        "licence": "A szöveg a Creative Commons Nevezd meg! – Így add tovább! 4.0 Nemzetközi "
                   "licenc (CC BY-SA 4.0) alatt áll: szabadon másolható, terjeszthető és "
                   "átdolgozható, ha a szerzőket feltünteti, és a változtatásait ugyanezen "
                   "licenc alatt osztja meg.",
        "source": "A forrás és a változtatások története:",
        "colophon": "Libertinus Serif betűvel szedte a Typst, MyST Markdown forrásból, "
                    "a Sphinx segítségével.",
    },
}


def typst_words(language: str) -> dict[str, str]:
    """The PDF's own words in *language*, English where it has none."""
    return {**TYPST_WORDS["en"], **TYPST_WORDS.get(language, {})}


def _book_date(language: str = "en") -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = time.gmtime(int(epoch)) if epoch else time.gmtime()
    if language == "hu":  # "2026. december 4."
        import datetime

        from babel.dates import format_date

        return format_date(datetime.date(*when[:3]), format="long", locale="hu")
    return f"{when.tm_mday} {time.strftime('%B %Y', when)}"

