"""axe-core on every page of both languages' sites, in the light and the dark mode.

Each page is loaded once in Debian's Chromium (the browser and the local server of
tests/browsing.py), measured, switched to the other mode with the theme's own menu and
measured again; several tabs measure pages at once, each in its own renderer process,
and each tab goes on from page to page.
"""

from __future__ import annotations

import json

import pytest
from browsing import new_page, site_pages
from conftest import ROOT, edition_fixture
from playwright.sync_api import Page

AXE = ROOT / "booktools" / "node" / "node_modules" / "axe-core" / "axe.min.js"


#: The theme's colour fades, stopped so a page is measured in its final colours at once
#: (a contrast measured mid-transition is neither what a reader sees nor repeatable); and
#: every entry laid out, as a reader who scrolls to it sees it (book.css leaves the long
#: lists' entries far from the screen unrendered, and axe cannot measure the contrast of
#: what is not rendered: a planted low-contrast entry went unreported).
SETTLED = ("*, *::before, *::after { transition: none !important; animation: none !important; "
           "content-visibility: visible !important; }")


def start_axe(page: Page) -> None:
    """Start axe-core on *page* without waiting for it: several pages, each in its own
    renderer process, are measured at once (see axe_violations)."""
    if not page.evaluate("typeof axe !== 'undefined'"):  # once per page, for both modes
        page.add_style_tag(content=SETTLED)
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


def choose_mode(page: Page, mode: str) -> None:
    """The colour mode chosen with the theme's own menu item (its click handler)."""
    page.evaluate(f"document.querySelector(\".theme-change-button[data-mode='{mode}']\").click()")
    assert page.evaluate("document.documentElement.dataset.theme") == mode


#: Pages measured at once: axe-core is CPU-bound, each page in its own renderer process.
AXE_BATCH = 4
MODES = ("light", "dark")


@pytest.mark.parametrize("language", ["en", "hu"])
def test_html_axe_reports_no_violations_on_any_page(browser, server, request, language):
    """Every page of each language's site, in the light and the dark mode: each page is
    loaded once, measured in the mode it opens in, switched to the other mode with the
    theme's menu and measured again.  A tab goes on to the next page as a reader's does,
    so that page opens in the mode last chosen: the modes alternate from page to page."""
    assert AXE.is_file(), f"{AXE} missing: run `make setup`"
    site = request.getfixturevalue(edition_fixture("html_dir", language))
    prefix = "" if language == "en" else f"{language}/"
    names = [prefix + name for name in site_pages(site)]
    tabs = [new_page(browser, MODES[0]) for _ in range(AXE_BATCH)]
    failures, measured = {}, []
    for first in range(0, len(names), AXE_BATCH):
        batch = list(zip(names[first:first + AXE_BATCH], tabs, strict=False))
        opened = {}
        for name, page in batch:
            page.goto(server.url + name)
            page.wait_for_load_state("load")
            opened[name] = page.evaluate("document.documentElement.dataset.theme")
        for step in range(len(MODES)):
            for name, page in batch:
                if step:
                    choose_mode(page, next(m for m in MODES if m != opened[name]))
                start_axe(page)
            for name, page in batch:
                mode = page.evaluate("document.documentElement.dataset.theme")
                measured.append((name, mode))
                found = axe_violations(page)
                if found:
                    failures[f"{name} ({mode})"] = found
    for page in tabs:
        page.context.close()
    assert len(names) > 20, names  # every page of the site, not a few
    assert sorted(measured) == sorted((n, m) for n in names for m in MODES), measured
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


def test_the_dark_mode_is_measured_in_its_own_colours(browser, server):
    """A colour fault of the dark mode only (dark text on the dark background) is found in
    the dark pass and not in the light one: the page is measured in the colours the
    theme's menu switched it to, not in the light mode's or mid-fade."""
    page = new_page(browser, MODES[0])
    page.goto(server.url + "04-petofi-circle.html")
    page.wait_for_load_state("load")
    page.add_style_tag(content="html[data-theme='dark'] main p { color: #333 !important; }")
    found = {}
    for mode in MODES:
        if mode != MODES[0]:
            choose_mode(page, mode)
        start_axe(page)
        found[mode] = " ".join(axe_violations(page))
    page.context.close()
    assert "color-contrast" not in found["light"], found["light"]
    assert "color-contrast" in found["dark"], found["dark"]


def test_axe_measures_the_entries_the_browser_has_not_laid_out(browser, server):
    """The people page's entries and notes far from the screen are left unrendered
    (book.css, content-visibility); axe as run here still measures them: every fifteenth
    entry and note, made pale, is reported (without SETTLED's override, some were not)."""
    page = new_page(browser, MODES[0])
    page.goto(server.url + "91-people.html")
    assert page.evaluate("getComputedStyle(document.querySelectorAll("
                         "'.bd-article dl > dd')[100]).contentVisibility") == "auto"
    planted = page.evaluate("""() => {
        const ids = [];
        for (const list of ['.bd-article dl > dd', 'aside.footnote-list > aside']) {
            const all = document.querySelectorAll(list);
            for (let i = 10; i < all.length; i += 15) {
                all[i].id = all[i].id || `pale-${ids.length}`;
                all[i].querySelector('p').style.color = '#ddd';
                ids.push('#' + all[i].id + ' > p');
            }
        }
        return ids;
    }""")
    start_axe(page)
    result = page.evaluate("async () => await window.__axeResult")
    page.context.close()
    reported = {n["target"][0] for v in result["violations"] if v["id"] == "color-contrast"
                for n in v["nodes"]}
    assert len(planted) > 15
    missed = [p for p in planted if not any(t == p or t.startswith(p + " ") for t in reported)]
    assert not missed, missed  # an entry counts if its paragraph or a part of it is reported
