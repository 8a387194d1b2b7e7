"""The HTML edition in a real browser: axe-core, offline loading, downloads, dark mode, search.

Playwright for Python drives Debian's Chromium (/usr/bin/chromium; never `playwright install`).
The site is served by a local static server under /book/, the path of ``html_baseurl``, as a
host would serve it; one test opens it from file:// as from a USB stick.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, edition_fixture
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = ROOT / "booktools" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PREFIX = "/book/"  # the path of html_baseurl (conf.py)
SEARCH_WORD = "Petőfi"
SEARCH_CHAPTER = "04-petofi-circle.html"  # the chapter that must rank among the first results


def site_pages(html: Path) -> list[str]:
    """Every page of the site (not the theme's template fragments in _static)."""
    return sorted(p.name for p in html.glob("*.html"))


class Server:
    """A static server for *root* under PREFIX, on a free local port, in a thread."""

    def __init__(self, root: Path) -> None:
        root_str = str(root)

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:
                path = urlsplit(path).path
                if not path.startswith(PREFIX):
                    return "/nonexistent"
                return super().translate_path("/" + path[len(PREFIX):])

            def log_message(self, *args: object) -> None:
                pass

        handler = functools.partial(Handler, directory=root_str)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{PREFIX}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install chromium"
    # Playwright gives each launch a fresh temporary profile (the --user-data-dir).
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(html_dir: Path) -> Iterator[Server]:
    srv = Server(html_dir)
    yield srv
    srv.close()


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


def start_axe(page: Page) -> None:
    """Start axe-core on *page* without waiting for it: several pages, each in its own
    renderer process, are measured at once (see axe_violations)."""
    # Measure the settled page: the theme fades colours in when it applies a mode, and a
    # contrast measured mid-transition is neither what a reader sees nor repeatable.
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')", timeout=5000
    )
    page.add_script_tag(path=str(AXE))
    # resultTypes: axe reports every violation in full and skips collecting the nodes that
    # passed, which is most of its time on a long page (axe-core's documented run option).
    # setTimeout: axe.run does much of its work before it returns its promise; started
    # from a timer, the call returns at once and the next page can start.
    page.evaluate("""() => { window.__axeResult = new Promise(resolve => setTimeout(
        () => resolve(axe.run(document, {resultTypes: ['violations']})), 0)); }""")


def axe_violations(page: Page) -> list[str]:
    """The violations axe-core found on *page*, once start_axe's run has ended."""
    result = page.evaluate("async () => await window.__axeResult")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -- "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else json.dumps(n["target"])
                    for n in v["nodes"][:3])
        for v in result["violations"]
    ]


#: Pages measured at once: axe-core is CPU-bound, each page in its own renderer process.
AXE_BATCH = 4


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_html_axe_reports_no_violations_on_any_page(browser, server, html_dir, mode):
    assert AXE.is_file(), f"{AXE} missing: run `make setup`"
    names = site_pages(html_dir)
    failures = {}
    for first in range(0, len(names), AXE_BATCH):
        batch = []
        for name in names[first:first + AXE_BATCH]:
            page = new_page(browser, mode)
            page.goto(server.url + name)
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.dataset.theme") == mode
            start_axe(page)
            batch.append((name, page))
        for name, page in batch:
            found = axe_violations(page)
            if found:
                failures[name] = found
            page.context.close()
    assert len(names) > 20, names  # every page of the site, not a few
    assert not failures, "axe-core violations:\n" + json.dumps(failures, indent=1, ensure_ascii=False)


def test_axe_as_run_here_still_reports_a_planted_violation(browser):
    """The faster way of running axe (started from a timer, violations only) still finds
    what it should: an image without alt text and a link without a name."""
    page = new_page(browser)
    page.set_content('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
                     '<main><h1>t</h1><img src="x.png"><a href="#x"></a></main></body></html>')
    start_axe(page)
    found = " ".join(axe_violations(page))
    page.context.close()
    assert "image-alt" in found and "link-name" in found, found


def test_html_loads_nothing_from_another_host_even_from_file(browser, html_dir):
    """From a USB stick (file://) every page's assets load and no request leaves the machine."""
    for name in ["index.html", "04-petofi-circle.html", "search.html", "genindex.html"]:
        page = new_page(browser)
        bad = watch_requests(page, "file://")
        page.goto((html_dir / name).as_uri())
        page.wait_for_load_state("networkidle")
        assert not bad, f"{name}: " + "\n".join(bad)
        page.context.close()


FIRST_VIEW_BUDGET = 700_000  # bytes: HTML + CSS + JS + fonts of one chapter, uncompressed


def test_html_first_page_view_stays_light(browser, server):
    """Transfer size of a first chapter view (measured 2.50 MB with the stock theme)."""
    page = new_page(browser)
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(server.url + SEARCH_CHAPTER)
    page.wait_for_load_state("networkidle")
    sizes = {r.url.split(PREFIX, 1)[-1]: len(r.body()) for r in responses if r.ok}
    total = sum(sizes.values())
    assert not [u for u in sizes if u.endswith((".woff2", ".woff", ".ttf"))], sizes
    assert total < FIRST_VIEW_BUDGET, f"{total} bytes: {sorted(sizes.items(), key=lambda kv: -kv[1])}"
    page.context.close()


@pytest.mark.parametrize(("language", "heading", "link"), [
    ("en", "Page not found", "table of contents"),
    ("hu", "Az oldal nem található", "tartalomjegyzéktől"),
])
def test_html_404_page_works_at_any_depth(browser, server, request, language, heading, link):
    """A host serves 404.html at whatever address was asked: its assets still load, in
    either language's site."""
    site = request.getfixturevalue(edition_fixture("html_dir", language))
    prefix = "" if language == "en" else f"{language}/"
    body = (site / "404.html").read_bytes()
    page = new_page(browser)
    bad = watch_requests(page, server.url.split(PREFIX)[0])
    deep = server.url + prefix + "no/such/chapter/here.html"
    page.route(deep, lambda route: route.fulfill(status=404, body=body,
                                                 content_type="text/html; charset=utf-8"))
    page.goto(deep)
    page.wait_for_load_state("networkidle")
    bad = [b for b in bad if b != f"HTTP 404: {deep}"]  # the page itself, as a host sends it
    assert not bad, "\n".join(bad)
    assert page.locator("h1").first.inner_text() == heading
    page.get_by_role("link", name=link).click()
    page.wait_for_load_state("load")
    assert page.url == server.url + prefix + "index.html"
    page.context.close()


def test_html_footnote_shows_on_hover(browser, server):
    page = new_page(browser)
    page.goto(server.url + SEARCH_CHAPTER)
    mark = page.locator("a.footnote-reference").first
    target = mark.get_attribute("href").lstrip("#")
    note = page.locator(f"[id='{target}']").inner_text()
    mark.hover()
    popup = page.locator(".bk-note-popup")
    popup.wait_for(state="visible")
    assert note.split("\n")[-1].strip()[:40] in popup.inner_text()
    page.keyboard.press("Escape")
    assert popup.count() == 0
    page.context.close()


@pytest.mark.slow
def test_html_reader_journey(browser, server, epub_path, pdf_path):
    """Load a chapter, check the downloads, switch to dark mode, search for a Hungarian name.
    (The site is built after the EPUB and PDF, as `make` builds it: conftest.BUILT_AFTER.)"""
    page = new_page(browser, "light")
    bad = watch_requests(page, server.url.split(PREFIX)[0])
    page.goto(server.url + SEARCH_CHAPTER)
    assert page.evaluate("document.documentElement.dataset.theme") == "light"

    # Downloads: the menu lists both editions with sizes, and the links serve the files.
    page.get_by_role("button", name="Download the whole book").click()
    for label, built in (("PDF", pdf_path), ("EPUB", epub_path)):
        link = page.locator(f"a.btn-download-{label.lower()}")
        assert link.is_visible()
        assert label in link.inner_text() and "B)" in link.inner_text()
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.ok, f"{label} link: HTTP {response.status}"
        assert response.body() == built.read_bytes(), f"{label} link serves another file"
    page.keyboard.press("Escape")

    # Dark mode through the theme's own colour-mode menu, as a reader picks it.
    page.locator("button.theme-switch-button:visible").first.click()
    page.locator("button.theme-change-button[data-mode='dark']:visible").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert sum(map(int, background[background.index("(") + 1:-1].split(",")[:3])) < 150

    # Search as a reader does: the search dialog, then the results page.
    page.keyboard.press("Control+k")
    field = page.locator("#pst-search-dialog input[name='q']")
    field.wait_for(state="visible")
    field.fill(SEARCH_WORD)
    field.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    results = page.locator("#search-results li a")
    results.first.wait_for()
    hrefs = [results.nth(i).get_attribute("href") for i in range(min(3, results.count()))]
    assert any(h.split("?")[0].split("#")[0] == SEARCH_CHAPTER for h in hrefs), hrefs
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert not bad, "\n".join(bad)
    page.context.close()


@pytest.mark.parametrize("page_name", ["index.html", "05-twenty-third-october.html", "91-people.html"])
def test_html_first_visit_has_no_console_error_and_one_search_field(browser, server, page_name):
    """A first visit (nothing in localStorage) at 1400 x 1000: no console error (the theme's
    "Got invalid theme mode" came from an empty default mode), no failed request (the
    favicon.ico browsers ask for when a page links none), and one search field in sight
    (the theme's header bar showed a second one above the layout)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    bad = watch_requests(page, server.url.split(PREFIX, 1)[0])
    page.goto(server.url + page_name)
    page.wait_for_load_state("networkidle")
    assert errors + bad == []
    fields = page.locator(".search-button-field, input[type=search]")
    visible = [i for i in range(fields.count()) if fields.nth(i).is_visible()]
    assert len(visible) == 1, f"{len(visible)} search fields visible"
    ctx.close()


# -- The Hungarian site (_build/html/hu/) ------------------------------------------------------

def test_hungarian_html_axe_reports_no_violations_on_any_page(browser, server, hu_html_dir):
    """Every page of the Hungarian site, in the light mode (the dark one shares its CSS with
    the English site, which is measured in both)."""
    names = [f"hu/{name}" for name in site_pages(hu_html_dir)]
    failures = {}
    for first in range(0, len(names), AXE_BATCH):
        batch = []
        for name in names[first:first + AXE_BATCH]:
            page = new_page(browser, "light")
            page.goto(server.url + name)
            page.wait_for_load_state("load")
            start_axe(page)
            batch.append((name, page))
        for name, page in batch:
            found = axe_violations(page)
            if found:
                failures[name] = found
            page.context.close()
    assert len(names) > 20, names
    assert not failures, "axe-core violations:\n" + json.dumps(failures, indent=1, ensure_ascii=False)


def test_language_switch_leads_a_reader_to_the_same_page_and_back(browser, server, hu_html_dir):
    page = new_page(browser)
    page.goto(server.url + "10-central-workers-council.html")
    page.get_by_role("link", name="Magyar", exact=True).click()
    page.wait_for_load_state("load")
    assert page.url == server.url + "hu/10-central-workers-council.html"
    assert page.evaluate("document.documentElement.lang") == "hu"
    assert page.locator("h1").first.inner_text().startswith("A Nagy-budapesti")
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_load_state("load")
    assert page.url == server.url + "10-central-workers-council.html"
    page.context.close()
