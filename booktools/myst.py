"""MyST Markdown read as tokens with their lines, for the checks that look at the chapters
before Sphinx does (``bibcheck``: the citation roles; ``linkcheck``: the images named).

One parser, configured as conf.py configures MyST for the book's syntax that matters here
(colon fences, definition lists), and one walk that follows directive bodies written in
Markdown (a figure's caption, a boxed document) but not literal ones (code, raw, math).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it.token import Token

#: Directives whose body is not Markdown (no role, image or citation can hide there).
LITERAL_DIRECTIVES = frozenset(
    {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "math",
     "bibliography", "footbibliography", "raw", "csv-table", "mermaid"}
)


@functools.cache
def _parser() -> Any:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(
        MdParserConfig(enable_extensions={"colon_fence", "deflist"}), RendererHTML
    )


def directive(token: Token) -> str:
    """The directive a fence opens (``figure`` for ```` ```{figure} ````), or ''."""
    info = token.info.strip()
    return info[1:info.index("}")] if info.startswith("{") and "}" in info else ""


def walk(text: str, first_line: int = 1) -> Iterator[tuple[Token, int]]:
    """Every fence and every inline token of *text* (a role, an image, a run of text), with
    the line of the file it is on; the bodies of Markdown directives are walked too."""
    for token in _parser().parse(text):
        if token.type in ("fence", "colon_fence") and token.map:
            yield token, first_line + token.map[0]
            name = directive(token)
            if name and name not in LITERAL_DIRECTIVES:
                yield from walk(token.content, first_line + token.map[0] + 1)
            continue
        if token.type != "inline" or not token.map or not token.children:
            continue
        line = first_line + token.map[0]
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                continue
            yield child, line
            line += child.content.count("\n") if child.type == "text" else 0
