"""The PDF edition is a book: metadata, embedded fonts, outline, front matter, clean setting.

Checked with qpdf, pikepdf, pypdf and poppler's pdffonts/pdftotext.  The PDF is exported
as PDF/A-2a and PDF/UA-1 by Typst, whose exporter refuses to write a file that breaks a
standard it declares; these tests check what the standards' declarations and the structure
tree hold (there is no veraPDF here).
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
    # Libertinus Serif, Linux Libertine's maintained successor, built into Typst.
    assert "LibertinusSerif-Regular" in names, "the text face is not Libertinus Serif"


def test_only_the_books_fonts(pdf_path):
    """No fallback face: a glyph Libertinus lacks would be set in another font (Typst does
    not fail on it), and show here.  DejaVu Sans is the figures' labels (booktools.figures)."""
    proc = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True)
    faces = {row.split()[0].split("+", 1)[-1] for row in proc.stdout.splitlines()[2:]}
    strays = {f for f in faces if not f.startswith(("LibertinusSerif-", "DejaVuSans"))}
    assert not strays, f"fonts outside the design (a glyph fell back): {strays}"


def test_document_information(pdf_path):
    with pikepdf.open(pdf_path) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == meta.TITLE
        assert str(info["/Author"]) == meta.AUTHOR
        assert str(info["/Subject"]) == meta.SUBTITLE.replace("'", "\u2019")
        assert "Hungary" in str(info["/Keywords"]) and "Kádár" in str(info["/Keywords"])
        assert str(pdf.Root.Lang) == "en-GB"


def test_pdfa_and_pdfua_are_declared(pdf_path):
    """PDF/A-2a and PDF/UA-1 (booktools/typst/builder.py): XMP ids, output intent, title shown."""
    with pikepdf.open(pdf_path) as pdf:
        xmp = pdf.open_metadata()
        assert xmp.get("pdfaid:part") == "2" and xmp.get("pdfaid:conformance") == "A"
        assert xmp.get("pdfuaid:part") == "1"
        assert pdf.Root.MarkInfo.Marked
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
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


def test_typst_reported_no_warnings(pdf_path):
    """The builder turns each Typst warning into a build warning, which fails the strict
    build; the last build's Typst log must be empty."""
    log = ROOT / "_build" / ".work" / "pdf" / "typst-warnings.log"
    assert log.exists(), "the PDF builder writes its Typst warnings to typst-warnings.log"
    assert log.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize("language", ["en", "hu"])
def test_figures_float_but_the_timelines_is_set_in_place(language, request):
    """The PDF built (tagged, with its figures floating: the build fails if Typst cannot
    export that, see tests/test_pdf_typst.py) sets only the timeline's figure where it
    stands, the one that set off typst/typst#8487."""
    request.getfixturevalue("pdf_path" if language == "en" else "hu_pdf_path")
    work = ROOT / "_build" / ".work" / ("pdf" if language == "en" else "hu/pdf")
    main = work / f"{meta.BASENAME}.typ"
    figures = re.findall(r'^#figure\(image\("/images/([^"]+)".*?(, placement: none)?, supplement',
                         main.read_text("utf-8"), re.MULTILINE)
    in_place = [name.split(".")[0] for name, placement in figures if placement]
    assert len(figures) >= 6, figures
    assert in_place == ["timeline-1956"], in_place


def index_text(pdf_path) -> str:
    """The printed index: the text from the Index bookmark's page to the end."""
    entries = outline_entries(pdf_path)
    start = next(page for _, title, page in entries if title == "Index")
    return subprocess.run(["pdftotext", "-f", str(start + 1), str(pdf_path), "-"],
                          capture_output=True, text=True, check=True).stdout


def index_groups(pdf_path) -> dict[str, str]:
    """entry -> the letter it is filed under, read from the printed index."""
    text = index_text(pdf_path)
    groups: dict[str, str] = {}
    group = ""
    for line in text.splitlines():
        line = line.strip()
        if re.fullmatch(r"[A-Z]|Numbers|Symbols", line):
            group = line
        elif group and line:
            groups.setdefault(line.split(",")[0].strip(), group)
    return groups


def test_index_files_accented_entries_under_their_base_letter(pdf_path):
    """ÁVH sorts under A and Újpest under U, as in an English index (booktools/typst/index.py)."""
    groups = index_groups(pdf_path)
    assert groups["ÁVH"] == "A"
    assert groups["Újpest"] == "U"
    assert groups["Győr"] == "G"


def test_index_has_sub_entries_and_linked_pages(pdf_path):
    index = squash(index_text(pdf_path))
    assert re.search(r"Budapest, [\dxiv–, ]+", index), "Budapest has its pages"
    assert "siege (1944–1945)" in index, "a sub-entry of Budapest"
    with pikepdf.open(pdf_path) as pdf:
        last = pdf.pages[len(pdf.pages) - 1]
        links = [a for a in last.get("/Annots", []) if a.get("/Subtype") == "/Link"]
        assert links, "the index's page numbers are links"


def structure_elements(pdf_path) -> list[dict[str, str]]:
    """Every element of the PDF's structure tree (tagged PDF): its type, title, alt text, lang."""
    out: list[dict[str, str]] = []
    with pikepdf.open(pdf_path) as pdf:
        stack = [pdf.Root.StructTreeRoot.K]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(reversed(list(item)))
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                out.append({key: str(item.get(f"/{key}", "")) for key in ("S", "T", "Alt", "Lang")})
                if "/K" in item:
                    stack.append(item.K)
    return out


def test_structure_tree_has_every_heading_and_figure_alt_text(pdf_path):
    """What a screen reader navigates by: parts and chapters as headings, figures with alt text."""
    elements = structure_elements(pdf_path)
    headings = {squash(e["T"]) for e in elements if re.fullmatch(r"/H\d", e["S"])}
    for title in part_titles():
        assert title in headings, f"part {title!r} is not a heading in the structure tree"
    for chapter in chapters():
        assert chapter.title in headings, f"{chapter.title!r} is not a heading in the structure tree"
    alts = [squash(e["Alt"]) for e in elements if e["S"] == "/Figure"]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md"))
    expected = [squash(m) for m in re.findall(r"^:alt: (.+)$", sources, re.MULTILINE)]
    assert expected, "the chapters have figures with :alt:"
    for alt in expected:
        assert alt in alts, f"figure alt text not in the structure tree: {alt[:60]}..."
    kinds = {e["S"] for e in elements}
    assert {"/Note", "/L", "/LI", "/Table", "/TH", "/Link", "/Caption"} <= kinds, kinds


def test_hungarian_spans_are_tagged_hungarian(pdf_path):
    langs = {e["Lang"] for e in structure_elements(pdf_path)}
    assert "hu" in langs, "no span of the structure tree is marked lang=hu"
