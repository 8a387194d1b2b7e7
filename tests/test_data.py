"""The data files in book/data/ are well-formed, cited, and faults name file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import BOOK, FIXTURES

from booktools import backmatter, bookdata


def test_data_files_load_and_cite_known_works() -> None:
    counts = {
        "timeline": len(bookdata.timeline()),
        "people": len(bookdata.people()),
        "glossary": len(bookdata.glossary()),
        "places": len(bookdata.places()),
        "numbers": len(bookdata.numbers()),
        "movements": len(bookdata.movements()),
    }
    assert all(counts.values()), counts


def test_every_glossary_term_used_in_the_book_is_defined() -> None:
    defined = {row["term"] for row in bookdata.glossary()}
    used = backmatter.used_terms(BOOK)
    missing = {term: files for term, files in used.items() if term not in defined}
    assert not missing, f"terms linked but not in book/data/glossary.csv: {missing}"


def test_the_map_draws_only_towns_with_geonames_coordinates() -> None:
    towns = bookdata.mapped_towns()
    assert any(t["name"] == "Budapest" for t in towns)
    assert all(t["geonameid"].isdigit() for t in towns)


def test_every_section_a_row_links_to_exists() -> None:
    labels = {line[1:-2] for p in BOOK.glob("*.md")
              for line in p.read_text(encoding="utf-8").splitlines()
              if line.startswith("(") and line.endswith(")=")}
    rows = bookdata.timeline() + bookdata.places()
    bad = [f"{r.where}: {r['section']}" for r in rows if r["section"] not in labels]
    assert not bad, bad


#: Frozen data of the tool tests (a copy of book/data as it was, with the entries it cites):
#: an edit to the book's own data cannot break a test of the tools.
FROZEN = FIXTURES / "data-book" / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    shutil.copytree(FROZEN, tmp_path / "book" / "data")
    shutil.copy(FIXTURES / "data-book.bib", tmp_path / "references.bib")
    return tmp_path / "book" / "data"


def edit(path: Path, old: str, new: str) -> int:
    """Replace *old* once in *path*; return the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


@pytest.mark.parametrize(("name", "old", "new", "loader", "message"), [
    ("timeline.csv", "1956-10-06", "6 Oct 1956", bookdata.timeline, "write it as YYYY-MM-DD"),
    ("timeline.csv", "ostermann2001uprising", "https://example.org/x", bookdata.timeline,
     "holds a URL"),
    ("people.csv", "rainer2009imre", "nosuchkey2001", bookdata.people,
     "unknown citation key 'nosuchkey2001'"),
    ("people.csv", "1896", "c. 1896", bookdata.people, "is not a year"),
    ("places.csv", "town,3054643", "village,3054643", bookdata.places, "kind 'village'"),
    ("places.csv", "47.49835", "", bookdata.places, "geonameid, lat and lon go together"),
    ("glossary.csv", "\nArrow Cross,", "\nAmnesty,", bookdata.glossary, "already defined"),
    ("numbers.csv", "ksh1957victims", "ksh1957victims 4", bookdata.numbers,
     "is not a citation key with an optional page"),
    ("movements.csv", "Cegléd,Budapest", "Nowhere,Budapest", bookdata.movements,
     "from 'Nowhere' is not a place with coordinates"),
])
def test_a_bad_row_is_reported_with_file_and_line(data_copy: Path, name: str, old: str,
                                                  new: str, loader, message: str) -> None:
    line = edit(data_copy / name, old, new)
    if old.startswith("\n"):
        line += 1
    with pytest.raises(bookdata.DataError) as err:
        loader(data_copy)
    assert f"{name}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_a_figure_without_a_number_is_reported(data_copy: Path) -> None:
    path = data_copy / "numbers.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows.insert(1, 'Deaths,"very many",1956,ksh1957victims,A guess')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(bookdata.DataError, match=r"numbers\.csv:2: figure 'very many' holds no"):
        bookdata.numbers(data_copy)


def test_a_wrong_header_is_reported(data_copy: Path) -> None:
    edit(data_copy / "people.csv", "name,hungarian_name", "name,magyar_name")
    with pytest.raises(bookdata.DataError, match=r"people\.csv:1: header"):
        bookdata.people(data_copy)
