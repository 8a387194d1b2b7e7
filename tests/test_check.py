"""``make check``, the contributor's verdict, run as a contributor first runs it: in a copy
of the book with nothing built and no git history (a downloaded archive)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import copy_real_project

from booktools import linkcheck

pytestmark = pytest.mark.slow

#: The time every file of the copy is given, as an archive of one commit gives its files.
STAMP = 1_780_000_000  # 28 May 2026


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    project = copy_real_project(tmp_path_factory.mktemp("archive"))
    for path in project.rglob("*"):
        os.utime(path, (STAMP, STAMP))
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return project, env


def test_a_downloaded_archive_is_dated_by_its_newest_source(archive):
    """Without git the build date is the sources' time, not 1970 (which dated the book
    1 January 1970 and made every work in references.bib 'implausibly' recent)."""
    project, env = archive
    out = subprocess.run(
        [sys.executable, "-c", "from booktools import build; print(build.source_date_epoch())"],
        cwd=project, env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(STAMP)


def test_first_check_passes_with_the_translation_not_built(archive):
    """The English site's language switch links into hu/, which `make check` does not
    build: those links are named as not followed, not reported as broken."""
    project, env = archive
    proc = subprocess.run([sys.executable, "-m", "booktools.check"], cwd=project, env=env,
                          capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert "[check] all passed" in proc.stdout
    assert "links to hu/ are not followed: that site is not built" in proc.stdout
    assert not (project / "_build" / "html" / "hu").exists()


def test_the_unbuilt_sites_are_the_other_languages_without_pages(tmp_path):
    """From the English site, an unbuilt hu/; from the Hungarian one, an unbuilt English
    site around it, whose links are skipped but not those into hu/ itself."""
    english = tmp_path / "html"
    (english / "hu").mkdir(parents=True)
    assert linkcheck.unbuilt_sites(english) == {"hu": "hu"}
    assert linkcheck.unbuilt_sites(english / "hu") == {"en": ".."}
    (english / "index.html").write_text("en")
    (english / "hu" / "index.html").write_text("hu")
    assert linkcheck.unbuilt_sites(english) == {}
    assert linkcheck.unbuilt_sites(english / "hu") == {}

    into_hu = re.compile(linkcheck._site_pattern(english, "hu"))
    assert into_hu.match((english / "hu" / "index.html").as_uri())
    assert not into_hu.match((english / "index.html").as_uri())
    into_english = re.compile(linkcheck._site_pattern(english / "hu", ".."))
    assert into_english.match((english / "search.html").as_uri() + "#x")
    assert not into_english.match((english / "hu" / "search.html").as_uri())
