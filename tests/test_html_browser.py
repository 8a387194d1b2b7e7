"""The HTML edition in a real browser: offline loading, downloads, dark mode, search, notes,
the 404 page and the language switch (axe-core is in test_html_axe).

Debian's Chromium and the site served as a host serves it (tests/browsing.py); one test
opens the site from file:// as from a USB stick.
"""

from __future__ import annotations

import pytest
from browsing import PREFIX, new_page, watch_requests
from conftest import edition_fixture

SEARCH_WORD = "Petőfi"
SEARCH_CHAPTER = "04-petofi-circle.html"  # the chapter that must rank among the first results


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
