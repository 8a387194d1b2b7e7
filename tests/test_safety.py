"""A chapter cannot put script into the site nor pull a file from the build machine.

Each fixture book under tests/fixtures/unsafe-* holds one unsafe construct; the build
must fail, name the file and line, say how to fix it, keep the last good edition and
leave nothing of the construct in the pages it wrote.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import conf_redirects

# fixture -> [(file:line, words of the message)], every one of which must be printed.
CASES = {
    "unsafe-html-block": [
        ("book/01-chapter.md:5:", 'raw HTML is not allowed in a chapter (found "<script>'),
        ("book/01-chapter.md:9:", 'raw HTML is not allowed in a chapter (found "<iframe'),
    ],
    "unsafe-inline-html": [
        ("book/01-chapter.md:4:", 'raw HTML is not allowed in a chapter (found "<img src="points.png" onerror='),
    ],
    "unsafe-raw-directive": [
        ("book/01-chapter.md:5:", '"raw" directive disabled'),
    ],
    "unsafe-include": [
        ("book/01-chapter.md:5:", 'Directive "include" disabled'),
    ],
    "unsafe-literalinclude": [
        ("book/01-chapter.md:5:", "File insertion disabled"),
    ],
    "unsafe-javascript-url": [
        ("book/01-chapter.md:4:", 'link to "javascript:alert(document.cookie))" uses the unsafe "javascript:" scheme'),
        ("book/01-chapter.md:5:", 'link to "javascript:alert(1)>" uses the unsafe "javascript:" scheme'),
        ("book/01-chapter.md:7:", 'link target "javascript:alert(document.cookie)" uses the unsafe'),
    ],
    "unsafe-data-url": [
        ("book/01-chapter.md:4:", 'image "data:image/png;base64,'),
        ("book/01-chapter.md:5:", 'link to "data:text/html;base64,'),
    ],
}

#: How each message says to fix the fault.
HTML_FIX = "write it in Markdown (a MyST role or directive"
URL_FIX = "link to an https:// address or a page of the book instead"
INSERT_FIX = "how to fix: chapters may not include other files"
FIX = {
    "unsafe-html-block": HTML_FIX,
    "unsafe-inline-html": HTML_FIX,
    "unsafe-raw-directive": "how to fix: raw output is disabled",
    "unsafe-include": INSERT_FIX,
    "unsafe-literalinclude": INSERT_FIX,
    "unsafe-javascript-url": URL_FIX,
    "unsafe-data-url": "save the image as a file under book/ and give its path",
}

#: What each construct would put into a page, if it got through.
LEAKS = {
    "unsafe-html-block": ["<script", "<iframe"],
    "unsafe-inline-html": ["onerror"],
    "unsafe-raw-directive": ["<script"],
    "unsafe-include": ["Sphinx configuration for"],
    "unsafe-literalinclude": ["The book's identity, set once"],
    "unsafe-javascript-url": ['href="javascript:'],
    "unsafe-data-url": ['src="data:', 'href="data:'],
}


def warning_lines(output: str) -> list[str]:
    """The WARNING lines of a build's output, colour codes removed."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
    return [line for line in plain.splitlines() if "WARNING:" in line]


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_unsafe_construct_is_rejected_with_file_line_and_fix(fault_build, fixture: str) -> None:
    project, proc = fault_build(fixture)
    good = project / "_build" / "html" / "index.html"

    assert proc.returncode != 0, f"{fixture} built without error"
    output = proc.stdout + proc.stderr
    warnings = warning_lines(output)
    for location, message in CASES[fixture]:
        assert any(location in w and message in w for w in warnings), (
            f"{fixture}: no warning at {location} with {message!r} in:\n" + "\n".join(warnings))
    # Every message says how to fix it: ours inline, docutils' through booktools.hints.
    assert FIX[fixture] in output, f"{fixture}: no {FIX[fixture]!r}"
    assert good.read_text() == "last good edition"
    # Nothing of the construct reached a page, not even in the unpublished work folder.
    page = (project / "_build" / ".work" / "html" / "01-chapter.html").read_text()
    article = page[page.index("<article"):page.index("</article>")]
    for leak in LEAKS[fixture]:
        assert leak not in article, f"{fixture}: {leak!r} reached the page"


def test_safe_look_alikes_build(fault_build) -> None:
    """Code showing HTML or javascript:, https links and the word 'data:' are fine."""
    project, proc = fault_build("safe-lookalikes")
    assert proc.returncode == 0, "\n".join(warning_lines(proc.stdout + proc.stderr))
    page = (project / "_build" / "html" / "01-chapter.html").read_text()
    assert 'href="https://www.rev.hu/"' in page
    assert "&lt;script&gt;" in page  # shown as code, escaped


def test_real_book_has_no_unsafe_content(html_dir: Path) -> None:
    """The published pages carry no script of the chapters' making, nor unsafe URLs."""
    moved = {f"{old}.html" for old in conf_redirects()}  # small pages that send readers on
    for page in sorted(html_dir.glob("[0-9][0-9]-*.html")):
        if page.name in moved:
            continue
        article = page.read_text(encoding="utf-8")
        article = article[article.index("<article"):article.index("</article>")]
        assert "<script" not in article, page.name
        assert not re.search(r'(href|src)="\s*(javascript|vbscript|data):', article), page.name
