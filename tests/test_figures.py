"""Figures exist in every edition with real alt text; they are reproducible; every person
in the people data appears in the story; glossary links resolve in HTML and EPUB."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, building, html_text, pdf_text

from booktools import bookdata, figures

FIGURES = ("hungary-map", "timeline-1956", "budapest-centre", "budapest-greater",
           "hungary-soviet-1956", "hungary-soviet-november")


def test_figures_are_byte_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        out.mkdir()
        figures.draw_all(out)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(f"{n}{kind}.svg" for n in FIGURES for kind in ("", "-text"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert b"CreationDate" not in (first / name).read_bytes()


def test_map_labels_carry_hungarian_diacritics(tmp_path: Path) -> None:
    figures.draw_map(tmp_path)
    # The PDF edition's copy keeps its labels as text (the other draws them as outlines).
    svg = (tmp_path / "hungary-map-text.svg").read_text(encoding="utf-8")
    text = " ".join(ElementTree.fromstring(svg).itertext())
    for town in bookdata.mapped_towns():
        assert town["hungarian_name"] in text, town["hungarian_name"]


def figure_images(soup: BeautifulSoup) -> dict[str, str]:
    """figure file stem -> alt text, for every figure image on a page."""
    out = {}
    for img in soup.select("figure img, div.figure img"):
        stem = Path(img["src"]).stem
        out[stem] = img.get("alt", "")
    return out


def check_alt(found: dict[str, str]) -> None:
    assert set(FIGURES) <= set(found), found
    for stem in FIGURES:
        alt = found[stem]
        assert len(alt.split()) > 20, f"{stem}: alt text too thin: {alt!r}"
    for town in bookdata.mapped_towns():
        assert town["hungarian_name"] in found["hungary-map"], \
            f"the map's alt text does not name {town['hungarian_name']}"
    for row in bookdata.timeline():
        if row["chart"]:
            assert row["chart"] in found["timeline-1956"], row["chart"]


def test_html_figures_have_alt_text_and_numbers(html_dir: Path) -> None:
    found = {}
    for page in html_dir.glob("*.html"):
        found |= figure_images(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"))
    check_alt(found)
    assert (html_dir / "_images" / "hungary-map.svg").exists()
    places = html_text(html_dir / "93-places.html")
    assert re.search(r"Fig\. \d+", places), "the places page must refer to the map by number"


def test_epub_figures_are_svg_with_alt_text(epub_path: Path) -> None:
    found = {}
    with zipfile.ZipFile(epub_path) as zf:
        names = zf.namelist()
        for name in names:
            if name.endswith(".xhtml"):
                found |= figure_images(BeautifulSoup(zf.read(name), "html.parser"))
    check_alt(found)
    assert any(n.endswith("_images/timeline-1956.svg") for n in names), names


def test_every_person_appears_in_the_story(html_dir: Path) -> None:
    story = " ".join(html_text(p) for p in sorted(html_dir.glob("[01][0-9]-*.html")))
    missing = [f"{r.where}: {r['name']}" for r in bookdata.people() if r["name"] not in story]
    assert not missing, f"people in book/data/people.csv not named in any chapter: {missing}"


def test_every_glossary_link_resolves(html_dir: Path, epub_path: Path) -> None:
    glossary = BeautifulSoup((html_dir / "92-glossary.html").read_text(encoding="utf-8"),
                             "html.parser")
    ids = {dt["id"] for dt in glossary.select("dl.glossary dt[id]")}
    assert len(ids) == len(bookdata.glossary())
    links = 0
    for page in html_dir.glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.select("a.reference.internal[href*='92-glossary.html#term-']"):
            assert a["href"].split("#", 1)[1] in ids, f"{page.name}: {a['href']}"
            links += 1
    assert links > 50
    with zipfile.ZipFile(epub_path) as zf:
        epub_glossary = zf.read("92-glossary.xhtml").decode()
    for term_id in ids:
        assert f'id="{term_id}"' in epub_glossary, term_id


@pytest.mark.slow
def test_pdf_has_both_figures_and_the_back_matter(pdf_path: Path) -> None:
    text = re.sub(r"\s+", " ", pdf_text(pdf_path))
    assert "Hungary in 1956, with the towns named in this book" in text
    assert "The twelve days and after" in text
    assert "Mosonmagyaróvár volley" in text  # a label inside the chart, as text in the PDF
    assert "Salgótarján" in text


def svg_text(path: Path) -> str:
    """The labels of a figure drawn with its text as text (NAME-text.svg), in one string."""
    import xml.etree.ElementTree as ET

    return " ".join(" ".join(el.itertext()) for el in ET.parse(path).iter()
                    if el.tag.endswith("}text"))


def test_link_checker_knows_the_generated_figures():
    from booktools import figures, linkcheck, plans

    assert {figures.MAP, figures.TIMELINE, plans.CENTRE, plans.GREATER, plans.SOVIET,
            plans.SOVIET_NOVEMBER} == linkcheck.GENERATED_FIGURES


def test_figures_are_redrawn_only_when_their_inputs_change(tmp_path: Path) -> None:
    """The content-hash cache: a second build draws nothing; a changed data row, or a
    figure file edited by hand, makes the next build draw again."""
    import shutil

    data, out, stamp = tmp_path / "data", tmp_path / "figures", tmp_path / "cache" / "f.json"
    shutil.copytree(bookdata.DATA, data)
    assert figures.draw_if_changed(out, data, stamp) is True
    drawn = {p.name: p.read_bytes() for p in out.iterdir()}
    assert figures.draw_if_changed(out, data, stamp) is False
    # An unchanged byte content with a new mtime (a checkout, a revert) is no change.
    (data / "timeline.csv").write_bytes((data / "timeline.csv").read_bytes())
    assert figures.draw_if_changed(out, data, stamp) is False
    timeline = (data / "timeline.csv").read_text(encoding="utf-8")
    first_label = next(r["chart"] for r in bookdata.timeline(data) if r["chart"])
    (data / "timeline.csv").write_text(timeline.replace(first_label, first_label + " (X)", 1),
                                       encoding="utf-8")
    assert figures.draw_if_changed(out, data, stamp) is True
    assert (out / "timeline-1956.svg").read_bytes() != drawn["timeline-1956.svg"]
    assert (out / "hungary-map.svg").read_bytes() == drawn["hungary-map.svg"]
    (out / "hungary-map.svg").write_text("edited by hand")
    assert figures.draw_if_changed(out, data, stamp) is True
    assert (out / "hungary-map.svg").read_bytes() == drawn["hungary-map.svg"]


def test_a_no_change_html_build_imports_no_figure_or_image_code() -> None:
    """matplotlib costs 1.5 s to import: a build whose figures are current must not load it."""
    import subprocess
    import sys

    build = [sys.executable, "-X", "importtime", "-m", "booktools.build", "--quiet", "html"]
    with building():
        subprocess.run(build, cwd=ROOT, capture_output=True, check=True)  # figures now current
        proc = subprocess.run(build, cwd=ROOT, capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert "matplotlib" not in imported
    assert "matplotlib.pyplot" not in imported


def test_plans_label_every_site_with_cited_coordinates(tmp_path: Path) -> None:
    from booktools import plans

    plans.draw_plans(tmp_path)
    centre = svg_text(tmp_path / "budapest-centre-text.svg")
    greater = svg_text(tmp_path / "budapest-greater-text.svg")
    sites = bookdata.mapped_sites()
    assert {r["kind"] for r in sites} == {"site", "district"}
    for row in sites:
        if row["kind"] == "site":
            assert row["coords_source"], row.where
            assert row["name"] in centre, row["name"]
        else:
            assert row["hungarian_name"] in greater, row["hungarian_name"]
    assert "Schematic" in centre and "Schematic" in greater
    october = svg_text(tmp_path / "hungary-soviet-1956-text.svg")
    november = svg_text(tmp_path / "hungary-soviet-november-text.svg")
    placed = {r["name"]: r for r in bookdata.places()}
    moves = bookdata.movements()
    for move in moves:
        for end in filter(None, (move["from"], move["to"])):
            label = placed[end]["hungarian_name"] or end
            assert label in november, move.where
            assert move["date"] >= "1956-11-01" or label in october, move.where
    # A strike with no recorded start is marked, and the legend says what the mark means.
    assert any(not m["from"] for m in moves)
    assert "fighting, " in november and "fighting, " not in october


def test_a_site_coordinate_without_its_source_is_refused(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(bookdata.DATA, data)
    path = data / "places.csv"
    text = path.read_text(encoding="utf-8")
    assert ",wikipedia1956szenater," in text
    path.write_text(text.replace(",wikipedia1956szenater,", ",,"), encoding="utf-8")
    with pytest.raises(bookdata.DataError, match="places.csv:.*geonameid, lat and lon go"):
        bookdata.places(data)
