"""Every way a contributor can break the book fails the build with file, line and a fix.

Each fixture book under tests/fixtures/ holds one fault.  (Citation, bibliography,
cross-reference, fragment and image faults have their own fixtures and tests.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, make_project, plant_last_good_html, run_build, warnings_of

# fixture -> (where, what Sphinx or booktools says, how to fix it)
CASES = {
    "duplicate-label": (
        "book/02-chapter.md:4:", "duplicate label the-students, other instance in",
        "how to fix: labels must be unique in the whole book"),
    "unclosed-directive": (
        "book/01-chapter.md:5:", "directive {note} opened here with ':::' is never closed",
        "add a line ':::' where it should end"),
    "unclosed-role": (
        "book/01-chapter.md:4:", "role {index} is never closed",
        "end its text with a backtick"),
    "unknown-role": (
        # MyST gives the line where the paragraph starts, not the role's own line.
        "book/01-chapter.md:3:", 'Unknown interpreted text role "indx"',
        "how to fix: check the role's spelling"),
    "bad-front-matter": (
        "book/01-chapter.md:1:", "Malformed YAML",
        "how to fix: the front matter between the two '---' lines"),
    "chapter-not-in-toc": (
        # A whole file is the fault: Sphinx names the file, without a line.
        "book/02-the-march.md: WARNING:", "document isn't included in any toctree",
        "how to fix: add the file's name without '.md' to a {toctree}"),
}


#: Every fixture book (a folder under tests/fixtures/ whose name has no dot: <book>.locales
#: holds a book's catalogues); each has its golden list beside it.
FIXTURE_BOOKS = sorted(path.name for path in FIXTURES.iterdir()
                       if path.is_dir() and "." not in path.name)


@pytest.mark.parametrize("fixture", FIXTURE_BOOKS)
def test_fixture_gives_exactly_its_golden_warnings(fault_build, fixture: str) -> None:
    """Not only the expected warning: every warning, with its file, line and code.

    The list is ``tests/fixtures/<fixture>.warnings``; an empty list means the HTML
    build must pass (a fault of references.bib is the references check's, not the build's).
    """
    golden = FIXTURES / f"{fixture}.warnings"
    assert golden.is_file(), f"tests/fixtures/{fixture}.warnings is missing: list the warnings"
    expected = sorted(line for line in golden.read_text(encoding="utf-8").splitlines()
                      if line.strip() and not line.startswith("#"))
    project, proc = fault_build(fixture)
    output = proc.stdout + proc.stderr
    assert sorted(warnings_of(project, output)) == expected, output[-3000:]
    assert (proc.returncode != 0) == bool(expected), output[-3000:]


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_fault_fails_with_file_line_and_fix(fault_build, fixture: str) -> None:
    where, what, fix = CASES[fixture]
    project, proc = fault_build(fixture)
    good = project / "_build" / "html" / "index.html"

    assert proc.returncode != 0, f"{fixture} built without error"
    output = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    lines = output.splitlines()
    hits = [i for i, line in enumerate(lines) if where in line and what in line]
    assert hits, f"{fixture}: no line with {where!r} and {what!r} in:\n{output[-3000:]}"
    # The fix is on the message's own line or the hint line right under it.
    assert any(fix in "\n".join(lines[i:i + 2]) for i in hits), f"{fixture}: no {fix!r}"
    assert good.read_text() == "last good edition"


def test_closing_the_fence_fixes_the_build(tmp_path: Path) -> None:
    """The unclosed-fence check fires on the fault, not on a correct fence."""
    project = make_project(tmp_path, "unclosed-directive")
    chapter = project / "book" / "01-chapter.md"
    chapter.write_text(chapter.read_text().replace(
        "MEFESZ.\n", "MEFESZ.\n:::\n"))
    proc = run_build(project, "html")
    assert proc.returncode == 0, proc.stderr[-3000:]


# A fault in each data file (the frozen data-book fixture, a copy of book/data) -> the
# message the build must print: the data file's name and line, and the fix.
DATA_FAULTS = {
    "timeline.csv": ("1956-10-06", "1956-10-36", "is not a date; write it as YYYY-MM-DD"),
    "people.csv": (",1896,", ",c. 1896,", "is not a year; give four digits"),
    "glossary.csv": ("\nArrow Cross,", "\nAmnesty,", "is already defined at"),
    "places.csv": ("47.49835", "", "geonameid, lat and lon go together"),
    "numbers.csv": ("ksh1957victims", "ksh1957victims 4", "is not a citation key"),
    "movements.csv": ("Cegléd,Budapest", "Nowhere,Budapest", "is not a place with coordinates"),
}


@pytest.mark.parametrize("name", sorted(DATA_FAULTS))
def test_a_data_file_fault_ends_in_a_message_not_a_traceback(tmp_path: Path, name: str) -> None:
    old, new, fix = DATA_FAULTS[name]
    project = make_project(tmp_path, "data-book")
    good = plant_last_good_html(project)
    path = project / "book" / "data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the frozen fixture lost {old!r}"
    line = text[: text.index(old)].count("\n") + 1 + old.startswith("\n")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    proc = run_build(project, "html")

    output = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    assert proc.returncode == 1, f"{name}: exit {proc.returncode}\n{output[-2000:]}"
    assert "Traceback" not in output, output[-3000:]
    hits = [ln for ln in output.splitlines() if f"book/data/{name}:{line}:" in ln]
    assert hits and any(fix in ln for ln in hits), f"no {name}:{line} with {fix!r}:\n{output[-2000:]}"
    assert any(ln.endswith("[book.data-value]") for ln in hits), hits
    assert good.read_text() == "last good edition"


@pytest.mark.parametrize(("name", "fault", "fix"), [
    ("outline.geojson", None, "book/data/outline.geojson: missing; the figures are drawn "
     "from it: restore it (git checkout -- book/data/outline.geojson) [book.data-file]"),
    ("danube.geojson", '{"type": ', "book/data/danube.geojson:2: not valid JSON"),
], ids=["outline-missing", "danube-cut-short"])
def test_a_missing_or_broken_outline_ends_in_a_message(tmp_path: Path, name: str,
                                                       fault: str | None, fix: str) -> None:
    """The figures' GeoJSON files deleted or cut short: the file, the line and the fix
    (not Python's FileNotFoundError or JSONDecodeError as a fault of the tools)."""
    project = make_project(tmp_path, "data-book")
    good = plant_last_good_html(project)
    path = project / "book" / "data" / name
    if fault is None:
        path.unlink()
    else:
        path.write_text(fault + "\n", encoding="utf-8")

    proc = run_build(project, "html")

    output = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    assert proc.returncode == 1, output[-2000:]
    assert "Traceback" not in output and "internal error" not in output, output[-3000:]
    assert fix in output, output[-2000:]
    assert good.read_text() == "last good edition"


def test_the_data_book_fixture_builds(tmp_path: Path) -> None:
    """The fixture above fails only through the fault planted in it."""
    proc = run_build(make_project(tmp_path, "data-book"), "html")
    assert proc.returncode == 0, proc.stderr[-3000:]
