"""The Nu HTML checker (npm vnu-jar, run with java) finds no error on any page of the site."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import ROOT, edition_fixture

from booktools import linkcheck, meta

VNU = ROOT / "booktools" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.parametrize("language", meta.LANGUAGES)
def test_html_nu_checker_reports_no_errors(language, request):
    html_dir = request.getfixturevalue(edition_fixture("html_dir", language))
    java = shutil.which("java")
    assert java, "java is missing: apt-get install default-jre-headless"
    assert VNU.is_file(), f"{VNU} missing: run `make setup`"
    pages = sorted(str(p) for p in html_dir.glob("*.html"))
    assert len(pages) > 20
    proc = subprocess.run(
        [java, *linkcheck.JAVA_OPTIONS, "-jar", str(VNU), "--errors-only", "--format", "json",
         *pages],
        capture_output=True, text=True, check=False,
    )
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    errors = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert not errors, f"{len(errors)} Nu errors:\n" + "\n".join(errors[:40])
    assert proc.returncode == 0
