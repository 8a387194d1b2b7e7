"""The registry of warning codes (booktools.codes): complete, used, and the table in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from booktools import codes
from booktools.bibcheck import Problem

CONTRIBUTING = ROOT / ".github" / "CONTRIBUTING.md"
START, END = "<!-- codes: start -->", "<!-- codes: end -->"
#: A book.* code written out in booktools' source (not a file name such as "book.css").
LITERAL = re.compile(r"""["'](book\.(?!(?:css|js|typ|pdf|epub|html)["'])[a-z-]+)["']""")


def sources() -> list[Path]:
    return [path for path in (ROOT / "booktools").rglob("*.py")
            if "node_modules" not in path.parts and path.name != "codes.py"]


def test_contributing_shows_the_registry_table() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert START in text and END in text, f"CONTRIBUTING.md lacks the {START} … {END} block"
    shown = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == codes.table().strip(), (
        "the table of codes in .github/CONTRIBUTING.md is out of date: replace it with the "
        "output of `python -m booktools.codes`")


def test_every_code_in_the_source_is_registered_and_every_registered_code_used() -> None:
    used: dict[str, str] = {}
    for path in sources():
        for code in LITERAL.findall(path.read_text(encoding="utf-8")):
            used.setdefault(code, path.relative_to(ROOT).as_posix())
    unregistered = {code: where for code, where in used.items() if code not in codes.CODES}
    assert not unregistered, f"codes used but not in booktools.codes: {unregistered}"
    ours = {name for name, entry in codes.CODES.items() if entry.ours}
    assert ours - set(used) == set(), "registered but never reported: remove or use them"


def test_each_entry_says_what_it_means_and_how_to_fix_it() -> None:
    names = [entry.name for entry in codes.CODES_LIST if entry.name]
    assert len(names) == len(set(names)), "a code is registered twice"
    for entry in codes.CODES_LIST:
        assert entry.origin in codes.ORIGINS, entry
        assert entry.meaning and entry.fix, entry
        assert entry.name or entry.pattern, f"an uncoded entry needs a pattern: {entry}"
        if entry.name:
            assert re.fullmatch(r"[a-z][a-z0-9]*\.[a-z_-]+", entry.name), entry.name


def test_hints_key_on_the_code_before_the_text() -> None:
    # Sphinx's code gets its hint whatever the message says (and in any language).
    assert codes.hint_for("toc.not_included", "ein Dokument").startswith("add the file's name")
    # A message without a code is recognised by its text.
    assert codes.hint_for("", "duplicate label x, other instance in y").startswith("labels")
    # Our own messages carry their fix already; a code nobody registered gets nothing.
    assert codes.hint_for("book.unknown-key", "unknown citation key") is None
    assert codes.hint_for("ref.python", "whatever") is None


def test_an_unregistered_code_is_a_bug_not_a_message() -> None:
    with pytest.raises(ValueError, match="not a book"):
        Problem(Path("x.md"), 1, "message", "book.no-such-code")
    with pytest.raises(ValueError, match="not a book"):
        codes.check("toc.not_included")  # upstream codes are Sphinx's to emit
    rendered = Problem(Path("x.md"), 3, "entry x: y", "book.bib-field").render(Path.cwd())
    assert rendered == "x.md:3: entry x: y [book.bib-field]"
