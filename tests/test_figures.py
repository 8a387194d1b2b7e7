"""Figures exist in every edition with real alt text; they are reproducible; every person
in the people data appears in the story; glossary links resolve in HTML and EPUB."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import html_text, pdf_text

from booktools import bookdata, figures

FIGURES = ("hungary-map", "timeline-1956", "budapest-centre", "budapest-greater",
           "hungary-soviet-1956")


def test_figures_are_byte_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        out.mkdir()
        figures.draw_all(out)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(f"{n}.{ext}" for n in FIGURES for ext in ("pdf", "svg"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert b"CreationDate" not in (first / name).read_bytes()


def test_map_labels_carry_hungarian_diacritics(tmp_path: Path) -> None:
    figures.draw_map(tmp_path)
    text = pdf_text(tmp_path / "hungary-map.pdf")
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


def test_link_checker_knows_the_generated_figures():
    from booktools import figures, linkcheck, plans

    assert {figures.MAP, figures.TIMELINE, plans.CENTRE, plans.GREATER, plans.SOVIET} == \
        linkcheck.GENERATED_FIGURES


def test_plans_label_every_site_with_cited_coordinates(tmp_path: Path) -> None:
    from booktools import plans

    plans.draw_plans(tmp_path)
    centre = re.sub(r"\s+", " ", pdf_text(tmp_path / "budapest-centre.pdf"))
    greater = re.sub(r"\s+", " ", pdf_text(tmp_path / "budapest-greater.pdf"))
    sites = bookdata.mapped_sites()
    assert {r["kind"] for r in sites} == {"site", "district"}
    for row in sites:
        if row["kind"] == "site":
            assert row["coords_source"], row.where
            assert row["name"] in centre, row["name"]
        else:
            assert row["hungarian_name"] in greater, row["hungarian_name"]
    assert "Schematic" in centre and "Schematic" in greater
    soviet = re.sub(r"\s+", " ", pdf_text(tmp_path / "hungary-soviet-1956.pdf"))
    for move in bookdata.movements():
        assert move["from"] in soviet and move["to"] in soviet, move.where


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
