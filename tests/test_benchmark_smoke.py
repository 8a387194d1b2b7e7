"""The benchmark runs, and its books are sound. No timing is asserted: timings are its output."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import BOOK, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import books  # benchmarks/ is not a package: found through the path above

LABEL_SET = re.compile(r"^\(([\w-]+)\)=$", re.MULTILINE)
ROLE = re.compile(r"\{(?:footcite|index|term|ref)\}`")


def test_synthetic_book_is_deterministic_and_scaled(tmp_path):
    one = books.synthesize(BOOK, tmp_path / "a", 3)
    two = books.synthesize(BOOK, tmp_path / "b", 3)
    files = sorted(p.name for p in one.glob("*.md"))
    assert files == sorted(p.name for p in two.glob("*.md"))
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)
    story = [p for p in BOOK.glob("*.md") if books.STORY.match(p.name)]
    assert len(files) == len(list(BOOK.glob("*.md"))) + 2 * len(story)
    real_words = sum(len(p.read_text("utf-8").split()) for p in story)
    synth_words = sum(len((one / f).read_text("utf-8").split()) for f in files)
    assert synth_words > 3 * real_words - 100


def test_synthetic_book_labels_are_unique_and_every_reference_resolves(tmp_path):
    book = books.synthesize(BOOK, tmp_path / "x2", 2)
    labels: list[str] = []
    refs: set[str] = set()
    for path in book.glob("*.md"):
        text = path.read_text("utf-8")
        labels += LABEL_SET.findall(text)
        refs |= {m[2] or m[3] for m in books.REF.finditer(text)}
    assert len(labels) == len(set(labels)), "a label is defined twice"
    assert refs <= set(labels), f"unresolved: {sorted(refs - set(labels))[:5]}"
    order = books.reading_order(book)
    assert sorted(order) == sorted(p.stem for p in book.glob("*.md")), "a file is not in the toc"


def test_pandoc_copy_has_no_myst_roles_and_keeps_citations(tmp_path):
    out = books.to_pandoc(BOOK, ROOT / "references.bib", tmp_path / "pd").read_text("utf-8")
    assert not ROLE.search(out)
    assert "```{" not in out
    cited = {m[1] for m in re.finditer(r"\{footcite\}`(?:\{[^}]*\})?([^`{},\s]+)",
                                       "".join(p.read_text("utf-8") for p in BOOK.glob("*.md")))}
    assert cited <= set(re.findall(r"@([^\s;,\]]+)", out))


@pytest.mark.slow
def test_benchmark_runs_on_a_tiny_book_with_both_peers(tmp_path):
    setup = subprocess.run(["bash", "benchmarks/setup.sh"], check=False, cwd=ROOT,
                           capture_output=True, text=True)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    out = tmp_path / "table.md"
    proc = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--books", "tiny", "--runs", "1",
         "--editions", "html,epub", "--out", str(out)],
        check=False, cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = {cells[1]: cells for line in out.read_text("utf-8").splitlines()
            if line.startswith("| tiny") for cells in [[c.strip() for c in line.strip("|").split("|")]]}
    expected = {f"{ed}, {kind}" for ed in ("html", "epub")
                for kind in ("clean", "no change", "one-chapter edit")}
    assert set(rows) == expected
    html, epub = rows["html, clean"], rows["epub, clean"]
    # Columns: book, build, runs, ours s, ours MB, pandoc s, ratio, MB, JB1 s, ratio, MB.
    assert float(html[8]) > 0 and float(epub[5]) > 0
    assert float(html[9].strip("*")) == pytest.approx(float(html[3]) / float(html[8]), rel=0.05)
    assert float(epub[6].strip("*")) == pytest.approx(float(epub[3]) / float(epub[5]), rel=0.05)
    assert all(float(r[4]) > 10 for r in rows.values()), "peak memory not measured"
