"""The CI workflows parse and follow the safety rules; the issue forms parse.

Rules: least-privilege ``permissions`` (read by default, a write scope only on the job
that needs it), no ``pull_request_target`` or ``workflow_run`` trigger (they run with
the base repository's token), checkouts keep no credentials, and every action is
pinned to a full commit SHA with its version in a comment.  :func:`violations` applies
the rules; the last tests prove it catches each kind of breach.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))

#: The only write scopes a workflow may hold, and where.
WRITE_ALLOWED = {
    "pages.yml": {"pages", "id-token"},
    "release.yml": {"contents"},
}
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$")
UNSAFE_TRIGGERS = {"pull_request_target", "workflow_run"}


def triggers(workflow: dict[str, Any]) -> set[str]:
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    return set(on or ())


def _writes(permissions: Any) -> set[str]:
    if permissions in ("write-all",):
        return {"*"}
    if permissions in (None, "read-all", {}):
        return set()
    return {scope for scope, level in permissions.items() if level == "write"}


def violations(name: str, text: str) -> list[str]:
    """Every breach of the rules in one workflow file (empty when it is fine)."""
    out: list[str] = []
    workflow = yaml.safe_load(text)
    if "permissions" not in workflow:
        out.append(f"{name}: no top-level permissions (the default token may write)")
    elif _writes(workflow["permissions"]):
        out.append(f"{name}: top-level permissions grant write: give it to one job instead")
    for trigger in triggers(workflow) & UNSAFE_TRIGGERS:
        out.append(f"{name}: trigger {trigger} runs a contributor's code with write access")
    allowed = WRITE_ALLOWED.get(name, set())
    for job_name, job in workflow.get("jobs", {}).items():
        extra = _writes(job.get("permissions")) - allowed
        if extra:
            out.append(f"{name}: job {job_name} may write {sorted(extra)}")
        for step in job.get("steps", []):
            uses = step.get("uses")
            keeps = (step.get("with") or {}).get("persist-credentials") is not False
            if uses and uses.startswith("actions/checkout@") and keeps:
                out.append(f"{name}: job {job_name}: checkout without "
                           "persist-credentials: false")
    for number, line in enumerate(text.splitlines(), 1):
        found = re.match(r"^\s*(?:-\s*)?uses:\s*(.+)$", line)
        if found and not found.group(1).startswith("./") and not PINNED.match(found.group(1)):
            out.append(f"{name}:{number}: action not pinned to a full SHA with a "
                       f"'# vX.Y.Z' comment: {found.group(1).strip()}")
    return out


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((GITHUB / "workflows" / name).read_text(encoding="utf-8"))


def all_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_four_workflows_exist() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"pull-request.yml", "pages.yml", "release.yml", "link-check.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_follows_the_rules(path: Path) -> None:
    assert violations(path.name, path.read_text(encoding="utf-8")) == []


def test_pull_request_workflow_builds_tests_and_uploads_the_editions() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in triggers(workflow)
    runs = [step.get("run", "") for step in all_steps(workflow)]
    # Set up as the README does: `make`, then `make test`.
    assert runs.index("make") < runs.index("make test")
    uploads = [s for s in all_steps(workflow) if s.get("uses", "").startswith(
        "actions/upload-artifact@")]
    assert uploads, "the editions are not uploaded"
    paths = uploads[0]["with"]["path"]
    for edition in ("_build/html", ".epub", ".pdf"):
        assert edition in paths
    assert uploads[0]["with"]["if-no-files-found"] == "error"


def test_pages_workflow_publishes_html_from_main_only() -> None:
    workflow = load("pages.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    uses = [s.get("uses", "") for s in all_steps(workflow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    upload = next(s for s in all_steps(workflow)
                  if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"


def test_release_attaches_pdf_and_epub_to_tagged_release() -> None:
    workflow = load("release.yml")
    assert workflow[True]["push"]["tags"]
    publish = workflow["jobs"]["publish"]
    script = " ".join(step.get("run", "") for step in publish["steps"])
    assert "hungary-1956.pdf" in script and "hungary-1956.epub" in script
    # The job holding the write token runs no repository code: it checks nothing out.
    assert not any(s.get("uses", "").startswith("actions/checkout@") for s in publish["steps"])


def test_link_check_is_weekly_and_never_blocks() -> None:
    workflow = load("link-check.yml")
    on = triggers(workflow)
    assert "schedule" in on and not on & {"pull_request", "push"}
    lychee = next(s for s in all_steps(workflow) if "lychee" in s.get("run", ""))
    assert lychee["continue-on-error"] is True


@pytest.mark.parametrize("form", ["fix-a-chapter.yml", "propose-a-chapter.yml"])
def test_issue_forms_parse(form: str) -> None:
    data = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / form).read_text(encoding="utf-8"))
    assert data["name"] and data["description"]
    ids = [item["id"] for item in data["body"] if "id" in item]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert any(item.get("validations", {}).get("required") for item in data["body"])


# -- The rule checker itself catches each breach ---------------------------------------

BAD = """
name: bad
on: [pull_request_target]
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02
"""


def test_checker_catches_every_breach() -> None:
    found = "\n".join(violations("bad.yml", BAD))
    assert "top-level permissions grant write" in found
    assert "trigger pull_request_target" in found
    assert "job build may write ['contents']" in found
    assert "checkout without persist-credentials: false" in found
    assert "bad.yml:11: action not pinned" in found  # a tag, not a SHA
    assert "bad.yml:14: action not pinned" in found  # a SHA without its version comment


def test_checker_wants_top_level_permissions() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: []\n"
    expected = "x.yml: no top-level permissions (the default token may write)"
    assert violations("x.yml", text) == [expected]


# -- The pre-commit hooks: local only, and what they run passes on the real book ---------

def test_pre_commit_hooks_are_local_and_use_project_tools() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "no hook downloads"
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    assert {"codespell", "ruff", "make-check"} <= set(hooks)
    for hook in hooks.values():
        tool = hook["entry"].split()[0]
        assert tool == "make" or (ROOT / tool).exists(), f"{hook['id']}: {tool} missing"


def test_codespell_passes_on_the_book_with_the_project_word_list() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entry = next(h["entry"] for h in config["repos"][0]["hooks"] if h["id"] == "codespell")
    targets = ["book", "references.bib", "README.md", "conf.py", "booktools", "tests",
               ".github", "CITATION.cff"]
    proc = subprocess.run(
        [*entry.split(), "--skip", "tests/fixtures,node_modules,__pycache__,package-lock.json", *targets],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_codespell_still_finds_a_misspelling(tmp_path: Path) -> None:
    """The word list excuses Hungarian and historical words, not typos."""
    sample = tmp_path / "chapter.md"
    sample.write_text("The workers of Buda and Pest formed a council, wich struck.\n")  # codespell:ignore wich
    proc = subprocess.run(
        [str(ROOT / ".venv/bin/codespell"), "--ignore-words",
         str(GITHUB / "codespell-words.txt"), str(sample)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0
    assert "wich" in proc.stdout and "Buda" not in proc.stdout  # codespell:ignore wich
