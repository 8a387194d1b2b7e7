"""The caches never change an output: an incremental build gives the pages a clean build gives.

Two copies of the project build the real book.  One is built clean, edited (a chapter's title,
which every page's navigation shows, and a sentence) and built again incrementally; the other
is built clean from the edited sources.  Every .html page must be byte-identical between the
two, and so must ``sitemap.xml`` and ``searchindex.js``; then the edit is reverted and the
incremental build must give the first clean build's pages again; then a toctree caption of
index.md, which every page's navigation shows, is edited alone.  A third copy renders the
navigation the theme's way on every page (``booktools_shared_nav = False``), which must
change no byte either.  Stale navigation, a stale aggregate page (people, index) or a figure
drawn from old data would all show as a differing page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BOOK, ROOT, conf_redirects, make_project, run_build

CHAPTER = "03-thaw-and-hope.md"
#: The first caption of book/index.md's toctrees, and what the test edits it to.
CAPTION = re.search(r"^:caption: (.+)$", (BOOK / "index.md").read_text(encoding="utf-8"),
                    re.M).group(1)  # type: ignore[union-attr]
NEW_CAPTION = f"{CAPTION} (revised)"


def copy_project(dest: Path) -> Path:
    """The project without its git history or build outputs (a fresh machine's view)."""
    dest.mkdir(parents=True)
    for name in ("conf.py", "references.bib"):
        shutil.copy(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("node_modules", "__pycache__", "_figures")
    shutil.copytree(ROOT / "booktools", dest / "booktools", ignore=ignore)
    shutil.copytree(BOOK, dest / "book", ignore=ignore)
    return dest


def build_html(project: Path) -> dict[str, bytes]:
    proc = run_build(project, "--quiet", "html")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return pages_of(project / "_build" / "html")


def edit(text: str) -> str:
    """A new title for the chapter and one more sentence in its first paragraph."""
    title_line = next(line for line in text.splitlines() if line.startswith("# "))
    first_sentence = next(line for line in text.splitlines()
                          if line[:1].isalpha() and line.endswith("."))
    return (text.replace(title_line, f"{title_line} (revised)", 1)
                .replace(first_sentence, f"{first_sentence} One more sentence.", 1))


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def search_index(data: bytes) -> dict:
    text = data.decode()
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def first_difference(a: dict[str, bytes], b: dict[str, bytes]) -> str:
    """The first differing line of the first differing page, for the failure message."""
    for name in differing(a, b):
        if name == "searchindex.js" and name in a and name in b:
            ours, theirs = search_index(a[name]), search_index(b[name])
            key = next(k for k in sorted(ours.keys() | theirs.keys())
                       if ours.get(k) != theirs.get(k))
            return (f"{name}: {key!r} differs: {len(ours.get(key) or ())} items "
                    f"incremental, {len(theirs.get(key) or ())} clean")
        lines_a = a.get(name, b"").decode().splitlines()
        lines_b = b.get(name, b"").decode().splitlines()
        for i, (x, y) in enumerate(zip(lines_a, lines_b, strict=False)):
            if x != y:
                return f"{name}:{i + 1}:\n  incremental: {x[:300]}\n  clean:       {y[:300]}"
        return f"{name}: {len(lines_a)} lines against {len(lines_b)}"
    return ""


def pages_of(site: Path, sitemap: bool = True) -> dict[str, bytes]:
    pages = [*site.rglob("*.html"), site / "searchindex.js",
             *([site / "sitemap.xml"] if sitemap else [])]
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(pages)}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("incremental")
    warm, fresh = copy_project(base / "warm"), copy_project(base / "fresh")
    theirs = copy_project(base / "theirs")
    chapter = warm / "book" / CHAPTER
    original = chapter.read_text(encoding="utf-8")
    # The two clean builds of other projects run beside the warm project's sequence.
    (fresh / "book" / CHAPTER).write_text(edit(original), encoding="utf-8")
    fresh_build = subprocess.Popen(
        [sys.executable, "-m", "booktools.build", "--quiet", "html"], cwd=fresh,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The original sources again, with the navigation rendered the theme's way on every page.
    site = theirs / "_build" / "theirs"
    theirs_build = subprocess.Popen(
        [sys.executable, "-m", "sphinx", "-b", "html", "-c", ".", "book", str(site),
         "-d", str(theirs / "_build" / ".doctrees"), "-q", "-W", "--keep-going", "-n",
         "-D", "booktools_shared_nav=0"],
        cwd=theirs, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "0"},
    )
    out = {"clean": build_html(warm)}
    chapter.write_text(edit(original), encoding="utf-8")
    out["edited, incremental"] = build_html(warm)
    chapter.write_text(original, encoding="utf-8")
    out["reverted, incremental"] = build_html(warm)
    # A sentence only: no title changes, so only this chapter (and the pages around it)
    # is written again, and everything else must still come out as before.
    title_line = next(line for line in original.splitlines() if line.startswith("# "))
    chapter.write_text(edit(original).replace(f"{title_line} (revised)", title_line),
                       encoding="utf-8")
    build_html(warm)
    chapter.write_text(original, encoding="utf-8")
    out["sentence edited and reverted"] = build_html(warm)
    out["no change"] = build_html(warm)
    # A toctree's caption, which every page's navigation shows, edited in index.md alone.
    index = warm / "book" / "index.md"
    text = index.read_text(encoding="utf-8")
    assert text.count(f":caption: {CAPTION}\n") == 1, "index.md lost the caption"
    index.write_text(text.replace(f":caption: {CAPTION}\n", f":caption: {NEW_CAPTION}\n"),
                     encoding="utf-8")
    out["caption edited"] = build_html(warm)
    stdout, stderr = fresh_build.communicate()
    assert fresh_build.returncode == 0, stdout[-2000:] + stderr[-4000:]
    out["edited, clean"] = pages_of(fresh / "_build" / "html")
    _, stderr = theirs_build.communicate()
    assert theirs_build.returncode == 0, stderr[-4000:]
    out["clean, theme's navigation"] = pages_of(site, sitemap=False)
    return out


def test_the_edit_shows_on_every_page(builds) -> None:
    """The comparison means something: the title edit changes every page's navigation."""
    changed = differing(builds["clean"], builds["edited, clean"])
    assert CHAPTER.replace(".md", ".html") in changed
    assert {"index.html", "91-people.html", "genindex.html"} <= set(changed), changed


def test_incremental_build_after_an_edit_equals_a_clean_build(builds) -> None:
    assert builds["edited, incremental"].keys() == builds["edited, clean"].keys()
    inc, clean = builds["edited, incremental"], builds["edited, clean"]
    assert differing(inc, clean) == [], first_difference(inc, clean)


def test_incremental_build_after_a_revert_equals_the_first_clean_build(builds) -> None:
    inc, clean = builds["reverted, incremental"], builds["clean"]
    assert differing(inc, clean) == [], first_difference(inc, clean)


@pytest.mark.parametrize("case", ["sentence edited and reverted", "no change"])
def test_a_build_that_writes_few_pages_keeps_every_page_and_the_sitemap(builds, case) -> None:
    """The sitemap is collected from the pages a build writes: it must still list them all."""
    inc, clean = builds[case], builds["clean"]
    assert differing(inc, clean) == [], first_difference(inc, clean)


def test_a_caption_edit_reaches_every_page(builds) -> None:
    """Only index.md changed, but its toctree's caption is in every page's navigation:
    every page must be the clean build's with the caption replaced (no page keeps the old
    one, which Sphinx alone would leave on every page it does not rewrite)."""
    def caption(text: str) -> bytes:
        return f'<span class="caption-text">{text}</span>'.encode()

    clean, inc = builds["clean"], builds["caption edited"]
    shown = [name for name, page in clean.items() if caption(CAPTION) in page]
    assert len(shown) > 20, shown  # the navigation of (nearly) every page shows it
    expected = {name: page.replace(caption(CAPTION), caption(NEW_CAPTION))
                for name, page in clean.items() if name != "searchindex.js"}
    pages = {name: page for name, page in inc.items() if name != "searchindex.js"}
    assert differing(pages, expected) == [], first_difference(pages, expected)
    # The search index lists the caption among the titles (of index.md, which was read).
    titles = search_index(inc["searchindex.js"])["alltitles"]
    assert NEW_CAPTION in titles and CAPTION not in titles, sorted(titles)[:20]


def test_navigation_rendered_once_equals_the_themes_on_every_page(builds) -> None:
    """booktools.navigation: the template filled in per page gives the theme's own sidebar."""
    ours, theirs = builds["clean"], builds["clean, theme's navigation"]
    ours = {name: page for name, page in ours.items() if name != "sitemap.xml"}
    assert ours.keys() == theirs.keys()
    assert differing(ours, theirs) == [], first_difference(ours, theirs)


def sidebar(page: bytes) -> str:
    """The part of a page's sidebar that the theme generates from the toctree."""
    text = page.decode()
    start = text.index('<div class="bd-toc-item navbar-nav active">')
    start = text.index(">", start) + 1
    return text[start:text.index("</div>", start)].strip()


def test_navigation_template_marks_each_page_as_the_theme_does(builds) -> None:
    """No fallback hides a fault here: one page's sidebar, with its marks taken off, filled
    in for every other page, must give that page's own sidebar as the theme wrote it."""
    from booktools.navigation import make_template

    moved = {f"{old}.html" for old in conf_redirects()}  # redirect pages have no sidebar
    theirs = {name: sidebar(page) for name, page in builds["clean, theme's navigation"].items()
              if re.match(r"(\d\d|part)-", name) and name not in moved}
    template = make_template(theirs["01-war-and-takeover.html"], "01-war-and-takeover.html")
    assert len(template.chains) >= len(theirs)
    for name, html in theirs.items():
        assert template.render(name) == html, name


def test_figure_numbers_follow_an_edit_when_the_next_builder_reads_nothing(tmp_path) -> None:
    """A build that moves no figure keeps the figure numbers it has (Sphinx would read
    every doctree again to assign them): a figure added before another renumbers it in
    the EPUB build that read the chapter, and the HTML build after it in the same run,
    which reads nothing, writes the page with the new number; a sentence added keeps
    every number on the page."""
    project = make_project(tmp_path, "numbered-figures")
    chapter = project / "book" / "01-chapter.md"
    page = project / "_build" / "html" / "01-chapter.html"

    def numref() -> str:
        link = re.search(r'<a class="reference internal" href="#fig-dot"[^>]*>(.*?)</a>',
                         page.read_text(encoding="utf-8"), re.S)
        assert link, "the chapter's {numref} link is missing"
        return re.sub(r"<[^>]+>", "", link.group(1)).strip()

    assert run_build(project, "--quiet", "html").returncode == 0
    assert numref() == "Fig. 1"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("shows a dot.\n", "shows a dot.\n\n```{figure} dot.svg\n"
                                    ":name: fig-first\n:alt: Another dot.\n\nAnother dot.\n"
                                    "```\n", 1), encoding="utf-8")
    proc = run_build(project, "--quiet", "epub", "html")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert numref() == "Fig. 2"
    # A sentence added: the chapter is read again but its figures did not move, so their
    # numbers are kept, not assigned again; the page must show them all the same.
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n",
                       encoding="utf-8")
    proc = run_build(project, "--quiet", "html")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert numref() == "Fig. 2"
    captions = re.findall(r'<span class="caption-number">(.*?)</span>',
                          page.read_text(encoding="utf-8"))
    assert [c.strip() for c in captions] == ["Fig. 1", "Fig. 2"], captions


def test_the_people_page_is_read_again_only_when_who_appears_where_changed(tmp_path) -> None:
    """The people page lists the chapters that name each person, so it depends on every
    chapter's text; an edit that names nobody new leaves the page as it is (not read or
    written again), while naming a person, and taking the name out again, updates their
    entry, and the page then equals the first build's byte for byte."""
    project = make_project(tmp_path, "data-book")
    chapter = project / "book" / "01-chapter.md"
    people = project / "_build" / "html" / "91-people.html"
    original = chapter.read_text(encoding="utf-8")

    def build() -> None:
        proc = run_build(project, "--quiet", "html")
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]

    def appears(name: str) -> str:
        entry = re.search(rf"{name} \(.*?Appears in: (.*?)\.</p>", people.read_text(
            encoding="utf-8"), re.S)
        assert entry, f"{name} is missing from the people page"
        return re.sub(r"<[^>]+>", "", entry.group(1)).strip()

    build()
    first = people.read_bytes()
    assert appears("János Kádár") == "mentioned in passing"
    assert appears("Imre Nagy") == "A chapter"
    written = people.stat().st_mtime_ns
    chapter.write_text(original + "\nThe strike went on.\n", encoding="utf-8")
    build()
    assert "The strike went on." in (project / "_build/html/01-chapter.html").read_text(
        encoding="utf-8")
    assert people.stat().st_mtime_ns == written, "a sentence naming nobody rewrote the page"
    chapter.write_text(original + "\nJános Kádár spoke on the radio.\n", encoding="utf-8")
    build()
    assert appears("János Kádár") == "A chapter"
    chapter.write_text(original, encoding="utf-8")
    build()
    assert appears("János Kádár") == "mentioned in passing"
    assert people.read_bytes() == first
    # A chapter added that names him, then taken away again.
    index = project / "book" / "index.md"
    toc = index.read_text(encoding="utf-8")
    index.write_text(toc.replace("01-chapter\n", "01-chapter\n02-another\n"), encoding="utf-8")
    added = project / "book" / "02-another.md"
    added.write_text("# Another chapter\n\nJános Kádár spoke on the radio.\n",
                     encoding="utf-8")
    build()
    assert appears("János Kádár") == "Another chapter"
    added.unlink()
    index.write_text(toc, encoding="utf-8")
    build()
    assert appears("János Kádár") == "mentioned in passing"
    assert people.read_bytes() == first
