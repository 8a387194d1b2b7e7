"""A failed build exits non-zero, names the file and line, and keeps the last good edition."""

from __future__ import annotations

from conftest import make_project, plant_last_good_html, run_build


def test_unknown_key_fails_names_file_and_line_and_keeps_last_good_edition(tmp_path):
    project = make_project(tmp_path, "broken-citation")
    # The last good editions, from an earlier successful build.
    good_html = plant_last_good_html(project).parent
    good_epub = project / "_build" / "epub" / "hungary-1956.epub"
    good_epub.parent.mkdir(parents=True)
    good_epub.write_bytes(b"last good epub")

    proc = run_build(project, "html", "epub")

    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "book/01-chapter.md:4:" in output
    assert 'unknown citation key "lomax1976hungry"' in output
    assert 'did you mean "lomax1976hungary"' in output
    assert (good_html / "index.html").read_text() == "last good edition"
    assert good_epub.read_bytes() == b"last good epub"


def test_fixed_key_builds_and_replaces_the_edition(tmp_path):
    project = make_project(tmp_path, "broken-citation")
    chapter = project / "book" / "01-chapter.md"
    chapter.write_text(chapter.read_text().replace("lomax1976hungry", "lomax1976hungary"))
    good_html = plant_last_good_html(project).parent

    proc = run_build(project, "html")

    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "last good edition" not in (good_html / "index.html").read_text()
    assert "Bill Lomax" in (good_html / "01-chapter.html").read_text()


def test_malformed_bibtex_names_file_and_line_and_keeps_last_good_edition(tmp_path):
    project = make_project(tmp_path, "broken-citation")
    chapter = project / "book" / "01-chapter.md"
    chapter.write_text(chapter.read_text().replace("lomax1976hungry", "lomax1976hungary"))
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8").rstrip("\n") + "\n"
    # A field without its '=': the entry starts on the line after the last one.
    broken_line = text.count("\n") + 2
    bib.write_text(text + "@book{broken1999x,\n  title {x}\n}\n", encoding="utf-8")
    good_html = plant_last_good_html(project).parent

    proc = run_build(project, "html")

    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"references.bib:{broken_line}: BibTeX syntax error" in proc.stderr
    assert (good_html / "index.html").read_text() == "last good edition"
