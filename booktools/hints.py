"""Clear verdicts on a contributor's mistakes: what is wrong, where, and how to fix it.

Two parts:

* **Hints.**  Sphinx, docutils and MyST already name the file and line of most
  faults, but some messages do not say what to do ("Malformed YAML",
  "duplicate label …", "document isn't included in any toctree").  A filter on
  Sphinx's warning stream appends a one-line hint to those messages; the message
  itself, and the fact that it fails the build, are Sphinx's own.
* **Two faults nobody reports.**  In Markdown an unclosed code fence or
  ``{directive}`` fence is legal: it silently swallows the rest of the chapter.
  An unclosed role (``{term}`ÁVH`` without its closing backtick) is left as plain
  text.  :func:`check_unclosed` parses each chapter with MyST's own parser and
  reports both, with the line where they open.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from sphinx.util import logging as sphinx_logging

from . import codes

if TYPE_CHECKING:
    from markdown_it.token import Token
    from sphinx.application import Sphinx

logger = sphinx_logging.getLogger(__name__)

class HintFilter(logging.Filter):
    """Append a hint to the warnings that need one; never drops a record.

    In the Hungarian edition's build, a problem a translator meets (a translated paragraph
    that lost a note or a term) also gets its fix in Hungarian ("javítás: ...").
    """

    def __init__(self, language: str = "en") -> None:
        super().__init__()
        self.language = language

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            code = ".".join(filter(None, (getattr(record, "type", ""),
                                          getattr(record, "subtype", ""))))
            tail = ""
            hint = codes.hint_for(code, record.getMessage())
            if hint:
                tail += f"\n    how to fix: {hint}"
            hint_hu = codes.hint_hu(code) if self.language == "hu" else None
            if hint_hu:
                tail += f"\n    javítás: {hint_hu}"
            if tail:
                record.msg = str(record.msg) + (tail.replace("%", "%%") if record.args else tail)
        return True


def _install_filter(app: Sphinx) -> None:
    """Put the filter on Sphinx's warning handler, after its location translator."""
    for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
        if not isinstance(handler, sphinx_logging.WarningStreamHandler):
            continue
        for old in [f for f in handler.filters if isinstance(f, HintFilter)]:
            handler.removeFilter(old)  # a filter of an earlier build, maybe another language
        handler.addFilter(HintFilter(app.config.language or "en"))


# -- Unclosed fences and roles -------------------------------------------------

FAILED_ROLE = re.compile(r"\{([A-Za-z][\w:.+-]*)\}`")
LEADING = re.compile(r"^[\s>]*")


def _fence_closed(token: Token, lines: list[str]) -> bool:
    """Whether the fence's last line is a closing fence (markdown-it does not say)."""
    start, end = token.map or (0, 0)
    if end - 1 <= start or end > len(lines):
        return False
    last = LEADING.sub("", lines[end - 1]).rstrip()
    return len(last) >= len(token.markup) and set(last) == {token.markup[0]}


def check_unclosed(app: Sphinx, docname: str, source: list[str]) -> None:
    """Report fences and roles that are opened and never closed."""
    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
    from myst_parser.parsers.mdit import create_md_parser

    if not app.env.doc2path(docname).name.endswith(".md"):
        return
    text = source[0]
    lines = text.splitlines()
    # myst_parser sets env.myst_config in its own handler (myst_parser/sphinx_ext/main.py).
    parser = create_md_parser(app.env.myst_config, SphinxRenderer)  # type: ignore[attr-defined]
    for token in parser.parse(text, {}):
        if token.type in ("fence", "colon_fence") and token.map:
            if not _fence_closed(token, lines):
                what = (f"directive {token.info.split()[0]}" if token.info.startswith("{")
                        else "code block")
                codes.warn(
                    logger, "book.unclosed-fence",
                    "%s opened here with '%s' is never closed, so it swallows the rest "
                    "of the file: add a line '%s' where it should end",
                    what, token.markup, token.markup, location=(docname, token.map[0] + 1),
                )
        elif token.type == "inline" and token.map:
            for child in token.children or []:
                if child.type != "text":
                    continue
                for found in FAILED_ROLE.finditer(child.content):
                    snippet = child.content[found.start():]
                    pos = token.content.find(snippet)
                    if pos < 0:
                        pos = max(token.content.find(found.group(0)), 0)
                    line = token.map[0] + 1 + token.content.count("\n", 0, pos)
                    codes.warn(
                        logger, "book.unclosed-role",
                        "role {%s} is never closed: end its text with a backtick, "
                        "as in {%s}`text`",
                        found.group(1), found.group(1), location=(docname, line),
                    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _install_filter)
    app.connect("source-read", check_unclosed)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
