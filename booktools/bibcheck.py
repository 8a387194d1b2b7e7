"""Check the bibliography and the citations, on the sources, before any build.

``python -m booktools.bibcheck`` prints one line per problem, in the form a
contributor can act on::

    references.bib:12: entry lomax1976hungary: no year; add year = {1976} ...
    book/04-petofi-circle.md:9: unknown citation key "lomax1976hungry" ...

and exits 1 when there is any.  Sphinx's strict build already fails on an unknown
key, but it says nothing about the bibliography itself: an entry with no year, an
ISBN with a wrong checksum, a work listed but never cited.  The .bib file is read
with pybtex's own BibTeX scanner (the parser Sphinx uses), the chapters with
myst-parser's Markdown parser, so what is checked is what the build will see.

Checks, each with the way to pass it:

* every cited key exists, every entry is cited at least once, or is marked
  ``keywords = {further-reading}`` (listed on purpose, cited nowhere);
* no duplicate keys, no two entries for one work (same title and year);
* each entry type has its required fields (:data:`REQUIRED`);
* ISBN-10/13 checksums, DOI syntax, URLs with a scheme and a host, plausible years;
* keys follow one convention, :data:`KEY_PATTERN`, e.g. ``lomax1976hungary``:
  lowercase surname or organisation, the year, a word of the title.
* a note points at the page: a whole web chronology (``keywords = {chronology}``, its
  front page) is never cited; a note cites the day's or the entry's own page, an entry
  marked ``keywords = {chronology-entry}`` whose url is that page, not the site.

Documented exception: a web page that states no date (a living online chronology)
may have no ``year`` when it is a ``@misc`` or ``@online`` entry with a ``url``
and ``keywords = {undated}``; its key still carries the year of the events it
covers.  A fake year would be worse than none.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person
from pybtex.database.input.bibtex import LowLevelParser
from pybtex.scanner import PybtexSyntaxError

from . import codes, meta, myst

ROOT = meta.ROOT

#: Key convention: lowercase surname/organisation, year, first significant word.
KEY_PATTERN = re.compile(r"^[a-z]+[0-9]{4}[a-z0-9]+$")
#: Keys allowed to break :data:`KEY_PATTERN`, each with its reason.
KEY_EXCEPTIONS: dict[str, str] = {
    # Lacks the title word; cited 137 times in 12 chapters under fact-checking in
    # parallel. Rename to magyarkronologia1956chronology once that work has merged.
    "magyarkronologia1956": "web chronology key predating the convention",
}
#: Keywords the checks read (``keywords = {further-reading, undated}``).
FURTHER_READING = "further-reading"
UNDATED = "undated"
#: A whole web chronology or database (its front page): listed, never cited; a note cites
#: the page of the day or entry it rests on, marked :data:`CHRONOLOGY_ENTRY`.
CHRONOLOGY = "chronology"
CHRONOLOGY_ENTRY = "chronology-entry"

#: Required fields per entry type; a tuple means "one of these".
REQUIRED: dict[str, list[str | tuple[str, ...]]] = {
    "book": [("author", "editor"), "title", "publisher", "year"],
    # Many of the book's periodicals are numbered by issue only (International Socialism
    # no. 18, the CWIHP Bulletin 8-9) or known by the month of the issue: a volume would
    # have to be invented, so the issue may be named by volume, number or month.
    "article": ["author", "title", "journal", "year", ("volume", "number", "month")],
    "online": ["title", "url", "urldate"],
    "techreport": ["institution", "title", "year"],
    "report": ["institution", "title", "year"],
    "incollection": ["author", "title", "booktitle", "publisher", "year"],
    "inbook": [("author", "editor"), "title", "publisher", "year"],
    "misc": ["title", ("url", "howpublished"), "year"],
}
#: Fields that pybtex parses into people rather than into text.
PERSON_FIELDS = frozenset(Person.valid_roles)
#: Earliest plausible year of a cited work (the book cites nothing before 1800).
FIRST_YEAR = 1800
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
#: Roles that cite (MyST ``{footcite}`key```, ``{cite:p}`key``` ...).
CITE_ROLES = re.compile(r"^(foot)?cite(:[a-z]+)?$")


@dataclass
class BibEntry:
    """One entry of the .bib file, where it stands and what it holds."""

    key: str
    type: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    persons: dict[str, list[Person]] = field(default_factory=dict)

    def keywords(self) -> set[str]:
        raw = self.fields.get("keywords", "")
        return {k.strip().lower() for k in re.split(r"[,;]", raw) if k.strip()}

    def has(self, name: str) -> bool:
        return bool(self.persons.get(name) or self.fields.get(name, "").strip())


@dataclass(frozen=True)
class Problem:
    """One problem: where, what is wrong, and how to fix it."""

    path: Path
    line: int
    message: str
    code: str  # a book.* code of booktools.codes, printed after the message

    def __post_init__(self) -> None:
        codes.check(self.code)

    def render(self, base: Path = ROOT) -> str:
        try:
            shown = self.path.resolve().relative_to(base.resolve())
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class Citation:
    key: str
    path: Path
    line: int


class _StopScan(Exception):
    """Raised to end the scan at the first syntax error (reported once)."""


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def read_bib(path: Path) -> tuple[list[BibEntry], list[Problem]]:
    """Every entry of *path* with its line, duplicates included, plus syntax errors."""
    text = path.read_text(encoding="utf-8")
    problems: list[Problem] = []
    scanner = LowLevelParser(text, filename=str(path))

    def syntax_error(error: PybtexSyntaxError) -> None:
        problems.append(Problem(path, error.lineno, f"BibTeX syntax error: {error}; "
                                "fix the braces, commas and quotes of this entry (an @ "
                                "starts an entry, even in a % comment)", "book.bib-syntax"))
        raise _StopScan from error

    scanner.handle_error = syntax_error
    entries: list[BibEntry] = []
    commands = iter(scanner)
    while True:
        try:
            command, body = next(commands)
        except StopIteration:
            break
        except _StopScan:
            break  # reported above; pybtex cannot resume reliably after one
        kind = command.lower()
        if kind in ("string", "preamble"):
            continue
        key, raw_fields = body
        entry = BibEntry(key=key, type=kind, line=_line_of(text, scanner.command_start))
        for name, parts in raw_fields:
            name = name.lower()
            value = re.sub(r"\s+", " ", "".join(parts)).strip()
            if name in entry.fields or name in entry.persons:
                problems.append(Problem(path, entry.line, f"entry {key}: field {name} "
                                        "is given twice; keep one", "book.bib-field"))
                continue
            if name in PERSON_FIELDS:
                # pybtex's own name splitting, as the build does it.
                entry.persons[name] = [Person(n) for n in split_name_list(value)]
            else:
                entry.fields[name] = value
        entries.append(entry)
    return entries, problems


def _walk_markdown(text: str, first_line: int = 1) -> Iterator[tuple[str, str, int]]:
    """Every MyST role in *text*: (name, content, line), directive bodies included."""
    for token, line in myst.walk(text, first_line):
        if token.type == "myst_role":
            yield token.meta.get("name", ""), token.content, line


def read_citations(book: Path) -> tuple[list[Citation], list[Problem]]:
    """Every citation in the chapters (``book/**/*.md``), in reading order."""
    from sphinxcontrib.bibtex.citation_target import parse_citation_targets

    citations: list[Citation] = []
    problems: list[Problem] = []
    for path in sorted(book.rglob("*.md")):
        if any(part.startswith((".", "_")) for part in path.relative_to(book).parts):
            continue
        for role, content, line in _walk_markdown(path.read_text(encoding="utf-8")):
            if not CITE_ROLES.match(role):
                continue
            try:
                targets = list(parse_citation_targets(content))
            except ValueError:
                problems.append(Problem(path, line, f"malformed citation {content!r}: write "
                                        "{footcite}`key`, {footcite}`key{page}` or "
                                        "{footcite}`key1,key2`", "book.citation-syntax"))
                continue
            citations.extend(Citation(t.key, path, line) for t in targets)
    citations.extend(read_data_citations(book / "data"))
    return citations, problems


#: Columns of the data files (``book/data/*.csv``) that hold citation keys.
DATA_CITE_COLUMNS = ("source", "coords_source")


def read_data_citations(data: Path) -> list[Citation]:
    """Citation keys in the data files' source columns (``key;key2{12}``), with their lines.

    The back matter, the figures and the plans cite works from these files, so a work
    cited only there counts as cited, and an unknown key there is reported too.
    """
    import csv

    out: list[Citation] = []
    for path in sorted(data.glob("*.csv")) if data.is_dir() else []:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            for row in reader:
                for column in DATA_CITE_COLUMNS:
                    for key in (row.get(column) or "").split(";"):
                        key = re.sub(r"\{[^}]*\}$", "", key.strip())
                        if key and "://" not in key:
                            out.append(Citation(key, path, reader.line_num))
    return out


def isbn_ok(isbn: str) -> bool:
    """True when *isbn* (hyphens and spaces allowed) has a valid ISBN-10 or -13 checksum."""
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        total = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def _normal_title(title: str) -> str:
    """A title folded for comparison: no braces, accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", title.replace("{", "").replace("}", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def this_year() -> int:
    """The current year, or the year of SOURCE_DATE_EPOCH for reproducible checks."""
    return meta.build_time().tm_year


def _field_list(fields: Sequence[str | tuple[str, ...]]) -> str:
    return ", ".join(" or ".join(f) if isinstance(f, tuple) else f for f in fields)


def check_entry(entry: BibEntry, path: Path) -> list[Problem]:
    """Problems within one entry: fields, identifiers, year and key."""
    out: list[Problem] = []

    def report(message: str, code: str = "book.bib-field") -> None:
        out.append(Problem(path, entry.line, f"entry {entry.key}: {message}", code))

    if not KEY_PATTERN.match(entry.key) and entry.key not in KEY_EXCEPTIONS:
        report(f'key "{entry.key}" breaks the convention lowercase surname + year + word '
               f"(e.g. lomax1976hungary, pattern {KEY_PATTERN.pattern}); rename the key "
               "here and in every chapter that cites it", "book.bib-key")
    required = REQUIRED.get(entry.type)
    if required is None:
        report(f"entry type @{entry.type} is not one the book uses; use one of "
               + ", ".join(f"@{t}" for t in REQUIRED), "book.bib-type")
        required = []
    undated = (
        UNDATED in entry.keywords() and entry.type in ("misc", "online") and entry.has("url")
    )
    for need in required:
        options = need if isinstance(need, tuple) else (need,)
        if any(entry.has(name) for name in options):
            continue
        if options == ("year",) and undated:
            continue
        wanted = " or ".join(options)
        if options == ("year",):
            fix = ("add year = {YYYY} from the work itself; a web page that states no date "
                   f"may instead be @misc with url and keywords = {{{UNDATED}}}")
        elif entry.type == "book" and options == ("publisher",):
            fix = ("add publisher = {...} from the title page; a work seen only online "
                   "whose publisher cannot be confirmed is @misc with url and howpublished")
        else:
            fix = f"add {wanted} = {{...}} (an @{entry.type} needs {_field_list(required)})"
        report(f"missing required field {wanted}; {fix}")
    if undated and entry.has("year"):
        report(f"has a year but is marked keywords = {{{UNDATED}}}; remove '{UNDATED}'")
    elif UNDATED in entry.keywords() and not undated:
        report(f"keywords = {{{UNDATED}}} is only for @misc or @online web pages with a url; "
               "give the year instead")

    year = entry.fields.get("year", "").strip()
    if year:
        if not re.fullmatch(r"\d{4}", year):
            report(f'year "{year}" is not a four-digit year; write year = {{YYYY}} '
                   "(put extra dates in note)")
        elif not FIRST_YEAR <= int(year) <= this_year():
            report(f"year {year} is implausible (expected {FIRST_YEAR}-{this_year()}); "
                   "correct the year")
    for isbn in re.split(r"[,;]\s*", entry.fields.get("isbn", "")):
        if isbn.strip() and not isbn_ok(isbn):
            report(f'ISBN "{isbn.strip()}" has a wrong checksum or length; copy the ISBN '
                   "again from the book's copyright page, or remove the isbn field")
    doi = entry.fields.get("doi", "").strip()
    if doi and not DOI_PATTERN.match(doi):
        report(f'DOI "{doi}" is not of the form 10.NNNN/suffix; write the bare DOI, '
               "without https://doi.org/ or doi:")
    for name, value in entry.fields.items():
        if name != "url" and re.search(r"(?<!`)`(?!`)", value):
            report(f"{name} has a TeX opening quote (`...'), which the notes print as a "
                   "backtick; write the quotation marks themselves (‘...’, or “...” inside a "
                   "title the notes quote)")
    url = entry.fields.get("url", "").strip()
    if CHRONOLOGY_ENTRY in entry.keywords():
        parts = urlsplit(url)
        if not url or (parts.path.strip("/") == "" and not parts.query):
            report(f"marked {CHRONOLOGY_ENTRY} but its url is not the page of a day or entry; "
                   "give the address of the page you read (e.g. "
                   "https://magyarkronologia.hu/1956/10/25-8918)", "book.chronology-entry-url")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
            report(f'URL "{url}" needs a scheme and a host (https://host/path) '
                   "and no spaces; write the full address")
    return out


def check(bib: Path, book: Path) -> list[Problem]:
    """Every problem of the bibliography *bib* and the chapters under *book*."""
    entries, problems = read_bib(bib)
    citations, cite_problems = read_citations(book)
    problems += cite_problems

    first: dict[str, BibEntry] = {}
    works: dict[tuple[str, str], BibEntry] = {}
    for entry in entries:
        if entry.key in first:
            problems.append(Problem(bib, entry.line, f"entry {entry.key}: duplicate key, "
                                    f"first defined at line {first[entry.key].line}; "
                                    "merge the two entries or rename one",
                                    "book.duplicate-key"))
            continue
        first[entry.key] = entry
        problems += check_entry(entry, bib)
        title = _normal_title(entry.fields.get("title", ""))
        if title:
            work = (title, entry.fields.get("year", ""))
            if work in works:
                problems.append(Problem(
                    bib, entry.line,
                    f"entry {entry.key}: same work as {works[work].key} (line "
                    f"{works[work].line}: same title and year); keep one entry and cite its key",
                    "book.duplicate-work",
                ))
            else:
                works[work] = entry

    cited = {c.key for c in citations}
    for citation in citations:
        if citation.key in first and CHRONOLOGY in first[citation.key].keywords():
            problems.append(Problem(
                citation.path, citation.line,
                f'"{citation.key}" is a whole web chronology, cited without its day or entry: '
                "cite the page of the day you read instead, an entry with that page's url and "
                f"keywords = {{{CHRONOLOGY_ENTRY}, {UNDATED}}} (see CONTRIBUTING.md)",
                "book.whole-chronology",
            ))
        if citation.key not in first:
            close = difflib.get_close_matches(citation.key, list(first), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            problems.append(Problem(
                citation.path, citation.line,
                f'unknown citation key "{citation.key}"{hint}: add an entry with this key '
                f"to {bib.name}, or correct the key", "book.unknown-key",
            ))
    for key, entry in first.items():
        further = FURTHER_READING in entry.keywords()
        if key not in cited and not further:
            problems.append(Problem(
                bib, entry.line,
                f"entry {key}: cited nowhere in {book.name}/; cite it with "
                f"{{footcite}}`{key}`, remove it, or mark it "
                f"keywords = {{{FURTHER_READING}}} if it is listed on purpose",
                "book.unused-entry",
            ))
        elif key in cited and further:
            problems.append(Problem(
                bib, entry.line,
                f"entry {key}: marked {FURTHER_READING} but cited; remove '{FURTHER_READING}'",
                "book.further-reading-cited",
            ))
    return sorted(problems, key=lambda p: (str(p.path), p.line, p.message))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bib", type=Path, default=ROOT / "references.bib")
    parser.add_argument("--book", type=Path, default=ROOT / "book")
    args = parser.parse_args(argv)
    base = args.bib.resolve().parent
    problems = check(args.bib, args.book)
    for problem in problems:
        print(problem.render(base))
    entries, _ = read_bib(args.bib)
    if problems:
        print(f"[bibcheck] {len(problems)} problem(s) in {args.bib.name} and the chapters",
              file=sys.stderr)
        return 1
    print(f"[bibcheck] references: {len(entries)} entries, every citation resolves, "
          "every entry is cited or marked further reading")
    return 0


if __name__ == "__main__":
    sys.exit(main())
