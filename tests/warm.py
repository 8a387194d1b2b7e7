"""Builds from a warm process: ``python -m booktools.build`` without paying for the imports.

A fixture book's build spends about half its time starting Python and importing Sphinx,
MyST, the theme, pybtex and matplotlib (0.7 of 1.3 s for a one-chapter fixture).  Each test
worker starts one server process (``python tests/warm.py``) that imports those third-party
packages once and then forks a child for each build it is asked for.  The child is what
``python -m booktools.build ARGS`` in the project's folder would be, from the same
interpreter: its own process, working folder, environment, arguments, standard output and
error, exit code and exit handlers; only the modules listed in PRELOAD are already imported.
The project's own ``booktools`` (and its conf.py) are imported fresh in each child, from the
project's folder, so a test that edits a copy of booktools sees its edit.

``WARM_BUILDS=0`` runs every build as a plain subprocess instead, to compare the two.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

#: Third-party modules a build of the book imports (html, epub and pdf), imported once by
#: the server.  One that is missing here is simply imported by the child: slower, not wrong.
PRELOAD = (
    "matplotlib", "matplotlib.pyplot", "numpy", "PIL.Image",
    "docutils.parsers.rst", "docutils.writers.html5_polyglot",
    "sphinx.application", "sphinx.cmd.build", "sphinx.builders.html",
    "sphinx.builders.epub3", "sphinx.search.en", "sphinx.search.hu",
    "sphinx.ext.intersphinx", "sphinx.util.requests",
    "myst_parser", "myst_parser.sphinx_ext.main", "myst_parser.parsers.sphinx_",
    "mdit_py_plugins.deflist", "mdit_py_plugins.dollarmath", "mdit_py_plugins.colon_fence",
    "sphinx_book_theme", "pydata_sphinx_theme",
    "sphinxcontrib.bibtex", "sphinxcontrib.bibtex.domain", "pybtex.database.input.bibtex",
    "pybtex.style.formatting.unsrt", "pybtex_docutils",
    "sphinx_sitemap", "notfound.extension", "sphinxext.opengraph", "sphinx_reredirects",
    "bs4", "lxml.etree", "yaml", "babel.dates", "pygments.lexers", "typst",
)


def serve() -> None:
    """The server: one JSON request per line on stdin, one exit code per line on stdout."""
    import importlib

    import matplotlib
    matplotlib.use("Agg")  # as booktools.figures chooses; no display
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)  # never returns
        _, status = os.waitpid(pid, 0)
        print(json.dumps(os.waitstatus_to_exitcode(status)), flush=True)


def _child(request: dict) -> None:
    import runpy

    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (the child's for life)
        sys.path[0] = request["cwd"]  # what `python -m` puts first
        sys.argv = ["booktools.build", *request["args"]]  # runpy sets [0]
        try:
            runpy.run_module("booktools.build", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as stop:  # as the interpreter maps sys.exit's argument
            if stop.code is None or isinstance(stop.code, int):
                code = stop.code or 0
            else:
                print(stop.code, file=sys.stderr)
                code = 1
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        atexit._run_exitfuncs()  # what the interpreter runs on the way out
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


class WarmBuilds:
    """This worker's server, started on first use."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._log = Path(tempfile.mkstemp(prefix="warm-builds-", suffix=".log")[1])
        atexit.register(self._log.unlink, missing_ok=True)

    def _server(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._log.open("w"), text=True, cwd=Path(__file__).parent)
        return self._proc

    def run(self, cwd: Path, args: list[str],
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``python -m booktools.build *args*`` in *cwd*, as subprocess.run would give it."""
        argv = [sys.executable, "-m", "booktools.build", *args]
        if os.environ.get("WARM_BUILDS") == "0":
            return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                                  check=False)
        with tempfile.TemporaryDirectory(prefix="warm-build-") as tmp:
            out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
            server = self._server()
            assert server.stdin and server.stdout
            server.stdin.write(json.dumps({
                "cwd": str(cwd), "args": args,
                "env": dict(os.environ if env is None else env),
                "stdout": str(out), "stderr": str(err)}) + "\n")
            server.stdin.flush()
            answer = server.stdout.readline()
            if not answer:
                raise RuntimeError("the warm build server stopped:\n"
                                   + self._log.read_text(errors="replace")[-3000:])
            return subprocess.CompletedProcess(
                argv, json.loads(answer),
                out.read_text(encoding="utf-8", errors="replace"),
                err.read_text(encoding="utf-8", errors="replace"))


if __name__ == "__main__":
    serve()
