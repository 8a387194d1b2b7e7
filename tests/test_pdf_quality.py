"""The PDF edition is a book: metadata, embedded fonts, outline, front matter, clean setting.

Checked with qpdf, pikepdf, pypdf and poppler's pdffonts/pdftotext (there is no veraPDF here:
the PDF/A-2b attempt is checked for its parts, not certified).
"""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest
from conftest import ROOT, chapters, pdf_text, squash
from pypdf import PdfReader

from booktools import meta

pytestmark = pytest.mark.slow



def part_titles() -> list[str]:
    """The parts' titles, from the part-*.md pages."""
    titles = []
    for path in sorted((ROOT / "book").glob("part-*.md")):
        m = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        assert m, f"{path.relative_to(ROOT)} has no '# ' title"
        titles.append(m.group(1).strip())
    return titles


def outline_entries(pdf_path) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    reader = PdfReader(pdf_path)
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return out


def test_qpdf_finds_no_damage(pdf_path):
    proc = subprocess.run(["qpdf", "--check", str(pdf_path)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_every_font_is_embedded(pdf_path):
    proc = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True)
    rows = proc.stdout.splitlines()[2:]
    assert rows, "pdffonts listed no fonts"
    for row in rows:
        # columns: name type encoding emb sub uni object ID
        fields = row.split()
        assert fields[-5] == "yes", f"font not embedded: {row}"
    names = " ".join(rows)
    assert "LinLibertine" in names, "the text face is not Linux Libertine"


def test_document_information(pdf_path):
    with pikepdf.open(pdf_path) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == meta.TITLE
        assert str(info["/Author"]) == meta.AUTHOR
        assert str(info["/Subject"]) == meta.SUBTITLE.replace("'", "\u2019")
        assert "Hungary" in str(info["/Keywords"]) and "Kádár" in str(info["/Keywords"])
        assert str(pdf.Root.Lang) == "en-GB"


def test_pdfa_parts_are_present(pdf_path):
    """What \\DocumentMetadata{pdfstandard=A-2b} gives: XMP with the PDF/A id, output intent."""
    with pikepdf.open(pdf_path) as pdf:
        xmp = pdf.open_metadata()
        assert xmp.get("pdfaid:part") == "2" and xmp.get("pdfaid:conformance") == "B"
        assert xmp.get("dc:title") == meta.TITLE
        intents = pdf.Root.OutputIntents
        assert str(intents[0].S) == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        assert pdf.pdf_version == "1.7"


def test_trim_is_six_by_nine_inches(pdf_path):
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages[:3]:
            box = [float(v) for v in page.MediaBox]
            assert box[2:] == [432.0, 648.0]


def test_outline_holds_every_part_and_chapter(pdf_path):
    titles = [squash(t) for _, t, _ in outline_entries(pdf_path)]
    parts = part_titles()
    assert len(parts) == 4
    for title in parts:
        assert title in titles, f"no bookmark for part {title!r}"
    for chapter in chapters():
        assert chapter.title in titles, f"no bookmark for {chapter.title!r}"


def test_about_this_book_is_front_matter(pdf_path):
    """Roman page numbers and no part of its own: it is not a chapter of the story."""
    reader = PdfReader(pdf_path)
    entries = outline_entries(pdf_path)
    about = next(e for e in entries if e[1] == "Introduction")
    first = next(e for e in entries if e[1].startswith("War, occupation"))
    assert re.fullmatch(r"[ivxl]+", reader.page_labels[about[2]])
    assert reader.page_labels[first[2]] == "3"  # after Part One's page and its blank verso
    assert about[0] == 0  # beside the parts, not under one


def test_front_pages_half_title_title_copyright(pdf_path):
    reader = PdfReader(pdf_path)
    pages = [squash(reader.pages[i].extract_text()) for i in range(4)]
    assert pages[0].strip().lower() == meta.TITLE.lower()  # half-title, in small capitals
    assert pages[1].strip() == ""  # its blank verso
    assert "1956" in pages[2] and "The Hungarian Revolution" in pages[2]
    assert "Copyright" in pages[3] and "CC BY-SA 4.0" in pages[3]


def test_running_heads_name_the_chapter(pdf_path):
    entries = outline_entries(pdf_path)
    first = next(e for e in entries if e[1].startswith("War, occupation"))
    reader = PdfReader(pdf_path)
    verso = reader.pages[first[2] + 1].extract_text()
    assert "war, occupation and the communist takeover" in squash(verso).lower()


@pytest.mark.parametrize("place", ["Corvin köz", "Széna tér", "Üllői út", "Tűzoltó utca"])
def test_hungarian_place_names_extract_exactly(pdf_path, place):
    assert place in squash(pdf_text(pdf_path))


def test_no_overfull_lines_or_lost_characters(pdf_path):
    log = (ROOT / "_build" / ".work" / "pdf" / f"{meta.BASENAME}.log").read_text(errors="replace")
    overfull = re.findall(r"Overfull \\hbox \((\d+\.\d+)pt too wide\)", log)
    assert not [w for w in overfull if float(w) > 1.0], f"overfull lines: {overfull}"
    assert "Missing character" not in log


@pytest.mark.slow
def test_index_files_accented_entries_under_their_base_letter(pdf_path):
    """ÁVH sorts under A and Újpest under U, as in an English index (booktools/latex/accents.xdy)."""
    ind = (ROOT / "_build" / ".work" / "pdf" / "hungary-1956.ind").read_text(encoding="utf-8")
    groups: dict[str, str] = {}
    group = ""
    for line in ind.splitlines():
        m = re.search(r"\\lettergroup(?:Default)?\{([^}]*)\}", line)
        if m:
            group = m.group(1)
        m = re.search(r"\\spxentry\{([^}]*)\}", line)
        if m:
            groups.setdefault(m.group(1), group)
    assert groups["ÁVH"] == "A"
    assert groups["Újpest"] == "U"
    assert groups["Győr"] == "G"
