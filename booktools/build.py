"""Build the editions: ``python -m booktools.build [html] [epub] [pdf]``.

* One process, one parse: the builders run one after another in this process and
  share one doctree cache (``_build/.doctrees``), so the chapters are read and
  parsed once for all three editions, and only changed chapters are re-read.
* Strict: warnings are errors (``-W --keep-going -n``), every warning is shown
  with its file and line before the build fails.
* The last good edition is kept: each edition is built in a work folder
  (``_build/.work/<edition>``) and published into ``_build/`` only when its build
  succeeded, by an atomic rename, so a failed build leaves the previous files.
* Languages: ``--language hu`` builds the Hungarian editions from the catalogues in
  ``locales/hu`` (``--language en,hu`` both; English is the default).  Each language has
  its own parse cache and work folders; the Hungarian site is published under
  ``_build/html/hu/``, its EPUB and PDF beside the English ones with ``-hu`` in the name.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import meta
from .errors import BookError, BuildError, SourceError, report_internal_error

ROOT = meta.ROOT
SOURCE = ROOT / "book"
BUILD = meta.BUILD
DOCTREES = BUILD / ".doctrees"
WORK = BUILD / ".work"
EDITIONS = ("html", "epub", "pdf")
# The default order: the HTML last, so it can offer the EPUB and PDF just built (booktools.html).
DEFAULT_ORDER = ("epub", "pdf", "html")
BUILDER = {"html": "html", "epub": "epub", "pdf": "typst"}  # typst: booktools/typst/


def source_date_epoch() -> str:
    """The last commit's time, so two builds of one commit are byte-identical.

    Outside a git checkout (a release archive, GitHub's "Download ZIP", a copy), the time
    of the newest source file: an archive of a commit gives every file the commit's time,
    so its builds are byte-identical too, and the book is never dated 1 January 1970 (nor
    its bibliography's years checked against 1970).
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        out = ""
    if not out:
        sources = [ROOT / "conf.py", ROOT / "references.bib",
                   *(p for p in SOURCE.rglob("*") if "_figures" not in p.parts),
                   *(ROOT / "locales").rglob("*.po")]
        times = [p.stat().st_mtime for p in sources if p.is_file()]
        out = str(int(max(times))) if times else "0"
    return out


def run_sphinx(builder: str, outdir: Path, *, srcdir: Path = SOURCE, confdir: Path = ROOT,
               doctrees: Path = DOCTREES, quiet: bool = False, language: str = "en",
               ) -> int:
    """Run one Sphinx builder in this process; return its status (0 = success).

    An error Sphinx raises (a data file an extension rejects at start-up, a bad
    ``conf.py`` value, an extension's own error) becomes a :class:`BuildError` with
    Sphinx's message, which names the file and line: never a traceback.
    """
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    outdir.mkdir(parents=True, exist_ok=True)
    forget_translations()
    try:
        with patch_docutils(confdir), docutils_namespace():
            app = Sphinx(
                srcdir=srcdir, confdir=confdir, outdir=outdir, doctreedir=doctrees,
                buildername=builder, warningiserror=True,
                confoverrides={"nitpicky": True, "language": language},
                status=None if quiet else sys.stdout,
                warning=sys.stderr,
            )
            app.build()
            return app.statuscode
    except SphinxError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, BookError):  # raised by a booktools extension
            raise BuildError(str(cause)) from None
        orig = getattr(exc, "orig_exc", None)  # ExtensionError's cause
        if orig is not None and not isinstance(orig, (BookError, SphinxError)):
            raise  # a bug in an extension's code: main() reports it as one
        raise BuildError(f"{exc.category}: {exc}") from None


def forget_translations() -> None:
    """Start a build with no message catalogue loaded.

    Sphinx keeps one translator per catalogue for the whole process (sphinx.locale), and a
    later application adds its own language's catalogues to it as fallbacks: after a
    Hungarian build, an English one in the same process showed Hungarian titles and
    interface strings.  Sphinx's own test fixtures clear the cache between applications
    the same way (sphinx.testing); tests/test_upstream_contract.py fails if it moves.
    """
    import sphinx.locale

    sphinx.locale.translators.clear()


def publish_dir(built: Path, target: Path, keep: Sequence[str] = ()) -> None:
    """Replace *target* by a copy of *built*, swapping folders by rename.

    The subfolders named in *keep* (another language's site) move into the new copy.

    A file the build did not rewrite (same size and modification time as the published
    copy, which ``copy2`` gave it) is hard-linked from the published edition instead of
    copied: safe, since published files are never written in place, only replaced.

    When the build changed nothing, the published folder is not touched at all: a host's
    sync sees no change, and a reader of the site (a test, a preview) never meets the
    moment between the two renames.
    """
    if same_files(built, target, skip=keep):
        return  # nothing changed: the published edition is left as it is, not swapped
    fresh = target.with_name(f".{target.name}.new")
    old = target.with_name(f".{target.name}.old")
    for stale in (fresh, old):
        if stale.exists():
            shutil.rmtree(stale)

    def link_or_copy(src: str, dst: str) -> str:
        published = target / Path(dst).relative_to(fresh)
        try:
            a, b = os.stat(src), os.stat(published)
            if (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns):
                os.link(published, dst)
                return dst
        except OSError:
            pass
        return shutil.copy2(src, dst)

    shutil.copytree(built, fresh, ignore=shutil.ignore_patterns(*UNPUBLISHED),
                    copy_function=link_or_copy)
    for name in keep:
        if (target / name).is_dir() and not (fresh / name).exists():
            (target / name).rename(fresh / name)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    if old.exists():
        shutil.rmtree(old)


#: What a work folder holds that is not part of the edition: Sphinx's build records.
UNPUBLISHED = (".buildinfo", ".buildinfo.bak", ".doctrees")


def same_files(built: Path, target: Path, skip: Sequence[str] = ()) -> bool:
    """True when *target* holds exactly the files of *built*, byte for byte.

    A build with nothing to do still rewrites a few files (the index and search pages,
    templated CSS) with the same bytes: those are compared by content, the rest by size
    and modification time.  The subfolders in *skip* (another language's site) are not
    compared.
    """
    def files(root: Path, top: Sequence[str]) -> dict[str, Path]:
        found = {}
        for path in root.rglob("*"):
            rel = path.relative_to(root)
            if path.is_dir() or rel.parts[0] in top or path.name in UNPUBLISHED:
                continue
            found[rel.as_posix()] = path
        return found

    if not target.is_dir():
        return False
    new, published = files(built, ()), files(target, skip)
    if new.keys() != published.keys():
        return False
    for name, path in new.items():
        a, b = path.stat(), published[name].stat()
        if a.st_size != b.st_size:
            return False
        if a.st_mtime_ns != b.st_mtime_ns and path.read_bytes() != published[name].read_bytes():
            return False
    return True


def publish_file(built: Path, target: Path) -> None:
    """Replace *target* by a copy of *built* atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.new")
    shutil.copyfile(built, tmp)
    os.replace(tmp, target)


def pdf_name(language: str = "en") -> str:
    """The published PDF's name: the 6x9 in trim by default, BOOK_PAPER=a4 beside it."""
    paper = os.environ.get("BOOK_PAPER", "6x9")
    base = meta.identity(language).basename
    return f"{base}.pdf" if paper == "6x9" else f"{base}-{paper}.pdf"


def folders(language: str) -> tuple[Path, Path]:
    """The parse cache and the work folders' parent for *language*."""
    if language == "en":
        return DOCTREES, WORK
    return BUILD / f".doctrees-{language}", WORK / language


def check_bibliography(bib: Path = ROOT / "references.bib") -> None:
    """Stop before Sphinx when references.bib cannot be parsed.

    pybtex would raise deep inside sphinxcontrib-bibtex, and the contributor would see a
    traceback without the file's name; this names the file, the line and the fix.
    """
    from .bibcheck import read_bib

    _, problems = read_bib(bib)
    if problems:
        raise SourceError("references.bib cannot be read:\n" + "\n".join(
            problem.render(ROOT) for problem in problems))


def build(edition: str, quiet: bool = False, language: str = "en") -> Path:
    """Build one edition in its work folder and publish it; return the published path."""
    doctrees, work_root = folders(language)
    work = work_root / edition
    started = time.perf_counter()
    name = edition if language == "en" else f"{edition} ({language})"
    keep = f"the last good {name} edition in _build/{edition} is unchanged"
    try:
        status = run_sphinx(BUILDER[edition], work, doctrees=doctrees, quiet=quiet,
                            language=language)
    except BaseException:
        # Sphinx would cache the faulty chapters as read and stay silent about them
        # next time: forget the parse, so the next build reads them and reports again.
        shutil.rmtree(doctrees, ignore_errors=True)
        raise
    if status != 0:
        shutil.rmtree(doctrees, ignore_errors=True)
        raise BuildError(
            f"the {name} edition has errors (listed above with file and line); {keep}")
    base = meta.identity(language).basename
    if edition == "html":
        target = BUILD / "html" if language == "en" else BUILD / "html" / language
        others = [lang for lang in meta.LANGUAGES if lang != "en"]
        publish_dir(work, target, keep=others if language == "en" else ())
        published = target / "index.html"
    elif edition == "epub":
        published = BUILD / "epub" / f"{base}.epub"
        publish_file(work / f"{meta.BASENAME}.epub", published)
    else:
        # Typst compiled it in the builder; a Typst error is a build error above.
        pdf = work / f"{meta.BASENAME}.pdf"
        published = BUILD / "pdf" / pdf_name(language)
        publish_file(pdf, published)
    print(f"[build] {name}: {published.relative_to(ROOT)} "
          f"({time.perf_counter() - started:.1f} s)", flush=True)
    return published


def languages(value: str) -> list[str]:
    """``--language en,hu`` (or ``all``) as a list, checked against booktools.meta."""
    chosen = list(meta.LANGUAGES) if value == "all" else value.split(",")
    unknown = [lang for lang in chosen if lang not in meta.LANGUAGES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown language {unknown[0]!r}: choose from {', '.join(meta.LANGUAGES)} or all")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("editions", nargs="*", metavar="{html,epub,pdf}")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only warnings, errors and the result")
    parser.add_argument("-l", "--language", type=languages, default=["en"],
                        help="en, hu, a list (en,hu) or all; English by default")
    args = parser.parse_args(argv)
    unknown = [e for e in args.editions if e not in EDITIONS]
    if unknown:
        parser.error(f"unknown edition {unknown[0]!r}: choose from {', '.join(EDITIONS)}")
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch()
    try:
        check_bibliography()
        editions = args.editions or DEFAULT_ORDER
        # Each language's HTML after its EPUB and PDF: it offers them for download.
        for edition in sorted(editions, key=lambda e: e == "html"):
            for language in args.language:
                build(edition, quiet=args.quiet, language=language)
    except BookError as exc:
        print(f"\n[build] FAILED: {exc}", file=sys.stderr)
        if isinstance(exc, BuildError) and "last good edition" not in str(exc):
            print("[build] the last good editions in _build/ are unchanged", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a bug in booktools, not a fault in the sources
        message = report_internal_error(exc, WORK / "traceback.txt")
        print(f"\n[build] FAILED: {message}", file=sys.stderr)
        return 70  # EX_SOFTWARE
    return 0


if __name__ == "__main__":
    sys.exit(main())
