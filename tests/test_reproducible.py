"""Two clean builds of one commit give byte-identical EPUB and PDF files.

The second build runs in a fresh copy of the project (its own doctrees, work folders and
path), with the SOURCE_DATE_EPOCH the first build took from the last commit.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_real_project, edition_fixture

from booktools import build, meta

pytestmark = pytest.mark.slow


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def second_build(tmp_path_factory) -> dict[str, Path]:
    """Each language built again in a fresh copy of its own, the copies side by side (two
    processes at once: the machine's two cores), so the check costs one build's time."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": build.source_date_epoch()}
    running = {}
    for language in meta.LANGUAGES:
        project = copy_real_project(tmp_path_factory.mktemp(f"again-{language}"))
        running[language] = (project, subprocess.Popen(
            [sys.executable, "-m", "booktools.build", "--language", language, "epub", "pdf"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    builds = {}
    for language, (project, proc) in running.items():
        out, _ = proc.communicate()
        assert proc.returncode == 0, out[-5000:]
        builds[language] = project / "_build"
    return builds


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_epub_is_byte_identical(language, request, second_build):
    epub_path = request.getfixturevalue(edition_fixture("epub_path", language))
    again = second_build[language] / "epub" / f"{meta.identity(language).basename}.epub"
    assert sha256(epub_path) == sha256(again)


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_pdf_is_byte_identical(language, request, second_build):
    pdf_path = request.getfixturevalue(edition_fixture("pdf_path", language))
    again = second_build[language] / "pdf" / f"{meta.identity(language).basename}.pdf"
    assert sha256(pdf_path) == sha256(again)
