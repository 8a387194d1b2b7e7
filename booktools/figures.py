"""Draw the book's figures from its data, at build time, with matplotlib.

* ``hungary-map``: Hungary in its 1947 (= 1956) borders, from Natural Earth, with the towns
  of ``places.csv`` that have GeoNames coordinates, Budapest marked.
* ``timeline-1956``: the events of ``timeline.csv`` that carry a chart label, 23 October
  to 14 November 1956.
* ``budapest-centre`` and ``budapest-greater``: the plans of Budapest (booktools/plans.py).

Each figure is written as SVG into ``book/_figures/``: ``NAME.svg`` with its labels drawn
as outlines (HTML, EPUB) and ``NAME-text.svg`` with its labels as text (the PDF, set by
Typst); chapters include it as ``/_figures/NAME.*``.  Output is byte-reproducible (fixed
SVG hash salt, no dates in the metadata) and a file is rewritten only when its bytes
change, so Sphinx's cache is not disturbed.

A build redraws the figures only when their inputs changed: a content hash of the data
files, of this module and ``bookdata`` and of matplotlib's version is kept beside the
build's doctrees (``_build/.cache/figures.json``) with the hashes of the files drawn.
When both still match, matplotlib is not even imported (it costs 1.5 s of a build).

**In a translation** (the Hungarian edition) each figure is drawn again with its labels,
legend, credits and dates in that language, as ``NAME.hu.svg`` (and ``NAME.hu-text.svg``):
Sphinx's ``figure_language_filename`` (``{root}.{language}{ext}``) picks it for that
edition.  Every label is drawn through :func:`say`; the labels are a catalogue like the
chapters', ``locales/hu/LC_MESSAGES/figures.po``, extracted by :func:`messages` and kept in
step by ``make translations`` (booktools.translation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
from importlib import metadata
from pathlib import Path
from typing import Any

from . import bookdata

FIGDIR = bookdata.ROOT / "book" / "_figures"
#: File stems of the figures; booktools.linkcheck knows them as generated.
MAP, TIMELINE = "hungary-map", "timeline-1956"
OUTLINE = bookdata.DATA / "outline.geojson"
# DejaVu Sans ships with matplotlib: the same figures on every machine, and a font the PDF
# edition can embed (Typst reads no system fonts).
FONT = ["DejaVu Sans"]
INK, LAND, NEIGHBOUR, ACCENT = "#222222", "#f3ead8", "#e6e6e6", "#a3241b"

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": FONT,
    "font.size": 8,
    "svg.hashsalt": "hungary-1956",  # fixed ids: reproducible SVG
    "svg.fonttype": "path",  # glyphs as outlines: ő and ű look right in every reader
    "axes.edgecolor": INK,
    "text.color": INK,
}


#: While a translation's figures are drawn: its labels, the file suffix (".hu") and its
#: language; empty for English.  _ASKED collects the labels when :func:`messages` runs.
_LABELS: dict[str, str] = {}
_DRAWING = {"suffix": "", "language": "en"}
_ASKED: set[str] | None = None
#: Month abbreviations for the chart's date axis in Hungarian ("okt. 23.").
_HU_MONTHS = ("jan.", "febr.", "márc.", "ápr.", "máj.", "jún.", "júl.", "aug.", "szept.",
              "okt.", "nov.", "dec.")


def say(text: str) -> str:
    """A label as the figure being drawn shows it: in English, or translated."""
    if _ASKED is not None:
        _ASKED.add(text)
    return _LABELS.get(text) or text


def labels(language: str) -> dict[str, str]:
    """The figures' labels translated into *language* (its ``figures.po``; fuzzy ones left
    out, so the English shows until the translation is checked)."""
    po = bookdata.ROOT / "locales" / language / "LC_MESSAGES" / "figures.po"
    if language == "en" or not po.is_file():
        return {}
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f)
                if m.id and m.string and not m.fuzzy}


def _pyplot() -> Any:
    """matplotlib's pyplot, imported only when a figure is really drawn."""
    import matplotlib

    matplotlib.use("Agg")  # no display: must come before pyplot
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, name: str, outdir: Path, pdf: bool = False) -> list[Path]:
    name += _DRAWING["suffix"]
    """Write NAME.svg and NAME-text.svg, touching a file only when its bytes change.

    NAME.svg draws the glyphs as outlines (every web browser and e-reader shows ő and ű
    alike); NAME-text.svg keeps the labels as text in DejaVu Sans, for the PDF edition,
    where Typst embeds the font (shipped with matplotlib) so the labels can be searched,
    copied and read aloud (booktools/typst/builder.py picks it).
    """
    plt = _pyplot()
    written = []
    for suffix, fonttype in (("", "path"), ("-text", "none")):
        buf = io.BytesIO()
        with plt.rc_context({"svg.fonttype": fonttype}):
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        target = outdir / f"{name}{suffix}.svg"
        if not target.exists() or target.read_bytes() != buf.getvalue():
            target.write_bytes(buf.getvalue())
        written.append(target)
    if pdf:  # for a peer's LaTeX in the benchmark, which cannot place SVG
        target = outdir / f"{name}.pdf"
        fig.savefig(target, format="pdf", metadata={"CreationDate": None, "ModDate": None,
                                                    "Creator": None, "Producer": None})
        written.append(target)
    plt.close(fig)
    return written


def _clamped(ring: list[list[float]], box: tuple[float, float, float, float]) -> list[tuple]:
    """A ring with its points outside *box* moved onto the box's edge and the runs along an
    edge dropped: what the frame shows is unchanged, and the SVG carries no hidden outline."""
    x0, y0, x1, y1 = box
    out: list[tuple[float, float]] = []
    for x, y in ring:
        p = (min(max(x, x0), x1), min(max(y, y0), y1))
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] in (x0, x1)
                              or out[-2][1] == out[-1][1] == p[1] in (y0, y1)):
            out[-1] = p  # a run along one edge of the box: keep only its ends
            continue
        out.append(p)
    return out


def draw_outline(ax: Any, outline: dict, frame: tuple[float, float, float, float]) -> None:
    """Hungary and its neighbours (``outline.geojson``) as seen in *frame*: Hungary in the
    land colour with a black border, the neighbours grey."""
    from matplotlib.patches import Polygon

    x0, y0, x1, y1 = frame
    for feature in outline["features"]:
        hungary = feature["properties"]["name"] == "Hungary"
        for (ring,) in feature["geometry"]["coordinates"]:
            points = _clamped(ring, (x0 - 0.1, y0 - 0.1, x1 + 0.1, y1 + 0.1))
            if len(points) < 3:
                continue
            ax.add_patch(Polygon(
                points, closed=True, facecolor=LAND if hungary else NEIGHBOUR,
                edgecolor=INK if hungary else "#9a9a9a", linewidth=0.8 if hungary else 0.4,
                zorder=2 if hungary else 1))


def _text_offset(pos: str) -> tuple[tuple[int, int], str, str]:
    """Label offset in points and alignment for a label position."""
    return {
        "left": ((-4, 0), "right", "center"),
        "above": ((0, 4), "center", "bottom"),
        "below": ((0, -4), "center", "top"),
    }.get(pos, ((4, 0), "left", "center"))


#: lon/lat frame of the map of the whole country and its borders.
COUNTRY_FRAME = (15.9, 45.55, 23.1, 48.75)


def draw_map(outdir: Path = FIGDIR, data: Path = bookdata.DATA, pdf: bool = False) -> list[Path]:
    """The map of Hungary with the towns named in the book."""
    plt = _pyplot()
    outline = bookdata.read_json(data / OUTLINE.name)
    towns = bookdata.mapped_towns(data)
    x0, y0, x1, y1 = COUNTRY_FRAME
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(4.6, 3.1))
        ax.set_position((0, 0, 1, 1))
        ax.set_facecolor("#ffffff")
        draw_outline(ax, outline, (x0, y0, x1, y1))
        for feature in outline["features"]:
            name = feature["properties"]["name"]
            if name in {"Austria", "Slovakia", "Ukraine", "Romania", "Serbia", "Croatia"}:
                lon, lat = {"Austria": (16.25, 48.3), "Slovakia": (19.4, 48.6),
                            "Ukraine": (22.75, 48.55), "Romania": (22.6, 46.6),
                            "Serbia": (20.3, 45.7), "Croatia": (17.0, 45.75)}[name]
                ax.text(lon, lat, say(name).upper(), fontsize=6, color="#7a7a7a",
                        ha="center", va="center", zorder=3)
        for town in towns:
            lon, lat = float(town["lon"]), float(town["lat"])
            capital = town["name"] == "Budapest"
            ax.plot(lon, lat, marker="*" if capital else "o", markersize=9 if capital else 3.5,
                    color=ACCENT if capital else INK, zorder=5, markeredgewidth=0)
            offset, ha, va = _text_offset(town["label_pos"])
            ax.annotate(town["hungarian_name"] if town["kind"] == "town" else say(town["name"]),
                        (lon, lat), xytext=offset, textcoords="offset points", ha=ha, va=va,
                        fontsize=8.5 if capital else 7, fontweight="bold" if capital else None,
                        zorder=6)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        # Equirectangular, true to scale at the middle latitude.
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
        ax.axis("off")
        ax.text(x1 - 0.05, y0 + 0.05, say("Borders: Natural Earth · Towns: GeoNames"),
                fontsize=5, color="#6a6a6a", ha="right", va="bottom")
        return _save(fig, MAP, outdir, pdf)


def draw_timeline(outdir: Path = FIGDIR, data: Path = bookdata.DATA,
                  pdf: bool = False) -> list[Path]:
    """The twelve days and after: labelled events on a vertical date axis."""
    plt = _pyplot()
    import matplotlib.dates as mdates

    events = [(dt.date.fromisoformat(r["date"]), say(r["chart"]))
              for r in bookdata.timeline(data) if r["chart"]]
    start, end = bookdata.CHART_SPAN
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(3.6, 4.6))
        fig.subplots_adjust(left=0.2, right=0.98, top=0.98, bottom=0.03)
        ax.set_ylim(mdates.date2num(end + dt.timedelta(days=0.7)),
                    mdates.date2num(start - dt.timedelta(days=0.7)))
        ax.set_xlim(0, 1)
        ax.axvline(0.06, color=INK, linewidth=1)
        ax.yaxis.set_major_locator(mdates.DayLocator(bymonthday=[23, 28, 1, 4, 11, 14]))
        ax.yaxis.set_minor_locator(mdates.DayLocator())
        if _DRAWING["language"] == "hu":  # "okt. 23."
            from matplotlib.ticker import FuncFormatter

            ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: (
                f"{_HU_MONTHS[mdates.num2date(value).month - 1]} "
                f"{mdates.num2date(value).day}.")))
        else:
            ax.yaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
        ax.tick_params(axis="y", which="major", labelsize=7.5)
        ax.set_xticks([])
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        # Labels evenly spaced down the page, each joined to its day on the axis:
        # the first days are crowded, and this keeps every label legible.
        first, last = mdates.date2num(start), mdates.date2num(end)
        step = (last - first) / max(len(events) - 1, 1)
        for i, (date, label) in enumerate(events):
            day, y = mdates.date2num(date), first + i * step
            ax.plot(0.06, day, "o", color=ACCENT, markersize=4, zorder=3)
            ax.plot([0.06, 0.16, 0.24], [day, day, y], color="#9a9a9a", linewidth=0.5)
            ax.text(0.26, y, label, va="center", fontsize=7.5)
        return _save(fig, TIMELINE, outdir, pdf)


def draw_all(outdir: Path = FIGDIR, data: Path = bookdata.DATA, pdf: bool = False,
             language: str = "en") -> list[Path]:
    """Draw every figure; *pdf* adds NAME.pdf (the benchmark's Jupyter Book needs it).

    In another *language* than English, the figures are NAME.<language>.svg, with the
    labels of that language's catalogue (:func:`labels`).
    """
    from .plans import draw_plans  # the plans of Budapest and the Soviet moves (plans.py)

    outdir.mkdir(parents=True, exist_ok=True)
    _LABELS.clear()
    _LABELS.update(labels(language))
    _DRAWING.update(suffix="" if language == "en" else f".{language}", language=language)
    try:
        return (draw_map(outdir, data, pdf) + draw_timeline(outdir, data, pdf)
                + draw_plans(outdir, data, pdf))
    finally:
        _LABELS.clear()
        _DRAWING.update(suffix="", language="en")


def messages(data: Path = bookdata.DATA) -> list[str]:
    """Every label the figures draw, in English: the figures' catalogue's messages."""
    import tempfile

    global _ASKED
    _ASKED = set()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            draw_all(Path(tmp), data)
        return sorted(_ASKED)
    finally:
        _ASKED = None


#: What the figures are drawn from, besides the code: the data files and the citation keys
#: their rows are checked against.
INPUTS = (OUTLINE.name, "places.csv", "timeline.csv", "danube.geojson", "movements.csv")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_hash(data: Path = bookdata.DATA, language: str = "en") -> str:
    """A content hash of everything the figures depend on (not mtimes: a checkout or a
    revert changes those without changing a byte); a translation's, its catalogue too."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    sources = [data / name for name in INPUTS] + [
        bookdata.BIBFILE, here / "figures.py", here / "plans.py", here / "bookdata.py"]
    if language != "en":
        sources.append(bookdata.ROOT / "locales" / language / "LC_MESSAGES" / "figures.po")
    for path in sources:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
        digest.update(b"\0")
    digest.update(metadata.version("matplotlib").encode())
    return digest.hexdigest()


def draw_if_changed(outdir: Path, data: Path, stamp: Path, language: str = "en") -> bool:
    """Draw the figures unless *stamp* shows the same inputs and the same files drawn.

    Returns True when they were drawn.  A missing or unreadable stamp, a changed input
    or a figure file deleted or edited by hand all mean: draw again.
    """
    key = inputs_hash(data, language)
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
        if recorded["inputs"] == key and recorded["outputs"] and all(
                _sha256(outdir / name) == digest for name, digest in recorded["outputs"].items()):
            return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    written = draw_all(outdir, data, language=language)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({
        "inputs": key, "outputs": {p.name: _sha256(p) for p in written}}, indent=1),
        encoding="utf-8")
    return True


def _builder_inited(app: Any) -> None:
    """Draw before the chapters are read, so Sphinx finds the files of ``NAME.*``."""
    refresh(app)


def refresh(app: Any) -> None:
    """Draw the figures of *app*'s book if their inputs changed (also before each rebuild of
    the warm preview, whose application starts once).

    A book without a ``data/`` folder (the test fixtures) has no figures to draw.
    """
    srcdir = Path(app.srcdir)
    language = app.config.language or "en"
    if (srcdir / "data").is_dir():
        try:
            draw_if_changed(srcdir / "_figures", srcdir / "data", stamp_path(app))
            if language != "en":  # NAME.<language>.svg, which Sphinx prefers for it
                draw_if_changed(srcdir / "_figures", srcdir / "data",
                                stamp_path(app, language), language)
        except bookdata.DataError as err:
            from sphinx.errors import ExtensionError

            raise ExtensionError(f"figures: {err}") from None


def stamp_path(app: Any, language: str = "en") -> Path:
    """The figures' stamp, in the build folder beside the doctrees (``_build/.cache``):
    not inside them, since a failed build deletes the doctrees."""
    name = "figures.json" if language == "en" else f"figures-{language}.json"
    return Path(app.doctreedir).parent / ".cache" / name


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    for path in draw_all():
        print(path.relative_to(bookdata.ROOT))
