"""Helpers for browser tests: axe-core accessibility runs and page listings."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()


def axe_violations(page) -> list[dict]:
    """axe-core's violations for the page as it is now (WCAG 2.x A and AA, and best practice)."""
    results = _AXE.run(page)
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5], "help": v["help"]}
        for v in results.response["violations"]
    ]


def site_pages(site: Path) -> list[str]:
    """The URL path of every built page ('' for the home page), 404 page excluded."""
    paths = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        paths.append("" if relative == "." else relative + "/")
    return paths


def first_search_result(page, query: str) -> str:
    """Type ``query`` into Material's search box and return the first result's link.

    Results update with every letter typed, and the list for an earlier query stays until the
    new one is ready, so this waits until the list was found for the whole last word (Material
    puts the words a section matched in its link's ``?h=`` parameter).
    """
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "")
    page.keyboard.type(query)
    page.wait_for_function(
        """word => [...document.querySelectorAll('.md-search-result__item a')].some(link =>
            (new URL(link.href).searchParams.get('h') || '').toLowerCase().split(' ')
                .includes(word))""",
        arg=query.split()[-1].lower(),
        timeout=10_000,
    )
    return page.locator(".md-search-result__item a").first.get_attribute("href")


def assert_first_result(page, site_url: str, query: str, expected: str) -> None:
    """The first search result for ``query`` is the page at ``expected`` (relative to the site)."""
    href = first_search_result(page, query)
    target = href.split("?")[0].split("#")[0].removeprefix(site_url)
    assert target == expected, f"'{query}' led first to {href}"


def assert_answers_kept_on_page(page, requests: list[str]) -> None:
    """After a walk-through: no request was made (``requests`` was recorded from before the
    first answer), nothing is stored or put in the address, and a reload starts empty.

    The self-assessment's promise to readers is that their answers never leave the page; both
    languages' tests check it through this one helper.
    """
    page.wait_for_timeout(300)
    assert requests == [], "the assessment made a network request"
    assert page.context.cookies() == []
    stored = page.evaluate(
        """async () => [
            localStorage.length,
            sessionStorage.length,
            (await indexedDB.databases()).length,
            (await caches.keys()).length,
        ]"""
    )
    assert stored == [0, 0, 0, 0], "something was stored in the browser"
    assert "harm" not in page.url and "?" not in page.url
    page.reload()
    assert page.locator(".iop-form input:checked").count() == 0
    assert page.locator(".iop-result").is_hidden()
