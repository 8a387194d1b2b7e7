"""A published edition holds exactly what the current sources produce (booktools.prune).

Sphinx never deletes from its output folder, and the whole folder is published: without
booktools.prune, the page of a deleted chapter would stay on the hosted site and in the EPUB.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import make_project, run_build

from booktools import meta


def epub_names(project: Path) -> set[str]:
    with zipfile.ZipFile(project / "_build" / "epub" / f"{meta.BASENAME}.epub") as z:
        return set(z.namelist())


def test_a_page_rejected_then_deleted_is_not_published(tmp_path: Path) -> None:
    """The case found in review: a page outside every toctree fails the build (and is
    written into the work folder); once it is deleted, the next good build must not
    publish it."""
    project = make_project(tmp_path, "chapter-not-in-toc")
    failed = run_build(project, "html", "epub")
    assert failed.returncode == 1, failed.stderr[-2000:]
    (project / "book" / "02-the-march.md").unlink()

    proc = run_build(project, "epub", "html")

    assert proc.returncode == 0, proc.stderr[-3000:]
    html = project / "_build" / "html"
    assert (html / "01-chapter.html").is_file()
    assert not (html / "02-the-march.html").exists()
    assert not list(html.glob("_sources/02-the-march*"))
    assert not any("02-the-march" in name for name in epub_names(project))


def test_a_removed_chapter_and_its_image_leave_the_editions(tmp_path: Path) -> None:
    project = make_project(tmp_path, "chapter-not-in-toc")
    book = project / "book"
    index = book / "index.md"
    index.write_text(index.read_text().replace("01-chapter\n", "01-chapter\n02-the-march\n"))
    march = book / "02-the-march.md"
    (book / "crowd.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" '
        'height="10"/></svg>')
    march.write_text(march.read_text() + "\n```{figure} crowd.svg\n:alt: A black square\n\n"
                     "The crowd.\n```\n")
    first = run_build(project, "epub", "html")
    assert first.returncode == 0, first.stderr[-3000:]
    html = project / "_build" / "html"
    assert (html / "02-the-march.html").is_file() and (html / "_images" / "crowd.svg").is_file()

    march.unlink()
    (book / "crowd.svg").unlink()
    index.write_text(index.read_text().replace("02-the-march\n", ""))
    proc = run_build(project, "epub", "html")

    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (html / "02-the-march.html").exists()
    assert not (html / "_images" / "crowd.svg").exists()
    assert not any("02-the-march" in n or "crowd.svg" in n for n in epub_names(project))
    # What every build writes besides the documents is still there.
    assert {"genindex.html", "search.html", "404.html"} <= {p.name for p in html.iterdir()}


def test_publishing_swaps_the_site_only_when_a_file_changed(tmp_path: Path) -> None:
    """booktools.build.publish_dir: a build that changed nothing leaves the published site
    untouched (no swap a reader could meet); a changed byte, a new or a removed file is
    published; another language's folder is kept; Sphinx's build records are not."""
    import os

    from booktools.build import publish_dir

    work, site = tmp_path / "work", tmp_path / "site"
    work.mkdir()
    (work / "a.html").write_text("one")
    (work / "b.html").write_text("two")
    (work / ".buildinfo.bak").write_text("config")
    publish_dir(work, site)
    (site / "hu").mkdir()
    (site / "hu" / "index.html").write_text("magyar")
    assert sorted(p.name for p in site.iterdir()) == ["a.html", "b.html", "hu"]

    first = os.stat(site).st_ino
    (work / "a.html").write_text("one")  # rewritten with the same bytes, a new mtime
    publish_dir(work, site, keep=["hu"])
    assert os.stat(site).st_ino == first, "an unchanged build swapped the site"

    (work / "a.html").write_text("uno")  # same size, other bytes
    publish_dir(work, site, keep=["hu"])
    assert os.stat(site).st_ino != first
    assert (site / "a.html").read_text() == "uno"
    assert (site / "hu" / "index.html").read_text() == "magyar"

    (work / "b.html").unlink()
    publish_dir(work, site, keep=["hu"])
    assert sorted(p.name for p in site.iterdir()) == ["a.html", "hu"]
