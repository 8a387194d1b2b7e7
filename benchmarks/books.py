"""The books the benchmark builds: the real one, synthetic ones, and the peers' copies.

* ``synthesize``: a deterministic book *scale* times the real story. Parts One to Three
  and chapters 01-13 are repeated with every label suffixed ``-kNN``, so cross-references
  stay unique and resolve; the front and back matter appear once. Same input, same bytes.
* ``to_pandoc``: the same text as one pandoc Markdown file. pandoc 2.x has no MyST reader,
  so roles become plain text or pandoc citations and directives are dropped or converted.
* ``to_jupyter_book``: the same chapters with a ``_toc.yml`` and ``_config.yml`` for
  Jupyter Book 1, which builds MyST itself (with its stock citation style).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

STORY = re.compile(r"^(part-[123]-.*|(0[1-9]|1[0-3])-.*)\.md$")
LABEL = re.compile(r"^\(([\w-]+)\)=$", re.MULTILINE)
REF = re.compile(r"\{ref\}`(?:([^`<]*?)\s*<([\w-]+)>|([\w-]+))`")
TOCTREE = re.compile(r"```\{toctree\}\n(.*?)```\n", re.DOTALL)
FRONT = "00-about-this-book"
EDIT_CHAPTER = "05-twenty-third-october"


def _story_files(src: Path) -> list[Path]:
    return sorted(p for p in src.glob("*.md") if STORY.match(p.name))


def _suffix(text: str, labels: set[str], tag: str) -> str:
    """Suffix every label in *labels*, where it is set and where it is referenced."""
    text = LABEL.sub(lambda m: f"({m[1]}-{tag})=" if m[1] in labels else m[0], text)

    def ref(m: re.Match[str]) -> str:
        label = m[2] or m[3]
        if label not in labels:
            return m[0]
        return f"{{ref}}`{m[1]} <{label}-{tag}>`" if m[2] else f"{{ref}}`{label}-{tag}`"

    return REF.sub(ref, text)


FIGNAME = re.compile(r"^:name: ([\w-]+)$", re.MULTILINE)
NUMREF = re.compile(r"\{numref\}`([\w-]+)`")


def _suffix_figures(text: str, names: set[str], tag: str) -> str:
    """Suffix the figure names in *names* where they are set and where {numref} cites them."""
    text = FIGNAME.sub(lambda m: f":name: {m[1]}-{tag}" if m[1] in names else m[0], text)
    return NUMREF.sub(lambda m: f"{{numref}}`{m[1]}-{tag}`" if m[1] in names else m[0], text)


def _suffix_data(data: Path, labels: set[str], tag: str) -> None:
    """Point the data rows' ``section`` column at copy *tag* of the story's sections."""
    import csv
    import io

    for path in sorted(data.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows or "section" not in rows[0]:
            continue
        for row in rows:
            if row["section"] in labels:
                row["section"] = f"{row['section']}-{tag}"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


def _rename_toctree(text: str, tag: str) -> str:
    def entries(m: re.Match[str]) -> str:
        lines = [ln if ln.startswith(":") or not ln.strip() else f"{ln}-{tag}"
                 for ln in m[1].splitlines()]
        return "```{toctree}\n" + "\n".join(lines) + "\n```\n"

    return TOCTREE.sub(entries, text)


def synthesize(src: Path, dest: Path, scale: int) -> Path:
    """Write a book *scale* times the real story into *dest* (which must not exist)."""
    dest.mkdir(parents=True)
    story = _story_files(src)
    labels = {m for p in story for m in LABEL.findall(p.read_text("utf-8"))}
    names = {m for p in story for m in FIGNAME.findall(p.read_text("utf-8"))}
    parts: list[str] = []
    for k in range(1, scale + 1):
        tag = f"k{k:02d}"
        for path in story:
            text = _rename_toctree(_suffix(path.read_text("utf-8"), labels, tag), tag)
            text = _suffix_figures(text, names, tag)
            if path.name.startswith("part-"):
                text = re.sub(r"^# (.+)$", rf"# \1 ({k})", text, count=1, flags=re.MULTILINE)
                parts.append(f"{path.stem}-{tag}")
            (dest / f"{path.stem}-{tag}.md").write_text(text, "utf-8")
    for path in sorted(src.glob("*.md")):
        if path in story:
            continue
        text = _suffix(path.read_text("utf-8"), labels, "k01")  # back matter points at copy 1
        text = _suffix_figures(text, names, "k01")
        if path.name == "index.md":
            head = text.split("```{toctree}")[0]
            text = head + "".join(
                f"```{{toctree}}\n:maxdepth: 2\n:caption: {caption}\n\n" + "\n".join(docs) + "\n```\n\n"
                for caption, docs in [("Front matter", [FRONT]), ("The story", parts),
                                      ("Back matter", ["part-4-reference"])]
            )
        (dest / path.name).write_text(text, "utf-8")
    # The data the back matter and the figures are drawn from (booktools.backmatter, .figures).
    if (src / "data").is_dir():
        shutil.copytree(src / "data", dest / "data")
        _suffix_data(dest / "data", labels, "k01")  # its rows point at copy 1, as above
    return dest


def edit_target(book: Path) -> Path:
    """The chapter the one-chapter-edit scenario changes (the real one or copy 1)."""
    for name in (f"{EDIT_CHAPTER}.md", f"{EDIT_CHAPTER}-k01.md"):
        if (book / name).exists():
            return book / name
    return min(book.glob("0[1-9]-*.md"))  # a tiny book: its first chapter


def reading_order(book: Path) -> list[str]:
    """Documents in table-of-contents order, read from the toctrees from index down."""
    order: list[str] = []

    def walk(doc: str) -> None:
        order.append(doc)
        for block in TOCTREE.findall((book / f"{doc}.md").read_text("utf-8")):
            for line in block.splitlines():
                if line.strip() and not line.startswith(":"):
                    walk(line.strip())

    walk("index")
    return order


# -- pandoc -----------------------------------------------------------------------------

CITE = re.compile(r"\{footcite(?::\w+)?\}`([^`]*)`")
CITE_ITEM = re.compile(r"^\s*(?:\{[^}]*\})?([^{}\s]+)(?:\{([^}]*)\})?\s*$")
ROLE_TEXT = re.compile(r"\{(?:index|term)\}`([^`<]*?)(?:\s*<[^`]*>)?`")
GLOSSARY = re.compile(r"```\{glossary\}\n(.*?)```\n", re.DOTALL)
FIGURE = re.compile(r"```\{figure\}[^\n]*\n.*?```\n", re.DOTALL)
#: Any other directive left after the conversions: our data-driven back matter
#: (timeline table, people, places) is built by Sphinx extensions pandoc does not have.
DIRECTIVE = re.compile(r"^```\{[\w-]+\}[^\n]*\n.*?^```\n", re.DOTALL | re.MULTILINE)


def _cite_items(content: str) -> list[str]:
    """The comma-separated targets of a citation; commas inside {pre}/{post} text do not split."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(content):
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(content[start:i])
            start = i + 1
    return items + [content[start:]]


def _pandoc_cite(m: re.Match[str]) -> str:
    items = []
    for item in _cite_items(m[1]):
        cm = CITE_ITEM.match(item)
        if cm:
            items.append(f"@{cm[1]}" + (f", {cm[2]}" if cm[2] else ""))
    return f"[{'; '.join(items)}]"


def _pandoc_glossary(m: re.Match[str]) -> str:
    out: list[str] = []
    for line in m[1].splitlines():
        if line.startswith(":"):
            continue
        if line.startswith("  "):
            out.append(f":   {line.strip()}" if out and not out[-1].startswith(":") else
                       f"    {line.strip()}")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def myst_to_pandoc(text: str) -> str:
    """One MyST chapter as pandoc Markdown with the same words and citations."""
    text = GLOSSARY.sub(_pandoc_glossary, text)
    # Our figures are drawn by a Sphinx extension; pandoc's copy goes without them.
    text = FIGURE.sub("", text)
    text = TOCTREE.sub("", text)
    text = text.replace("```{footbibliography}\n```\n", "")
    text = text.replace("```{bibliography}\n", "::: {#refs}\n").replace("```{bibliography}", "")
    text = re.sub(r"^::: \{#refs\}\n(?::[^\n]*\n)*```", "::: {#refs}\n:::", text, flags=re.MULTILINE)
    text = LABEL.sub("", text)
    text = REF.sub(lambda m: m[1] or m[3], text)
    text = ROLE_TEXT.sub(r"\1", text)
    text = DIRECTIVE.sub("", text)
    return CITE.sub(_pandoc_cite, text)


def to_pandoc(book: Path, bib: Path, dest: Path) -> Path:
    """Write ``book.md`` (all documents in reading order) and the .bib into *dest*."""
    dest.mkdir(parents=True)
    body = "\n\n".join(myst_to_pandoc((book / f"{doc}.md").read_text("utf-8"))
                       for doc in reading_order(book))
    (dest / "book.md").write_text(body, "utf-8")
    (dest / "references.bib").write_bytes(bib.read_bytes())
    return dest / "book.md"


# -- Jupyter Book 1 ---------------------------------------------------------------------

JB_CONFIG = """\
title: "{title}"
author: "{author}"
only_build_toc_files: true
execute:
  execute_notebooks: "off"
bibtex_bibfiles:
  - references.bib
parse:
  myst_enable_extensions: [colon_fence, deflist]
latex:
  use_jupyterbook_latex: false
  latex_engine: xelatex
  latex_documents:
    targetname: book.tex
sphinx:
  config:
    bibtex_reference_style: author_year
    html_show_sourcelink: false
"""


def to_jupyter_book(book: Path, bib: Path, dest: Path, title: str, author: str) -> Path:
    """Copy the chapters for Jupyter Book 1: toctrees moved into ``_toc.yml``."""
    dest.mkdir(parents=True)
    toc = ["format: jb-book", "root: index", "parts:"]
    for block in TOCTREE.findall((book / "index.md").read_text("utf-8")):
        caption = re.search(r"^:caption: (.+)$", block, re.MULTILINE)
        toc += [f"  - caption: {caption[1] if caption else 'Book'}", "    chapters:"]
        for doc in (ln.strip() for ln in block.splitlines()):
            if not doc or doc.startswith(":"):
                continue
            toc.append(f"      - file: {doc}")
            subs = [ln.strip() for b in TOCTREE.findall((book / f"{doc}.md").read_text("utf-8"))
                    for ln in b.splitlines() if ln.strip() and not ln.startswith(":")]
            if subs:
                toc.append("        sections:")
                toc += [f"          - file: {s}" for s in subs]
    for path in book.glob("*.md"):
        text = TOCTREE.sub("", path.read_text("utf-8"))
        # Page numbers in citations are this book's extension, not sphinxcontrib-bibtex's.
        text = CITE.sub(lambda m: "{footcite}`" + ",".join(
            cm[1] for cm in map(CITE_ITEM.match, _cite_items(m[1])) if cm) + "`", text)
        (dest / path.name).write_text(text, "utf-8")
    (dest / "_toc.yml").write_text("\n".join(toc) + "\n", "utf-8")
    # The figures our extension draws at build time, drawn once for Jupyter Book's copy,
    # with PDF versions for its LaTeX (our PDF places the SVG itself).
    if (book / "data").is_dir():
        from booktools import figures

        figures.draw_all(dest / "_figures", book / "data", pdf=True)
    (dest / "_config.yml").write_text(JB_CONFIG.format(title=title, author=author), "utf-8")
    (dest / "references.bib").write_text(stock_style_bib(bib), "utf-8")
    return dest


def stock_style_bib(bib: Path) -> str:
    """The .bib with every field pybtex's stock ``plain`` style insists on filled in.

    Our notes style tolerates works without, say, a publisher; the stock styles that
    Jupyter Book uses raise ``FieldIsMissing`` instead, so the peer gets a placeholder.
    """
    from pybtex.database import Person, parse_file
    from pybtex.plugin import find_plugin
    from pybtex.style.template import FieldIsMissing

    data = parse_file(str(bib))
    style = find_plugin("pybtex.style.formatting", "plain")()
    for key, entry in data.entries.items():
        for _ in range(10):
            try:
                style.format_entry(key, entry)
                break
            except FieldIsMissing as exc:
                if exc.field_name in ("author", "editor"):
                    entry.persons[exc.field_name] = [Person("Anonymous")]
                else:
                    entry.fields[exc.field_name] = "n.p."
    return data.to_string("bibtex")
