"""The browser tests' shared pieces: Debian's Chromium, a local static server, pages.

Playwright for Python drives Debian's Chromium (/usr/bin/chromium; never `playwright install`).
The site is served by a local static server under /book/, the path of ``html_baseurl``, as a
host would serve it.  The ``browser`` and ``server`` fixtures (conftest) are made from these.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PREFIX = "/book/"  # the path of html_baseurl (conf.py)


def site_pages(html: Path) -> list[str]:
    """Every page of the site (not the theme's template fragments in _static)."""
    return sorted(p.name for p in html.glob("*.html"))


class _ThreadingServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that moves on closes the connection of a request still being answered:
        not an error of the site, so not printed; anything else is (socketserver's own)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class Server:
    """A static server for *root* under PREFIX, on a free local port, in a thread; the
    standard library's file handler unless another *handler* class is given."""

    def __init__(self, root: Path, handler: type[http.server.BaseHTTPRequestHandler] | None = None,
                 ) -> None:
        root_str = str(root)

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:
                path = urlsplit(path).path
                if not path.startswith(PREFIX):
                    return "/nonexistent"
                return super().translate_path("/" + path[len(PREFIX):])

            def log_message(self, *args: object) -> None:
                pass

        serve = handler or functools.partial(Handler, directory=root_str)
        self.httpd = _ThreadingServer(("127.0.0.1", 0), serve)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def new_page(browser: Browser, mode: str = "light", width: int = 1280) -> Page:
    """A page in a fresh context, with the theme's light/dark mode chosen as a reader would."""
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=mode)
    # Only the first page: later pages keep whatever the reader chose with the theme's menu.
    ctx.add_init_script(f"localStorage.getItem('mode') || localStorage.setItem('mode', '{mode}');")
    return ctx.new_page()


def watch_requests(page: Page, allowed_origin: str) -> list[str]:
    """Record every request to another origin and every failed request."""
    bad: list[str] = []

    def on_request(req) -> None:  # type: ignore[no-untyped-def]
        url = req.url
        if url.startswith("data:"):
            return
        if not url.startswith(allowed_origin):
            bad.append(f"other host: {url}")

    page.on("request", on_request)
    page.on("requestfailed", lambda req: bad.append(f"failed: {req.url} ({req.failure})"))
    page.on("response", lambda r: r.status >= 400 and bad.append(f"HTTP {r.status}: {r.url}"))
    return bad
