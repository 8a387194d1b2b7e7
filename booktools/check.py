"""``make check``: the contributor's verdict on an edit, four steps in one process.

1. references: every citation resolves and every entry of references.bib is cited
   (``booktools.bibcheck``);
2. images named in the chapters exist (``booktools.linkcheck sources``);
3. the HTML edition builds strictly (``booktools.build``, warnings with file and line);
4. its links and #fragments resolve (lychee offline, then our own pass).

The steps used to be four Python processes, each importing Sphinx, pybtex or docutils
again; here they share one.  Every problem is printed with its file and line, and the last
line says in one sentence what passed or what failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence

from . import bibcheck, build, linkcheck
from .errors import BookError, ToolError

ROOT = build.ROOT
#: The edition's language (``--language hu``, ``make check LANG=hu``).
LANGUAGE = ["en"]


def step_references() -> list[str]:
    bib = ROOT / "references.bib"
    return [p.render(ROOT) for p in bibcheck.check(bib, build.SOURCE)]


def step_images() -> list[str]:
    return [p.render(ROOT) for p in linkcheck.check_sources(build.SOURCE)]


def step_html() -> list[str]:
    try:
        build.check_bibliography()
        build.build("html", quiet=True, language=LANGUAGE[0])
    except BookError as exc:
        return [str(exc)]
    return []


def step_links() -> list[str]:
    site = build.BUILD / "html"
    if LANGUAGE[0] != "en":
        site = site / LANGUAGE[0]
    unbuilt = linkcheck.unbuilt_sites(site)
    for lang in unbuilt:
        shown, make = ("the English site", "make html") if lang == "en" else (
            f"{lang}/", f"make check LANG={lang}")
        print(f"[check]   the language switch's links to {shown} are not followed: that "
              f"site is not built ('{make}' or 'make' builds it)", flush=True)
    return [p.render(ROOT) for p in
            linkcheck.check_html(site, build.SOURCE, list(unbuilt.values()))]


STEPS: list[tuple[str, str, Callable[[], list[str]]]] = [
    ("references", "every citation and entry of references.bib", step_references),
    ("images", "images named in the chapters", step_images),
    ("html", "HTML edition (strict build: a warning names file and line)", step_html),
    ("links", "HTML links and #fragments (lychee, offline, and our own pass)", step_links),
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-l", "--language", choices=build.meta.LANGUAGES, default="en")
    LANGUAGE[0] = parser.parse_args(argv).language
    os.environ["SOURCE_DATE_EPOCH"] = build.source_date_epoch()
    started = time.perf_counter()
    passed: list[str] = []
    failed: list[str] = []
    took: list[str] = []
    for number, (name, what, run) in enumerate(STEPS, 1):
        print(f"[check] {number}/{len(STEPS)} {name}: {what}", flush=True)
        if name == "links" and "html" in failed:
            print("[check]   skipped: the HTML edition did not build", flush=True)
            continue
        step_started = time.perf_counter()
        try:
            problems = run()
        except ToolError as exc:  # a missing tool (lychee, ...): its message says which
            problems = [str(exc)]
        took.append(f"{name} {time.perf_counter() - step_started:.1f}")
        for problem in problems:
            print(problem, file=sys.stderr, flush=True)
        (failed if problems else passed).append(name)
    seconds = time.perf_counter() - started
    if failed:
        print(f"[check] FAILED: {', '.join(failed)} (problems listed above); passed: "
              f"{', '.join(passed) or 'nothing'} ({seconds:.1f} s)", file=sys.stderr)
        return 1
    print(f"[check] all passed: references, images, HTML build, links in {seconds:.1f} s "
          f"({', '.join(took)} s); the EPUB and PDF checks run in 'make test'.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
