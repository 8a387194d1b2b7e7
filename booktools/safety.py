"""Refuse content that could attack a reader of the site or the machine building it.

Chapters come by pull request from strangers, and the HTML edition is hosted, so a
chapter must not be able to inject script into a page nor pull a file from the build
machine into the book.  Two switches and one check do it:

* docutils' own switches, set in Sphinx's docutils settings before any chapter is
  read: ``raw_enabled = False`` turns the ``raw`` directive into an error, and
  ``file_insertion_enabled = False`` does the same for ``include``,
  ``literalinclude`` and every other directive that reads a file named in the
  chapter.  No chapter needs either: text belongs in the chapter, figures come
  through ``image``/``figure``, which these switches leave alone.
* MyST passes raw HTML (blocks and inline tags) through as ``raw`` nodes, and
  markdown-it keeps ``javascript:``/``data:`` targets it does not trust as plain
  text; :func:`check_doctree` rejects both, and any link or image whose target
  uses a scheme that can run code or smuggle content (``javascript:``,
  ``vbscript:``, ``data:``).

Every refusal is a warning, hence an error in our strict builds, with the file,
the line and what to write instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from . import codes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: docutils settings that close the two ways in (checked by tests/test_safety.py).
DOCUTILS_SETTINGS = {"raw_enabled": False, "file_insertion_enabled": False}

#: URL schemes a chapter may never link to or embed.
UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
#: A Markdown link, link definition or autolink that markdown-it refused for its
#: scheme and left in the text: ``[x](javascript:…)``, ``[x]: data:…``, ``<data:…>``.
REFUSED_LINK = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|<)\s*(javascript|vbscript|data)\s*:",
                          re.IGNORECASE)


def _disable_file_and_raw_insertion(app: Sphinx, env: BuildEnvironment,
                                    docnames: list[str]) -> None:
    """Set the docutils switches before any chapter is parsed."""
    env.settings.update(DOCUTILS_SETTINGS)


def _excerpt(text: str, width: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= width else one_line[: width - 1] + "…"


def _in_code(node: nodes.Node) -> bool:
    """Text inside code (``literal``, code blocks) is shown, never followed."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.literal, nodes.FixedTextElement)):
            return True
        parent = parent.parent
    return False


def _location(node: nodes.Node, extra_newlines: int = 0) -> str | nodes.Node:
    """File and exact line of *node*, even inside a paragraph of many lines.

    Inline nodes carry no line of their own: count the line breaks before them
    in the nearest block (one sentence per line makes paragraphs long).
    """
    block = node.parent if isinstance(node.parent, nodes.TextElement) else node
    while block is not None and (block.line is None or isinstance(block, nodes.Text)):
        block = block.parent
    if block is None or not block.source:
        return node
    breaks = extra_newlines
    for item in block.findall():
        if item is node:
            break
        if isinstance(item, nodes.Text):
            breaks += item.astext().count("\n")
    return f"{block.source}:{block.line + breaks}"


def _warn(message: str, location: str | nodes.Node, code: str, *args: Any) -> None:
    codes.warn(logger, code, message, *args, location=location)


def check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Reject raw HTML and unsafe URL schemes left in a chapter after parsing."""
    for raw in list(doctree.findall(nodes.raw)):
        if raw.astext().lstrip().startswith("</"):
            raw.parent.remove(raw)  # the closing tag of an element already reported
            continue
        _warn('raw HTML is not allowed in a chapter (found "%s"): write it in Markdown '
              "(a MyST role or directive such as {note} or {figure} does most things), "
              "or propose an extension in an issue", _location(raw), "book.unsafe-html",
              _excerpt(raw.astext()))
        raw.parent.remove(raw)
    for node in list(doctree.findall(nodes.reference)):
        uri = node.get("refuri", "")
        if UNSAFE_SCHEME.match(uri):
            scheme = UNSAFE_SCHEME.match(uri).group(1).lower()  # type: ignore[union-attr]
            _warn('link target "%s" uses the unsafe "%s:" scheme: link to an https:// '
                  "address or a page of the book instead", _location(node), "book.unsafe-url",
                  _excerpt(uri), scheme)
            node["refuri"] = "#"
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if UNSAFE_SCHEME.match(uri):
            scheme = UNSAFE_SCHEME.match(uri).group(1).lower()  # type: ignore[union-attr]
            _warn('image "%s" uses the unsafe "%s:" scheme: save the image as a file '
                  "under book/ and give its path", _location(image), "book.unsafe-url",
                  _excerpt(uri), scheme)
            image["uri"] = ""
    for text in list(doctree.findall(nodes.Text)):
        if _in_code(text):
            continue
        for found in REFUSED_LINK.finditer(text.astext()):
            where = _location(text, text.astext().count("\n", 0, found.start()))
            _warn('link to "%s" uses the unsafe "%s:" scheme (it was left as plain text): '
                  "link to an https:// address or a page of the book instead", where,
                  "book.unsafe-url", _excerpt(text.astext()[found.start(1):].split()[0]),
                  found.group(1).lower())


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-before-read-docs", _disable_file_and_raw_insertion)
    app.connect("doctree-read", check_doctree)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
