"""The translations' catalogues (booktools.translation): complete for a release, kept in step
with the English by gettext, and every gap named by file and message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from conftest import ROOT, building, make_project, run_build

from booktools import meta, translation


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """The English text's templates, extracted now by Sphinx's gettext builder (in a
    process of its own: an application another test left in this one would clash)."""
    out = tmp_path_factory.mktemp("gettext")
    with building():  # it draws the figures' labels in the working tree, as builds do
        proc = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from booktools import translation; translation.extract(Path(sys.argv[1]))",
             str(out)],
            cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return out


def test_every_chapter_has_a_template(templates):
    names = {p.stem for p in templates.glob("*.pot")}
    chapters = {p.stem for p in (ROOT / "book").glob(meta.CHAPTER_GLOB)}
    assert chapters <= names, sorted(chapters - names)


@pytest.mark.parametrize("language", [lang for lang in meta.LANGUAGES if lang != "en"])
def test_a_release_has_no_untranslated_or_fuzzy_message(templates, language):
    """What `make translations` lists must be nothing: every paragraph, heading, caption,
    alt text and data-page row of the English text has a translation that is not fuzzy,
    and none that Markdown would read as something other than its paragraph."""
    gaps = translation.gaps(language, templates)
    assert not gaps, f"{len(gaps)} messages:\n" + "\n".join(g.render() for g in gaps[:30])


def write_catalogue(path: Path, messages: list[tuple[str, str, bool]]) -> None:
    catalog = Catalog(locale="hu")
    for msgid, msgstr, fuzzy in messages:
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0)


def test_gaps_are_named_by_file_line_and_message(tmp_path):
    templates, locales = tmp_path / "pot", tmp_path / "locales"
    messages = ["A translated paragraph.", "An untranslated one.", "A changed one.",
                "On 23 October 1956 the students marched.", "A chapter with no catalogue."]
    write_catalogue(templates / "05-x.pot", [(m, "", False) for m in messages[:4]])
    write_catalogue(templates / "06-y.pot", [(messages[4], "", False)])
    write_catalogue(locales / "hu" / "LC_MESSAGES" / "05-x.po", [
        (messages[0], "Lefordított bekezdés.", False),
        (messages[1], "", False),
        (messages[2], "Régi fordítás.", True),
        (messages[3], "1956. október 23-án a diákok felvonultak.", False),
    ])
    found = translation.gaps("hu", templates, locales)
    by_state = {g.state.split(",")[0]: g for g in found}
    # Each gap once, in the catalogue's order; a chapter with no catalogue yet is one gap.
    assert [g.msgid for g in found] == [*messages[1:4], "06-y"]
    assert by_state["untranslated"].msgid == messages[1]
    assert by_state["fuzzy"].msgid == messages[2]
    trap = next(g for g in found if g.msgid == messages[3])
    assert "numbered list" in trap.state and "1956\\." in trap.state
    assert by_state["missing catalogue"].catalogue.name == "06-y.po"
    rendered = by_state["fuzzy"].render()
    assert rendered.startswith(str(locales / "hu" / "LC_MESSAGES" / "05-x.po") + ":")
    assert f":{by_state['fuzzy'].lineno}: fuzzy: 'A changed one.'" in rendered
    assert by_state["fuzzy"].lineno > 0


def test_a_year_escaped_or_inside_a_sentence_is_no_trap():
    assert translation.markup_problem("x", "1956\\. október 23-án") == ""
    assert translation.markup_problem("x", "Kedden, 1956. október 23-án") == ""
    assert translation.markup_problem("1. Point one", "1. Első pont") == ""  # a list as in English
    assert "list" in translation.markup_problem("x", "- felsorolás")


def test_an_english_edit_marks_the_changed_paragraph_fuzzy(tmp_path, monkeypatch):
    """sphinx-intl's update (what `make translations` runs): a changed English paragraph
    keeps its old translation, marked fuzzy; a new one is added untranslated; the status
    then names both."""
    templates, locales = tmp_path / "pot", tmp_path / "locales"
    old = ("The workers' councils met in the Tungsram factory on the night of "
           "13 November 1956.")
    new = ("The workers' councils met in the Tungsram factory on the evening of "
           "13 November 1956.")
    write_catalogue(templates / "10-x.pot", [(old, "", False), ("Heading", "", False)])
    monkeypatch.setattr(translation, "LOCALES", locales)
    translation.update("hu", templates)
    po = locales / "hu" / "LC_MESSAGES" / "10-x.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    catalog[old].string = "A munkástanácsok 1956. november 13-án éjjel a Tungsramban ültek össze."
    catalog["Heading"].string = "Címsor"
    with po.open("wb") as f:
        write_po(f, catalog, width=0)
    assert translation.gaps("hu", templates, locales) == []

    write_catalogue(templates / "10-x.pot",
                    [(new, "", False), ("Heading", "", False), ("A new paragraph.", "", False)])
    translation.update("hu", templates)
    with po.open("rb") as f:
        catalog = read_po(f)
    assert catalog[new].fuzzy and "Tungsramban" in catalog[new].string
    assert old not in catalog  # the old English is not kept as an obsolete entry
    states = {g.msgid: g.state for g in translation.gaps("hu", templates, locales)}
    assert states == {new: "fuzzy", "A new paragraph.": "untranslated"}


#: A frozen book of two pages with its Hungarian catalogues (tests/fixtures/translated-book
#: and translated-book.locales): the tools are tested on it, not on the book's own text.
TRANSLATED = "translated-book"


def edit_catalogue(project: Path, name: str, msgid_start: str, change) -> str:
    """Give the message of *name*.po whose English starts with *msgid_start* the
    translation change(old translation); return its English."""
    po = project / "locales" / "hu" / "LC_MESSAGES" / f"{name}.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    message = next(m for m in catalog if m.id and m.id.startswith(msgid_start))
    message.string = change(message.string)
    with po.open("wb") as f:
        write_po(f, catalog, width=0)
    return message.id


def test_status_command_exits_non_zero_and_names_the_gap(tmp_path):
    """`python -m booktools.translation status` in a fixture project: every message
    translated, exit 0; one message made untranslated, exit 1, and the file and the
    message are printed."""
    project = make_project(tmp_path, TRANSLATED)
    status = [sys.executable, "-m", "booktools.translation", "status"]
    proc = subprocess.run(status, cwd=project, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "[translation] hu: every message translated" in proc.stdout

    title = edit_catalogue(project, "01-chapter", "A translated chapter", lambda _: "")
    proc = subprocess.run(status, cwd=project, capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "locales/hu/LC_MESSAGES/01-chapter.po:" in proc.stdout
    assert f"untranslated: {title!r}" in proc.stdout
    assert "[translation] hu: 1 untranslated" in proc.stdout


def test_a_translation_that_drops_a_note_fails_the_build_with_file_line_and_fix(tmp_path):
    """A translated paragraph that cites other works than its English paragraph: the
    Hungarian build fails, names the chapter and line, and says how to fix it in English
    and in Hungarian; the last good Hungarian site is kept."""
    project = make_project(tmp_path, TRANSLATED)
    assert run_build(project, "--language", "hu", "html").returncode == 0  # as it is
    good = project / "_build" / "html" / "hu" / "01-chapter.html"
    before = good.read_bytes()
    english = edit_catalogue(project, "01-chapter", "The first paragraph",
                             lambda old: old.split("{footcite}")[0]
                             + "{footcite}`lomax1976hungary`")
    chapter = project / "book" / "01-chapter.md"
    line = next(n for n, text in enumerate(chapter.read_text(encoding="utf-8").splitlines(), 1)
                if text == english)
    proc = run_build(project, "--language", "hu", "html")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert f"01-chapter.md:{line}" in out, out[-3000:]
    assert "[book.translation-citation]" in out
    assert "javítás: a fordítás az angol bekezdés {footcite} kulcsait idézze" in out
    assert "Traceback" not in out
    assert good.read_bytes() == before
