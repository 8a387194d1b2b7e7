"""``make serve``: a warm preview of the HTML edition at http://127.0.0.1:8000/.

One Sphinx application stays loaded for the whole session.  On save it rebuilds only the
documents that changed (Sphinx's own incremental build, with ``booktools.incremental``
rewriting every page when a title or label changed), publishes the pages into the served
folder and tells the open browser tabs to reload.  sphinx-autobuild instead runs a new
Sphinx for every change, importing and setting up every extension again.

* Strict, as ``make html``: a warning is printed with its file and line and the build counts
  as failed; the pages of the last good build stay served, and the browser is not reloaded.
  The documents a failed build read are read again by the next one (``env-get-outdated``), so
  their warnings show until they are fixed.
* A change to ``conf.py`` or ``references.bib`` starts a fresh application (both are read
  when it starts); a change to the code in ``booktools/`` needs a restart of ``make serve``.
* The server, the reload script and the file watcher are sphinx-autobuild's own pieces
  (starlette, uvicorn, watchfiles); only the rebuild runs here, in this process.

Run ``python -m booktools.serve [--port 8000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import build
from .errors import BookError

#: Files read when the application starts: a change needs a fresh one.
RESTART_FILES = ("conf.py", "references.bib")


class Preview:
    """The warm Sphinx application and what it rebuilds."""

    def __init__(self, root: Path = build.ROOT, quiet: bool = False) -> None:
        self.root, self.source = root, root / "book"
        serve = root / "_build" / ".serve"
        self.work = serve / "work"  # Sphinx's output folder
        self.site = serve / "html"  # what the server serves: the last good build
        self.doctrees = serve / "doctrees"
        self.quiet = quiet
        self.app: Any = None
        self.stack = contextlib.ExitStack()
        self.failed_docs: set[str] = set()
        self.read_docs: set[str] = set()

    # -- the application -----------------------------------------------------------------

    def start(self) -> None:
        from sphinx.application import Sphinx
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        gc.unfreeze()  # the last application's heap, frozen after its first build
        self.stack.close()
        self.stack = contextlib.ExitStack()
        self.stack.enter_context(patch_docutils(self.root))
        self.stack.enter_context(docutils_namespace())
        self.work.mkdir(parents=True, exist_ok=True)
        self.app = Sphinx(
            srcdir=self.source, confdir=self.root, outdir=self.work, doctreedir=self.doctrees,
            buildername="html", warningiserror=True, keep_going=True,
            confoverrides={"nitpicky": True}, status=None if self.quiet else sys.stdout,
            warning=sys.stderr,
        )
        self.app.connect("env-before-read-docs", self._note_read)
        self.app.connect("env-get-outdated", self._read_failed_again)

    def _note_read(self, app: Any, env: Any, docnames: list[str]) -> None:
        self.read_docs = set(docnames)

    def _read_failed_again(self, app: Any, env: Any, added: set[str], changed: set[str],
                           removed: set[str]) -> list[str]:
        """The documents the last (failed) build read: read again, to warn again."""
        return sorted(self.failed_docs & set(env.found_docs))

    def shown(self, path: Path) -> str:
        path = Path(path)
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    # -- one rebuild ---------------------------------------------------------------------

    def rebuild(self, changed: Sequence[Path] = ()) -> bool:
        """Rebuild after *changed*; publish and return True when the build is good."""
        from . import figures

        started = time.perf_counter()
        names = sorted({self.shown(p) for p in changed})
        fresh = False
        try:
            if self.app is None or any(Path(p).name in RESTART_FILES for p in changed):
                build.check_bibliography(self.root / "references.bib")
                self.start()
                fresh = True
            else:
                figures.refresh(self.app)  # drawn at start-up; redrawn if the data changed
            # A fresh count for this build (Sphinx counts warnings for the application's life).
            # TODO: Sphinx has no public reset; _warncount is read only by Sphinx.build.
            self.app._warncount = 0
            self.app.statuscode = 0
            self.read_docs = set()
            self.app.build()
            ok = self.app.statuscode == 0
            if fresh:
                # What the first build leaves (modules, extensions, the environment) lives
                # as long as the application: out of the cycle collector's sight from now
                # on, so a rebuild's collections do not scan it again (a one-chapter
                # rebuild 0.67 s -> 0.58 s).  A document read again later leaves its first
                # version behind, at most one environment's worth, freed on restart.
                gc.collect()
                gc.freeze()
        except BookError as exc:
            print(f"[serve] FAILED: {exc}", file=sys.stderr, flush=True)
            return False
        except Exception as exc:  # noqa: BLE001  (a contributor's fault, not a crash)
            from sphinx.errors import SphinxError

            kind = exc.category if isinstance(exc, SphinxError) else type(exc).__name__
            print(f"[serve] FAILED: {kind}: {exc}", file=sys.stderr, flush=True)
            self.app = None  # its state is unknown: start afresh next time
            return False
        took = time.perf_counter() - started
        what = ", ".join(names) or "first build"
        if not ok:
            self.failed_docs |= self.read_docs
            print(f"[serve] FAILED after {what} ({took:.2f} s): the warnings above name file "
                  "and line; the last good pages stay served", file=sys.stderr, flush=True)
            return False
        self.failed_docs = set()
        build.publish_dir(self.work, self.site)
        print(f"[serve] {what}: pages written in {time.perf_counter() - started:.2f} s",
              flush=True)
        return True




def make_app(preview: Preview, url_host: str) -> Any:
    """sphinx-autobuild's server, with the rebuild in this process rather than a new one."""
    import watchfiles
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    class WarmRebuildServer(RebuildServer):
        """sphinx-autobuild's watcher runs its callback in a new process (a cold Sphinx);
        this one runs it in a thread of this process, and reloads only after a good build."""

        async def watch(self) -> None:
            async for changes in watchfiles.awatch(
                *self.paths, watch_filter=lambda _, path: not self.ignore(path),
            ):
                paths = [Path(path).resolve() for (_, path) in changes]
                if await asyncio.to_thread(preview.rebuild, paths):
                    self.flag.set()

    ignore = IgnoreFilter([preview.source / "_figures"], [r"/\.[^/]*$", r"~$", r"\.sw[px]$"])
    paths = [preview.source, *(preview.root / name for name in RESTART_FILES)]
    watcher = WarmRebuildServer(paths, ignore, change_callback=preview.rebuild)
    return Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=preview.site, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
        lifespan=watcher.lifespan,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only warnings, errors and one line per rebuild")
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = build.source_date_epoch()
    preview = Preview(quiet=args.quiet)
    preview.site.mkdir(parents=True, exist_ok=True)
    preview.rebuild()
    import logging

    import uvicorn

    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # one line per change is ours

    url_host = f"{args.host}:{args.port}"
    print(f"[serve] http://{url_host}/ (Ctrl+C to stop); waiting for changes", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(make_app(preview, url_host), host=args.host, port=args.port,
                    log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
