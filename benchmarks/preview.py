"""Time a live preview from save to page written: ``python benchmarks/preview.py TOOL CHAPTER``.

TOOL is ``ours`` (``python -m booktools.serve``, the warm preview of ``make serve``) or
``autobuild`` (sphinx-autobuild, which runs a new Sphinx for every change).  Run in a project
folder: it starts the preview, waits for its first build, saves one edit untimed (the first
rebuild of a process pays its first-use costs once), then appends a new sentence to CHAPTER
and measures the time until the served page holds it; then stops the preview.  The last line
is ``[bench-seconds] S``, which ``benchmarks/run.py`` reports instead of the wall time.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    tool, chapter = sys.argv[1], Path(sys.argv[2])
    project = Path.cwd()
    port = free_port()
    python = str(project / ".venv" / "bin" / "python")
    if tool == "ours":
        cmd = [python, "-m", "booktools.serve", "--quiet", "--port", str(port)]
        site = project / "_build" / ".serve" / "html"
        ready = "[serve] http://"
    else:
        site = project / "_build" / ".autobuild"
        cmd = [str(project / ".venv" / "bin" / "sphinx-autobuild"), "-c", ".", "book",
               str(site), "-q", "-W", "--keep-going", "-n", "--port", str(port)]
        ready = "Waiting to detect changes"
    page = site / f"{chapter.stem}.html"
    log = project / "_build" / f"preview-{tool}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, cwd=project, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while ready not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{tool} did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        for _ in ("warm-up", "timed"):
            time.sleep(1.0)  # let the watcher settle after the last build
            marker = f"The preview benchmark added sentence {time.time_ns()}."
            text = chapter.read_text(encoding="utf-8")
            started = time.perf_counter()
            chapter.write_text(text + f"\n{marker}\n", encoding="utf-8")
            while not (page.is_file() and marker in page.read_text(encoding="utf-8",
                                                                    errors="replace")):
                if proc.poll() is not None or time.perf_counter() - started > TIMEOUT:
                    raise SystemExit(f"{tool}: the edit never reached {page}")
                time.sleep(0.01)
            seconds = time.perf_counter() - started
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    print(f"[bench-seconds] {seconds:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
