"""Reference checks (booktools.bibcheck): the real book passes, and each fault is named.

No build is needed: these run on references.bib and the chapters' sources.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BOOK, ROOT

from booktools import bibcheck

FIXTURES = Path(__file__).parent / "fixtures"


def run_bibcheck(fixture: str) -> subprocess.CompletedProcess[str]:
    """The command a contributor runs, on a fixture book with its own references.bib."""
    folder = FIXTURES / fixture
    return subprocess.run(
        [sys.executable, "-m", "booktools.bibcheck",
         "--bib", str(folder / "references.bib"), "--book", str(folder)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )


def problems_in(tmp_path: Path, bib: str, chapter: str = "") -> list[str]:
    """Messages for a .bib text and one chapter text, written to *tmp_path*."""
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "01-chapter.md").write_text(chapter, encoding="utf-8")
    found = bibcheck.check(tmp_path / "references.bib", tmp_path)
    return [p.render(tmp_path) for p in found]


BOOK_ENTRY = """@book{{{key},
  author    = {{Lomax, Bill}},
  title     = {{Hungary 1956}},
  publisher = {{Allison \\& Busby}},
  year      = {{1976}}{extra}
}}
"""


def cite(*keys: str) -> str:
    return "".join(f"A claim.{{footcite}}`{k}`\n" for k in keys)


def test_real_book_passes_every_reference_check():
    problems = bibcheck.check(ROOT / "references.bib", BOOK)
    assert problems == [], "\n".join(p.render() for p in problems)


def test_command_on_real_book_exits_zero_and_says_so():
    proc = subprocess.run([sys.executable, "-m", "booktools.bibcheck"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "every citation resolves" in proc.stdout


# -- fixture books: the exact message a contributor sees ----------------------------

def test_fixture_unknown_citation_key():
    proc = run_bibcheck("unknown-citation-key")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        ('01-chapter.md:4: unknown citation key "lomax1976hungry" (did you mean '
        '"lomax1976hungary"?): add an entry with this key to references.bib, or correct the key [book.unknown-key]')
    ]


def test_fixture_unused_entry():
    proc = run_bibcheck("unused-entry")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        ("references.bib:9: entry kenez2006hungary: cited nowhere in unused-entry/; cite it "
        "with {footcite}`kenez2006hungary`, remove it, or mark it "
        "keywords = {further-reading} if it is listed on purpose [book.unused-entry]")
    ]


def test_fixture_entry_missing_a_year():
    proc = run_bibcheck("entry-missing-year")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        ("references.bib:1: entry lomax1976hungary: missing required field year; add "
        "year = {YYYY} from the work itself; a web page that states no date may instead "
        "be @misc with url and keywords = {undated} [book.bib-field]")
    ]


def test_fixture_bad_isbn_checksum():
    proc = run_bibcheck("bad-isbn")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        ('references.bib:1: entry kenez2006hungary: ISBN "978-0-521-85766-7" has a wrong '
        "checksum or length; copy the ISBN again from the book's copyright page, or "
        "remove the isbn field [book.bib-field]")
    ]


# -- each rule, on small inputs -------------------------------------------------------

@pytest.mark.parametrize("isbn", ["0-8047-5606-6", "0-297-84731-7", "978-0-582-21505-4",
                                  "963-9241-66-0", "0-7679-0056-1", "0-306-40615-2", "0-8044-2957-X"])
def test_valid_isbns_pass(isbn):
    assert bibcheck.isbn_ok(isbn)


@pytest.mark.parametrize("isbn", ["0-8047-5606-7", "978-0-582-21505-5", "12345", "978-0-582-21505"])
def test_invalid_isbns_fail(isbn):
    assert not bibcheck.isbn_ok(isbn)


def test_duplicate_key_names_both_lines(tmp_path):
    bib = BOOK_ENTRY.format(key="lomax1976hungary", extra="") * 2
    messages = problems_in(tmp_path, bib, cite("lomax1976hungary"))
    assert messages == [("references.bib:7: entry lomax1976hungary: duplicate key, first "
                        "defined at line 1; merge the two entries or rename one [book.duplicate-key]")]


def test_same_work_under_two_keys(tmp_path):
    bib = (BOOK_ENTRY.format(key="lomax1976hungary", extra="")
           + BOOK_ENTRY.format(key="lomax1976councils", extra=""))
    messages = problems_in(tmp_path, bib, cite("lomax1976hungary", "lomax1976councils"))
    assert messages == [("references.bib:7: entry lomax1976councils: same work as "
                        "lomax1976hungary (line 1: same title and year); keep one entry "
                        "and cite its key [book.duplicate-work]")]


def test_article_required_fields(tmp_path):
    bib = "@article{kramer1996new,\n  author = {Kramer, Mark},\n  title = {New Evidence},\n  year = {1996}\n}\n"
    messages = problems_in(tmp_path, bib, cite("kramer1996new"))
    assert len(messages) == 2
    assert "missing required field journal" in messages[0]
    assert "missing required field volume or number or month" in messages[1]


@pytest.mark.parametrize(("extra", "fault"), [
    (",\n  doi = {https://doi.org/10.1086/376211}", 'DOI "https://doi.org/10.1086/376211"'),
    (",\n  url = {www.example.org/page}", 'URL "www.example.org/page" needs a scheme'),
    (",\n  month = jan,\n  number = {5},\n  edition = {2}", None),
])
def test_identifier_syntax(tmp_path, extra, fault):
    messages = problems_in(tmp_path, BOOK_ENTRY.format(key="lomax1976hungary", extra=extra),
                           cite("lomax1976hungary"))
    if fault is None:
        assert messages == []
    else:
        assert len(messages) == 1 and fault in messages[0]


@pytest.mark.parametrize(("title", "fault"), [
    ("`Uncle Szabó' and the tram depot", True),
    ("‘Uncle Szabó’ and the tram depot", False),
    ("``Uncle Szabó'' and the tram depot", False),
])
def test_a_tex_single_quote_is_flagged(tmp_path, title, fault):
    # pybtex turns ``...'' into curly quotes but prints a single ` as it is.
    bib = BOOK_ENTRY.format(key="lomax1976hungary", extra="").replace("Hungary 1956", title)
    messages = problems_in(tmp_path, bib, cite("lomax1976hungary"))
    assert bool(messages) is fault, messages
    if fault:
        assert len(messages) == 1 and "title has a TeX opening quote" in messages[0]


@pytest.mark.parametrize("year", ["1776", "2999", "c. 1976"])
def test_implausible_years(tmp_path, year):
    bib = BOOK_ENTRY.format(key="lomax1976hungary", extra="").replace("1976}", f"{year}}}")
    messages = problems_in(tmp_path, bib, cite("lomax1976hungary"))
    assert len(messages) == 1 and f"year {year}" in messages[0].replace('"', "")


@pytest.mark.parametrize("key", ["Lomax1976hungary", "lomax-1976-hungary", "lomax76hungary",
                                 "hungary1956"])
def test_key_convention(tmp_path, key):
    messages = problems_in(tmp_path, BOOK_ENTRY.format(key=key, extra=""), cite(key))
    assert len(messages) == 1 and "breaks the convention" in messages[0]


def test_further_reading_keyword_allows_an_uncited_entry(tmp_path):
    bib = BOOK_ENTRY.format(key="lomax1976hungary", extra=",\n  keywords = {further-reading}")
    assert problems_in(tmp_path, bib, "No citation here.\n") == []
    # ... and says so when the entry is cited after all.
    messages = problems_in(tmp_path, bib, cite("lomax1976hungary"))
    assert len(messages) == 1 and "marked further-reading but cited" in messages[0]


WEB_PAGE = """@misc{{mti1956chronology,
  title        = {{1956 -- Kronológia}},
  howpublished = {{Online chronology}}{extra}
}}
"""


@pytest.mark.parametrize(("extra", "ok"), [
    (",\n  url = {https://1956.mti.hu/}", False),  # no year, no exception
    (",\n  url = {https://1956.mti.hu/},\n  keywords = {undated}", True),
    (",\n  keywords = {undated}", False),  # undated, but not a web page
])
def test_undated_web_page_exception(tmp_path, extra, ok):
    messages = problems_in(tmp_path, WEB_PAGE.format(extra=extra), cite("mti1956chronology"))
    assert (messages == []) is ok, messages


def test_citations_found_in_directives_and_ignored_in_code(tmp_path):
    chapter = ("Text.\n\n```{note}\nInside a note.{footcite}`ghost1999note`\n```\n\n"
               "```text\n{footcite}`ghost1999code`\n```\n\n`{footcite}` is written "
               "``{footcite}`ghost1999inline` ``.\n")
    messages = problems_in(tmp_path, "", chapter)
    assert messages == [('01-chapter.md:4: unknown citation key "ghost1999note": add an entry '
                        "with this key to references.bib, or correct the key [book.unknown-key]")]


def test_syntax_error_is_named_with_its_line(tmp_path):
    bib = BOOK_ENTRY.format(key="lomax1976hungary", extra="") + "@book{broken1999x,\n  title {x}\n}\n"
    messages = problems_in(tmp_path, bib, cite("lomax1976hungary"))
    assert len(messages) == 1
    assert messages[0].startswith("references.bib:8: BibTeX syntax error")


SITE = """@misc{{magyarkronologia1956chronology,
  title        = {{Magyar Kronológia}},
  howpublished = {{Online day-by-day chronology}},
  url          = {{{url}}},
  keywords     = {{{keywords}, undated}}
}}
"""


def test_a_whole_chronology_cited_without_its_day_is_flagged(tmp_path):
    bib = SITE.format(url="https://magyarkronologia.hu/", keywords="chronology")
    messages = problems_in(tmp_path, bib, cite("magyarkronologia1956chronology"))
    assert len(messages) == 1, messages
    assert messages[0].startswith("01-chapter.md:1:")
    assert "whole web chronology, cited without its day or entry" in messages[0]
    # Listed on purpose, never cited: no problem.
    bib = SITE.format(url="https://magyarkronologia.hu/",
                      keywords="chronology, further-reading")
    assert problems_in(tmp_path, bib, "No citation.\n") == []


@pytest.mark.parametrize(("url", "ok"), [
    ("https://magyarkronologia.hu/1956/10/25-8918", True),
    ("https://1956.mti.hu/Pages/Chronology.aspx?ID=20", True),
    ("https://magyarkronologia.hu/", False),
])
def test_a_day_entry_must_point_at_the_day(tmp_path, url, ok):
    bib = SITE.format(url=url, keywords="chronology-entry")
    messages = problems_in(tmp_path, bib, cite("magyarkronologia1956chronology"))
    assert (messages == []) is ok, messages
    if not ok:
        assert "not the page of a day or entry" in messages[0]


def test_the_bibliography_filter_lists_what_sphinxcontrib_bibtexs_own_does(html_dir):
    """booktools.bibliography's filter in linear time picks the same entries, in the same
    order, as upstream's: on the book's citations, with one chapter's taken away (so some
    works are cited nowhere), and with other filters, a key prefix and listed keys, on the
    book's own bibliography; and the override is what the build uses."""
    import ast
    import pickle

    from conftest import building
    from sphinxcontrib.bibtex.domain import BibtexDomain

    import booktools.bibliography
    from booktools.bibliography import BookBibtexDomain
    from booktools.build import DOCTREES

    with building():  # no build in the working tree rewrites the pickle meanwhile
        env = pickle.loads((DOCTREES / "environment.pickle").read_bytes())
    data = env.domaindata["cite"]
    assert data["bibliographies"], "the book has no bibliography directive"
    refs = data["citation_refs"]
    chapter = max({r.docname for r in refs}, key=lambda d: sum(r.docname == d for r in refs))
    fewer = [r for r in refs if r.docname != chapter]
    some = sorted({t.key for r in refs for t in r.targets})[:3]

    def picked(cls: type, refs: list, **change) -> list[list[str]]:
        bibs = {key: bib._replace(**change) for key, bib in data["bibliographies"].items()}
        domain = object.__new__(cls)
        domain.env = env
        domain.data = {**data, "citation_refs": refs, "bibliographies": bibs}
        return [[key for key, _ in domain.get_filtered_entries(bib)] for bib in bibs]

    variants = [
        {}, {"filter_": ast.parse(f"docnames & {{{chapter!r}}}")},
        {"filter_": ast.parse("not cited")}, {"filter_": ast.parse("False")},
        {"filter_": ast.parse("cited and docname in docnames")},
        {"keyprefix": "x-"}, {"filter_": ast.parse("False"), "keys": some},
    ]
    for case in (refs, fewer):
        for change in variants:
            assert picked(BookBibtexDomain, case, **change) == picked(
                BibtexDomain, case, **change), change
    assert sum(map(len, picked(BookBibtexDomain, fewer))) < sum(
        map(len, picked(BookBibtexDomain, refs))), "taking a chapter away dropped no work"
    listed = picked(BookBibtexDomain, refs, filter_=ast.parse("False"), keys=some)
    assert [set(keys) for keys in listed] == [set(some)], "the listed keys were not kept"

    class App:
        def setup_extension(self, name: str) -> None:
            pass

        def add_domain(self, domain: type, override: bool = False) -> None:
            self.domain = (domain, override)

    app = App()
    booktools.bibliography.setup(app)  # type: ignore[arg-type]
    assert app.domain == (BookBibtexDomain, True)
    assert "get_filtered_entries" in vars(BookBibtexDomain)
    conf = (ROOT / "conf.py").read_text(encoding="utf-8")
    assert '"booktools.bibliography"' in conf, "conf.py does not load booktools.bibliography"
