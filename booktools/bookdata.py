"""Read and check the book's data files (``book/data/*.csv``).

The back matter and the figures are drawn from these files at build time, so a fault in
them must stop the build with the file, the row's line and what to do about it, rather
than surface as a wrong table or an odd map.  Columns are documented in
``book/data/README.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import codes, meta
from .errors import SourceError

ROOT = meta.ROOT
DATA = ROOT / "book" / "data"
BIBFILE = ROOT / "references.bib"

COLUMNS = {
    "timeline.csv": ["date", "event", "section", "source", "chart"],
    "people.csv": ["name", "hungarian_name", "born", "died", "role", "source"],
    "glossary.csv": ["term", "definition", "source"],
    "places.csv": ["name", "hungarian_name", "kind", "geonameid", "lat", "lon", "coords_source",
                   "label_pos", "role", "section", "source"],
    "numbers.csv": ["measure", "figure", "period", "source", "note"],
    "movements.csv": ["date", "from", "to", "unit", "source", "note"],
}
PLACE_KINDS = ("town", "district", "site", "abroad")
LABEL_POS = ("", "right", "left", "above", "below")
# The map's frame: a town outside it is a typing error, not a place to draw.
HUNGARY_BOX = (16.0, 45.7, 23.0, 48.6)
BUDAPEST_BOX = (18.92, 47.34, 19.34, 47.62)
CHART_SPAN = (dt.date(1956, 10, 23), dt.date(1956, 11, 14))


class DataError(SourceError, ValueError):
    """A data file is malformed; the message names file, line and the fix, then its code:
    ``book.data-file`` (the file itself: missing, header, field count) or
    ``book.data-value`` (a value in a row)."""

    def __init__(self, message: str, code: str = "book.data-value") -> None:
        super().__init__(f"{message} [{codes.check(code)}]")
        self.message, self.code = message, code


@dataclass(frozen=True)
class Row:
    """One CSV row, with where it came from (for error messages)."""

    path: Path
    line: int
    fields: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.fields[key]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path}" \
               f":{self.line}"

    def fail(self, message: str) -> DataError:
        return DataError(f"{self.where}: {message}")

    @property
    def keys(self) -> list[str]:
        """Citation keys of the source column (separated by ';')."""
        return [re.sub(r"\{[^}]*\}$", "", k.strip()) for k in self.cites]

    @property
    def cites(self) -> list[str]:
        """The source column's citations as written, with any ``{page}`` after a key."""
        return [k.strip() for k in self["source"].split(";") if k.strip()]


def bib_of(path: Path) -> Path:
    """The references.bib of the project a data file belongs to (``<project>/book/data/x.csv``),
    or the book's own when the file lies elsewhere."""
    candidate = path.resolve().parent.parent.parent / "references.bib"
    return candidate if candidate.is_file() else BIBFILE


@cache
def bib_keys(bibfile: Path = BIBFILE) -> frozenset[str]:
    text = bibfile.read_text(encoding="utf-8")
    return frozenset(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.MULTILINE))


def read_json(path: Path) -> Any:
    """A data file in JSON (the GeoJSON outlines the figures draw), or a DataError that
    names the file and line: missing, or not JSON."""
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{where}: missing; the figures are drawn from it: restore it "
                        f"(git checkout -- {where})", "book.data-file") from None
    except (ValueError, UnicodeDecodeError) as err:
        line = getattr(err, "lineno", 1)
        raise DataError(f"{where}:{line}: not valid JSON ({getattr(err, 'msg', err)}); "
                        "fix the file or restore it", "book.data-file") from None


def read_rows(path: Path, columns: list[str]) -> list[Row]:
    """Rows of a CSV file whose header must be exactly *columns*."""
    if not path.exists():
        raise DataError(f"{path}: missing; it must exist with the columns {', '.join(columns)}",
                        "book.data-file")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(f"{path}:1: empty file; the first line must be the header "
                            f"{','.join(columns)}", "book.data-file") from None
        if header != columns:
            raise DataError(f"{path}:1: header is {','.join(header)!r}; it must be "
                            f"{','.join(columns)!r} (see book/data/README.md)", "book.data-file")
        rows = []
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(columns):
                raise DataError(f"{path}:{line}: {len(record)} fields, expected {len(columns)} "
                                f"({','.join(columns)}); quote any field that holds a comma",
                                "book.data-file")
            values = (c.strip() for c in record)
            rows.append(Row(path, line, dict(zip(columns, values, strict=True))))
    return rows


def check_common(row: Row, required: list[str]) -> None:
    for col in required:
        if not row[col]:
            raise row.fail(f"the column {col!r} is empty; fill it in")
    if "://" in row["source"]:
        raise row.fail("the source column holds a URL; give citation keys from references.bib, "
                       "separated by ';'")
    unknown = [k for k in row.keys if k not in bib_keys(bib_of(row.path))]
    if unknown:
        raise row.fail(f"unknown citation key {unknown[0]!r}; add the work to references.bib "
                       "or correct the key")


def timeline(data: Path = DATA) -> list[Row]:
    rows = read_rows(data / "timeline.csv", COLUMNS["timeline.csv"])
    previous = dt.date.min
    for row in rows:
        check_common(row, ["date", "event", "section", "source"])
        try:
            date = dt.date.fromisoformat(row["date"])
        except ValueError:
            raise row.fail(f"date {row['date']!r} is not a date; write it as YYYY-MM-DD") from None
        if date < previous:
            raise row.fail(f"date {row['date']} comes before the row above it; keep the rows "
                           "in date order")
        previous = date
        if row["chart"] and not CHART_SPAN[0] <= date <= CHART_SPAN[1]:
            raise row.fail(f"a chart label is given, but {row['date']} is outside the chart's "
                           f"span {CHART_SPAN[0]} to {CHART_SPAN[1]}; leave 'chart' empty")
    return rows


def people(data: Path = DATA) -> list[Row]:
    rows = read_rows(data / "people.csv", COLUMNS["people.csv"])
    for row in rows:
        check_common(row, ["name", "hungarian_name", "role", "source"])
        for col in ("born", "died"):
            if row[col] and not re.fullmatch(r"(1[89]|20)\d\d", row[col]):
                raise row.fail(f"{col} {row[col]!r} is not a year; give four digits, or leave "
                               "it empty when no cited work confirms it")
    return rows


def glossary(data: Path = DATA) -> list[Row]:
    rows = read_rows(data / "glossary.csv", COLUMNS["glossary.csv"])
    seen: dict[str, Row] = {}
    for row in rows:
        check_common(row, ["term", "definition", "source"])
        if row["term"].lower() in seen:
            raise row.fail(f"the term {row['term']!r} is already defined at "
                           f"{seen[row['term'].lower()].where}; merge the two rows")
        seen[row["term"].lower()] = row
    return rows


def places(data: Path = DATA) -> list[Row]:
    rows = read_rows(data / "places.csv", COLUMNS["places.csv"])
    for row in rows:
        check_common(row, ["name", "kind", "role", "section", "source"])
        if row["kind"] not in PLACE_KINDS:
            raise row.fail(f"kind {row['kind']!r} is not one of {', '.join(PLACE_KINDS)}")
        if row["label_pos"] not in LABEL_POS:
            raise row.fail(f"label_pos {row['label_pos']!r} is not one of "
                           f"{', '.join(p for p in LABEL_POS if p)} (or empty)")
        if row["coords_source"]:
            # A site's coordinates are copied from a page that states them, cited here.
            if row["kind"] != "site" or row["geonameid"]:
                raise row.fail("coords_source is only for sites (kind 'site') without a "
                               "geonameid; a town or district takes its coordinates from "
                               "GeoNames: empty coords_source and give the geonameid")
            if row["coords_source"] not in bib_keys(bib_of(row.path)):
                raise row.fail(f"coords_source {row['coords_source']!r} is not a key of "
                               "references.bib; add the page that states the coordinates")
            if not (row["lat"] and row["lon"]):
                raise row.fail("coords_source is given but lat or lon is empty: copy both "
                               "from the cited page, in decimal degrees")
        else:
            has = [bool(row[c]) for c in ("geonameid", "lat", "lon")]
            if any(has) and not all(has):
                raise row.fail("geonameid, lat and lon go together: give all three (run "
                               "'python -m booktools.geodata', which fills lat and lon from "
                               "GeoNames) or none; a site's coordinates need the page that "
                               "states them in coords_source; never guess a coordinate")
        if row["lat"] or row["lon"]:
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except ValueError:
                raise row.fail("lat and lon must be decimal degrees") from None
            x0, y0, x1, y1 = HUNGARY_BOX
            if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                raise row.fail(f"({lat}, {lon}) lies outside Hungary; check the coordinates")
            if row["kind"] in ("site", "district") and not (
                    BUDAPEST_BOX[0] <= lon <= BUDAPEST_BOX[2]
                    and BUDAPEST_BOX[1] <= lat <= BUDAPEST_BOX[3]):
                raise row.fail(f"({lat}, {lon}) lies outside Budapest, but the row is a "
                               f"{row['kind']} of Budapest; check the coordinates")
    return rows


def check_cites(row: Row) -> None:
    """Each citation of the source column is a key with an optional page: ``key{12}``."""
    for cite in row.cites:
        if not re.fullmatch(r"[^{}\s]+(\{[^{}]+\})?", cite):
            raise row.fail(f"source {cite!r} is not a citation key with an optional page "
                           "in braces, e.g. ksh1957victims{4}")


def numbers(data: Path = DATA) -> list[Row]:
    """The disputed figures of 1956 (deaths, wounded, executed, refugees …), whose is whose."""
    rows = read_rows(data / "numbers.csv", COLUMNS["numbers.csv"])
    for row in rows:
        check_cites(row)
        check_common(row, ["measure", "figure", "source", "note"])
        if not re.search(r"\d", row["figure"]):
            raise row.fail(f"figure {row['figure']!r} holds no number; write the count as the "
                           "source gives it, e.g. 2,652 or 2,500–3,000")
    return rows


#: The days whose Soviet movements the map of Hungary can show.
MOVEMENT_DAYS = (dt.date(1956, 10, 23), dt.date(1956, 11, 11))


def movements(data: Path = DATA) -> list[Row]:
    """Soviet troop movements for the map: from and to are places with coordinates.  An
    empty ``from`` is a strike whose source names where it happened but not where the
    troops came from: the map marks the place instead of drawing an arrow."""
    rows = read_rows(data / "movements.csv", COLUMNS["movements.csv"])
    placed = {r["name"]: r for r in places(data) if r["lat"]}
    for row in rows:
        check_cites(row)
        check_common(row, ["date", "to", "unit", "source"])
        try:
            day = dt.date.fromisoformat(row["date"])
        except ValueError:
            raise row.fail(f"date {row['date']!r} is not a date; write it as YYYY-MM-DD") from None
        if not MOVEMENT_DAYS[0] <= day <= MOVEMENT_DAYS[1]:
            raise row.fail(f"date {row['date']} is outside {MOVEMENT_DAYS[0]} to "
                           f"{MOVEMENT_DAYS[1]}, the days the map shows")
        for col in ("from", "to"):
            if row[col] and row[col] not in placed:  # 'to' is never empty (checked above)
                raise row.fail(f"{col} {row[col]!r} is not a place with coordinates in "
                               "places.csv; add the town there (with its geonameid) first")
    return rows


def mapped_towns(data: Path = DATA) -> list[Row]:
    """The places drawn on the map of Hungary: towns with coordinates."""
    return [r for r in places(data) if r["kind"] == "town" and r["lat"]]


def mapped_sites(data: Path = DATA) -> list[Row]:
    """The places drawn on the plans of Budapest: sites and districts with coordinates."""
    return [r for r in places(data) if r["kind"] in ("site", "district") and r["lat"]]
