"""Directives that write the back matter from ``book/data/`` at build time.

``timeline-table``, ``people-list``, ``places-list``, ``numbers-table`` and
``data-glossary`` turn the CSV rows into MyST and parse it in place, so the output is
ordinary Sphinx: a real ``glossary`` (``{term}`` links resolve in every edition),
``{footcite}`` notes, ``{ref}`` links to the sections that tell each event, and ``{index}``
entries.  Any fault in the data stops the build with the file and line (see ``booktools.bookdata``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import bookdata, codes

logger = logging.getLogger(__name__)


def cite(row: bookdata.Row) -> str:
    return "{footcite}`" + ",".join(row.keys) + "`"


def long_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def chapters(srcdir: Path) -> list[Path]:
    """The story's chapters (not the back matter), in reading order."""
    return sorted(p for p in srcdir.glob("[01][0-9]-*.md"))


class DataDirective(SphinxDirective):
    """Parse generated MyST in place of the directive, reporting data faults."""

    has_content = False
    #: Lists of names, filed alphabetically: the Hungarian edition files them again by the
    #: Hungarian alphabet once their names are translated (booktools.language.SortLists).
    by_name = False

    def markdown(self) -> list[str]:
        raise NotImplementedError

    @property
    def data(self) -> Path:
        """The book's data folder: ``data/`` beside the sources."""
        return Path(self.env.srcdir) / "data"

    def run(self) -> list[nodes.Node]:
        for name in bookdata.COLUMNS:
            self.env.note_dependency(str(self.data / name))
        try:
            lines = self.markdown()
        except bookdata.DataError as err:
            # Logged as Sphinx logs its own errors, so the code is printed once.
            codes.warn(logger, err.code, err.message, location=self.get_location(), error=True)
            return []
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]),
                                self.content_offset, container)
        if self.by_name:
            for found in container.findall(nodes.definition_list):
                found["book_sort_by_name"] = True
        return container.children


class TimelineTable(DataDirective):
    """Every dated event, with its note and a link to the section that tells it."""

    def markdown(self) -> list[str]:
        out = ["```{list-table}", ":header-rows: 1", ":widths: 22 56 22",
               ":class: timeline-table", "", "* - Date", "  - Event", "  - Told in"]
        for row in bookdata.timeline(self.data):
            out += [f"* - {long_date(row['date'])}", f"  - {row['event']}{cite(row)}",
                    f"  - {{ref}}`{row['section']}`"]
        return out + ["```"]


class PeopleList(DataDirective):
    """Each person: English and Hungarian name order, years, role, chapters."""

    by_name = True

    def markdown(self) -> list[str]:
        rows = bookdata.people(self.data)
        seen_in = appearances(Path(self.env.srcdir), rows)
        # Read again when a chapter's edit changes who appears where (PeopleAppearances),
        # not on every edit of a chapter.
        stored_appearances(self.env)[self.env.docname] = seen_in
        out = []
        for row in sorted(rows, key=lambda r: r["name"].rpartition(" ")[2]):
            name = row["name"]
            years = "–".join(y for y in (row["born"], row["died"]) if y)
            if row["born"] and not row["died"]:
                years = f"born {row['born']}"
            elif row["died"] and not row["born"]:
                years = f"died {row['died']}"
            hungarian = row["hungarian_name"]
            label = ", ".join(x for x in (hungarian if hungarian != name else "", years) if x)
            where = (", ".join(f"{{doc}}`{stem}`" for stem in seen_in[name])
                     or "mentioned in passing")
            given, _, family = name.rpartition(" ")
            out += [f"{{index}}`{name} <single: {family}, {given}>`"
                    + (f" ({label})" if label else ""),
                    f": {row['role']}{cite(row)}", f"  Appears in: {where}.", ""]
        return out


def mentioned(text: str, names: Iterable[str]) -> set[str]:
    """The people of *names* whom *text* names or indexes (``single: Family, Given``)."""
    found = set()
    for name in names:
        given, _, family = name.rpartition(" ")
        if name in text or f"single: {family}, {given}" in text:
            found.add(name)
    return found


def appearances(srcdir: Path, people: list[bookdata.Row]) -> dict[str, tuple[str, ...]]:
    """Each person's name -> the chapters that name them or index them, in reading order."""
    names = [row["name"] for row in people]
    seen = {p.stem: mentioned(p.read_text(encoding="utf-8"), names) for p in chapters(srcdir)}
    return {name: tuple(stem for stem, found in seen.items() if name in found)
            for name in names}


def stored_appearances(env: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    """The people pages read so far -> the appearances each one lists (kept in the
    environment, so it lasts from one build to the next)."""
    if not hasattr(env, "booktools_appearances"):
        env.booktools_appearances = {}
    return env.booktools_appearances


class PeopleAppearances(EnvironmentCollector):
    """Reads a people page again when an edit changed who appears in which chapter.

    The page lists, for each person, the chapters that mention them, so it depends on the
    text of every chapter; a dependency on the chapter files (``note_dependency``) would
    read and write it again after every edit of any chapter.  Sphinx asks each collector
    which documents are outdated besides the changed ones: this one compares what each
    page lists with the chapters as they are now.
    """

    def clear_doc(self, app: Any, env: Any, docname: str) -> None:
        stored_appearances(env).pop(docname, None)

    def merge_other(self, app: Any, env: Any, docnames: AbstractSet[str], other: Any) -> None:
        theirs = stored_appearances(other)
        stored_appearances(env).update({d: theirs[d] for d in docnames if d in theirs})

    def process_doc(self, app: Any, doctree: nodes.document) -> None:
        pass  # recorded by the directive, which computes the list

    def get_outdated_docs(self, app: Any, env: Any, added: set[str], changed: set[str],
                          removed: set[str]) -> list[str]:
        """The people pages whose list an added, changed or removed chapter changes.

        Only those chapters are read, so the cost follows the edit, not the book.  A change
        to the people data marks the page changed itself (its ``note_dependency``).
        """
        stored = {d: seen for d, seen in stored_appearances(env).items()
                  if d in env.found_docs and d not in changed and d not in added}
        touched = added | changed | removed
        if not stored or not touched:
            return []
        paths = {p.stem: p for p in chapters(Path(env.srcdir)) if p.stem in touched}
        # A chapter removed, or not a chapter, names nobody now.
        texts = {stem: paths[stem].read_text(encoding="utf-8", errors="replace")
                 if stem in paths else "" for stem in touched}
        return sorted(docname for docname, seen in stored.items() if any(
            {name for name, stems in seen.items() if stem in stems} != mentioned(text, seen)
            for stem, text in texts.items()))


class PlacesList(DataDirective):
    """Places in Hungary and beyond, grouped by kind, with links to their sections."""

    by_name = True

    HEADINGS: ClassVar[dict[str, str]] = {
        "town": "Towns on the map", "district": "Districts of Budapest",
        "site": "Sites in Budapest", "abroad": "Beyond Hungary",
    }

    def markdown(self) -> list[str]:
        rows = bookdata.places(self.data)
        out: list[str] = []
        for kind, heading in self.HEADINGS.items():
            group = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["name"])
            if not group:
                continue
            out += [f"**{heading}**", ""]
            for row in group:
                name = row["name"]
                hungarian = row["hungarian_name"]
                label = f"{name} (*{hungarian}*)" if hungarian and hungarian != name else name
                keys = ",".join(row.keys)
                if row["coords_source"]:  # the page the plan's coordinates come from
                    keys += f",{{Coordinates on the plans:}}{row['coords_source']}"
                out += [f"{{index}}`{label} <single: {name}>`",
                        f": {row['role']} See {{ref}}`{row['section']}`.{{footcite}}`{keys}`",
                        ""]
        return out


class NumbersTable(DataDirective):
    """The figures of 1956 in one table: what was counted, the figure, whose count it is."""

    def markdown(self) -> list[str]:
        out = ["```{list-table}", ":header-rows: 1", ":widths: 24 18 20 38",
               ":class: numbers-table", "", "* - What was counted", "  - Figure",
               "  - Period or area", "  - Whose count, and how"]
        previous = None
        for row in bookdata.numbers(self.data):
            measure = row["measure"] if row["measure"] != previous else ""
            previous = row["measure"]
            note = "{footcite}`" + ",".join(row.cites) + "`"
            out += [f"* - {measure}", f"  - {row['figure']}", f"  - {row['period']}",
                    f"  - {row['note']}{note}"]
        return out + ["```"]


class DataGlossary(DataDirective):
    """The glossary, as a Sphinx ``glossary`` so that ``{term}`` resolves everywhere."""

    def markdown(self) -> list[str]:
        out = ["```{glossary}", ":sorted:", ""]
        for row in bookdata.glossary(self.data):
            out += [row["term"], f"  {row['definition']}{cite(row)}", ""]
        return out + ["```"]


def used_terms(srcdir: Path) -> dict[str, list[str]]:
    """Glossary terms that the sources link to, term -> files (for the tests)."""
    found: dict[str, list[str]] = {}
    for path in sorted(srcdir.glob("*.md")):
        for m in re.finditer(r"\{term\}`([^`]*)`", path.read_text(encoding="utf-8")):
            target = re.sub(r"^.*<(.*)>$", r"\1", m.group(1)).strip()
            found.setdefault(target, []).append(path.name)
    return found


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("timeline-table", TimelineTable)
    app.add_directive("people-list", PeopleList)
    app.add_directive("places-list", PlacesList)
    app.add_directive("data-glossary", DataGlossary)
    app.add_directive("numbers-table", NumbersTable)
    app.add_env_collector(PeopleAppearances)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
