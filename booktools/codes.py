"""The registry of warning codes: every problem the build and the checkers report.

Each warning ends in a code in brackets, as Sphinx and MyST already print theirs
(``show_warning_types``): ``[myst.topmatter]``, ``[toc.not_included]``.  Ours are
``book.*``, and so are the problems of the references check (booktools.bibcheck)
and the link check (booktools.linkcheck), so a contributor can look any of them
up in the table of CONTRIBUTING.md, which is generated from this module
(``python -m booktools.codes`` prints it; a test keeps the two equal).

* :data:`CODES` is the registry.  A booktools message says what to do itself; an
  upstream code carries the hint that :mod:`booktools.hints` appends to Sphinx's or
  MyST's message ("how to fix: ...").
* :func:`warn` is how booktools code logs a warning: it takes a registered
  ``book.*`` code and refuses any other, so an unregistered code is a bug caught
  by the first test that triggers it.
* A few Sphinx and docutils messages carry no code of their own (a duplicate label,
  the directives the safety settings disable).  Their entry names the message text
  they are recognised by (``pattern``), and the table shows "(no code)".
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

#: What a code's origin is called in the table.
ORIGINS = ("booktools", "references check", "link check", "Sphinx", "MyST", "docutils")


@dataclass(frozen=True)
class Code:
    """One kind of problem: its code, who reports it, what it means, how to fix it."""

    name: str          # "book.unknown-key"; for an uncoded upstream message, "" and a pattern
    origin: str        # one of ORIGINS
    meaning: str
    fix: str
    pattern: str = ""  # the upstream message text that identifies an uncoded warning
    fix_hu: str = ""   # the fix in Hungarian, for a problem a translator meets (hints.py)

    @property
    def ours(self) -> bool:
        return self.name.startswith("book.")


def _book(name: str, origin: str, meaning: str, fix: str) -> Code:
    return Code(f"book.{name}", origin, meaning, fix)


CODES_LIST: tuple[Code, ...] = (
    # -- The build: booktools' Sphinx extensions ----------------------------------------
    _book("unclosed-fence", "booktools",
          "a code block or a {directive} fence is opened and never closed, so it swallows "
          "the rest of the chapter",
          "add the closing fence (a line of three backticks or three colons) where the "
          "block should end"),
    _book("unclosed-role", "booktools",
          "a role such as {term} or {index} has no closing backtick and would print as "
          "plain text",
          "end the role's text with a backtick: {term}`ÁVH`"),
    _book("unsafe-html", "booktools",
          "raw HTML in a chapter (it could run script in a reader's browser)",
          "write it in Markdown: a MyST role or directive ({note}, {figure}) does most things"),
    _book("unsafe-url", "booktools",
          "a link or image with a javascript:, vbscript: or data: address",
          "link to an https:// address or a page of the book; save an image as a file"),
    _book("citation-syntax", "booktools",
          "a {footcite} role whose text is not a list of keys",
          "write {footcite}`key`, {footcite}`key{page}` or {footcite}`key1,key2`"),
    _book("unknown-key", "booktools",
          "a citation names a key that references.bib does not define",
          "correct the key (the message suggests the closest one), or add the entry"),
    Code("book.translation-citation", "booktools",
         "a translated paragraph cites works its English paragraph does not cite",
         "give the translation the English paragraph's {footcite} keys in the same order; "
         "translate only the text in braces before a key",
         fix_hu="a fordítás az angol bekezdés {footcite} kulcsait idézze, ugyanabban a "
                "sorrendben; csak a kulcs előtti, kapcsos zárójelbe tett szöveget fordítsa"),
    _book("redirect-shadowed", "booktools",
          "conf.py's redirects send an address elsewhere, but a chapter of that name exists",
          "remove the redirect, or rename the chapter"),
    _book("pdf-unsupported", "booktools",
          "the PDF edition has no Typst rule for a kind of element; its text is printed plain",
          "use the Markdown the chapters already use, or add the rule to "
          "booktools/typst/translator.py"),
    _book("pdf-no-alt", "booktools",
          "an image has no alternative text, which the tagged PDF requires",
          "give the figure an :alt: option describing what it shows"),
    _book("pdf-compile", "booktools",
          "Typst rejected the PDF's source or warned about it",
          "the message names the Typst line; a fault in a chapter is named by its file"),
    _book("data-file", "booktools",
          "a data file under book/data/ is missing, or its header or a row's number of "
          "fields is wrong",
          "the message names the columns it needs; quote a field that holds a comma "
          "(book/data/README.md describes each file)"),
    _book("data-value", "booktools",
          "a value in a data file is not valid: a date, a year, a coordinate, a citation key, "
          "an empty required column",
          "the message names the row's line and the form the value needs"),
    # -- The references check (python -m booktools.bibcheck) -----------------------------
    _book("bib-syntax", "references check",
          "references.bib cannot be parsed from this line on",
          "fix the entry's braces, commas and quotes; an @ starts an entry, even in a "
          "% comment"),
    _book("bib-field", "references check",
          "an entry lacks a field its type needs, repeats one, or has one in the wrong form "
          "(year, ISBN, DOI, URL, keywords)",
          "the message names the field and the form it needs"),
    _book("bib-key", "references check",
          "an entry's key breaks the convention surname + year + word (lomax1976hungary)",
          "rename the key here and in every chapter that cites it"),
    _book("bib-type", "references check",
          "an entry type the book does not use",
          "use one of the types the message lists"),
    _book("duplicate-key", "references check",
          "two entries share one key", "merge the two entries or rename one"),
    _book("duplicate-work", "references check",
          "two entries describe the same work (same title and year)",
          "keep one entry and cite its key"),
    _book("whole-chronology", "references check",
          "a whole web chronology is cited, not the day's or the entry's page that was read",
          "add an entry for the day's page (keywords = {chronology-entry, undated}) and cite it"),
    _book("chronology-entry-url", "references check",
          "an entry marked chronology-entry has no address of a day's or entry's page",
          "give the url of the page you read"),
    _book("unused-entry", "references check",
          "an entry no chapter cites",
          "cite it, remove it, or mark it keywords = {further-reading}"),
    _book("further-reading-cited", "references check",
          "an entry marked further-reading is cited after all",
          "remove 'further-reading' from its keywords"),
    # -- The link check (python -m booktools.linkcheck) ----------------------------------
    _book("missing-file", "link check",
          "a link in an edition leads to a file the edition does not hold",
          "correct the link's path, or add the file"),
    _book("missing-fragment", "link check",
          "a link leads to an id the target page does not define",
          "link to a label defined above a heading ((name)=), or correct the fragment"),
    _book("missing-image", "link check",
          "a chapter names an image file that does not exist",
          "add the file, or correct the path (relative to the chapter)"),
    _book("external-link", "link check",
          "lychee could not reach an external address (the external check, make linkcheck)",
          "correct the address, or cite an archived copy"),
    _book("epubcheck", "link check",
          "epubcheck reports an error or warning in the EPUB",
          "the message carries epubcheck's own id and suggestion"),
    _book("pdf-link", "link check",
          "a link or bookmark of the PDF leads nowhere, or a chapter has no bookmark",
          "check the chapter's heading and toctree; a link fault is in booktools/typst"),
    _book("pdf-images", "link check",
          "the PDF holds fewer images than the chapters name",
          "see _build/.work/pdf/typst-warnings.log for the image Typst could not place"),
    # -- Upstream codes that get a hint ------------------------------------------------
    Code("myst.topmatter", "MyST", "the front matter at the top of a chapter is not YAML",
         "the front matter between the two '---' lines at the top of the file must be YAML: "
         "one 'key: value' per line, quote any value holding ':', '[', '{' or '#', "
         "or delete the block"),
    Code("toc.not_included", "Sphinx", "a chapter file is in no table of contents",
         "add the file's name without '.md' to a {toctree} in book/index.md or in its part "
         "file (book/part-*.md), or delete the file"),
    Code("ref.ref", "Sphinx", "a {ref} names a label no heading has",
         "no '(label)=' line has this name: correct the name, or put the label on the line "
         "above the heading you mean"),
    Code("ref.numref", "Sphinx", "a {numref} names a label no figure or heading has",
         "no '(label)=' line or :name: option has this name: correct the name"),
    Code("ref.term", "Sphinx", "a {term} names a term the glossary does not hold",
         "add the term to book/data/glossary.csv (it feeds the glossary page), "
         "or correct its spelling"),
    Code("i18n.inconsistent_references", "Sphinx",
         "a translated paragraph has other notes, terms or cross-references than its "
         "English paragraph",
         "keep every {footcite}, {term}, {ref} and {doc} of the English paragraph in the "
         "translation: translate a term's text as {term}`magyar szöveg <English term>`",
         fix_hu="az angol bekezdés minden {footcite}, {term}, {ref} és {doc} eleme maradjon "
                "meg a fordításban; egy fogalomnak csak a szövegét fordítsa: "
                "{term}`magyar szöveg <English term>`"),
    Code("ref.doc", "Sphinx", "a {doc} names a page that does not exist",
         "give the chapter's file name without '.md', e.g. {doc}`05-twenty-third-october`"),
    Code("myst.xref_missing", "MyST", "a Markdown link leads to an id or file that does not exist",
         "the link's target does not exist: link to a label defined above a heading "
         "((name)= then # Heading) or to a chapter "
         "file that exists, e.g. [text](05-twenty-third-october.md#twenty-third-october-radio) "
         "or {ref}`label`"),
    Code("myst.role_unknown", "MyST", "a role the book does not define",
         "check the role's spelling; chapters use {footcite}, {term}, {index}, {ref}, "
         "{numref} and {doc}"),
    Code("myst.directive_unknown", "MyST", "a directive the book does not define",
         "check the directive's spelling; chapters use {footbibliography}, {toctree}, "
         "{figure}, {note}, {glossary} and the like"),
    Code("image.not_readable", "Sphinx", "an image file that does not exist or cannot be read",
         "correct the path (relative to the chapter) or add the file under book/images/"),
    Code("", "Sphinx", "two headings carry the same label",
         "labels must be unique in the whole book: rename one of the two '(label)=' lines "
         "and the {ref} links meant for it",
         pattern="duplicate label "),
    Code("", "docutils", "the raw directive (it could put script into the site)",
         "raw output is disabled so that a pull request cannot put script into the site: "
         "write the passage in Markdown",
         pattern='"raw" directive disabled'),
    Code("", "docutils", "include, literalinclude or another directive that inserts a file",
         "chapters may not include other files, so that a pull request cannot copy a file "
         "from the build machine into the book: put the text in the chapter itself",
         pattern=r'File insertion disabled|Directive "\w+" disabled'),
)

#: Code -> entry, for the coded ones.
CODES: dict[str, Code] = {code.name: code for code in CODES_LIST if code.name}


def check(code: str) -> str:
    """*code* itself if it is a registered booktools code; otherwise a bug: raise."""
    if code not in CODES or not CODES[code].ours:
        raise ValueError(f"{code!r} is not a book.* code of booktools.codes.CODES_LIST")
    return code


def warn(logger: Any, code: str, message: str, *args: Any, location: Any = None,
         error: bool = False) -> None:
    """Log *message* through Sphinx's *logger* with the registered *code*.

    Sphinx prints the code after the message (``[book.unclosed-fence]``).
    """
    kind, _, subtype = check(code).partition(".")
    log = logger.error if error else logger.warning
    log(message, *args, location=location, type=kind, subtype=subtype)


def hint_hu(code: str) -> str | None:
    """The fix in Hungarian, for the problems a translator of the Hungarian edition meets."""
    entry = CODES.get(code)
    return entry.fix_hu if entry is not None and entry.fix_hu else None


def hint_for(code: str, message: str) -> str | None:
    """The hint for an upstream warning, by its code, else by its text; ``None`` if none."""
    entry = CODES.get(code)
    if entry is not None:
        return None if entry.ours else entry.fix
    for entry in CODES_LIST:
        if entry.pattern and re.search(entry.pattern, message):
            return entry.fix
    return None


def table() -> str:
    """The Markdown table of every code, as CONTRIBUTING.md shows it."""
    rows = ["| code | reported by | what it means | how to fix it |",
            "| --- | --- | --- | --- |"]
    for entry in CODES_LIST:
        name = f"`{entry.name}`" if entry.name else f'(no code: "{entry.pattern.split("|")[0]}")'
        cells = [name, entry.origin, entry.meaning, entry.fix]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
