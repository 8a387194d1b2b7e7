"""The warm preview (``make serve``): one Sphinx application, many rebuilds.

Run in a copy of the project on the real book: an edit reaches the served page and rewrites
only the pages that show it; a contributor's mistake is reported with file and line, the
last good page stays served, and the fault is reported again by every rebuild until fixed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_incremental import CHAPTER, copy_project

from booktools.serve import Preview

OTHER = "01-war-and-takeover.md"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("serve") / "project")


def first_sentence(text: str) -> str:
    return next(line for line in text.splitlines() if line[:1].isalpha() and line.endswith("."))


def test_warm_preview_rebuilds_edits_and_keeps_the_last_good_page(project, capsys,
                                                                   request) -> None:
    import gc

    request.addfinalizer(gc.unfreeze)  # the preview freezes its heap; not the worker's
    preview = Preview(project, quiet=True)
    chapter, other = project / "book" / CHAPTER, project / "book" / OTHER
    page = preview.site / CHAPTER.replace(".md", ".html")
    untouched = preview.work / OTHER.replace(".md", ".html")
    assert preview.rebuild() is True
    assert page.is_file()
    app = preview.app
    written_before = untouched.stat().st_mtime_ns

    original = chapter.read_text(encoding="utf-8")
    sentence = first_sentence(original)
    chapter.write_text(original.replace(sentence, f"{sentence} A warm edit.", 1),
                       encoding="utf-8")
    assert preview.rebuild([chapter]) is True
    assert preview.app is app, "the application must stay warm"
    assert "A warm edit." in page.read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == written_before, "an unchanged chapter was rewritten"
    capsys.readouterr()

    # A contributor's mistake: an unknown citation key, on a line of its own.
    faulty = original.replace(sentence, f"{sentence}\n{{footcite}}`nosuchwork1956`", 1)
    chapter.write_text(faulty, encoding="utf-8")
    line = faulty.splitlines().index("{footcite}`nosuchwork1956`") + 1
    assert preview.rebuild([chapter]) is False
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(CHAPTER)}:{line}: WARNING: unknown citation key "
                     r'"nosuchwork1956"', err), err
    assert "Traceback" not in err
    assert "A warm edit." in page.read_text(encoding="utf-8"), "the last good page is gone"

    # Another file changes: the fault is still there, and still reported.
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert preview.rebuild([other]) is False
    assert "nosuchwork1956" in capsys.readouterr().err

    chapter.write_text(original, encoding="utf-8")
    assert preview.rebuild([chapter]) is True
    assert "A warm edit." not in page.read_text(encoding="utf-8")
