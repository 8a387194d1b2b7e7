"""Two clean builds of one commit give byte-identical EPUB and PDF files.

The second build runs in a fresh copy of the project (its own doctrees, work folders and
path), with the SOURCE_DATE_EPOCH the first build took from the last commit.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, edition_fixture

from booktools import build, meta

pytestmark = pytest.mark.slow


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def second_build(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("again") / "project"
    project.mkdir()
    for name in ("conf.py", "references.bib"):
        shutil.copy(ROOT / name, project / name)
    for folder in ("booktools", "book", "locales"):
        shutil.copytree(ROOT / folder, project / folder,
                        ignore=shutil.ignore_patterns("node_modules", "__pycache__", "*.mo"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": build.source_date_epoch()}
    proc = subprocess.run([sys.executable, "-m", "booktools.build", "--language", "all",
                           "epub", "pdf"],
                          cwd=project, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return project / "_build"


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_epub_is_byte_identical(language, request, second_build):
    epub_path = request.getfixturevalue(edition_fixture("epub_path", language))
    again = second_build / "epub" / f"{meta.identity(language).basename}.epub"
    assert sha256(epub_path) == sha256(again)


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_pdf_is_byte_identical(language, request, second_build):
    pdf_path = request.getfixturevalue(edition_fixture("pdf_path", language))
    again = second_build / "pdf" / f"{meta.identity(language).basename}.pdf"
    assert sha256(pdf_path) == sha256(again)
