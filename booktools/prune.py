"""A published edition holds exactly what the current sources produce.

Sphinx writes into its output folder and never deletes: the page of a chapter that was
removed or renamed, the ``_sources`` copy of its Markdown and an image no chapter shows any
more stay in ``_build/.work/<edition>`` and would be published with the next good build
(and packed into the EPUB, whose builder zips the whole folder).  A failed build deletes the
cached parse, so Sphinx's own ``removed`` set (``env-get-outdated``) cannot be relied on.

So on ``env-updated`` (every document read, nothing written yet) this extension removes from
the output folder of the HTML and EPUB builders every page, source copy and image that
belongs to no current document.  Pages that are not documents (the index, search page, 404
page, redirect pages) are written again later in the same build, so they are removed too and
come back only if the build still makes them.  A renamed chapter's old address is kept by an
explicit redirect (``booktools.redirects``), never by a leftover page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Folders of the output that hold no pages (theme files, downloads, generated figures).
NOT_PAGES = frozenset({"_static", "_images", "_sources", "_downloads", "_figures"})


def stale_files(outdir: Path, suffix: str, docs: set[str], images: set[str]) -> list[Path]:
    """Files of *outdir* that no current document produces."""
    stale = []
    for path in outdir.rglob(f"*{suffix}"):
        rel = path.relative_to(outdir)
        if rel.parts[0] in NOT_PAGES:
            continue
        if rel.with_suffix("").as_posix() not in docs:
            stale.append(path)
    sources = outdir / "_sources"
    if sources.is_dir():
        for path in sources.rglob("*.txt"):
            doc = path.relative_to(sources).as_posix()
            doc = doc[: -len(".txt")].rsplit(".", 1)[0]  # 05-x.md.txt -> 05-x
            if doc not in docs:
                stale.append(path)
    image_dir = outdir / "_images"
    if image_dir.is_dir():
        stale += [p for p in image_dir.iterdir() if p.is_file() and p.name not in images]
    return stale


def remove_stale_outputs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return []
    images = {unique for _docs, unique in env.images.values()}
    for path in stale_files(Path(app.outdir), builder.out_suffix, set(env.found_docs), images):
        logger.verbose("removing %s: no current source produces it", path.relative_to(app.outdir))
        path.unlink()
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-updated", remove_stale_outputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
