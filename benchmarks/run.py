"""Benchmark the book's build against its peers: ``make bench`` (or ``python benchmarks/run.py``).

Every command is timed as a whole process (wall seconds, median of ``--runs``) with the peak
resident memory of its largest process (``wait4``'s ``ru_maxrss``). Ours and the peers run
in the same rounds, one after the other, so a busy machine slows both alike. Each book is
built in a copy of the project under ``benchmarks/.work/`` so the working tree's ``_build``
is never touched. The table (with ratios ours / peer) is printed and written to ``--out``.

Books: ``real`` (this book), ``xN`` (synthetic, N times the story, see ``books.py``), and
``tiny`` (the story's first part only, for the smoke test).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import books

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
JB_BIN = HERE / ".venv-jb" / "bin" / "jupyter-book"
VENV_PY = ROOT / ".venv" / "bin" / "python"
EDITIONS = ("html", "epub", "pdf")
SETUP_HINT = "run 'bash benchmarks/setup.sh' (or 'make bench', which runs it)"


class BenchError(Exception):
    """A command of the benchmark failed; the message says which and where its log is."""


@dataclass
class Result:
    times: list[float] = field(default_factory=list)
    peaks_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class Case:
    """One timed command. *prepare* runs untimed before it (clean, edit)."""
    row: str
    who: str  # "ours", "pandoc" or "jb"
    cmd: list[str]
    cwd: Path
    prepare: Callable[[int], None] = lambda _run: None
    #: The command prints ``[bench-seconds] S`` (a preview's save-to-page time): report that.
    reported: bool = False


def timed(cmd: list[str], cwd: Path, log: Path) -> tuple[float, float]:
    """Run *cmd*; return (wall seconds, peak RSS in MB of its largest process)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise BenchError(f"{' '.join(cmd)} (in {cwd}) failed with status {proc.returncode};"
                         f" log {log}:\n{tail}")
    return elapsed, usage.ru_maxrss / 1024


def copy_project(dest: Path, book: Path | None) -> Path:
    """A copy of the tracked project files in *dest*; the book replaced by *book* if given."""
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if name.startswith("benchmarks/") or (book and name.startswith("book/")):
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)  # keeps mtimes: setup's stamps stay fresh
    if book:
        shutil.copytree(book, dest / "book")
    (dest / ".venv").symlink_to(ROOT / ".venv")
    node = ROOT / "booktools" / "node" / "node_modules"
    if node.exists():
        (dest / "booktools" / "node" / "node_modules").symlink_to(node)
    return dest


def make_books(name: str) -> dict[str, Path]:
    """Lay out *name*'s project copy and its pandoc and Jupyter Book copies; return folders."""
    base = WORK / name
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(parents=True)
    src = ROOT / "book"
    if name == "real":
        book = None
    elif name == "tiny":  # chapter 01 and the glossary it needs
        book = base / "src"
        book.mkdir()
        for doc in ("01-war-and-takeover", "92-glossary"):
            text = (src / f"{doc}.md").read_text("utf-8")
            # References to chapters left out become plain text.
            text = books.REF.sub(lambda m: m[1] or m[3], text)
            (book / f"{doc}.md").write_text(text, "utf-8")
        # The glossary page is drawn from the data files (booktools.backmatter).
        shutil.copytree(src / "data", book / "data")
        head = (src / "index.md").read_text("utf-8").split("```{toctree}")[0]
        (book / "index.md").write_text(
            head + "```{toctree}\n:maxdepth: 1\n\n01-war-and-takeover\n92-glossary\n```\n", "utf-8")
    else:
        scale = int(name.removeprefix("x"))
        book = books.synthesize(src, base / "src", scale)
    project = copy_project(base / "ours", book)
    if book is not None:
        point_pdf_matter_at(project)
    bib = ROOT / "references.bib"
    books.to_pandoc(project / "book", bib, base / "pandoc")
    from booktools import meta
    books.to_jupyter_book(project / "book", bib, base / "jb", meta.TITLE, meta.AUTHOR)
    return {"ours": project, "pandoc": base / "pandoc", "jb": base / "jb"}


def point_pdf_matter_at(project: Path) -> None:
    """Name the front, main and back matter of a made-up book in its conf.py (the PDF's).

    conf.py names the real book's pages; a synthetic book's parts carry a suffix (-k01),
    and the tiny book has neither parts nor front matter.
    """
    docs = sorted(p.stem for p in (project / "book").glob("*.md"))
    front = [d for d in docs if d == "00-about-this-book"]
    main = next((d for d in docs if d.startswith("part-1-")), "")
    back = next((d for d in docs if d.startswith("part-4-")), "")
    with (project / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\n# The benchmark's book (benchmarks/run.py)\nbook_frontmatter = {front!r}\n"
                   f"book_mainmatter_start = {main!r}\nbook_backmatter_start = {back!r}\n")


def cases_for(name: str, dirs: dict[str, Path], editions: list[str], peers: bool,
              suite: bool, make_test: bool = True) -> list[Case]:
    """The commands for one book, grouped so ours and the peer for a row run side by side."""
    ours, pandoc, jb = dirs["ours"], dirs["pandoc"], dirs["jb"]
    build = [str(VENV_PY), "-m", "booktools.build"]
    chapter = books.edit_target(ours / "book")
    original = chapter.read_text("utf-8")

    def clean(_run: int) -> None:  # as `make clean`: the figures drawn into book/ too
        shutil.rmtree(ours / "_build", ignore_errors=True)
        shutil.rmtree(ours / "book" / "_figures", ignore_errors=True)

    edits = itertools.count(1)

    def edit(run: int) -> None:
        # A new sentence each time: an edit case must never see the text of an earlier one.
        chapter.write_text(original + f"\nThe benchmark added sentence {next(edits)}.\n", "utf-8")

    def clean_dir(path: Path) -> Callable[[int], None]:
        return lambda _run: shutil.rmtree(path, ignore_errors=True)

    def settled(cmd: list[str], cwd: Path) -> Callable[[int], None]:
        """A no-change case runs its command once untimed first: what an earlier case
        changed (another edition's edit) is built then, not in the timed run."""
        return lambda _run: subprocess.run(cmd, cwd=cwd, check=False, capture_output=True)

    pd = ["pandoc", "book.md", "--citeproc", "--bibliography", "references.bib", "--toc",
          "--metadata", f"title={name}"]
    pd_epub = pd + ["-o", "book.epub"]
    pd_pdf = pd + ["--pdf-engine=xelatex", "--top-level-division=chapter",
                   "-V", "documentclass=book", "-V", "papersize=a5", "-V", "fontsize=10pt",
                   "-V", "mainfont=Linux Libertine O",
                   # pandoc's template loads lmodern unless a font package is named; the
                   # book's fonts come through fontspec, which xelatex loads anyway.
                   "-V", "fontfamily=fontspec", "-o", "book.pdf"]
    jbb = [str(JB_BIN), "build", "--quiet", str(jb), "--builder"]
    jb_clean = clean_dir(jb / "_build")
    jb_chapter = jb / chapter.name
    jb_original = jb_chapter.read_text("utf-8")

    def jb_edit(run: int) -> None:
        jb_chapter.write_text(jb_original + f"\nThe benchmark added this sentence, run {run}.\n",
                              "utf-8")

    out: list[Case] = []
    if set(editions) == set(EDITIONS):
        # One language against the peers' one; `make` builds the Hungarian edition as well.
        three = "all three editions in English, clean (one process, as `make` runs them)"
        out.append(Case(three, "ours", build + ["epub", "pdf", "html"], ours, clean))
        if peers:
            out.append(Case(three, "pandoc",
                            ["sh", "-c", " && ".join(shlex.join(c) for c in (pd_epub, pd_pdf))],
                            pandoc))
            out.append(Case(three, "jb",
                            ["sh", "-c", f"{' '.join(jbb)} html && {' '.join(jbb)} pdflatex"],
                            jb, jb_clean))
        out.append(Case("all six files, English and Hungarian, clean (`make`)", "ours",
                        ["make"], ours, clean))
    for ed in editions:
        out.append(Case(f"{ed}, clean", "ours", build + [ed], ours, clean))
        if peers and ed == "epub":
            out.append(Case(f"{ed}, clean", "pandoc", pd_epub, pandoc))
        if peers and ed == "pdf":
            out.append(Case(f"{ed}, clean", "pandoc", pd_pdf, pandoc))
        if peers and ed in ("html", "pdf"):
            jb_builder = "html" if ed == "html" else "pdflatex"
            out.append(Case(f"{ed}, clean", "jb", jbb + [jb_builder], jb, jb_clean))
        out.append(Case(f"{ed}, no change", "ours", build + [ed], ours,
                        settled(build + [ed], ours)))
        if peers and ed == "html":
            out.append(Case(f"{ed}, no change", "jb", jbb + ["html"], jb,
                            settled(jbb + ["html"], jb)))
        out.append(Case(f"{ed}, one-chapter edit", "ours", build + [ed], ours, edit))
        if peers and ed == "html":
            out.append(Case(f"{ed}, one-chapter edit", "jb", jbb + ["html"], jb, jb_edit))
    if suite and "html" in editions:  # the real book: a contributor's loop
        out.append(Case("`make html`, no change", "ours", ["make", "html"], ours,
                        settled(["make", "html"], ours)))
        out.append(Case("`make html`, one-chapter edit", "ours", ["make", "html"], ours, edit))
        preview = [str(VENV_PY), str(HERE / "preview.py")]
        out.append(Case("warm preview (`make serve`), edit to page written", "ours",
                        [*preview, "ours", str(chapter)], ours, reported=True))
        out.append(Case("sphinx-autobuild (the old `make serve`), edit to page written",
                        "ours", [*preview, "autobuild", str(chapter)], ours, reported=True))
    if suite:
        out.append(Case("`make check`, no change", "ours", ["make", "check"], ours,
                        settled(["make", "check"], ours)))
        out.append(Case("`make check`, one-chapter edit", "ours", ["make", "check"], ours, edit))
        if make_test:
            out.append(Case("`make test`", "ours", ["make", "test"], ours))
    return out


def words(book: Path) -> int:
    return sum(len(p.read_text("utf-8").split()) for p in book.glob("*.md"))


def versions() -> str:
    def first_line(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, check=False, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "missing"

    sphinx = first_line([str(VENV_PY), "-c", "import sphinx; print(sphinx.__version__)"])
    jb = first_line([str(HERE / ".venv-jb" / "bin" / "python"), "-c",
                     "import jupyter_book as j, sphinx as s; print(j.__version__, s.__version__)"])
    return (f"{platform.node() and 'host'}: {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}, Sphinx {sphinx}, {first_line(['pandoc', '--version'])}, "
            f"Jupyter Book / its Sphinx {jb}, {first_line(['xelatex', '--version'])} (peers), "
            f"our PDF: typst {first_line([str(VENV_PY), '-c', 'import typst; print(typst.__version__)'])}")


def table(results: dict[tuple[str, str, str], Result], meta_lines: list[str]) -> str:
    """A Markdown table: one line per book and row, ours beside each peer with ratios."""
    lines = meta_lines + [
        "",
        ("| book | build | runs | ours s | ours MB | pandoc s | ours/pandoc | pandoc MB "
         "| JB1 s | ours/JB1 | JB1 MB |"),
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = list(dict.fromkeys((b, r) for b, r, _ in results))
    for book, row in rows:
        ours = results.get((book, row, "ours"))
        if ours is None:
            continue
        cells = [book, row, str(len(ours.times)), f"{ours.median:.2f}",
                 f"{max(ours.peaks_mb):.0f}"]
        for peer in ("pandoc", "jb"):
            res = results.get((book, row, peer))
            if res is None:
                cells += ["", "", ""]
            else:
                cells += [f"{res.median:.2f}", f"**{ours.median / res.median:.2f}**",
                          f"{max(res.peaks_mb):.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def check_tools(peers: bool) -> None:
    missing = [] if shutil.which("make") else ["make"]
    if not VENV_PY.exists():
        missing.append(".venv (run 'make setup')")
    if peers:
        if not shutil.which("pandoc"):
            missing.append("pandoc")
        if not JB_BIN.exists():
            missing.append(f"Jupyter Book ({JB_BIN.relative_to(ROOT)})")
    if missing:
        raise BenchError(f"missing: {', '.join(missing)}; {SETUP_HINT}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", default="real,x10,x50",
                        help="comma-separated: real, tiny, xN (default: real,x10,x50)")
    parser.add_argument("--runs", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--editions", default="html,epub,pdf",
                        help="editions to time; BOOK:ED+ED limits one book, e.g. x50:html")
    parser.add_argument("--no-peers", action="store_true", help="time ours only")
    parser.add_argument("--no-suite", action="store_true",
                        help="skip `make check` and `make test` (timed on the real book only)")
    parser.add_argument("--no-make-test", action="store_true",
                        help="time `make check` but not `make test` (9 minutes and more)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    peers = not args.no_peers
    per_book: dict[str, list[str]] = {}
    default = [e for e in args.editions.split(",") if ":" not in e]
    for spec in args.editions.split(","):
        if ":" in spec:
            book, eds = spec.split(":", 1)
            per_book[book] = eds.split("+")
    try:
        check_tools(peers)
        unknown = [e for eds in [default, *per_book.values()] for e in eds if e not in EDITIONS]
        if unknown:
            raise BenchError(f"unknown edition {unknown[0]!r}: choose from {', '.join(EDITIONS)}")
        names = args.books.split(",")
        bad = [n for n in names if n not in ("real", "tiny") and not re.fullmatch(r"x\d+", n)]
        if bad:
            raise BenchError(f"unknown book {bad[0]!r}: use real, tiny or xN (e.g. x10)")
        results: dict[tuple[str, str, str], Result] = {}
        meta_lines = [(f"Benchmark of {time.strftime('%Y-%m-%d %H:%M')}; median wall seconds"
                       " of the runs shown, peak RSS of the largest process in MB."),
                      "", versions(), ""]
        for name in names:
            print(f"[bench] preparing {name}", flush=True)
            dirs = make_books(name)
            n_words = words(dirs["ours"] / "book")
            meta_lines.append(f"- `{name}`: {len(list((dirs['ours'] / 'book').glob('*.md')))} "
                              f"documents, {n_words:,} words")
            cases = cases_for(name, dirs, per_book.get(name, default), peers,
                              suite=name == "real" and not args.no_suite,
                              make_test=not args.no_make_test)
            for run in range(1, args.runs + 1):
                for case in cases:
                    case.prepare(run)
                    slug = re.sub(r"\W+", "-", case.row).strip("-")
                    log = WORK / "logs" / name / f"{case.who}-{slug}.log"
                    seconds, peak = timed(case.cmd, case.cwd, log)
                    if case.reported:
                        found = re.findall(r"^\[bench-seconds\] ([\d.]+)$",
                                           log.read_text(errors="replace"), re.M)
                        if not found:
                            raise BenchError(f"{' '.join(case.cmd)} reported no time; log {log}")
                        seconds = float(found[-1])
                    res = results.setdefault((name, case.row, case.who), Result())
                    res.times.append(seconds)
                    res.peaks_mb.append(peak)
                    print(f"[bench] {name} run {run}: {case.row} [{case.who}] {seconds:.2f} s, "
                          f"{peak:.0f} MB", flush=True)
                    # Written after every command, so a long run interrupted keeps its figures.
                    args.out.parent.mkdir(parents=True, exist_ok=True)
                    args.out.write_text(table(results, meta_lines), "utf-8")
        text = table(results, meta_lines)
    except BenchError as exc:
        print(f"[bench] FAILED: {exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, "utf-8")
    print("\n" + text + f"\n[bench] table written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
