"""House rules for the chapters, checked on the sources (no build needed).

* One sentence per line, so that a pull request's diff shows whole sentences.
* Every paragraph cites a work, in ONE note at its end that combines the works it rests
  on (``{footcite}`a{12},b```): a paragraph that states no fact says so with a
  ``% uncited: reason`` comment line above it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BOOK, ROOT

CHAPTERS = sorted(BOOK.glob("[01][0-9]-*.md"))
ROLE = re.compile(r"\{\w+(?::\w+)?\}`[^`]*`")
# A full stop that ends an abbreviation or an initial does not end a sentence.
ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|St|Dr|Mr|Mrs|no|vol|pp|ed|eds|trans|cf|c|ca|Gen|Col|Lt|Maj|Capt)\.|\b[A-Z]\.)$"
)
SENTENCE_END = re.compile(r"[.!?][’”\"')]?\s+(?=[A-Z])")


def paragraphs(path: Path):
    """(first line number, lines, uncited reason) for each prose paragraph."""
    block, para, start, reason = False, [], 0, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if text.startswith(("```", ":::")):
            block = not block
            continue
        if block:
            continue
        if text.startswith("% uncited:"):
            reason = text
            continue
        if not text or text.startswith(("#", "%")) or re.fullmatch(r"\(.+\)=", text):
            if para:
                yield start, para, reason
                reason = None
            para = []
            continue
        if not para:
            start = number
        para.append((number, text))
    if para:
        yield start, para, reason


def inside_quotation(text: str, position: int) -> bool:
    before = text[:position]
    return (before.count("“") > before.count("”")) or before.count('"') % 2 == 1


def display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def two_sentence_lines(path: Path) -> list[str]:
    problems = []
    for _, para, _ in paragraphs(path):
        for number, text in para:
            plain = ROLE.sub("X", text)
            for m in SENTENCE_END.finditer(plain):
                abbreviation = ABBREVIATION.search(plain[: m.start() + 1])
                if abbreviation or inside_quotation(plain, m.start()):
                    continue
                problems.append(f"{display(path)}:{number}: two sentences on one line "
                                f"(…{plain[max(0, m.start() - 25):m.end() + 15]}…): "
                                "break the line after the first sentence")
    return problems


def uncited_paragraphs(path: Path) -> list[str]:
    problems = []
    for start, para, reason in paragraphs(path):
        notes = [(number, text) for number, text in para for _ in range(text.count("{footcite}"))]
        if reason is None and not notes:
            problems.append(
                f"{display(path)}:{start}: paragraph without a citation: add one "
                "{footcite}`key1,key2` at the end of its last sentence, or a "
                "'% uncited: reason' line above the paragraph if it states no fact")
        elif len(notes) > 1:
            problems.append(
                f"{display(path)}:{notes[1][0]}: a second note in the paragraph that starts at "
                f"line {start}: merge its keys into one {{footcite}} at the paragraph's end "
                "(one note per paragraph)")
        elif notes and not para[-1][1].rstrip().endswith("`") and notes[0][0] != para[-1][0]:
            problems.append(
                f"{display(path)}:{notes[0][0]}: the paragraph's note is not at its end: move "
                "the {footcite} to the end of the paragraph's last sentence")
    return problems


FOOTBIBLIOGRAPHY = re.compile(r"^```\{footbibliography\}\s*$", re.MULTILINE)


def notes_not_placed(path: Path) -> list[str]:
    """A document with notes must say where they go: a footbibliography directive."""
    text = path.read_text(encoding="utf-8")
    if "{footcite}" in text and not FOOTBIBLIOGRAPHY.search(text):
        return [f"{display(path)}: its notes have no footbibliography directive: end the "
                "file with a line '```{footbibliography}' and a line '```'"]
    return []


#: The house rules every chapter keeps: one sentence per line, a note for every paragraph
#: that states a fact, and a place for the notes.
RULES = (two_sentence_lines, uncited_paragraphs, notes_not_placed)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_keeps_the_house_rule(path, rule):
    problems = rule(path)
    assert not problems, "\n".join(problems)


def test_the_rules_fire_on_a_bad_chapter(tmp_path):
    bad = tmp_path / "01-bad.md"
    bad.write_text(
        "# Bad\n\nOne sentence. Another on the same line.{footcite}`x`\n\n"
        "A paragraph with no note.\n\n% uncited: describes the book\nAbout us.\n\n"
        "He said, \"Stop. Now.\"{footcite}`x`\nJános M. Rainer wrote it.{footcite}`x`\n\n"
        "Cited early.{footcite}`x`\nNot at the end.\n\nCited once at the end.{footcite}`x,y{3}`\n",
        encoding="utf-8",
    )
    problems = two_sentence_lines(bad)
    assert len(problems) == 1, problems  # not the quotation, not the initial "M."
    assert problems[0].startswith("01-bad.md:3: two sentences on one line (…One sentence.")
    found = uncited_paragraphs(bad)
    assert [p.split(":")[1] for p in found] == ["5", "11", "13"], found
    assert "without a citation" in found[0] and "second note" in found[1]
    assert "not at its end" in found[2]



def test_a_chapter_without_its_footbibliography_is_named(tmp_path):
    bad = tmp_path / "01-bad.md"
    bad.write_text("# Bad\n\nCited.{footcite}`x`\n", encoding="utf-8")
    assert notes_not_placed(bad) and "footbibliography" in notes_not_placed(bad)[0]
    bad.write_text("# Good\n\nCited.{footcite}`x`\n\n```{footbibliography}\n```\n",
                   encoding="utf-8")
    assert notes_not_placed(bad) == []
