"""The translations' catalogues: ``python -m booktools.translation update|status``.

The English chapters are the source.  Sphinx's gettext builder extracts every
paragraph, heading, caption, alt text and data-page row into one template per
chapter (``_build/gettext/*.pot``), and booktools.figures the labels of the figures
(``figures.pot``); sphinx-intl merges the templates into the
catalogues a translator edits, ``locales/<language>/LC_MESSAGES/<chapter>.po``.
After an English edit, ``update`` marks the changed paragraphs *fuzzy* (the old
translation stays beside them as a starting point) and adds new ones untranslated.

``status`` compares the catalogues with the English text as it is now and names
every message still untranslated or fuzzy, by file and message: a release build must
have none (tests/test_translation.py).  ``make translations`` runs ``update`` and then
``status``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import bookdata, meta

LOCALES = meta.ROOT / "locales"
TEMPLATES = meta.BUILD / "gettext"
#: The languages the book is translated into (English is the source).
LANGUAGES = ("hu",)


def extract(outdir: Path = TEMPLATES, quiet: bool = True) -> Path:
    """Run Sphinx's gettext builder: one template (.pot) per chapter in *outdir*."""
    from .build import run_sphinx, source_date_epoch
    from .errors import BuildError

    os.environ.setdefault("SOURCE_DATE_EPOCH", source_date_epoch())  # a stable header date
    status = run_sphinx("gettext", outdir, doctrees=meta.BUILD / ".doctrees-gettext",
                        quiet=quiet)
    if status:
        raise BuildError("the English text has errors (listed above); no catalogue changed")
    if bookdata.DATA.is_dir():  # a book without data/ (a test fixture) has no figures
        write_figure_template(outdir / f"{FIGURES}.pot")
    return outdir


#: The catalogue of the figures' labels, legends and credits (booktools.figures).
FIGURES = "figures"


def write_figure_template(path: Path) -> None:
    """The figures' labels as a template, beside the chapters' (booktools.figures.say)."""
    import datetime

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from . import figures

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)  # a stable header date
    catalog = Catalog(project=meta.TITLE, version=meta.VERSION, fuzzy=False,
                      creation_date=datetime.datetime.fromtimestamp(epoch, datetime.UTC))
    for label in figures.messages():
        catalog.add(label, auto_comments=["A label, legend or credit of a figure"])
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False)


def update(language: str, templates: Path = TEMPLATES) -> None:
    """Merge the templates into the language's catalogues (sphinx-intl)."""
    from sphinx_intl import basic  # type: ignore[import-untyped]

    basic.update(str(LOCALES), str(templates), [language], line_width=0,
                 ignore_obsolete=True)


@dataclass(frozen=True)
class Gap:
    """One message a release build would show in English, or with a doubtful translation."""

    catalogue: Path
    state: str  # "untranslated", "fuzzy", "missing catalogue" or a markup problem
    msgid: str
    lineno: int = 0

    def render(self) -> str:
        where = self.catalogue.relative_to(meta.ROOT) \
            if self.catalogue.is_relative_to(meta.ROOT) else self.catalogue
        text = self.msgid if len(self.msgid) <= 90 else self.msgid[:87] + "..."
        return f"{where}:{self.lineno}: {self.state}: {text!r}"


def gaps(language: str, templates: Path = TEMPLATES, locales: Path = LOCALES) -> list[Gap]:
    """Every message of the templates that the language's catalogues do not translate."""
    from babel.messages.pofile import read_po

    found: list[Gap] = []
    for pot in sorted(templates.glob("*.pot")):
        with pot.open("rb") as f:
            wanted = [m.id for m in read_po(f) if m.id]
        po = locales / language / "LC_MESSAGES" / f"{pot.stem}.po"
        if not po.exists():
            found += [Gap(po, "missing catalogue", str(pot.stem))] if wanted else []
            continue
        with po.open("rb") as f:
            catalogue = read_po(f)
        for msgid in wanted:
            message = catalogue.get(msgid)
            if message is None or not message.string:
                found.append(Gap(po, "untranslated", str(msgid),
                                 (message.lineno or 0) if message else 0))
            elif message.fuzzy:
                found.append(Gap(po, "fuzzy", str(msgid), message.lineno or 0))
            elif problem := markup_problem(str(msgid), str(message.string)):
                found.append(Gap(po, problem, str(msgid), message.lineno or 0))
    return found


#: A translation that starts like a Markdown block other than a paragraph is parsed as
#: that block, and Sphinx then silently shows the English paragraph instead.
_BLOCK_START = re.compile(r"^(?:(\d{1,9})[.)](?:\s|$)|[-+*](?:\s|$)|#{1,6}\s|>)")


def markup_problem(msgid: str, msgstr: str) -> str:
    """Why Sphinx would not use *msgstr* for *msgid*, or "" (the Hungarian trap: a
    paragraph that opens with a year, "1956. október 23-án", is a numbered list)."""
    start = _BLOCK_START.match(msgstr)
    if not start or _BLOCK_START.match(msgid):
        return ""
    if start.group(1):
        return (f"starts with '{start.group(0).strip()}', which Markdown reads as a "
                f"numbered list, so the English is shown: write '{start.group(1)}\\"
                f"{start.group(0).strip()[len(start.group(1)):]}' (a backslash before the "
                "full stop) or reword")
    return (f"starts with '{start.group(0).strip()}', which Markdown reads as a list, "
            "heading or quotation, so the English is shown: put a backslash before it")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "status"))
    parser.add_argument("--language", default="hu", choices=LANGUAGES)
    args = parser.parse_args(argv)
    from .errors import BookError

    try:
        templates = extract()
        if args.command == "update":
            update(args.language, templates)
    except BookError as exc:
        print(f"[translation] FAILED: {exc}", file=sys.stderr)
        return exc.exit_code
    missing = gaps(args.language, templates)
    for gap in missing:
        print(gap.render())
    counts = {state: sum(g.state == state for g in missing)
              for state in ("untranslated", "fuzzy", "missing catalogue")}
    counts["with markup problems"] = len(missing) - sum(counts.values())
    summary = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    print(f"[translation] {args.language}: " + (summary or "every message translated"))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
