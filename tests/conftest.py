"""Shared fixtures: each edition is built once per test session, then inspected.

A test that needs a tool (pdftotext, java, ...) and cannot find it fails: it never skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup
from filelock import FileLock, ReadWriteLock, Timeout

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warm import WarmBuilds  # noqa: E402

from booktools import meta  # noqa: E402

if TYPE_CHECKING:
    from browsing import Server
    from playwright.sync_api import Browser

BOOK = ROOT / "book"
BUILD = ROOT / "_build"
#: This worker's warm build server (tests/warm.py): every booktools.build run of the tests.
_WARM = WarmBuilds()


#: The test files that take longest (each 40 to 80 s in `make test`), handed to the workers
#: first, Lighthouse before all: it wants no other browser beside it (browser_turn), and
#: the other worker meanwhile runs the long tests that drive no browser.  `make test` runs
#: pytest-xdist with --no-loadscope-reorder, which keeps this order (by default it hands
#: out the files with the most tests first, whatever they take, and the longest came last).
LONGEST_FIRST = ["test_html_lighthouse.py", "test_reproducible.py", "test_incremental.py",
                 "test_html_axe.py", "test_epub_quality.py", "test_benchmark_smoke.py",
                 "test_contributor_errors.py"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = [name for name in LONGEST_FIRST if not (Path(__file__).parent / name).is_file()]
    if missing:
        raise pytest.UsageError(f"tests/conftest.py: LONGEST_FIRST names {missing}, which "
                                "tests/ does not have: rename or remove them there")
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest as found


@dataclass(frozen=True)
class Chapter:
    path: Path
    title: str


def chapters() -> list[Chapter]:
    """The numbered chapter and back-matter files, with their titles from the source."""
    out = []
    for path in sorted(BOOK.glob(meta.CHAPTER_GLOB)):
        m = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.M)
        assert m, f"{path.relative_to(ROOT)} has no '# ' title"
        # Sphinx's typographer renders straight apostrophes as typographic ones.
        out.append(Chapter(path, m.group(1).strip().replace("'", "\u2019")))
    return out


#: Where the builds of this test run are recorded, shared by its xdist workers (set below).
_RUN_DIR: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def _run_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The folder of this run: a worker's base folder's parent is its run's (pytest-xdist)."""
    base = tmp_path_factory.getbasetemp()
    _RUN_DIR.append(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)


@contextmanager
def building() -> Iterator[None]:
    """Held by whatever runs Sphinx in the working tree: two test workers never build into
    the same doctrees and work folders at once."""
    BUILD.mkdir(exist_ok=True)
    with FileLock(BUILD / ".tests.lock"):
        yield


#: What each edition is built after, as `make` builds them: the site links its language's
#: EPUB and PDF, and the Hungarian site sits inside the English one.
BUILT_AFTER = {("html", "en"): [("epub", "en"), ("pdf", "en")],
               ("html", "hu"): [("epub", "hu"), ("pdf", "hu"), ("html", "en")]}


def build(edition: str, language: str = "en") -> Path:
    """Build *edition* in the working tree once per test run, however many workers ask
    (each later caller finds it built), after what it depends on (BUILT_AFTER)."""
    for before in BUILT_AFTER.get((edition, language), []):
        build(*before)
    done = _RUN_DIR[0] / f"built-{edition}-{language}"
    with building():
        if not done.exists():
            proc = run_build(ROOT, "--language", language, edition)
            assert proc.returncode == 0, (
                f"{edition} ({language}) build failed:\n{proc.stdout[-3000:]}\n"
                f"{proc.stderr[-5000:]}"
            )
            done.touch()
    base = meta.identity(language).basename
    return {
        "html": BUILD / "html" if language == "en" else BUILD / "html" / language,
        "epub": BUILD / "epub" / f"{base}.epub",
        "pdf": BUILD / "pdf" / f"{base}.pdf",
    }[edition]


@pytest.fixture(scope="session")
def html_dir() -> Path:
    return build("html")


@pytest.fixture(scope="session")
def epub_path() -> Path:
    return build("epub")


def once_per_run(name: str, compute: Callable[[], dict]) -> dict:
    """*compute*'s JSON result, computed once per test run however many workers ask (the
    later callers read what the first one saved in the run's folder)."""
    saved = _RUN_DIR[0] / f"{name}.json"
    with FileLock(f"{saved}.lock"):
        if not saved.exists():
            saved.write_text(json.dumps(compute()), encoding="utf-8")
    return json.loads(saved.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def epubcheck_report(epub_path: Path) -> dict:
    """epubcheck's JSON report on the book's EPUB: run once per test run, read by every
    EPUB test in every worker."""
    from booktools import linkcheck

    return once_per_run("epubcheck-en", lambda: linkcheck.epubcheck_report(epub_path))


@pytest.fixture(scope="session")
def pdf_path() -> Path:
    return build("pdf")


# -- The Hungarian edition (locales/hu): the same checks, on its own files ------------------

@pytest.fixture(scope="session")
def hu_html_dir() -> Path:
    """The Hungarian site, _build/html/hu/ (after the English, which it sits inside)."""
    return build("html", "hu")


@pytest.fixture(scope="session")
def hu_epub_path() -> Path:
    return build("epub", "hu")


@pytest.fixture(scope="session")
def hu_epubcheck_report(hu_epub_path: Path) -> dict:
    from booktools import linkcheck

    return once_per_run("epubcheck-hu", lambda: linkcheck.epubcheck_report(hu_epub_path))


@pytest.fixture(scope="session")
def hu_pdf_path() -> Path:
    return build("pdf", "hu")


# -- A browser and the site served as a host serves it (tests/browsing.py) -----------------

#: The longest a test waits for its turn with the browser (the longest browser test file,
#: axe over both sites, takes about 100 s).
TURN_WAIT = 900


@contextmanager
def browser_turn(alone: bool = False) -> Iterator[None]:
    """Held while a test drives Chromium: shared by the browser tests, *alone* by
    Lighthouse, whose performance score is simulated from the processor time the page
    takes and so must not share the processor with another browser (axe beside it took a
    chapter from 98 to 80; in a trial two processes busy on both cores left it at 98, and
    the other worker's builds are not held back).  A wait longer than TURN_WAIT fails."""
    BUILD.mkdir(exist_ok=True)
    lock = ReadWriteLock(BUILD / ".browsers.lock", timeout=TURN_WAIT, is_singleton=False)
    with ExitStack() as held:
        held.callback(lock.close)
        try:
            held.enter_context(lock.write_lock() if alone else lock.read_lock())
        except Timeout:
            pytest.fail(f"waited {TURN_WAIT} s for the other browser tests "
                        f"({BUILD / '.browsers.lock'}): one of them hangs")
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from browsing import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install chromium"
    # Playwright gives each launch a fresh temporary profile (the --user-data-dir).
    with browser_turn(), sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(html_dir: Path) -> Iterator[Server]:
    """The English site (with the Hungarian one in hu/) served under PREFIX."""
    from browsing import Server

    srv = Server(html_dir)
    yield srv
    srv.close()


#: The fixture that gives each language's edition: {"en": "html_dir", "hu": "hu_html_dir"}.
def edition_fixture(kind: str, language: str) -> str:
    return kind if language == "en" else f"{language}_{kind}"


def squash(text: str) -> str:
    """Whitespace folded to single spaces, soft hyphens and line-end hyphens joined."""
    text = text.replace("\u00ad", "")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text)


@cache
def html_text(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    return squash(main.get_text(""))


@cache
def epub_texts(path: Path) -> dict[str, str]:
    """Every XHTML file of the EPUB, name -> visible text."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(".xhtml"):
                soup = BeautifulSoup(zf.read(name), "html.parser")
                out[name] = squash((soup.body or soup).get_text(""))
    return out


@cache
def pdf_text(path: Path) -> str:
    proc = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return proc.stdout


def copy_real_project(dest: Path) -> Path:
    """A fresh copy of the real book's project in *dest*/project: conf.py, references.bib,
    booktools, book and locales (no caches, no compiled catalogues, no node_modules)."""
    project = dest / "project"
    project.mkdir()
    for name in ("conf.py", "references.bib"):
        shutil.copy(ROOT / name, project / name)
    for folder in ("booktools", "book", "locales"):
        shutil.copytree(ROOT / folder, project / folder,
                        ignore=shutil.ignore_patterns("node_modules", "__pycache__", "*.mo"))
    return project


# -- Fixture books: tiny projects with deliberate faults, built with the real conf.py --

FIXTURES = Path(__file__).parent / "fixtures"


def make_project(tmp_path: Path, book: str) -> Path:
    """A copy of the project (conf.py, references.bib, booktools) around a fixture book
    (the folder tests/fixtures/<book>)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "conf.py", project / "conf.py")
    # A fixture book may bring its own frozen bibliography (tests/fixtures/<book>.bib).
    own_bib = FIXTURES / f"{book}.bib"
    shutil.copy(own_bib if own_bib.is_file() else ROOT / "references.bib",
                project / "references.bib")
    shutil.copytree(ROOT / "booktools", project / "booktools",
                    ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    shutil.copytree(FIXTURES / book, project / "book")
    # ... and its own translation catalogues (tests/fixtures/<book>.locales).
    own_locales = FIXTURES / f"{book}.locales"
    if own_locales.is_dir():
        shutil.copytree(own_locales, project / "locales")
    return project


#: What a planted "last good" HTML edition holds; a failed build must leave it as it is.
LAST_GOOD = "last good edition"


def plant_last_good_html(project: Path) -> Path:
    """Stand in for an earlier successful build: ``_build/html/index.html``; return it."""
    page = project / "_build" / "html" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(LAST_GOOD)
    return page


def run_build(project: Path, *editions: str) -> subprocess.CompletedProcess[str]:
    """Build *editions* of a fixture project the way a contributor does:
    ``python -m booktools.build *editions*`` in the project, forked from a warm process."""
    return _WARM.run(project, list(editions))


#: Fixture book -> (its project, the HTML build's result): each fault fixture is built
#: once per test session, however many tests read its verdict (see fault_build).
_FAULT_BUILDS: dict[str, tuple[Path, subprocess.CompletedProcess[str]]] = {}


@pytest.fixture(scope="session")
def fault_build(tmp_path_factory: pytest.TempPathFactory):
    """``fault_build(name)``: the fixture book *name* built as HTML, over a planted last
    good edition, once per session; returns (project, completed process).  Tests that
    edit the project after the build make their own with make_project."""
    def get(name: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
        if name not in _FAULT_BUILDS:
            project = make_project(tmp_path_factory.mktemp(name), name)
            plant_last_good_html(project)
            _FAULT_BUILDS[name] = (project, run_build(project, "html"))
        return _FAULT_BUILDS[name]
    return get


#: One warning's first line: where, the level, the message, and the code Sphinx appends.
WARNING_LINE = re.compile(
    r"^(?P<where>\S+?): (?P<level>WARNING|ERROR|CRITICAL): (?P<message>.*?)"
    r"(?: \[(?P<code>[\w.-]+)\])?$")


def warnings_of(project: Path, output: str) -> list[str]:
    """Every warning of a build's output as 'file:line: [code]', paths relative to *project*."""
    found = []
    for line in re.sub(r"\x1b\[[0-9;]*m", "", output).splitlines():
        match = WARNING_LINE.match(line)
        if match:
            where = match["where"].replace(f"{project}/", "")
            found.append(f"{where}: [{match['code'] or 'no code'}]")
    return found


def conf_redirects() -> dict[str, str]:
    """conf.py's ``redirects``: old page name -> new page (booktools.redirects)."""
    import ast

    tree = ast.parse((ROOT / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "redirects":
            return ast.literal_eval(node.value)
    raise AssertionError("conf.py sets no 'redirects'")


def citation_keys(content: str) -> list[str]:
    """The keys of one {footcite} role's content; commas inside {pre}/{post} text do not split."""
    from sphinxcontrib.bibtex.citation_target import parse_citation_targets

    return [target.key for target in parse_citation_targets(content)]

