"""The two plans of Budapest, drawn from the book's data at build time.

* ``budapest-centre``: the sites of 23 October and of the fighting, on both banks of the
  Danube, from the rows of ``places.csv`` of kind ``site`` that carry coordinates (each copied
  from the page its ``coords_source`` cites).
* ``hungary-soviet-1956``: Hungary with the Soviet movements of 23-24 October, and
  ``hungary-soviet-november`` with those of 1-11 November beside them (``movements.csv``).
* ``budapest-greater``: Greater Budapest with the industrial districts whose workers'
  councils led the strikes (rows of kind ``district``, coordinates from GeoNames), and the
  frame of the central plan.

The river is the Danube of ``danube.geojson`` (GSHHG's WDBII rivers, accurate to a few
hundred metres), so both plans say they are schematic.  Written like the other figures by
:func:`booktools.figures._save`: an SVG pair, byte-reproducible; matplotlib is imported
only when a plan is really drawn.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from . import bookdata
from .figures import ACCENT, INK, RC, _pyplot, _save, _text_offset, draw_outline, say

CENTRE, GREATER = "budapest-centre", "budapest-greater"
RIVERS = bookdata.DATA / "danube.geojson"
WATER, WATER_EDGE, LAND = "#cfe0ea", "#8fb3c7", "#faf6ee"
#: lon/lat frames: the central plan, and Greater Budapest.
CENTRE_FRAME = (19.010, 47.484, 19.094, 47.518)
GREATER_FRAME = (18.93, 47.36, 19.25, 47.62)


def _rivers(data: Path) -> list[list[tuple[float, float]]]:
    collection = bookdata.read_json(data / RIVERS.name)
    return [[(x, y) for x, y in f["geometry"]["coordinates"]] for f in collection["features"]]


def _axes(frame: tuple[float, float, float, float], width: float):
    plt = _pyplot()
    x0, y0, x1, y1 = frame
    aspect = 1 / math.cos(math.radians((y0 + y1) / 2))
    height = width * (y1 - y0) * aspect / (x1 - x0)
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_position((0, 0, 1, 1))
    ax.set_facecolor(LAND)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)  # equirectangular, true to scale at the middle latitude
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#9a9a9a")
        spine.set_linewidth(0.6)
    return fig, ax


def _draw_river(ax, lines, width: float) -> None:
    for line in lines:
        xs, ys = zip(*line, strict=True)
        ax.plot(xs, ys, color=WATER_EDGE, linewidth=width + 1.2, solid_capstyle="round",
                zorder=1)
        ax.plot(xs, ys, color=WATER, linewidth=width, solid_capstyle="round", zorder=2)


def _scale_bar(ax, frame, km: float, label: str) -> None:
    x0, y0, x1, y1 = frame
    per_km = 1 / (111.32 * math.cos(math.radians((y0 + y1) / 2)))
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.06
    ax.plot([left, left + km * per_km], [bottom, bottom], color=INK, linewidth=1.5, zorder=7)
    ax.text(left + km * per_km / 2, bottom + (y1 - y0) * 0.02, label, fontsize=6,
            ha="center", va="bottom", zorder=7)


def _credit(ax, frame, text: str) -> None:
    x0, y0, x1, y1 = frame
    ax.text(x1 - (x1 - x0) * 0.01, y0 + (y1 - y0) * 0.015, text, fontsize=5,
            color="#5a5a5a", ha="right", va="bottom", zorder=7)


def draw_centre(outdir: Path, data: Path = bookdata.DATA, pdf: bool = False) -> list[Path]:
    """Central Budapest: the sites with coordinates a cited page states."""
    plt = _pyplot()
    sites = [r for r in bookdata.mapped_sites(data) if r["kind"] == "site"]
    frame = CENTRE_FRAME
    with plt.rc_context(RC):
        fig, ax = _axes(frame, 4.6)
        _draw_river(ax, _rivers(data), 14)
        x0, y0, x1, y1 = frame
        ax.text(x0 + (x1 - x0) * 0.06, y1 - (y1 - y0) * 0.08, "BUDA", fontsize=9,
                color="#7a7a7a", fontweight="bold", zorder=3)
        ax.text(x1 - (x1 - x0) * 0.06, y1 - (y1 - y0) * 0.08, "PEST", fontsize=9,
                color="#7a7a7a", fontweight="bold", ha="right", zorder=3)
        for site in sites:
            lon, lat = float(site["lon"]), float(site["lat"])
            ax.plot(lon, lat, "o", markersize=5, color=ACCENT, markeredgecolor="white",
                    markeredgewidth=0.8, zorder=5)
            offset, ha, va = _text_offset(site["label_pos"])
            ax.annotate(say(site["name"]), (lon, lat), xytext=offset, textcoords="offset points",
                        ha=ha, va=va, fontsize=7.5, zorder=6)
        _scale_bar(ax, frame, 1, "1 km")
        _credit(ax, frame, say("Schematic: Danube course approximate (GSHHG) · "
                               "sites: pages cited in Places"))
        return _save(fig, CENTRE, outdir, pdf)


def draw_greater(outdir: Path, data: Path = bookdata.DATA, pdf: bool = False) -> list[Path]:
    """Greater Budapest: the industrial districts and the frame of the central plan."""
    plt = _pyplot()
    districts = [r for r in bookdata.mapped_sites(data) if r["kind"] == "district"]
    frame = GREATER_FRAME
    with plt.rc_context(RC):
        fig, ax = _axes(frame, 4.0)
        _draw_river(ax, _rivers(data), 5)
        cx0, cy0, cx1, cy1 = CENTRE_FRAME
        ax.add_patch(plt.Rectangle((cx0, cy0), cx1 - cx0, cy1 - cy0, fill=False,
                                   edgecolor=INK, linewidth=0.8, linestyle="--", zorder=4))
        ax.annotate(say("central plan"), (cx1, cy1), xytext=(3, 2), textcoords="offset points",
                    fontsize=6, color="#4a4a4a", ha="left", va="bottom", zorder=6)
        for district in districts:
            lon, lat = float(district["lon"]), float(district["lat"])
            ax.plot(lon, lat, "s", markersize=5, color=ACCENT, markeredgecolor="white",
                    markeredgewidth=0.8, zorder=5)
            offset, ha, va = _text_offset(district["label_pos"])
            ax.annotate(district["hungarian_name"], (lon, lat), xytext=offset,
                        textcoords="offset points", ha=ha, va=va, fontsize=7.5, zorder=6)
        _scale_bar(ax, frame, 5, "5 km")
        _credit(ax, frame, say("Schematic · Danube: GSHHG · districts: GeoNames"))
        return _save(fig, GREATER, outdir, pdf)


def draw_plans(outdir: Path, data: Path = bookdata.DATA, pdf: bool = False) -> list[Path]:
    return (draw_centre(outdir, data, pdf) + draw_greater(outdir, data, pdf)
            + draw_movements(outdir, data, pdf))


SOVIET = "hungary-soviet-1956"
#: The second intervention: the moves of 1-11 November, with October's for comparison.
SOVIET_NOVEMBER = "hungary-soviet-november"
#: lon/lat frame of central Hungary, around the capital; the whole country instead when a move
#: starts or ends beyond it.
SOVIET_FRAME = (17.7, 46.55, 20.7, 47.95)
#: How far inside the central frame a place must lie (degrees of longitude, latitude).
SOVIET_MARGIN = (0.45, 0.25)


def _frame_around(towns: list[bookdata.Row]) -> tuple[float, float, float, float]:
    """Central Hungary if every town lies in it (with a margin), else the whole country."""
    from .figures import COUNTRY_FRAME

    x0, y0, x1, y1 = SOVIET_FRAME
    dx, dy = SOVIET_MARGIN
    for town in towns:
        lon, lat = float(town["lon"]), float(town["lat"])
        if not (x0 + dx <= lon <= x1 - dx and y0 + dy <= lat <= y1 - dy):
            return COUNTRY_FRAME
    return x0, y0, x1, y1


def _struck_label(moves: list[bookdata.Row]) -> str:
    """The legend of the places struck: "fighting, 4–7 November" from the rows' days."""
    first, last = min(m["date"] for m in moves if not m["from"]), max(
        m["date"] for m in moves if not m["from"])
    span = str(int(first[8:])) if first == last else f"{int(first[8:])}–{int(last[8:])}"
    return say("fighting, {days} November").format(days=span)


def draw_movements(outdir: Path, data: Path = bookdata.DATA, pdf: bool = False) -> list[Path]:
    """Hungary with the Soviet movements of ``movements.csv``: the night of 23-24 October
    (chapter 05), and the second intervention of 1-11 November beside it (chapter 09)."""
    moves = bookdata.movements(data)
    october = [m for m in moves if m["date"] < "1956-11-01"]
    return (_draw_moves(SOVIET, october, data, outdir, pdf)
            + _draw_moves(SOVIET_NOVEMBER, moves, data, outdir, pdf))


def _draw_moves(name: str, moves: list[bookdata.Row], data: Path, outdir: Path,
                pdf: bool) -> list[Path]:
    plt = _pyplot()
    from matplotlib.lines import Line2D

    from .figures import NEIGHBOUR, OUTLINE

    outline = bookdata.read_json(data / OUTLINE.name)
    placed = {r["name"]: r for r in bookdata.places(data) if r["lat"]}
    ends = sorted({m["from"] for m in moves if m["from"]} | {m["to"] for m in moves})
    struck = {m["to"] for m in moves if not m["from"]}
    x0, y0, x1, y1 = _frame_around([placed[n] for n in ends])
    early: dict[str, Any] = {"linestyle": (0, (4, 2)), "color": "#6a6a6a"}
    late: dict[str, Any] = {"linestyle": "-", "color": ACCENT}
    width = 4.6
    height = width * (y1 - y0) / ((x1 - x0) * math.cos(math.radians((y0 + y1) / 2)))
    with plt.rc_context(RC):
        fig, ax = plt.subplots(figsize=(width, round(height, 2)))
        ax.set_position((0, 0, 1, 1))
        ax.set_facecolor(NEIGHBOUR)
        draw_outline(ax, outline, (x0, y0, x1, y1))
        used = set()
        for move in moves:
            if not move["from"]:
                used.add("struck")
                continue
            a, b = placed[move["from"]], placed[move["to"]]
            style = early if move["date"] < "1956-11-01" else late
            used.add("early" if style is early else "late")
            # November's arrows bow a little, so one that follows an October road stays
            # visible beside it.
            bend = "arc3,rad=0" if style is early else "arc3,rad=-0.2"
            ax.annotate("", xy=(float(b["lon"]), float(b["lat"])),
                        xytext=(float(a["lon"]), float(a["lat"])),
                        arrowprops={"arrowstyle": "-|>", "shrinkA": 3, "shrinkB": 4,
                                    "linewidth": 1.1, "mutation_scale": 8,
                                    "connectionstyle": bend, **style},
                        zorder=4)
        for town_name in ends:
            town = placed[town_name]
            lon, lat = float(town["lon"]), float(town["lat"])
            capital = town_name == "Budapest"
            if town_name in struck and not capital:
                ax.plot(lon, lat, marker="X", markersize=6, color=ACCENT, markeredgewidth=0,
                        zorder=5)
            else:
                ax.plot(lon, lat, marker="*" if capital else "o",
                        markersize=8 if capital else 3, color=ACCENT if capital else INK,
                        markeredgewidth=0, zorder=5)
            offset, ha, va = _text_offset(town["label_pos"])
            label = town["hungarian_name"] or town_name
            ax.annotate(label, (lon, lat), xytext=offset, textcoords="offset points", ha=ha,
                        va=va, fontsize=7, zorder=6)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))
        ax.axis("off")
        handles = []
        if "early" in used:
            handles.append(Line2D([], [], linewidth=1.1, **early, label=say("23–24 October")))
        if "late" in used:
            handles.append(Line2D([], [], linewidth=1.1, **late, label=say("1–11 November")))
        if "struck" in used:
            handles.append(Line2D([], [], linestyle="", marker="X", markersize=6, color=ACCENT,
                                  markeredgewidth=0, label=_struck_label(moves)))
        ax.legend(handles=handles, loc="lower left", fontsize=6.5, frameon=True,
                  facecolor="#ffffff", framealpha=0.85, edgecolor="none")
        ax.text(x1 - 0.05, y0 + 0.05, say("Schematic: each arrow joins start and end only · "
                                          "Natural Earth · GeoNames"), fontsize=5, color="#6a6a6a",
                ha="right", va="bottom")
        return _save(fig, name, outdir, pdf)
